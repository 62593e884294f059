"""The result of one trial, as one typed record, and the one spelling of a trial's key."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

NAN = float("nan")


class TrialKey(NamedTuple):
    """What identifies a trial among a run's results."""

    dataset: str
    size: int
    seed: int
    augmenter: str
    classifier: str
    # The positive share the table was thinned to (--prevalence); None: the table as it is.
    prevalence: float | None = None


KEY_COLUMNS = TrialKey._fields
# Trials are listed by the rows they learnt from (dataset, prevalence, size), then by seed.
SORT_COLUMNS = ("dataset", "prevalence", "size", "seed", "augmenter", "classifier")
COUNT_COLUMNS = ("n_train", "n_train_positive", "n_synthetic", "n_test", "n_test_positive",
                 "n_reserve_positive")


def axes(frame: Any) -> list[str]:
    """The columns that say which rows a trial learnt from and was scored on: dataset,
    prevalence (only in a run that sets it: its trials all have one) and size."""
    varies = "prevalence" in frame and frame["prevalence"].notna().any()
    return ["dataset", "prevalence", "size"] if varies else ["dataset", "size"]


def group_columns(frame: Any) -> list[str]:
    """A summary aggregates the seeds of each of these groups."""
    return [*axes(frame), "augmenter", "classifier"]


def pair_columns(frame: Any) -> list[str]:
    """Trials that differ only in their augmenter are scored on the same rows: they pair up."""
    return [*axes(frame), "seed", "classifier"]
TIMING_COLUMNS = ("augment_seconds", "fit_seconds")
# A tuned trial's chosen values (JSON), their mean score on its inner folds, the seconds its
# tuning took, and every configuration its search scored (JSON).
TUNED_COLUMNS = ("tuned_params", "tune_score", "tune_seconds", "tune_candidates")
CALIBRATION = "calibration"


@dataclass
class TrialResult:
    """One trial's outcome: ``status`` is "ok" or "failed" (then ``error`` says why), the metric
    values by name (NaN where undefined or not reached), row counts and timings."""

    key: TrialKey
    status: str = "failed"
    error: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    n_train: float = NAN
    n_train_positive: float = NAN
    n_synthetic: float = NAN
    n_test: float = NAN
    n_test_positive: float = NAN
    # Positive rows of the reserve: the half of the pool rows the draw left out that real-rows
    # draws from (the other half is the privacy attacks' reference), real patients neither
    # trained on nor tested on.
    n_reserve_positive: float = NAN
    augment_seconds: float = NAN
    fit_seconds: float = NAN
    warnings: str = ""
    # The test predictions' calibration bins (rows, probability sums, positives per bin, see
    # augbench.calibration_bins), for reliability diagrams; stored, not a column of trials.csv.
    calibration: list[list[float]] | None = None
    # A tuned trial's chosen values ({"augmenter": {...}, "classifier": {...}}), their mean
    # score on its inner folds and the seconds its tuning took (fold augmentations it shared
    # with a classifier tuned before it on the same seed counted there); columns of
    # trials.csv only in a tuned run.
    tuned_params: dict[str, Any] | None = None
    tune_score: float = NAN
    tune_seconds: float = NAN
    # Every configuration the trial's search scored: its values, on how many inner folds, its
    # mean score there (None where it failed), in grid order.
    tune_candidates: list[dict[str, Any]] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_row(self, metric_names: tuple[str, ...] | None = None) -> dict[str, Any]:
        """A flat row: key, status, error, the metrics (in ``metric_names`` order, NaN where
        missing), counts, timings, warnings. This is a line of trials.csv."""
        names = tuple(self.metrics) if metric_names is None else metric_names
        key = self.key._asdict()
        tuned = {} if self.tuned_params is None else {
            TUNED_COLUMNS[0]: json.dumps(self.tuned_params, sort_keys=True),
            TUNED_COLUMNS[1]: self.tune_score, TUNED_COLUMNS[2]: self.tune_seconds,
            TUNED_COLUMNS[3]: json.dumps(self.tune_candidates or [], sort_keys=True)}
        return {c: key[c] for c in SORT_COLUMNS} | {"status": self.status, "error": self.error,
                **{m: self.metrics.get(m, NAN) for m in names},
                **{c: getattr(self, c) for c in COUNT_COLUMNS + TIMING_COLUMNS},
                "warnings": self.warnings, **tuned, CALIBRATION: self.calibration}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "TrialResult":
        """The record of a flat row written by `as_row`."""
        fixed = set(KEY_COLUMNS) | {"status", "error", "warnings", CALIBRATION} \
            | set(COUNT_COLUMNS) | set(TIMING_COLUMNS) | set(TUNED_COLUMNS)
        key = TrialKey(*(row.get(c) for c in KEY_COLUMNS))
        key = key._replace(prevalence=_prevalence(key.prevalence))
        metrics = {k: _float(v) for k, v in row.items() if k not in fixed}
        tuned, seen = row.get(TUNED_COLUMNS[0]), row.get(TUNED_COLUMNS[3])
        return cls(key, row["status"], row.get("error") or "", metrics,
                   **{c: _float(row.get(c)) for c in COUNT_COLUMNS + TIMING_COLUMNS},
                   warnings=row.get("warnings") or "", calibration=row.get(CALIBRATION),
                   tuned_params=json.loads(tuned) if isinstance(tuned, str) and tuned else None,
                   tune_score=_float(row.get(TUNED_COLUMNS[1])),
                   tune_seconds=_float(row.get(TUNED_COLUMNS[2])),
                   tune_candidates=json.loads(seen) if isinstance(seen, str) and seen else None)


def _prevalence(value: Any) -> float | None:
    """A key's prevalence: None for the table as it is (stored as null, read back as NaN)."""
    return None if value is None or value != value else float(value)


def _float(value: Any) -> float:
    if value is None:
        return NAN
    value = float(value)
    return value if not math.isnan(value) else NAN
