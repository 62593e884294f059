"""An experiment and its plan: what to run, checked before anything runs, as a list of trials."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from augbench.defaults import (
    DEFAULT_BASELINE,
    DEFAULT_SEEDS,
    DEFAULT_SIZES,
)
from augbench.errors import UsageError
from augbench.experiment.data import Dataset, split_names
from augbench.experiment.datasets import DataSpec
from augbench.experiment.protocol import Trial, positives_kept, split_rows
from augbench.experiment.tuning import DEFAULT_FOLDS, Tuning, trial_tuning, tuning_spaces
from augbench.plugin.capabilities import GPU_REQUIRED, Capabilities
from augbench.plugin.metric import Metric
from augbench.registry import Registry, default_registry

# The reference every run includes unless --baseline names another: the original data.
REFERENCE = DEFAULT_BASELINE
# The control --permutation-control adds: the classifier fitted on shuffled training labels.
PERMUTATION_CONTROL = "permuted-labels"
# Set by the protocol for every trial; a user value would break the pairing of seeds.
RESERVED_PARAMS = {"random_state": "the trial's seed", "sampling_strategy": "--ratio"}


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
    # What every augmenter is compared with: None for "none", the original data, which every
    # run then includes.
    baseline: str | None = None
    # Metric names to compute; None: every registered metric (the plan stores the names).
    metrics: tuple[str, ...] | None = None
    # Holm's family: "comparison" (the augmenters compared with the baseline on one dataset,
    # size, classifier and metric) or "run" (every comparison of the run).
    holm: str = "comparison"
    # Margins of practical equivalence by metric (--rope), over the metrics' declared ones: how
    # differences are read, not what a trial computes.
    rope: Mapping[str, float] = field(default_factory=dict)
    # Positive shares to thin every table to (a random subset of its positive rows per seed);
    # None keeps the tables as they are.
    prevalence: tuple[float, ...] | None = None
    # The columns an attribute-inference attack treats as secret; None: every column.
    sensitive: tuple[str, ...] | None = None
    # Parameters chosen per trial by an inner cross-validation on its training rows (--tune):
    # the folds, the metric optimised (None: the ranking metric), at most how many
    # configurations (None: the whole grid), and the values to try by augmenter or classifier
    # and parameter (the plan holds every tuned arm's, declared ones included).
    tune: bool = False
    tune_folds: int | None = None
    tune_metric: str | None = None
    tune_budget: int | None = None
    # How the configurations are searched (augbench.experiment.tuning.SEARCHES); None: every
    # configuration on every fold, the grid or a budget's random draw from it.
    tune_strategy: str | None = None
    tune_space: Mapping[str, Mapping[str, tuple[Any, ...]]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Experiment":
        """The experiment that `augbench.results.identity.experiment_config` described."""
        fields = {k: v for k, v in config.items() if k in {f.name for f in dataclasses.fields(cls)}}
        fields["data"] = tuple(DataSpec(**{k: tuple(v) if isinstance(v, list) else v
                                           for k, v in spec.items()}) for spec in fields["data"])
        fields["params"] = {k: dict(v) for k, v in fields.get("params", {}).items()}
        fields["tune_space"] = {name: {param: tuple(values) for param, values in space.items()}
                                for name, space in (fields.get("tune_space") or {}).items()}
        for name in ("augmenters", "classifiers", "sizes", "metrics", "prevalence", "sensitive"):
            if fields.get(name) is not None:
                fields[name] = tuple(fields[name])
        return cls(**fields)

    @property
    def baseline_augmenter(self) -> str:
        """What every augmenter is compared with: --baseline, else the original data."""
        return self.baseline if self.baseline is not None else REFERENCE


def with_permutation_control(augmenters: Sequence[str]) -> tuple[str, ...]:
    """``augmenters`` and the permuted-labels control (``--permutation-control``)."""
    augmenters = tuple(augmenters)
    return augmenters if PERMUTATION_CONTROL in augmenters else (*augmenters, PERMUTATION_CONTROL)


def resolve_sizes(sizes: Sequence[int | str], pool: int, name: str, defaults: bool,
                  capped: bool = False) -> list[int]:
    """Training sizes as row counts; ``full`` is the whole pool. Default sizes beyond it are
    dropped; ``capped`` (a run of several tables) runs a size beyond it at the whole pool."""
    out: list[int] = []
    for size in sizes:
        n = pool if str(size) == "full" else int(size)
        if capped and n > pool and not defaults:
            n = pool
        if n > pool or n < 4:
            if defaults:
                continue
            raise UsageError(f"training size {size} does not fit dataset '{name}': sizes must lie "
                             f"between 4 and {pool} (its training pool), or be 'full'.")
        if n not in out:
            out.append(n)
    return sorted(out)


def _validate(exp: Experiment, registry: Registry) -> dict[tuple[str, str], "Arm"]:
    """Check the experiment before any trial runs; the capabilities of each augmenter and
    classifier, keyed by (kind, name), with the GPU wish of its parameters."""
    for name, values in (("--augmenters", exp.augmenters), ("--classifiers", exp.classifiers),
                         ("--sizes", exp.sizes), ("--data", exp.data)):
        if not values:
            raise UsageError(f"{name} names nothing; give at least one (see 'augbench run --help').")
    if exp.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {exp.seeds}.")
    if exp.holm not in ("comparison", "run"):
        raise UsageError(f"--holm is 'comparison' or 'run', got '{exp.holm}'.")
    for metric, margin in exp.rope.items():
        if not (isinstance(margin, (int, float)) and 0 <= margin < float("inf")):
            raise UsageError(f"--rope {metric}={margin}: a margin of practical equivalence is a "
                             "number >= 0 in the metric's units (for example --rope roc_auc=0.02).")
    for share in exp.prevalence or ():
        if not 0 < share < 1:
            raise UsageError(f"--prevalence {share:g}: a prevalence is the table's positive share "
                             "and must lie strictly between 0 and 1 (for example 0.05).")
    if exp.prevalence is not None and len(set(exp.prevalence)) != len(exp.prevalence):
        raise UsageError("--prevalence names a share twice; give each once.")
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
        if plugin in (exp.metrics or ()):
            continue  # a metric's settings, checked by metric_settings
        if plugin not in chosen:
            raise UsageError(f"--set {plugin}.…: '{plugin}' is not among the chosen augmenters, "
                             f"classifiers, datasets and metrics ({', '.join(sorted(chosen))}).")
        for name in params:
            if name in RESERVED_PARAMS:
                raise UsageError(f"--set {plugin}.{name}: augbench sets {name} itself from "
                                 f"{RESERVED_PARAMS[name]}; remove it.")
    # Building each object once turns an unknown name or parameter into a usage error now,
    # not into thousands of failed trials later, and tells what each one can do.
    found: dict[tuple[str, str], Arm] = {}
    for kind, names in (("augmenters", exp.augmenters), ("classifiers", exp.classifiers)):
        for name in names:
            obj = registry.create(kind, name, **exp.params.get(name, {}))
            _check_parameters(kind, name, obj)
            capabilities = registry.capabilities(kind, name, obj)
            found[(kind, name)] = Arm(capabilities, capabilities.gpu(_params(obj)))
    return found


def _check_parameters(kind: str, name: str, obj: Any, change: str = "--set") -> None:
    """Validate an object's parameters once, before any trial, with the constraints it declares
    in scikit-learn's style (``_parameter_constraints``, which imbalanced-learn's samplers,
    scikit-learn's classifiers and augbench.TableOverSampler, with its ``_check_params``, have).
    An estimator inside another (a tuned threshold's, a pipeline step) is checked too."""
    get_params = getattr(obj, "get_params", None)
    nested = get_params(deep=False).values() if callable(get_params) else ()
    for inner in nested:
        if hasattr(inner, "get_params") and not isinstance(inner, type):
            _check_parameters(kind, name, inner, change)
    validate = getattr(obj, "_validate_params", None)
    if not callable(validate) or getattr(obj, "_parameter_constraints", None) is None:
        return
    try:
        validate()
    except (ValueError, TypeError) as exc:
        message = " ".join(str(exc).split()).rstrip(".")
        how = "VALUE" if change == "--set" else "V1,V2"
        raise UsageError(f"{kind[:-1]} '{name}': {message}. Change it with {change} "
                         f"{name}.PARAM={how}.") from None


@dataclass(frozen=True)
class Arm:
    """What an augmenter or classifier of the experiment can do, and whether its parameters
    ask for a GPU (``GPU_REQUIRED``, ``GPU_PREFERRED`` or None)."""

    capabilities: Capabilities
    gpu: str | None


def _params(obj: Any) -> dict[str, Any]:
    get = getattr(obj, "get_params", None)
    return dict(get(deep=False)) if callable(get) else {}


def _check_tables(exp: Experiment, arms: dict[tuple[str, str], Arm],
                  datasets: Mapping[str, Dataset], registry: Registry) -> None:
    """Refuse an augmenter that cannot take a table's categorical columns, before any trial."""
    for name in exp.augmenters:
        if arms[("augmenters", name)].capabilities.categorical:
            continue
        for ds in datasets.values():
            if ds.categorical_columns:
                columns = ", ".join(ds.categorical_columns[:6])
                more = f" and {len(ds.categorical_columns) - 6} more" \
                    if len(ds.categorical_columns) > 6 else ""
                raise UsageError(
                    f"augmenter '{name}' takes numeric columns only, but dataset '{ds.name}' has "
                    f"categorical columns ({columns}{more}). Use an augmenter that takes them "
                    f"({', '.join(_categorical_augmenters(registry))}), or leave those columns "
                    "out with --drop.")


def _categorical_augmenters(registry: Registry) -> list[str]:
    """Names of the augmenters that take categorical columns (for an error message only)."""
    names = []
    for name in registry.names("augmenters"):
        try:
            obj = registry.create("augmenters", name)
        except Exception:  # an augmenter that cannot even be built is no suggestion
            continue
        capabilities = registry.capabilities("augmenters", name, obj)
        if capabilities.categorical and not capabilities.relabels:  # a control is no suggestion
            names.append(name)
    return names


def list_trials(exp: Experiment, datasets: Mapping[str, Dataset],
                notes: list[str] | None = None) -> list[Trial]:
    """Every trial of the experiment, seed-major so that each seed's trials sit together;
    ``notes`` gains a line for each table that runs a size at its whole pool."""
    prevalences = exp.prevalence or (None,)
    sizes = {name: _dataset_sizes(exp, name, ds, len(datasets) > 1, notes)
             for name, ds in datasets.items()}
    _check_plan_size(exp, sizes)
    trials = []
    for name in datasets:
        for seed in range(exp.seeds):
            for prevalence in prevalences:
                for size in sizes[name]:
                    for aug in exp.augmenters:
                        for clf in exp.classifiers:
                            trials.append(Trial(
                                name, seed, size, aug, clf, exp.test_size, exp.ratio,
                                tuple(sorted(exp.params.get(aug, {}).items())),
                                tuple(sorted(exp.params.get(clf, {}).items())), prevalence,
                                _trial_tuning(exp, aug, clf)))
    return trials


def _dataset_sizes(exp: Experiment, name: str, ds: Dataset, several: bool = False,
                   notes: list[str] | None = None) -> list[int]:
    """The training sizes of one dataset: those the smallest pool of its prevalences can give,
    so that prevalences compare at equal training sizes. In a run of ``several`` tables (a
    suite), a size beyond a small table's pool runs at its whole pool, with a note."""
    # The split's class counts are the same for every seed: seed 0 stands for all.
    pools = []
    for prevalence in exp.prevalence or (None,):
        _check_prevalence(name, ds, prevalence)
        pool_rows, test_rows = split_rows(ds.y, 0, exp.test_size, prevalence)
        _check_split(name, ds, pool_rows, test_rows, exp.test_size, prevalence)
        pools.append(len(pool_rows))
    defaults = exp.sizes == DEFAULT_SIZES
    sizes = resolve_sizes(exp.sizes, min(pools), name, defaults=defaults, capped=several)
    beyond = [str(s) for s in exp.sizes if str(s) != "full" and int(s) > min(pools)]
    if several and beyond and not defaults and notes is not None:
        notes.append(f"note: dataset '{name}' has a training pool of {min(pools)} rows, so "
                     f"size {', '.join(beyond)} runs there at {min(pools)} (its whole pool).")
    if defaults and beyond and sizes and notes is not None:
        smaller = ", ".join(str(n) for n in sizes[:-1])
        runs = f"{smaller} and the whole pool" if smaller else "the whole pool only"
        notes.append(f"note: dataset '{name}' has a training pool of {min(pools)} rows, so the "
                     f"default size{'s' if len(beyond) > 1 else ''} {', '.join(beyond)} "
                     f"{'are' if len(beyond) > 1 else 'is'} left out: it runs {runs} "
                     f"({sizes[-1]}); give --sizes to choose others.")
    if not sizes:
        raise UsageError(f"dataset '{name}' has a training pool of {min(pools)} rows, smaller "
                         "than every default size; give --sizes.")
    return sizes


# The most trials one plan lists: each takes memory before any runs (a trial's coordinates,
# then its stored row), and a million already takes days of the fastest arms.
MAX_TRIALS = 1_000_000


def _check_plan_size(exp: Experiment, sizes: Mapping[str, Sequence[int]]) -> None:
    """Refuse a plan of more than MAX_TRIALS trials before any is listed, saying how many
    seeds fit."""
    per_seed = (sum(len(s) for s in sizes.values()) * len(exp.prevalence or (None,))
                * len(exp.augmenters) * len(exp.classifiers))
    if exp.seeds * per_seed <= MAX_TRIALS:
        return
    fits = MAX_TRIALS // per_seed
    fix = (f"give at most --seeds {fits:,}, or " if fits else "give ") + \
        "fewer sizes, augmenters, classifiers or datasets"
    raise UsageError(f"the plan holds {exp.seeds * per_seed:,} trials ({exp.seeds:,} seeds x "
                     f"{per_seed:,} per seed), more than {MAX_TRIALS:,}, the most one run "
                     f"plans; {fix}.")


def _trial_tuning(exp: Experiment, augmenter: str, classifier: str) -> Tuning | None:
    if not exp.tune:
        return None
    strategy = exp.tune_strategy or ("random" if exp.tune_budget else "grid")
    return trial_tuning(exp.tune_space, exp.tune_folds, exp.tune_metric, exp.tune_budget,
                        augmenter, classifier, strategy)


def _check_prevalence(name: str, ds: Dataset, prevalence: float | None) -> None:
    """Refuse a prevalence the table cannot be thinned to: thinning only removes positive rows."""
    if prevalence is None:
        return
    positives, negatives = int(ds.y.sum()), int((ds.y == 0).sum())
    if positives_kept(negatives, prevalence) > positives:
        raise UsageError(f"--prevalence {prevalence:g} is above the positive share of dataset "
                         f"'{name}' ({positives / len(ds.y):.3f}: {positives} positive rows of "
                         f"{len(ds.y)}); a prevalence thins the positive rows and cannot add any, "
                         "so give shares below it.")


def _check_split(name: str, ds: Dataset, pool: Any, test: Any, test_size: float,
                 prevalence: float | None = None) -> None:
    """Refuse a table whose split leaves too few positive rows to train or to test on."""
    positives = int(ds.y[np.concatenate([pool, test])].sum())
    in_test, in_pool = int(ds.y[test].sum()), int(ds.y[pool].sum())
    at = "" if prevalence is None else f" at --prevalence {prevalence:g}"
    rows = len(pool) + len(test)
    if in_test == 0 or in_test == len(test):
        raise UsageError(f"dataset '{name}'{at}: its test split ({test_size:g} of {rows} rows) "
                         f"holds {in_test} positive rows of {len(test)}, so nothing can be scored; "
                         "raise --test-size or the prevalence, or use a table with more rows of "
                         "each class.")
    if in_pool < 2:
        raise UsageError(f"dataset '{name}'{at} has {positives} positive rows, leaving {in_pool} "
                         "to train on after the test split; at least 2 are needed"
                         f"{'' if prevalence is None else ': raise the prevalence'}.")


def load_datasets(exp: Experiment, registry: Registry,
                  settings: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Dataset]:
    """Load every dataset of the experiment, keyed by a unique name; the columns a metric's
    ``sensitive`` setting names must be in each."""
    secret = dict.fromkeys(split_names(exp.sensitive))
    for values in (settings or {}).values():
        secret.update(dict.fromkeys(split_names(values.get(SENSITIVE))))
    datasets: dict[str, Dataset] = {}
    for spec in exp.data:
        ds = spec.load(registry)
        if ds.name in datasets:
            raise UsageError(f"two datasets are called '{ds.name}'; give each file a distinct name.")
        for column in secret:
            if column not in ds.X.columns:
                raise UsageError(f"--sensitive '{column}' is not a feature column of dataset "
                                 f"'{ds.name}'. Columns: {', '.join(map(str, ds.X.columns))}.")
        datasets[ds.name] = ds
    return datasets


# The setting --sensitive gives every metric that declares it: the columns an attribute-
# inference attack treats as secret (a list of feature columns, checked against each table).
SENSITIVE = "sensitive"


def metric_settings(exp: Experiment, metrics: Mapping[str, Metric]) -> dict[str, dict[str, Any]]:
    """Each metric's settings: its declared defaults, with the run's values (``--set
    METRIC.PARAM=V``; ``--sensitive`` for a metric that declares that setting), checked by the
    metric itself before any trial."""
    found = {}
    for name, spec in metrics.items():
        given = dict(exp.params.get(name, {}))
        unknown = sorted(set(given) - set(spec.settings))
        if unknown:
            takes = (f"its settings: {', '.join(spec.settings)}" if spec.settings else
                     "it takes none")
            raise UsageError(f"--set {name}.{unknown[0]}: metric '{name}' has no setting "
                             f"'{unknown[0]}'; {takes}.")
        if exp.sensitive is not None and SENSITIVE in spec.settings:
            if SENSITIVE in given:
                raise UsageError(f"--sensitive and --set {name}.{SENSITIVE} both name the "
                                 "secret columns; give one of them.")
            given[SENSITIVE] = exp.sensitive
        # Lists as tuples, as values reach a worker process: the same values everywhere.
        merged = {k: tuple(v) if isinstance(v, list) else v
                  for k, v in {**spec.settings, **given}.items()}
        if spec.check is not None:
            try:
                spec.check(merged)
            except (ValueError, TypeError) as exc:
                shown = ", ".join(f"{k}={v!r}" for k, v in given.items()) or "its defaults"
                raise UsageError(f"metric '{name}' cannot compute with {shown}: {exc}") from None
        found[name] = merged
    return found


# Seeds augmented together by augmenters that batch (a GAN trains them as one model).
SEEDS_PER_BATCH = 16


@dataclass
class Plan:
    """A checked experiment: its datasets, its trials, its metrics, what its augmenters and
    classifiers can do, and how many seeds go into one chunk of work."""

    experiment: Experiment
    registry: Registry
    datasets: dict[str, Dataset]
    trials: list[Trial]
    metrics: dict[str, Metric]
    arms: dict[tuple[str, str], Arm]
    # Metrics the tables and figures show: those asked for, else the headline ones.
    shown: tuple[str, ...] = ()
    # What planning decided that a user must hear of, one "note:" line each.
    notes: tuple[str, ...] = ()
    # Each metric's settings: its declared defaults with the run's values (metric_settings).
    metric_settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def batching(self) -> frozenset[str]:
        """The augmenters that augment many seeds in one call, which the loop chunks apart."""
        return frozenset(name for (kind, name), arm in self.arms.items()
                         if kind == "augmenters" and arm.capabilities.batches_seeds)

    def gpu(self, trial: Trial) -> str | None:
        """The strongest GPU wish of a trial's augmenter and classifier."""
        wishes = {self.arms[("augmenters", trial.augmenter)].gpu,
                  self.arms[("classifiers", trial.classifier)].gpu}
        return GPU_REQUIRED if GPU_REQUIRED in wishes else next(filter(None, wishes), None)

    def versions(self, libraries: Iterable[str] = ()) -> dict[str, str]:
        """Versions of the libraries and of the plugins this experiment uses: augbench's own,
        those its arms and metrics name, and ``libraries`` (what runs it, such as Ray)."""
        from augbench.results.provenance import library_versions

        exp = self.experiment
        plugins = {self.registry.get("augmenters", n).plugin for n in exp.augmenters}
        plugins |= {self.registry.get("classifiers", n).plugin for n in exp.classifiers}
        plugins |= {self.registry.get("metrics", n).plugin for n in self.metrics}
        named = set(libraries)
        named |= {lib for arm in self.arms.values() for lib in arm.capabilities.libraries}
        named |= {lib for spec in self.metrics.values() for lib in spec.libraries}
        return library_versions(named, {p: " ".join(self.registry.provider(p))
                                        for p in sorted(plugins)})


def make_plan(experiment: Experiment, registry: Registry | None = None) -> Plan:
    """Check an experiment and list its trials; every bad input surfaces here as a UsageError.

    The plan's experiment names its metrics, so that the stored configuration says which ran.

    Args:
        experiment: The experiment.
        registry: Where its augmenters, classifiers, datasets and metrics are found by name
            (default: the installed plugins).

    Returns:
        The checked `Plan`: its `trials`, tables read, metric specs and notes; `augbench.run`
            runs it.

    Raises:
        UsageError: An unknown name, a bad value, or data that cannot be read.

    Examples:
        >>> import augbench
        >>> experiment = augbench.Experiment(augmenters=("none", "smote"),
        ...                                  sizes=(100,), seeds=2)
        >>> len(augbench.make_plan(experiment).trials)
        4
    """
    registry = registry or default_registry()
    asked = experiment.metrics
    if asked is not None and not asked:
        raise UsageError("--metrics names no metric; give at least one (see 'augbench plugins').")
    metrics = registry.metrics(asked)
    shown = tuple(asked) if asked else tuple(n for n, m in metrics.items() if m.headline)
    experiment = dataclasses.replace(experiment, metrics=tuple(metrics))
    _check_margins(experiment.rope, metrics)
    if not experiment.augmenters:
        raise UsageError("--augmenters names nothing; give at least one (see 'augbench plugins').")
    if experiment.baseline is None and REFERENCE not in experiment.augmenters:
        # Every augmenter is compared with the original data unless --baseline says otherwise.
        experiment = dataclasses.replace(experiment,
                                         augmenters=(REFERENCE, *experiment.augmenters))
    experiment, notes = _without_repeats(experiment)
    arms = _validate(experiment, registry)
    if experiment.tune:
        experiment, tuning_notes = _planned_tuning(experiment, arms, registry)
        notes += tuning_notes
        if not experiment.tune_space:
            notes += ("note: --tune: no augmenter or classifier of the run declares values to "
                      "try, and --tune-space gives none; every trial runs at its parameters.",)
    settings = metric_settings(experiment, metrics)
    datasets = load_datasets(experiment, registry, settings)
    _check_tables(experiment, arms, datasets, registry)
    notes = list(notes)
    trials = list_trials(experiment, datasets, notes)
    return Plan(experiment, registry, datasets, trials, metrics, arms,
                shown or tuple(metrics), tuple(notes), metric_settings=settings)


def _check_margins(margins: Mapping[str, float], metrics: Mapping[str, Metric]) -> None:
    """--rope names metrics the run compares seed by seed (those of the predictions)."""
    compared = [n for n, m in metrics.items() if m.needs == "predictions"]
    for name in margins:
        if name not in compared:
            raise UsageError(f"--rope {name}=...: '{name}' is not a metric this run compares "
                             f"with the baseline; choose one of {', '.join(compared)}.")


def _planned_tuning(exp: Experiment, arms: dict[tuple[str, str], "Arm"],
                    registry: Registry) -> tuple[Experiment, tuple[str, ...]]:
    """The experiment with its tuning settled: the folds, the metric, and every arm's values
    to try (declared, with --tune-space on top, less the parameters --set fixes), each value
    checked as --set checks one; and a note for each declared parameter --set fixes."""
    folds = exp.tune_folds if exp.tune_folds is not None else DEFAULT_FOLDS
    if folds < 2:
        raise UsageError(f"--tune-folds must be at least 2, got {folds}.")
    if exp.tune_budget is not None and exp.tune_budget < 1:
        raise UsageError(f"--tune-budget must be at least 1, got {exp.tune_budget}.")
    if exp.tune_strategy == "random" and exp.tune_budget is None:
        raise UsageError("--tune-strategy random draws --tune-budget N configurations at "
                         "random; give the budget, or another strategy.")
    if exp.tune_strategy == "grid" and exp.tune_budget is not None:
        raise UsageError("--tune-strategy grid tries every configuration; leave out "
                         "--tune-budget, or choose random or halving.")
    if exp.tune_strategy in ("grid", "random"):
        exp = dataclasses.replace(exp, tune_strategy=None)  # what the budget implies already
    everything = registry.metrics()
    metric = exp.tune_metric or next(n for n, m in everything.items() if m.role == "ranking")
    if metric not in everything or everything[metric].needs != "predictions":
        scored = [n for n, m in everything.items() if m.needs == "predictions"]
        raise UsageError(f"--tune-metric '{metric}' is not a metric of the predictions; choose "
                         f"one of {', '.join(scored)}.")
    _refuse_fixed_and_tuned(exp)
    kinds = {name: kind for kind, name in arms}
    declared, notes = {}, []
    for (_, name), arm in arms.items():
        fixed = exp.params.get(name, {})
        declared[name] = tuple((p, v) for p, v in arm.capabilities.search_space if p not in fixed)
        notes += [f"note: --tune: {name}.{param} is fixed by --set {name}.{param}="
                  f"{_shown(fixed[param])}, so its declared values ({_shown(*values)}) are not "
                  "tried." for param, values in arm.capabilities.search_space if param in fixed]
    spaces = tuning_spaces(exp.tune_space, declared, list(kinds))
    for name, space in spaces.items():
        for param, values in space.items():
            if param in RESERVED_PARAMS:
                raise UsageError(f"--tune-space {name}.{param}: augbench sets {param} itself "
                                 f"from {RESERVED_PARAMS[param]}; remove it.")
            for value in values:
                _check_tuned_value(registry, kinds[name], name, exp.params.get(name, {}),
                                   param, value)
    exp = dataclasses.replace(exp, tune_folds=folds, tune_metric=metric, tune_space=spaces)
    for augmenter in exp.augmenters:
        for classifier in exp.classifiers:
            tuning = _trial_tuning(exp, augmenter, classifier)
            if tuning is not None and tuning.size() > MAX_GRID:
                raise UsageError(
                    f"--tune: a trial of {augmenter} with {classifier} has a grid of "
                    f"{tuning.size():.3g} configurations, more than a budget can draw from "
                    f"({MAX_GRID:.3g}); give fewer --tune-space values.")
            if tuning is not None and tuning.tried() > MAX_CONFIGURATIONS:
                raise UsageError(
                    f"--tune: a trial of {augmenter} with {classifier} would try "
                    f"{tuning.tried():,} configurations, more than {MAX_CONFIGURATIONS:,}, the "
                    "most a trial tries; give fewer --tune-space values, or --tune-budget N to "
                    "try N of them at random.")
    return exp, tuple(notes)


# The most configurations one trial tries: each is fitted on every inner fold of every trial.
MAX_CONFIGURATIONS = 10_000
# The largest grid --tune-budget draws from: numpy draws positions below 2**63.
MAX_GRID = 2**62


def _refuse_fixed_and_tuned(exp: Experiment) -> None:
    """Refuse a parameter both fixed (--set) and tuned (--tune-space): one of them would be
    dropped."""
    for name, space in exp.tune_space.items():
        for param, values in space.items():
            if param in exp.params.get(name, {}):
                fixed = _shown(exp.params[name][param])
                raise UsageError(
                    f"--set {name}.{param}={fixed} fixes what --tune-space {name}.{param}="
                    f"{','.join(map(_shown, values))} tunes; remove the --set to tune it, or "
                    f"the --tune-space to keep {fixed} (in a file: [params.{name}] or "
                    f"[tune.{name}]).")


def _check_tuned_value(registry: Registry, kind: str, name: str, params: Mapping[str, Any],
                       param: str, value: Any) -> None:
    """Build the arm with one value --tune tries, as _validate builds it with --set's."""
    where = f"--tune-space {name}.{param}={_shown(value)}"
    try:
        obj = registry.get(kind, name).provided(**{**params, param: value})
    except TypeError as exc:
        raise UsageError(f"{where}: {kind[:-1]} '{name}' rejected it: {exc}. Check the names "
                         f"given with --tune-space {name}.PARAM=V1,V2.") from None
    try:
        _check_parameters(kind, name, obj, change="--tune-space")
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _shown(*values: Any) -> str:
    """Values as the command line writes them."""
    return ", ".join(v if isinstance(v, str) else repr(v) for v in values)


def _without_repeats(experiment: Experiment) -> tuple[Experiment, tuple[str, ...]]:
    """The experiment with each augmenter and classifier once, and a note for each repeated."""
    notes, once = [], {}
    for kind in ("augmenters", "classifiers"):
        names = getattr(experiment, kind)
        once[kind] = tuple(dict.fromkeys(names))
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            notes.append(f"note: --{kind} names {', '.join(repeated)} more than once; each runs "
                         "once.")
    return dataclasses.replace(experiment, **once), tuple(notes)
