"""Datasets: a feature table, a binary target, and where they came from."""

from __future__ import annotations

import dataclasses
import hashlib
import re
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
    # What reading the table decided that a user must hear of (an inferred positive label, a
    # column like an identifier, cells read as missing), one line each, 'note:' or 'warning:'.
    notes: tuple[str, ...] = ()
    # How the positive label was chosen: "given" (--positive, or the dataset's own definition)
    # or "the rarer value" (inferred from a two-valued target).
    positive_chosen: str = "given"

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
        """One line: name, shape, positives, and how the positive label was chosen."""
        n_pos = int(np.sum(self.y))
        return (f"{self.name}: {len(self.X)} rows x {self.X.shape[1]} features, "
                f"{n_pos} positive ({self.positive}, {n_pos / len(self.y):.1%}; "
                f"{self.positive_chosen})")


def split_names(value: str | Sequence[str] | None) -> list[str]:
    """Names from "a,b" or a sequence; none from None."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


# A column whose text cells are mostly numbers is read as numeric when at most this share of
# its filled cells is text (such as "unknown"): those cells become missing, with a note.
MAX_TEXT_SHARE = 0.05
# Below this many rows, a column with a different value in every row is not called an identifier.
MIN_ROWS_FOR_IDENTIFIER = 20


# Numbers as spreadsheets export them: a decimal comma (0,1257), thousands separated by commas
# (1,234,567.5) or, with a decimal comma, by dots (1.234,5).
DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+")
THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


@dataclass(frozen=True)
class _Numbers:
    """A text column read as numbers: the values, the text cells read as missing, and the
    notation its numbers are written in (empty for plain ones)."""

    values: pd.Series
    text: list[str]
    notation: str = ""


def _comma_notation(cells: pd.Series, comma: str | None) -> str:
    """How the cells that hold a comma write numbers: "decimal commas", "thousands separators",
    or "" (they are no numbers). "1,234" fits both: ``comma`` ("decimal" in a file separated by
    semicolons, tabs or bars; "thousands" in one separated by commas) decides, and without it
    the thousands reading does, as in English-language exports."""
    decimal = bool(cells.str.fullmatch(DECIMAL_COMMA).all())
    thousands = bool(cells.str.fullmatch(THOUSANDS_COMMA).all())
    if decimal and (not thousands or comma == "decimal"):
        return "decimal commas"
    return "thousands separators" if thousands else ""


def _mostly_numeric(column: pd.Series, comma: str | None = None) -> _Numbers | None:
    """The column as numbers, when all but a few of its cells are numbers (plain, or in one of
    the notations spreadsheets export); else None."""
    filled = column.dropna().astype(str).str.strip()
    if not len(filled):
        return None
    cells = column.astype("string").str.strip()
    with_comma = filled[filled.str.contains(",", regex=False)]
    notation = _comma_notation(with_comma, comma) if len(with_comma) else ""
    if notation == "decimal commas":
        cells = cells.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif notation == "thousands separators":
        cells = cells.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(cells, errors="coerce")
    text = column[numbers.isna() & column.notna()]
    if len(text) > MAX_TEXT_SHARE * len(filled) or (text.empty and not notation):
        return None
    return _Numbers(_plain_dtype(numbers), sorted(set(map(str, text)))[:5], notation)


def _plain_dtype(numbers: pd.Series) -> pd.Series:
    """Numbers in the numpy dtype pandas gives a numeric column it reads itself: int64 when
    every cell is a whole number, float64 (missing as NaN) otherwise."""
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    whole = not np.isnan(values).any() and bool((values == np.round(values)).all())
    return pd.Series(values.astype(np.int64) if whole else values, index=numbers.index)


def _identifier_like(column: pd.Series) -> bool:
    """A different whole number or text in every row: a record number, not a feature."""
    kind = column.dtype.kind
    values = column.dropna()
    if len(values) < MIN_ROWS_FOR_IDENTIFIER or values.nunique() != len(column):
        return False
    return kind in "iuOSU" or isinstance(column.dtype, pd.StringDtype) or (
        kind == "f" and bool((values == values.round()).all()))


def prepare_table(
    frame: pd.DataFrame, *, target: str, name: str, positive: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None, categorical: str | Sequence[str] | None = None,
    source: str = "", comma: str | None = None,
) -> Dataset:
    """Turn a raw table into a Dataset: binary target, dropped columns, categorical dtypes.

    Text columns of numbers are read as numbers, with a note, when written with a decimal comma
    or thousands separators; ``comma`` ("decimal" or "thousands") says what a comma means where
    a cell such as "1,234" could be either (a semicolon-separated export uses decimal commas).
    """
    where = f"in {source or name}"
    if target not in frame.columns:
        raise UsageError(f"target column '{target}' not found {where}. "
                         f"Columns: {', '.join(map(str, frame.columns))}.")
    for col in split_names(drop) + split_names(categorical):
        if col not in frame.columns:
            raise UsageError(f"column '{col}' (from --drop/--categorical) not found {where}. "
                             f"Columns: {', '.join(map(str, frame.columns))}.")
    missing_target = frame[target].isna()
    notes: list[str] = []
    if missing_target.any():
        frame = frame.loc[~missing_target]
        notes.append(f"note: {int(missing_target.sum())} of the {len(missing_target)} rows {where} "
                     f"have no value in the target '{target}' and are left out.")
    y, positive_labels, chosen = _target(frame[target], name, where, positive, notes)
    X = frame.drop(columns=[target, *split_names(drop)]).reset_index(drop=True)
    X = _features(X, set(split_names(categorical)), where, comma, notes)
    return Dataset(name=name, X=X, y=y, positive=",".join(positive_labels), source=source,
                   notes=tuple(notes), positive_chosen=chosen)


def _target(column: pd.Series, name: str, where: str, positive: str | Sequence[str] | None,
            notes: list[str]) -> tuple[np.ndarray, list[str], str]:
    """The labels (1: positive), the target values that count as positive, and how they were
    chosen: given, or the rarer of two values (said in a note)."""
    target = column.name
    if column.dtype.kind == "f" and (column == column.round()).all():
        # A target with a missing cell is read as floats: 1.0 is the label 1.
        column = column.astype("int64")
    labels = column.astype(str).str.strip()
    chosen = "given" if positive is not None else "the rarer value"
    if positive is None:
        counts = labels.value_counts()
        if len(counts) < 2:
            raise UsageError(f"target '{target}' {where} has a single value; nothing to classify.")
        if len(counts) > 2:
            values = ", ".join(f"{v} ({n})" for v, n in counts.head(10).items())
            raise UsageError(f"target '{target}' {where} has {len(counts)} values ({values}); say "
                             "which count as positive with --positive, e.g. --positive "
                             f"{counts.index[-1]}.")
        # The rarer value is the positive class, the one augmentation is for.
        positive_labels = [counts.index[-1]]
        notes.append(f"note: positive class of '{name}': {target} = {counts.index[-1]} "
                     f"({counts.iloc[-1]} of {len(labels)} rows, the rarer value); choose it "
                     "with --positive.")
    else:
        positive_labels = split_names(positive)
        # A listed code may be absent from one table (e.g. a severity grade); none present is an error.
        if not set(positive_labels) & set(labels):
            raise UsageError(f"--positive value(s) {', '.join(positive_labels)} never occur in target "
                             f"'{target}' {where}. Values: {', '.join(sorted(set(labels))[:20])}.")
    y = labels.isin(positive_labels).to_numpy(dtype=np.int8)
    if y.mean() > 0.5:
        notes.append(f"warning: the positive class of '{name}' ({target} = "
                     f"{', '.join(positive_labels)}) is the majority ({y.mean():.1%} of rows): "
                     "augmenters top up the positive class only while it is the rarer one, so "
                     "they will add nothing; check --positive.")
    return y, positive_labels, chosen


def _features(X: pd.DataFrame, as_categories: set[str], where: str, comma: str | None,
              notes: list[str]) -> pd.DataFrame:
    """The feature columns as augbench reads them: numbers (from text where a column holds
    numbers as exported), missing cells for infinities, categories for text, each decision that
    a reader must hear of in a note."""
    for col in X.columns:
        if _identifier_like(X[col]) and col not in as_categories:
            notes.append(f"warning: column '{col}' {where} has a different value in every row, like an "
                         f"identifier: it can let a classifier recognise rows rather than learn; "
                         f"leave it out with --drop {col}.")
        kind = X[col].dtype.kind
        if col not in as_categories and kind == "O" and (found := _mostly_numeric(X[col], comma)):
            raw, X[col] = X[col], found.values
            if found.notation:
                first = raw.astype(str).str.contains(",", regex=False).idxmax()
                notes.append(f"note: column '{col}' {where} writes numbers with "
                             f"{found.notation} (such as '{str(raw[first]).strip()}' = "
                             f"{found.values[first]:g}), read as numbers.")
            if found.text:
                notes.append(f"warning: column '{col}' {where} is numeric but for cells such as "
                             f"{', '.join(map(repr, found.text))}, read as missing.")
            kind = X[col].dtype.kind
        if kind == "f" and np.isinf(X[col].to_numpy(dtype=float, na_value=np.nan)).any():
            count = int(np.isinf(X[col].to_numpy(dtype=float, na_value=np.nan)).sum())
            X[col] = X[col].replace([np.inf, -np.inf], np.nan)
            notes.append(f"warning: column '{col}' {where} has {count} infinite values, read as missing.")
        if col in as_categories or kind in "OSUb" or isinstance(X[col].dtype, pd.StringDtype):
            X[col] = X[col].astype("string").str.strip().astype("category")
        elif kind not in "iuf" and not isinstance(X[col].dtype, pd.CategoricalDtype):
            raise UsageError(f"column '{col}' {where} has dtype {X[col].dtype}, which augbench "
                             "cannot use; drop it with --drop or convert it.")
    if X.shape[1] == 0:
        raise UsageError(f"no feature column is left {where} after dropping the target and --drop.")
    return X


def with_columns(dataset: Dataset, drop: str | Sequence[str] | None = None,
                 categorical: str | Sequence[str] | None = None) -> Dataset:
    """``dataset`` without the ``drop`` columns and with ``categorical`` ones as categories."""
    drop, categorical = split_names(drop), split_names(categorical)
    if not drop and not categorical:
        return dataset
    for col in drop + categorical:
        if col not in dataset.X.columns:
            raise UsageError(f"column '{col}' (from --drop/--categorical) not found in dataset "
                             f"'{dataset.name}'. Columns: {', '.join(map(str, dataset.X.columns))}.")
    X = dataset.X.drop(columns=drop)
    if X.shape[1] == 0:
        raise UsageError(f"no feature column is left in dataset '{dataset.name}' after --drop.")
    for col in categorical:
        X[col] = X[col].astype("string").str.strip().astype("category")
    return dataclasses.replace(dataset, X=X)


SEPARATORS = ",;\t|"


def _decode(path: Path) -> tuple[str, str]:
    """The file's text and encoding: UTF-8 (with or without a byte-order mark), else Latin-1,
    which decodes any byte (exports from older hospital systems often use it)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror or exc}.") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    """The column separator of a delimited text: comma, semicolon, tab or bar."""
    import csv

    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def read_table(
    path: str | Path, *, target: str | None, positive: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None, categorical: str | Sequence[str] | None = None,
    na_values: Sequence[str] = DEFAULT_NA_VALUES, name: str | None = None,
) -> Dataset:
    """Read a delimited text file (comma, semicolon, tab or bar; UTF-8 or Latin-1) into a
    Dataset; ``na_values`` are the cell texts read as missing."""
    import io

    path = Path(path)
    if path.is_dir():
        raise UsageError(f"data path '{path}' is a folder; give the path of a CSV file in it.")
    if not path.is_file():
        raise UsageError(f"data file '{path}' does not exist; give the path of a CSV file.")
    if not target:
        raise UsageError(f"no target column given for '{path}'; add --target COLUMN.")
    text, encoding = _decode(path)
    sep = _separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, na_values=list(na_values),
                            keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"cannot read '{path}' as CSV: {' '.join(str(exc).split())}") from None
    if frame.empty:
        raise UsageError(f"'{path}' has a header but no data rows; give a file with patients in it.")
    read = []
    if sep != ",":
        frame, read = _dots_as_thousands(frame, text, sep, na_values, path)
    # A file separated by semicolons, tabs or bars comes from a locale that writes decimal commas.
    dataset = prepare_table(frame, target=target, name=name or path.stem, positive=positive,
                            drop=drop, categorical=categorical, source=str(path),
                            comma="thousands" if sep == "," else "decimal")
    if encoding != "utf-8":
        read.append(f"note: '{path}' is not UTF-8; read as {encoding}.")
    if sep != ",":
        read.append(f"note: '{path}' is separated by {'a tab' if sep == chr(9) else repr(sep)}.")
    return dataclasses.replace(dataset, notes=(*read, *dataset.notes))


DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})*")


def _dots_as_thousands(frame: pd.DataFrame, text: str, sep: str, na_values: Sequence[str],
                       path: Path) -> tuple[pd.DataFrame, list[str]]:
    """In a file whose numbers have decimal commas, a dot cannot be a decimal mark: a column
    that pandas read as decimals such as 3.651 holds thousands (3651). The columns read so are
    read again, with a note each."""
    import io

    texts = [c for c in frame.columns if frame[c].dtype.kind == "O"]
    if not any(frame[c].dropna().astype(str).str.strip().str.fullmatch(DECIMAL_COMMA).any()
               for c in texts):
        return frame, []
    raw = pd.read_csv(io.StringIO(text), sep=sep, na_values=list(na_values), dtype=str,
                      keep_default_na=False, skipinitialspace=True)
    notes = []
    for col in frame.columns:
        if frame[col].dtype.kind != "f":
            continue
        cells = raw[col].dropna().str.strip()
        dotted = cells.str.contains(".", regex=False)
        if dotted.any() and cells.str.fullmatch(DOT_THOUSANDS).all():
            frame[col] = _plain_dtype(pd.to_numeric(raw[col].str.replace(".", "", regex=False)))
            example = cells[dotted].iloc[0]
            notes.append(f"note: column '{col}' in {path} writes thousands with dots (such as "
                         f"'{example}' = {example.replace('.', '')}) in a file with decimal "
                         "commas, read so.")
    return frame, notes
