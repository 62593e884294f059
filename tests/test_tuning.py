"""Nested tuning (--tune): values from the declared or given grid, inner folds that never see
the outer test rows, augmentation inside each inner training fold only."""

from __future__ import annotations

import dataclasses
import json
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

import augbench
from augbench.cli import main
from augbench.experiment.plan import Experiment, make_plan
from augbench.experiment.protocol import TrialRunner, prepare
from augbench.registry import Registry, make_plugin_manager
from augbench.results.identity import experiment_config

EVENTS: list[tuple[str, frozenset]] = []


class SpyAugmenter:
    """Adds copies of the first minority row with row id -1, and records the ids it is given."""

    def __init__(self, sampling_strategy=1.0, random_state=None, copies=1):
        self.sampling_strategy, self.random_state, self.copies = sampling_strategy, random_state, copies

    def fit_resample(self, X, y):
        EVENTS.append(("augment", frozenset(X["rid"])))
        y = np.asarray(y)
        n = augbench.rows_to_add(y, self.sampling_strategy)
        extra = X[y == 1].iloc[[0] * n].assign(rid=-1.0)
        return pd.concat([X, extra], ignore_index=True), np.r_[y, np.ones(n, dtype=y.dtype)]


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Scores by the first feature, and records the ids it is fitted on and asked about."""

    def __init__(self, sharpness=1.0, random_state=None):
        self.sharpness, self.random_state = sharpness, random_state

    def fit(self, X, y):
        EVENTS.append(("fit", frozenset(X["rid"])))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        EVENTS.append(("predict", frozenset(X["rid"])))
        p = 1 / (1 + np.exp(-self.sharpness * X["x0"].to_numpy()))
        return np.c_[1 - p, p]


def _spy_registry() -> Registry:
    module = types.ModuleType("spies")
    module.augbench_augmenters = augbench.hookimpl(lambda: {"spy": augbench.declare(
        SpyAugmenter, search_space={"copies": (1, 2)})})
    module.augbench_classifiers = augbench.hookimpl(lambda: {"spy-clf": augbench.declare(
        SpyClassifier, search_space={"sharpness": (0.5, 2.0)})})
    return Registry(make_plugin_manager(extra_plugins=[module], disabled=()))


def _table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=n)
    return pd.DataFrame({"rid": np.arange(n, dtype=float), "x0": x0,
                         "x1": rng.normal(size=n),
                         "y": (x0 + rng.normal(size=n) > 1.2).astype(int)})


def test_inner_folds_never_see_the_test_rows_and_augment_inside_each_training_fold(
        monkeypatch) -> None:
    # Without scaling the classifier sees the row ids (the pipeline is the protocol's, not what
    # this test is about).
    monkeypatch.setattr("augbench.experiment.protocol.classifier_pipeline", lambda clf, X: clf)
    registry = _spy_registry()
    dataset = augbench.prepare_table(_table(), target="y", name="spy-table")
    plan = make_plan(Experiment(data=(augbench.DataSpec(source="spy-table", table=dataset),),
                                augmenters=("spy",), classifiers=("spy-clf",), sizes=(120,),
                                seeds=1, tune=True, tune_folds=3, metrics=("roc_auc",)),
                     registry)
    trial = next(t for t in plan.trials if t.augmenter == "spy")
    data = prepare(dataset, trial.seed, trial.size, trial.test_size, trial.prevalence)
    train, test = set(data.X_train["rid"]), set(data.X_test["rid"])
    EVENTS.clear()
    result = next(TrialRunner(plan.datasets, registry, fail_fast=True,
                              metrics=plan.metrics).run([trial]))
    assert result.ok and set(result.tuned_params) == {"augmenter", "classifier"}
    augmented = [rows for kind, rows in EVENTS if kind == "augment"]
    predicted = [rows for kind, rows in EVENTS if kind == "predict"]
    fitted = [rows for kind, rows in EVENTS if kind == "fit"]
    # Two augmenter values x three folds (each augmentation shared by both classifier values),
    # then the refit on all training rows.
    assert len(augmented) == 2 * 3 + 1 and augmented[-1] == train
    inner = augmented[:-1]
    validation = predicted[:-1]
    assert len(validation) == 2 * 2 * 3 and predicted[-1] == test
    for rows in inner:
        assert rows < train and not rows & test  # an inner training part, never a test row
    for rows in validation:
        assert rows < train and not rows & test
        # Validated on rows that its fold's augmentation never saw: the rest of the training.
        assert any(rows == train - part for part in inner)
    for rows in fitted[:-1]:
        assert -1.0 in rows and not (rows - {-1.0}) & test
        assert any(rows - {-1.0} == part for part in inner)  # fitted on its fold's augmented part
    assert fitted[-1] - {-1.0} == train


class SpyReserveAugmenter(SpyAugmenter):
    """A spy that also draws real rows: records the reserve rows it is given with each fit."""

    def with_reserve(self, X, y):
        self.reserve = X

    def fit_resample(self, X, y):
        RESERVES.append((frozenset(X["rid"]), self.reserve))
        return super().fit_resample(X, y)


RESERVES: list[tuple[frozenset, pd.DataFrame]] = []


def test_the_reserve_rows_of_an_inner_fold_are_filled_from_that_fold_alone() -> None:
    table = _table()
    table.loc[np.random.default_rng(2).random(len(table)) < 0.3, "x1"] = np.nan
    module = types.ModuleType("reserve_spy")
    module.augbench_augmenters = augbench.hookimpl(lambda: {"spy-reserve": augbench.declare(
        SpyReserveAugmenter, draws_reserve=True, search_space={"copies": (1, 2)})})
    registry = Registry(make_plugin_manager(extra_plugins=[module], disabled=()))
    dataset = augbench.prepare_table(table, target="y", name="spy-table")
    plan = make_plan(Experiment(data=(augbench.DataSpec(source="spy-table", table=dataset),),
                                augmenters=("spy-reserve",), classifiers=("lr",), sizes=(120,),
                                seeds=1, tune=True, metrics=("roc_auc",)), registry)
    RESERVES.clear()
    trial = next(t for t in plan.trials if t.augmenter == "spy-reserve")
    assert next(TrialRunner(plan.datasets, registry, fail_fast=True,
                            metrics=plan.metrics).run([trial])).ok
    assert len(RESERVES) == 2 * 3 + 1  # two values x three inner folds, then the refit
    raw = table.set_index("rid")["x1"]
    for rows, reserve in RESERVES:
        missing = reserve["rid"].map(raw).isna().to_numpy()
        assert missing.any()
        # Filled with the median of the rows being augmented, never of a validation part.
        np.testing.assert_allclose(reserve.loc[missing, "x1"], raw[sorted(rows)].median())


def test_the_done_when_command_records_values_from_the_grids(shared_data: Path,
                                                             tmp_path: Path) -> None:
    assert main(["run", "--data", "pima-diabetes", "--augmenters", "none,smote", "--classifiers",
                 "lr,hgb", "--tune", "--tune-space", "smote.k_neighbors=3,7", "--tune-space",
                 "lr.C=0.1,1,10", "--seeds", "3", "--sizes", "200", "--quiet",
                 "--out", str(tmp_path / "tuned")]) == 0
    trials = pd.read_csv(tmp_path / "tuned" / "trials.csv")
    assert len(trials) == 12 and trials["status"].eq("ok").all()
    from augbench_plugins.classifiers import SEARCH_SPACES

    for row in trials.itertuples():
        chosen = json.loads(row.tuned_params)
        if row.augmenter == "smote":
            assert chosen["augmenter"]["k_neighbors"] in (3, 7)
        else:
            assert chosen["augmenter"] == {}
        if row.classifier == "lr":
            assert chosen["classifier"]["C"] in (0.1, 1, 10)
        else:
            assert set(chosen["classifier"]) == set(SEARCH_SPACES["hgb"])
            for param, value in chosen["classifier"].items():
                assert value in SEARCH_SPACES["hgb"][param]
        assert 0.5 < row.tune_score <= 1
        assert row.tune_seconds > row.fit_seconds  # dozens of inner fits against one
    config = (tmp_path / "tuned" / "config.toml").read_text()
    assert "[tune.smote]\nk_neighbors = [3, 7]" in config and "[tune.hgb]" in config


def test_a_budget_draws_the_same_configurations_for_the_same_trial() -> None:
    from augbench.experiment.tuning import Tuning, candidates

    tuning = Tuning(3, "roc_auc", 4, (("k", (1, 2, 3)),), (("C", (0.1, 1.0, 10.0)),))
    assert len(tuning.grid()) == 9
    drawn = candidates(tuning, 5, 100, "smote", "lr")
    assert len(drawn) == 4 and drawn == candidates(tuning, 5, 100, "smote", "lr")
    assert all(c in tuning.grid() for c in drawn)
    others = {tuple(candidates(tuning, seed, 100, "smote", "lr")) for seed in range(10)}
    assert len(others) > 1  # each seed draws its own
    whole = Tuning(3, "roc_auc", None, tuning.augmenter_space, tuning.classifier_space)
    assert candidates(whole, 5, 100, "smote", "lr") == tuning.grid()


def test_tuned_runs_are_reproducible_across_jobs(tmp_path: Path) -> None:
    options = dict(augmenters="none,smote", classifiers="lr", seeds=2, sizes=(100,), tune=True,
                   tune_budget=3)
    alone = augbench.run(jobs=1, **options).trials
    parallel = augbench.run(jobs=2, **options).trials
    assert alone["tuned_params"].tolist() == parallel["tuned_params"].tolist()
    np.testing.assert_array_equal(alone["roc_auc"], parallel["roc_auc"])


def test_a_tuned_trial_is_the_same_alone_as_beside_other_classifiers() -> None:
    # Beside hgb, lr's trials share their seed's fold augmentations, which hgb's trials, run
    # first, made: they must not change.
    options = dict(augmenters="none,smote", seeds=2, sizes=(100,), tune=True, tune_budget=3)
    alone = augbench.run(classifiers="lr", **options).trials
    beside = augbench.run(classifiers="hgb,lr", **options).trials
    beside = beside[beside["classifier"] == "lr"].reset_index(drop=True)
    assert alone["tuned_params"].tolist() == beside["tuned_params"].tolist()
    np.testing.assert_array_equal(alone["roc_auc"], beside["roc_auc"])
    np.testing.assert_array_equal(alone["tune_score"], beside["tune_score"])


def test_a_run_with_nothing_to_tune_gives_the_untuned_numbers() -> None:
    options = dict(augmenters="none,ros", classifiers="dummy", seeds=2, sizes=(100,))
    untuned = augbench.run(**options).trials
    tuned = augbench.run(tune=True, **options).trials
    assert "tuned_params" not in tuned
    np.testing.assert_array_equal(untuned["brier"], tuned["brier"])


def test_an_untuned_experiment_keeps_its_identity() -> None:
    assert not {"tune", "tune_space", "tune_folds"} & set(experiment_config(Experiment()))
    assert {"tune", "tune_space", "tune_folds"} <= set(experiment_config(Experiment(tune=True)))


@pytest.mark.parametrize("args, message", [
    (["--tune-space", "lr.C=0.1,1"], "--tune-space sets how --tune tunes; add --tune"),
    (["--tune-budget", "0"], "--tune-budget sets how --tune tunes; add --tune"),
    (["--tune", "--tune-space", "rf.max_depth=2"], "'rf' is not among the chosen"),
    (["--tune", "--tune-space", "lr.C=-1,1"], "--tune-space lr.C=-1: classifier 'lr'"),
    (["--tune", "--tune-space", "lr.random_state=1,2"], "augbench sets random_state itself"),
    (["--tune", "--tune-space", "lr.nonsense=1,2"], "--tune-space lr.nonsense=1"),
    (["--tune", "--tune-metric", "dcr_median"], "is not a metric of the predictions"),
    (["--tune", "--tune-folds", "1"], "--tune-folds must be at least 2"),
    (["--tune", "--tune-space", "lr.C"], "is not of the form NAME.PARAM=V1,V2"),
    (["--tune", "--tune-space", "lr.C=-1,1"], "Change it with --tune-space lr.PARAM=V1,V2."),
    (["--tune", "--tune-space", "lr.nonsense=1,2"], "Check the names given with --tune-space "
                                                    "lr.PARAM=V1,V2."),
    (["--tune-strategy", "halving"], "--tune-strategy sets how --tune tunes; add --tune"),
    (["--tune", "--tune-strategy", "random"], "--tune-strategy random draws --tune-budget N"),
    (["--tune", "--tune-strategy", "grid", "--tune-budget", "2"],
     "--tune-strategy grid tries every configuration; leave out --tune-budget"),
    (["--tune", "--tune-space", "smote.k_neighbors=5,7", "--set", "smote.k_neighbors=3"],
     "--set smote.k_neighbors=3 fixes what --tune-space smote.k_neighbors=5,7 tunes; remove the "
     "--set to tune it, or the --tune-space to keep 3"),
])
def test_bad_tuning_options_are_one_error_line(args: list[str], message: str, capsys,
                                               tmp_path: Path) -> None:
    assert main(["run", "--augmenters", "none,smote", "--seeds", "2", "--sizes", "100",
                 "--quiet", *args, "--out", str(tmp_path / "never")]) == 2
    assert not (tmp_path / "never" / "results.sqlite").exists()
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert message in err, err
    assert "--set" not in err.replace("--set smote.k_neighbors=3 fixes", "").replace(
        "remove the --set", ""), err  # a value to try is changed with --tune-space


def test_a_value_fixed_and_tuned_in_a_file_or_in_python_is_refused(tmp_path: Path,
                                                                     capsys) -> None:
    path = tmp_path / "exp.toml"
    path.write_text('augmenters = ["smote"]\nseeds = 2\nsizes = [100]\n\n[params.smote]\n'
                    'k_neighbors = 3\n\n[tune.smote]\nk_neighbors = [5, 7]\n')
    assert main(["run", "--config", str(path), "--quiet", "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "(in a file: [params.smote] or [tune.smote])" in err
    with pytest.raises(augbench.UsageError, match="smote.k_neighbors=3 fixes what --tune-space "
                                                  "smote.k_neighbors=5,7 tunes"):
        augbench.run(augmenters="smote", seeds=2, sizes=100, tune=True,
                     params={"smote": {"k_neighbors": 3}}, tune_space="smote.k_neighbors=5,7")


def test_a_fixed_value_leaves_the_declared_grid_with_a_note() -> None:
    # smote declares k_neighbors 3, 5, 7: --set fixes it, and only lr's C is tuned.
    plan = make_plan(Experiment(augmenters=("smote",), classifiers=("lr",), seeds=1, sizes=(60,),
                                tune=True, params={"smote": {"k_neighbors": 2}},
                                tune_space={"lr": {"C": (0.5, 2.0)}}))
    assert ("note: --tune: smote.k_neighbors is fixed by --set smote.k_neighbors=2, so its "
            "declared values (3, 5, 7) are not tried.") in plan.notes
    assert "smote" not in plan.experiment.tune_space
    trial = next(t for t in plan.trials if t.augmenter == "smote")
    assert trial.augmenter_params == (("k_neighbors", 2),)
    assert trial.tuning.augmenter_space == () and trial.tuning.classifier_space == (
        ("C", (0.5, 2.0)),)


def test_the_python_api_takes_the_command_lines_tune_space_texts() -> None:
    from augbench.options import from_keywords

    small = dict(augmenters="none", classifiers="lr", seeds=1, sizes=60, tune=True,
                 metrics="roc_auc")
    run = augbench.run(tune_space="lr.C=0.1,1", **small)
    assert run.config["tune_space"]["lr"] == {"C": [0.1, 1]}
    assert json.loads(run.trials["tuned_params"][0])["classifier"]["C"] in (0.1, 1)
    assert from_keywords({"tune_space": ["lr.C=0.1,1", "lr.max_iter=200,300"]}) == {
        "tune_space": {"lr": {"C": (0.1, 1), "max_iter": (200, 300)}}}
    assert from_keywords({"tune_space": "lr.C=0.1,1"}) == from_keywords(
        {"tune_space": {"lr": {"C": [0.1, 1]}}})
    for bad in ("lr.C", 3, ["lr.C=1", 2]):
        with pytest.raises(augbench.UsageError, match="run\\(\\): tune_space takes "
                                                      "\"NAME.PARAM=V1,V2,...\" texts"):
            augbench.run(tune_space=bad, **small)
    # What is wrong with a text is said too, not only the forms the keyword takes.
    with pytest.raises(augbench.UsageError, match="'lr.C' is not of the form NAME.PARAM="):
        augbench.run(tune_space="lr.C", **small)


def test_a_tuned_value_the_augmenter_caps_is_stored_as_the_value_it_used() -> None:
    # 22 positive training rows: SMOTE uses at most 21 neighbours, whichever value is tried.
    trials = augbench.run(augmenters="smote", classifiers="lr", seeds=2, sizes=60, tune=True,
                          tune_space={"smote": {"k_neighbors": [30, 40]}, "lr": {"C": [1.0]}},
                          metrics="roc_auc").trials
    for row in trials[trials["augmenter"] == "smote"].itertuples():
        used = json.loads(row.tuned_params)["augmenter"]["k_neighbors"]
        assert used == row.n_train_positive - 1 == 21


def test_a_trial_too_small_for_its_folds_fails_with_the_reason() -> None:
    results = augbench.run(augmenters="none", classifiers="lr", seeds=1, sizes=(100,),
                           prevalence=0.03, tune=True, tune_folds=5)
    error = results.trials["error"].iloc[0]
    assert results.trials["status"].iloc[0] == "failed"
    assert error.startswith("tune: ") and "cannot fill 5 inner folds" in error


def test_experiment_files_hold_the_tuning(tmp_path: Path, capsys) -> None:
    path = tmp_path / "exp.toml"
    path.write_text('augmenters = ["smote"]\nseeds = 2\n\n[tune.smote]\nk_neighbors = [3, 4]\n')
    assert main(["run", "--config", str(path), "--tune-space", "lr.C=0.5,2",
                 "--dump-config"]) == 0
    dumped = capsys.readouterr().out
    assert "[tune.smote]\nk_neighbors = [3, 4]" in dumped and "[tune.lr]\nC = [0.5, 2]" in dumped
    assert "tune = true" not in dumped  # TOML holds the switch in the [tune] tables
    again = tmp_path / "again.toml"
    again.write_text(dumped)
    assert main(["run", "--config", str(again), "--dump-config"]) == 0
    assert capsys.readouterr().out == dumped


def test_a_tuned_run_against_its_untuned_twin(tmp_path: Path, capsys) -> None:
    small = ["--augmenters", "none,smote", "--classifiers", "lr", "--seeds", "4", "--sizes",
             "100", "--quiet"]
    assert main(["run", *small, "--out", str(tmp_path / "untuned")]) == 0
    assert main(["run", *small, "--tune", "--out", str(tmp_path / "tuned")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "tuned"), "--against", str(tmp_path / "untuned"),
                 "--html"]) == 0
    out = capsys.readouterr().out
    assert "tuned minus untuned, each augmenter and classifier" in " ".join(out.split())
    assert "note: tuned: each trial tried every configuration of its grid" in " ".join(out.split())
    # The terminal shows what the HTML report does: the values each arm chose most often.
    from augbench.reporting.blocks import chosen_words
    from augbench.results.tables import tuned_choices

    assert "tuned: the values each arm's trials chose most often" in " ".join(out.split())
    tuned_trials = augbench.load_results(tmp_path / "tuned").trials
    for r in tuned_choices(tuned_trials).itertuples():
        assert f"{chosen_words(r.chosen)}" in out and f"{r.times} of {r.trials}" in out
    arms = pd.read_csv(tmp_path / "tuned" / "against_arms.csv")
    tuned = augbench.load_results(tmp_path / "tuned").trials
    untuned = augbench.load_results(tmp_path / "untuned").trials
    for augmenter in ("none", "smote"):
        row = arms.query(f"augmenter == '{augmenter}' and metric == 'roc_auc'").iloc[0]
        mine = tuned[tuned["augmenter"] == augmenter].set_index("seed")["roc_auc"]
        theirs = untuned[untuned["augmenter"] == augmenter].set_index("seed")["roc_auc"]
        assert row["mean_diff"] == pytest.approx((mine - theirs).mean(), abs=1e-12)
        assert row["n_pairs"] == 4
    found = pd.read_csv(tmp_path / "tuned" / "against_differences.csv")
    shown = found[found["metric"].isin(["accuracy", "recall", "balanced_accuracy", "roc_auc",
                                        "pr_auc", "brier"])]
    sentence = (f"note: of the {len(shown)} differences from none significant in untuned or tuned"
                if len(shown) else "note: no difference from none is significant in either run")
    assert sentence in " ".join(out.split())
    page = (tmp_path / "tuned" / "report.html").read_text()
    assert '<h2 id="against">Against untuned</h2>' in page
    assert page.count("tuned minus untuned</h3>") == 1  # one block: pima-diabetes at 100 rows
    assert sentence in " ".join(page.split())


def test_runs_that_split_other_rows_are_not_compared(tmp_path: Path, capsys) -> None:
    small = ["--augmenters", "none", "--seeds", "2", "--sizes", "100", "--quiet"]
    assert main(["run", *small, "--out", str(tmp_path / "a")]) == 0
    assert main(["run", *small, "--test-size", "0.4", "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), "--against", str(tmp_path / "b")]) == 2
    assert "do not split the same rows (different: test_size)" in capsys.readouterr().err


@pytest.mark.parametrize("other, message", [
    (["--baseline", "ros"], "have another baseline ('none' and 'ros'); run both with the same "
                            "--baseline"),
    (["--holm", "run"], "have another Holm family ('comparison' and 'run')"),
])
def test_runs_with_another_baseline_or_holm_family_are_not_compared(
        other: list[str], message: str, tmp_path: Path, capsys) -> None:
    small = ["--augmenters", "none,ros", "--seeds", "2", "--sizes", "100", "--quiet"]
    assert main(["run", *small, "--out", str(tmp_path / "a")]) == 0
    assert main(["run", *small, *other, "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), "--against", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err, err


def test_verdicts_say_what_became_of_each_difference() -> None:
    from augbench.results.against import verdicts

    def comparisons(means: list[float], ps: list[float]) -> pd.DataFrame:
        return pd.DataFrame({"dataset": "t", "size": 100, "classifier": "lr",
                             "augmenter": ["a", "b", "c", "d", "e"], "metric": "roc_auc",
                             "mean_diff": means, "ci_low": -1.0, "ci_high": 1.0,
                             "p_adjusted": ps})

    here = comparisons([0.1, 0.1, 0.1, -0.1, 0.1], [0.01, 0.5, 0.01, 0.01, 0.5])
    there = comparisons([0.1, 0.1, 0.1, 0.1, 0.1], [0.01, 0.01, 0.5, 0.01, 0.5])
    found = verdicts(here, there).set_index("augmenter")["verdict"].to_dict()
    assert found == {"a": "holds", "b": "vanishes", "c": "appears", "d": "reverses"}


def test_the_values_chosen_most_often() -> None:
    from augbench.results.tables import tuned_choices

    trials = pd.DataFrame({"dataset": "t", "size": 100, "augmenter": "smote", "classifier": "lr",
                           "seed": [0, 1, 2], "status": "ok",
                           "tuned_params": ['{"c": 1}', '{"c": 2}', '{"c": 2}'],
                           "tune_score": [0.7, 0.8, 0.9]})
    row = tuned_choices(trials).iloc[0]
    assert (row["chosen"], row["times"], row["trials"]) == ('{"c": 2}', 2, 3)
    assert row["tune_score"] == pytest.approx(0.8)
    assert tuned_choices(trials.drop(columns="tuned_params")).empty


def test_a_tuned_folder_runs_only_a_new_arm_and_refuses_a_changed_grid(tmp_path: Path) -> None:
    options = dict(classifiers="lr", seeds=2, sizes=(100,), tune=True, out=tmp_path / "run",
                   tune_space={"lr": {"C": (0.1, 1)}})
    first = augbench.run(augmenters="none,smote", **options)
    assert first.reused == 0 and len(first.trials) == 4
    wider = augbench.run(augmenters="none,smote,ros", **options)
    assert wider.reused == 4 and len(wider.trials) == 6
    # Another grid for an arm already run is another experiment, as other --set values are.
    with pytest.raises(augbench.UsageError, match="changed: tuned values of smote"):
        augbench.run(augmenters="none,smote,ros",
                     **{**options, "tune_space": {"lr": {"C": (0.1, 1)},
                                                  "smote": {"k_neighbors": (3, 4)}}})


def test_results_against_in_python_is_what_the_command_line_writes(tmp_path: Path,
                                                                    capsys) -> None:
    small = dict(augmenters="none,smote", classifiers="lr", seeds=4, sizes=(100,))
    untuned = augbench.run(out=tmp_path / "untuned", **small)
    tuned = augbench.run(out=tmp_path / "tuned", tune=True, **small)
    against = tuned.against(untuned, names=("tuned", "untuned"))
    assert main(["report", str(tmp_path / "tuned"), "--against", str(tmp_path / "untuned")]) == 0
    assert against.sentence in " ".join(capsys.readouterr().out.split())
    written = pd.read_csv(tmp_path / "tuned" / "against_arms.csv")
    np.testing.assert_allclose(against.arms["mean_diff"], written["mean_diff"], atol=1e-12)
    assert list(against.differences.columns) == list(
        pd.read_csv(tmp_path / "tuned" / "against_differences.csv").columns)
    shown = against._repr_html_()
    assert shown.startswith("<style>") and '<h2 id="against">Against untuned</h2>' in shown
    other = augbench.run(test_size=0.4, **small)
    with pytest.raises(augbench.UsageError, match="different: test_size"):
        tuned.against(other)


def test_a_tuned_rf_folder_writes_its_none_values_and_resumes_from_them(tmp_path: Path,
                                                                         capsys) -> None:
    # rf declares max_depth None, 4, 8: TOML has no null, so the file says "none".
    command = ["run", "--augmenters", "none,gan", "--classifiers", "rf", "--tune",
               "--tune-budget", "2", "--set", "gan.generator_dims=(32, 32)", "--set",
               "gan.steps=20", "--seeds", "2", "--sizes", "100", "--quiet", "--out",
               str(tmp_path / "run")]
    assert main(command) == 0
    written = (tmp_path / "run" / "config.toml").read_text()
    assert 'max_depth = ["none", 4, 8]' in written and "generator_dims = [32, 32]" in written
    capsys.readouterr()
    assert main(["run", "--config", str(tmp_path / "run" / "config.toml"), "--quiet"]) == 0
    assert "4 of 4 trials ok (4 of them from the store)" in capsys.readouterr().err


def test_a_loss_is_tuned_to_its_lowest() -> None:
    from augbench.experiment.tuning import Fold, tune

    plan = make_plan(Experiment(augmenters=("none",), classifiers=("lr",), seeds=1, sizes=(100,),
                                tune=True, tune_space={"lr": {"C": (1.0, 2.0)}}))
    trial = plan.trials[0]
    y = np.array([0, 1] * 10)
    X = pd.DataFrame({"x": np.arange(20.0)})
    folds = [Fold(X, y, X.iloc[:0], y[:0], X, y)] * 3

    def predict(arm, X_fit, y_fit, X_valid):
        # C=1 predicts every validation row right (Brier 0), C=2 every one wrong (Brier 1).
        proba = y.astype(float) if dict(arm.classifier_params)["C"] == 1.0 else 1.0 - y
        return proba, proba > 0.5

    def augment(arm, rows, seeds):
        return [(f.X_train, f.y_train, "") for f in rows]

    for metric, best in (("brier", 1.0), ("roc_auc", 1.0), ("accuracy", 1.0)):
        spec = plan.metrics[metric]
        choice = tune(trial, folds, spec, augment, predict, {})
        assert dict(choice.classifier) == {"C": best}, metric
        assert choice.score == (0.0 if metric == "brier" else 1.0)


def _fake_tuning(space: dict, seed: int = 0) -> tuple:
    """A trial of lr tuned on ``space`` and three inner folds of 20 rows each (the validation
    rows of fold k hold x = 100 k onwards, so a fake predict knows its fold)."""
    from augbench.experiment.tuning import Fold

    plan = make_plan(Experiment(augmenters=("none",), classifiers=("lr",), seeds=seed + 1,
                                sizes=(100,), tune=True, tune_space={"lr": space},
                                params={"lr": {"max_iter": 300}}))
    trial = next(t for t in plan.trials if t.seed == seed)
    y = np.array([0, 1] * 10)
    folds = [Fold(pd.DataFrame({"x": np.arange(20.0)}), y, pd.DataFrame({"x": []}), y[:0],
                  pd.DataFrame({"x": 100.0 * k + np.arange(20.0)}), y) for k in range(3)]
    return plan, trial, folds, y


def _as_is(arm, rows, seeds):
    return [(f.X_train, f.y_train, "") for f in rows]


def test_equal_inner_scores_choose_the_first_configuration_in_grid_order() -> None:
    from augbench.experiment.tuning import tune

    # Values in no sorted order: the first is the first given, neither the least nor the last.
    plan, trial, folds, y = _fake_tuning({"C": (3.0, 1.0, 2.0)})

    def same_for_all(arm, X_fit, y_fit, X_valid):
        proba = np.where(y == 1, 0.7, 0.4)
        return proba, proba > 0.5

    for metric in ("roc_auc", "brier"):  # the highest and the lowest wins alike
        choice = tune(trial, folds, plan.metrics[metric], _as_is, same_for_all, {})
        assert dict(choice.classifier) == {"C": 3.0} and choice.tried == 3, metric


def test_inner_folds_and_their_augmentations_differ_between_seeds() -> None:
    from augbench.experiment.tuning import inner_folds, tune

    y = np.array([0, 0, 1] * 20)

    def validation(seed):
        return [tuple(valid) for _, valid in inner_folds(y, seed, 60, 3)]
    assert validation(0) == validation(0) and validation(0) != validation(1)
    seeds_given = {}
    for seed in (0, 1):
        plan, trial, folds, _ = _fake_tuning({"C": (1.0,)}, seed=seed)

        def augment(arm, rows, seeds, seed=seed):
            seeds_given[seed] = tuple(seeds)
            return _as_is(arm, rows, seeds)

        tune(trial, folds, plan.metrics["roc_auc"], augment,
             lambda arm, X, y_, X_valid: (np.full(len(X_valid), 0.5), np.zeros(len(X_valid))),
             {})
    assert len(set(seeds_given[0])) == 3 and set(seeds_given[0]).isdisjoint(seeds_given[1])


def test_a_configuration_tries_its_own_value_beside_the_fixed_ones() -> None:
    from augbench.experiment.tuning import tune, with_choice

    plan, trial, folds, y = _fake_tuning({"C": (0.5, 2.0)})
    # A fixed value of the tuned parameter (the plan refuses one; a trial built by hand may
    # hold it) never overrides the value a configuration tries; other fixed values stay.
    trial = dataclasses.replace(trial, classifier_params=(("C", 9.0), ("max_iter", 300)))
    fitted = []

    def predict(arm, X_fit, y_fit, X_valid):
        fitted.append(dict(arm.classifier_params))
        proba = y.astype(float) if fitted[-1]["C"] == 2.0 else 1.0 - y
        return proba, proba > 0.5

    choice = tune(trial, folds, plan.metrics["roc_auc"], _as_is, predict, {})
    assert {params["C"] for params in fitted} == {0.5, 2.0}
    assert all(params["max_iter"] == 300 for params in fitted)
    assert dict(choice.classifier) == {"C": 2.0}
    assert dict(with_choice(trial, choice).classifier_params) == {"C": 2.0, "max_iter": 300}


def test_a_metric_undefined_on_one_inner_fold_fails_that_configuration() -> None:
    from augbench.experiment.tuning import tune

    plan, trial, folds, y = _fake_tuning({"C": (1.0, 2.0)})

    def predict(arm, X_fit, y_fit, X_valid):
        first_fold = X_valid["x"].iloc[0] == 0.0
        if dict(arm.classifier_params)["C"] == 1.0:
            # Right on two folds, no positive decision on the first: precision is 0/0 there.
            decided = np.zeros(len(y), bool) if first_fold else y == 1
        else:
            decided = (y == 1) | (np.arange(len(y)) == 0)  # one false positive on every fold
        return decided.astype(float), decided

    choice = tune(trial, folds, plan.metrics["precision"], _as_is, predict, {})
    assert dict(choice.classifier) == {"C": 2.0}
    assert (choice.tried, choice.failed) == (2, 1)
    assert choice.score == pytest.approx(10 / 11)


def test_as_many_positives_as_folds_are_tuned_and_one_fewer_fails() -> None:
    from augbench.experiment.tuning import TuningError, inner_folds

    y = np.array([1, 1, 1] + [0] * 12)
    found = inner_folds(y, 0, len(y), 3)
    assert len(found) == 3 and all(y[valid].sum() == 1 for _, valid in found)
    with pytest.raises(TuningError, match="2 positive training rows of 14 cannot fill 3 inner"):
        inner_folds(y[1:], 0, len(y) - 1, 3)


def test_a_tuned_trial_refits_with_the_values_it_chose() -> None:
    # Its test numbers are those of an untuned trial given the chosen values.
    small = dict(augmenters="smote", classifiers="lr", seeds=2, sizes=100, metrics="roc_auc,brier")
    tuned = augbench.run(tune=True, tune_space={"smote": {"k_neighbors": [3, 6]},
                                                "lr": {"C": [0.01, 10.0]}}, **small).trials
    tuned = tuned[tuned["augmenter"] == "smote"]
    for row in tuned.itertuples():
        chosen = json.loads(row.tuned_params)
        untuned = augbench.run(params={"smote": chosen["augmenter"], "lr": chosen["classifier"]},
                               **small).trials
        again = untuned[(untuned["augmenter"] == "smote") & (untuned["seed"] == row.seed)]
        assert again["brier"].item() == row.brier and again["roc_auc"].item() == row.roc_auc


def test_successive_halving_keeps_the_best_third_a_fold_at_a_time() -> None:
    from augbench.experiment.tuning import successive_halving

    # Nine candidates, three folds: the mean on the first k folds is the candidate's number
    # (position 4 best), with 4 and 7 tied on the second rung (the first in grid order wins).
    asked = []

    def evaluate(chosen: list[int], k: int) -> list[float]:
        asked.append((list(chosen), k))
        return [{4: 9.0, 7: 9.0 if k == 2 else 5.0}.get(i, float(i) / 10) for i in chosen]

    successive_halving(list(range(9)), 3, evaluate, higher=True)
    assert asked == [(list(range(9)), 1), ([4, 7, 8], 2), ([4], 3)]
    asked.clear()
    successive_halving(list(range(9)), 3, evaluate, higher=False)  # a loss: the lowest wins
    assert asked == [(list(range(9)), 1), ([0, 1, 2], 2), ([0], 3)]


def test_halving_tunes_on_fewer_folds_and_keeps_every_candidates_scores(tmp_path: Path) -> None:
    common = dict(augmenters="none,smote", classifiers="lr", seeds=3, sizes=(150,), tune=True,
                  metrics=("roc_auc",))
    grid = augbench.run(**common)
    halving = augbench.run(tune_strategy="halving", out=tmp_path / "halving", **common)
    assert halving.config["tune_strategy"] == "halving" and grid.config["tune_strategy"] is None
    folds = grid.config["tune_folds"]
    seen, every = halving.tune_candidates, grid.tune_candidates
    # The grid scores every candidate on every fold; halving all on one, fewer on the rest.
    assert (every["folds"] == folds).all() and len(seen) == len(every)
    per_trial = seen.groupby(["augmenter", "seed"])["folds"].agg(["sum", "max"])
    assert (per_trial["sum"] < every.groupby(["augmenter", "seed"])["folds"].sum()).all()
    assert (per_trial["max"] == folds).all()
    # Each trial chose the best of the candidates scored on every fold, and says so.
    chosen = seen[seen["chosen"]]
    assert len(chosen) == len(halving.trials) and (chosen["folds"] == folds).all()
    finished = seen[seen["folds"] == folds]
    best = finished.groupby(["augmenter", "seed"])["score"].max()
    assert chosen.set_index(["augmenter", "seed"])["score"].equals(best.loc[
        chosen.set_index(["augmenter", "seed"]).index])
    # A candidate scored on every fold has the grid's score for it, to the last bit.
    merged = finished.merge(every, on=["augmenter", "seed", "values"], suffixes=("", "_grid"))
    assert len(merged) == len(finished) and (merged["score"] == merged["score_grid"]).all()
    # The folder resumes from its options file, with the strategy in it.
    assert 'tune-strategy = "halving"' in (tmp_path / "halving" / "config.toml").read_text()
    again = augbench.run(tune_strategy="halving", out=tmp_path / "halving", **common)
    assert again.reused == len(halving.trials)


def test_a_halving_run_is_another_experiment_than_a_grid_run(tmp_path: Path, capsys) -> None:
    base = ["run", "--augmenters", "none", "--seeds", "2", "--sizes", "100", "--tune",
            "--metrics", "roc_auc", "--quiet", "--out", str(tmp_path)]
    assert main(base) == 0
    assert main([*base, "--tune-strategy", "halving"]) == 2
    assert "changed: tune_strategy" in capsys.readouterr().err
