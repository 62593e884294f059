"""Terminal rendering of a run's results (rendering only: the numbers come from results/compare)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from augbench.results.compare import (
    ALPHA,
    FAMILIES,
    average_ranks,
    no_signal,
    seeds_needed,
    smallest_p,
    threshold_shifts,
)
from augbench.results.tables import Results

# The findings read these metrics where a run has them: a threshold metric that rises without
# the ranking metric rising is a threshold shift, and the ranking metric at its chance level
# means the table carries no signal.
THRESHOLD_METRIC, RANKING_METRIC, CHANCE = "recall", "roc_auc", 0.5


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return f"{mean:.3f}"
    # The half-width is below 1, so its leading zero only costs width: 0.968±.007.
    return f"{mean:.3f}±{(high - low) / 2:.3f}".replace("±0.", "±.")


def _marks(results: Results) -> dict[tuple, str]:
    """(dataset, size, augmenter, classifier, metric) -> ▲ or ▼ where the difference is significant."""
    marks = {}
    comparisons = results.comparisons
    for r in comparisons[comparisons["p_adjusted"] < ALPHA].itertuples():
        higher = results.metrics[r.metric].higher_is_better if r.metric in results.metrics else True
        better = (r.mean_diff > 0) if higher else (r.mean_diff < 0)
        marks[(r.dataset, r.size, r.augmenter, r.classifier, r.metric)] = "▲" if better else "▼"
    return marks


@dataclass
class Block:
    """The rows of one table (a dataset and training size), ready to render in any medium."""

    dataset: str
    size: int
    title: str
    caption: str
    # The names of the label columns, then the headers of the metrics.
    label_names: list[str]
    headers: list[str]
    # One row per group: labels, seeds (with failures), then (text, is_best) per metric.
    rows: list[tuple[tuple[str, ...], str, list[tuple[str, bool]]]]
    uniform_seeds: bool


def shown_metrics(results: Results, needs: str | None = None) -> list[str]:
    """The metrics the tables and figures show that the summary has values for (only those
    that need ``needs``, when given)."""
    return [m for m in results.shown if f"{m}_mean" in results.summary
            and (needs is None or m not in results.metrics or results.metrics[m].needs == needs)]


def _higher_is_better(results: Results, metric: str) -> bool:
    return results.metrics[metric].higher_is_better if metric in results.metrics else True


def _cells(results: Results, group: pd.DataFrame, r: pd.Series, metrics: list[str],
           marks: dict[tuple, str]) -> list[tuple[str, bool]]:
    cells = []
    for metric in metrics:
        column = group[f"{metric}_mean"]
        best = column.max() if _higher_is_better(results, metric) else column.min()
        text = _cell(r[f"{metric}_mean"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"])
        text += marks.get((r["dataset"], r["size"], r["augmenter"], r["classifier"], metric), " ")
        cells.append((text, column.notna().sum() > 1 and r[f"{metric}_mean"] == best))
    return cells


def _seeds(r: pd.Series) -> str:
    return f"{r['n_seeds']}" + (f" ({r['n_failed']} failed)" if r["n_failed"] else "")


def _headers(results: Results, metrics: list[str]) -> list[str]:
    return [results.metrics[m].header if m in results.metrics else m for m in metrics]


def summary_blocks(results: Results) -> list[Block]:
    """Per dataset and size: the classification table (classifier x augmenter rows, CI cells,
    significance marks, best means) and, where augmenters added rows, the privacy and fidelity
    table of those rows (one row per augmenter: they do not depend on the classifier)."""
    marks = _marks(results)
    scored, synthetic = shown_metrics(results, "predictions"), shown_metrics(results, "synthetic")
    blocks = []
    for (dataset, size), block in results.summary.groupby(["dataset", "size"], sort=True):
        uniform = block["n_seeds"].nunique() == 1 and not block["n_failed"].any()
        seeds = f"{block['n_seeds'].iloc[0]} seeds" if uniform else "seeds"
        title = f"{dataset} · {size} training rows · mean ± 95% CI over {seeds}"
        if scored:
            rows = [((classifier, r["augmenter"]), _seeds(r), _cells(results, group, r, scored, marks))
                    for classifier, group in block.groupby("classifier", sort=True)
                    for _, r in group.iterrows()]
            blocks.append(Block(
                dataset, int(size), title, f"▲/▼ better/worse than {results.baseline} on the same "
                f"seeds (paired Wilcoxon, Holm p < {ALPHA} {_family_words(results)}); best mean "
                "in bold",
                ["classifier", "augmenter"], _headers(results, scored), rows, uniform))
        if synthetic:
            # One classifier's rows stand for all: these metrics are computed before any fit.
            first = block[block["classifier"] == block["classifier"].min()]
            added = first[first[[f"{m}_mean" for m in synthetic]].notna().any(axis=1)]
            if not added.empty:
                rows = [((r["augmenter"],), _seeds(r), _cells(results, added, r, synthetic, {}))
                        for _, r in added.iterrows()]
                blocks.append(Block(
                    dataset, int(size), f"{title} · privacy and fidelity of the synthetic rows",
                    "per augmented training set, whatever the classifier; best mean in bold "
                    "(lower copies, MIA and detection AUC and KS/TV; higher distances)",
                    ["augmenter"], _headers(results, synthetic), rows, uniform))
    return blocks


@dataclass
class DifferenceRow:
    """One augmenter's paired differences from the baseline, per shown metric."""

    classifier: str
    augmenter: str
    # Per metric: (mean, low, high, p_adjusted, wins, ties, losses), or None without pairs.
    cells: list[tuple | None]


