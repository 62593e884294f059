"""The ``none`` augmenter, the baseline every augmenter is compared with, and the
``permuted-labels`` control: the same classifier fitted on shuffled training labels."""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator


class NoAugmentation(BaseEstimator):
    """Returns the training rows unchanged; accepts the augmenter parameters and ignores them."""

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # any column passes through untouched
        return tags

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Return ``X`` and ``y`` as given."""
        return X, y


class PermutedLabels(BaseEstimator):
    """Shuffles the training labels (seeded by ``random_state``): a classifier fitted on them
    learns nothing real, so its scores are what chance gives on this table."""

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Return ``X`` unchanged and a permutation of ``y``."""
        import numpy as np

        from augbench.plugin.kit import seed_sequence

        rng = np.random.default_rng(seed_sequence(self.random_state))
        return X, rng.permutation(np.asarray(y))
