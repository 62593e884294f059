"""The Python API: build augmenters, classifiers and datasets by name."""

from __future__ import annotations

from typing import Any

from augbench.experiment.datasets import load_dataset as load_dataset
from augbench.registry import Registry, default_registry


def get_augmenter(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new augmenter of a registered name, an imbalanced-learn sampler.

    Args:
        name: Its name, as `augbench plugins` lists it (`"smote"`, `"ctgan"`, ...).
        registry: Where the name is found (default: the installed plugins).
        **params: Its constructor's parameters (`random_state=0`, `k_neighbors=3`, ...).

    Returns:
        The augmenter: `fit_resample(X, y)` returns the rows with synthetic minority rows added.

    Raises:
        UsageError: An unknown name, or parameters it does not take.

    Examples:
        >>> import augbench
        >>> dataset = augbench.load_dataset("breast-cancer")
        >>> smote = augbench.get_augmenter("smote", random_state=0)
        >>> X_res, y_res = smote.fit_resample(dataset.X, dataset.y)
        >>> len(dataset.y), len(y_res), int(y_res.sum())
        (569, 714, 357)
    """
    return (registry or default_registry()).create("augmenters", name, **params)


def get_classifier(name: str, *, registry: Registry | None = None, **params: Any) -> Any:
    """A new scikit-learn classifier of a registered name.

    Args:
        name: Its name, as `augbench plugins` lists it (`"lr"`, `"rf"`, ...).
        registry: Where the name is found (default: the installed plugins).
        **params: Its constructor's parameters (`n_estimators=300`, ...).

    Returns:
        The classifier, with `fit` and `predict_proba`.

    Raises:
        UsageError: An unknown name, or parameters it does not take.

    Examples:
        >>> import augbench
        >>> type(augbench.get_classifier("lr")).__name__
        'LogisticRegression'
    """
    return (registry or default_registry()).create("classifiers", name, **params)
