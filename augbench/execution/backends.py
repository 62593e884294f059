"""Local backends of the execution loop: this process, or a pool of worker processes.

A backend has one job, ``submit(chunk) -> Future[list[TrialResult]]``; ``crash_errors`` names
the exceptions that mean "the worker died" (the loop then retries the chunk alone), and
``close()`` ends it.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Mapping, Protocol

from augbench.errors import UsageError
from augbench.execution.worker import WorkerSpec, init_pool_worker, run_pool_chunk
from augbench.experiment.data import Dataset
from augbench.experiment.protocol import Trial, TrialRunner
from augbench.plugin.kit import single_threaded


class Backend(Protocol):
    """Where chunks of trials run."""

    crash_errors: tuple[type[BaseException], ...]

    def submit(self, chunk: list[Trial]) -> Future: ...

    def close(self) -> None: ...


class InProcessBackend:
    """Runs each chunk at once, in this process, on one thread."""

    crash_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, runner: TrialRunner) -> None:
        self.runner = runner
        self._limits = single_threaded()
        self._limits.__enter__()

    def submit(self, chunk: list[Trial]) -> Future:
        future: Future = Future()
        try:
            future.set_result(list(self.runner.run(chunk)))
        except Exception as exc:  # the loop decides: re-raise (--fail-fast) or record
            future.set_exception(exc)
        return future

    def close(self) -> None:
        self._limits.__exit__(None, None, None)


class PoolBackend:
    """Runs chunks in ``workers`` processes that die with this one."""

    crash_errors: tuple[type[BaseException], ...] = (BrokenProcessPool,)

    def __init__(self, workers: int, datasets: Mapping[str, Dataset], spec: WorkerSpec) -> None:
        self.pool = ProcessPoolExecutor(workers, mp_context=_start_method(),
                                        initializer=init_pool_worker,
                                        initargs=(dict(datasets), spec, os.getpid()))

    def submit(self, chunk: list[Trial]) -> Future:
        return self.pool.submit(run_pool_chunk, chunk)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> Any:
    """fork where it is safe, else spawn.

    A forked worker starts at once with the parent's imports, where a spawned one spends seconds
    importing pandas and scikit-learn again: on a 2-core machine that start-up is a fifth of a
    typical run. A parent that has loaded torch may hold OpenMP threads, which a forked child can
    deadlock on, so such a parent spawns.
    """
    import multiprocessing

    forkable = "fork" in multiprocessing.get_all_start_methods() and "torch" not in sys.modules
    if not forkable and getattr(multiprocessing.current_process(), "_inheriting", False):
        # A spawned worker imports the parent's script; unguarded, the script starts the run
        # again inside it, and every worker would die the same way.
        raise UsageError("a worker process started the run again while importing your script: "
                         "put the code that calls augbench.run under "
                         "`if __name__ == \"__main__\":`, as multiprocessing requires, or give "
                         "jobs=1.")
    return multiprocessing.get_context("fork" if forkable else "spawn")