def difference_blocks(results: Results) -> list[tuple[str, int, list[str], list[DifferenceRow]]]:
    """(dataset, size, metric headers, rows) of paired differences from the baseline."""
    metrics = shown_metrics(results, "predictions")
    comparisons = results.comparisons
    if comparisons.empty or not metrics:
        return []
    blocks = []
    indexed = comparisons.set_index(["dataset", "size", "classifier", "augmenter", "metric"])
    for (dataset, size), block in comparisons.groupby(["dataset", "size"], sort=True):
        rows = []
        for (classifier, augmenter), _ in block.groupby(["classifier", "augmenter"], sort=True):
            cells = []
            for metric in metrics:
                key = (dataset, size, classifier, augmenter, metric)
                if key not in indexed.index:
                    cells.append(None)
                    continue
                r = indexed.loc[key]
                cells.append((r["mean_diff"], r["ci_low"], r["ci_high"], r["p_adjusted"],
                              int(r["wins"]), int(r["ties"]), int(r["losses"])))
            rows.append(DifferenceRow(classifier, augmenter, cells))
        blocks.append((dataset, int(size), _headers(results, metrics), rows))
    return blocks


def _difference_cell(cell: tuple | None, higher_is_better: bool) -> str:
    if cell is None or math.isnan(cell[0]):
        return "-"
    mean, low, high, p, *_ = cell
    half = "" if math.isnan(low) else f"±{(high - low) / 2:.3f}".replace("±0.", "±.")
    better = mean > 0 if higher_is_better else mean < 0
    mark = ("▲" if better else "▼") if p < ALPHA else " "
    return f"{mean:+.3f}{half}{mark}".replace("+0.", "+.").replace("-0.", "-.")


