"""The data of an experiment: datasets by name or path (a registered dataset plugin, or a CSV
file), suites of them by name, and what `data=` may hold in Python (names, paths, DataFrames,
`(X, y)` pairs, Datasets), each turned into a `DataSpec` that says how to load it."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from augbench.defaults import DEFAULT_DATASET, DEFAULT_NA_VALUES
from augbench.errors import UsageError
from augbench.experiment.data import (
    Dataset,
    prepare_table,
    read_table,
    split_names,
    with_columns,
)
from augbench.plugin.suite import SUITE_PREFIX
from augbench.registry import Registry, default_registry


def load_dataset(
    name_or_path: str | Path, *, target: str | None = None,
    positive: str | Sequence[str] | None = None, drop: str | Sequence[str] | None = None,
    categorical: str | Sequence[str] | None = None,
    na_values: Sequence[str] = DEFAULT_NA_VALUES, registry: Registry | None = None,
    **options: Any,
) -> Dataset:
    """A registered dataset by name, or a CSV file by path, read as `augbench run` reads it.

    Args:
        name_or_path: A dataset's name (see `augbench datasets`) or the path of a CSV file.
        target: The outcome column of a CSV file (required for one).
        positive: The outcome values that count as positive (default: the rarest value).
        drop: Columns to leave out, such as identifiers: a list, or a comma text.
        categorical: Numeric columns to treat as categories (text columns always are).
        na_values: Cell texts read as missing.
        registry: Where the name is found (default: the installed plugins).
        **options: Parameters of a named dataset's plugin (`path=`, ...).

    Returns:
        The `Dataset`: its features `X`, labels `y` (1 for positive) and name.

    Raises:
        UsageError: An unknown name, a file that cannot be read, or a column not found.

    Examples:
        >>> import augbench
        >>> dataset = augbench.load_dataset("breast-cancer")
        >>> dataset.name, dataset.X.shape, int(dataset.y.sum())
        ('breast-cancer', (569, 30), 212)
    """
    registry = registry or default_registry()
    key = str(name_or_path)
    if key in registry.entries["datasets"]:
        return _named(registry, key, dict(target=target, positive=positive, na_values=na_values),
                      drop, categorical, options)
    if options:
        raise UsageError(f"options {sorted(options)} are for named datasets; '{key}' is a file.")
    if Path(key).suffix.lower() in (".csv", ".txt", ".tsv") or Path(key).exists():
        return read_table(key, target=target, positive=positive, drop=drop,
                          categorical=categorical, na_values=na_values)
    available = ", ".join(registry.names("datasets"))
    raise UsageError(f"unknown dataset '{key}'. Available: {available}; or give the path of a "
                     "CSV file with --data PATH --target COLUMN.")


def _named(registry: Registry, key: str, labels: dict[str, Any], drop: Any, categorical: Any,
           options: dict[str, Any]) -> Dataset:
    """A named dataset: `options` go to its factory; --drop and --categorical apply to any
    table; --target, --positive and --na-values only to one whose factory takes them."""
    if labels["na_values"] == DEFAULT_NA_VALUES:
        del labels["na_values"]
    given = {k: v for k, v in labels.items() if v}
    accepted = inspect.signature(registry.get("datasets", key).provided).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    refused = sorted(k for k in given if not takes_any and k not in accepted)
    if refused:
        flags = ", ".join("--" + k.replace("_", "-") for k in refused)
        raise UsageError(f"dataset '{key}' has its own target and labels, so {flags} cannot "
                         "apply to it; leave them out, or give them with a CSV file's --data.")
    dataset = registry.create("datasets", key, **given, **options)
    if not isinstance(dataset, Dataset):
        raise UsageError(f"dataset plugin '{key}' returned {type(dataset).__name__}, "
                         "not an augbench.Dataset; fix the plugin.")
    return with_columns(dataset, drop, categorical)


def suites_of(sources: Sequence[str], registry: Registry | None = None) -> dict[str, str]:
    """For each table a `suite:NAME` of `sources` holds, that suite's name and version
    ("rare-disease 1"); the first suite naming a table wins."""
    found: dict[str, str] = {}
    for source in map(str, sources):
        if source.startswith(SUITE_PREFIX):
            name = source[len(SUITE_PREFIX):]
            suite = (registry or default_registry()).get("suites", name).provided
            for dataset in suite.datasets:
                found.setdefault(dataset, f"{name} {suite.version}")
    return found


def expand_suites(sources: Sequence[str], registry: Registry | None = None) -> list[str]:
    """`sources` (`--data` names and paths) with each `suite:NAME` replaced by the
    datasets its suite holds, in its order; a table given twice runs once."""
    expanded: list[str] = []
    for source in map(str, sources):
        if not source.startswith(SUITE_PREFIX):
            expanded.append(source)
            continue
        registry = registry or default_registry()
        name = source[len(SUITE_PREFIX):]
        entry = registry.get("suites", name)
        unknown = [d for d in entry.provided.datasets if d not in registry.entries["datasets"]]
        if unknown:
            raise UsageError(f"suite '{name}' of plugin '{entry.plugin}' holds "
                             f"{', '.join(map(repr, unknown))}, which no installed plugin "
                             "provides as a dataset; install the plugin that does, or fix the "
                             "suite.")
        expanded.extend(entry.provided.datasets)
    return list(dict.fromkeys(expanded))


@dataclass(frozen=True)
class DataSpec:
    """Where a dataset comes from: a registered name or a CSV path, and how to read it; or a
    table already in memory (`table`: a DataFrame read as a Dataset, in a notebook), whose
    `source` is then its name. A table in memory is known to a results folder by the
    fingerprint of its contents, like a file."""

    source: str = DEFAULT_DATASET
    target: str | None = None
    positive: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    na_values: tuple[str, ...] = DEFAULT_NA_VALUES
    # Parameters of a named dataset (``--set heart-attack-risk.path=FILE``).
    options: Mapping[str, Any] = field(default_factory=dict)
    table: Dataset | None = field(default=None, compare=False, repr=False)
    # The suite (name and version) the table was named through, which the run records beside
    # it; not part of the experiment: a table is known by its contents.
    suite: str = field(default="", compare=False)

    def load(self, registry: Registry) -> Dataset:
        if self.table is not None:
            return self.table
        return load_dataset(self.source, target=self.target, positive=self.positive,
                            drop=self.drop, categorical=self.categorical,
                            na_values=self.na_values, registry=registry, **self.options)


def data_specs(sources: Sequence[str | Any], *, target: str | None = None,
               positive: Sequence[str] | str | None = None, drop: Sequence[str] | str = (),
               categorical: Sequence[str] | str = (),
               na_values: Sequence[str] = DEFAULT_NA_VALUES,
               options: Mapping[str, Mapping[str, Any]] | None = None,
               registry: Registry | None = None) -> tuple[DataSpec, ...]:
    """DataSpecs of `--data` names or paths read as the command line reads them: --drop and
    --categorical apply to every table, --target, --positive and --na-values to the CSV files
    (given with named datasets only, they reach them, which refuse them), and `options[name]`
    to the named dataset `name`."""
    named = set((registry or default_registry()).entries["datasets"])
    sources = [str(s) for s in sources]
    labels_for_named = all(src in named for src in sources)
    return tuple(DataSpec(source=src, drop=tuple(split_names(drop)),
                          categorical=tuple(split_names(categorical)),
                          options=dict((options or {}).get(src, {})),
                          **({} if src in named and not labels_for_named else
                             dict(target=target, na_values=tuple(na_values),
                                  positive=None if positive is None
                                  else tuple(split_names(positive)))))
                 for src in sources)


def data_specs_of(data: Any, labels: dict[str, Any], params: dict[str, dict[str, Any]],
                  registry: Any = None) -> tuple:
    """DataSpecs of what `data=` holds: dataset names and CSV paths (read as `--data`
    reads them), DataFrames (with `target`), `(X, y)` pairs, Datasets, DataSpecs, a list of
    these, or a dict naming each; `labels` (target, positive, drop, categorical, na_values)
    apply to all but DataSpecs, which carry their own. Plugin parameters named after a dataset
    (`params={"stroke": {"path": ...}}`) go to it, out of `params`."""
    named: dict[str, Any] | None = None
    if isinstance(data, Mapping):
        named, data = dict(data), list(data.values())
    if data is None:
        data = [DataSpec().source]
    elif isinstance(data, (str, Path, DataSpec, Dataset, pd.DataFrame)) or _is_pair(data):
        data = [data]
    elif not isinstance(data, (list, tuple)):
        raise UsageError(f"run(): data takes dataset names, CSV paths, DataFrames (with "
                         f"target=), (X, y) pairs, Datasets or DataSpecs, or a list or dict of "
                         f"them; got {type(data).__name__}.")
    names = list(named) if named else [None] * len(data)
    specs: list[Any] = []
    sources: list[str] = []
    suites = suites_of([item for item in data if isinstance(item, (str, Path))], registry)
    for item, name in zip(data, names):
        if isinstance(item, DataSpec):
            if labels:
                raise UsageError(f"run(): {', '.join(labels)} apply to data given as names, "
                                 "paths or tables; a DataSpec carries its own.")
            specs.append(item)
        elif isinstance(item, (str, Path)):
            if name is not None:
                raise UsageError(f"run(): data={{{name!r}: {str(item)!r}}}: a dict names tables "
                                 "held in memory; give dataset names and paths in a list "
                                 "(a file is named after itself).")
            for source in expand_suites([str(item)], registry):
                if source not in sources:  # a table named beside a suite holding it runs once
                    sources.append(source)
                    specs.append(source)
        else:
            specs.append(_table_spec(item, name or _free_name(specs), labels, bool(name)))
    if sources:
        read = iter(data_specs(sources, options={s: params.pop(s) for s in sources
                                                 if s in params}, registry=registry, **labels))
        specs = [next(read) if isinstance(s, str) else s for s in specs]
        specs = [dataclasses.replace(s, suite=suites[s.source]) if s.source in suites else s
                 for s in specs]
    return tuple(specs)


def _is_pair(data: Any) -> bool:
    """`(X, y)`: a table and its labels."""
    return (isinstance(data, tuple) and len(data) == 2
            and isinstance(data[0], (pd.DataFrame, np.ndarray))
            and not isinstance(data[1], (str, Path)))


def _free_name(specs: list[Any]) -> str:
    taken = {getattr(s, "source", s) for s in specs}
    return next(n for n in ("dataframe", *(f"dataframe-{i}" for i in range(2, 1000)))
                if n not in taken)


def _table_spec(item: Any, name: str, labels: dict[str, Any], named: bool = False) -> Any:
    """A DataSpec holding a table given in memory: a Dataset as it is (with `drop` and
    `categorical` applied), a DataFrame read with `target` and the other labels, an
    `(X, y)` pair with `y` as the target, named `target` where given."""
    drop, categorical = labels.get("drop") or (), labels.get("categorical") or ()
    if isinstance(item, Dataset):
        table = dataclasses.replace(item, name=name) if named else item
        return DataSpec(source=table.name, drop=tuple(drop), categorical=tuple(categorical),
                        table=with_columns(table, drop, categorical))
    if _is_pair(item):
        X, y = item
        frame = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(
            np.asarray(X), columns=[f"x{i}" for i in range(np.shape(X)[1])])
        given = labels.get("target")
        if given is not None and given in map(str, frame.columns):
            raise UsageError(f"run(): data=(X, y) takes its labels from y, and target={given!r} "
                             "names a column of X: leave target= out, or give the whole "
                             "DataFrame as data= with target=.")
        target = getattr(y, "name", None) if getattr(y, "name", None) not in frame else None
        target = given or target or "target"
        if len(np.asarray(y)) != len(frame):
            raise UsageError(f"run(): data=(X, y) has {len(frame)} rows in X and "
                             f"{len(np.asarray(y))} labels in y; give one label per row.")
        item = frame.assign(**{str(target): np.asarray(y)})
        labels = {**labels, "target": str(target)}
    if not isinstance(item, pd.DataFrame):
        raise UsageError(f"run(): data takes dataset names, CSV paths, DataFrames (with "
                         f"target=), (X, y) pairs, Datasets or DataSpecs; got "
                         f"{type(item).__name__}.")
    target = labels.get("target")
    if not target:
        raise UsageError(f"run(): data holds a DataFrame; name its outcome column with "
                         f"target=, e.g. target={str(item.columns[-1])!r}.")
    table = prepare_table(item, target=target, name=name, positive=labels.get("positive"),
                          drop=drop, categorical=categorical, source="a DataFrame",
                          na_values=labels.get("na_values"))
    na_values = {"na_values": tuple(labels["na_values"])} if labels.get("na_values") else {}
    return DataSpec(source=name, target=target, positive=labels.get("positive"),
                    drop=tuple(drop), categorical=tuple(categorical), table=table, **na_values)
