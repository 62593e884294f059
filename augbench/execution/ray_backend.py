"""The Ray backend of the execution loop (``pip install 'augbench[ray]'``).

Each chunk is a Ray task with one CPU, and one GPU when a trial of the chunk will use one: its
augmenter or classifier declares a GPU parameter whose value needs one, or prefers one and the
cluster has GPUs. The datasets travel once, through Ray's object store. Cluster nodes need
augbench and the plugins in use installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from augbench.errors import UsageError
from augbench.execution.cpu_paths import pinned_environment
from augbench.execution.worker import WorkerSpec, run_chunk
from augbench.experiment.data import Dataset
from augbench.experiment.protocol import Trial
from augbench.plugin.capabilities import GPU_PREFERRED, GPU_REQUIRED


class RayBackend:
    """Submits chunks as Ray tasks that share the datasets put in the object store once."""

    def __init__(self, ray: Any, shared: Any, spec: WorkerSpec,
                 gpu_for: Callable[[list[Trial]], str | None], cluster_gpus: float) -> None:
        self.ray, self.shared, self.spec = ray, shared, spec
        self.gpu_for, self.cluster_gpus = gpu_for, cluster_gpus
        self.remote = ray.remote(run_chunk)
        self.crash_errors = (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                             ray.exceptions.OutOfMemoryError)

    def submit(self, chunk: list[Trial]) -> Future:
        wish = self.gpu_for(chunk)
        gpus = 1 if wish == GPU_REQUIRED or (wish == GPU_PREFERRED and self.cluster_gpus) else 0
        options = {"num_cpus": 1, "num_gpus": gpus, "max_retries": 0}
        if pins := pinned_environment(self.spec.cpu_paths):
            # Workers of their own, started with the pins: a Ray worker that already ran
            # torch keeps the paths it started with.
            options["runtime_env"] = {"env_vars": pins}
        return self.remote.options(**options).remote(self.shared, self.spec, chunk).future()

    def close(self) -> None:
        pass  # Ray itself is ended by ray_session


@contextmanager
def ray_session(address: str | None, jobs: int, datasets: Mapping[str, Dataset],
                spec: WorkerSpec, gpu_for: Callable[[list[Trial]], str | None],
                chunks: list[list[Trial]]) -> Iterator[Callable[[int], RayBackend]]:
    """Start (or join) Ray for one run; yield a maker of backends; shut down what was started."""
    try:
        import ray
    except ImportError:
        raise UsageError("--executor ray needs Ray: pip install 'augbench[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        try:
            # Without --address, an instance of the run's own ("local"): Ray would otherwise
            # join whatever cluster RAY_ADDRESS or a stale /tmp/ray names, such as one a killed
            # run left behind, and refuse --jobs there. --address auto asks for that lookup.
            ray.init(address=address or "local", include_dashboard=False, log_to_driver=False,
                     **({} if address else {"num_cpus": jobs}))
        except Exception as exc:  # a missing client package, an unreachable or busy cluster
            message = " ".join(str(exc).split())[:300].rstrip(".")
            hint = "check --address, or run without --executor ray"
            raise UsageError(f"cannot start or reach Ray{f' at {address}' if address else ''}: "
                             f"{type(exc).__name__}: {message}; {hint}.") from None
    try:
        gpus = float(ray.cluster_resources().get("GPU", 0))
        if not gpus and any(gpu_for(chunk) == GPU_REQUIRED for chunk in chunks):
            raise UsageError("a chosen augmenter or classifier is set to use CUDA, but the Ray "
                             "cluster has no GPU; add GPU nodes, or set its device to 'auto' or "
                             "'cpu'.")
        shared = ray.put(dict(datasets))
        yield lambda workers: RayBackend(ray, shared, spec, gpu_for, gpus)
    finally:
        if started_here:
            ray.shutdown()