def difference_tables(results: Results) -> list[Table]:
    """Compact tables of the paired differences from the baseline, one per dataset and size."""
    metrics = shown_metrics(results, "predictions")
    tables = []
    for dataset, size, headers, rows in difference_blocks(results):
        table = Table(title=f"{dataset} · {size} training rows · difference from "
                      f"{results.baseline} on the same seeds (mean ± 95% CI)",
                      caption=f"▲/▼ Holm p < {ALPHA} {_family_words(results)}; W/T/L per seed "
                      "in comparisons.csv and the HTML report", title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
        table.add_column("classifier", no_wrap=True)
        table.add_column("augmenter", no_wrap=True)
        for label in headers:
            table.add_column(label, justify="right", no_wrap=True)
        for i, row in enumerate(rows):
            if i and row.classifier != rows[i - 1].classifier:
                table.add_section()
            table.add_row(row.classifier, row.augmenter,
                          *(_difference_cell(c, _higher_is_better(results, m))
                            for c, m in zip(row.cells, metrics)))
        tables.append(table)
    return tables


def summary_tables(results: Results) -> list[Table]:
    """One rich table per block: label columns, then a column per metric."""
    tables = []
    for block in summary_blocks(results):
        table = Table(title=block.title, caption=block.caption, title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
        for i, label in enumerate(block.label_names):
            table.add_column(label, no_wrap=True,
                             min_width=max(len(labels[i]) for labels, _, _ in block.rows))
        if not block.uniform_seeds:
            table.add_column("seeds", justify="right", no_wrap=True)
        for label in block.headers:
            table.add_column(label, justify="right", no_wrap=True)
        for i, (labels, seeds, cells) in enumerate(block.rows):
            if i and len(labels) > 1 and labels[0] != block.rows[i - 1][0][0]:
                table.add_section()
            extra = [] if block.uniform_seeds else [seeds]
            table.add_row(*labels, *extra, *(f"[bold green]{t}[/]" if best else t for t, best in cells))
        tables.append(table)
    return tables


def _family_words(results: Results) -> str:
    return "across the whole run" if results.family == "run" else \
        "across the augmenters of each comparison"


def too_few_seeds(results: Results) -> str | None:
    """A warning when no paired difference can reach significance with the seeds run."""
    comparisons = results.comparisons
    if comparisons.empty:
        return None
    n = int(comparisons["n_pairs"].max())
    by = FAMILIES[results.family]
    family = int(comparisons.groupby(by).size().max()) if by else len(comparisons)
    best = min(1.0, family * smallest_p(n))
    if best < ALPHA:
        return None
    return (f"warning: with {n} seeds no difference from '{results.baseline}' can be significant: "
            f"the paired Wilcoxon test's smallest p-value is {smallest_p(n):.3g}, {best:.3g} after "
            f"Holm {_family_words(results)} ({family}); run at least "
            f"{seeds_needed(family)} seeds.")


def findings(results: Results) -> list[str]:
    """Plain-text warnings and notes a reader must not miss."""
    lines = [line for line in [too_few_seeds(results)] if line]
    ranking = _label(results, RANKING_METRIC)
    for r in no_signal(results.summary, results.baseline, RANKING_METRIC, CHANCE).itertuples():
        low, high = getattr(r, f"{RANKING_METRIC}_ci_low"), getattr(r, f"{RANKING_METRIC}_ci_high")
        lines.append(
            f"warning: no detectable signal in dataset '{r.dataset}' with classifier "
            f"'{r.classifier}': the {ranking} of '{results.baseline}' at {r.size} training rows "
            f"has a 95% CI of {low:.3f}-{high:.3f}, which includes {CHANCE}; differences in "
            "accuracy and recall then reflect threshold shifts only.")
    for r in idle_augmenters(results).itertuples():
        lines.append(
            f"warning: '{r.augmenter}' added no row in any trial on '{r.dataset}': the positive "
            "class is not the rarer one there, or --ratio is already met, so its numbers are "
            "those of the training rows alone; check --positive and --ratio.")
    shifts = threshold_shifts(results.comparisons, THRESHOLD_METRIC, RANKING_METRIC)
    rising = _label(results, THRESHOLD_METRIC)
    for (dataset, augmenter, classifier), g in shifts.groupby(["dataset", "augmenter", "classifier"]):
        sizes = ", ".join(str(s) for s in g["size"])
        lines.append(
            f"note: '{augmenter}' raises {rising} with '{classifier}' on '{dataset}' (at {sizes} "
            f"training rows, by {g[f'{THRESHOLD_METRIC}_diff'].mean():+.3f} on average) without a "
            f"significant {ranking} gain ({g[f'{RANKING_METRIC}_diff'].mean():+.3f}): a threshold "
            "shift, not better ranking.")
    return lines + finding_sentences(results)


def finding_sentences(results: Results) -> list[str]:
    """One plain sentence per augmenter, classifier and dataset: what changed significantly
    against the baseline, by how much (at the largest such size), where, and what did not."""
    comparisons = results.comparisons
    metrics = shown_metrics(results, "predictions")
    if comparisons.empty or not metrics:
        return []
    lines = []
    for (dataset, classifier, augmenter), group in comparisons.groupby(
            ["dataset", "classifier", "augmenter"], sort=True):
        changed, unchanged = [], []
        for metric in metrics:
            rows = group[group["metric"] == metric].sort_values("size")
            if rows.empty:
                continue
            significant = rows[rows["p_adjusted"] < ALPHA]
            label = _label(results, metric)
            if significant.empty:
                unchanged.append(label)
                continue
            r = significant.iloc[-1]
            verb = "raised" if r["mean_diff"] > 0 else "lowered"
            low, high = sorted((abs(r["ci_low"]), abs(r["ci_high"])))
            where = "at every size" if len(significant) == len(rows) else \
                "at " + ", ".join(str(int(s)) for s in significant["size"]) + " training rows"
            worse = not _higher_is_better(results, metric) and verb == "raised"
            better = not _higher_is_better(results, metric) and verb == "lowered"
            judged = " (worse)" if worse else " (better)" if better else ""
            changed.append(f"{verb} {label}{judged} by {abs(r['mean_diff']):.3f} [{low:.3f}, "
                           f"{high:.3f}] {where}")
        if not changed:
            lines.append(f"finding: '{augmenter}' with '{classifier}' on '{dataset}' changed "
                         f"nothing significantly against '{results.baseline}'.")
            continue
        rest = f", and left {', '.join(unchanged)} unchanged" if unchanged else ""
        shift = (": a threshold shift" if _label(results, THRESHOLD_METRIC) in " ".join(changed)
                 and _label(results, RANKING_METRIC) in unchanged else "")
        lines.append(f"finding: '{augmenter}' with '{classifier}' on '{dataset}' "
                     f"{'; '.join(changed)}{rest}{shift}.")
    return lines


def idle_augmenters(results: Results) -> pd.DataFrame:
    """(dataset, augmenter) of augmenters that add rows by nature but added none in any trial."""
    ok = results.trials[results.trials["status"] == "ok"]
    added = ok.groupby(["dataset", "augmenter"])["n_synthetic"].max().reset_index()
    adds = [results.capabilities.get(a, {}).get("adds_rows", a != results.baseline)
            for a in added["augmenter"]]
    return added[(added["n_synthetic"] == 0) & pd.Series(adds, index=added.index)]


def _label(results: Results, metric: str) -> str:
    spec = results.metrics.get(metric)
    return spec.label if spec else metric


def rank_table(results: Results) -> Table | None:
    """Average ROC-AUC ranks of the augmenters across datasets, when there are several."""
    if results.summary["dataset"].nunique() < 2 or f"{RANKING_METRIC}_mean" not in results.summary:
        return None
    ranks = average_ranks(results.summary, RANKING_METRIC)
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
    for table in difference_tables(results):
        console.print(table)
    ranks = rank_table(results)
    if ranks is not None:
        console.print(ranks)
    for line in findings(results):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
