"""The hooks augbench calls: this module is the entry point named in pyproject.toml."""

from __future__ import annotations

from typing import Any

import augbench


def _jitter(**params: Any) -> Any:
    # Imported on use: listing plugins (`augbench plugins`, `--help`) then loads nothing heavy.
    from augbench_jitter.sampler import JitterOverSampler

    return JitterOverSampler(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {"jitter": _jitter}
