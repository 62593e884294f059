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
    configurations (None: the whole grid), and the values tried for each parameter of the
    augmenter and of the classifier."""

    folds: int
    metric: str
    budget: int | None
    augmenter_space: Space = ()
    classifier_space: Space = ()

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
    inner score, how many configurations were tried and how many of those failed; or ``error``
    when none could be scored."""

    augmenter: Params = ()
    classifier: Params = ()
    score: float = math.nan
    tried: int = 0
    failed: int = 0
    error: str = ""
    seconds: float = math.nan

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
    """Try the trial's configurations on its inner folds and choose the best by ``metric``
    (its mean over the folds, with its ``settings``; the first in grid order among equals).
    ``augment`` and ``predict`` are the runner's own steps; ``cache`` holds fold augmentations
    across the trials of a chunk (a classifier of the same seed reuses them)."""
    tuning: Tuning = trial.tuning
    seeds = [derive_seed(trial.seed, "tune", trial.size, k) for k in range(len(folds))]
    best, tried, failed, first_error = None, 0, 0, ""
    for augmenter_config, classifier_config in candidates(tuning, trial.seed, trial.size,
                                                          trial.augmenter, trial.classifier):
        tried += 1
        arm = replace(trial, augmenter_params=_merged(trial.augmenter_params, augmenter_config),
                      classifier_params=_merged(trial.classifier_params, classifier_config),
                      tuning=None)
        key = (*arm.augment_key, len(folds))
        if key not in cache:
            cache[key] = augment(arm, folds, seeds)
        try:
            scores = []
            for fold, (X, y, error) in zip(folds, cache[key]):
                if error:
                    raise TuningError(error)
                scores.append(_score(metric, fold, *predict(arm, X, y, fold.X_valid), settings))
            score = float(np.mean(scores))
            if math.isnan(score):
                raise TuningError(f"{metric.label} is undefined on an inner fold")
        except Exception as exc:
            if fail_fast:
                raise
            failed += 1
            first_error = first_error or _text(exc)
            continue
        if best is None or (score > best[0] if metric.higher_is_better else score < best[0]):
            best = (score, augmenter_config, classifier_config)
    if best is None:
        return Choice(tried=tried, failed=failed,
                      error=f"tune: no configuration could be scored: {first_error}")
    return Choice(best[1], best[2], best[0], tried, failed)


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
                 budget: int | None, augmenter: str, classifier: str) -> Tuning | None:
    """How a trial of ``augmenter`` and ``classifier`` is tuned; None where neither has values
    to try (it is fitted as without --tune)."""
    # Parameters in name order: a grid (and the draw of a budget from it) must not depend on
    # the order a file or a stored configuration lists them in.
    augmenter_space = tuple(sorted(spaces.get(augmenter, {}).items()))
    classifier_space = tuple(sorted(spaces.get(classifier, {}).items()))
    if not augmenter_space and not classifier_space:
        return None
    return Tuning(folds, metric, budget, augmenter_space, classifier_space)
