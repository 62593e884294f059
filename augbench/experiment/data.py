"""Datasets: a feature table, a binary target, and where they came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from augbench.defaults import DEFAULT_NA_VALUES
from augbench.errors import UsageError


@dataclass(frozen=True, eq=False)
class Dataset:
    """A binary classification table: ``X`` (categoricals as ``category`` dtype), ``y`` in {0, 1}.

    ``y == 1`` marks the positive class, the rare outcome that augmentation tops up.
    """

    name: str
    X: pd.DataFrame
    y: np.ndarray
    positive: str
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.X) != len(self.y):
            raise ValueError(f"dataset '{self.name}': X has {len(self.X)} rows but y has {len(self.y)}")
        counts = np.bincount(np.asarray(self.y, dtype=np.int64), minlength=2)
        if len(counts) != 2 or counts.min() < 2:
            raise UsageError(f"dataset '{self.name}' needs at least 2 rows of each class, "
                             f"found {counts.tolist()} (negative, positive); check --target/--positive.")

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the table's contents (columns, dtypes, values, labels) and positive label.

        Identity is content: two tables with one name but other rows or columns (another
        ``--drop``, an edited file) never share a cache entry or an experiment.
        """
        import pandas.util

        digest = hashlib.sha256()
        digest.update(repr([(str(c), str(t)) for c, t in self.X.dtypes.items()]).encode())
        digest.update(pandas.util.hash_pandas_object(self.X, index=False).to_numpy().tobytes())
        digest.update(np.asarray(self.y, dtype=np.int8).tobytes())
        digest.update(self.positive.encode())
        return digest.hexdigest()[:16]

    @property
    def categorical_columns(self) -> list[str]:
        """Columns of ``category`` dtype."""
        return [c for c in self.X.columns if isinstance(self.X[c].dtype, pd.CategoricalDtype)]

    def describe(self) -> str:
        """One line: name, shape, positives."""
        n_pos = int(np.sum(self.y))
        return (f"{self.name}: {len(self.X)} rows x {self.X.shape[1]} features, "
                f"{n_pos} positive ({self.positive}, {n_pos / len(self.y):.1%})")


def _split_names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def prepare_table(
    frame: pd.DataFrame, *, target: str, name: str, positive: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None, categorical: str | Sequence[str] | None = None,
    source: str = "",
) -> Dataset:
    """Turn a raw table into a Dataset: binary target, dropped columns, categorical dtypes."""
    where = f"in {source or name}"
    if target not in frame.columns:
        raise UsageError(f"target column '{target}' not found {where}. "
                         f"Columns: {', '.join(map(str, frame.columns))}.")
    for col in _split_names(drop) + _split_names(categorical):
        if col not in frame.columns:
            raise UsageError(f"column '{col}' (from --drop/--categorical) not found {where}. "
                             f"Columns: {', '.join(map(str, frame.columns))}.")
    missing_target = frame[target].isna()
    if missing_target.any():
        frame = frame.loc[~missing_target]
    labels = frame[target].astype(str).str.strip()
    if positive is None:
        counts = labels.value_counts()
        if len(counts) < 2:
            raise UsageError(f"target '{target}' {where} has a single value; nothing to classify.")
        # The rarest value is the positive class, the one augmentation is for.
        positive_labels = [counts.index[-1]]
    else:
        positive_labels = _split_names(positive)
        # A listed code may be absent from one table (e.g. a severity grade); none present is an error.
        if not set(positive_labels) & set(labels):
            raise UsageError(f"--positive value(s) {', '.join(positive_labels)} never occur in target "
                             f"'{target}' {where}. Values: {', '.join(sorted(set(labels))[:20])}.")
    y = labels.isin(positive_labels).to_numpy(dtype=np.int8)
    X = frame.drop(columns=[target, *_split_names(drop)]).reset_index(drop=True)
    as_categories = set(_split_names(categorical))
    for col in X.columns:
        kind = X[col].dtype.kind
        if col in as_categories or kind in "OSUb" or isinstance(X[col].dtype, pd.StringDtype):
            X[col] = X[col].astype("string").str.strip().astype("category")
        elif kind not in "iuf" and not isinstance(X[col].dtype, pd.CategoricalDtype):
            raise UsageError(f"column '{col}' {where} has dtype {X[col].dtype}, which augbench "
                             "cannot use; drop it with --drop or convert it.")
    if X.shape[1] == 0:
        raise UsageError(f"no feature column is left {where} after dropping the target and --drop.")
    return Dataset(name=name, X=X, y=y, positive=",".join(positive_labels), source=source)


def read_table(
    path: str | Path, *, target: str | None, positive: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None, categorical: str | Sequence[str] | None = None,
    na_values: Sequence[str] = DEFAULT_NA_VALUES, name: str | None = None,
) -> Dataset:
    """Read a CSV file into a Dataset; ``na_values`` are the cell texts read as missing."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"data file '{path}' does not exist; give the path of a CSV file.")
    if not target:
        raise UsageError(f"no target column given for '{path}'; add --target COLUMN.")
    try:
        frame = pd.read_csv(path, na_values=list(na_values), keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"cannot read '{path}' as CSV: {exc}") from None
    return prepare_table(frame, target=target, name=name or path.stem, positive=positive,
                         drop=drop, categorical=categorical, source=str(path))


def breast_cancer() -> Dataset:
    """scikit-learn's Wisconsin breast-cancer table; positive = malignant (212 of 569, the minority)."""
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer(as_frame=True)
    # scikit-learn codes malignant as 0; augbench's positive class is malignant.
    frame = raw.frame.assign(diagnosis=np.where(raw.target == 0, "malignant", "benign"))
    return prepare_table(frame.drop(columns="target"), target="diagnosis", name="breast-cancer",
                         positive="malignant", source="sklearn.datasets.load_breast_cancer")
