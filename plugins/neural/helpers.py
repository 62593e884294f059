"""What the torch-based augmenters (gan, dpgan, ddpm) share: seeds, devices, checks."""

from __future__ import annotations

from typing import Any

import numpy as np

DEVICES = ("auto", "cpu", "cuda")


def torch_seeds(random_state: np.random.SeedSequence, n: int = 1) -> list[int]:
    """``n`` 63-bit torch seeds from a request's seed sequence (torch takes signed 64-bit)."""
    return [int(s) for s in random_state.generate_state(n, np.uint64) >> np.uint64(1)]


def torch_seed(random_state: np.random.SeedSequence) -> int:
    """One 63-bit torch seed from a request's seed sequence."""
    return torch_seeds(random_state)[0]


def check_device(device: Any, name: str) -> None:
    """Raise ValueError unless ``device`` is "auto", "cpu", "cuda" or "cuda:N"."""
    if device not in DEVICES and not str(device).startswith("cuda:"):
        raise ValueError(f"{name}: device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got "
                         f"{device!r}")


def torch_device(device: str) -> Any:
    """The torch device for "auto" (CUDA where there is one, else the CPU), "cpu" or "cuda[:N]"."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def gumbel(shape: tuple[int, ...], generator: Any) -> Any:
    """Standard Gumbel noise -log(-log(U)) drawn from ``generator``; the clamp keeps U = 0 from
    giving an infinity."""
    import torch

    u = torch.rand(shape, generator=generator).clamp_(min=1e-20)
    return -torch.log(-torch.log(u))
