"""The ``forest-diffusion`` augmenter: Jolicoeur-Martineau et al.'s tree-based flow matching and
diffusion (the ``forestdiffusion`` package), fitted on the minority rows.

An optional extra: ``pip install 'augbench[forest]'`` brings forestdiffusion with xgboost,
catboost and lightgbm. Without it the augmenter stays registered, and asking for it says how to
install what it needs.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import augbench


def _forest_diffusion(**params: Any) -> Any:
    # Found, not imported: importing it loads xgboost, catboost and lightgbm (seconds), which
    # only a fit needs. Checked here, at construction, so that a run without the extra stops
    # before its first trial. (The distribution is "forestdiffusion", its module "ForestDiffusion".)
    if importlib.util.find_spec("ForestDiffusion") is None:
        raise augbench.UsageError("augmenter 'forest-diffusion' needs the forestdiffusion package: "
                                  "pip install 'augbench[forest]'")
    from augbench_plugins.diffusion.forest_model import ForestDiffusionAugmenter

    return ForestDiffusionAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # Its forests are xgboost's (the library's default).
    return {"forest-diffusion": augbench.declare(_forest_diffusion,
                                                 libraries=("forestdiffusion", "xgboost"))}
