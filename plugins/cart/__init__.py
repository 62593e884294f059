"""The ``cart`` augmenter: sequential CART synthesis of minority rows, as R's synthpop does it."""

from __future__ import annotations

from typing import Any

import augbench


def _cart(**params: Any) -> Any:
    # Imported on use, so that listing plugins (``augbench --help``) never loads scikit-learn.
    from augbench_plugins.cart.model import CartAugmenter

    return CartAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # --tune tries finer and coarser leaves around the default of 5.
    return {"cart": augbench.declare(_cart, search_space={"min_samples_leaf": (2, 5, 10)})}
