"""The protocol's guarantees: leakage-free, paired, nested and reproducible trials."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

import augbench
from augbench.experiment.data import Dataset
from augbench.experiment.protocol import Trial, TrialRunner, draw_indices, prepare, run_trial, split_indices
from augbench.registry import Registry, make_plugin_manager

SENTINEL = 1e6  # the row_id of synthetic rows: far above every real row_id


def _dataset(n: int = 200, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    X = pd.DataFrame({"row_id": np.arange(n, dtype=float), "x": rng.normal(2 * y, 1.0)})
    X.loc[rng.random(n) < 0.1, "x"] = np.nan  # imputation is part of the protocol
    return Dataset("toy", X, y, positive="1")


class SpyAugmenter(BaseEstimator):
    """Records the rows it is given and adds synthetic rows marked by a sentinel row_id."""

    seen: list[np.ndarray] = []

    def __init__(self, sampling_strategy=1.0, random_state=None, fail_seed=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.fail_seed = fail_seed

    def fit_resample(self, X, y):
        if self.fail_seed is not None and self.random_state == self.fail_seed:
            raise RuntimeError("planned failure")
        SpyAugmenter.seen.append(X["row_id"].to_numpy().copy())
        n_new = int(self.sampling_strategy * np.sum(y == 0)) - int(np.sum(y == 1))
        new = X[y == 1].sample(n_new, replace=True, random_state=0).assign(row_id=SENTINEL)
        return pd.concat([X, new], ignore_index=True), np.concatenate([y, np.ones(n_new, y.dtype)])


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Records the (scaled) row_id column it is fitted on and asked to predict."""

    fitted: list[np.ndarray] = []
    predicted: list[np.ndarray] = []

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        SpyClassifier.fitted.append(np.asarray(X)[:, 0].copy())
        return self

    def predict_proba(self, X):
        SpyClassifier.predicted.append(np.asarray(X)[:, 0].copy())
        p = np.linspace(0.1, 0.9, len(X))
        return np.column_stack([1 - p, p])


@pytest.fixture
def spies() -> Registry:
    SpyAugmenter.seen, SpyClassifier.fitted, SpyClassifier.predicted = [], [], []
    plugin = types.ModuleType("spies")
    plugin.augbench_augmenters = augbench.hookimpl(lambda: {"spy": SpyAugmenter})
    plugin.augbench_classifiers = augbench.hookimpl(lambda: {"spyclf": SpyClassifier})
    return Registry(make_plugin_manager(extra_plugins=[plugin], disabled=()))


def test_split_is_stratified_disjoint_and_depends_on_the_seed_only() -> None:
    y = _dataset().y
    pool, test = split_indices(y, 3, 0.3)
    assert set(pool).isdisjoint(test) and len(pool) + len(test) == len(y)
    assert abs(y[test].mean() - y.mean()) < 0.02
    assert np.array_equal(test, split_indices(y, 3, 0.3)[1])
    assert not np.array_equal(test, split_indices(y, 4, 0.3)[1])


def test_sizes_are_nested_and_stratified() -> None:
    y = _dataset(400).y
    pool, _ = split_indices(y, 1, 0.3)
    previous: set[int] = set()
    for size in (20, 50, 100, 200, len(pool)):
        rows = draw_indices(y, pool, 1, size)
        assert len(rows) == size and set(rows) <= set(pool)
        assert previous <= set(rows)
        assert abs(y[rows].mean() - y[pool].mean()) <= 1 / size + 1e-9
        previous = set(rows)


def test_imputation_uses_training_rows_only() -> None:
    ds = _dataset()
    data = prepare(ds, seed=0, size=60, test_size=0.3)
    train_median = ds.X["x"].iloc[data.train_rows].median()
    filled = data.X_test["x"][ds.X["x"].iloc[data.test_rows].isna().to_numpy()]
    assert len(filled) > 0 and np.allclose(filled, train_median)
    assert not data.X_train.isna().any().any()


def test_no_synthetic_row_reaches_a_test_set_and_tests_are_paired(spies: Registry) -> None:
    ds = _dataset()
    trials = [Trial("toy", seed, size, aug, "spyclf")
              for seed in (0, 1) for size in (40, 80) for aug in ("none", "spy")]
    rows = [r.as_row() for r in TrialRunner({"toy": ds}, spies).run(trials)]
    assert all(r["status"] == "ok" for r in rows), rows
    test_sets = {seed: set(prepare(ds, seed, 40, 0.3).test_rows) for seed in (0, 1)}
    for seen in SpyAugmenter.seen:  # the augmenter saw training rows of one seed only
        assert any(set(seen).isdisjoint(test) for test in test_sets.values())
    for fitted, predicted, row in zip(SpyClassifier.fitted, SpyClassifier.predicted, rows):
        synthetic = np.sort(fitted)[len(fitted) - row["n_synthetic"]:]
        if row["n_synthetic"]:  # sentinel rows scale to the top of the training column
            assert predicted.max() < synthetic.min()
        assert len(predicted) == row["n_test"] == len(test_sets[row["seed"]])
    for seed in (0, 1):
        for size in (40, 80):
            assert np.array_equal(prepare(ds, seed, size, 0.3).test_rows,
                                  prepare(ds, seed, 40, 0.3).test_rows)


