"""Helpers for plugin authors: the shared meaning of the augmenter contract, written once.

augbench's own plugins import these exactly as a third-party plugin does (`augbench.rows_to_add`
and so on), so that "how many rows", "which seed" and "which labels" mean one thing everywhere.
"""

from __future__ import annotations

import contextlib
import io
import logging
import numbers
import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np


def rows_to_add(y: Any, sampling_strategy: Any = "auto") -> int:
    """Positive rows (label 1) to add for a sampling strategy, with imbalanced-learn's meaning.

    A ratio the labels already reach adds none, where imbalanced-learn would raise; a label 1
    that is the majority adds none.

    Args:
        y: The labels, 0 and 1.
        sampling_strategy: What imbalanced-learn's `check_sampling_strategy` accepts for
            over-sampling: a minority:majority ratio in (0, 1], "auto", "minority", a dict.

    Returns:
        How many rows of label 1 to add.

    Examples:
        >>> import augbench
        >>> augbench.rows_to_add([0, 0, 0, 0, 1])
        3
        >>> augbench.rows_to_add([0, 0, 0, 0, 1], sampling_strategy=0.5)
        1
    """
    from imblearn.utils import check_sampling_strategy

    y = np.asarray(y)
    is_ratio = isinstance(sampling_strategy, numbers.Real) and not isinstance(sampling_strategy, bool)
    if is_ratio and 0 < sampling_strategy <= 1:
        n_minority, n_majority = int(np.sum(y == 1)), int(np.sum(y == 0))
        if int(n_majority * float(sampling_strategy) - n_minority) <= 0:
            return 0
    targets = check_sampling_strategy(sampling_strategy, y, "over-sampling")
    return max(int(targets.get(1, 0)), 0)


def seed_sequence(random_state: Any) -> np.random.SeedSequence:
    """One rule for `random_state`: an int seeds it, a numpy Generator or RandomState gives a
    draw from itself, None takes fresh entropy.

    Derive every seed a fit needs from the result (`.generate_state(n)`) rather than from
    global generators.

    Args:
        random_state: An augmenter's `random_state`: None, a non-negative int, or a numpy
            Generator or RandomState.

    Returns:
        A numpy `SeedSequence`.

    Raises:
        ValueError: Any other value.

    Examples:
        >>> import augbench
        >>> augbench.seed_sequence(0).generate_state(1)
        array([2968811710], dtype=uint32)
    """
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(int(random_state.integers(2**32)))
    if isinstance(random_state, np.random.RandomState):
        return np.random.SeedSequence(int(random_state.randint(2**32, dtype=np.uint64)))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool) \
            and random_state >= 0:
        return np.random.SeedSequence(int(random_state))
    raise ValueError(f"random_state must be None, a non-negative int, or a numpy Generator or "
                     f"RandomState, got {random_state!r}")


def check_labels(X: Any, y: Any, name: str = "augmenter") -> np.ndarray:
    """Labels as a 1-D numpy array of 0 (majority) and 1 (minority), one per row of a table.

    Args:
        X: The table.
        y: Its labels: a list, an array (a column of one is taken), a Series.
        name: The augmenter's name, for messages.

    Returns:
        `y` as a 1-D numpy array.

    Raises:
        ValueError: Labels of another shape, or other than 0 and 1.

    Examples:
        >>> import augbench
        >>> augbench.check_labels([[5.1], [4.9]], [[0], [1]])
        array([0, 1])
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"{name}: y must be 1-D with one label per row of X ({len(X)}), "
                         f"got shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{name}: y must hold 0 (majority) and 1 (minority), got values "
                         f"{np.unique(y)[:10].tolist()}")
    return y


@contextlib.contextmanager
def quiet(*loggers: str) -> Iterator[None]:
    """Keep warnings, prints and the INFO records of some loggers out of augbench's output.

    A run of thousands of trials would otherwise drown in convergence and deprecation notes;
    errors still propagate as exceptions.

    Args:
        *loggers: Names of the loggers to quieten (`"sdv"`, ...).

    Yields:
        Nothing: the block inside `with quiet(...):` runs quietly.
    """
    found = [logging.getLogger(name) for name in loggers]
    levels = [logger.level for logger in found]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            for logger in found:
                logger.setLevel(logging.ERROR)
            yield
        finally:
            for logger, level in zip(found, levels):
                logger.setLevel(level)


def available_cores() -> int:
    """Cores this process may use (the affinity mask, where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """One BLAS/OpenMP/torch thread and sequential joblib inside the block; restored after.

    Parallelism belongs to augbench's runner, not to each fit: N jobs then use N cores without
    oversubscription, and numbers do not depend on the core count (a torch fit can differ in its
    last bits between one and two threads). Torch imported inside the block starts with one
    thread too (OMP_NUM_THREADS).

    Yields:
        Nothing: the block inside `with single_threaded():` runs on one thread.
    """
    import joblib
    from threadpoolctl import threadpool_limits

    saved_env = os.environ.get("OMP_NUM_THREADS")
    torch_threads = sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None
    os.environ["OMP_NUM_THREADS"] = "1"
    if torch_threads is not None:
        sys.modules["torch"].set_num_threads(1)
    try:
        with threadpool_limits(limits=1), joblib.parallel_config(backend="sequential"):
            yield
    finally:
        if saved_env is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = saved_env
        if "torch" in sys.modules:
            torch = sys.modules["torch"]
            torch.set_num_threads(torch_threads or int(saved_env or 0) or available_cores())
