"""Terminal tables of a run's summary (rendering only: nothing is computed from raw trials here)."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console
from rich.table import Table

from augbench.metrics import LOWER_IS_BETTER

TABLE_METRICS = (("accuracy", "Accuracy"), ("recall", "Recall"), ("roc_auc", "ROC-AUC"))


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return f"{mean:.3f}"
    return f"{mean:.3f}±{(high - low) / 2:.3f}"


def _best(values: pd.Series, metric: str) -> float:
    return values.min() if metric in LOWER_IS_BETTER else values.max()


def summary_tables(summary: pd.DataFrame) -> list[Table]:
    """One table per dataset and training size: augmenter x classifier rows, metric columns."""
    tables = []
    for (dataset, size), block in summary.groupby(["dataset", "size"], sort=True):
        table = Table(title=f"{dataset} · {size} training rows · mean ± 95% CI over seeds",
                      title_justify="left")
        table.add_column("classifier")
        table.add_column("augmenter")
        table.add_column("seeds", justify="right")
        for _, label in TABLE_METRICS:
            table.add_column(label, justify="right", no_wrap=True)
        for classifier, rows in block.groupby("classifier", sort=True):
            best = {m: _best(rows[f"{m}_mean"], m) for m, _ in TABLE_METRICS}
            for _, r in rows.iterrows():
                cells = []
                for metric, _ in TABLE_METRICS:
                    text = _cell(r[f"{metric}_mean"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"])
                    is_best = len(rows) > 1 and r[f"{metric}_mean"] == best[metric]
                    cells.append(f"[bold green]{text}[/]" if is_best else text)
                seeds = str(r["n_seeds"]) + (f" [red]({r['n_failed']} failed)[/]" if r["n_failed"] else "")
                table.add_row(classifier, r["augmenter"], seeds, *cells)
            table.add_section()
        tables.append(table)
    return tables


def print_summary(summary: pd.DataFrame, console: Console) -> None:
    """Print the summary tables, best mean per classifier in bold green."""
    for table in summary_tables(summary):
        console.print(table)
