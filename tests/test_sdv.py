"""The SDV augmenters (ctgan, tvae, copula): contract, reproducibility, dtypes, quiet, errors."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import assert_light_plugin

import augbench
from augbench.errors import UsageError
from augbench.options import parse_settings
from augbench.testing import check_augmenter, check_output, make_mixed_table

# Few epochs and small networks keep the file fast; the contract does not depend on them.
FAST = {
    "ctgan": {"epochs": 2, "batch_size": 50, "generator_dim": (32,), "discriminator_dim": (32,)},
    "tvae": {"epochs": 2, "batch_size": 50, "compress_dims": (32,), "decompress_dims": (32,)},
    "copula": {},
}
NAMES = sorted(FAST)


def make(name: str, **params) -> object:
    return augbench.get_augmenter(name, **{**FAST[name], **params})


@pytest.fixture(scope="module")
def table() -> tuple[pd.DataFrame, np.ndarray]:
    return make_mixed_table()


@pytest.mark.parametrize("name", NAMES)
def test_follows_the_conformance_kit(name: str) -> None:
    check_augmenter(make(name, random_state=1))


@pytest.mark.parametrize("name", NAMES)
def test_adds_valid_minority_rows_reproducibly(name: str, table) -> None:
    X, y = table
    X_res, y_res = make(name, random_state=1).fit_resample(X, y)
    check_output(X, y, X_res, y_res, 1.0, name)  # originals first, dtypes, categories, no NaN
    assert int((y_res == 1).sum()) == int((y_res == 0).sum())  # 1:1
    new = X_res.iloc[len(X):]
    minority = X[y == 1]
    for col in ("sex", "smoker"):
        assert set(new[col]) <= set(minority[col])  # only categories the minority rows have
    assert new["age"].between(minority["age"].min(), minority["age"].max()).all()
    again = make(name, random_state=1).fit_resample(X, y)[0]
    other = make(name, random_state=2).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(X_res, again)
    assert not new.reset_index(drop=True).equals(other.iloc[len(X):].reset_index(drop=True))


@pytest.mark.parametrize("name", ["ctgan", "copula"])
def test_leaves_global_random_state_alone(name: str, table) -> None:
    X, y = table
    np_state, py_state = np.random.get_state(), random.getstate()
    torch_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    make(name, random_state=3).fit_resample(X, y)
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    assert np.random.get_state()[2:] == np_state[2:]
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert random.getstate() == py_state
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize("name", ["ctgan", "copula"])
def test_numeric_code_marked_categorical_stays_categorical(name: str, table) -> None:
    X, y = table
    X = X.assign(grade=pd.Categorical(np.where(y == 1, 3, np.arange(len(y)) % 3 + 1),
                                      categories=[1, 2, 3, 4]))
    X_res, y_res = make(name, random_state=0).fit_resample(X, y)
    check_output(X, y, X_res, y_res, 1.0, name)
    assert X_res["grade"].dtype == X["grade"].dtype
    # Fitted on the minority rows, all graded 3: a numeric model would spread values around 3.
    assert set(X_res["grade"].iloc[len(X):]) == {3}


def test_metadata_comes_from_dtypes_not_from_sdv_guesses(table) -> None:
    from augbench_plugins.sdv.table import TableCodec

    X, _ = table
    X = X.assign(code=pd.Categorical([7, 8] * (len(X) // 2)), flag=np.arange(len(X)) % 2)
    columns = TableCodec.of(X).metadata().to_dict()["tables"]["augbench"]["columns"]
    sdtypes = [columns[f"c{i}"]["sdtype"] for i in range(X.shape[1])]
    assert sdtypes == ["numerical", "numerical", "categorical", "categorical", "categorical",
                       "numerical"]


def test_integer_columns_stay_integral_and_within_their_dtype() -> None:
    X, y = make_mixed_table()
    X = X.assign(small=np.uint8(200) + (np.arange(len(X)) % 50).astype(np.uint8))
    X_res, _ = make("copula", random_state=0, enforce_min_max_values=False).fit_resample(X, y)
    assert X_res.dtypes.equals(X.dtypes)
    assert X_res["small"].between(0, 255).all()


@pytest.mark.parametrize("name", ["ctgan", "copula"])
def test_conditional_fit_on_all_rows_gives_minority_rows(name: str, table) -> None:
    X, y = table
    X_res, y_res = make(name, random_state=0, conditional=True).fit_resample(X, y)
    check_output(X, y, X_res, y_res, 1.0, name)


def test_a_ratio_already_met_adds_nothing(table) -> None:
    X, y = table
    X_res, y_res = make("ctgan", sampling_strategy=0.1).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert np.array_equal(y_res, y)


def test_is_quiet(table, capfd: pytest.CaptureFixture) -> None:
    X, y = table
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make("ctgan", random_state=0).fit_resample(X, y)
        make("copula", random_state=0).fit_resample(X, y)
    out, err = capfd.readouterr()
    assert (out, err, caught) == ("", "", [])


def test_errors_propagate(table) -> None:
    X, y = table
    with pytest.raises(ValueError, match="even batch_size that is a multiple of pac"):
        make("ctgan", batch_size=55).fit_resample(X, y)
    with pytest.raises(ValueError, match="Invalid distribution"):  # raised inside SDV
        make("copula", default_distribution="cauchy").fit_resample(X, y)
    with pytest.raises(ValueError, match="sampling_strategy"):
        make("tvae", sampling_strategy=1.5).fit_resample(X, y)
    with pytest.raises(UsageError, match="epoch"):
        augbench.get_augmenter("ctgan", epoch=3)


def test_parameters_are_settable_from_the_cli() -> None:
    settings = parse_settings(["ctgan.epochs=50", "ctgan.generator_dim=(128, 128)",
                               "ctgan.cuda=true", "copula.default_distribution=norm"])
    ctgan = augbench.get_augmenter("ctgan", **settings["ctgan"])
    assert ctgan.get_params()["epochs"] == 50
    assert ctgan.get_params()["generator_dim"] == (128, 128)
    assert ctgan.get_params()["cuda"] is True
    copula = augbench.get_augmenter("copula", **settings["copula"])
    assert copula.get_params()["default_distribution"] == "norm"


def test_cuda_falls_back_to_the_cpu_without_a_gpu(table) -> None:
    X, y = table
    X_res, y_res = make("tvae", random_state=0, cuda=True).fit_resample(X, y)
    check_output(X, y, X_res, y_res, 1.0, "tvae")
    with pytest.raises(ValueError, match="cuda must be"):
        make("tvae", cuda="gpu").fit_resample(X, y)


def test_plugin_module_is_light() -> None:
    assert_light_plugin("augbench_plugins.sdv", {"sdv", "torch", "sklearn", "ctgan"},
                        {"ctgan", "tvae", "copula"})
