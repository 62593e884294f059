"""A run: an experiment's trials mapped through the protocol, written as they finish."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import pandas as pd

from augbench.api import load_dataset
from augbench.data import Dataset
from augbench.defaults import DEFAULT_DATASET, DEFAULT_NA_VALUES, DEFAULT_SEEDS, DEFAULT_SIZES
from augbench.errors import UsageError
from augbench.plugins import Registry, default_registry
from augbench.executors import Execution, execute
from augbench.protocol import Trial, split_indices
from augbench.results import Results
from augbench.store import Store, experiment_config, library_versions

# Seeds augmented together by augmenters that batch (a GAN trains them as one model).
SEEDS_PER_BATCH = 16
# Set by the protocol for every trial; a user value would break the pairing of seeds.
RESERVED_PARAMS = {"random_state": "the trial's seed", "sampling_strategy": "--ratio"}


@dataclass(frozen=True)
class DataSpec:
    """Where a dataset comes from: a registered name or a CSV path, and how to read it."""

    source: str = DEFAULT_DATASET
    target: str | None = None
    positive: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    na_values: tuple[str, ...] = DEFAULT_NA_VALUES
    # Parameters of a named dataset (``--set heart-attack-risk.path=FILE``).
    options: Mapping[str, Any] = field(default_factory=dict)

    def load(self, registry: Registry) -> Dataset:
        return load_dataset(self.source, target=self.target, positive=self.positive,
                            drop=self.drop, categorical=self.categorical,
                            na_values=self.na_values, registry=registry, **self.options)


@dataclass(frozen=True)
class Experiment:
    """Everything that determines a run's numbers."""

    data: tuple[DataSpec, ...] = (DataSpec(),)
    augmenters: tuple[str, ...] = ("none", "smote")
    classifiers: tuple[str, ...] = ("lr",)
    sizes: tuple[int | str, ...] = DEFAULT_SIZES
    seeds: int = DEFAULT_SEEDS
    ratio: float = 1.0
    test_size: float = 0.3
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # What every augmenter is compared with: "none" when it runs, else the first augmenter.
    baseline: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Experiment":
        """The experiment that :func:`augbench.store.experiment_config` described."""
        fields = dict(config)
        fields["data"] = tuple(DataSpec(**{k: tuple(v) if isinstance(v, list) else v
                                           for k, v in spec.items()}) for spec in fields["data"])
        fields["params"] = {k: dict(v) for k, v in fields.get("params", {}).items()}
        for name in ("augmenters", "classifiers", "sizes"):
            fields[name] = tuple(fields[name])
        return cls(**fields)

    @property
    def baseline_augmenter(self) -> str:
        if self.baseline is not None:
            return self.baseline
        return "none" if "none" in self.augmenters else self.augmenters[0]


def resolve_sizes(sizes: Sequence[int | str], pool: int, name: str, defaults: bool) -> list[int]:
    """Training sizes as row counts; ``full`` is the whole pool. Default sizes beyond it are dropped."""
    out: list[int] = []
    for size in sizes:
        n = pool if str(size) == "full" else int(size)
        if n > pool or n < 4:
            if defaults:
                continue
            raise UsageError(f"training size {size} does not fit dataset '{name}': sizes must lie "
                             f"between 4 and {pool} (its training pool), or be 'full'.")
        if n not in out:
            out.append(n)
    return sorted(out)


def _validate(exp: Experiment, registry: Registry) -> bool:
    """Check the experiment before any trial runs; True if an augmenter batches seeds."""
    if exp.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {exp.seeds}.")
    if not 0 < exp.test_size < 1:
        raise UsageError(f"--test-size must lie strictly between 0 and 1, got {exp.test_size}.")
    if not 0 < exp.ratio <= 1:
        raise UsageError(f"--ratio is minority:majority after augmentation and must lie in (0, 1], "
                         f"got {exp.ratio}.")
    if exp.baseline is not None and exp.baseline not in exp.augmenters:
        raise UsageError(f"--baseline '{exp.baseline}' is not among --augmenters "
                         f"({', '.join(exp.augmenters)}); add it there or choose one of them.")
    chosen = set(exp.augmenters) | set(exp.classifiers)
    for plugin, params in exp.params.items():
        if plugin not in chosen:
            raise UsageError(f"--set {plugin}.…: '{plugin}' is not among the chosen augmenters, "
                             f"classifiers and datasets ({', '.join(sorted(chosen))}).")
        for name in params:
            if name in RESERVED_PARAMS:
                raise UsageError(f"--set {plugin}.{name}: augbench sets {name} itself from "
                                 f"{RESERVED_PARAMS[name]}; remove it.")
    # Building each object once turns an unknown name or parameter into a usage error now,
    # not into thousands of failed trials later.
    batches = False
    for name in exp.augmenters:
        augmenter = registry.create("augmenters", name, **exp.params.get(name, {}))
        batches |= hasattr(augmenter, "fit_resample_many")
    for name in exp.classifiers:
        registry.create("classifiers", name, **exp.params.get(name, {}))
    return batches


def list_trials(exp: Experiment, datasets: Mapping[str, Dataset]) -> list[Trial]:
    """Every trial of the experiment, seed-major so that each seed's trials sit together."""
    trials = []
    for name, ds in datasets.items():
        pool = len(split_indices(ds.y, 0, exp.test_size)[0])
        sizes = resolve_sizes(exp.sizes, pool, name, defaults=exp.sizes == DEFAULT_SIZES)
        if not sizes:
            raise UsageError(f"dataset '{name}' has a training pool of {pool} rows, smaller than "
                             "every default size; give --sizes.")
        for seed in range(exp.seeds):
            for size in sizes:
                for aug in exp.augmenters:
                    for clf in exp.classifiers:
                        trials.append(Trial(
                            name, seed, size, aug, clf, exp.test_size, exp.ratio,
                            tuple(sorted(exp.params.get(aug, {}).items())),
                            tuple(sorted(exp.params.get(clf, {}).items()))))
    return trials


