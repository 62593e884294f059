"""The ``gan`` augmenter (placeholder while the model is written)."""

import augbench


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {}
