"""Mode-specific normalisation (Xu et al. 2019, section 4.2) and the conditional vector's counts.

A numeric column is fitted with a variational Gaussian mixture (a Dirichlet-process prior with
concentration 0.001, so that unneeded components fade) and each value becomes two parts: the
mixture component ("mode") drawn from its posterior, and the value's offset within that mode,
``(x - mean) / (4 * sd)`` clipped to [-0.99, 0.99]. Components that keep under
``weight_threshold`` of the weight are dropped, as in the paper.

Every model of a batch gets ``max_modes`` mode slots per numeric column, whatever its own mixture
kept (the slots it did not keep are masked), so that the encoded width depends on the table's
dtypes only and many models' weights stack along a model axis.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.neural.encoding import Layout

# The paper's: four standard deviations put a mode's values within [-1, 1] with 99.99%.
SD_SPAN = 4.0
CLIP = 0.99


def fit_mixture(values: np.ndarray, max_modes: int, seed: int) -> Any:
    """The paper's variational Gaussian mixture of one column (scikit-learn's, 1-D)."""
    from sklearn.mixture import BayesianGaussianMixture

    mixture = BayesianGaussianMixture(
        n_components=min(len(values), max_modes),
        weight_concentration_prior_type="dirichlet_process", weight_concentration_prior=0.001,
        random_state=seed)
    with warnings.catch_warnings():
        # A column with fewer distinct values than components does not converge; it needs not.
        warnings.simplefilter("ignore")
        mixture.fit(values.reshape(-1, 1))
    return mixture


class ColumnModes:
    """One numeric column's kept modes: means, sds, and the posterior of a value's mode."""

    def __init__(self, values: np.ndarray, max_modes: int, weight_threshold: float,
                 seed: int) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.mixture = fit_mixture(values, max_modes, seed)
        self.kept = self.mixture.weights_ > weight_threshold
        self.means = self.mixture.means_.ravel()[self.kept]
        self.sds = np.sqrt(self.mixture.covariances_.ravel()[self.kept])
        self.low, self.high = float(values.min()), float(values.max())
        self.integral = bool(np.all(values == np.round(values)))

    def encode(self, values: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(offset within the mode, mode index among the kept ones) of each value; the mode is
        drawn from the posterior (plus 1e-6, as SDV's), the paper's sampling rather than argmax."""
        values = np.asarray(values, dtype=np.float64)
        probs = self.mixture.predict_proba(values.reshape(-1, 1))[:, self.kept] + 1e-6
        probs /= probs.sum(axis=1, keepdims=True)
        draws = rng.random(len(values))[:, None]
        mode = np.minimum((probs.cumsum(axis=1) <= draws).sum(axis=1), len(self.means) - 1)
        offset = (values - self.means[mode]) / (SD_SPAN * self.sds[mode])
        return np.clip(offset, -CLIP, CLIP), mode

    def decode(self, offset: np.ndarray, mode: np.ndarray) -> np.ndarray:
        """Values from offsets and modes, kept within the training range, rounded if integral."""
        values = np.clip(offset, -1, 1) * SD_SPAN * self.sds[mode] + self.means[mode]
        if self.integral:
            values = np.round(values)
        return np.clip(values, self.low, self.high)


class ModeEncoder:
    """One model's encoding of its rows: a mixture per numeric column.

    ``transform`` gives integer codes and offsets; the network turns them into one-hot blocks
    (and counts the categories for the conditional vector).
    """

    def __init__(self, layout: Layout, max_modes: int, weight_threshold: float) -> None:
        self.layout, self.max_modes, self.weight_threshold = layout, max_modes, weight_threshold

    def fit(self, X: pd.DataFrame, rng: np.random.Generator) -> ModeEncoder:
        """Fit a mixture per numeric column, each seeded from ``rng``."""
        seeds = rng.integers(0, 2 ** 31 - 1, len(self.layout.numeric))
        self.columns = [ColumnModes(X[c].to_numpy(), self.max_modes, self.weight_threshold,
                                    int(s)) for c, s in zip(self.layout.numeric, seeds)]
        return self

    @property
    def kept_modes(self) -> np.ndarray:
        """(numeric columns, max_modes) mask of the mode slots this model uses."""
        mask = np.zeros((len(self.columns), self.max_modes), dtype=bool)
        for j, column in enumerate(self.columns):
            mask[j, :len(column.means)] = True
        return mask

    def transform(self, X: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """``offsets`` (n, numeric), ``modes`` (n, numeric) and ``categories`` (n, categorical)."""
        n = len(X)
        offsets = np.zeros((n, len(self.columns)), dtype=np.float32)
        modes = np.zeros((n, len(self.columns)), dtype=np.int64)
        for j, (name, column) in enumerate(zip(self.layout.numeric, self.columns)):
            offsets[:, j], modes[:, j] = column.encode(X[name].to_numpy(), rng)
        categories = np.stack([X[c].cat.codes.to_numpy().astype(np.int64)
                               for c in self.layout.categorical], axis=1) if \
            self.layout.categorical else np.zeros((n, 0), dtype=np.int64)
        return {"offsets": offsets, "modes": modes, "categories": categories}

    def inverse(self, offsets: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
        """A frame with the layout's columns and dtypes from generated offsets and codes (the
        numeric columns' mode codes first, then the categorical columns')."""
        n_numeric = len(self.columns)
        columns: dict[str, Any] = {}
        for col, dtype in zip(self.layout.columns, self.layout.dtypes):
            if col in self.layout.categorical:
                g = self.layout.categorical.index(col)
                columns[col] = pd.Categorical.from_codes(codes[:, n_numeric + g], dtype=dtype)
            else:
                j = self.layout.numeric.index(col)
                values = self.columns[j].decode(offsets[:, j], codes[:, j])
                columns[col] = values.astype(dtype)
        return pd.DataFrame(columns, columns=list(self.layout.columns))
