"""Which code paths torch takes on the CPU: the machine's own, or ones every x86-64 CPU runs.

torch's CPU build computes matrix products in MKL and elementwise operations in ATen's
vectorised kernels, and both pick a code path by the CPU they find: MKL by vendor and
instruction set, ATen by instruction set. The paths round differently, training amplifies the
difference, and a neural augmenter's rows (gan, ddpm, dpgan) then differ from one machine to
another. ``portable`` pins both to paths that every x86-64 CPU runs the same way: MKL's
conditional numerical reproducibility branch ``COMPATIBLE`` (the one branch MKL honours on
Intel and AMD alike) and ATen's kernels without CPU-specific vector code. Pins are environment
variables, read once, when the libraries first compute; so they are set in each worker process
before it imports torch (benchmarks/neural_cpu_paths.py measures what they change and cost).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from augbench.errors import UsageError

# The environment of each choice; "native" leaves the libraries to choose.
CPU_PATHS: Mapping[str, Mapping[str, str]] = {
    "native": {},
    "portable": {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "default"},
}


def pinned_environment(choice: str) -> dict[str, str]:
    """The environment variables that make torch take ``choice``'s paths."""
    return dict(CPU_PATHS[choice])


def describe(choice: str) -> str:
    """``choice`` and what it sets, for the run record: "portable (MKL_CBWR=COMPATIBLE, ...)"."""
    pins = CPU_PATHS[choice]
    return choice if not pins else f"{choice} ({', '.join(f'{k}={v}' for k, v in pins.items())})"


def pin_this_process(choice: str) -> None:
    """Set ``choice``'s variables in this process (a worker's), before it imports torch."""
    os.environ.update(pinned_environment(choice))


@contextmanager
def pinned_here(choice: str) -> Iterator[None]:
    """``choice``'s variables in this process while a run computes in it (``--fail-fast``,
    plugins registered by hand), restored after, so that no later process started from here
    inherits them. torch keeps the paths it took while they were set."""
    before = {name: os.environ.get(name) for name in CPU_PATHS[choice]}
    pin_this_process(choice)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def refuse_unpinnable_here(choice: str) -> None:
    """Refuse a run in this process that asks for pinned paths where torch has already taken
    its own: ATen fixes its kernels, and MKL its branch, when they first compute, so the run
    would compute on the paths it did not ask for and be recorded as if it had not."""
    pins = CPU_PATHS[choice]
    if not pins or "torch" not in sys.modules:
        return
    import torch

    with pinned_here(choice):
        taken = torch.backends.cpu.get_cpu_capability()
    if taken.lower() != pins["ATEN_CPU_CAPABILITY"]:
        raise UsageError(f"--cpu-paths {choice} cannot pin torch in this process: it has "
                         f"already computed here on this CPU's own code paths ({taken}), which "
                         "stay fixed. Run with worker processes (without --fail-fast; in "
                         "Python, plugins from augbench.registry.make_registry), or from a "
                         "fresh process.")
