"""Nested tuning (``--tune``): each trial chooses its augmenter's and classifier's parameters by
a cross-validation on its own training rows, then refits the best configuration on all of them.

Inside each inner fold the training part is imputed, augmented and fitted on, and the
validation part, never augmented, is scored: the outer test rows are never seen. The folds, and
the seeds of the augmentations within them, depend on the trial's seed and size alone, so
every augmenter and classifier of a seed is tuned on the same folds, as every arm is tested on
the same rows. An augmentation of a fold is computed once for every classifier configuration
that uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from augbench.errors import UsageError
from augbench.experiment.preprocess import TrainImputer
from augbench.experiment.seeding import derive_rng, derive_seed
from augbench.plugin.metric import Metric, MetricInput

# (parameter, values) pairs, as Capabilities.search_space holds them.
Space = tuple[tuple[str, tuple[Any, ...]], ...]
Params = tuple[tuple[str, Any], ...]
DEFAULT_FOLDS = 3


@dataclass(frozen=True)
class Tuning:
    """How one trial is tuned: the inner folds, the metric optimised on them, at most how many
    configurations (None: the whole grid), the values tried for each parameter of the
    augmenter and of the classifier, and the search strategy."""

    folds: int
    metric: str
    budget: int | None
    augmenter_space: Space = ()
    classifier_space: Space = ()
    # How the configurations are searched (SEARCHES): each on every fold, or halving.
    strategy: str = "grid"

    def grid(self) -> list[tuple[Params, Params]]:
        """Every (augmenter, classifier) configuration, augmenter-major in declared order."""
        return [self.configuration(i) for i in range(self.size())]

    def size(self) -> int:
        """How many configurations the grid holds."""
        return math.prod(len(values) for _, values in (*self.augmenter_space,
                                                          *self.classifier_space))

    def configuration(self, index: int) -> tuple[Params, Params]:
        """The grid's configuration number ``index``, found without listing the grid (a budget
        draws a few of a grid too large to list): augmenter-major, and within each space the
        last parameter varies fastest, as itertools.product orders them."""
        def pick(space: Space, number: int) -> Params:
            chosen = []
            for param, values in reversed(space):
                number, at = divmod(number, len(values))
                chosen.append((param, values[at]))
            return tuple(reversed(chosen))

        per_augmenter = math.prod(len(values) for _, values in self.classifier_space)
        augmenter, classifier = divmod(index, per_augmenter)
        return pick(self.augmenter_space, augmenter), pick(self.classifier_space, classifier)

    def tried(self) -> int:
        """How many configurations a trial tries: the grid, or the budget where it is smaller."""
        return self.size() if self.budget is None else min(self.size(), self.budget)


@dataclass(frozen=True)
class Choice:
    """What tuning chose for a trial: the augmenter's and the classifier's values, their mean
    inner score, how many configurations were tried and how many of those failed, and every
    candidate's scores; or ``error`` when none could be scored."""

    augmenter: Params = ()
    classifier: Params = ()
    score: float = math.nan
    tried: int = 0
    failed: int = 0
    error: str = ""
    seconds: float = math.nan
    # Every configuration the search looked at, in grid order: its values, on how many inner
    # folds it was scored, its mean score there (None where it failed) and why it failed.
    candidates: tuple[dict[str, Any], ...] = ()

    def as_dict(self, used: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The values chosen, as trials.csv's ``tuned_params`` holds them (JSON), with the
        augmenter's ``used`` in place of those it changed in its refit (see `used_values`)."""
        augmenter = {param: (used or {}).get(param, value) for param, value in self.augmenter}
        return {"augmenter": augmenter, "classifier": dict(self.classifier)}


def used_values(fitted: Any, params: Params) -> dict[str, Any]:
    """The values a fitted estimator says it used in place of its parameters, where they
    differ: scikit-learn's fitted ``<param>_`` attribute (LocalOutlierFactor's
    ``n_neighbors_``; an augmenter that caps its neighbours at the minority rows it was given
    says the number it used in ``k_neighbors_``)."""
    used = {}
    for param, value in params:
        actual = getattr(fitted, f"{param}_", value)
        actual = actual.item() if isinstance(actual, np.generic) else actual  # JSON takes it
        if isinstance(actual, (bool, int, float, str)) and actual != value:
            used[param] = actual
    return used


def candidates(tuning: Tuning, seed: int, size: int, augmenter: str,
               classifier: str) -> list[tuple[Params, Params]]:
    """The configurations a trial tries: the grid, or ``budget`` of them drawn at random with
    a seed of the trial's coordinates (kept in grid order)."""
    if tuning.tried() == tuning.size():
        return tuning.grid()
    rng = derive_rng(seed, "tune", size, augmenter, classifier)
    return [tuning.configuration(int(i))
            for i in sorted(rng.choice(tuning.size(), tuning.budget, replace=False))]


def inner_folds(y: np.ndarray, seed: int, size: int, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds of a trial's training rows: (training part, validation part) indices."""
    from sklearn.model_selection import StratifiedKFold

    positives = int(np.sum(y == 1))
    if min(positives, len(y) - positives) < folds:
        raise TuningError(f"{positives} positive training rows of {len(y)} cannot fill "
                          f"{folds} inner folds; lower --tune-folds or raise the size.")
    splitter = StratifiedKFold(folds, shuffle=True, random_state=derive_seed(seed, "tune-folds",
                                                                             size))
    return list(splitter.split(np.zeros(len(y)), y))


class TuningError(Exception):
    """A trial cannot be tuned: it fails with this message."""


@dataclass
class Fold:
    """One inner fold's rows: its training part (imputed from itself), what an augmenter that
    draws real rows may add and its validation part (both imputed as the training part)."""

    X_train: pd.DataFrame
    y_train: np.ndarray
    X_reserve: pd.DataFrame
    y_reserve: np.ndarray
    X_valid: pd.DataFrame
    y_valid: np.ndarray


def make_folds(X_raw: pd.DataFrame, y: np.ndarray, X_reserve_raw: pd.DataFrame,
               y_reserve: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[Fold]:
    """The inner folds of a trial's raw training rows, each imputed from its training part,
    its validation part and the reserve rows too (the validation part must not fill them)."""
    found = []
    for train, valid in splits:
        part = X_raw.iloc[train].reset_index(drop=True)
        imputer = TrainImputer().fit(part)
        found.append(Fold(imputer.transform(part), y[train], imputer.transform(X_reserve_raw),
                          y_reserve, imputer.transform(X_raw.iloc[valid].reset_index(drop=True)),
                          y[valid]))
    return found


# augment(trial, folds, seeds) -> per fold, the augmented (X, y) or an error text.
Augment = Callable[[Any, list[Fold], list[int]], list[tuple[Any, Any, str]]]
# predict(trial, X, y, X_valid) -> (probabilities of the positive class, the classifier's own
# positive decisions), as the trial's fit gives them on its test rows.
Predict = Callable[[Any, pd.DataFrame, np.ndarray, pd.DataFrame], tuple[np.ndarray, np.ndarray]]


def tune(trial: Any, folds: list[Fold], metric: Metric, augment: Augment, predict: Predict,
         cache: dict, fail_fast: bool = False,
         settings: Mapping[str, Any] | None = None) -> Choice:
    """Search the trial's configurations on its inner folds with its strategy (`SEARCHES`) and
    choose the best by ``metric`` (its mean over every fold, with its ``settings``; the first
    in grid order among equals). ``augment`` and ``predict`` are the runner's own steps;
    ``cache`` holds fold augmentations across the trials of a chunk (a classifier of the same
    seed reuses them)."""
    tuning: Tuning = trial.tuning
    seeds = [derive_seed(trial.seed, "tune", trial.size, k) for k in range(len(folds))]
    configs = candidates(tuning, trial.seed, trial.size, trial.augmenter, trial.classifier)
    arms = [replace(trial, augmenter_params=_merged(trial.augmenter_params, a),
                    classifier_params=_merged(trial.classifier_params, c), tuning=None)
            for a, c in configs]
    scores: list[list[float]] = [[] for _ in configs]
    errors = [""] * len(configs)

    def evaluate(chosen: list[int], k: int) -> list[float]:
        """The mean score of each configuration ``chosen`` (by position) on the first ``k``
        folds, scoring only the folds it has not been scored on; NaN where it failed."""
        for i in chosen:
            if errors[i] or len(scores[i]) >= k:
                continue
            need = range(len(scores[i]), k)
            augmented = _fold_augmentations(arms[i], folds, seeds, need, augment, cache)
            try:
                for f in need:
                    X, y, error = augmented[f]
                    if error:
                        raise TuningError(error)
                    score = _score(metric, folds[f], *predict(arms[i], X, y, folds[f].X_valid),
                                   settings)
                    if math.isnan(score):
                        raise TuningError(f"{metric.label} is undefined on an inner fold")
                    scores[i].append(score)
            except Exception as exc:
                if fail_fast:
                    raise
                errors[i] = _text(exc)
        return [math.nan if errors[i] else float(np.mean(scores[i][:k])) for i in chosen]

    SEARCHES[tuning.strategy](list(range(len(configs))), len(folds), evaluate,
                              metric.higher_is_better)
    seen = tuple({"augmenter": dict(a), "classifier": dict(c), "folds": len(scores[i]),
                  "score": None if errors[i] or not scores[i] else float(np.mean(scores[i])),
                  **({"error": errors[i]} if errors[i] else {})}
                 for i, (a, c) in enumerate(configs) if scores[i] or errors[i])
    finished = [i for i in range(len(configs)) if not errors[i] and len(scores[i]) == len(folds)]
    failed = sum(map(bool, errors))
    if not finished:
        first_error = next((e for e in errors if e), "no configuration was scored")
        return Choice(tried=len(configs), failed=failed, candidates=seen,
                      error=f"tune: no configuration could be scored: {first_error}")
    best = min(finished, key=lambda i: _rank(float(np.mean(scores[i])), metric.higher_is_better, i))
    return Choice(*configs[best], float(np.mean(scores[best])), len(configs), failed,
                  candidates=seen)


def _fold_augmentations(arm: Any, folds: list[Fold], seeds: list[int], need: range,
                        augment: Augment, cache: dict) -> dict[int, tuple[Any, Any, str]]:
    """The augmentations of the inner folds ``need`` of a configuration's training sets, by
    fold: those not yet in ``cache`` computed in one call (a batching augmenter batches them)."""
    done = cache.setdefault((*arm.augment_key, len(folds)), {})
    todo = [f for f in need if f not in done]
    if todo:
        for f, result in zip(todo, augment(arm, [folds[f] for f in todo], [seeds[f] for f in todo])):
            done[f] = result
    return done


def _rank(score: float, higher_is_better: bool, position: int) -> tuple:
    """Sorts configurations best first: a failed one last, equals in grid order."""
    return (math.isnan(score), -score if higher_is_better else score, position)


# A search: search(candidates, folds, evaluate, higher_is_better) scores what it chooses to
# through evaluate(candidates, k), the mean of each on the first k inner folds; tune picks the
# best of those scored on every fold.
Search = Callable[[list[int], int, Callable[[list[int], int], list[float]], bool], None]


def every_fold(candidates: list[int], folds: int, evaluate: Callable, higher: bool) -> None:
    """The grid (or a budget's draw from it): every candidate on every fold."""
    evaluate(candidates, folds)


# The share of candidates a rung of successive halving keeps: one in three.
HALVING_ETA = 3


def successive_halving(candidates: list[int], folds: int, evaluate: Callable,
                       higher: bool) -> None:
    """Successive halving (Jamieson and Talwalkar 2016) with the inner folds as the budget:
    every candidate is scored on the first fold, the best third on the second too, and so on;
    those left at the last rung are scored on every fold."""
    alive = list(candidates)
    for rung in range(1, folds):
        if len(alive) <= 1:
            break
        scores = evaluate(alive, rung)
        order = sorted(range(len(alive)), key=lambda j: _rank(scores[j], higher, alive[j]))
        alive = sorted(alive[j] for j in order[:max(1, math.ceil(len(alive) / HALVING_ETA))])
    evaluate(alive, folds)


SEARCHES: dict[str, Search] = {"grid": every_fold, "random": every_fold,
                               "halving": successive_halving}


def _score(metric: Metric, fold: Fold, proba: np.ndarray, decided: np.ndarray,
           settings: Mapping[str, Any] | None = None) -> float:
    inp = MetricInput(fold.X_train, fold.y_train, fold.X_valid, fold.y_valid,
                      y_true=fold.y_valid, proba=proba, y_pred=decided,
                      settings=metric.settings if settings is None else settings)
    return float(metric.function(inp))


def _merged(params: Params, chosen: Params) -> Params:
    """A trial's parameters with the tuned values in place of theirs."""
    return tuple(sorted({**dict(params), **dict(chosen)}.items()))


def _text(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def with_choice(trial: Any, choice: Choice) -> Any:
    """The trial as it is refitted on all its training rows: the chosen values in place."""
    return replace(trial, augmenter_params=_merged(trial.augmenter_params, choice.augmenter),
                   classifier_params=_merged(trial.classifier_params, choice.classifier),
                   tuning=None)


# --- planning ---------------------------------------------------------------------------------


def tuning_spaces(asked: Mapping[str, Mapping[str, Sequence[Any]]], declared: Mapping[str, Space],
                  chosen: Sequence[str]) -> dict[str, dict[str, tuple[Any, ...]]]:
    """The values every chosen augmenter and classifier tries: its declared space, with the
    parameters ``asked`` (--tune-space) set or replaced; arms with neither are left out."""
    unknown = sorted(set(asked) - set(chosen))
    if unknown:
        raise UsageError(f"--tune-space {unknown[0]}.…: '{unknown[0]}' is not among the chosen "
                         f"augmenters and classifiers ({', '.join(chosen)}).")
    spaces = {}
    for name in chosen:
        space = {param: tuple(values) for param, values in declared.get(name, ())}
        space.update({param: tuple(values) for param, values in asked.get(name, {}).items()})
        if space:
            spaces[name] = space
    return spaces


def trial_tuning(spaces: Mapping[str, Mapping[str, tuple]], folds: int, metric: str,
                 budget: int | None, augmenter: str, classifier: str,
                 strategy: str = "grid") -> Tuning | None:
    """How a trial of ``augmenter`` and ``classifier`` is tuned; None where neither has values
    to try (it is fitted as without --tune)."""
    # Parameters in name order: a grid (and the draw of a budget from it) must not depend on
    # the order a file or a stored configuration lists them in.
    augmenter_space = tuple(sorted(spaces.get(augmenter, {}).items()))
    classifier_space = tuple(sorted(spaces.get(classifier, {}).items()))
    if not augmenter_space and not classifier_space:
        return None
    return Tuning(folds, metric, budget, augmenter_space, classifier_space, strategy)
