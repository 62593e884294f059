"""Tables to GAN-ready float matrices and back, with one encoder fitted per model.

Numeric columns become one value each (quantile-normal or min-max scaled); a categorical column
becomes a one-hot block as wide as its dtype's category list. The width is therefore fixed by the
table's dtypes, not by the rows a model sees, so many models' weights stack along a model axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

NUMERIC_SCALINGS = ("quantile", "minmax")
# Quantile references kept per column: enough for a smooth inverse, bounded for big tables.
MAX_QUANTILES = 1000


def _is_categorical(dtype: Any) -> bool:
    return isinstance(dtype, pd.CategoricalDtype)


@dataclass(frozen=True)
class Layout:
    """Columns, dtypes and encoded width of a table; every model of a batch shares it."""

    columns: tuple[str, ...]
    dtypes: tuple[Any, ...]

    @classmethod
    def of(cls, X: pd.DataFrame, name: str = "gan", model: str = "the GAN models") -> Layout:
        """The layout of ``X``, or a TypeError naming a column the augmenter ``name`` cannot
        take (``model`` says what it takes: "the GAN models", "the diffusion model takes")."""
        for col in X.columns:
            dtype = X[col].dtype
            if not _is_categorical(dtype) and dtype.kind not in "iuf":
                raise TypeError(f"{name}: column {col!r} has dtype {dtype}; {model} numeric "
                                "columns and columns of 'category' dtype. Convert it first.")
        return cls(tuple(X.columns), tuple(X.dtypes))

    @property
    def numeric(self) -> list[str]:
        return [c for c, d in zip(self.columns, self.dtypes) if not _is_categorical(d)]

    @property
    def categorical(self) -> list[str]:
        return [c for c, d in zip(self.columns, self.dtypes) if _is_categorical(d)]

    @property
    def category_counts(self) -> list[int]:
        """Categories per categorical column, from the dtype (all models agree on it)."""
        return [len(d.categories) for d in self.dtypes if _is_categorical(d)]

    @property
    def width(self) -> int:
        return len(self.numeric) + sum(self.category_counts)


class NumericScaler:
    """Maps one column to the generator's scale and back, within the range of the rows seen."""

    def __init__(self, values: np.ndarray, scaling: str) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.scaling = scaling
        self.low, self.high = float(values.min()), float(values.max())
        self.integral = bool(np.all(values == np.round(values)))
        if scaling == "quantile":
            n = min(len(values), MAX_QUANTILES)
            self.quantiles = np.quantile(values, np.linspace(0, 1, n))
            # Mid-point plotting positions: the extremes land near +-Phi^-1(1/2n), not at +-inf.
            self.levels = (np.arange(n) + 0.5) / n

    @property
    def constant(self) -> bool:
        return self.low == self.high

    def encode(self, values: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Values to the generator's scale: standard normal (quantile) or [-1, 1] (min-max).

        With ``rng``, tied values spread uniformly over the levels they share, so a binary or
        small-count column also becomes a continuous normal; the decoder's rounding restores it.
        Without, ties take their middle level.
        """
        values = np.asarray(values, dtype=np.float64)
        if self.constant:
            return np.zeros_like(values)
        if self.scaling == "minmax":
            return 2 * (values - self.low) / (self.high - self.low) - 1
        q, p = self.quantiles, self.levels
        up = np.interp(values, q, p)  # the highest level of a run of ties
        down = -np.interp(-values, -q[::-1], -p[::-1])  # the lowest
        share = rng.random(len(values)) if rng is not None else 0.5
        return ndtri(np.clip(down + share * (up - down), p[0], p[-1]))

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The generator's scale back to values, clipped to the training range."""
        codes = np.asarray(codes, dtype=np.float64)
        if self.constant:
            values = np.full_like(codes, self.low)
        elif self.scaling == "minmax":
            values = self.low + (np.clip(codes, -1, 1) + 1) / 2 * (self.high - self.low)
        else:
            values = np.interp(ndtr(codes), self.levels, self.quantiles)
        if self.integral:
            values = np.round(values)
        return np.clip(values, self.low, self.high)


class TableEncoder:
    """One model's encoding: scalers and category presence learned from its minority rows."""

    def __init__(self, layout: Layout, scaling: str) -> None:
        if scaling not in NUMERIC_SCALINGS:
            raise ValueError(f"gan: numeric_scaling must be one of {NUMERIC_SCALINGS}, "
                             f"got {scaling!r}")
        self.layout = layout
        self.scaling = scaling

    def fit(self, X: pd.DataFrame) -> TableEncoder:
        """Learn scalers and which categories occur, from the rows the GAN will imitate."""
        self.scalers = {c: NumericScaler(X[c].to_numpy(), self.scaling)
                        for c in self.layout.numeric}
        counts = self.layout.category_counts
        self.present = np.zeros((len(counts), max(counts, default=0)), dtype=bool)
        for g, col in enumerate(self.layout.categorical):
            self.present[g, np.unique(X[col].cat.codes.to_numpy())] = True
        return self

    def transform(self, X: pd.DataFrame, rng: np.random.Generator | None = None) -> np.ndarray:
        """Rows as a float32 matrix: scaled numeric columns, then one one-hot block per category.

        ``rng`` breaks ties at random on the quantile scale (see NumericScaler.encode).
        """
        parts = [self.scalers[c].encode(X[c].to_numpy(), rng)[:, None]
                 for c in self.layout.numeric]
        for col, count in zip(self.layout.categorical, self.layout.category_counts):
            parts.append(np.eye(count)[X[col].cat.codes.to_numpy()])
        return np.concatenate(parts, axis=1).astype(np.float32) if parts else np.zeros(
            (len(X), 0), dtype=np.float32)

    def inverse(self, numeric: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
        """A frame with the layout's columns and dtypes from generated numbers and category codes."""
        columns: dict[str, Any] = {}
        numeric_names, categorical_names = self.layout.numeric, self.layout.categorical
        for col, dtype in zip(self.layout.columns, self.layout.dtypes):
            if _is_categorical(dtype):
                g = categorical_names.index(col)
                columns[col] = pd.Categorical.from_codes(codes[:, g], dtype=dtype)
            else:
                values = self.scalers[col].decode(numeric[:, numeric_names.index(col)])
                columns[col] = values.astype(dtype)
        return pd.DataFrame(columns, columns=list(self.layout.columns))
