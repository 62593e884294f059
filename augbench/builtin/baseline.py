"""The ``none`` augmenter, the baseline every augmenter is compared with, and two controls:
``permuted-labels`` (the same classifier fitted on shuffled training labels: what chance gives)
and ``real-rows`` (real patients the classifier never saw added instead of synthetic ones: what
more real data would give, and the level every privacy attack reads when nothing leaks).

All are imbalanced-learn samplers (`augbench.TableOverSampler`), so they take arrays or
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


class RealRows(TableOverSampler):
    """Adds real rows of the class to top up from a reserve of patients the training draw left
    out (``with_reserve``), drawn without replacement with ``random_state``: the reference for
    synthetic rows. With fewer reserve rows than the ratio asks for it adds those it has (none
    when the training rows are the whole pool), and a run's findings say how many of how many."""

    __augbench_capabilities__ = {"draws_reserve": True, "exact_ratio": False}

    def with_reserve(self, X: pd.DataFrame, y: np.ndarray) -> RealRows:
        """The rows to draw from (never the training rows themselves), for the next fits."""
        self.reserve_ = (X.reset_index(drop=True), np.asarray(y))
        return self

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """``X`` and reserve rows of each class to top up, as many as it has up to the count
        ``sampling_strategy_`` asks for."""
        if not hasattr(self, "reserve_"):
            raise ValueError("real-rows draws from rows the training draw left out; give them "
                             "with with_reserve(X_reserve, y_reserve) before fitting (augbench's "
                             "runner does)")
        X_reserve, y_reserve = self.reserve_
        wanted = [(label, int(n)) for label, n in self.sampling_strategy_.items() if n > 0]
        root = seed_sequence(self.random_state)
        seeds = [root] if len(wanted) == 1 else root.spawn(max(len(wanted), 1))
        parts, labels = [X], [y]
        for (label, n), seed in zip(wanted, seeds):
            rows = np.flatnonzero(y_reserve == label)
            chosen = np.random.default_rng(seed).permutation(rows)[:n]
            added = X_reserve.iloc[np.sort(chosen)].astype(X.dtypes.to_dict())
            parts.append(added)
            labels.append(np.full(len(chosen), label, dtype=y.dtype))
        return pd.concat(parts, ignore_index=True), np.concatenate(labels)
