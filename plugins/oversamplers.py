"""imbalanced-learn over-samplers: ``smote`` (SMOTE, SMOTENC or SMOTEN by column types) and
``ros`` (random over-sampling, the simplest augmenter a reviewer asks for)."""

from __future__ import annotations

from typing import Any

import augbench


def smote(**params: Any) -> Any:
    """SMOTE for numeric tables, SMOTENC for mixed ones, SMOTEN for all-categorical ones."""
    from augbench_plugins.smote_sampler import SmoteAugmenter

    return SmoteAugmenter(**params)


def ros(**params: Any) -> Any:
    """Random over-sampling: minority rows drawn again with replacement."""
    # Used as it is: imbalanced-learn's samplers already follow augbench's contract.
    from imblearn.over_sampling import RandomOverSampler

    return RandomOverSampler(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {"smote": smote, "ros": ros}
