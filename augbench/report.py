"""Terminal rendering of a run's results (rendering only: the numbers come from results/compare)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from augbench.compare import ALPHA, average_ranks, no_signal, threshold_shifts
from augbench.metrics import LOWER_IS_BETTER
from augbench.results import Results

TABLE_METRICS = (("accuracy", "Accuracy"), ("recall", "Recall"), ("roc_auc", "ROC-AUC"),
                 ("pr_auc", "PR-AUC"), ("brier", "Brier"))


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return f"{mean:.3f}"
    # The half-width is below 1, so its leading zero only costs width: 0.968±.007.
    return f"{mean:.3f}±{(high - low) / 2:.3f}".replace("±0.", "±.")


def _marks(comparisons: pd.DataFrame) -> dict[tuple, str]:
    """(dataset, size, augmenter, classifier, metric) -> ▲ or ▼ where the difference is significant."""
    marks = {}
    for r in comparisons[comparisons["p_adjusted"] < ALPHA].itertuples():
        better = (r.mean_diff < 0) if r.metric in LOWER_IS_BETTER else (r.mean_diff > 0)
        marks[(r.dataset, r.size, r.augmenter, r.classifier, r.metric)] = "▲" if better else "▼"
    return marks


@dataclass
class Block:
    """The rows of one dataset and training size, ready to render in any medium."""

    dataset: str
    size: int
    title: str
    caption: str
    # One row per classifier and augmenter: labels, then (text, is_best) per TABLE_METRICS.
    rows: list[tuple[str, str, str, list[tuple[str, bool]]]]
    uniform_seeds: bool


def summary_blocks(results: Results) -> list[Block]:
    """Summary rows per dataset and size, with CI cells, significance marks and best means."""
    marks = _marks(results.comparisons)
    blocks = []
    for (dataset, size), block in results.summary.groupby(["dataset", "size"], sort=True):
        uniform = block["n_seeds"].nunique() == 1 and not block["n_failed"].any()
        seeds = f"{block['n_seeds'].iloc[0]} seeds" if uniform else "seeds"
        rows = []
        for classifier, group in block.groupby("classifier", sort=True):
            for _, r in group.iterrows():
                cells = []
                for metric, _ in TABLE_METRICS:
                    column = group[f"{metric}_mean"]
                    best = column.min() if metric in LOWER_IS_BETTER else column.max()
                    text = _cell(r[f"{metric}_mean"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"])
                    text += marks.get((dataset, size, r["augmenter"], classifier, metric), " ")
                    cells.append((text, len(group) > 1 and r[f"{metric}_mean"] == best))
                failed = f" ({r['n_failed']} failed)" if r["n_failed"] else ""
                rows.append((classifier, r["augmenter"], f"{r['n_seeds']}{failed}", cells))
        blocks.append(Block(
            dataset, int(size), f"{dataset} · {size} training rows · mean ± 95% CI over {seeds}",
            f"▲/▼ better/worse than {results.baseline} on the same seeds (paired Wilcoxon, "
            f"Holm p < {ALPHA}); best mean in bold", rows, uniform))
    return blocks


def summary_tables(results: Results) -> list[Table]:
    """One rich table per dataset and training size: classifier x augmenter rows, metric columns."""
    tables = []
    for block in summary_blocks(results):
        table = Table(title=block.title, caption=block.caption, title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
        for i, label in enumerate(("classifier", "augmenter")):
            table.add_column(label, no_wrap=True, min_width=max(len(r[i]) for r in block.rows))
        if not block.uniform_seeds:
            table.add_column("seeds", justify="right", no_wrap=True)
        for _, label in TABLE_METRICS:
            table.add_column(label, justify="right", no_wrap=True)
        for i, (classifier, augmenter, seeds, cells) in enumerate(block.rows):
            if i and classifier != block.rows[i - 1][0]:
                table.add_section()
            labels = [classifier, augmenter] + ([] if block.uniform_seeds else [seeds])
            table.add_row(*labels, *(f"[bold green]{t}[/]" if best else t for t, best in cells))
        tables.append(table)
    return tables


def findings(results: Results) -> list[str]:
    """Plain-text warnings and notes a reader must not miss."""
    lines = []
    for r in no_signal(results.summary, results.baseline).itertuples():
        lines.append(
            f"warning: no detectable signal in dataset '{r.dataset}' with classifier "
            f"'{r.classifier}': the ROC-AUC of '{results.baseline}' at {r.size} training rows "
            f"has a 95% CI of {r.roc_auc_ci_low:.3f}-{r.roc_auc_ci_high:.3f}, which includes "
            "0.5; differences in accuracy and recall then reflect threshold shifts only.")
    shifts = threshold_shifts(results.comparisons)
    for (dataset, augmenter, classifier), g in shifts.groupby(["dataset", "augmenter", "classifier"]):
        sizes = ", ".join(str(s) for s in g["size"])
        lines.append(
            f"note: '{augmenter}' raises recall with '{classifier}' on '{dataset}' (at {sizes} "
            f"training rows, by {g['recall_diff'].mean():+.3f} on average) without a significant "
            f"ROC-AUC gain ({g['roc_auc_diff'].mean():+.3f}): a threshold shift, not better ranking.")
    return lines


def rank_table(results: Results) -> Table | None:
    """Average ROC-AUC ranks of the augmenters across datasets, when there are several."""
    if results.summary["dataset"].nunique() < 2:
        return None
    ranks = average_ranks(results.summary)
    table = Table(title="average rank by ROC-AUC across datasets (1 = best; largest size each)",
                  title_justify="left")
    augmenters = [c for c in ranks.columns if c not in ("n_datasets", "friedman_p")]
    for name in ["classifier", *augmenters, "datasets", "Friedman p"]:
        table.add_column(name, justify="left" if name == "classifier" else "right")
    for classifier, r in ranks.iterrows():
        p = r["friedman_p"]
        table.add_row(classifier, *(f"{r[a]:.2f}" for a in augmenters), str(int(r["n_datasets"])),
                      "-" if math.isnan(p) else f"{p:.3g}")
    return table


def print_report(results: Results, console: Console) -> None:
    """Print the summary tables, the cross-dataset ranks and the findings."""
    for table in summary_tables(results):
        console.print(table)
    ranks = rank_table(results)
    if ranks is not None:
        console.print(ranks)
    for line in findings(results):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
