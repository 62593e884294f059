"""The ``none`` augmenter, the baseline every augmenter is compared with, and the
``permuted-labels`` control: the same classifier fitted on shuffled training labels.

Both are imbalanced-learn samplers (:class:`augbench.TableOverSampler`), so they take arrays or
DataFrames and give them back in the caller's types, like every augmenter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from augbench.plugin.kit import seed_sequence
from augbench.plugin.sampler import TableOverSampler


class NoAugmentation(TableOverSampler):
    """Returns the training rows unchanged; accepts the augmenter parameters and ignores them
    (``sampling_strategy_`` still says what an augmenter would add)."""

    # Stated on the class, so the conformance kit knows it without a registry.
    __augbench_capabilities__ = {"adds_rows": False}

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Return ``X`` and ``y`` as given."""
        return X, y


class PermutedLabels(TableOverSampler):
    """Shuffles the training labels (seeded by ``random_state``): a classifier fitted on them
    learns nothing real, so its scores are what chance gives on this table."""

    __augbench_capabilities__ = {"adds_rows": False, "relabels": True}

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Return ``X`` unchanged and a permutation of ``y``."""
        rng = np.random.default_rng(seed_sequence(self.random_state))
        return X, rng.permutation(y)
