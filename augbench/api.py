"""The Python API: build augmenters, classifiers and datasets by name."""

from __future__ import annotations

from typing import Any

from augbench.experiment.datasets import load_dataset as load_dataset
from augbench.registry import Registry, default_registry


def get_augmenter(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new augmenter called ``name``, built with ``params`` (e.g. ``random_state=0``)."""
    return (registry or default_registry()).create("augmenters", name, **params)


def get_classifier(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new scikit-learn classifier called ``name``, built with ``params``."""
    return (registry or default_registry()).create("classifiers", name, **params)
