"""The one execution loop: chunks of trials, an in-flight limit, crash retries and crash rows.

Backends (this process, a process pool, Ray) only submit chunks; everything that decides what
a run records lives here, so every backend behaves the same:

- a chunk whose worker dies (out of memory, a segfault, a kill) is retried alone in a fresh
  backend; if it dies again it is split, the trials of each augmenter apart and then each trial
  alone, so that only the trials whose worker dies are recorded as failed (``crash: ...``) and
  one broken augmenter never fails the others' trials of the same seeds;
- a chunk that raises (a bug outside any one trial) has its trials recorded as failed with the
  error, and the run goes on (``--fail-fast`` re-raises it instead);
- at most two chunks per job are in flight, so workers never wait and memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager

from augbench.errors import UsageError
from augbench.execution.backends import Backend, InProcessBackend, PoolBackend, can_start_workers
from augbench.execution.cpu_paths import pinned_here
from augbench.execution.settings import Execution
from augbench.execution.worker import WorkerSpec, frozen_settings
from augbench.experiment.plan import SEEDS_PER_BATCH, Plan
from augbench.experiment.protocol import Trial, TrialRunner, describe_error, failed_result
from augbench.plugin.capabilities import GPU_PREFERRED, GPU_REQUIRED
from augbench.results.row import TrialResult

IN_FLIGHT_PER_JOB = 2
# The fewest seeds a block of a seed-batching augmenter is cut to, to give every worker one.
MIN_SEEDS_PER_BLOCK = 4
CRASH = ("crash: the worker process died while running this trial's chunk (out of memory, a "
         "segfault or a kill)")


def chunks(trials: Sequence[Trial], batching: Collection[str] = (),
           jobs: int = 1) -> list[list[Trial]]:
    """The run's units of work, in the order the trials came (seed-major).

    The trials of one dataset and seed, of the augmenters that fit one seed at a time, form one
    chunk: they share the seed's splits and training draws, and reach the store as soon as that
    seed is done. An augmenter that batches seeds (``batching``) gets chunks of its own: blocks
    of at most `SEEDS_PER_BATCH` seeds, augmented in one call, and at least ``jobs`` blocks
    where the run has the seeds for them (`_seed_blocks`), so that a run of few seeds keeps
    every worker busy and stores each block as it ends. Chunking never changes a number.
    """
    first: dict[tuple, int] = {}  # where each dataset's seed first comes in the trials
    per_seed: dict[tuple, list[Trial]] = {}
    batched: dict[tuple, dict[int, list[Trial]]] = {}
    for i, t in enumerate(trials):
        first.setdefault((t.dataset, t.seed), i)
        if t.augmenter in batching:
            batched.setdefault((t.dataset, t.augmenter), {}).setdefault(t.seed, []).append(t)
        else:
            per_seed.setdefault((t.dataset, t.seed), []).append(t)
    # A block goes in line where its first seed does, before that seed's other chunk: the long
    # batched fits start early, and the short per-seed chunks fill the workers around them.
    lined: list[tuple[int, int, list[Trial]]] = [
        (first[(dataset, seeds[0])], 0, [t for s in seeds for t in by_seed[s]])
        for (dataset, _), by_seed in batched.items()
        for seeds in _seed_blocks(sorted(by_seed), jobs)]
    lined += [(first[key], 1, chunk) for key, chunk in per_seed.items()]
    return [chunk for *_, chunk in sorted(lined, key=lambda item: item[:2])]


def _seed_blocks(seeds: list[int], jobs: int) -> list[list[int]]:
    """``seeds`` cut into consecutive blocks of at most `SEEDS_PER_BATCH`, as even as can be,
    and at least ``jobs`` of them while each keeps `MIN_SEEDS_PER_BLOCK` seeds: below that,
    a batch would lose more to separate fits (and, on a GPU, to separate processes) than the
    idle workers would gain."""
    count = max(-(-len(seeds) // SEEDS_PER_BATCH), min(jobs, len(seeds) // MIN_SEEDS_PER_BLOCK),
                1)
    size, extra = divmod(len(seeds), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [seeds[a:b] for a, b in zip(bounds, bounds[1:])]


def execute(trials: Sequence[Trial], plan: Plan, execution: Execution) -> Iterator[TrialResult]:
    """Run ``trials`` of ``plan``; yield each result as its chunk finishes."""
    work = chunks(trials, plan.batching, execution.jobs)
    if not work:
        return
    with _backends(plan, execution, work) as open_backend:
        yield from _loop(work, open_backend, execution.jobs, execution.fail_fast)


def runs_in_this_process(plan: Plan, execution: Execution) -> bool:
    """Whether the run's trials run in this process rather than in workers (see `_backends`)."""
    return execution.executor == "local" and (execution.fail_fast or (execution.jobs == 1 and (
        plan.registry.recipe is None or not can_start_workers())))


