"""SMOTE for mixed tables: SMOTE, SMOTENC or SMOTEN depending on the categorical columns."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

from augbench import TableOverSampler


class SmoteAugmenter(TableOverSampler):
    """SMOTE when every column is numeric, SMOTENC for a mix, SMOTEN when all are categorical.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`) that hands the whole
    table to the imbalanced-learn sampler its column types call for. ``k_neighbors`` is capped at
    the smallest class to top up minus one: with fewer rows than neighbours SMOTE is undefined,
    and tiny training sizes are exactly what augbench studies.
    """

    # SMOTE's own declared constraints for the parameters this wrapper passes on.
    _parameter_constraints = {k: SMOTE._parameter_constraints[k]
                              for k in ("k_neighbors", "sampling_strategy", "random_state")}

    def __init__(self, k_neighbors: int = 5, sampling_strategy: Any = "auto",
                 random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows ``sampling_strategy_`` asks for, made by SMOTE, SMOTENC or SMOTEN."""
        labels, counts = np.unique(y, return_counts=True)
        count = dict(zip(labels.tolist(), counts.tolist()))
        # Rows wanted per class, imbalanced-learn's dict meaning; a ratio already met wants none.
        wanted = {label: count[label] + int(n) for label, n in self.sampling_strategy_.items() if n > 0}
        if not wanted:
            return X, y
        fewest = min(count[label] for label in wanted)
        if fewest < 2:
            raise ValueError(f"SMOTE needs at least 2 rows of each class it tops up, got {fewest}")
        k = min(self.k_neighbors, fewest - 1)
        self.k_neighbors_ = k  # the number used, as scikit-learn's fitted attributes say it
        categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        common = dict(sampling_strategy=wanted, random_state=self.random_state, k_neighbors=k)
        if not categorical:
            sampler = SMOTE(**common)
        elif len(categorical) == X.shape[1]:
            sampler = SMOTEN(**common)
        else:
            sampler = SMOTENC(categorical_features=categorical, **common)
        # imbalanced-learn casts an interpolated value back to an integer column's dtype, which
        # truncates towards zero (a 0/1 flag interpolated to 0.9 becomes 0): integer columns are
        # interpolated as floats and rounded to the nearest whole number instead.
        whole = {c: X[c].dtype for c in X.columns if X[c].dtype.kind in "iu"}
        X_res, y_res = sampler.fit_resample(X.astype({c: float for c in whole}), y)
        if whole:
            X_res = X_res.assign(**{c: X_res[c].astype(float).round() for c in whole})
            X_res = X_res.astype(whole)
        return X_res, y_res
