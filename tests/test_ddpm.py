"""The ``ddpm`` augmenter: output contract, reproducibility, batching, and what it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import added, assert_light_plugin
from sklearn.base import clone

import augbench
from augbench.testing import check_augmenter, make_mixed_table

torch = pytest.importorskip("torch")
from augbench_plugins.diffusion.ddpm_model import DdpmAugmenter  # noqa: E402 (after importorskip)

# Few steps and a short chain: the contract does not depend on how well the model has learnt.
QUICK = dict(steps=30, timesteps=20)


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as augbench's runner gives each fit (and fast on a busy machine)."""
    with augbench.single_threaded():
        yield


def shifted_table(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A mixed table whose minority sits 3 sd away, with its own correlation and categories.

    Minority: x1 ~ N(3, 1), x2 = x1 + N(0, 0.3), ``kind`` a or b only, an integer ``visits``,
    and ``site`` constant. Majority: independent N(0, 1) columns, ``kind`` mostly c.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    y[:2], y[2:4] = 1, 0
    x1 = np.where(y == 1, rng.normal(3, 1, n), rng.normal(0, 1, n))
    x2 = np.where(y == 1, x1 + rng.normal(0, 0.3, n), rng.normal(0, 1, n))
    kind = np.where(y == 1, np.where(x1 < 3, "a", "b"), rng.choice(["a", "c"], n, p=[0.2, 0.8]))
    X = pd.DataFrame({
        "x1": x1, "x2": x2,
        "kind": pd.Categorical(kind, categories=["a", "b", "c", "never"]),
        "visits": np.where(y == 1, rng.poisson(6, n), rng.poisson(1, n)).astype(np.int64),
        "site": np.where(y == 1, 7.0, rng.normal(0, 1, n)),
    })
    return X, y



def test_plugin_module_is_light_and_registered(registry) -> None:
    assert_light_plugin("augbench_plugins.diffusion.ddpm", {"torch", "sklearn"}, {"ddpm"})
    assert isinstance(registry.create("augmenters", "ddpm", random_state=0), DdpmAugmenter)
    augmenter = registry.create("augmenters", "ddpm")
    capabilities = registry.capabilities("augmenters", "ddpm", augmenter)
    assert capabilities.batches_seeds and capabilities.categorical
    assert capabilities.gpu_param == "device"


def test_parameters_follow_scikit_learn_rules() -> None:
    aug = DdpmAugmenter(random_state=3, steps=7, hidden_dims=(32, 16), timesteps=50)
    params = aug.get_params()
    assert params["random_state"] == 3 and params["hidden_dims"] == (32, 16)
    assert params["sampling_strategy"] == "auto" and params["device"] == "auto"
    assert clone(aug).get_params() == params


def test_conformance_kit() -> None:
    check_augmenter(DdpmAugmenter(**QUICK))


def test_numeric_only_and_categorical_only_tables() -> None:
    X, y = make_mixed_table()
    check_augmenter(DdpmAugmenter(**QUICK), X[["age", "bmi"]], y)
    check_augmenter(DdpmAugmenter(**QUICK), X[["sex", "smoker"]], y)


def test_output_keeps_ranges_dtypes_and_seen_categories() -> None:
    X, y = shifted_table(300)
    X.index = X.index + 1000  # a non-default index must come back as a RangeIndex
    X_res, y_res = DdpmAugmenter(random_state=0, **QUICK).fit_resample(X, y)
    n_new = int((y == 0).sum()) - int(y.sum())
    assert len(X_res) == len(y_res) == len(X) + n_new and isinstance(X_res.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(X_res.iloc[:len(X)], X.reset_index(drop=True))
    assert X_res.dtypes.equals(X.dtypes) and y_res.dtype == y.dtype
    new, minority = added(X, X_res), X[y == 1]
    assert not new.isna().any().any()
    # Only a and b occur in the minority: never c (majority only) nor "never" (dtype only).
    assert set(new["kind"]) <= {"a", "b"} and len(set(new["kind"])) == 2
    assert (new["site"] == 7.0).all()  # constant in the minority, constant in the output
    assert (new["visits"] == new["visits"].round()).all()
    for col in ("x1", "x2", "visits"):
        assert new[col].between(minority[col].min(), minority[col].max()).all(), col


def test_nothing_to_add_returns_the_input() -> None:
    X, y = make_mixed_table(100)
    X_res, y_res = DdpmAugmenter(sampling_strategy=0.01, **QUICK).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert np.array_equal(y_res, y)


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    X, y = shifted_table(200)
    first = DdpmAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    again = DdpmAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    other = DdpmAugmenter(random_state=6, **QUICK).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert not added(X, first)[["x1", "x2"]].equals(added(X, other)[["x1", "x2"]])


def test_batch_equals_each_alone_bit_for_bit() -> None:
    # Different rows and minority counts per table, as the runner's seeds have, and a table of
    # another layout in the same call (it trains as its own batch).
    tables = [shifted_table(120 + 37 * i, seed=i) for i in range(5)] + [make_mixed_table(150)]
    seeds = [11 * i + 1 for i in range(len(tables))]
    batched = DdpmAugmenter(**QUICK).fit_resample_many(
        [X for X, _ in tables], [y for _, y in tables], seeds)
    for (X, y), seed, (X_res, y_res) in zip(tables, seeds, batched):
        X_alone, y_alone = DdpmAugmenter(random_state=seed, **QUICK).fit_resample(X, y)
        pd.testing.assert_frame_equal(X_res, X_alone, check_exact=True)
        assert np.array_equal(y_res, y_alone)


def test_global_random_state_and_threads_are_left_alone() -> None:
    X, y = make_mixed_table(100)
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()
    threads = torch.get_num_threads()
    DdpmAugmenter(random_state=0, **QUICK).fit_resample(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize("params, message", [
    (dict(batch_size=30), "batch_size must be a positive multiple of 16"),
    (dict(hidden_dims=(100,)), "hidden_dims must be a non-empty tuple of positive multiples"),
    (dict(hidden_dims=()), "hidden_dims must be a non-empty tuple"),
    (dict(time_dim=0), "time_dim must be a positive multiple of 16"),
    (dict(steps=-1), "steps must be a non-negative int"),
    (dict(steps=2.5), "steps must be an int"),
    (dict(timesteps=1), "timesteps must be an int of at least 2"),
    (dict(lr=0.0), "lr must be a positive finite float"),
    (dict(lr="fast"), "lr must be a positive float"),
    (dict(device="tpu"), "device must be 'auto', 'cpu', 'cuda'"),
])
def test_bad_parameter_is_a_clear_value_error(params, message) -> None:
    augmenter = DdpmAugmenter(**params)
    with pytest.raises(ValueError, match=f"^ddpm: {message}"):
        augmenter._validate_params()
    X, y = make_mixed_table(60)
    with pytest.raises(ValueError, match=f"^ddpm: {message}"):  # a fit checks them first
        augmenter.fit_resample(X, y)


def test_minority_with_missing_values_is_refused() -> None:
    X, y = make_mixed_table(60)
    X.loc[np.flatnonzero(y == 1)[0], "bmi"] = np.nan
    with pytest.raises(ValueError, match="impute them first"):
        DdpmAugmenter(**QUICK).fit_resample(X, y)


def learnt(steps: int) -> tuple[float, float, float]:
    """Generated minority rows of a model trained ``steps`` steps on the shifted table:
    (mean of x1, its distance to the majority's mean, the x1-x2 correlation)."""
    X, y = shifted_table(600)
    new = added(X, DdpmAugmenter(random_state=0, steps=steps, timesteps=50).fit_resample(X, y)[0])
    return (float(new["x1"].mean()), float(X["x1"][y == 0].mean()),
            float(np.corrcoef(new["x1"], new["x2"])[0, 1]))


def test_it_learns_the_minority_and_its_correlation() -> None:
    minority_mean = shifted_table(600)[0]["x1"][shifted_table(600)[1] == 1].mean()
    mean, majority_mean, corr = learnt(400)
    assert abs(mean - minority_mean) < 0.5 < abs(mean - majority_mean)
    # x2 = x1 + small noise in the minority (correlation ~0.95); the model must find it.
    assert corr > 0.7, corr
    # The same check fails for an untrained denoiser: it is not met by clipping to ranges alone.
    assert learnt(0)[2] < 0.5


def test_multinomial_posterior_is_bayes_rule_over_seen_categories() -> None:
    """q(x_{t-1} = c | x_t = j, x_0 = i) ∝ Qbar_{t-1}[i, c] Q_t[c, j], with noise uniform over
    the three seen categories of four (the fourth, unseen, must get probability zero)."""
    from augbench_plugins.diffusion.ddpm_schedule import posterior

    u = np.array([1 / 3, 1 / 3, 1 / 3, 0.0])
    alpha, bar_prev = 0.8, 0.3
    step = alpha * np.eye(4) + (1 - alpha) * u[None]  # Q_t[c, j]: from c to j in one step
    since_x0 = bar_prev * np.eye(4) + (1 - bar_prev) * u[None]  # Qbar_{t-1}[i, c]
    eye = torch.eye(4)
    for i in range(3):
        for j in range(3):
            expected = since_x0[i] * step[:, j]
            got = posterior(eye[i], eye[j], torch.tensor(alpha), torch.tensor(bar_prev),
                            torch.tensor(u, dtype=torch.float32))
            np.testing.assert_allclose(got.numpy(), expected / expected.sum(), rtol=1e-5)
            assert got[3] == 0
