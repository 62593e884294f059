"""Between augbench's tables and SDV's: column roles from dtypes, explicit metadata, dtypes back.

SDV's own type detection would call a categorical code stored as a number "numerical"; here the
DataFrame's dtypes decide. Columns travel under positional names (``c0``, ``c1``, ...) and
categorical values as code strings, so odd column names, numeric category labels or booleans
never meet SDV's inference, and every synthetic value maps back to a category seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

TABLE = "augbench"
LABEL = "label"  # the label column of conditional fits; features are c0, c1, ... so never clash


@dataclass(frozen=True)
class Column:
    """One input column: its name, dtype and, for a discrete one, its values in code order."""

    name: Any
    dtype: Any
    values: pd.Index | None  # None for a numerical column

    @property
    def numerical(self) -> bool:
        return self.values is None


def _is_numerical(dtype: Any) -> bool:
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype))


@dataclass(frozen=True)
class TableCodec:
    """Encodes a feature table for SDV and decodes SDV's rows back to the input's dtypes."""

    columns: tuple[Column, ...]

    @classmethod
    def of(cls, X: pd.DataFrame) -> TableCodec:
        """Column roles from ``X``'s dtypes: ``category``, bool and text are categorical."""
        columns = []
        for name in X.columns:
            dtype = X[name].dtype
            if _is_numerical(dtype):
                values = None
            elif isinstance(dtype, pd.CategoricalDtype):
                values = dtype.categories
            elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_object_dtype(dtype) \
                    or pd.api.types.is_string_dtype(dtype):
                values = pd.Index(pd.unique(X[name].dropna()))
            else:
                raise TypeError(f"column {name!r} has dtype {dtype}, which the SDV augmenters "
                                "cannot model; give it a numeric or 'category' dtype, or drop it.")
            columns.append(Column(name, dtype, values))
        return cls(tuple(columns))

    def metadata(self, label: bool = False) -> Any:
        """SDV metadata stating every column's sdtype (plus the label column if ``label``)."""
        from sdv.metadata import Metadata

        columns = {f"c{i}": {"sdtype": "numerical" if c.numerical else "categorical"}
                   for i, c in enumerate(self.columns)}
        if label:
            columns[LABEL] = {"sdtype": "categorical"}
        return Metadata.load_from_dict({"tables": {TABLE: {"columns": columns}},
                                        "METADATA_SPEC_VERSION": "V2"})

    def encode(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` under positional names, discrete values as code strings ``k0``, ``k1``..."""
        out = {}
        for i, c in enumerate(self.columns):
            col = X.iloc[:, i]
            if c.numerical:
                out[f"c{i}"] = col.to_numpy()
                continue
            codes = col.cat.codes.to_numpy() if isinstance(c.dtype, pd.CategoricalDtype) \
                else c.values.get_indexer(col)
            if (codes < 0).any():
                raise ValueError(f"column {c.name!r} has missing values; the SDV augmenters "
                                 "need complete rows (augbench imputes before augmenting).")
            out[f"c{i}"] = np.array([f"k{k}" for k in codes], dtype=object)
        return pd.DataFrame(out, index=pd.RangeIndex(len(X)))

    def decode(self, rows: pd.DataFrame) -> pd.DataFrame:
        """SDV's rows back under the input's names and dtypes (integers rounded, never NaN)."""
        series = []
        for i, c in enumerate(self.columns):
            raw = rows[f"c{i}"].reset_index(drop=True)
            if c.numerical:
                values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
                if not np.isfinite(values).all():
                    raise ValueError(f"the synthesizer produced missing or infinite values in "
                                     f"column {c.name!r}")
                if pd.api.types.is_integer_dtype(c.dtype):
                    info = np.iinfo(np.dtype(getattr(c.dtype, "numpy_dtype", c.dtype)))
                    values = np.clip(np.rint(values), info.min, info.max)
                series.append(pd.Series(values).astype(c.dtype))
                continue
            codes = raw.astype(str).str.slice(1).astype(np.int64).to_numpy()
            if isinstance(c.dtype, pd.CategoricalDtype):
                series.append(pd.Series(pd.Categorical.from_codes(codes, dtype=c.dtype)))
            else:
                series.append(pd.Series(c.values.take(codes)).astype(c.dtype))
        # Positional keys first, so that duplicate column names survive.
        frame = pd.DataFrame(dict(enumerate(series)), index=pd.RangeIndex(len(rows)))
        frame.columns = pd.Index([c.name for c in self.columns])
        return frame
