"""SDV synthesizers as augmenters (placeholder while they are written)."""

import augbench


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {}
