"""Local backends of the execution loop: this process, or a pool of worker processes.

A backend has one job, ``submit(chunk) -> Future[list[TrialResult]]``; ``crash_errors`` names
the exceptions that mean "the worker died" (the loop then retries the chunk alone), and
``close()`` ends it.
"""

from __future__ import annotations

import ast
import os
import pickle
import sys
import tempfile
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
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
        context = _start_method()
        data: Mapping[str, Dataset] | str = dict(datasets)
        self._remove_data: Callable[[], Any] = lambda: None
        if context.get_start_method() != "fork":
            # A spawned worker reads its arguments from a pipe only after importing the parent's
            # script; one that dies there (a script that fails on import) leaves the parent
            # blocked writing data larger than the pipe's buffer, for ever. A file's path is small.
            with tempfile.NamedTemporaryFile(prefix="augbench-data-", suffix=".pickle",
                                             delete=False) as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
            data = file.name
            # The file holds the patients' rows: removed when the pool closes, and at the
            # latest when this object is collected or the interpreter exits.
            self._remove_data = weakref.finalize(self, _remove, file.name)
        self.pool = ProcessPoolExecutor(workers, mp_context=context,
                                        initializer=init_pool_worker,
                                        initargs=(data, spec, os.getpid(), dict(os.environ)))

    def submit(self, chunk: list[Trial]) -> Future:
        return self.pool.submit(run_pool_chunk, chunk)

    def close(self) -> None:
        try:
            self.pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self._remove_data()


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


# Imported once by the fork server, so that each worker it forks starts with them loaded.
FORKSERVER_PRELOAD = ["augbench.execution.worker"]


def _start_method() -> Any:
    """fork where it is safe, else a fork server, else spawn.

    A forked worker starts at once with the parent's imports, where a spawned one spends seconds
    importing pandas and scikit-learn again: on a 2-core machine that start-up is a fifth of a
    typical run. A parent that has loaded torch may hold OpenMP threads, which a forked child can
    deadlock on; it starts its workers from a fork server instead, a clean process started once
    (importing augbench's worker modules) that forks each worker in milliseconds.
    """
    import multiprocessing

    forkable = _forkable()
    if not forkable:
        refuse_an_unguarded_script()
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
            return context
    return multiprocessing.get_context("fork" if forkable else "spawn")


def _forkable() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and "torch" not in sys.modules


def can_start_workers() -> bool:
    """Whether worker processes can start here: forked, or spawned from a script that keeps its
    run under ``if __name__ == "__main__":`` (or from no script: ``-c``, a notebook)."""
    import multiprocessing

    if _forkable():
        return True
    return not _main_unreadable() and not _unguarded_call() and not getattr(
        multiprocessing.current_process(), "_inheriting", False)


def _main_unreadable() -> bool:
    """A ``__main__`` with a file name but no file (a script piped to ``python -``): a spawned
    worker would fail to import it."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return path is not None and not Path(path).is_file()


def refuse_an_unguarded_script() -> None:
    """Refuse a run with spawned workers started from the top level of an unguarded script.

    A spawned worker imports the parent's script; unguarded, the script starts the run again
    inside it and every worker dies the same way. The parent refuses first (the runner asks
    before it touches the store); the worker's own check is for what the parent cannot see.
    """
    import multiprocessing

    if _forkable():
        return
    if _main_unreadable():
        raise UsageError("a script read from standard input cannot start worker processes: "
                         "each worker imports the script from its file. Save it to a file and "
                         "run that, or give jobs=1.")
    where = _unguarded_call()
    if where or getattr(multiprocessing.current_process(), "_inheriting", False):
        raise UsageError(f"{where or 'your script'} starts a run with worker processes "
                         "outside `if __name__ == \"__main__\":`; each worker imports the "
                         "script and would start the run again. Put that code under the "
                         "guard, as multiprocessing requires, or give jobs=1.")


def _unguarded_call() -> str | None:
    """``path:line`` where the ``__main__`` script's top level calls into this run outside an
    ``if __name__ == "__main__":`` block, or None (guarded, or no script: ``-c``, a notebook)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    frame = sys._getframe()
    lines = []
    while frame is not None:
        if frame.f_globals is getattr(main, "__dict__", None) and frame.f_code.co_name == "<module>":
            lines.append(frame.f_lineno)
        frame = frame.f_back
    if not path or not lines:
        return None
    try:
        guarded = guarded_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    outside = [line for line in lines if not any(a <= line <= b for a, b in guarded)]
    return f"{path}:{outside[0]}" if outside else None


def guarded_lines(source: str) -> list[tuple[int, int]]:
    """The (first, last) lines of the blocks of a script that only run as ``__main__``."""
    return [_lines(block) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.If)
            for block in _guarded_blocks(node) if block]


def _guarded_blocks(node: ast.If) -> list[list[ast.stmt]]:
    """The statements of ``node`` that a spawned worker never runs: the body of
    ``if __name__ == "__main__"`` (alone or in an ``and``), the else of ``!=``."""
    test = node.test
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [node.body] if any(_compares_name(t, ast.Eq) for t in test.values) else []
    if _compares_name(test, ast.Eq):
        return [node.body]
    return [node.orelse] if _compares_name(test, ast.NotEq) else []


def _compares_name(test: ast.expr, op: type) -> bool:
    """``__name__ <op> "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], op)):
        return False
    return {ast.unparse(s) for s in (test.left, *test.comparators)} == {"__name__", "'__main__'"}


def _lines(block: list[ast.stmt]) -> tuple[int, int]:
    return block[0].lineno, block[-1].end_lineno

