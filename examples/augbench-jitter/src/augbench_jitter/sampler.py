"""``JitterOverSampler``: random minority rows again, each numeric value moved by Gaussian noise.

A deliberately small method that follows augbench's augmenter contract, as a template:
scikit-learn constructor rules, ``random_state`` and ``sampling_strategy`` parameters, the input
rows first and unchanged, only minority rows added, categories kept, every random draw from
``random_state``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

import augbench


class JitterOverSampler(BaseEstimator):
    """Copies random minority rows and adds Gaussian noise to their numeric columns.

    Parameters
    ----------
    sampling_strategy : float or str, default "auto"
        Minority:majority ratio after augmentation, with imbalanced-learn's meaning.
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds every draw.
    scale : float, default 0.1
        Noise standard deviation, as a share of each numeric column's minority standard deviation.
    """

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 scale: float = 0.1) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.scale = scale

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # categorical columns are copied as they are
        return tags

    def fit_resample(self, X: pd.DataFrame, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        """Return ``X`` followed by jittered copies of its minority rows, and their labels."""
        if not self.scale >= 0:
            raise ValueError(f"jitter: scale must be at least 0, got {self.scale!r}")
        y = augbench.check_labels(X, y, "jitter")
        n_new = augbench.rows_to_add(y, self.sampling_strategy)
        rng = np.random.default_rng(augbench.seed_sequence(self.random_state))
        minority = X[y == 1]
        new = minority.iloc[rng.integers(0, len(minority), n_new)].reset_index(drop=True)
        for column in new.columns:
            if pd.api.types.is_float_dtype(new[column]):
                spread = float(minority[column].std(ddof=0)) * self.scale
                new[column] = new[column] + rng.normal(0.0, spread, n_new)
        return pd.concat([X, new], ignore_index=True), np.r_[y, np.ones(n_new, dtype=y.dtype)]
