"""Datasets: a feature table, a binary target, and where they came from."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shlex
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from augbench.defaults import DEFAULT_NA_VALUES
from augbench.errors import UsageError
from augbench.experiment.numbers import DECIMAL_COMMA, plain_dtype, read_numbers


@dataclass(frozen=True, eq=False)
class Dataset:
    """A binary classification table: `X` (categoricals as `category` dtype), `y` in {0, 1}.

    `y == 1` marks the positive class, the rare outcome that augmentation tops up.
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
    # What a published table's source states of its use, and how to cite it (shown in
    # reports beside the table; empty for a user's own file).
    licence: str = ""
    citation: str = ""

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
        `--drop`, an edited file) never share a cache entry or an experiment.
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
        """Columns of `category` dtype."""
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


# Below this many rows, a column with a different value in every row is not called an identifier.
MIN_ROWS_FOR_IDENTIFIER = 20
# What pandas names a column whose header cell is empty.
UNNAMED = re.compile(r"Unnamed: \d+(_level_\d+)?")


def _identifier_like(column: pd.Series) -> bool:
    """A different whole number or text in every row: a record number, not a feature."""
    kind = column.dtype.kind
    values = column.dropna()
    if len(values) < MIN_ROWS_FOR_IDENTIFIER or values.nunique() != len(column):
        return False
    return kind in "iuOSU" or isinstance(column.dtype, pd.StringDtype) or (
        kind == "f" and bool((values == values.round()).all()))


def prepare_table(
    frame: pd.DataFrame, *, target: Any, name: str, positive: str | Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None, categorical: str | Sequence[str] | None = None,
    source: str = "", comma: str | None = None, na_values: Sequence[str] | None = None,
) -> Dataset:
    """Turn a raw table into a Dataset: binary target, dropped columns, categorical dtypes.

    Column names are text (a column named 0 is '0'; the levels of a MultiIndex are joined with
    '_'); columns without a name and without a value are left out. Text columns of numbers are
    read as numbers, with notes (`Dataset.notes`).

    Args:
        frame: The table, the outcome in one of its columns.
        target: The outcome column.
        name: The dataset's name in results.
        positive: The outcome values that count as positive (default: the rarest value).
        drop: Columns to leave out, such as identifiers: a list, or a comma text.
        categorical: Numeric columns to treat as categories (text columns always are).
        source: Where the table came from, for messages and the run's record.
        comma: What a comma means where a cell such as "1,234" could be either: `"decimal"`
            (a semicolon-separated export's) or `"thousands"`.
        na_values: Cell texts read as missing.

    Returns:
        The `Dataset`.

    Raises:
        UsageError: A column not found, or a target that is not two classes.

    Examples:
        >>> import pandas as pd
        >>> import augbench
        >>> frame = pd.DataFrame({"age": [50, 61, 47, 70, 58, 66],
        ...                       "sex": list("FMFMMF"),
        ...                       "stroke": ["no", "yes", "no", "no", "yes", "no"]})
        >>> dataset = augbench.prepare_table(frame, target="stroke", name="cohort")
        >>> dataset.positive, dataset.y.tolist(), str(dataset.X["sex"].dtype)
        ('yes', [0, 1, 0, 0, 1, 0], 'category')
    """
    where = f"in {source or name}"
    notes: list[str] = []
    frame = _named_columns(frame, where, notes)
    target = _column_name(target)
    if na_values:
        texts = [c for c in frame.columns if frame[c].dtype.kind == "O"]
        frame = frame.assign(**{c: frame[c].where(~frame[c].isin(list(na_values))) for c in texts})
    named = {target, *split_names(drop), *split_names(categorical)}
    empty = [c for c in frame.columns if UNNAMED.fullmatch(c) and c not in named
             and frame[c].isna().all()]
    if empty:
        frame = frame.drop(columns=empty)
        notes.append(f"note: {len(empty)} column{'s' if len(empty) > 1 else ''} {where} "
                     f"without a name and without a value ({', '.join(empty)}: the separator "
                     "ends every line) left out.")
    if target not in frame.columns:
        raise UsageError(f"target column '{target}' not found {where}. "
                         f"Columns: {', '.join(map(str, frame.columns))}.")
    for col in split_names(drop) + split_names(categorical):
        if col not in frame.columns:
            raise UsageError(f"column '{col}' (from --drop/--categorical) not found {where}. "
                             f"Columns: {', '.join(map(str, frame.columns))}.")
    missing_target = frame[target].isna()
    if missing_target.any():
        frame = frame.loc[~missing_target]
        notes.append(f"note: {int(missing_target.sum())} of the {len(missing_target)} rows {where} "
                     f"have no value in the target '{target}' and are left out.")
    y, positive_labels, chosen = _target(frame[target], name, where, positive, notes)
    X = frame.drop(columns=[target, *split_names(drop)]).reset_index(drop=True)
    X = _features(X, set(split_names(categorical)), where, comma, notes, na_values or ())
    return Dataset(name=name, X=X, y=y, positive=",".join(positive_labels), source=source,
                   notes=tuple(notes), positive_chosen=chosen)


