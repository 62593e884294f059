"""The ``gan`` augmenter: output contract, reproducibility, batching, and what it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import added, assert_light_plugin
from sklearn.base import clone

import augbench
from augbench.testing import check_augmenter, make_mixed_table

torch = pytest.importorskip("torch")
from augbench_plugins.gan.model import GanAugmenter  # noqa: E402 (after importorskip)

# Few steps: the contract does not depend on how well the GAN has learnt.
QUICK = dict(steps=40)


def shifted_table(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A mixed table whose minority sits 3 sd away, with its own correlations and categories.

    Minority: x1 ~ N(3, 1), x2 = x1 + N(0, 0.3) (correlated), ``kind`` follows x1 (a, b, c by
    thresholds). Majority: independent N(0, 1) columns, ``kind`` mostly a. An integer column
    ``visits`` and a column constant in the minority (``site``) complete it.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    x1 = np.where(y == 1, rng.normal(3, 1, n), rng.normal(0, 1, n))
    x2 = np.where(y == 1, x1 + rng.normal(0, 0.3, n), rng.normal(0, 1, n))
    minority_kind = np.select([x1 < 2.5, x1 < 3.0], ["a", "b"], "c")
    majority_kind = rng.choice(["a", "b", "c"], n, p=[0.7, 0.2, 0.1])
    X = pd.DataFrame({
        "x1": x1, "x2": x2,
        "kind": pd.Categorical(np.where(y == 1, minority_kind, majority_kind),
                               categories=["a", "b", "c", "never"]),
        "visits": np.where(y == 1, rng.poisson(6, n), rng.poisson(1, n)).astype(np.int64),
        "site": np.where(y == 1, 7.0, rng.normal(0, 1, n)),
    })
    return X, y



def test_plugin_module_is_light_and_registered(registry) -> None:
    assert_light_plugin("augbench_plugins.gan", {"torch", "sklearn"}, {"gan"})
    assert registry.get("augmenters", "gan").plugin == "gan"
    assert isinstance(registry.create("augmenters", "gan", random_state=0), GanAugmenter)


def test_parameters_follow_scikit_learn_rules() -> None:
    aug = GanAugmenter(random_state=3, steps=7, generator_dims=(32, 16), gumbel_tau=None)
    params = aug.get_params()
    assert params["random_state"] == 3 and params["generator_dims"] == (32, 16)
    assert params["sampling_strategy"] == "auto" and params["device"] == "auto"
    assert clone(aug).get_params() == params


def test_conformance_kit() -> None:
    check_augmenter(GanAugmenter(**QUICK))


@pytest.mark.parametrize("ratio", [1.0, 0.6, "auto"])
def test_output_contract(ratio) -> None:
    X, y = shifted_table(300)
    X.index = X.index + 1000  # a non-default index must come back as a RangeIndex
    X_res, y_res = GanAugmenter(sampling_strategy=ratio, random_state=0, **QUICK).fit_resample(X, y)
    n_min, n_maj = int(y.sum()), int((y == 0).sum())
    n_new = int(n_maj * (1.0 if ratio == "auto" else ratio) - n_min)
    assert len(X_res) == len(y_res) == len(X) + n_new
    pd.testing.assert_frame_equal(X_res.iloc[:len(X)], X.reset_index(drop=True))
    assert isinstance(X_res.index, pd.RangeIndex)
    assert np.array_equal(y_res[:len(y)], y) and np.all(y_res[len(y):] == 1)
    assert y_res.dtype == y.dtype
    assert X_res.dtypes.equals(X.dtypes)
    new, minority = added(X, X_res), X[y == 1]
    assert not new.isna().any().any()
    assert set(new["kind"]) <= set(minority["kind"])  # never "never", never a category unseen
    assert (new["site"] == 7.0).all()  # constant in the minority, constant in the output
    assert (new["visits"] >= minority["visits"].min()).all()
    assert (new["visits"] <= minority["visits"].max()).all()
    for col in ("x1", "x2"):
        assert new[col].between(minority[col].min(), minority[col].max()).all()


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.37, 0.29, 0.2])
def test_row_count_follows_imbalanced_learn(ratio) -> None:
    from imblearn.over_sampling import RandomOverSampler

    X, y = make_mixed_table(203, positive_share=0.2)
    _, y_res = GanAugmenter(sampling_strategy=ratio, random_state=0, steps=1).fit_resample(X, y)
    try:
        expected = int(RandomOverSampler(sampling_strategy=ratio).fit_resample(X, y)[1].sum())
    except ValueError:  # imbalanced-learn refuses a ratio already reached; the GAN adds nothing
        expected = int(y.sum())
    assert int(y_res.sum()) == expected


def test_nothing_to_add_returns_the_input() -> None:
    X, y = make_mixed_table(100)
    X_res, y_res = GanAugmenter(sampling_strategy=0.01, **QUICK).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert np.array_equal(y_res, y)


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    X, y = shifted_table(200)
    first = GanAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    again = GanAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    other = GanAugmenter(random_state=6, **QUICK).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    assert not added(X, first)[["x1", "x2"]].equals(added(X, other)[["x1", "x2"]])


# With epochs, models of one batch train for different numbers of steps (30 or 60 here).
@pytest.mark.parametrize("length", [QUICK, dict(epochs=30)], ids=["steps", "epochs"])
def test_batch_of_eight_equals_each_alone(length) -> None:
    # Different rows and minority counts per table, as the runner's seeds have.
    tables = [shifted_table(120 + 17 * i, seed=i) for i in range(8)]
    seeds = [11 * i + 1 for i in range(8)]
    batched = GanAugmenter(**length).fit_resample_many(
        [X for X, _ in tables], [y for _, y in tables], seeds)
    for (X, y), seed, (X_res, y_res) in zip(tables, seeds, batched):
        X_alone, y_alone = GanAugmenter(random_state=seed, **length).fit_resample(X, y)
        pd.testing.assert_frame_equal(X_res, X_alone, check_exact=True)
        assert np.array_equal(y_res, y_alone)


def test_tables_of_different_layouts_in_one_call() -> None:
    (X1, y1), (X2, y2) = shifted_table(150), make_mixed_table(150)
    many = GanAugmenter(**QUICK).fit_resample_many([X1, X2, X1], [y1, y2, y1], [1, 2, 3])
    for (X, y), seed, (X_res, _) in zip([(X1, y1), (X2, y2), (X1, y1)], [1, 2, 3], many):
        alone = GanAugmenter(random_state=seed, **QUICK).fit_resample(X, y)[0]
        pd.testing.assert_frame_equal(X_res, alone, check_exact=True)


def test_global_random_state_and_threads_are_left_alone() -> None:
    X, y = make_mixed_table(100)
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()
    threads = torch.get_num_threads()
    GanAugmenter(random_state=0, **QUICK).fit_resample(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()
    assert torch.get_num_threads() == threads


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_device_keeps_the_contract_and_reproduces() -> None:
    X, y = shifted_table(200)
    first = GanAugmenter(random_state=0, device="cuda", **QUICK).fit_resample(X, y)[0]
    again = GanAugmenter(random_state=0, device="cuda", **QUICK).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    assert first.dtypes.equals(X.dtypes) and not first.isna().any().any()


def test_numeric_only_and_categorical_only_tables() -> None:
    X, y = shifted_table(200)
    for columns in (["x1", "x2", "visits"], ["kind"]):
        X_res, _ = GanAugmenter(random_state=0, numeric_scaling="minmax", gumbel_tau=None,
                                **QUICK).fit_resample(X[columns], y)
        assert X_res.dtypes.equals(X[columns].dtypes) and not X_res.isna().any().any()


@pytest.mark.parametrize("params, message", [
    (dict(batch_size=50), "multiple of 16"), (dict(generator_dims=(60,)), "multiple"),
    (dict(sampling_strategy=1.5), "sampling_strategy"), (dict(device="tpu"), "device"),
    (dict(numeric_scaling="log"), "numeric_scaling"), (dict(random_state="x"), "random_state"),
    (dict(epochs=-1), "epochs"),
])
def test_bad_parameters_say_what_is_wrong(params, message) -> None:
    X, y = make_mixed_table(60)
    with pytest.raises((ValueError, TypeError), match=message):
        GanAugmenter(**{**QUICK, **params}).fit_resample(X, y)


def test_learns_the_minority_not_the_majority_nor_noise() -> None:
    X, y = shifted_table(600)
    # Four seeds, batched: one GAN run can miss by chance; their pooled rows should not.
    outputs = GanAugmenter().fit_resample_many([X] * 4, [y] * 4, [0, 1, 2, 3])
    runs = [added(X, X_res) for X_res, _ in outputs]
    new, minority, majority = pd.concat(runs), X[y == 1], X[y == 0]
    assert len(new) > 4 * 150
    for col in ("x1", "x2", "visits"):
        sd = minority[col].std()
        assert abs(minority[col].mean() - majority[col].mean()) > 2 * sd  # the table's premise
        assert abs(new[col].mean() - minority[col].mean()) < 0.3 * sd, col
    shares_new = new["kind"].value_counts(normalize=True)
    shares_min = minority["kind"].value_counts(normalize=True)
    assert (shares_new - shares_min).abs().max() < 0.15
    assert shares_new["a"] < 0.5  # the majority is 70 % "a"
    # The minority's joint structure: noise through the quantile decoder would keep the
    # marginals but lose both the x1-x2 correlation and the kind-x1 association.
    for run in runs:
        assert np.corrcoef(run["x1"], run["x2"])[0, 1] > 0.6
        by_kind = run.groupby("kind", observed=True)["x1"].mean()
        assert by_kind["c"] - by_kind["a"] > 0.8


def test_through_augbench_public_api() -> None:
    X, y = make_mixed_table(120)
    aug = augbench.get_augmenter("gan", random_state=0, steps=30)
    X_res, y_res = aug.fit_resample(X, y)
    assert len(X_res) == len(y_res) > len(X)
    results = augbench.run(augmenters=("none", "gan"), classifiers=("lr",), seeds=2,
                           sizes=(60,), params={"gan": {"steps": 30}})
    trials = results.trials
    assert len(trials) == 4 and (trials.status == "ok").all(), trials.error.tolist()
    assert (trials.loc[trials.augmenter == "gan", "n_synthetic"] > 0).all()


def test_shared_stroke_table(shared_data) -> None:
    ds = augbench.read_table(shared_data / "stroke.csv", target="stroke", drop="id")
    keep = ~ds.X.isna().any(axis=1).to_numpy()
    X, y = ds.X[keep].iloc[:800].reset_index(drop=True), ds.y[keep][:800]
    X_res, y_res = GanAugmenter(random_state=0, **QUICK).fit_resample(X, y)
    new = added(X, X_res)
    assert X_res.dtypes.equals(X.dtypes) and not new.isna().any().any()
    assert int(y_res.sum()) == int((y == 0).sum())
    for col in ds.categorical_columns:
        assert set(new[col]) <= set(X.loc[y == 1, col])
