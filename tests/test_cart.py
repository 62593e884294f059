"""The ``cart`` augmenter: contract, reproducibility, synthpop's properties, and what it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from augbench_plugins.cart.model import CartAugmenter
from conftest import added, assert_light_plugin
from sklearn.base import clone

import augbench
from augbench.testing import check_augmenter, check_output, make_mixed_table


def dependent_table(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A table whose minority has structure: ``b`` = a² + small noise, ``kind`` = "hi" when
    a > 0 (else "lo"), ``site`` constant, and an unused category "never".

    The majority's columns are independent draws elsewhere (``a`` ~ N(5, 1)), so a value copied
    from the majority or a column drawn without its predecessors is easy to spot.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    a = np.where(y == 1, rng.normal(0, 1, n), rng.normal(5, 1, n))
    b = np.where(y == 1, a**2 + rng.normal(0, 0.05, n), rng.normal(0, 1, n))
    kind = np.where(y == 1, np.where(a > 0, "hi", "lo"), rng.choice(["hi", "lo"], n))
    X = pd.DataFrame({
        "a": a, "b": b,
        "kind": pd.Categorical(kind, categories=["hi", "lo", "never"]),
        "visits": rng.poisson(np.where(y == 1, 6, 1)).astype(np.int64),
        "site": np.where(y == 1, 7.0, rng.normal(0, 1, n)),
    })
    return X, y



def test_plugin_module_is_light_and_registered(registry) -> None:
    assert_light_plugin("augbench_plugins.cart", {"sklearn"}, {"cart"})
    assert registry.get("augmenters", "cart").plugin == "cart"
    made = registry.create("augmenters", "cart", random_state=0, min_samples_leaf=3)
    assert isinstance(made, CartAugmenter) and made.min_samples_leaf == 3
    assert registry.capabilities("augmenters", "cart", made).categorical


def test_passes_the_conformance_kit_on_mixed_numeric_and_categorical_tables() -> None:
    X, y = make_mixed_table()
    check_augmenter(CartAugmenter())
    check_augmenter(CartAugmenter(), X[["age", "bmi"]], y)
    check_augmenter(CartAugmenter(), X[["sex", "smoker"]], y)
    check_augmenter(CartAugmenter(), *dependent_table(200))


def test_parameters_follow_scikit_learn_rules() -> None:
    aug = CartAugmenter(random_state=3, min_samples_leaf=2, max_depth=4, visit_order=["b"])
    assert aug.get_params() == dict(sampling_strategy="auto", random_state=3, min_samples_leaf=2,
                                    max_depth=4, visit_order=["b"])
    assert clone(aug).get_params() == aug.get_params()
    assert aug.__sklearn_tags__().input_tags.string


def test_same_seed_same_rows_other_seed_other_rows_and_no_global_state() -> None:
    X, y = dependent_table()
    first = CartAugmenter(random_state=5).fit_resample(X, y)[0]
    np.random.seed(123)  # a global seed must change nothing, and no fit may draw from it
    state = np.random.get_state()[1].copy()
    pd.testing.assert_frame_equal(CartAugmenter(random_state=5).fit_resample(X, y)[0], first)
    assert np.array_equal(np.random.get_state()[1], state)
    assert not added(X, CartAugmenter(random_state=6).fit_resample(X, y)[0]).equals(added(X, first))
    from_generator = [CartAugmenter(random_state=np.random.default_rng(9)).fit_resample(X, y)[0]
                      for _ in range(2)]
    pd.testing.assert_frame_equal(*from_generator)


def test_synthetic_values_are_observed_minority_values() -> None:
    # synthpop's property: every synthetic cell is a value some real minority row holds.
    X, y = dependent_table()
    new = added(X, CartAugmenter(random_state=0).fit_resample(X, y)[0])
    minority = X[y == 1]
    assert len(new) == int(np.sum(y == 0)) - int(np.sum(y == 1))
    for column in X.columns:
        assert set(new[column]) <= set(minority[column]), column
    # Continuous columns: many distinct values drawn, not a handful of rows copied. "b" comes
    # from tree leaves of five or more rows: a random real value of the leaf, not a fixed one.
    assert new["a"].nunique() > 0.3 * len(new)
    assert new["b"].nunique() > 0.5 * min(len(new), minority["b"].nunique())
    # Whole rows are recombined, not copied: many synthetic (a, b) pairs are no real row's pair.
    real_pairs = set(zip(minority["a"], minority["b"]))
    assert sum(pair not in real_pairs for pair in zip(new["a"], new["b"])) > 0.3 * len(new)


def test_categorical_columns_keep_dtype_and_levels() -> None:
    X, y = dependent_table()
    X_res, _ = CartAugmenter(random_state=1).fit_resample(X, y)
    assert X_res["kind"].dtype == X["kind"].dtype  # categories ["hi", "lo", "never"], same order
    assert list(X_res["kind"].cat.categories) == ["hi", "lo", "never"]
    new = added(X, X_res)
    assert set(new["kind"]) == {"hi", "lo"}  # both present levels, the unused one never
    assert X_res.dtypes.equals(X.dtypes)


def test_learns_how_columns_depend_on_earlier_ones() -> None:
    X, y = dependent_table(600)
    minority = X[y == 1]
    new = added(X, CartAugmenter(random_state=0).fit_resample(X, y)[0])
    # b = a² (not linear: a correlation of a² with b says the tree followed the curve).
    assert np.corrcoef(new["a"] ** 2, new["b"])[0, 1] > 0.8
    assert np.mean(np.abs(new["b"] - new["a"] ** 2)) < 0.3 * minority["b"].std()
    # kind follows the sign of a in every real row; the trees keep it in nearly all synthetic ones.
    assert np.mean((new["a"] > 0) == (new["kind"] == "hi")) > 0.9
    # Each column drawn alone from the same minority (no trees) keeps the marginals but loses
    # the structure, which is what the assertions above would catch.
    rng = np.random.default_rng(0)
    alone = minority.apply(lambda column: column.to_numpy()[rng.integers(len(minority), size=len(new))])
    assert abs(np.corrcoef(alone["a"] ** 2, alone["b"])[0, 1]) < 0.3
    assert np.mean(np.abs(alone["b"] - alone["a"] ** 2)) > 0.5 * minority["b"].std()
    assert np.mean((alone["a"] > 0) == (alone["kind"] == "hi")) < 0.7


def test_visit_order_sets_which_column_is_drawn_first() -> None:
    X, y = dependent_table()
    default = added(X, CartAugmenter(random_state=0).fit_resample(X, y)[0])
    reordered_res = CartAugmenter(random_state=0, visit_order=["kind", "b"]).fit_resample(X, y)[0]
    assert list(reordered_res.columns) == list(X.columns)
    reordered = added(X, reordered_res)
    # The first column is a plain draw from the same generator: "a" by default, "kind" here.
    assert not reordered["a"].equals(default["a"])
    assert np.mean((reordered["a"] > 0) == (reordered["kind"] == "hi")) > 0.9  # still learnt
    with pytest.raises(ValueError, match="visit_order names columns not in X"):
        CartAugmenter(visit_order=["nope"]).fit_resample(X, y)


def test_few_minority_rows_still_split() -> None:
    # Eight minority rows: min_samples_leaf=5 alone would allow no split; lowered to 4, one split
    # at the median of ``a`` separates "lo" from "hi" exactly.
    rng = np.random.default_rng(3)
    a = np.concatenate([np.arange(8.0), rng.normal(0, 1, 40)])
    y = np.array([1] * 8 + [0] * 40)
    kind = np.where(np.arange(48) < 4, "lo", "hi")
    X = pd.DataFrame({"a": a, "kind": pd.Categorical(kind)})
    new = added(X, CartAugmenter(random_state=0).fit_resample(X, y)[0])
    assert len(new) == 32
    assert ((new["a"] < 4) == (new["kind"] == "lo")).all()


def test_constant_columns_do_not_crash() -> None:
    X, y = dependent_table(200)
    X["flat"] = 2.0  # constant everywhere; "site" is constant in the minority only
    for order in (None, ["flat"], ["site", "flat"]):
        X_res, y_res = CartAugmenter(random_state=0, visit_order=order).fit_resample(X, y)
        check_output(X, y, X_res, y_res, 1.0, "cart")
        assert (added(X, X_res)[["flat", "site"]] == [2.0, 7.0]).all().all()


def test_adds_nothing_when_the_ratio_is_reached() -> None:
    X, y = dependent_table(200)
    X.index = X.index + 1000  # the output is renumbered like any other
    X_res, y_res = CartAugmenter(random_state=0, sampling_strategy=0.1).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X.reset_index(drop=True))
    assert np.array_equal(y_res, y)
    X_half, y_half = CartAugmenter(random_state=0, sampling_strategy=0.5).fit_resample(X, y)
    assert int(np.sum(y_half == 1)) == int(0.5 * np.sum(y == 0))


@pytest.mark.parametrize("params, message", [
    (dict(sampling_strategy=1.5), "sampling_strategy"), (dict(sampling_strategy="most"), "sampling"),
    (dict(random_state="x"), "random_state"), (dict(random_state=-1), "random_state"),
    (dict(min_samples_leaf=0), "min_samples_leaf"), (dict(min_samples_leaf=2.5), "min_samples_leaf"),
    (dict(max_depth=0), "max_depth"), (dict(visit_order="a"), "visit_order"),
    (dict(visit_order=["a", "a"]), "visit_order"),
])
def test_bad_parameters_say_what_is_wrong(params, message) -> None:
    with pytest.raises(ValueError, match=message) as before_a_run:
        CartAugmenter(**params)._validate_params()
    assert "\n" not in str(before_a_run.value)
    with pytest.raises(ValueError, match=message):
        CartAugmenter(**params).fit_resample(*make_mixed_table(60))


def test_bad_inputs_say_what_is_wrong() -> None:
    from scipy import sparse

    X, y = make_mixed_table(60)
    with pytest.raises(TypeError, match="dense data is required"):
        CartAugmenter().fit_resample(sparse.csr_matrix(X[["age", "bmi"]].to_numpy()), y)
    with pytest.raises(ValueError, match="Unknown label type"):
        CartAugmenter().fit_resample(X, y + 0.5)
    X.loc[np.flatnonzero(y == 1)[0], "bmi"] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        CartAugmenter().fit_resample(X, y)


def test_on_the_heart_disease_minority(shared_data) -> None:
    data = augbench.load_dataset("heart-disease-cleveland",
                                 path=str(shared_data / "heart_disease_cleveland.csv"))
    complete = data.X.notna().all(axis=1).to_numpy()  # 6 missing cells; augbench imputes them
    X, y = data.X[complete].reset_index(drop=True), np.asarray(data.y)[complete]
    keep = (y == 0) | (np.cumsum(y == 1) <= 40)  # a scarce minority: 40 rows against 160
    X, y = X[keep].reset_index(drop=True), y[keep]
    X_res, y_res = CartAugmenter(random_state=0).fit_resample(X, y)
    check_output(X, y, X_res, y_res, 1.0, "cart")
    new, minority = added(X, X_res), X[y == 1]
    for column in X.columns:
        assert set(new[column]) <= set(minority[column]), column
