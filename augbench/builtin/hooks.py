"""augbench's own plugin: the ``none`` baseline, the embedded default dataset and the
classification metrics.

Registered through the same hooks as every other plugin; kept free of heavy imports so that
listing plugins stays fast.
"""

from __future__ import annotations

from typing import Any

from augbench.defaults import DEFAULT_DATASET
from augbench.plugin.hookspecs import hookimpl


def _no_augmentation(**params: Any) -> Any:
    """The baseline: the training rows as they are."""
    from augbench.builtin.baseline import NoAugmentation

    return NoAugmentation(**params)


def _permuted_labels(**params: Any) -> Any:
    """A control: the classifier fitted on shuffled training labels, what chance gives."""
    from augbench.builtin.baseline import PermutedLabels

    return PermutedLabels(**params)


def _real_rows(**params: Any) -> Any:
    """A control: real patients the training draw left out, added instead of synthetic ones."""
    from augbench.builtin.baseline import RealRows

    return RealRows(**params)


def _breast_cancer() -> Any:
    """Wisconsin breast cancer (scikit-learn, embedded): 569 rows, 30 numeric, 212 malignant."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    import augbench

    raw = load_breast_cancer(as_frame=True)
    # scikit-learn codes malignant as 0; augbench's positive class is malignant.
    frame = raw.frame.assign(diagnosis=np.where(raw.target == 0, "malignant", "benign"))
    return augbench.prepare_table(frame.drop(columns="target"), target="diagnosis",
                                  name=DEFAULT_DATASET, positive="malignant",
                                  source="sklearn.datasets.load_breast_cancer")


@hookimpl
def augbench_augmenters() -> dict:
    # What they do (add no rows; relabel) is stated on their classes.
    return {"none": _no_augmentation, "permuted-labels": _permuted_labels,
            "real-rows": _real_rows}


@hookimpl
def augbench_datasets() -> dict:
    return {DEFAULT_DATASET: _breast_cancer}


@hookimpl
def augbench_metrics() -> dict:
    from augbench.builtin.classification import CLASSIFICATION_METRICS

    return dict(CLASSIFICATION_METRICS)
