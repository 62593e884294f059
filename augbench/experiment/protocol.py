"""One trial of the protocol: split, draw, impute, augment the training rows only, fit, score.

For seed ``s`` the test rows depend on ``s`` alone (and on the prevalence, where one thins the
table), so every size, augmenter and classifier of that seed is scored on the same rows (paired
comparisons). Training rows of a smaller size are a subset of those of a larger one, and the
positive rows kept at a lower prevalence a subset of those kept at a higher one. Every random
choice takes a seed derived from the trial's coordinates, so a trial gives the same numbers
alone, in any order, in parallel or elsewhere.
"""

from __future__ import annotations

import signal
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from augbench.experiment.data import Dataset
from augbench.experiment.preprocess import TrainImputer, classifier_pipeline
from augbench.experiment.seeding import derive_rng, derive_seed
from augbench.experiment.tuning import (
    Choice,
    Tuning,
    TuningError,
    inner_folds,
    make_folds,
    tune,
    used_values,
    with_choice,
)
from augbench.plugin.capabilities import Capabilities
from augbench.plugin.contract import check_rows
from augbench.plugin.kit import quiet, rows_to_add
from augbench.plugin.metric import Metric, MetricInput, calibration_bins
from augbench.registry import Registry, default_registry
from augbench.results.row import TrialKey, TrialResult

Params = tuple[tuple[str, Any], ...]
MIN_PER_CLASS = 2
# Probabilities are rounded to this many decimals before any metric reads them. Rank metrics
# (ROC-AUC, PR-AUC) and calibration bins read ties, and two patients whose probabilities are
# equal in exact arithmetic (identical rows, say) can differ in the last bit with the CPU's
# BLAS kernel: rounded far above that noise (1e-16), they tie on every machine.
PROBA_DECIMALS = 12


@dataclass(frozen=True)
class Trial:
    """The coordinates and settings of one trial; the data itself is looked up by name."""

    dataset: str
    seed: int
    size: int
    augmenter: str
    classifier: str
    test_size: float = 0.3
    ratio: float = 1.0
    augmenter_params: Params = ()
    classifier_params: Params = ()
    # The table's positive share after thinning its positive rows; None keeps the table as is.
    prevalence: float | None = None
    # How its parameters are chosen on its training rows (--tune); None: as given.
    tuning: Tuning | None = None

    @property
    def key(self) -> TrialKey:
        """What identifies the trial among a run's results."""
        return TrialKey(self.dataset, self.size, self.seed, self.augmenter, self.classifier,
                        self.prevalence)

    @property
    def rows_key(self) -> tuple:
        """What identifies its training and test rows (shared by its augmenters)."""
        return (self.dataset, self.seed, self.test_size, self.size, self.prevalence)

    @property
    def augment_key(self) -> tuple:
        """What identifies its augmented training set (shared by its classifiers)."""
        return (*self.rows_key, self.augmenter, self.augmenter_params, self.ratio)


def positives_kept(n_negative: int, prevalence: float) -> int:
    """How many positive rows give a table with ``n_negative`` negative rows the positive share
    ``prevalence`` (to the nearest row)."""
    return int(round(prevalence * n_negative / (1 - prevalence)))


def prevalence_rows(y: np.ndarray, seed: int, prevalence: float | None) -> np.ndarray:
    """The rows of a table thinned to the positive share ``prevalence``: every negative row and
    a random subset of the positive ones (all rows when None).

    The positive rows are shuffled once per seed and a prevalence keeps a prefix, so a lower
    prevalence keeps a subset of the rows a higher one keeps.
    """
    if prevalence is None:
        return np.arange(len(y))
    positive, negative = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    keep = positives_kept(len(negative), prevalence)
    if keep > len(positive):
        raise ValueError(f"prevalence {prevalence:g} needs {keep} positive rows, the table has "
                         f"{len(positive)}")
    kept = derive_rng(seed, "prevalence").permutation(positive)[:keep]
    return np.sort(np.concatenate([negative, kept]))


