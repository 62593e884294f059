"""Plausible bugs that once passed the whole suite, each introduced on purpose: every test here
fails for its bug, and the numbers it pins are computed by hand."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from augbench_plugins import privacy

import augbench
from augbench.cli import main
from augbench.experiment.seeding import derive_seed
from augbench.plugin.capabilities import GPU_REQUIRED
from augbench.registry import Registry, make_plugin_manager
from augbench.reporting.blocks import difference_blocks, summary_blocks
from augbench.reporting.findings import findings
from augbench.reporting.terminal import difference_tables
from augbench.results.compare import holm


def _positives(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})


def _input(X_train, y_train, X_test, y_test, X_synthetic) -> augbench.MetricInput:
    return augbench.MetricInput(X_train, np.asarray(y_train), X_test, np.asarray(y_test),
                                X_synthetic=X_synthetic)


def _privacy(name: str, inp: augbench.MetricInput) -> float:
    return privacy.augbench_metrics()[name].function(inp)


def test_an_attacker_takes_the_better_side_when_outsiders_sit_closer() -> None:
    members, outsiders = _positives(60, 0), _positives(60, 1)
    # The synthetic rows copy the outsiders: members sit farther from them than outsiders do,
    # which tells them apart as well as the other way round (raw AUC near 0).
    inp = _input(members, np.ones(60), outsiders, np.ones(60), outsiders.copy())
    assert _privacy("mia_auc", inp) == 1.0


def test_detection_is_the_same_whatever_the_order_of_the_rows() -> None:
    real = _positives(90, 2)
    rng = np.random.default_rng(3)
    # Copies of real rows (as random over-sampling makes) and a few new ones.
    synthetic = pd.concat([real.iloc[rng.integers(0, 90, 120)], _positives(30, 4)],
                          ignore_index=True)
    y = np.ones(90)
    first = _privacy("detection_auc", _input(real, y, real, y, synthetic))
    for seed in range(3):
        order = np.random.default_rng(seed).permutation
        shuffled_real = real.iloc[order(90)].reset_index(drop=True)
        shuffled_synthetic = synthetic.iloc[order(len(synthetic))].reset_index(drop=True)
        again = _privacy("detection_auc", _input(shuffled_real, y, shuffled_real, y,
                                                 shuffled_synthetic))
        assert again == first  # folds by content, ties scored once: exactly the same


def test_a_differing_category_adds_exactly_one_to_a_squared_distance() -> None:
    X = pd.DataFrame({"a": [0.0, 0.0, 0.0, 10.0],
                      "kind": pd.Categorical(["p", "p", "p", "q"], categories=["p", "q"])})
    y = np.array([1, 1, 0, 0])
    # The same patient as row 0 but for its category: one indicator off, one on.
    synthetic = pd.DataFrame({"a": [0.0], "kind": pd.Categorical(["q"], categories=["p", "q"])})
    assert _privacy("dcr_median", _input(X, y, X, y, synthetic)) == pytest.approx(1.0)


def test_fidelity_counts_a_category_the_training_rows_lack() -> None:
    X = pd.DataFrame({"kind": pd.Categorical(["p", "q", "p", "q"])})
    y = np.array([1, 1, 0, 0])
    synthetic = pd.DataFrame({"kind": pd.Categorical(["p", "r"])})  # "r": no real patient has it
    # Real positives: p 1/2, q 1/2; synthetic: p 1/2, unseen 1/2. TV = (0 + 1/2 + 1/2) / 2.
    assert _privacy("fidelity_ks_tv", _input(X, y, X, y, synthetic)) == pytest.approx(0.5)


def test_holm_families_are_the_augmenters_of_one_classifier(tmp_path: Path) -> None:
    results = augbench.run(augmenters=("none", "smote", "ros"), classifiers=("lr", "rf"),
                           seeds=8, sizes=(100,), metrics=("recall", "roc_auc"))
    comparisons = results.comparisons
    for _, family in comparisons.groupby(["size", "classifier", "metric"]):
        assert len(family) == 2  # smote and ros
        np.testing.assert_allclose(family["p_adjusted"], holm(family["p_value"].to_numpy()))


def _lower_is_better_results() -> augbench.Results:
    """12 seeds where augmenter 'a' lowers the Brier score (better) and recall (worse)."""
    rows = []
    for seed in range(12):
        noise = 0.001 * ((seed * 7) % 5)
        rows += [{"dataset": "d", "size": 100, "seed": seed, "augmenter": "none",
                  "classifier": "lr", "status": "ok", "brier": 0.20 + noise,
                  "recall": 0.60 + noise, "n_synthetic": 0},
                 {"dataset": "d", "size": 100, "seed": seed, "augmenter": "a",
                  "classifier": "lr", "status": "ok", "brier": 0.15 + 2 * noise,
                  "recall": 0.50 + 2 * noise, "n_synthetic": 10}]
    metrics = {"brier": augbench.Metric(None, "Brier score", higher_is_better=False,
                                        headline=True),
               "recall": augbench.Metric(None, "recall", headline=True)}
    return augbench.Results(pd.DataFrame(rows).assign(augment_seconds=0.0, fit_seconds=0.0),
                            augbench.RunRecord(metrics=metrics))


def test_lower_is_better_metrics_are_judged_in_their_direction() -> None:
    results = _lower_is_better_results()
    sentence = next(line for line in findings(results) if line.startswith("finding: 'a'"))
    # The verb says the direction; the amount and its interval are sizes (no "by -0.048").
    assert "lowered Brier score (better) by 0.048 [0.047, 0.049]" in sentence
    assert "lowered recall by 0.098" in sentence and "recall (worse)" not in sentence
    cells = summary_blocks(results)[0].rows
    marks = {labels[1]: [text[-1] for text, _ in row] for labels, _, row in cells}
    assert marks["a"] == ["▲", "▼"]  # brier lower (better), recall lower (worse)
    rendered = difference_tables(results)[0].columns
    brier, recall = (list(c._cells)[0] for c in rendered[2:4])
    assert brier.endswith("▲") and recall.endswith("▼")
    assert difference_blocks(results)[0][2][0].cells[0][0] < 0


def test_a_finding_whose_interval_crosses_zero_says_so_with_signed_ends() -> None:
    results = _lower_is_better_results()
    comparisons = results.comparisons.copy()
    recall = comparisons["metric"] == "recall"
    comparisons.loc[recall, ["mean_diff", "ci_low", "ci_high"]] = [-0.0325, -0.126, 0.061]
    results.__dict__["comparisons"] = comparisons  # the cached property, replaced
    sentence = next(line for line in findings(results) if line.startswith("finding: 'a'"))
    assert "lowered recall by 0.033 [-0.061, +0.126, an interval that crosses zero" in sentence


def test_a_tables_fingerprint_covers_its_labels() -> None:
    X = pd.DataFrame({"a": np.arange(10.0)})
    y = np.array([0, 1] * 5)
    one = augbench.Dataset("t", X, y, positive="1")
    other = augbench.Dataset("t", X, y[::-1].copy(), positive="1")
    assert one.fingerprint != other.fingerprint


def test_a_classifiers_declared_gpu_parameter_reaches_the_trial() -> None:
    from sklearn.linear_model import LogisticRegression

    class DeviceLR(LogisticRegression):
        def __init__(self, device="cpu", C=1.0, random_state=None):
            super().__init__(C=C, random_state=random_state)
            self.device = device

    module = types.ModuleType("gpu_classifier_plugin")
    module.augbench_classifiers = augbench.hookimpl(
        lambda: {"device-lr": augbench.declare(DeviceLR, gpu_param="device")})
    registry = Registry(make_plugin_manager(extra_plugins=[module], disabled=()))
    plan = augbench.make_plan(augbench.Experiment(
        classifiers=("device-lr",), seeds=1, sizes=(100,),
        params={"device-lr": {"device": "cuda"}}), registry)
    assert {plan.gpu(t) for t in plan.trials} == {GPU_REQUIRED}


def test_the_trial_timeout_applies_to_the_classifiers_fit(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    sleepy = "misbehaving_plugin:SleepyClassifier"
    results = augbench.run(augmenters=("none",), classifiers=(sleepy,), seeds=1, sizes=(100,),
                           params={sleepy: {"seconds": 30.0}},
                           execution=augbench.Execution(trial_timeout=0.5))
    error = results.trials["error"].iloc[0]
    assert error.startswith("fit: TrialTimeout"), error


def test_an_experiment_file_cannot_say_overwrite(tmp_path: Path, capsys) -> None:
    path = tmp_path / "exp.toml"
    path.write_text("overwrite = true\nseeds = 2\n")
    assert main(["run", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --config ") and "overwrite" in err
    assert not (tmp_path / "out").exists()


def test_the_leaderboard_ranks_the_best_augmenter_first() -> None:
    from augbench.leaderboard.board import Board

    auc = {"t1": {"none": 0.70, "good": 0.80, "bad": 0.60},
           "t2": {"none": 0.65, "good": 0.75, "bad": 0.55}}
    scores = pd.DataFrame([{"setting": "untuned", "dataset": table, "size": 100, "seed": s,
                            "augmenter": a, "classifier": "lr", "status": "ok",
                            "roc_auc": v + 0.001 * s}
                           for table, values in auc.items() for a, v in values.items()
                           for s in range(3)])
    board = Board(scores, {"roc_auc": augbench.Metric(None, "ROC-AUC")})
    ranks = board.ranks.query("point == 'largest'")
    assert ranks["augmenter"].tolist() == ["good", "none", "bad"]
    assert ranks["average_rank"].tolist() == [1.0, 2.0, 3.0]


class _Draws(augbench.TableOverSampler):
    """Rows whose 'u' column records the generator's draws."""

    def _generate(self, X_class, n_new, random_state):
        u = np.random.default_rng(random_state).random(n_new)
        return pd.DataFrame({"u": u})