def _column_name(name: Any) -> str:
    """A column's name as text: 0 is '0', and ("bp", "sys") of a MultiIndex is 'bp_sys'."""
    if isinstance(name, tuple):
        return "_".join(str(level) for level in name
                        if str(level) != "" and not UNNAMED.fullmatch(str(level)))
    return str(name)


def _named_columns(frame: pd.DataFrame, where: str, notes: list[str]) -> pd.DataFrame:
    """The frame with text column names (see :func:`_column_name`), a note where a MultiIndex
    was joined; names that coincide once written as text are refused."""
    names = [_column_name(c) for c in frame.columns]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(f"several columns {where} are named {', '.join(map(repr, twice))} "
                         "(as text); give each column its own name.")
    if isinstance(frame.columns, pd.MultiIndex):
        notes.append(f"note: the columns {where} have {frame.columns.nlevels} levels of names, "
                     f"joined with '_' (such as '{names[0]}').")
    if names == list(frame.columns):
        return frame
    return frame.set_axis(names, axis=1)


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
            # Cells read as missing leave the target too: a --na-values token such as 0 can
            # empty one of its two classes.
            raise UsageError(f"target '{target}' {where} has a single value"
                             f"{f' ({counts.index[0]!r})' if len(counts) else ''} in the rows "
                             "with one; nothing to classify. Check --positive, and that no "
                             "--na-values token is one of its values (missing cells apply to "
                             "every column, the target included).")
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
        positive_labels = [_as_label(p, labels) for p in split_names(positive)]
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


def _as_label(given: str, labels: pd.Series) -> str:
    """A --positive value as the target's label it names: itself, or the label with its number
    (3.0 names the label 3 of a target read as numbers)."""
    if given in set(labels):
        return given
    try:
        number = float(given)
    except ValueError:
        return given
    same = [label for label in labels.unique() if _number(label) == number]
    return same[0] if len(same) == 1 else given


def _number(text: str) -> float | None:
    """The number a label writes, or None."""
    try:
        return float(text)
    except ValueError:
        return None


def _features(X: pd.DataFrame, as_categories: set[str], where: str, comma: str | None,
              notes: list[str], na_values: Sequence[str] = ()) -> pd.DataFrame:
    """The feature columns as augbench reads them: numbers (from text where a column holds
    numbers as exported), missing cells for infinities, categories for text, each decision that
    a reader must hear of in a note."""
    for col in X.columns:
        kind = X[col].dtype.kind
        if col not in as_categories and kind == "O":
            reading = read_numbers(X[col], col, where, comma, na_values)
            notes.extend(reading.notes)
            if reading.values is not None:
                X[col] = reading.values
                kind = X[col].dtype.kind
        # Checked on the numbers a column holds: 1.5, 2.5, ... written '(1.5)' are no identifier.
        if _identifier_like(X[col]) and col not in as_categories:
            notes.append(f"warning: column '{col}' {where} has a different value in every row, like an "
                         f"identifier: it can let a classifier recognise rows rather than learn; "
                         f"leave it out with --drop {shlex.quote(col)}.")
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
    """`dataset` without the `drop` columns and with `categorical` ones as categories."""
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
    """The file's text and encoding: UTF-16 or UTF-32 where a byte-order mark says so (Excel's
    "Unicode text") or every other byte is zero, UTF-8 (with or without a byte-order mark),
    else Latin-1, which decodes any byte (exports from older hospital systems often use it)."""
    import codecs

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror or exc}.") from None
    encoding = next((name for name, bom in (("utf-32", codecs.BOM_UTF32_LE),
                                            ("utf-32", codecs.BOM_UTF32_BE),
                                            ("utf-16", codecs.BOM_UTF16_LE),
                                            ("utf-16", codecs.BOM_UTF16_BE))
                     if raw.startswith(bom)), None)
    sample = raw[:4096]
    if encoding is None and sample.count(0) > len(sample) // 4:
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[::2].count(0) else "utf-16-be"
    if encoding:
        try:
            return raw.decode(encoding), encoding.removesuffix("-le").removesuffix("-be")
        except UnicodeDecodeError as exc:
            raise UsageError(f"cannot read '{path}' as {encoding}: {exc.reason} at byte "
                             f"{exc.start}; save it as CSV (UTF-8).") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


# Excel's first line naming the separator ("sep=;"), which it writes and reads itself.
SEP_LINE = re.compile(r'"?sep=(.)"?')


