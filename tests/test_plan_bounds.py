"""A plan too large to hold is refused with one line before any trial is listed; seeds and
sizes outside their range are refused the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

import augbench
from augbench.cli import main
from augbench.experiment.plan import MAX_CONFIGURATIONS, MAX_TRIALS, Experiment, make_plan


def test_a_hundred_million_seeds_are_refused_on_the_command_line_before_any_trial(
        tmp_path: Path, capsys, monkeypatch) -> None:
    # Listing the 600 million trials would grow memory until the machine gives up: here, the
    # first thousand listed fail the test instead.
    from augbench.experiment import plan

    listed = []

    def counted(*args, **kwargs):
        listed.append(1)
        if len(listed) > 1000:
            raise AssertionError("trials listed before the plan's size was checked")
        return plan.Trial(*args, **kwargs)

    monkeypatch.setattr(plan, "Trial", counted, raising=True)
    assert main(["run", "--seeds", "100000000", "--quiet", "--out", str(tmp_path / "never")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the plan holds 600,000,000 trials")
    assert f"more than {MAX_TRIALS:,}" in lines[0]
    assert "give at most --seeds 166,666" in lines[0]  # 6 trials per seed fit a million
    assert not listed and not (tmp_path / "never").exists()


def test_the_largest_plan_that_fits_is_planned_and_one_more_seed_is_refused(
        monkeypatch) -> None:
    # A bound of 10 trials, so that the plan at the bound is quick to list; one size, one
    # augmenter (none), one classifier: a trial per seed.
    monkeypatch.setattr("augbench.experiment.plan.MAX_TRIALS", 10)
    small = dict(augmenters=("none",), classifiers=("dummy",), sizes=(100,))
    assert len(make_plan(Experiment(seeds=10, **small)).trials) == 10
    with pytest.raises(augbench.UsageError, match="holds 11 trials .*more than 10, .*give at "
                                                  "most --seeds 10,"):
        make_plan(Experiment(seeds=11, **small))


def test_every_arm_size_and_prevalence_counts_toward_the_bound() -> None:
    per_seed = 2 * 3 * 2 * 2  # prevalences x sizes x augmenters x classifiers
    seeds = MAX_TRIALS // per_seed + 1
    with pytest.raises(augbench.UsageError) as refused:
        make_plan(Experiment(seeds=seeds, augmenters=("none", "ros"), classifiers=("lr", "dummy"),
                             sizes=(40, 60, 80), prevalence=(0.2, 0.3)))
    message = str(refused.value)
    assert f"holds {seeds * per_seed:,} trials ({seeds:,} seeds x {per_seed} per seed)" in message
    assert f"give at most --seeds {seeds - 1:,}" in message


@pytest.mark.parametrize("args, message", [
    (["--seeds", "0"], "--seeds must be at least 1, got 0."),
    (["--seeds", "-3"], "--seeds must be at least 1, got -3."),
    (["--sizes", "100000000000"], "training size 100000000000 does not fit dataset"),
    (["--sizes", "0"], "training size 0 does not fit dataset"),
])
def test_seeds_and_sizes_out_of_range_are_one_error_line(args: list[str], message: str,
                                                         tmp_path: Path, capsys) -> None:
    assert main(["run", *args, "--quiet", "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert message in err, err


def test_a_tuning_grid_too_large_to_try_is_refused_and_a_budget_draws_from_it() -> None:
    # 30 x 30 x 30 = 27,000 configurations, more than a trial tries.
    values = tuple(range(1, 31))
    space = {"lr": {"C": tuple(float(v) for v in values), "max_iter": tuple(100 + v for v in values),
                    "tol": tuple(v * 1e-5 for v in values)}}
    tuned = dict(augmenters=("none",), classifiers=("lr",), sizes=(100,), seeds=1, tune=True,
                 tune_space=space)
    assert 30 ** 3 > MAX_CONFIGURATIONS
    with pytest.raises(augbench.UsageError, match="would try 27,000 configurations, more than "
                                                  f"{MAX_CONFIGURATIONS:,}.*--tune-budget N"):
        make_plan(Experiment(**tuned))
    # A budget draws a few of them without listing the grid.
    trial = make_plan(Experiment(tune_budget=4, **tuned)).trials[0]
    from augbench.experiment.tuning import candidates

    drawn = candidates(trial.tuning, trial.seed, trial.size, trial.augmenter, trial.classifier)
    assert len(drawn) == 4 and len(set(drawn)) == 4
    for augmenter_config, classifier_config in drawn:
        assert augmenter_config == ()
        chosen = dict(classifier_config)
        assert set(chosen) == {"C", "max_iter", "tol"} and chosen["C"] in space["lr"]["C"]


def test_a_grid_too_large_for_a_budget_to_draw_from_is_refused(monkeypatch) -> None:
    import numpy as np

    import augbench.experiment.plan as plan_module

    # A budget draws positions of the grid with numpy, which can draw from MAX_GRID ...
    assert len(np.random.default_rng(0).choice(plan_module.MAX_GRID, 2, replace=False)) == 2
    # ... and a grid past it is one line at planning, not an OverflowError in every trial.
    monkeypatch.setattr(plan_module, "MAX_GRID", 100)
    space = {"lr": {"C": (0.1, 1.0, 10.0), "tol": tuple(v * 1e-5 for v in range(1, 41))}}
    with pytest.raises(augbench.UsageError, match="has a grid of 120 configurations, more than "
                                                  "a budget can draw from"):
        make_plan(Experiment(augmenters=("none",), classifiers=("lr",), sizes=(100,), seeds=1,
                             tune=True, tune_space=space, tune_budget=4))


def test_a_configuration_found_by_its_number_is_the_one_the_grid_lists() -> None:
    from augbench.experiment.tuning import Tuning

    tuning = Tuning(3, "roc_auc", None, (("a", (1, 2)), ("b", (3, 4, 5))),
                    (("c", (6, 7)), ("d", (8, 9, 10))))
    import itertools

    listed = [((("a", a), ("b", b)), (("c", c), ("d", d)))
              for a, b, c, d in itertools.product((1, 2), (3, 4, 5), (6, 7), (8, 9, 10))]
    assert tuning.size() == 36 and tuning.grid() == listed
    assert [tuning.configuration(i) for i in range(36)] == listed