def test_each_class_topped_up_draws_from_its_own_seed() -> None:
    X = pd.DataFrame({"u": np.zeros(60)})
    y = np.repeat([0, 1, 2], [30, 10, 20])
    X_res, y_res = _Draws(random_state=0).fit_resample(X, y)
    ones, twos = X_res["u"][y_res == 1].iloc[10:], X_res["u"][y_res == 2].iloc[20:]
    assert len(ones) == 20 and len(twos) == 10
    assert not np.isin(twos.to_numpy(), ones.to_numpy()).any()  # not one stream shared


@pytest.mark.parametrize("part", [0.05, 0.1, -1, True])
def test_a_seed_is_never_derived_from_a_truncated_coordinate(part) -> None:
    with pytest.raises(TypeError, match="give a float coordinate as text"):
        derive_seed(1, "prevalence", part)
    assert derive_seed(1, "prevalence", "0.05") != derive_seed(1, "prevalence", "0.1")


def test_a_plain_class_with_the_right_constructor_runs_by_import_path(monkeypatch) -> None:
    module = types.ModuleType("plain_augmenter_module")

    class Plain:  # no scikit-learn base: only the constructor and fit_resample
        def __init__(self, sampling_strategy=1.0, random_state=None):
            self.sampling_strategy = sampling_strategy
            self.random_state = random_state

        def fit_resample(self, X, y):
            return X, np.asarray(y)

    module.Plain = Plain
    monkeypatch.setitem(sys.modules, "plain_augmenter_module", module)
    results = augbench.run(augmenters=("plain_augmenter_module:Plain",), seeds=1,
                           sizes=(100,), jobs=1, fail_fast=True)
    assert results.trials["status"].eq("ok").all()


def test_a_run_of_one_seed_reports_without_a_traceback(tmp_path: Path, capsys) -> None:
    # With one seed no paired test runs: every p-value is NaN, which the comparisons' pivot
    # dropped, and the threshold-shift finding then raised KeyError after the trials were stored.
    assert main(["run", "--seeds", "1", "--sizes", "100", "--quiet",
                 "--out", str(tmp_path / "one")]) == 0
    printed = capsys.readouterr()
    assert "warning: with 1 seed no difference from 'none' can be significant" in printed.out
    assert "finding: 'smote' with 'lr' on 'breast-cancer'" in printed.out
