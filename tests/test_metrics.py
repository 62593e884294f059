"""Metrics agree with scikit-learn's definitions; intervals are Student-t."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import metrics as skm
from sklearn.base import BaseEstimator

import augbench
from augbench.builtin.classification import score
from augbench.experiment.seeding import derive_seed
from augbench.registry import Registry, make_plugin_manager
from augbench.results.stats import t_interval


def test_score_matches_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    p = np.clip(0.3 * y + rng.random(300) * 0.7, 0, 1)
    pred = (p > 0.5).astype(int)
    got = score(y, p)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert got["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert got["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert got["specificity"] == pytest.approx(skm.recall_score(1 - y, 1 - pred))
    assert got["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert got["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p))
    assert got["pr_auc"] == pytest.approx(skm.average_precision_score(y, p))
    assert got["brier"] == pytest.approx(skm.brier_score_loss(y, p))


def test_precision_is_undefined_when_no_patient_is_flagged_positive() -> None:
    got = score(np.array([0, 1, 0, 1]), np.array([0.1, 0.2, 0.3, 0.4]))
    assert np.isnan(got["precision"]) and got["recall"] == 0.0 and got["roc_auc"] == 0.75
    assert got["f1"] == 0.0  # 2tp / (2tp + fp + fn) with positives to find: defined, and 0


def test_t_interval_by_hand() -> None:
    values = np.array([0.70, 0.74, 0.78, 0.72])
    half = stats.t.ppf(0.975, 3) * values.std(ddof=1) / 2  # sqrt(4) = 2
    low, high = t_interval([values.mean()], [values.std(ddof=1)], [4])
    assert low[0] == pytest.approx(0.735 - half) and high[0] == pytest.approx(0.735 + half)
    low, high = t_interval([0.99], [0.05], [3], bounds=(0.0, 1.0))
    assert high[0] == 1.0 and np.isnan(t_interval([0.5], [0.0], [1])[0][0])


def test_expected_calibration_error_by_hand() -> None:
    from augbench.builtin.classification import ece
    from augbench.plugin.metric import MetricInput

    y = np.array([0, 0, 1, 1, 1, 0])
    p = np.array([0.05, 0.15, 0.95, 0.85, 0.55, 0.52])
    # bins: [0,.1): p .05 y 0 -> .05; [.1,.2): .15 vs 0 -> .15; [.5,.6): (.55+.52)/2 vs 1/2 -> .035
    # x2 rows; [.8,.9): .85 vs 1 -> .15; [.9,1]: .95 vs 1 -> .05
    expected = (0.05 + 0.15 + 2 * 0.035 + 0.15 + 0.05) / 6
    inp = MetricInput(None, np.empty(0), None, y, y_true=y, proba=p, y_pred=p > 0.5)
    assert ece(inp) == pytest.approx(expected)
    perfect = MetricInput(None, np.empty(0), None, y, y_true=y, proba=y.astype(float),
                          y_pred=y == 1)
    assert ece(perfect) == 0.0


class _ReportsItsFit(BaseEstimator):
    """Adds copies of minority rows and reports what it did in a fitted attribute."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        y = np.asarray(y)
        n = augbench.rows_to_add(y, self.sampling_strategy)
        self.budget_ = float(self.random_state % 1000)
        picked = X[y == 1].iloc[np.arange(n) % int((y == 1).sum())]
        return pd.concat([X, picked], ignore_index=True), np.r_[y, np.ones(n, dtype=y.dtype)]


def test_a_synthetic_metric_reads_what_the_fitted_augmenter_reports() -> None:
    plugin = types.ModuleType("reports")
    plugin.augbench_augmenters = augbench.hookimpl(lambda: {"reports": _ReportsItsFit})
    plugin.augbench_metrics = augbench.hookimpl(lambda: {"budget": augbench.Metric(
        lambda inp: inp.augmenter.budget_, "budget spent", needs="synthetic", bounds=None)})
    registry = Registry(make_plugin_manager(extra_plugins=[plugin], disabled=()))
    results = augbench.run(augmenters=("reports",), classifiers=("lr",), seeds=3, sizes=(80,),
                           metrics=("budget", "recall"), registry=registry)
    trials = results.trials.set_index("augmenter")
    expected = [derive_seed(seed, "augment", 80) % 1000 for seed in range(3)]
    assert trials.loc["reports", "budget"].tolist() == expected
    assert trials.loc["none", "budget"].isna().all()  # no row added, nothing to read


def test_undefined_values_are_left_out_of_means_and_counted_where_means_are() -> None:
    from augbench.reporting.blocks import summary_blocks

    nan = float("nan")
    precision = {"none": [0.5, nan, 0.3, nan], "smote": [0.2, 0.4, 0.3, 0.1]}
    trials = pd.DataFrame([{"dataset": "d", "size": 100, "seed": s, "augmenter": a,
                            "classifier": "lr", "status": "ok", "precision": v,
                            "n_synthetic": 0 if a == "none" else 5, "augment_seconds": 0.0,
                            "fit_seconds": 0.0}
                           for a, values in precision.items() for s, v in enumerate(values)])
    spec = augbench.Metric(None, "precision", headline=True)
    results = augbench.Results(trials, augbench.RunRecord(metrics={"precision": spec}))
    summary = results.summary.set_index("augmenter")
    assert summary.loc["none", "precision_mean"] == pytest.approx(0.4)
    assert summary.loc["none", "precision_undefined"] == 2
    assert summary.loc["smote", "precision_undefined"] == 0
    comparison = results.comparisons.iloc[0]
    assert comparison["n_pairs"] == 2  # only the seeds where both are defined pair up
    block = summary_blocks(results)[0]
    cells = {labels[1]: row[0][0] for labels, _, row in block.rows}
    assert cells["none"].startswith("0.400±") and "†" in cells["none"]
    assert "†" not in cells["smote"]
    assert "precision of none/lr in 2 of 4" in block.caption
