"""Summary statistics across seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd

CONFIDENCE = 0.95


def t_interval(mean: pd.Series | np.ndarray, std: pd.Series | np.ndarray,
               count: pd.Series | np.ndarray, bounds: tuple[float, float] | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
    """Student-t 95% interval of a mean from its sample standard deviation and count.

    Undefined (NaN) for fewer than two values; clipped to ``bounds`` when given, since a metric
    bounded to [0, 1] cannot have a mean outside it.
    """
    from scipy import stats

    mean, std, count = (np.asarray(a, dtype=float) for a in (mean, std, count))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, count - 1) * std / np.sqrt(count)
    half = np.where(count >= 2, half, np.nan)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = np.clip(low, *bounds), np.clip(high, *bounds)
    return low, high
