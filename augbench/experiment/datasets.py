"""Datasets by name or path: a registered dataset plugin, or a CSV file; suites of them by name."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Sequence

from augbench.defaults import DEFAULT_NA_VALUES
from augbench.errors import UsageError
from augbench.experiment.data import Dataset, read_table, with_columns
from augbench.plugin.suite import SUITE_PREFIX
from augbench.registry import Registry, default_registry


def load_dataset(
    name_or_path: str | Path, *, target: str | None = None,
    positive: str | Sequence[str] | None = None, drop: str | Sequence[str] | None = None,
    categorical: str | Sequence[str] | None = None,
    na_values: Sequence[str] = DEFAULT_NA_VALUES, registry: Registry | None = None,
    **options: Any,
) -> Dataset:
    """A registered dataset by name (``options`` go to it, e.g. ``path=``), or a CSV file by
    path (``target`` is then required)."""
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
    """A named dataset: ``options`` go to its factory; --drop and --categorical apply to any
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


def expand_suites(sources: Sequence[str], registry: Registry | None = None) -> list[str]:
    """``sources`` (``--data`` names and paths) with each ``suite:NAME`` replaced by the
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
