"""The ``dpgan`` augmenter (a GAN whose discriminator learns with DP-SGD through Opacus), and the
``dp_epsilon`` metric: the privacy budget each trial's fit reports it spent."""

from __future__ import annotations

from typing import Any

import augbench


def _dpgan(**params: Any) -> Any:
    # Imported on use, so that listing plugins (``augbench --help``) never loads torch or opacus.
    try:
        import opacus  # noqa: F401
    except ImportError:
        raise augbench.UsageError("augmenter 'dpgan' needs opacus, which is not installed; "
                                  "install it with: pip install 'augbench[dp]'") from None
    from augbench_plugins.dpgan.model import DpGanAugmenter

    return DpGanAugmenter(**params)


def dp_epsilon(inp: augbench.MetricInput) -> float:
    """The ε the trial's fitted augmenter reports it spent; NaN for one that is not DP."""
    return float(getattr(inp.augmenter, "epsilon_", float("nan")))


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # "device" puts it on a GPU: "auto" uses one where there is one, "cuda" needs one.
    return {"dpgan": augbench.declare(_dpgan, gpu_param="device",
                                      libraries=("torch", "opacus"))}


@augbench.hookimpl
def augbench_metrics() -> dict:
    return {"dp_epsilon": augbench.Metric(
        dp_epsilon, "privacy budget spent (ε)", higher_is_better=False, bounds=None,
        needs="synthetic", headline=False, short="ε",
        description="the differential-privacy budget ε the augmenter's training spent on the "
                    "minority rows (empty for augmenters without a privacy guarantee)")}
