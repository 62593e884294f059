"""Trials as Ray tasks, on this machine or an existing cluster (``pip install 'augbench[ray]'``).

Each task runs one chunk in a Ray worker with one CPU, or one GPU when the chunk's augmenter is
asked to use CUDA; the datasets travel once, through Ray's object store. Cluster nodes need
augbench and the plugins in use installed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Mapping

from augbench.data import Dataset
from augbench.errors import UsageError
from augbench.protocol import Trial, failed_row

_runners: dict[Any, Any] = {}


def _run_chunk(chunk: list[Trial], datasets: Mapping[str, Dataset], recipe: tuple,
               timeout: float | None) -> list[dict[str, Any]]:
    from augbench.executors import single_threaded
    from augbench.plugins import make_registry
    from augbench.protocol import TrialRunner

    key = (recipe, timeout, tuple(sorted(datasets)))
    if key not in _runners:  # a Ray worker process runs many tasks: build the registry once
        _runners[key] = TrialRunner(datasets, make_registry(*recipe), timeout=timeout)
    with single_threaded():
        return list(_runners[key].run(chunk))


def wants_gpu(chunk: list[Trial]) -> bool:
    """True when the chunk's augmenter is told to use CUDA (``device="cuda"``, ``cuda=True``)."""
    params = dict(chunk[0].augmenter_params)
    asked = [params.get("device"), params.get("cuda")]
    return any(v is True or (isinstance(v, str) and v.startswith("cuda")) for v in asked)


def execute_ray(chunks: Sequence[list[Trial]], datasets: Mapping[str, Dataset], recipe: tuple,
                execution: Any) -> Iterator[dict[str, Any]]:
    """Run chunks as Ray tasks, at most ``execution.jobs`` at a time; yield rows as they finish."""
    try:
        import ray
    except ImportError:
        raise UsageError("--executor ray needs Ray: pip install 'augbench[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=execution.address, include_dashboard=False, log_to_driver=False,
                 **({} if execution.address else {"num_cpus": execution.jobs}))
    try:
        remote = ray.remote(_run_chunk)
        shared = ray.put(dict(datasets))
        pending = list(chunks)[::-1]
        in_flight: dict[Any, list[Trial]] = {}
        while pending or in_flight:
            while pending and len(in_flight) < execution.jobs:
                chunk = pending.pop()
                options = {"num_cpus": 1, "num_gpus": 1 if wants_gpu(chunk) else 0,
                           "max_retries": 0}
                ref = remote.options(**options).remote(chunk, shared, recipe,
                                                       execution.trial_timeout)
                in_flight[ref] = chunk
            done, _ = ray.wait(list(in_flight), num_returns=1)
            chunk = in_flight.pop(done[0])
            try:
                rows = ray.get(done[0])
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.RayTaskError) as exc:
                rows = [failed_row(t, f"crash: the Ray task died: {type(exc).__name__}")
                        for t in chunk]
            yield from rows
    finally:
        if started_here:
            ray.shutdown()