def test_balance_follows_the_ratio(registry: Registry) -> None:
    for ratio in (1.0, 0.8):  # breast-cancer starts at 0.59
        res = augbench.run(augmenters=("smote",), classifiers=("lr",), seeds=2, sizes=(60, 120),
                           ratio=ratio, registry=registry).trials
        res = res[res.augmenter == "smote"]  # beside none, the reference every run includes
        positives = res["n_train_positive"] + res["n_synthetic"]
        negatives = res["n_train"] - res["n_train_positive"]
        assert (res["n_synthetic"] > 0).all()
        assert ((positives - ratio * negatives).abs() <= 1).all()


def test_trials_reproduce_alone_and_in_any_order(registry: Registry) -> None:
    kwargs = dict(augmenters=("none", "smote"), classifiers=("lr", "rf"), seeds=3, sizes=(50, 100),
                  registry=registry)
    first = augbench.run(**kwargs).trials
    second = augbench.run(**kwargs).trials
    cols = ["accuracy", "recall", "roc_auc", "brier", "n_synthetic"]
    pd.testing.assert_frame_equal(first[cols], second[cols])
    ds = augbench.load_dataset("breast-cancer", registry=registry)
    alone = run_trial(Trial("breast-cancer", 2, 100, "smote", "rf"), {"breast-cancer": ds},
                      registry).as_row()
    match = first[(first.seed == 2) & (first["size"] == 100) & (first.augmenter == "smote")
                  & (first.classifier == "rf")].iloc[0]
    assert all(alone[c] == match[c] for c in cols)


def test_a_failing_trial_is_recorded_and_the_run_goes_on(spies: Registry) -> None:
    from augbench.experiment.seeding import derive_seed

    ds = _dataset()
    trials = [Trial("toy", seed, 60, "spy", "lr", augmenter_params=(
        ("fail_seed", derive_seed(1, "augment", 60)),)) for seed in (0, 1, 2)]
    rows = [r.as_row() for r in TrialRunner({"toy": ds}, spies).run(trials)]
    assert [r["status"] for r in rows] == ["ok", "failed", "ok"]
    assert rows[1]["error"] == "augment: RuntimeError: planned failure"
    with pytest.raises(RuntimeError, match="planned failure"):
        list(TrialRunner({"toy": ds}, spies, fail_fast=True).run(trials))


def test_a_gap_only_in_test_rows_is_filled_from_training_rows() -> None:
    from augbench.experiment.preprocess import TrainImputer

    train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": pd.Categorical(["x", "x", "y"])})
    test = pd.DataFrame({"a": [np.nan, 5.0], "c": pd.Categorical([None, "y"], categories=["x", "y"])})
    filled = TrainImputer().fit(train).transform(test)
    assert filled["a"].tolist() == [2.0, 5.0] and filled["c"].tolist() == ["x", "y"]


def test_single_threaded_limits_torch_and_restores_it() -> None:
    torch = pytest.importorskip("torch")
    from augbench.plugin.kit import single_threaded

    before = torch.get_num_threads()
    with single_threaded():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_a_threshold_tuned_classifier_decides_with_its_own_threshold(tmp_path) -> None:
    from conftest import mixed_table

    data = (augbench.DataSpec(str(mixed_table(tmp_path / "m.csv")), target="outcome"),)
    grid = {"data": data, "augmenters": ("none",), "seeds": 3, "sizes": (150,)}
    res = augbench.run(classifiers=("lr", "lr-tuned", "rf-tuned"), **grid).trials
    lr, tuned = (res[res.classifier == c].set_index("seed") for c in ("lr", "lr-tuned"))
    # The same probabilities (so the same ROC-AUC), another threshold (so other labels).
    assert np.allclose(lr["roc_auc"], tuned["roc_auc"])
    assert tuned["recall"].mean() > lr["recall"].mean() + 0.1
    # Nested random states take the trial's seed too: a forest inside the tuner reproduces.
    again = augbench.run(classifiers=("rf-tuned",), **grid).trials
    assert np.array_equal(again["roc_auc"], res.loc[res.classifier == "rf-tuned", "roc_auc"])


class BatchSpy(SpyAugmenter):
    """A seed-batching augmenter that records how many tables each batch hands it."""

    batches: list[int] = []

    def fit_resample_many(self, Xs, ys, random_states):
        BatchSpy.batches.append(len(Xs))
        return [SpyAugmenter(self.sampling_strategy, state).fit_resample(X, y)
                for X, y, state in zip(Xs, ys, random_states)]


def test_a_batch_never_hands_over_a_training_set_with_nothing_to_top_up() -> None:
    # Positives are the majority: imbalanced-learn's samplers would top up the negatives instead.
    ds = _dataset()
    flipped = Dataset("flipped", ds.X, (1 - ds.y).astype(np.int8), positive="0")
    BatchSpy.batches = []
    plugin = types.ModuleType("batch_spy")
    plugin.augbench_augmenters = augbench.hookimpl(lambda: {"batch-spy": BatchSpy})
    registry = Registry(make_plugin_manager(extra_plugins=[plugin], disabled=()))
    trials = [Trial(name, seed, 60, "batch-spy", "lr") for name in ("toy", "flipped")
              for seed in (0, 1, 2)]
    rows = [r.as_row() for r in TrialRunner({"toy": ds, "flipped": flipped}, registry).run(trials)]
    assert [r["status"] for r in rows] == ["ok"] * 6
    assert BatchSpy.batches == [3]  # the toy table's three seeds; none of the flipped table's
    assert [r["n_synthetic"] > 0 for r in rows] == [True] * 3 + [False] * 3
