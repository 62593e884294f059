"""The ``gan`` augmenter: a vanilla GAN fitted on the minority rows, many seeds batched as one."""

from __future__ import annotations

from typing import Any

import augbench


def _gan(**params: Any) -> Any:
    # Imported on use, so that listing plugins (``augbench --help``) never loads torch.
    from augbench_plugins.gan.model import GanAugmenter

    return GanAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # "device" puts it on a GPU: "auto" uses one where there is one, "cuda" needs one.
    # --tune tries shorter and longer training than the default 600 steps.
    return {"gan": augbench.declare(_gan, gpu_param="device", libraries=("torch",),
                                    search_space={"steps": (300, 600, 1200)})}