def _preamble(text: str) -> tuple[str, str | None, int]:
    """The text without the lines before its header: Excel's `sep=` line (whose separator is
    returned) and comment lines starting with '#' (counted), as REDCap and other tools write
    them. A '#' line with as many fields as the line after it is the header ('#,age,y')."""
    import csv

    first, _, rest = text.partition("\n")
    sep = None
    if (found := SEP_LINE.fullmatch(first.strip())) and found[1] in SEPARATORS:
        sep, text = found[1], rest
    lines = text.split("\n")
    comments = 0
    while comments < len(lines) - 1 and lines[comments].lstrip().startswith("#"):
        comments += 1
    if comments:
        delimiter = sep or _separator("\n".join(lines[comments:comments + 50]))
        fields = [len(next(csv.reader([line], delimiter=delimiter), []))
                  for line in lines[comments - 1:comments + 1]]
        if fields[0] == fields[1] > 1:  # the last '#' line is the header
            comments -= 1
    return "\n".join(lines[comments:]), sep, comments


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
    """Read a delimited text file into a Dataset, as `augbench run --data PATH` reads it.

    The separator (comma, semicolon, tab or bar) and the encoding (UTF-8, UTF-16 or Latin-1)
    are found from the file; Excel's `sep=` line and '#' comment lines are skipped.

    Args:
        path: The file.
        target: The outcome column (required).
        positive: The outcome values that count as positive (default: the rarest value).
        drop: Columns to leave out, such as identifiers: a list, or a comma text.
        categorical: Numeric columns to treat as categories (text columns always are).
        na_values: Cell texts read as missing.
        name: The dataset's name in results (default: the file's name without its suffix).

    Returns:
        The `Dataset`.

    Raises:
        UsageError: No such file, no target, or a table that cannot be read.

    Examples:
        >>> import pathlib, tempfile
        >>> import augbench
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "cohort.csv"
        >>> _ = path.write_text("age;bmi;stroke\\n50;27,5;no\\n61;31,0;yes\\n"
        ...                     "47;22,1;no\\n58;29,4;yes\\n")
        >>> dataset = augbench.read_table(path, target="stroke")
        >>> dataset.name, dataset.X["bmi"].tolist(), dataset.y.tolist()
        ('cohort', [27.5, 31.0, 22.1, 29.4], [0, 1, 0, 1])
    """
    import io

    path = Path(path)
    if path.is_dir():
        raise UsageError(f"data path '{path}' is a folder; give the path of a CSV file in it.")
    if not path.is_file():
        raise UsageError(f"data file '{path}' does not exist; give the path of a CSV file.")
    if not target:
        raise UsageError(f"no target column given for '{path}'; add --target COLUMN.")
    text, encoding = _decode(path)
    text, sep, comments = _preamble(text)
    sep = sep or _separator(text)
    trailing = _trailing_cells(text, sep)
    try:
        with warnings.catch_warnings():
            # index_col=False: the empty cells past the header's columns are no row names;
            # pandas warns that it leaves them out, which the note below says.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=sep, na_values=list(na_values),
                                keep_default_na=False, skipinitialspace=True,
                                **({"index_col": False} if trailing else {}))
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
                            comma="thousands" if sep == "," else "decimal", na_values=na_values)
    if comments:
        read.insert(0, f"note: '{path}' starts with {comments} comment "
                       f"line{'s' if comments > 1 else ''} ('#'), skipped.")
    if trailing:
        read.append(f"note: {trailing} line{'s' if trailing > 1 else ''} of '{path}' end with "
                    "empty cells past the header's columns (a separator at the end of the "
                    "line), left out.")
    if encoding != "utf-8":
        read.append(f"note: '{path}' is not UTF-8; read as {encoding}.")
    if sep != ",":
        read.append(f"note: '{path}' is separated by {'a tab' if sep == chr(9) else repr(sep)}.")
    return dataclasses.replace(dataset, notes=(*read, *dataset.notes))


def _trailing_cells(text: str, sep: str) -> int:
    """How many lines hold more cells than the header, all of them empty past its columns (a
    separator ending every line); 0 where any such cell holds a value (a file with row names
    and no header cell above them, which pandas reads so)."""
    import csv
    import io

    rows = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(rows, []))
    longer = [row[width:] for row in rows if len(row) > width]
    if not longer or any(cell.strip() for extra in longer for cell in extra):
        return 0
    return len(longer)


# Thousands grouped by dots: 3.651, 12.345.678; not 0.912, which a lone 0 makes a decimal.
DOT_THOUSANDS = re.compile(r"[+-]?(0|[1-9]\d{0,2}(\.\d{3})*)")


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
            frame[col] = plain_dtype(pd.to_numeric(raw[col].str.replace(".", "", regex=False)))
            example = cells[dotted].iloc[0]
            notes.append(f"note: column '{col}' in {path} writes thousands with dots (such as "
                         f"'{example}' = {example.replace('.', '')}) in a file with decimal "
                         "commas, read so.")
    return frame, notes
