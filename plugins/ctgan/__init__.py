"""The ``ctgan-mit`` augmenter: a conditional tabular GAN (CTGAN, Xu et al. 2019) of augbench's
own, under augbench's MIT licence, that trains the seeds of a chunk as one batched model."""

from __future__ import annotations

from typing import Any

import augbench


def _ctgan_mit(**params: Any) -> Any:
    # Imported on use, so that listing plugins (``augbench --help``) never loads torch.
    from augbench_plugins.ctgan.model import CtganAugmenter

    return CtganAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # "device" puts it on a GPU: "auto" uses one where there is one, "cuda" needs one. Its rows
    # depend on torch and on scikit-learn's variational Gaussian mixture. --tune tries half and
    # twice the paper's 300 epochs.
    return {"ctgan-mit": augbench.declare(_ctgan_mit, gpu_param="device",
                                          libraries=("torch", "sklearn"),
                                          search_space={"epochs": (150, 300, 600)})}
