"""SMOTE for mixed tables: SMOTE, SMOTENC or SMOTEN depending on the categorical columns."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
from sklearn.base import BaseEstimator


class SmoteAugmenter(BaseEstimator):
    """SMOTE when every column is numeric, SMOTENC for a mix, SMOTEN when all are categorical.

    ``k_neighbors`` is capped at the minority count minus one: with fewer minority rows than
    neighbours SMOTE is undefined, and tiny training sizes are exactly what augbench studies.
    """

    # SMOTE's own declared constraints for the parameters this wrapper passes on.
    _parameter_constraints = {k: SMOTE._parameter_constraints[k]
                              for k in ("k_neighbors", "sampling_strategy", "random_state")}

    def __init__(self, k_neighbors: int = 5, sampling_strategy: Any = "auto",
                 random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # SMOTENC and SMOTEN take the categorical columns
        return tags

    def fit_resample(self, X: pd.DataFrame, y: Any) -> tuple[pd.DataFrame, Any]:
        counts = np.bincount(np.asarray(y, dtype=np.int64))
        minority = int(counts[counts > 0].min())
        if minority < 2:
            raise ValueError(f"SMOTE needs at least 2 minority rows, got {minority}")
        k = min(self.k_neighbors, minority - 1)
        categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        common = dict(sampling_strategy=self.sampling_strategy, random_state=self.random_state,
                      k_neighbors=k)
        if not categorical:
            sampler = SMOTE(**common)
        elif len(categorical) == X.shape[1]:
            sampler = SMOTEN(**common)
        else:
            sampler = SMOTENC(categorical_features=categorical, **common)
        X_res, y_res = sampler.fit_resample(X, y)
        # imbalanced-learn may widen dtypes; the contract keeps the input's.
        return X_res.astype(X.dtypes.to_dict()), y_res
