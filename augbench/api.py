"""The Python API: build augmenters, classifiers and datasets by name."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Sequence

from augbench.defaults import DEFAULT_NA_VALUES
from augbench.errors import UsageError
from augbench.experiment.data import Dataset, read_table
from augbench.plugin.manager import Registry, default_registry


def get_augmenter(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new augmenter called ``name``, built with ``params`` (e.g. ``random_state=0``)."""
    return (registry or default_registry()).create("augmenters", name, **params)


def get_classifier(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new scikit-learn classifier called ``name``, built with ``params``."""
    return (registry or default_registry()).create("classifiers", name, **params)


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
        shared = {k: v for k, v in dict(target=target, positive=positive, drop=drop,
                                        categorical=categorical).items() if v}
        if na_values != DEFAULT_NA_VALUES:
            shared["na_values"] = na_values
        # CSV options given for the other --data of a run go to a named dataset only if it
        # takes them; a self-contained table such as breast-cancer takes none.
        accepted = inspect.signature(registry.get("datasets", key).factory).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            shared = {k: v for k, v in shared.items() if k in accepted}
        dataset = registry.create("datasets", key, **shared, **options)
        if not isinstance(dataset, Dataset):
            raise UsageError(f"dataset plugin '{key}' returned {type(dataset).__name__}, "
                             "not an augbench.Dataset; fix the plugin.")
        return dataset
    if options:
        raise UsageError(f"options {sorted(options)} are for named datasets; '{key}' is a file.")
    if Path(key).suffix.lower() in (".csv", ".txt") or Path(key).is_file():
        return read_table(key, target=target, positive=positive, drop=drop,
                          categorical=categorical, na_values=na_values)
    available = ", ".join(registry.names("datasets"))
    raise UsageError(f"unknown dataset '{key}'. Available: {available}; or give the path of a "
                     "CSV file with --data PATH --target COLUMN.")
