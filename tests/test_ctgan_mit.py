"""The ``ctgan-mit`` augmenter: contract, reproducibility, batched equals alone, what it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import added, assert_light_plugin
from sklearn.base import clone
from test_gan import shifted_table

import augbench
from augbench.testing import check_augmenter, make_mixed_table

torch = pytest.importorskip("torch")
from augbench_plugins.ctgan.model import CtganAugmenter  # noqa: E402 (after importorskip)
from augbench_plugins.ctgan.modes import ColumnModes  # noqa: E402

# Small networks and few epochs: the contract does not depend on how well the model has learnt.
QUICK = dict(epochs=3, batch_size=60, embedding_dim=16, generator_dims=(32, 32),
             discriminator_dims=(32, 32))


def test_plugin_module_is_light_and_registered(registry) -> None:
    assert_light_plugin("augbench_plugins.ctgan", {"torch", "sklearn"}, {"ctgan-mit"})
    assert registry.get("augmenters", "ctgan-mit").plugin == "ctgan-mit"
    made = registry.create("augmenters", "ctgan-mit", random_state=0)
    assert isinstance(made, CtganAugmenter)
    capabilities = registry.capabilities("augmenters", "ctgan-mit", made)
    assert capabilities.gpu_param == "device" and capabilities.batches_seeds


def test_defaults_are_the_papers() -> None:
    params = CtganAugmenter().get_params()
    assert params["epochs"] == 300 and params["batch_size"] == 500 and params["pac"] == 10
    assert params["embedding_dim"] == 128 and params["generator_dims"] == (256, 256)
    assert params["generator_lr"] == params["discriminator_lr"] == 2e-4
    assert params["max_modes"] == 10 and params["weight_threshold"] == 0.005
    assert clone(CtganAugmenter(random_state=3)).get_params()["random_state"] == 3


def test_conformance_kit() -> None:
    check_augmenter(CtganAugmenter(**QUICK))


@pytest.mark.parametrize("ratio", [1.0, 0.6])
def test_output_contract(ratio) -> None:
    X, y = shifted_table(300)
    X.index = X.index + 1000  # a non-default index must come back as a RangeIndex
    X_res, y_res = CtganAugmenter(sampling_strategy=ratio, random_state=0,
                                  **QUICK).fit_resample(X, y)
    n_new = int(int((y == 0).sum()) * ratio - int(y.sum()))
    assert len(X_res) == len(y_res) == len(X) + n_new
    pd.testing.assert_frame_equal(X_res.iloc[:len(X)], X.reset_index(drop=True))
    assert np.array_equal(y_res[:len(y)], y) and np.all(y_res[len(y):] == 1)
    assert X_res.dtypes.equals(X.dtypes)
    new, minority = added(X, X_res), X[y == 1]
    assert not new.isna().any().any()
    assert set(new["kind"]) <= set(minority["kind"])  # never "never", never a category unseen
    assert (new["site"] == 7.0).all()  # constant in the minority, constant in the output
    for col in ("x1", "visits"):
        assert minority[col].min() <= new[col].min() and new[col].max() <= minority[col].max()
    assert (new["visits"] == new["visits"].round()).all()


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    X, y = shifted_table(200)
    first = CtganAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    again = CtganAugmenter(random_state=5, **QUICK).fit_resample(X, y)[0]
    other = CtganAugmenter(random_state=6, **QUICK).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    assert not added(X, first)[["x1", "x2"]].equals(added(X, other)[["x1", "x2"]])


# The paper's network sizes (4 epochs), and small ones whose epochs give the models of one call
# different step counts (minorities of 40 to 110 rows in batches of 30 rows: 1 to 3 steps an
# epoch), which then train in batches of their own.
@pytest.mark.parametrize("params", [dict(epochs=4), dict(QUICK, batch_size=30, epochs=5)],
                         ids=["paper sizes", "uneven steps"])
def test_batch_of_six_equals_each_alone(params) -> None:
    # Different rows and minority counts per table, as the runner's seeds have.
    tables = [shifted_table(120 + 41 * i, seed=i) for i in range(6)]
    seeds = [11 * i + 1 for i in range(6)]
    batched = CtganAugmenter(**params).fit_resample_many(
        [X for X, _ in tables], [y for _, y in tables], seeds)
    for (X, y), seed, (X_res, y_res) in zip(tables, seeds, batched):
        X_alone, y_alone = CtganAugmenter(random_state=seed, **params).fit_resample(X, y)
        pd.testing.assert_frame_equal(X_res, X_alone, check_exact=True)
        assert np.array_equal(y_res, y_alone)


def test_tables_of_different_layouts_in_one_call() -> None:
    (X1, y1), (X2, y2) = shifted_table(150), make_mixed_table(150)
    many = CtganAugmenter(**QUICK).fit_resample_many([X1, X2, X1], [y1, y2, y1], [1, 2, 3])
    for (X, y), seed, (X_res, _) in zip([(X1, y1), (X2, y2), (X1, y1)], [1, 2, 3], many):
        alone = CtganAugmenter(random_state=seed, **QUICK).fit_resample(X, y)[0]
        pd.testing.assert_frame_equal(X_res, alone, check_exact=True)


def test_global_random_state_and_threads_are_left_alone() -> None:
    X, y = make_mixed_table(100)
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()
    threads = torch.get_num_threads()
    CtganAugmenter(random_state=0, **QUICK).fit_resample(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()
    assert torch.get_num_threads() == threads


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_device_keeps_the_contract_and_reproduces() -> None:
    X, y = shifted_table(200)
    first = CtganAugmenter(random_state=0, device="cuda", **QUICK).fit_resample(X, y)[0]
    again = CtganAugmenter(random_state=0, device="cuda", **QUICK).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    assert first.dtypes.equals(X.dtypes) and not first.isna().any().any()


def test_numeric_only_and_categorical_only_tables() -> None:
    X, y = shifted_table(200)
    for columns in (["x1", "x2", "visits"], ["kind"]):
        X_res, _ = CtganAugmenter(random_state=0, **QUICK).fit_resample(X[columns], y)
        assert X_res.dtypes.equals(X[columns].dtypes) and not X_res.isna().any().any()


def test_a_minority_smaller_than_the_mixture() -> None:
    # Four rows: each column's mixture has at most four components, the model still trains.
    X, y = shifted_table(200)
    keep = np.flatnonzero(y == 0).tolist() + np.flatnonzero(y == 1)[:4].tolist()
    X_res, y_res = CtganAugmenter(random_state=0, **QUICK).fit_resample(
        X.iloc[keep].reset_index(drop=True), y[keep])
    assert int(y_res.sum()) == int((y[keep] == 0).sum())
    assert not X_res.isna().any().any()


@pytest.mark.parametrize("params, message", [
    (dict(batch_size=55), "multiple of pac"), (dict(generator_dims=(60,)), "multiple"),
    (dict(sampling_strategy=1.5), "sampling_strategy"), (dict(device="tpu"), "device"),
    (dict(epochs=-1), "epochs"), (dict(max_modes=0), "max_modes"),
    (dict(weight_threshold=1.5), "weight_threshold"), (dict(random_state="x"), "random_state"),
])
def test_bad_parameters_say_what_is_wrong(params, message) -> None:
    X, y = make_mixed_table(60)
    with pytest.raises((ValueError, TypeError), match=message):
        CtganAugmenter(**{**QUICK, **params}).fit_resample(X, y)


def test_mode_specific_normalisation_finds_the_modes_and_inverts() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(-5, 0.5, 300), rng.normal(4, 1.0, 300)])
    modes = ColumnModes(values, max_modes=10, weight_threshold=0.005, seed=0)
    assert len(modes.means) == 2  # the Dirichlet-process prior lets the spare components fade
    assert sorted(np.round(modes.means).tolist()) == [-5.0, 4.0]
    offset, mode = modes.encode(values, np.random.default_rng(1))
    assert np.abs(offset).max() <= 0.99
    # Each value's mode is the component it came from (the modes are far apart).
    assert (modes.means[mode] < 0).tolist() == (values < 0).tolist()
    assert np.allclose(modes.decode(offset, mode), values)


def test_learns_the_minority_not_the_majority() -> None:
    X, y = shifted_table(600)
    # Four seeds at the paper's 300 epochs, batched: one run can miss by chance; their pooled
    # rows should not. CTGAN learns 160 rows only roughly (here SDV's ctgan put x1's mean
    # 0.5 sd off, this model 0.8 sd, and neither learnt the x1-x2 correlation of 0.95): the
    # test asks for the minority's place, far from the majority's, not for a close fit.
    outputs = CtganAugmenter().fit_resample_many([X] * 4, [y] * 4, [0, 1, 2, 3])
    new = pd.concat([added(X, X_res) for X_res, _ in outputs])
    minority, majority = X[y == 1], X[y == 0]
    for col in ("x1", "x2", "visits"):
        gap = abs(minority[col].mean() - majority[col].mean())
        assert gap > 2 * minority[col].std()  # the table's premise
        assert abs(new[col].mean() - minority[col].mean()) < 0.35 * gap, col
    shares_new = new["kind"].value_counts(normalize=True)
    shares_min = minority["kind"].value_counts(normalize=True)
    # Generated by frequency (SDV's ctgan, by log-frequency, was 0.12 off here; this 0.02).
    assert (shares_new - shares_min).abs().max() < 0.08


def test_through_augbench_public_api() -> None:
    X, y = make_mixed_table(120)
    aug = augbench.get_augmenter("ctgan-mit", random_state=0, **QUICK)
    X_res, y_res = aug.fit_resample(X, y)
    assert len(X_res) == len(y_res) > len(X)
    results = augbench.run(augmenters=("none", "ctgan-mit"), classifiers=("lr",), seeds=2,
                           sizes=(60,), params={"ctgan-mit": QUICK})
    trials = results.trials
    assert len(trials) == 4 and (trials.status == "ok").all(), trials.error.tolist()
    assert (trials.loc[trials.augmenter == "ctgan-mit", "n_synthetic"] > 0).all()


def test_mode_slots_a_model_lacks_stay_zero_so_its_network_is_the_compact_one() -> None:
    # The weights that read or write a mode slot its mixture did not keep start at zero and stay
    # there through training (weight decay and the gradient penalty included): the model is the
    # reference code's compact network, only laid out wider.
    from augbench_plugins.ctgan.modes import ModeEncoder
    from augbench_plugins.ctgan.network import CtganBatch
    from augbench_plugins.neural.encoding import Layout

    X, y = shifted_table(300)
    rows = X[y == 1].reset_index(drop=True)
    augmenter = CtganAugmenter(**QUICK)
    encoder = ModeEncoder(Layout.of(X), 10, 0.005).fit(rows, np.random.default_rng(0))
    kept = encoder.kept_modes
    assert not kept.all()  # the premise: some slots unused
    batch = CtganBatch(augmenter._config(), Layout.of(X).category_counts, 10,
                       [encoder.transform(rows, np.random.default_rng(1))], [kept], [3],
                       torch.device("cpu"))
    batch.train(20)
    n = kept.shape[0]
    unused = n + np.flatnonzero(~kept.T.ravel())  # slot-major positions in a row
    weights = batch.params.tensors
    d_first = weights[batch.discriminator.layers[0][0]][0]  # (pac * row width, hidden)
    width = batch.discriminator.row_width
    packed = np.concatenate([p * width + unused for p in range(augmenter.pac)])
    assert torch.all(d_first[packed] == 0)
    assert torch.any(d_first[np.setdiff1d(np.arange(d_first.shape[0]), packed)] != 0)
    g_out = weights[batch.generator.output[0]][0]  # (input, encoded width)
    assert torch.all(g_out[:, unused] == 0) and torch.any(g_out[:, n:n + 1] != 0)


def test_a_column_it_cannot_take_is_named() -> None:
    X, y = make_mixed_table(60)
    X["seen"] = pd.Timestamp("2024-01-01")
    with pytest.raises(TypeError, match="ctgan-mit: column 'seen' has dtype datetime64"):
        CtganAugmenter(**QUICK).fit_resample(X, y)
