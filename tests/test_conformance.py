"""Every registered augmenter passes the conformance kit that plugin authors use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from augbench.plugin.manager import Registry, make_plugin_manager
from augbench.testing import check_augmenter, make_mixed_table

# Small settings keep the suite fast; the contract does not depend on them.
FAST = {"gan": {"epochs": 3}, "ctgan": {"epochs": 2}, "tvae": {"epochs": 2}}
AUGMENTERS = Registry(make_plugin_manager(disabled=())).names("augmenters")


@pytest.mark.parametrize("name", AUGMENTERS)
def test_registered_augmenter_follows_the_contract(registry: Registry, name: str) -> None:
    augmenter = registry.create("augmenters", name, **FAST.get(name, {}))
    capabilities = registry.capabilities("augmenters", name, augmenter)
    if not capabilities.relabels:
        check_augmenter(augmenter, adds_rows=capabilities.adds_rows)
        return
    # A control that relabels keeps every row and only reorders the labels, reproducibly.
    X, y = make_mixed_table()
    X_res, y_res = augmenter.set_params(random_state=0).fit_resample(X.copy(), y.copy())
    pd.testing.assert_frame_equal(X_res, X)
    assert sorted(y_res) == sorted(y) and not np.array_equal(y_res, y)
    assert np.array_equal(y_res, augmenter.fit_resample(X.copy(), y.copy())[1])


def test_smote_on_numeric_only_and_categorical_only_tables(registry: Registry) -> None:
    X, y = make_mixed_table()
    check_augmenter(registry.create("augmenters", "smote"), X[["age", "bmi"]], y)
    check_augmenter(registry.create("augmenters", "smote"), X[["sex", "smoker"]], y)


class Mislabels(BaseEstimator):
    """Breaks the contract: changes an original row."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        X = X.copy()
        X.iloc[0, 1] += 1.0
        n_new = int(np.sum(y == 0)) - int(np.sum(y == 1))
        return pd.concat([X, X[y == 1].iloc[:1].loc[[X.index[y == 1][0]] * n_new]],
                         ignore_index=True), np.concatenate([y, np.ones(n_new, y.dtype)])


def test_the_kit_catches_a_changed_original_row() -> None:
    with pytest.raises(AssertionError, match="first len\\(X\\) rows"):
        check_augmenter(Mislabels())
