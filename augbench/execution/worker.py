"""What a worker process (of the pool or of Ray) does: build a runner once, run chunks with it.

A runner is cached under the worker spec and the content fingerprints of its datasets, never
their names alone: a long-lived worker that serves two runs on tables of one name but other
contents (another ``--drop``) builds a second runner.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from augbench.execution.cpu_paths import pin_this_process
from augbench.experiment.data import Dataset
from augbench.experiment.protocol import Trial, TrialRunner
from augbench.plugin.kit import single_threaded
from augbench.registry import make_registry
from augbench.results.row import TrialResult

# A Ray worker may serve many runs; a few runners are plenty.
MAX_RUNNERS = 4


@dataclass(frozen=True)
class WorkerSpec:
    """Everything but the data that a worker needs to run trials as the parent would."""

    recipe: tuple
    timeout: float | None
    metrics: tuple[str, ...]
    fail_fast: bool = False
    cpu_paths: str = "native"
    # Each metric's settings, frozen (see frozen_settings): a spec keys a worker's runners.
    settings: tuple = ()


def frozen_settings(settings: Mapping[str, Mapping[str, Any]]) -> tuple:
    """Metric settings as nested tuples, which hash: lists become tuples, dicts their items."""
    def freeze(value: Any) -> Any:
        if isinstance(value, Mapping):
            return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(freeze(v) for v in value)
        return value

    return tuple(sorted((name, freeze(values)) for name, values in settings.items()))


_runners: dict[tuple, TrialRunner] = {}


def runner_for(datasets: Mapping[str, Dataset], spec: WorkerSpec) -> TrialRunner:
    """The runner of this worker for ``spec`` and these datasets (by content)."""
    key = (spec, tuple((name, ds.fingerprint) for name, ds in sorted(datasets.items())))
    if key not in _runners:
        if len(_runners) >= MAX_RUNNERS:
            _runners.clear()
        registry = make_registry(*spec.recipe)
        _runners[key] = TrialRunner(dict(datasets), registry, fail_fast=spec.fail_fast,
                                    timeout=spec.timeout, metrics=registry.metrics(spec.metrics),
                                    settings={name: dict(values) for name, values in spec.settings})
    return _runners[key]


def run_chunk(datasets: Mapping[str, Dataset], spec: WorkerSpec,
              chunk: list[Trial]) -> list[TrialResult]:
    """Run one chunk of trials on one thread (a Ray task's body)."""
    with single_threaded():
        return list(runner_for(datasets, spec).run(chunk))


# --- pool workers: the data arrives once, at start-up ------------------------------------------

_pool_state: dict[str, Any] = {}


def init_pool_worker(datasets: Mapping[str, Dataset] | str, spec: WorkerSpec,
                     parent: int, environment: Mapping[str, str] | None = None) -> None:
    """Initialise a pool worker: die with ``parent``, one thread, the run's data (or the path of
    their pickle, which the parent wrote) and spec, and the parent's ``environment`` (a worker
    forked from a fork server has the server's, from when it started)."""
    die_with_parent(parent)
    if environment is not None:
        os.environ.clear()
        os.environ.update(environment)
    if isinstance(datasets, str):
        with open(datasets, "rb") as file:
            datasets = pickle.load(file)
    # Before torch or another OpenMP user is imported in this worker: one thread each, and
    # the code paths the run asked for.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    pin_this_process(spec.cpu_paths)
    limits = single_threaded()
    limits.__enter__()  # for the worker's whole life
    # Released before interpreter shutdown: a spawned worker exits through it, and a context
    # left to the garbage collector then runs its cleanup among half-torn-down modules
    # ("Exception ignored in: <generator object single_threaded>").
    atexit.register(limits.__exit__, None, None, None)
    _pool_state.update(datasets=datasets, spec=spec, limits=limits)


def run_pool_chunk(chunk: list[Trial]) -> list[TrialResult]:
    """Run one chunk in a pool worker."""
    return list(runner_for(_pool_state["datasets"], _pool_state["spec"]).run(chunk))


def die_with_parent(parent: int) -> None:
    """End this process soon after the run's process (process id ``parent``) dies, even by
    SIGKILL.

    Linux delivers SIGKILL at once through PR_SET_PDEATHSIG when the process that started this
    one dies: the run's process, or the fork server, which ends with it. Elsewhere (and as a
    second line) a daemon thread notices within a second that ``parent`` is gone.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if not _alive(parent):  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while _alive(parent):
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="augbench-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a forked worker's parent, or the run behind a fork
    server)."""
    if os.getppid() == pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True
