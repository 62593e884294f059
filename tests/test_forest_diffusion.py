"""The ``forest-diffusion`` augmenter: contract, reproducibility, dtypes and levels, what it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import added, assert_light_plugin

pytest.importorskip("ForestDiffusion", reason="the forest-diffusion augmenter needs the optional extra "
                                              "augbench[forest]")

from augbench_plugins.diffusion.forest_model import ForestDiffusionAugmenter  # noqa: E402
from sklearn.base import clone  # noqa: E402

from augbench.testing import check_augmenter, make_mixed_table  # noqa: E402

FAST = dict(n_t=5, duplicate_K=5, n_estimators=20)  # a fit in a fraction of a second


def dependent_table(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A minority with structure: ``b`` = 2a + small noise, ``kind`` = "hi" when a > 0, a
    three-level ``grade`` (one level declared but never used), a constant ``site``, and counts.

    The majority's columns are independent draws elsewhere, so a copied majority value or a
    column drawn without the others is easy to spot.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    a = np.where(y == 1, rng.normal(0, 1, n), rng.normal(5, 1, n))
    b = np.where(y == 1, 2 * a + rng.normal(0, 0.1, n), rng.normal(0, 1, n))
    kind = np.where(y == 1, np.where(a > 0, "hi", "lo"), rng.choice(["hi", "lo"], n))
    grade = rng.choice(["g1", "g2", "g3"], n)
    X = pd.DataFrame({
        "a": a, "b": b,
        "kind": pd.Categorical(kind, categories=["hi", "lo", "never"]),
        "grade": pd.Categorical(grade, categories=["g1", "g2", "g3", "g4"]),
        "visits": rng.poisson(np.where(y == 1, 6, 1)).astype(np.int64),
        "site": np.where(y == 1, 7.0, rng.normal(0, 1, n)),
    })
    return X, y



def test_plugin_module_is_light_and_registered(registry) -> None:
    assert_light_plugin("augbench_plugins.diffusion.forest", {"xgboost", "ForestDiffusion"},
                        {"forest-diffusion"})
    assert registry.get("augmenters", "forest-diffusion").plugin == "forest-diffusion"
    made = registry.create("augmenters", "forest-diffusion", random_state=0, n_t=7)
    assert isinstance(made, ForestDiffusionAugmenter) and made.n_t == 7
    assert registry.capabilities("augmenters", "forest-diffusion", made).categorical


def test_passes_the_conformance_kit_on_mixed_numeric_and_categorical_tables() -> None:
    X, y = make_mixed_table()
    check_augmenter(ForestDiffusionAugmenter(**FAST))
    check_augmenter(ForestDiffusionAugmenter(**FAST, diffusion_type="vp"))
    check_augmenter(ForestDiffusionAugmenter(**FAST), X[["age", "bmi"]], y)
    check_augmenter(ForestDiffusionAugmenter(**FAST), X[["sex", "smoker"]], y)
    check_augmenter(ForestDiffusionAugmenter(**FAST), *dependent_table(200))


def test_parameters_follow_scikit_learn_rules() -> None:
    aug = ForestDiffusionAugmenter(random_state=3, n_t=8, duplicate_K=4, diffusion_type="vp",
                                   max_depth=3, n_estimators=30)
    assert aug.get_params() == dict(sampling_strategy="auto", random_state=3, n_t=8, duplicate_K=4,
                                    diffusion_type="vp", max_depth=3, n_estimators=30)
    assert clone(aug).get_params() == aug.get_params()


def test_same_seed_same_rows_other_seed_other_rows_and_no_global_state() -> None:
    X, y = dependent_table()
    first = ForestDiffusionAugmenter(random_state=5, **FAST).fit_resample(X, y)[0]
    np.random.seed(123)  # a global seed must change nothing, and no fit may leave it changed
    state = np.random.get_state()[1].copy()
    pd.testing.assert_frame_equal(ForestDiffusionAugmenter(random_state=5, **FAST).fit_resample(X, y)[0],
                                  first)
    assert np.array_equal(np.random.get_state()[1], state)
    other = ForestDiffusionAugmenter(random_state=6, **FAST).fit_resample(X, y)[0]
    assert not added(X, other).equals(added(X, first))


def test_dtypes_ranges_and_only_levels_the_minority_has() -> None:
    X, y = dependent_table()
    X_res, y_res = ForestDiffusionAugmenter(random_state=1, **FAST).fit_resample(X, y)
    assert X_res.dtypes.equals(X.dtypes) and len(X_res) == 2 * int(np.sum(y == 0))
    new, minority = added(X, X_res), X[y == 1]
    assert list(X_res["grade"].cat.categories) == ["g1", "g2", "g3", "g4"]
    assert set(new["kind"]) == {"hi", "lo"}  # "never" is declared, never seen, never made
    assert set(new["grade"]) == {"g1", "g2", "g3"}  # three levels: the library's one-hot path
    assert (new["site"] == 7.0).all()  # constant: copied
    for column in ("a", "b", "visits"):  # within the range learnt (the library clips)
        assert new[column].between(minority[column].min(), minority[column].max()).all(), column
    assert new["a"].nunique() > 0.5 * len(new)  # continuous values generated, not rows copied


def test_many_columns_keep_each_categorical_column_its_own() -> None:
    # forestdiffusion finds a column's one-hot columns by the name prefix "<index>_", so that
    # with 12 columns the categorical columns 1 and 11 would share them; their layout avoids it.
    rng = np.random.default_rng(0)
    n = 300
    y = np.r_[np.ones(100), np.zeros(n - 100)].astype(np.int8)
    X = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(12)})
    X["x1"] = pd.Categorical(rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1]))
    X["x11"] = pd.Categorical(rng.choice(["p", "q", "r", "s"], n))
    new = added(X, ForestDiffusionAugmenter(random_state=0, **FAST).fit_resample(X, y)[0])
    # The rare level stays rare; the shared decoding put most rows on the last level.
    shares = new["x1"].value_counts(normalize=True)
    assert shares["a"] > shares["b"] > shares["c"], shares.to_dict()


def test_learns_how_columns_depend_on_each_other() -> None:
    X, y = dependent_table(500)
    new = added(X, ForestDiffusionAugmenter(random_state=0, n_t=10, duplicate_K=10).fit_resample(X, y)[0])
    assert np.corrcoef(new["a"], new["b"])[0, 1] > 0.8  # b = 2a in every real minority row
    assert np.mean((new["a"] > 0) == (new["kind"] == "hi")) > 0.75  # kind follows the sign of a
    # Columns drawn independently from the same minority keep the marginals, not the link.
    rng = np.random.default_rng(0)
    minority = X[y == 1]
    alone = {c: minority[c].to_numpy()[rng.integers(len(minority), size=len(new))] for c in ("a", "b")}
    assert abs(np.corrcoef(alone["a"], alone["b"])[0, 1]) < 0.3


def test_one_minority_row_is_copied() -> None:
    X, y = dependent_table(60)
    y = np.zeros_like(y)
    y[0] = 1
    new = added(X, ForestDiffusionAugmenter(random_state=0, **FAST).fit_resample(X, y)[0])
    assert len(new) == 58 and (new == X.iloc[[0] * 58].reset_index(drop=True)).all().all()


def test_missing_values_are_refused() -> None:
    X, y = dependent_table(100)
    X.loc[int(np.flatnonzero(y == 1)[0]), "a"] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        ForestDiffusionAugmenter(**FAST).fit_resample(X, y)


@pytest.mark.parametrize("params, message", [
    (dict(n_t=1), "n_t must be an int >= 2"),
    (dict(n_t=10.0), "n_t must be an int"),
    (dict(duplicate_K=0), "duplicate_K must be an int >= 1"),
    (dict(max_depth=True), "max_depth must be an int"),
    (dict(n_estimators=-1), "n_estimators must be an int >= 1"),
    (dict(diffusion_type="ddpm"), "diffusion_type must be one of"),
])
def test_bad_parameters_raise_one_line_value_errors(params, message) -> None:
    X, y = dependent_table(60)
    with pytest.raises(ValueError, match=message) as caught:
        ForestDiffusionAugmenter(**params).fit_resample(X, y)
    assert "\n" not in str(caught.value)
