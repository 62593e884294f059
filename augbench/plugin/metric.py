"""Metric specs: what a metric computes, how to read it, and what data it needs.

A metric is registered once, through the `augbench_metrics` hook, as a `Metric`; trial
rows, summaries, comparisons, tables, figures and reports all read the spec instead of keeping
lists of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Mapping

import numpy as np

from augbench.plugin.capabilities import libraries

NEEDS = ("predictions", "synthetic")
# The fields of a Metric that hold code, which a run does not store.
CODE = {"function", "check"}
# What findings and figures ask a metric for, instead of its name (see Metric.role).
ROLES = ("", "ranking", "threshold", "cleared", "membership")


@dataclass
class MetricInput:
    """Everything a metric may look at for one trial.

    `y_true`, `proba` (positive-class probabilities) and `y_pred` (the classifier's
    `predict`: `proba > 0.5` for most, a tuned threshold for some) describe the test rows;
    they are None for a metric that needs only `"synthetic"` data, which is computed once per
    augmented training set. `X_train` and
    `y_train` are the imputed training rows before augmentation, `X_synthetic` the rows the
    augmenter added (all of the positive class), `X_test` and `y_test` the held-out rows.
    `augmenter` is the fitted augmenter of a `"synthetic"` metric's trial, for a metric of
    what an augmenter reports about its own fit (a privacy budget spent, in a fitted attribute
    such as `epsilon_`); None where several seeds were fitted as one batch.
    `X_reference` (for metrics of the synthetic rows; None for those of the predictions)
    holds real positive patients that are neither training nor test rows nor
    rows an augmenter may add (half of the training pool's rows the trial's draw left out,
    imputed as the training rows are: a population sample for attacks that compare against one;
    empty where the whole pool was drawn). `settings` are the metric's own settings: its
    declared defaults with what the run gave (`--set METRIC.PARAM=V`; `--sensitive` gives
    the columns an attribute-inference attack treats as secret to every metric that declares a
    `sensitive` setting).
    """

    X_train: Any
    y_train: np.ndarray
    X_test: Any
    y_test: np.ndarray
    X_synthetic: Any = None
    y_true: np.ndarray | None = None
    proba: np.ndarray | None = None
    y_pred: np.ndarray | None = None
    augmenter: Any = None
    X_reference: Any = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per trial under `key`: metrics of one family share work
        (an encoding, a distance matrix) through it."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


@dataclass(frozen=True)
class Metric:
    """A per-trial metric: its function and how to read its values.

    `function(MetricInput) -> float`; `label` names it in tables and figures;
    `higher_is_better` sets the direction of wins, ▲/▼ marks and the best mean; `bounds`
    is the range intervals are clipped to (None: unbounded); `needs` is `"predictions"` or
    `"synthetic"`; `headline` metrics appear in the terminal table and the figures of a run
    that does not choose `--metrics`; `description` is one sentence for reports; `short`
    heads a narrow table column (default: the label).

    `role` says what findings and figures may ask of it, so that they never pick a metric by
    name: `"ranking"`, how well the classifier orders patients (ROC-AUC), with `chance` its
    value for a classifier that ranks at random (the no-signal warning, the ranks across
    datasets, the utility axis of the privacy figure); `"threshold"`, the share of positive
    patients found at the classifier's decision (recall), which a moved threshold raises without
    better ranking (the threshold-shift note); `"cleared"`, the share of negative patients
    cleared at that decision (specificity): with `"threshold"`, a difference read in patients
    (per 100 with the disease, how many more found; per 100 without, how many more false
    alarms); `"membership"`, a membership attack's success,
    with `chance` its level when nothing leaks (the privacy axis of the privacy figure). The
    first metric of a role that a run computed is the one used.

    `settings` declares what a run may set, with the defaults (`{"tolerance": 0.05}`):
    `--set NAME.PARAM=V` (a file's `[params.NAME]`, `params=` in Python) changes one, and
    the function reads them in `MetricInput.settings`; they are part of an experiment's
    identity, as an augmenter's parameters are. `check(settings)` raises ValueError, with a
    sentence, for values the metric cannot use; augbench calls it before any trial.

    `libraries` names the distributions, beyond augbench's own dependencies, whose versions
    its values depend on: a run that computes it records their versions.

    `rope` is the margin of practical equivalence, in the metric's units: the largest paired
    difference from the baseline too small to matter (`--rope NAME=V` changes it for a
    run). A significant difference inside it reads "equivalent", not better or worse (see
    `augbench.results.compare.verdict`). None declares no margin: then only a difference of
    exactly zero is equivalent.
    """

    function: Callable[[MetricInput], float] | None
    label: str
    higher_is_better: bool = True
    bounds: tuple[float, float] | None = (0.0, 1.0)
    needs: str = "predictions"
    headline: bool = False
    description: str = ""
    # A column header for narrow tables; the label when empty.
    short: str = ""
    role: str = ""
    chance: float | None = None
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    check: Callable[[Mapping[str, Any]], None] | None = field(default=None, hash=False,
                                                               compare=False)
    libraries: tuple[str, ...] = ()
    rope: float | None = None

    def __post_init__(self) -> None:
        if self.needs not in NEEDS:
            raise ValueError(f"Metric.needs must be one of {', '.join(NEEDS)}, got {self.needs!r}")
        if self.role not in ROLES:
            raise ValueError(f"Metric.role must be one of {', '.join(map(repr, ROLES))}, got "
                             f"{self.role!r}")
        if self.bounds is not None:
            object.__setattr__(self, "bounds", (float(self.bounds[0]), float(self.bounds[1])))
        object.__setattr__(self, "settings", dict(self.settings))
        object.__setattr__(self, "libraries", libraries(self.libraries, "Metric.libraries"))
        if self.rope is not None:
            rope = float(self.rope)
            if not rope >= 0 or rope == float("inf"):
                raise ValueError(f"Metric.rope is a margin of practical equivalence, a finite "
                                 f"number >= 0 in the metric's units, got {self.rope!r}")
            object.__setattr__(self, "rope", rope)

    @property
    def header(self) -> str:
        """The column header of narrow tables."""
        return self.short or self.label

    @property
    def direction(self) -> str:
        """'higher is better' or 'lower is better', for axis labels and captions."""
        return "higher is better" if self.higher_is_better else "lower is better"

    def as_data(self) -> dict[str, Any]:
        """The spec without its functions: stored with a run so that reports need no plugin."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in CODE}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Metric":
        """A spec read back from `as_data` (its function is None)."""
        known = {f.name for f in fields(cls)} - CODE
        values = {k: v for k, v in data.items() if k in known}
        if values.get("bounds") is not None:
            values["bounds"] = tuple(values["bounds"])
        return cls(function=None, **values)


# Equal-width probability bins of calibration summaries (the reliability diagram, ECE).
CALIBRATION_BINS = 10


def calibration_bins(y_true: Any, proba: Any, bins: int = CALIBRATION_BINS) -> np.ndarray:
    """Per equal-width probability bin: the rows, the sum of their predicted probabilities and
    the positive rows among them.

    Sums rather than means, so that bins of several test sets (seeds) pool by addition.

    Args:
        y_true: The test labels, 0 and 1.
        proba: The predicted probabilities of label 1.
        bins: How many bins split [0, 1].

    Returns:
        An array of shape (3, `bins`): rows, summed probabilities, positive rows.

    Examples:
        >>> import augbench
        >>> augbench.calibration_bins([0, 1, 1], [0.25, 0.75, 0.75], 2).tolist()
        [[1.0, 2.0], [0.25, 1.5], [0.0, 2.0]]
    """
    y = np.asarray(y_true).astype(float)
    p = np.asarray(proba, float)
    index = np.minimum((p * bins).astype(int), bins - 1)
    return np.stack([np.bincount(index, minlength=bins).astype(float),
                     np.bincount(index, p, bins), np.bincount(index, y, bins)])
