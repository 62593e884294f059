"""Every registered augmenter passes the conformance kit that plugin authors use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

import augbench
from augbench.registry import Registry, make_plugin_manager
from augbench.testing import ConformanceError, check_augmenter, parametrize_with_checks

# Small settings keep the suite fast; the contract does not depend on them.
FAST = {"gan": {"epochs": 3}, "ctgan": {"epochs": 2}, "ctgan-mit": {"epochs": 2},
        "tvae": {"epochs": 2}, "ddpm": {"steps": 20}, "dpgan": {"epochs": 5},
        "forest-diffusion": {"n_t": 5, "duplicate_K": 5, "n_estimators": 20}}
REGISTRY = Registry(make_plugin_manager(disabled=()))
AUGMENTERS = REGISTRY.names("augmenters")


def _registered() -> tuple[list, dict[str, str]]:
    """Every registered augmenter (fast settings) with its declared capabilities, and the
    reason for each one that cannot be built here (an optional extra not installed)."""
    items, missing = [], {}
    for name in AUGMENTERS:
        try:
            augmenter = REGISTRY.create("augmenters", name, **FAST.get(name, {}))
        except augbench.UsageError as exc:
            missing[name] = str(exc)
            continue
        items.append((augmenter, REGISTRY.capabilities("augmenters", name, augmenter)))
    return items, missing


BUILT, MISSING = _registered()


# The same suite for every augmenter, chosen by what each declares, with no case by name.
@parametrize_with_checks(BUILT)
def test_registered_augmenter_follows_the_contract(augmenter, check) -> None:
    check(augmenter)


if MISSING:  # said, not silently left out: the suite above could not check these
    @pytest.mark.parametrize("name", sorted(MISSING))
    def test_augmenter_needing_an_extra_that_is_not_installed(name: str) -> None:
        pytest.skip(MISSING[name])


class _Base(BaseEstimator):
    """Random over-sampling done right; subclasses break one rule each."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _draw(self, X, y):
        rng = np.random.default_rng(self.random_state)
        n = augbench.rows_to_add(y, self.sampling_strategy)
        return X[y == 1].iloc[rng.integers(0, int((y == 1).sum()), n)]

    def fit_resample(self, X, y):
        y = np.asarray(y)
        new = self._draw(X, y)
        return (pd.concat([X, new], ignore_index=True),
                np.concatenate([y, np.ones(len(new), y.dtype)]))


class DropsARow(_Base):
    def fit_resample(self, X, y):
        X_res, y_res = super().fit_resample(X, y)
        return X_res.iloc[1:].reset_index(drop=True), y_res[1:]


class Mutates(_Base):
    def fit_resample(self, X, y):
        X["bmi"] = X["bmi"] * 1.0 + 0.5  # changes the caller's frame
        return super().fit_resample(X, y)


class IgnoresRandomState(_Base):
    def _draw(self, X, y):
        n = augbench.rows_to_add(y, self.sampling_strategy)
        return X[y == 1].sample(n, replace=True)  # unseeded: global state


class SeedsGlobalState(_Base):
    def _draw(self, X, y):
        np.random.seed(self.random_state)
        n = augbench.rows_to_add(y, self.sampling_strategy)
        return X[y == 1].iloc[np.random.randint(0, int((y == 1).sum()), n)]


class Prints(_Base):
    def fit_resample(self, X, y):
        print("epoch 1/1")
        return super().fit_resample(X, y)


class BreaksEverything(_Base):
    def fit_resample(self, X, y):
        X["bmi"] += 1.0
        print("training")
        return super().fit_resample(X, y)


def test_a_correct_augmenter_passes_every_check() -> None:
    check_augmenter(_Base())


@pytest.mark.parametrize("augmenter, failing", [
    (DropsARow(), {"check_output_rules", "check_tiny_input", "check_numeric_only"}),
    (Mutates(), {"check_input_not_mutated"}),
    (IgnoresRandomState(), {"check_reproducible"}),
    (SeedsGlobalState(), {"check_global_random_state_untouched"}),
    (Prints(), {"check_prints_nothing"}),
])
def test_the_kit_catches_each_broken_rule(augmenter, failing: set[str]) -> None:
    with pytest.raises(ConformanceError) as caught:
        check_augmenter(augmenter)
    assert {name for name, _ in caught.value.failures} >= failing
    # Each failure says what was expected, what was got and how to fix it.
    assert all("expected" in message and "Fix:" in message
               for name, message in caught.value.failures if name in failing)


def test_every_failure_is_reported_in_one_go() -> None:
    with pytest.raises(ConformanceError) as caught:
        check_augmenter(BreaksEverything())
    names = {name for name, _ in caught.value.failures}
    assert {"check_input_not_mutated", "check_prints_nothing"} <= names
    assert str(caught.value).startswith("BreaksEverything fails ")


def test_imbalanced_learn_samplers_pass_as_they_are() -> None:
    from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

    for sampler in (SMOTE(k_neighbors=3), ADASYN(), BorderlineSMOTE()):
        check_augmenter(sampler)


def test_the_kit_reads_declared_capabilities_from_the_object() -> None:
    class Keeps(_Base):
        __augbench_capabilities__ = {"adds_rows": False}

        def fit_resample(self, X, y):
            return X, y

    check_augmenter(Keeps())
    with pytest.raises(ConformanceError, match="minority:majority"):
        check_augmenter(Keeps(), adds_rows=True)


def test_a_ratio_the_table_already_meets_expects_no_added_row() -> None:
    X, y = augbench.testing.make_mixed_table(positive_share=0.45)
    assert (y == 1).sum() > 0.5 * (y == 0).sum()  # ratio 0.5 is already met here
    check_augmenter(_Base(), X, y)
