"""augbench's augmenters are imbalanced-learn samplers: imbalanced-learn's own sampler checks,
its Pipeline inside cross_val_score on numpy arrays, y in the caller's type, every kind of
random_state and sampling_strategy with imbalanced-learn's meaning."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.base import clone

import augbench
from augbench.testing import make_mixed_table

pytest.importorskip("torch")
from augbench_plugins.cart.model import CartAugmenter  # noqa: E402 (after importorskip)
from augbench_plugins.diffusion.ddpm_model import DdpmAugmenter  # noqa: E402
from augbench_plugins.dpgan.model import DpGanAugmenter  # noqa: E402
from augbench_plugins.gan.model import GanAugmenter  # noqa: E402
from augbench_plugins.sdv.synthesizers import (  # noqa: E402
    CopulaAugmenter,
    CTGANAugmenter,
    TVAEAugmenter,
)
from augbench_plugins.smote.sampler import SmoteAugmenter  # noqa: E402


class Bootstrap(augbench.TableOverSampler):  # the example of augbench.plugin.sampler's docstring
    def _generate(self, X_class, n_new, random_state):
        rng = np.random.default_rng(random_state)
        return X_class.iloc[rng.integers(len(X_class), size=n_new)].reset_index(drop=True)


# Fast settings (the checks test the interface, not the quality of the rows) and a fixed
# random_state: some checks compare two fits of the same data given in two types.
SAMPLERS = [GanAugmenter(epochs=3, random_state=0), SmoteAugmenter(random_state=0),
            CTGANAugmenter(epochs=2, random_state=0), TVAEAugmenter(epochs=2, random_state=0),
            CopulaAugmenter(random_state=0), CartAugmenter(random_state=0),
            DdpmAugmenter(steps=20, timesteps=10, random_state=0),
            Bootstrap(random_state=0)]
# dpgan's training needs Opacus (the optional extra augbench[dp]).
DP = importlib.util.find_spec("opacus") is not None
if DP:
    SAMPLERS.append(DpGanAugmenter(epochs=1, random_state=0))

# Checks whose input is a 1000-row, three-class table (imbalanced-learn's
# sample_dataset_generator): outside augbench's binary tables. The samplers take it (one model per
# class to top up, TableOverSampler's path), and the gan, smote, copula, cart and Bootstrap cases
# run them here; for CTGAN and TVAE they pass too but cost 40 s of neural fits, so they are
# skipped for those two.
MULTICLASS_INPUT = ("check_samplers_fit_resample", "check_samplers_sampling_strategy_fit_resample",
                    "check_samplers_pandas", "check_samplers_pandas_sparse", "check_samplers_list",
                    "check_samplers_multiclass_ova", "check_samplers_preserve_dtype",
                    "check_samplers_sample_indices", "check_samplers_2d_target")
SKIPPED = {(sampler, check): "three-class input (outside augbench's binary tables); passes, but "
           "takes 40 s of CTGAN/TVAE fits, and gan/copula/cart cover the same multiclass path"
           for sampler in ("CTGANAugmenter", "TVAEAugmenter") for check in MULTICLASS_INPUT}


def check_name(check) -> str:
    """The name of an imbalanced-learn check (a partial of the check function)."""
    return getattr(check, "func", check).__name__


# imbalanced-learn's decorator hands pytest a generator, which pytest deprecates: the same
# cases as a list.
_CHECKS = parametrize_with_checks(SAMPLERS).mark


@pytest.mark.parametrize(_CHECKS.args[0], list(_CHECKS.args[1]), **_CHECKS.kwargs)
def test_passes_imbalanced_learns_sampler_checks(estimator, check) -> None:
    reason = SKIPPED.get((type(estimator).__name__, check_name(check)))
    if reason:
        pytest.skip(reason)
    check(estimator)


def test_the_checks_cover_every_sampler_check_imbalanced_learn_has() -> None:
    from imblearn.utils.estimator_checks import _yield_sampler_checks

    # dataframe and string tags on, sparse and NaN off: 15 checks, none of them left out.
    names = {c.__name__ for c in _yield_sampler_checks(GanAugmenter())}
    assert len(names) == 15 and "check_samplers_string" in names and set(MULTICLASS_INPUT) <= names


def imbalanced(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A numeric array and binary labels, one positive in five."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(np.int64)
    return rng.normal(size=(n, 4)) + y[:, None], y


def test_gan_in_an_imbalanced_learn_pipeline_in_cross_val_score_on_numpy() -> None:
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.preprocessing import StandardScaler

    X, y = imbalanced()
    pipeline = make_pipeline(StandardScaler(), GanAugmenter(epochs=3, random_state=0),
                             LogisticRegression())
    scores = cross_val_score(pipeline, X, y, cv=3, scoring="roc_auc", error_score="raise")
    assert scores.shape == (3,) and np.all(scores > 0.6)
    fitted = clone(pipeline).fit(X, y)
    gan = fitted.named_steps["ganaugmenter"]
    assert gan.n_features_in_ == 4 and dict(gan.sampling_strategy_) == {1: int(np.sum(y == 0) - y.sum())}


FAST = [GanAugmenter(epochs=3, random_state=0), SmoteAugmenter(random_state=0),
        CartAugmenter(random_state=0), CopulaAugmenter(random_state=0)]


@pytest.mark.parametrize("sampler", FAST, ids=lambda s: type(s).__name__)
def test_y_comes_back_in_the_callers_type(sampler) -> None:
    X, y = make_mixed_table(80)
    X.index = X.index + 500  # a DataFrame's rows come back renumbered, y's with them
    X_arr, y_arr = sampler.fit_resample(X, y)
    n = len(y_arr)
    series = pd.Series(y.astype(np.int32), name="outcome", index=X.index)
    X_res, y_res = clone(sampler).fit_resample(X, series)
    assert isinstance(y_res, pd.Series) and y_res.name == "outcome" and y_res.dtype == np.int32
    assert y_res.index.equals(X_res.index) and X_res.index.equals(pd.RangeIndex(n))
    frame = pd.DataFrame({"outcome": y}, index=X.index)
    _, y_res = clone(sampler).fit_resample(X, frame)
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["outcome"]
    assert y_res["outcome"].tolist() == list(y_arr)
    _, y_res = clone(sampler).fit_resample(X, y.tolist())
    assert isinstance(y_res, list) and y_res == list(y_arr)
    assert isinstance(y_arr, np.ndarray) and y_arr.dtype == y.dtype
    pd.testing.assert_frame_equal(X_res, X_arr)


@pytest.mark.parametrize("sampler", FAST, ids=lambda s: type(s).__name__)
def test_numpy_in_numpy_out_with_the_input_rows_first(sampler) -> None:
    X, y = imbalanced(120)
    X32 = X.astype(np.float32)
    sampler = clone(sampler)
    X_res, y_res = sampler.fit_resample(X32, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    assert np.array_equal(X_res[:len(X)], X32) and len(X_res) == len(y_res) > len(X)
    assert list(sampler.get_feature_names_out()) == ["x0", "x1", "x2", "x3"]


def test_text_columns_are_modelled_as_categories_and_come_back_as_text() -> None:
    X, y = make_mixed_table(80)
    X["sex"] = X["sex"].astype(object)
    X_res, _ = CartAugmenter(random_state=0).fit_resample(X, y)
    assert X_res["sex"].dtype == object and set(X_res["sex"]) == {"F", "M"}
    assert isinstance(X_res["smoker"].dtype, pd.CategoricalDtype)


def test_fit_sets_the_fitted_attributes_and_returns_self() -> None:
    X, y = make_mixed_table(80)
    gan = GanAugmenter(epochs=3)
    assert gan.fit(X, y) is gan
    assert list(gan.feature_names_in_) == list(X.columns) and gan.n_features_in_ == 4
    assert dict(gan.sampling_strategy_) == {1: int(np.sum(y == 0) - np.sum(y == 1))}
    assert list(gan.get_feature_names_out()) == list(X.columns)


@pytest.mark.parametrize("make", [np.random.RandomState, np.random.default_rng])
def test_random_state_may_be_a_numpy_randomstate_or_generator(make) -> None:
    X, y = make_mixed_table(80)
    first = GanAugmenter(epochs=3, random_state=make(5)).fit_resample(X, y)[0]
    again = GanAugmenter(epochs=3, random_state=make(5)).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    shared = GanAugmenter(epochs=3, random_state=make(5))
    # As in imbalanced-learn, each fit draws from a shared generator, so the next fit differs.
    assert shared.fit_resample(X, y)[0].equals(first)
    assert not shared.fit_resample(X, y)[0].equals(first)


@pytest.mark.parametrize("sampler", [GanAugmenter(epochs=3, random_state=0),
                                     CopulaAugmenter(random_state=0)],
                         ids=lambda s: type(s).__name__)
def test_sampling_strategy_has_imbalanced_learns_meaning(sampler) -> None:
    from imblearn.over_sampling import RandomOverSampler

    X, y = make_mixed_table(120)
    n_min, n_maj = int(y.sum()), int(np.sum(y == 0))
    for strategy in ("auto", "minority", "not majority", 0.5, {1: n_min + 7},
                     {0: n_maj + 3, 1: n_min + 5}):
        expected = RandomOverSampler(sampling_strategy=strategy).fit_resample(X, y)[1]
        _, y_res = clone(sampler).set_params(sampling_strategy=strategy).fit_resample(X, y)
        assert np.bincount(y_res).tolist() == np.bincount(expected).tolist(), strategy
        assert np.array_equal(y_res[:len(y)], y)
    for bad in (1.5, 0.0, "majority", "most"):
        with pytest.raises(ValueError, match="sampling_strategy") as refused:
            clone(sampler).set_params(sampling_strategy=bad).fit_resample(X, y)
        assert "\n" not in str(refused.value)


def test_a_ratio_already_met_adds_nothing_where_imbalanced_learn_would_raise() -> None:
    X, y = make_mixed_table(120)
    gan = GanAugmenter(epochs=3, sampling_strategy=0.05)
    X_res, y_res = gan.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert np.array_equal(y_res, y)
    assert dict(gan.sampling_strategy_) == {1: 0}


def test_the_rarer_class_is_topped_up_whatever_its_label() -> None:
    X, y = make_mixed_table(120)
    labels = np.where(y == 1, "yes", "no")
    X_res, y_res = CartAugmenter(random_state=0).fit_resample(X, labels)
    assert np.array_equal(y_res[:len(y)], labels) and set(y_res[len(y):]) == {"yes"}
    assert np.sum(y_res == "yes") == np.sum(y_res == "no")
    # Label 1 as the majority: imbalanced-learn tops up class 0.
    _, flipped = CartAugmenter(random_state=0).fit_resample(X, 1 - y)
    assert set(flipped[len(y):]) == {0} and np.sum(flipped == 0) == np.sum(flipped == 1)


def test_parameters_are_checked_before_a_run_in_one_line() -> None:
    from augbench.errors import UsageError
    from augbench.experiment.plan import _check_parameters

    for name, params in [("gan", dict(sampling_strategy=1.5)), ("copula", dict(sampling_strategy=2)),
                         ("cart", dict(random_state="x")), ("smote", dict(k_neighbors=0))]:
        with pytest.raises(UsageError, match=f"augmenter '{name}': .*Change it with --set") as err:
            _check_parameters("augmenters", name, augbench.get_augmenter(name, **params))
        assert "\n" not in str(err.value)
