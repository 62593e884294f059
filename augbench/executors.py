"""Where trials run: in this process, in a pool of worker processes, or as Ray tasks.

Every executor runs the same chunks through the same :class:`TrialRunner`; since every random
choice is derived from the trial's coordinates, the numbers do not depend on the executor or on
the number of jobs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Mapping

from augbench.data import Dataset
from augbench.errors import UsageError
from augbench.plugins import Registry, make_registry
from augbench.protocol import Trial, TrialRunner, failed_row

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Execution:
    """How to run trials; nothing here changes a number."""

    jobs: int = 1
    executor: str = "local"
    address: str | None = None
    trial_timeout: float | None = None
    fail_fast: bool = False

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise UsageError(f"--jobs must be at least 1, got {self.jobs}.")
        if self.executor not in EXECUTORS:
            raise UsageError(f"unknown executor '{self.executor}'. Available: {', '.join(EXECUTORS)}.")
        if self.trial_timeout is not None and self.trial_timeout <= 0:
            raise UsageError(f"--trial-timeout must be positive, got {self.trial_timeout}.")
        if self.fail_fast and (self.jobs > 1 or self.executor != "local"):
            raise UsageError("--fail-fast shows a trial's traceback, which needs --jobs 1 and the "
                             "local executor.")


def available_cores() -> int:
    """Cores this process may use (the affinity mask, where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


@contextmanager
def single_threaded() -> Iterator[None]:
    """One BLAS/OpenMP/torch thread per trial: parallelism belongs to the runner, not to each fit.

    Also keeps numbers independent of the executor: a torch fit can differ in its last bits
    between one and two threads. Torch imported inside the block starts with one thread too
    (OMP_NUM_THREADS), and every setting is restored afterwards.
    """
    from threadpoolctl import threadpool_limits

    saved_env = os.environ.get("OMP_NUM_THREADS")
    torch_threads = sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None
    os.environ["OMP_NUM_THREADS"] = "1"
    if torch_threads is not None:
        sys.modules["torch"].set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if saved_env is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = saved_env
        if "torch" in sys.modules:
            torch = sys.modules["torch"]
            torch.set_num_threads(torch_threads or int(saved_env or 0) or available_cores())


def execute(chunks: Sequence[list[Trial]], datasets: Mapping[str, Dataset], registry: Registry,
            execution: Execution) -> Iterator[dict[str, Any]]:
    """Yield result rows as trials finish, chunk by chunk."""
    if execution.executor == "ray":
        from augbench.ray_executor import execute_ray

        yield from execute_ray(chunks, datasets, _recipe(registry), execution)
    elif execution.jobs == 1 or len(chunks) == 1:
        runner = TrialRunner(datasets, registry, fail_fast=execution.fail_fast,
                             timeout=execution.trial_timeout)
        with single_threaded():
            for chunk in chunks:
                yield from runner.run(chunk)
    else:
        yield from _execute_pool(chunks, datasets, _recipe(registry), execution)


def _recipe(registry: Registry) -> tuple:
    if registry.recipe is None:
        raise UsageError("plugins registered by hand in this process cannot reach worker "
                         "processes; build the registry with augbench.plugins.make_registry, "
                         "or use one job.")
    return registry.recipe


# --- worker processes -------------------------------------------------------------------------

_worker_runner: TrialRunner | None = None
_worker_limits: Any = None  # the worker's thread limits, entered once for its whole life


def _worker_init(datasets: Mapping[str, Dataset], recipe: tuple, timeout: float | None) -> None:
    global _worker_runner, _worker_limits
    # Before torch or another OpenMP user is imported in this worker: one thread each.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    _worker_limits = single_threaded()
    _worker_limits.__enter__()
    _worker_runner = TrialRunner(datasets, make_registry(*recipe), timeout=timeout)


def _worker_chunk(chunk: list[Trial]) -> list[dict[str, Any]]:
    assert _worker_runner is not None
    return list(_worker_runner.run(chunk))


def _start_method() -> Any:
    """fork where it is safe, else spawn.

    A forked worker starts at once with the parent's imports, where a spawned one spends seconds
    importing pandas and scikit-learn again: on a 2-core machine that start-up is a fifth of a
    typical run. A parent that has loaded torch may hold OpenMP threads, which a forked child can
    deadlock on, so such a parent spawns.
    """
    import multiprocessing

    forkable = "fork" in multiprocessing.get_all_start_methods() and "torch" not in sys.modules
    return multiprocessing.get_context("fork" if forkable else "spawn")


def _pool(workers: int, datasets: Mapping[str, Dataset], recipe: tuple,
          execution: Execution) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_start_method(),
                               initializer=_worker_init,
                               initargs=(dict(datasets), recipe, execution.trial_timeout))


def _execute_pool(chunks: Sequence[list[Trial]], datasets: Mapping[str, Dataset], recipe: tuple,
                  execution: Execution) -> Iterator[dict[str, Any]]:
    """Run chunks in ``jobs`` processes; a chunk whose worker dies is retried alone, then failed."""
    pending = list(chunks)[::-1]
    suspects: list[list[Trial]] = []
    while pending:
        pool = _pool(execution.jobs, datasets, recipe, execution)
        in_flight: dict[Future, list[Trial]] = {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < 2 * execution.jobs:
                    chunk = pending.pop()
                    in_flight[pool.submit(_worker_chunk, chunk)] = chunk
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    rows = future.result()  # raises while the chunk is still in in_flight
                    del in_flight[future]
                    yield from rows
        except BrokenProcessPool:
            # Which chunk killed the worker is unknown: every chunk in flight is a suspect.
            suspects.extend(in_flight.values())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for chunk in suspects:
            yield from _run_alone(chunk, datasets, recipe, execution)
        suspects.clear()


def _run_alone(chunk: list[Trial], datasets: Mapping[str, Dataset], recipe: tuple,
               execution: Execution) -> Iterator[dict[str, Any]]:
    """Retry one chunk in a fresh single worker; if that worker dies too, fail its trials."""
    pool = _pool(1, datasets, recipe, execution)
    try:
        rows = pool.submit(_worker_chunk, chunk).result()
    except BrokenProcessPool:
        rows = [failed_row(t, "crash: the worker process died while running this trial's chunk "
                              "(out of memory, a segfault or a kill)") for t in chunk]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    yield from rows
