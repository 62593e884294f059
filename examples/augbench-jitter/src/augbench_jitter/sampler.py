"""``JitterOverSampler``: random minority rows again, each numeric value moved by Gaussian noise.

A deliberately small method, as a template: it subclasses ``augbench.TableOverSampler``, which
makes it an imbalanced-learn over-sampler and keeps augbench's contract (the input rows first and
unchanged, only rows of the classes to top up added, the caller's types and dtypes back), so the
method itself is one function of the rows of one class. Its own parameter is checked in
``_check_params``, which augbench calls before a run, so a bad value stops it at once.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

import augbench


class JitterOverSampler(augbench.TableOverSampler):
    """Copies random rows of the class to top up and adds Gaussian noise to their float columns.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1], "auto", ``{label: rows}``...
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds every draw.
    scale : float, default 0.1
        Noise standard deviation, as a share of each float column's standard deviation in the
        rows of the class.
    """

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 scale: float = 0.1) -> None:
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state)
        self.scale = scale

    def _check_params(self) -> None:
        if isinstance(self.scale, bool) or not isinstance(self.scale, Real) or not self.scale >= 0:
            raise ValueError(f"jitter: scale must be a number of at least 0, got {self.scale!r}")

    def _generate(self, X_class: pd.DataFrame, n_new: int,
                  random_state: np.random.SeedSequence) -> pd.DataFrame:
        """``n_new`` jittered copies of random rows of ``X_class``."""
        rng = np.random.default_rng(random_state)
        new = X_class.iloc[rng.integers(0, len(X_class), n_new)].reset_index(drop=True)
        for column in new.columns:
            if pd.api.types.is_float_dtype(new[column]):
                spread = float(X_class[column].std(ddof=0)) * self.scale
                new[column] = new[column] + rng.normal(0.0, spread, n_new)
        return new
