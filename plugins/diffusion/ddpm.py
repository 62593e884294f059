"""The ``ddpm`` augmenter: a TabDDPM-style diffusion model of the minority rows, seeds batched as one."""

from __future__ import annotations

from typing import Any

import augbench


def _ddpm(**params: Any) -> Any:
    # Imported on use, so that listing plugins (``augbench --help``) never loads torch.
    from augbench_plugins.diffusion.ddpm_model import DdpmAugmenter

    return DdpmAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # "device" puts it on a GPU: "auto" uses one where there is one, "cuda" needs one.
    # --tune tries half and the default 1000 training steps.
    return {"ddpm": augbench.declare(_ddpm, gpu_param="device", libraries=("torch",),
                                     search_space={"steps": (500, 1000)})}
