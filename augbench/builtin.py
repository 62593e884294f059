"""augbench's own plugin: the ``none`` baseline and the embedded default dataset.

Registered through the same hooks as every other plugin; kept free of heavy imports so that
listing plugins stays fast.
"""

from __future__ import annotations

from typing import Any

from augbench.defaults import DEFAULT_DATASET
from augbench.hookspecs import hookimpl


def _no_augmentation(**params: Any) -> Any:
    from augbench.baseline import NoAugmentation

    return NoAugmentation(**params)


def _breast_cancer() -> Any:
    """Wisconsin breast cancer (scikit-learn, embedded): 569 rows, 30 numeric, 212 malignant."""
    from augbench.data import breast_cancer

    return breast_cancer()


@hookimpl
def augbench_augmenters() -> dict:
    return {"none": _no_augmentation}


@hookimpl
def augbench_datasets() -> dict:
    return {DEFAULT_DATASET: _breast_cancer}