@contextmanager
def _backends(plan: Plan, execution: Execution,
              work: list[list[Trial]]) -> Iterator[Callable[[int], Backend]]:
    """A maker of backends with ``n`` workers for this run's executor.

    One local job runs in a worker process too, so that a trial that kills its process (a
    segfault in a plugin's native code) becomes a crash row instead of ending the run; it runs
    in this process only where a worker cannot: ``--fail-fast`` (which shows the traceback
    here), plugins registered by hand, or a script that cannot spawn workers (see
    `augbench.execution.backends.can_start_workers`).
    """
    if runs_in_this_process(plan, execution):
        runner = TrialRunner(plan.datasets, plan.registry, fail_fast=execution.fail_fast,
                             timeout=execution.trial_timeout, metrics=plan.metrics,
                             settings=plan.metric_settings)
        with pinned_here(execution.cpu_paths):
            yield lambda workers: InProcessBackend(runner)
        return
    if plan.registry.recipe is None:
        raise UsageError("plugins registered by hand in this process cannot reach worker "
                         "processes; build the registry with "
                         "augbench.registry.make_registry, or use one job.")
    spec = WorkerSpec(plan.registry.recipe, execution.trial_timeout, tuple(plan.metrics),
                      execution.fail_fast, execution.cpu_paths,
                      frozen_settings(plan.metric_settings))
    if execution.executor == "ray":
        from augbench.execution.ray_backend import ray_session

        def gpu_for(chunk: list[Trial]) -> str | None:
            wishes = {plan.gpu(t) for t in chunk}
            return GPU_REQUIRED if GPU_REQUIRED in wishes else (
                GPU_PREFERRED if GPU_PREFERRED in wishes else None)

        with ray_session(execution.address, execution.jobs, plan.datasets, spec, gpu_for,
                         work) as open_ray:
            yield open_ray
        return
    yield lambda workers: PoolBackend(workers, plan.datasets, spec)


def _loop(work: list[list[Trial]], open_backend: Callable[[int], Backend], jobs: int,
          fail_fast: bool) -> Iterator[TrialResult]:
    pending = work[::-1]
    while pending:
        backend = open_backend(jobs)
        in_flight: dict[Future, list[Trial]] = {}
        suspects: list[list[Trial]] = []
        try:
            while pending or in_flight:
                while pending and not suspects and len(in_flight) < IN_FLIGHT_PER_JOB * jobs:
                    chunk = pending.pop()
                    try:
                        in_flight[backend.submit(chunk)] = chunk
                    except backend.crash_errors:
                        # The backend broke before this chunk started: it goes back in line.
                        pending.append(chunk)
                        suspects.append([])
                        break
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = in_flight.pop(future)
                    try:
                        results = future.result()
                    except backend.crash_errors:
                        # Which chunk killed the worker is unknown: each one that failed is a
                        # suspect, to be retried alone.
                        suspects.append(chunk)
                        continue
                    except Exception as exc:
                        if fail_fast:
                            raise
                        results = _failed(chunk, exc)
                    yield from results
        finally:
            backend.close()
        for chunk in filter(None, suspects):
            yield from _alone(chunk, open_backend, fail_fast)


def _alone(chunk: list[Trial], open_backend: Callable[[int], Backend],
           fail_fast: bool) -> Iterator[TrialResult]:
    """Retry one chunk in a fresh backend of one worker; if its worker dies too, retry its parts
    (`_parts`) the same way, down to single trials, which fail as crashes."""
    backend = open_backend(1)
    results = None
    try:
        results = backend.submit(chunk).result()
    except backend.crash_errors:
        pass
    except Exception as exc:
        if fail_fast:
            raise
        results = _failed(chunk, exc)
    finally:
        backend.close()
    if results is not None:
        yield from results
    elif len(chunk) == 1:
        yield failed_result(chunk[0], CRASH)
    else:
        for part in _parts(chunk):
            yield from _alone(part, open_backend, fail_fast)


def _parts(chunk: list[Trial]) -> list[list[Trial]]:
    """A chunk whose worker died, split for another try: the trials of each augmenter apart
    (an augmenter that batches seeds keeps its batch), or, for one augmenter, each trial alone."""
    by_augmenter: dict[str, list[Trial]] = {}
    for t in chunk:
        by_augmenter.setdefault(t.augmenter, []).append(t)
    return list(by_augmenter.values()) if len(by_augmenter) > 1 else [[t] for t in chunk]


def _failed(chunk: list[Trial], exc: BaseException) -> list[TrialResult]:
    # A Ray task error carries the worker's exception as its cause.
    cause = getattr(exc, "cause", None) or exc
    return [failed_result(t, f"error: {describe_error(cause)}") for t in chunk]
