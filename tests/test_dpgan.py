"""The ``dpgan`` augmenter and the ``dp_epsilon`` metric: contract, reproducibility, the privacy
budget spent against its target, and a run that records it."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import added, assert_light_plugin

pytest.importorskip("opacus", reason="the dpgan augmenter needs the optional extra augbench[dp]")
from augbench_plugins import dpgan  # noqa: E402 (after importorskip)
from augbench_plugins.dpgan.model import DpGanAugmenter  # noqa: E402
from sklearn.base import clone  # noqa: E402

import augbench
from augbench.testing import check_augmenter, make_mixed_table

# Few epochs keep each fit well under a second; the privacy accounting holds for any count.
FAST = {"epochs": 5}



def test_plugin_module_is_light_and_registers_the_augmenter_and_the_metric(registry) -> None:
    assert_light_plugin("augbench_plugins.dpgan", {"torch", "opacus"}, {"dpgan"}, {"dp_epsilon"})
    made = registry.create("augmenters", "dpgan", epsilon=2.0)
    assert isinstance(made, DpGanAugmenter) and made.epsilon == 2.0
    capabilities = registry.capabilities("augmenters", "dpgan", made)
    assert capabilities.categorical and capabilities.gpu_param == "device"
    # One fit per seed, so that each trial's metric sees its own fitted augmenter.
    assert not capabilities.batches_seeds
    spec = dpgan.augbench_metrics()["dp_epsilon"]
    assert (spec.needs, spec.higher_is_better, spec.bounds, spec.headline, spec.header) == (
        "synthetic", False, None, False, "ε")
    assert spec.label == "privacy budget spent (ε)" and spec.description


def test_missing_opacus_is_one_line_that_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "opacus", None)  # makes ``import opacus`` fail
    with pytest.raises(augbench.UsageError, match=r"pip install 'augbench\[dp\]'") as info:
        dpgan._dpgan()
    assert "\n" not in str(info.value)


def test_passes_the_conformance_kit_on_mixed_numeric_and_categorical_tables() -> None:
    X, y = make_mixed_table()
    check_augmenter(DpGanAugmenter(**FAST))
    check_augmenter(DpGanAugmenter(**FAST, numeric_scaling="quantile"))
    check_augmenter(DpGanAugmenter(**FAST), X[["age", "bmi"]], y)
    check_augmenter(DpGanAugmenter(**FAST), X[["sex", "smoker"]], y)


def test_parameters_follow_scikit_learn_rules() -> None:
    aug = DpGanAugmenter(epsilon=1.5, delta=1e-4, epochs=7, generator_dims=(32,))
    params = aug.get_params()
    assert (params["epsilon"], params["delta"], params["epochs"], params["generator_dims"]) == (
        1.5, 1e-4, 7, (32,))
    assert params["random_state"] is None and params["sampling_strategy"] == "auto"
    assert clone(aug).get_params() == params
    assert aug.__sklearn_tags__().input_tags.string


def test_same_seed_same_rows_other_seed_other_rows_and_no_global_state() -> None:
    import torch

    X, y = make_mixed_table(200)
    first = DpGanAugmenter(random_state=5, **FAST).fit_resample(X, y)[0]
    torch.manual_seed(123)  # a global seed must change nothing, and no fit may draw from it
    np.random.seed(123)
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    pd.testing.assert_frame_equal(DpGanAugmenter(random_state=5, **FAST).fit_resample(X, y)[0],
                                  first)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    other = DpGanAugmenter(random_state=6, **FAST).fit_resample(X, y)[0]
    assert not added(X, other).equals(added(X, first))


@pytest.mark.parametrize("target", [1.0, 8.0])
def test_the_epsilon_spent_is_at_most_the_target_and_close_to_it(target: float) -> None:
    X, y = make_mixed_table(200)
    aug = DpGanAugmenter(epsilon=target, random_state=0, **FAST)
    aug.fit_resample(X, y)
    assert 0.9 * target <= aug.epsilon_ <= target
    assert aug.delta_ == pytest.approx(1 / (10 * int(np.sum(y == 1))))  # the documented default
    assert aug.noise_multiplier_ > 0


def test_a_smaller_epsilon_adds_more_noise_and_a_given_delta_is_used() -> None:
    X, y = make_mixed_table(200)
    strict = DpGanAugmenter(epsilon=0.5, delta=1e-5, random_state=0, **FAST)
    loose = DpGanAugmenter(epsilon=8.0, delta=1e-5, random_state=0, **FAST)
    strict.fit_resample(X, y)
    loose.fit_resample(X, y)
    assert strict.delta_ == loose.delta_ == 1e-5
    assert strict.noise_multiplier_ > 2 * loose.noise_multiplier_
    assert strict.epsilon_ <= 0.5 < loose.epsilon_ <= 8.0


def test_more_epochs_need_more_noise_for_the_same_budget() -> None:
    X, y = make_mixed_table(200)
    short, long = (DpGanAugmenter(epochs=e, random_state=0) for e in (2, 20))
    short.fit_resample(X, y)
    long.fit_resample(X, y)
    assert long.noise_multiplier_ > short.noise_multiplier_
    assert long.epsilon_ <= 3.0 and short.epsilon_ <= 3.0


def test_no_training_and_no_budget_spent_when_no_row_is_needed() -> None:
    X, y = make_mixed_table()
    aug = DpGanAugmenter(sampling_strategy=0.01, **FAST)
    X_res, y_res = aug.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert aug.epsilon_ == 0.0 and math.isnan(aug.noise_multiplier_)


def test_categories_come_only_from_those_the_minority_rows_contain() -> None:
    rng = np.random.default_rng(0)
    n = 300
    y = (np.arange(n) % 3 == 0).astype(np.int8)
    # "rare" occurs only among the majority rows, "never" nowhere: neither may be generated.
    kind = np.where(y == 1, rng.choice(["a", "b"], n), rng.choice(["a", "rare"], n))
    X = pd.DataFrame({"x": rng.normal(size=n),
                      "kind": pd.Categorical(kind, categories=["a", "b", "rare", "never"])})
    X_res, _ = DpGanAugmenter(random_state=1, **FAST).fit_resample(X, y)
    generated = added(X, X_res)
    assert X_res["kind"].dtype == X["kind"].dtype
    assert set(generated["kind"]) <= {"a", "b"} and len(generated) == n // 3
    positive = X.loc[y == 1, "x"]
    assert generated["x"].between(positive.min(), positive.max()).all()  # kept within range


def test_missing_values_in_the_minority_rows_are_refused_with_a_hint() -> None:
    X, y = make_mixed_table()
    X.loc[np.flatnonzero(y == 1)[0], "bmi"] = np.nan
    with pytest.raises(ValueError, match="impute them first"):
        DpGanAugmenter(**FAST).fit_resample(X, y)


@pytest.mark.parametrize("params, message", [
    ({"epsilon": 0}, "epsilon must be a finite number > 0"),
    ({"epsilon": float("inf")}, "epsilon must be a finite number > 0"),
    ({"delta": 1.0}, "delta must be None or a number in (0, 1)"),
    ({"max_grad_norm": -1.0}, "max_grad_norm must be a finite number > 0"),
    ({"epochs": 0}, "epochs must be an int >= 1"),
    ({"batch_size": 2.5}, "batch_size must be an int >= 1"),
    ({"generator_dims": ()}, "generator_dims must be a non-empty tuple"),
    ({"device": "tpu"}, "device must be 'auto', 'cpu', 'cuda' or 'cuda:N'"),
    ({"numeric_scaling": "log"}, "numeric_scaling must be one of"),
    ({"accountant": "gdp"}, "accountant must be one of"),
    # The base class's parameters, by imbalanced-learn's declared constraints.
    ({"sampling_strategy": 1.5}, "The 'sampling_strategy' parameter of DpGanAugmenter"),
    ({"random_state": -1}, "The 'random_state' parameter of DpGanAugmenter"),
])
def test_bad_parameters_are_one_clear_line(params: dict, message: str) -> None:
    aug = DpGanAugmenter(**params)
    with pytest.raises(ValueError) as info:
        aug._validate_params()
    assert message in str(info.value) and "\n" not in str(info.value)
    X, y = make_mixed_table()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        aug.fit_resample(X, y)  # a fit refuses them too, before training


def test_a_run_records_the_epsilon_each_dpgan_trial_spent(tmp_path) -> None:
    results = augbench.run(augmenters=("dpgan",), metrics=("dp_epsilon", "recall"), seeds=2,
                           sizes=(100,), params={"dpgan": {"epsilon": 2.0, **FAST}})
    trials = results.trials
    ours, baseline = trials[trials.augmenter == "dpgan"], trials[trials.augmenter == "none"]
    assert len(ours) == 2 and len(baseline) == 2
    assert ours["error"].fillna("").eq("").all()
    assert ours["dp_epsilon"].between(1.8, 2.0).all()
    assert baseline["dp_epsilon"].isna().all()
    assert ours["recall"].notna().all()


def test_a_run_refuses_a_bad_parameter_before_any_trial() -> None:
    with pytest.raises(augbench.UsageError, match="augmenter 'dpgan': dpgan: epsilon"):
        augbench.run(augmenters=("dpgan",), seeds=1, sizes=(100,),
                     params={"dpgan": {"epsilon": -1.0}})
