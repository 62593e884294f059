"""The ``smote`` augmenter: imbalanced-learn's SMOTE family, chosen by column types."""

from __future__ import annotations

from typing import Any

import augbench


def _smote(**params: Any) -> Any:
    from augbench_plugins.smote_sampler import SmoteAugmenter

    return SmoteAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {"smote": _smote}