def split_rows(y: np.ndarray, seed: int, test_size: float,
               prevalence: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (pool, test) row numbers of the table thinned to ``prevalence``."""
    rows = prevalence_rows(y, seed, prevalence)
    pool, test = split_indices(y[rows], seed, test_size)
    return rows[pool], rows[test]


def split_indices(y: np.ndarray, seed: int, test_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (pool, test) row indices; they depend on the seed alone."""
    rng = derive_rng(seed, "split")
    pool, test = [], []
    for cls in (0, 1):
        idx = rng.permutation(np.flatnonzero(y == cls))
        n_test = int(round(test_size * len(idx)))
        test.append(idx[:n_test])
        pool.append(idx[n_test:])
    return np.sort(np.concatenate(pool)), np.sort(np.concatenate(test))


def draw_indices(y: np.ndarray, pool: np.ndarray, seed: int, size: int) -> np.ndarray:
    """``size`` stratified training rows from ``pool``; a smaller size draws a subset of a larger.

    Each class of the pool is shuffled once per seed and a size takes a prefix of each, so sizes
    nest. At least two rows of each class are kept so that both classes can be learnt.
    """
    rng = derive_rng(seed, "draw")
    pos = rng.permutation(pool[y[pool] == 1])
    neg = rng.permutation(pool[y[pool] == 0])
    if not 2 * MIN_PER_CLASS <= size <= len(pool):
        raise ValueError(f"size {size} is outside 4..{len(pool)} (the training pool)")
    n_pos = int(np.clip(round(size * len(pos) / len(pool)), MIN_PER_CLASS, len(pos)))
    n_neg = size - n_pos
    if n_neg > len(neg):
        n_neg, n_pos = len(neg), size - len(neg)
    return np.sort(np.concatenate([pos[:n_pos], neg[:n_neg]]))


@dataclass
class TrialData:
    """The imputed training and test rows of one (dataset, seed, size), with their row numbers,
    and the training pool's rows the draw left out (never test rows; imputed with the training
    rows' values) in two disjoint halves: the reserve, which augmenters that add real rows draw
    from, and the reference, a sample of the population for privacy attacks. Disjoint, so that
    the real rows a control adds are independent of the sample an attack compares them with.
    The reserve and reference rows are taken from the table when first read: most runs need
    neither (no privacy metric, no augmenter that draws real rows)."""

    X_train: pd.DataFrame
    y_train: np.ndarray
    X_test: pd.DataFrame
    y_test: np.ndarray
    train_rows: np.ndarray
    test_rows: np.ndarray
    reserve_rows: np.ndarray
    reference_rows: np.ndarray
    # The table the rows are taken from, its labels, and the imputer fitted on the training rows.
    table: pd.DataFrame = field(repr=False)
    labels: np.ndarray = field(repr=False)
    imputer: TrainImputer = field(repr=False)
    # The training rows before imputation: inner folds of --tune impute them from their own
    # training part.
    X_train_raw: pd.DataFrame | None = None

    def _raw(self, rows: np.ndarray) -> pd.DataFrame:
        return self.table.iloc[rows].reset_index(drop=True)

    @property
    def y_reserve(self) -> np.ndarray:
        return self.labels[self.reserve_rows]

    @property
    def y_reference(self) -> np.ndarray:
        return self.labels[self.reference_rows]

    @cached_property
    def X_reserve_raw(self) -> pd.DataFrame:
        """The reserve rows before imputation (an inner fold imputes them itself)."""
        return self._raw(self.reserve_rows)

    @cached_property
    def X_reserve(self) -> pd.DataFrame:
        return self.imputer.transform(self.X_reserve_raw)

    @cached_property
    def X_reference(self) -> pd.DataFrame:
        return self.imputer.transform(self._raw(self.reference_rows))


def prepare(dataset: Dataset, seed: int, size: int, test_size: float,
            prevalence: float | None = None) -> TrialData:
    """Steps 1-3 of the protocol: thin the table to ``prevalence`` (when given), split, draw
    ``size`` training rows, impute from them alone."""
    pool, test = split_rows(dataset.y, seed, test_size, prevalence)
    train = draw_indices(dataset.y, pool, seed, size)
    reserve, reference = split_unused(dataset.y, np.setdiff1d(pool, train), seed)
    X_train = dataset.X.iloc[train].reset_index(drop=True)
    imputer = TrainImputer().fit(X_train)
    X_test = imputer.transform(dataset.X.iloc[test].reset_index(drop=True))
    return TrialData(imputer.transform(X_train), dataset.y[train], X_test, dataset.y[test],
                     train, test, reserve, reference, dataset.X, dataset.y, imputer, X_train)


def split_unused(y: np.ndarray, unused: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The pool rows a draw left out, in two halves of each class, at random (seeded): the
    reserve (the first half) and the reference."""
    rng = derive_rng(seed, "reserve")
    halves: tuple[list, list] = ([], [])
    for cls in (0, 1):
        rows = rng.permutation(unused[y[unused] == cls])
        halves[0].append(rows[: len(rows) // 2])
        halves[1].append(rows[len(rows) // 2:])
    return np.sort(np.concatenate(halves[0])), np.sort(np.concatenate(halves[1]))


@dataclass
class _Augmented:
    X: pd.DataFrame | None = None
    y: np.ndarray | None = None
    seconds: float = float("nan")
    error: str = ""
    # Values of the metrics of the synthetic rows, by name.
    scores: dict[str, float] = field(default_factory=dict)
    # The fitted augmenter (solo fits only), for those metrics; dropped once they are computed.
    augmenter: Any = None
    # The values it says it used in place of its parameters (tuning.used_values).
    used: dict[str, Any] = field(default_factory=dict)


def describe_error(exc: BaseException) -> str:
    """``Type: message`` on one line, at most 500 characters, for a result's error column."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500]


@dataclass
class TrialRunner:
    """Runs trials, sharing splits and augmentations between the trials it is given at once.

    ``metrics`` are the specs to compute (default: every registered metric).
    """

    datasets: Mapping[str, Dataset]
    registry: Registry = field(default_factory=default_registry)
    fail_fast: bool = False
    # Seconds allowed for each step of a trial: augmenting (per seed) and fitting.
    timeout: float | None = None
    metrics: Mapping[str, Metric] | None = None
    # Each metric's settings (its declared defaults with the run's values, see make_plan); a
    # metric not named here reads its defaults.
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.metrics is None:
            self.metrics = self.registry.metrics()
        self._capabilities: dict[tuple, Capabilities] = {}

    def _capabilities_of(self, t: Trial, augmenter: Any) -> Capabilities:
        """What the trial's augmenter can do, read once per augmenter and parameters (reading
        scikit-learn's tags for every seed would be work repeated in the trial loop)."""
        key = (t.augmenter, t.augmenter_params)
        if key not in self._capabilities:
            self._capabilities[key] = self.registry.capabilities("augmenters", t.augmenter,
                                                                 augmenter)
        return self._capabilities[key]

    def run(self, trials: Iterable[Trial]) -> Iterator[TrialResult]:
        """Yield one result per trial, in the order given."""
        trials = list(trials)
        prepared: dict[tuple, TrialData] = {}
        for t in trials:
            if t.rows_key not in prepared:
                prepared[t.rows_key] = prepare(self.datasets[t.dataset], t.seed, t.size,
                                               t.test_size, t.prevalence)
        # Augmentations of inner folds, shared by the classifiers of a seed tuned on them: only
        # the trials of this chunk share them, so they go with it.
        fold_augmentations: dict[tuple, dict] = {}
        # A tuned trial is refitted with the values its inner folds chose: the trial that then
        # runs, its augmentation shared (and batched) with every trial that chose the same.
        choices = {}
        for t in (t for t in trials if t.tuning):
            start = time.perf_counter()
            choice = self._tune(t, prepared[t.rows_key], fold_augmentations)
            choices[t.key] = replace(choice, seconds=time.perf_counter() - start)
        chosen = [with_choice(t, choices[t.key]) if t.key in choices else t for t in trials]
        augmented = self._augment_all([c for c in chosen if not choices.get(c.key, Choice()).error],
                                      prepared)
        for t in chosen:
            choice = choices.get(t.key)
            if choice is not None and choice.error:
                yield TrialResult(t.key, error=choice.error, n_train=t.size)
                continue
            result = self._fit_and_score(t, prepared[t.rows_key], augmented[t.augment_key])
            if choice is not None:
                result.tuned_params = choice.as_dict(augmented[t.augment_key].used)
                result.tune_score = choice.score
                result.tune_seconds = choice.seconds
                result.tune_candidates = list(choice.candidates)
            yield result

    def _tune(self, t: Trial, data: TrialData, cache: dict) -> Choice:
        """The values a tuned trial's inner folds choose (see augbench.experiment.tuning)."""
        try:
            splits = inner_folds(data.y_train, t.seed, t.size, t.tuning.folds)
        except TuningError as exc:
            if self.fail_fast:
                raise
            return Choice(error=f"tune: {exc}")
        folds = make_folds(data.X_train_raw, data.y_train, data.X_reserve_raw, data.y_reserve,
                           splits)

        def augment(arm: Trial, rows: list, seeds: list[int]) -> list[tuple]:
            return [(a.X, a.y, a.error) for a in self._augment_group(arm, rows, seeds)]

        def predict(arm: Trial, X: pd.DataFrame, y: np.ndarray, X_valid: pd.DataFrame) -> tuple:
            with quiet():  # the notes of dozens of inner fits would drown the run's output
                model, _ = self._fitted(arm, X, y)
                return _predictions(model, X_valid)

        metric = self.metrics.get(t.tuning.metric) or self.registry.metrics([t.tuning.metric])[
            t.tuning.metric]
        return tune(t, folds, metric, augment, predict, cache, self.fail_fast,
                    self.settings_of(t.tuning.metric, metric))

    def settings_of(self, name: str, metric: Metric) -> Mapping[str, Any]:
        """The settings metric ``name`` computes with: the run's, else its declared defaults."""
        return self.settings.get(name, metric.settings)

    def _augment_all(self, trials: list[Trial], prepared: dict) -> dict[tuple, _Augmented]:
        """Augment each distinct training set once; batch the seeds where the augmenter can."""
        # Trials that differ only by seed form a group; one trial stands for each training set.
        groups: dict[tuple, dict[tuple, Trial]] = {}
        for t in trials:
            group_key = (t.dataset, t.test_size, t.size, t.prevalence, t.augmenter,
                         t.augmenter_params, t.ratio)
            groups.setdefault(group_key, {}).setdefault(t.augment_key, t)
        results: dict[tuple, _Augmented] = {}
        for by_seed in groups.values():
            group = list(by_seed.values())
            data = [prepared[t.rows_key] for t in group]
            seeds = [derive_seed(t.seed, "augment", t.size) for t in group]
            for t, outcome, d in zip(group, self._augment_group(group[0], data, seeds), data):
                if not outcome.error:
                    # Metrics of the synthetic rows do not depend on the classifier: once here.
                    try:
                        with quiet():
                            outcome.scores = self._score("synthetic", d, outcome)
                    except MetricError as exc:
                        if self.fail_fast:
                            raise
                        outcome.error = str(exc)
                outcome.used = used_values(outcome.augmenter, t.augmenter_params)
                outcome.augmenter = None  # a fitted model can be large; the metrics are done
                results[t.augment_key] = outcome
        return results

    def _make_augmenter(self, t: Trial, random_state: int | None) -> Any:
        return self.registry.create("augmenters", t.augmenter, **dict(t.augmenter_params),
                                    sampling_strategy=t.ratio, random_state=random_state)

    def _augment_group(self, t: Trial, data: list[TrialData], seeds: list[int]) -> list[_Augmented]:
        """Augment the training sets of several seeds: batched if offered, else one by one."""
        if len(data) > 1:
            augmenter = self._make_augmenter(t, None)
            capabilities = self._capabilities_of(t, augmenter)
            if capabilities.batches_seeds:
                try:
                    # As alone (_augment_one): a training set with nothing to top up is never
                    # handed to the augmenter, which would top up another class (imbalanced-learn's
                    # meaning of the ratio).
                    todo = [i for i, d in enumerate(data)
                            if capabilities.relabels or rows_to_add(d.y_train, t.ratio) > 0]
                    start = time.perf_counter()
                    with quiet(), time_limit(self.timeout and self.timeout * len(todo)):
                        outputs = augmenter.fit_resample_many(
                            [data[i].X_train for i in todo], [data[i].y_train for i in todo],
                            [seeds[i] for i in todo]) if todo else []
                    seconds = (time.perf_counter() - start) / max(len(todo), 1)
                    done = dict(zip(todo, outputs))
                    return [_Augmented(*_checked(done[i], d.X_train, d.y_train, t.augmenter),
                                       seconds) if i in done
                            else _Augmented(d.X_train, d.y_train, 0.0)
                            for i, d in enumerate(data)]
                except Exception:
                    if self.fail_fast:
                        raise
                    # One bad training set must not fail its whole batch: retry each alone.
        return [self._augment_one(t, d, s) for d, s in zip(data, seeds)]

    def _augment_one(self, t: Trial, data: TrialData, seed: int) -> _Augmented:
        try:
            # Built before the clock starts: a factory's first call imports its library.
            augmenter = self._make_augmenter(t, seed)
            capabilities = self._capabilities_of(t, augmenter)
            relabels = capabilities.relabels
            if not relabels and (not capabilities.adds_rows
                                 or rows_to_add(data.y_train, t.ratio) == 0):
                # Nothing to top up (samplers such as imbalanced-learn's would refuse the call),
                # or an arm that declares it adds no row (none): the contract says it returns
                # the training rows as they are, so it is not called for them.
                return _Augmented(data.X_train, data.y_train, 0.0)
            if capabilities.draws_reserve:
                augmenter.with_reserve(data.X_reserve, data.y_reserve)
            start = time.perf_counter()
            with quiet(), time_limit(self.timeout):
                out = augmenter.fit_resample(data.X_train, data.y_train)
            seconds = time.perf_counter() - start
            return _Augmented(*_checked(out, data.X_train, data.y_train, t.augmenter, relabels),
                              seconds, augmenter=augmenter)
        except Exception as exc:
            if self.fail_fast:
                raise
            return _Augmented(error=f"augment: {describe_error(exc)}")

    def _score(self, needs: str, data: TrialData, aug: _Augmented,
               proba: np.ndarray | None = None,
               decided: np.ndarray | None = None) -> dict[str, float]:
        """The values of the metrics that need ``needs``; NaN for synthetic-row metrics of a
        trial that added no row."""
        chosen = {n: m for n, m in self.metrics.items() if m.needs == needs}
        n_train = len(data.y_train)
        if not chosen or (needs == "synthetic" and len(aug.y) == n_train):
            return {name: float("nan") for name in chosen}
        synthetic = needs == "synthetic"
        inp = MetricInput(data.X_train, data.y_train, data.X_test, data.y_test,
                          X_synthetic=aug.X.iloc[n_train:].reset_index(drop=True),
                          augmenter=aug.augmenter if synthetic else None,
                          # The privacy attacks' population sample, for the metrics of the
                          # synthetic rows only: a run without them never takes it from the table.
                          X_reference=data.X_reference[data.y_reference == 1]
                          .reset_index(drop=True) if synthetic else None)
        if proba is not None:
            inp.y_true, inp.proba, inp.y_pred = data.y_test, proba, decided
        values = {}
        for name, metric in chosen.items():
            inp.settings = self.settings_of(name, metric)
            try:
                values[name] = float(metric.function(inp))
            except Exception as exc:
                raise MetricError(f"metric '{name}': {describe_error(exc)}") from exc
        return values

    def _fit_and_score(self, t: Trial, data: TrialData, aug: _Augmented) -> TrialResult:
        result = TrialResult(t.key, error=aug.error, n_train=len(data.y_train),
                             n_train_positive=int(data.y_train.sum()), n_synthetic=0,
                             n_test=len(data.y_test), n_test_positive=int(data.y_test.sum()),
                             n_reserve_positive=int(data.y_reserve.sum()),
                             augment_seconds=aug.seconds)
        if aug.error:
            return result
        result.n_synthetic = len(aug.y) - len(data.y_train)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model, result.fit_seconds = self._fitted(t, aug.X, aug.y)
                proba, decided = _predictions(model, data.X_test)
                scores = self._score("predictions", data, aug, proba, decided)
                result.calibration = calibration_bins(data.y_test, proba).tolist()
            result.metrics = {name: scores.get(name, aug.scores.get(name, float("nan")))
                              for name in self.metrics}
            result.warnings = "; ".join(sorted({describe_error(w.message) for w in caught}))[:500]
            result.status = "ok"
        except MetricError as exc:
            if self.fail_fast:
                raise
            result.error = str(exc)
        except Exception as exc:
            if self.fail_fast:
                raise
            result.error = f"fit: {describe_error(exc)}"
        return result


    def _fitted(self, t: Trial, X: pd.DataFrame, y: np.ndarray) -> tuple[Any, float]:
        """The trial's classifier behind its preprocessing, fitted on ``X, y``, and the
        seconds the fit took."""
        classifier = self.registry.create("classifiers", t.classifier, **dict(t.classifier_params))
        # Every random_state, nested ones included (a tuned or wrapped estimator's), takes the
        # trial's seed: the same for every augmenter of a seed and size.
        seed = derive_seed(t.seed, "classifier", t.size, t.classifier)
        seeded = {k: seed for k in classifier.get_params() if k.endswith("random_state")}
        if seeded:
            classifier.set_params(**seeded)
        model = classifier_pipeline(classifier, X)
        start = time.perf_counter()
        with time_limit(self.timeout):
            model.fit(X, y)
        return model, time.perf_counter() - start


def _predictions(model: Any, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The positive class's probabilities, rounded above float noise, and the classifier's own
    positive decisions (0.5 for most, a tuned threshold for some; a classifier with
    predict_proba alone decides at 0.5)."""
    proba = model.predict_proba(X)[:, list(model.classes_).index(1)]
    proba = np.round(proba, PROBA_DECIMALS)
    decided = model.predict(X) == 1 if hasattr(model, "predict") else proba > 0.5
    return proba, decided


class MetricError(Exception):
    """A metric's function raised: the trial fails with the metric named."""


def failed_result(t: Trial, error: str) -> TrialResult:
    """The result of a trial that failed with ``error`` before it could run."""
    return TrialResult(t.key, error=error, n_train=t.size)


class TrialTimeout(Exception):
    """A step of a trial ran past ``--trial-timeout``."""


# While an import runs, the timeout waits this long and looks again.
IMPORT_GRACE_SECONDS = 0.05


def _importing(frame: Any) -> bool:
    """True when ``frame`` or a caller runs Python's import machinery."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TrialTimeout in this thread after ``seconds`` (none when None or off the main thread).

    A signal interrupts Python code; a long call inside a C extension is interrupted when it
    returns to Python. An import is never interrupted: a library left half-loaded (torch, say)
    can crash the process later, so the timeout waits for the import to finish.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        if _importing(frame):
            signal.setitimer(signal.ITIMER_REAL, IMPORT_GRACE_SECONDS)
            return
        raise TrialTimeout(f"took longer than the trial timeout of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _checked(out: Any, X: pd.DataFrame, y: np.ndarray, name: str,
             relabels: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """The augmenter's output, if it keeps the contract's rules about rows and labels."""
    X_res, y_res = out
    return check_rows(X, y, X_res, y_res, name, relabels)


def run_trial(trial: Trial, datasets: Mapping[str, Dataset],
              registry: Registry | None = None) -> TrialResult:
    """Run one trial on its own, as a run runs each of its trials.

    Args:
        trial: The trial: its dataset, size, seed, augmenter, classifier and settings.
        datasets: The tables by name; the trial's `dataset` names one.
        registry: Where its augmenter, classifier and metrics are found (default: the
            installed plugins).

    Returns:
        Its `TrialResult`: the metrics, row counts and timings, or the error it failed with.
    """
    runner = TrialRunner(datasets, registry or default_registry())
    return next(runner.run([trial]))