def load_datasets(exp: Experiment, registry: Registry) -> dict[str, Dataset]:
    """Load every dataset of the experiment, keyed by a unique name."""
    datasets: dict[str, Dataset] = {}
    for spec in exp.data:
        ds = spec.load(registry)
        if ds.name in datasets:
            raise UsageError(f"two datasets are called '{ds.name}'; give each file a distinct name.")
        datasets[ds.name] = ds
    return datasets


def chunks(trials: list[Trial], seeds_per_chunk: int) -> Iterator[list[Trial]]:
    """Consecutive trials of one dataset and ``seeds_per_chunk`` seeds: a unit of work.

    A chunk's trials share splits and training draws, and an augmenter that offers
    ``fit_resample_many`` augments the chunk's seeds in one call. Chunking never changes a number.
    """
    chunk: list[Trial] = []
    for t in trials:
        if chunk and (t.dataset, t.seed // seeds_per_chunk) != (
                chunk[0].dataset, chunk[0].seed // seeds_per_chunk):
            yield chunk
            chunk = []
        chunk.append(t)
    if chunk:
        yield chunk


@dataclass
class Plan:
    """A checked experiment: its datasets, its trials, and how to chunk them."""

    experiment: Experiment
    registry: Registry
    datasets: dict[str, Dataset]
    trials: list[Trial]
    seeds_per_chunk: int

    def versions(self) -> dict[str, str]:
        """Versions of the libraries and of the plugins this experiment uses."""
        exp = self.experiment
        plugins = {self.registry.get("augmenters", n).plugin for n in exp.augmenters}
        plugins |= {self.registry.get("classifiers", n).plugin for n in exp.classifiers}
        return library_versions({p: " ".join(self.registry.provider(p)) for p in sorted(plugins)})


def make_plan(experiment: Experiment, registry: Registry | None = None) -> Plan:
    """Check an experiment and list its trials; every bad input surfaces here as a UsageError."""
    registry = registry or default_registry()
    batches = _validate(experiment, registry)
    datasets = load_datasets(experiment, registry)
    return Plan(experiment, registry, datasets, list_trials(experiment, datasets),
                SEEDS_PER_BATCH if batches else 1)


def run(
    experiment: Experiment | Plan | None = None, *, out: str | Path | None = None,
    registry: Registry | None = None, execution: Execution = Execution(),
    overwrite: bool = False, on_trial: Callable[[dict[str, Any]], None] | None = None,
    **fields: Any,
) -> Results:
    """Run an experiment, a checked :class:`Plan` of one, or one built from ``fields``
    (e.g. ``augmenters=("none", "smote")``).

    With ``out``, every finished trial is stored at once in ``out/results.sqlite``; running the
    same experiment on the same folder again resumes it (finished trials are skipped, failed
    ones rerun), and ``trials.csv``, ``summary.csv`` and ``comparisons.csv`` are exported at the
    end. ``on_trial(row)`` is called for each trial, resumed ones first, for progress displays.
    """
    job = experiment if isinstance(experiment, Plan) else make_plan(
        experiment or Experiment(**fields), registry)
    out = Path(out) if out is not None else None
    config, versions = experiment_config(job.experiment), job.versions()
    store = Store.for_experiment(out, config, versions, overwrite=overwrite)
    try:
        keys = [t.key for t in job.trials]
        done = store.finished_ok()
        if on_trial:
            for _, row in store.trials(done & set(keys)).iterrows():
                on_trial(row.to_dict())
        todo = [t for t in job.trials if t.key not in done]
        for row in execute(list(chunks(todo, job.seeds_per_chunk)), job.datasets, job.registry,
                           execution):
            store.add(row)
            if on_trial:
                on_trial(row)
        results = Results(store.trials(keys), baseline=job.experiment.baseline_augmenter,
                          config=config, versions=versions)
        if out is not None:
            # Stored so that 'augbench report' renders from the store without recomputing.
            store.set_meta(comparisons=results.comparisons.to_json(orient="split"),
                           comparisons_trials=str(len(results.trials)))
            results.write(out)
    except BaseException:
        if out is not None and len(partial := store.trials()):
            # An interrupted or failed run still exports whatever finished.
            partial.to_csv(out / "trials.csv", index=False)
        raise
    finally:
        store.close()
    return results


def load_results(out: str | Path) -> Results:
    """The results stored in a run's folder, finished or interrupted, without running anything."""
    store = Store.open_existing(Path(out))
    try:
        config = json.loads(store.meta("config") or "{}")
        versions = json.loads(store.meta("versions") or "{}")
        trials = store.trials()
        comparisons = None
        # An interrupted run stored none, or fewer trials than it now holds: compute them then.
        if store.meta("comparisons_trials") == str(len(trials)):
            comparisons = pd.read_json(io.StringIO(store.meta("comparisons")), orient="split")
    finally:
        store.close()
    if not len(trials):
        raise UsageError(f"{out} holds no finished trial yet.")
    return Results(trials, baseline=Experiment.from_config(config).baseline_augmenter,
                   out=Path(out), config=config, versions=versions,
                   precomputed_comparisons=comparisons)
