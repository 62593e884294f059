"""Results of a run: the trials table and the summary across seeds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from augbench.compare import paired_comparisons
from augbench.metrics import METRIC_BOUNDS, METRICS
from augbench.stats import t_interval

GROUP = ["dataset", "size", "augmenter", "classifier"]
TIMINGS = ("n_synthetic", "augment_seconds", "fit_seconds")


def summarize(trials: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, size, augmenter, classifier): seeds, failures, mean and 95% CI."""
    ok = trials[trials["status"] == "ok"]
    counts = trials.groupby(GROUP, sort=True).agg(
        n_seeds=("status", lambda s: int((s == "ok").sum())),
        n_failed=("status", lambda s: int((s != "ok").sum())))
    grouped = ok.groupby(GROUP, sort=True)
    columns: dict[str, pd.Series] = {}
    for metric in METRICS:
        mean, std, n = grouped[metric].mean(), grouped[metric].std(), grouped[metric].count()
        low, high = t_interval(mean, std, n, bounds=METRIC_BOUNDS)
        columns[f"{metric}_mean"] = mean
        columns[f"{metric}_ci_low"] = pd.Series(low, index=mean.index)
        columns[f"{metric}_ci_high"] = pd.Series(high, index=mean.index)
    for name in TIMINGS:
        columns[f"{name}_mean"] = grouped[name].mean()
    return counts.join(pd.DataFrame(columns)).reset_index()


@dataclass
class Results:
    """The trials of a run (one row each), the baseline augmenter, and where they were written."""

    trials: pd.DataFrame
    baseline: str = "none"
    out: Path | None = None

    @cached_property
    def summary(self) -> pd.DataFrame:
        return summarize(self.trials)

    @cached_property
    def comparisons(self) -> pd.DataFrame:
        """Paired comparisons of every augmenter with the baseline (see augbench.compare)."""
        return paired_comparisons(self.trials, self.baseline)

    @property
    def n_failed(self) -> int:
        return int((self.trials["status"] != "ok").sum())

    def write(self, out: Path) -> None:
        """Write ``trials.csv``, ``summary.csv`` and ``comparisons.csv`` into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        self.trials.to_csv(out / "trials.csv", index=False)
        self.summary.to_csv(out / "summary.csv", index=False)
        self.comparisons.to_csv(out / "comparisons.csv", index=False)
        self.out = out
