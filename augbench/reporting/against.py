"""``augbench report DIR --against OTHER`` on the terminal: what became of each significant
difference from the baseline, and what the change between the runs did to each arm."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.table import Table

from augbench.reporting.blocks import shown_metrics, where_words
from augbench.reporting.terminal import difference_tables
from augbench.results.against import VERDICTS
from augbench.results.compare import ALPHA
from augbench.results.row import axes


def verdict_table(results: Any, verdicts: pd.DataFrame, here: str, there: str) -> Table | None:
    """Each difference from the baseline that either run finds significant, in the metrics
    the tables show: both runs' mean difference and interval, and what became of it."""
    shown = set(shown_metrics(results, "predictions"))
    rows = verdicts[verdicts["metric"].isin(shown)]
    if rows.empty:
        return None
    table = Table(title=f"differences from {results.baseline}: {there} (the other run) and "
                  f"{here} (this one), same seeds", title_justify="left",
                  caption="; ".join(f"{word}: {meaning}" for word, meaning in VERDICTS.items()),
                  caption_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for column in ("where", "classifier", "augmenter", "metric", there, here, "verdict"):
        table.add_column(column, justify="right" if column in (here, there) else "left")
    by = axes(rows)
    for r in rows.sort_values([*by, "classifier", "augmenter", "metric"]).itertuples():
        where = where_words(r.dataset, r.size, getattr(r, "prevalence", None))
        label = results.metrics[r.metric].label if r.metric in results.metrics else r.metric
        table.add_row(where, r.classifier, r.augmenter, label,
                      _difference(r.mean_diff_there, r.ci_low_there, r.ci_high_there,
                                  r.p_adjusted_there),
                      _difference(r.mean_diff_here, r.ci_low_here, r.ci_high_here,
                                  r.p_adjusted_here), r.verdict)
    return table


def _difference(mean: float, low: float, high: float, p: float) -> str:
    mark = "*" if p < ALPHA else " "
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]{mark}"


def arm_tables(results: Any, changes: pd.DataFrame, here: str, there: str) -> list[Table]:
    """Each arm in this run minus the same arm in the other, seed by seed."""
    if changes.empty:
        return []
    return difference_tables(
        results, changes,
        title=f"{here} minus {there}, each augmenter and classifier on the same seeds "
              "(mean ± 95% CI)",
        caption=f"▲/▼ Holm p < {ALPHA} across the arms of each comparison: what the change "
                "between the runs did to each arm itself")
