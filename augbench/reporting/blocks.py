"""What the tables show, as plain rows that any medium renders: summary blocks per dataset,
prevalence (where set) and size, and the paired differences from the baseline."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from augbench.results.compare import ALPHA, VERDICTS
from augbench.results.row import axes
from augbench.results.tables import ResultTables


def prevalence_words(prevalence: float | None) -> str:
    """A prevalence as a reader says it: "prevalence 5%" (empty for the table as it is)."""
    if prevalence is None or prevalence != prevalence:
        return ""
    return f"prevalence {100 * prevalence:.3g}%"


def where_words(dataset: str, size: int, prevalence: float | None = None) -> str:
    """Which rows a table or figure is about: "stroke · prevalence 2% · 200 training rows"."""
    return " · ".join(p for p in (dataset, prevalence_words(prevalence),
                                  f"{int(size)} training rows") if p)


def chosen_words(chosen: str) -> str:
    """A tuned trial's values (its ``tuned_params`` JSON) as ``param=value; ...``: the
    augmenter's, then the classifier's ("-" where neither had any)."""
    values = json.loads(chosen)
    return "; ".join(f"{k}={v}" for part in ("augmenter", "classifier")
                     for k, v in values[part].items()) or "-"


def _where(frame: pd.DataFrame, coordinates: tuple) -> dict:
    """The dataset, size and prevalence (None where unset) of one group of ``axes(frame)``."""
    found = dict(zip(axes(frame), coordinates))
    return {"dataset": found["dataset"], "size": int(found["size"]),
            "prevalence": found.get("prevalence")}


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return f"{mean:.3f}"
    # The half-width is below 1, so its leading zero only costs width: 0.968±.007.
    return f"{mean:.3f}±{(high - low) / 2:.3f}".replace("±0.", "±.")


# How a verdict (see augbench.results.compare.verdict) is marked beside a number.
MARKS = {"better": "▲", "worse": "▼", "equivalent": "≈", "undecided": " "}


def _marks(results: ResultTables) -> dict[tuple, str]:
    """(axes..., augmenter, classifier, metric) -> the mark of its verdict against the
    baseline."""
    comparisons = results.comparisons
    columns = [*axes(comparisons), "augmenter", "classifier", "metric"]
    return {tuple(r[c] for c in columns): MARKS[r["verdict"]]
            for _, r in comparisons.iterrows()}


# The counts of verdicts across tables, in the order across_cell gives them.
ACROSS_WORDS = "better / equivalent / worse / undecided"


def across_cell(counts: Any) -> str:
    """One augmenter's verdicts across tables in one metric (a row of
    ``ResultTables.across_tables``): "2 / 10 / 1 / 2"."""
    return " / ".join(str(getattr(counts, v)) for v in VERDICTS)


def verdict_words(results: ResultTables, metrics: list[str]) -> str:
    """What the marks say, for a caption: the test, Holm's family and the margins."""
    margins = results.comparisons.drop_duplicates("metric").set_index("metric")["margin"] \
        if len(results.comparisons) else pd.Series(dtype=float)
    shown = ", ".join(f"{results.metrics[m].header} {margins[m]:g}" for m in metrics
                      if m in margins.index)
    return (f"▲/▼ better/worse than {results.baseline} on the same seeds (paired Wilcoxon, Holm "
            f"p < {ALPHA} {family_words(results)}, by more than the margin); ≈ practically "
            "equivalent (a significant difference inside the margin, or a 95% interval inside "
            f"it)" + (f"; margins {shown}" if shown else "") + "; " + holm_words(results))


def holm_words(results: ResultTables) -> str:
    """What Holm's adjustment corrects for, in one clause."""
    if results.family == "run":
        return "Holm corrects across every comparison of the run"
    return ("Holm corrects for the augmenters compared within one metric, size and classifier, "
            "not across the metrics one finding names")


@dataclass
class Block:
    """The rows of one table (a dataset and training size), ready to render in any medium."""

    dataset: str
    size: int
    prevalence: float | None
    title: str
    caption: str
    # The names of the label columns, then the headers of the metrics.
    label_names: list[str]
    headers: list[str]
    # One row per group: labels, seeds (with failures), then (text, is_best) per metric.
    rows: list[tuple[tuple[str, ...], str, list[tuple[str, bool]]]]
    uniform_seeds: bool


def shown_metrics(results: ResultTables, needs: str | None = None) -> list[str]:
    """The metrics the tables and figures show that the summary has values for (only those
    that need ``needs``, when given)."""
    return [m for m in results.shown if f"{m}_mean" in results.summary
            and (needs is None or results.metrics[m].needs == needs)]


def higher_is_better(results: ResultTables, metric: str) -> bool:
    """The declared direction of ``metric``."""
    return results.metrics[metric].higher_is_better


# Marks a mean taken over fewer seeds than ran: the metric was undefined in the others.
UNDEFINED_MARK = "†"


def _cells(results: ResultTables, group: pd.DataFrame, r: pd.Series, metrics: list[str],
           marks: dict[tuple, str]) -> list[tuple[str, bool]]:
    cells = []
    # The best mean is a choice a reader can make: the controls (shuffled labels, held-out real
    # patients) are references, never bold, and do not set the best.
    controls = references(results)
    choices = group[~group["augmenter"].isin(controls)]
    for metric in metrics:
        column = choices[f"{metric}_mean"]
        best = column.max() if higher_is_better(results, metric) else column.min()
        text = _cell(r[f"{metric}_mean"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"])
        if r.get(f"{metric}_undefined", 0) > 0:
            text += UNDEFINED_MARK
        key = (*(r[c] for c in axes(group)), r["augmenter"], r["classifier"], metric)
        text += marks.get(key, " ")
        cells.append((text, column.notna().sum() > 1 and r["augmenter"] not in controls
                      and r[f"{metric}_mean"] == best))
    return cells


def _bold_words(results: ResultTables, block: pd.DataFrame) -> str:
    """Which arms of ``block`` are references, never bold (where it has any)."""
    shown = sorted(references(results) & set(block["augmenter"]))
    what = "a reference" if len(shown) == 1 else "references"
    return f" among the methods ({', '.join(shown)}: {what}, never bold)" if shown else ""


def references(results: ResultTables) -> set[str]:
    """The arms read as references, not options: those that relabel rows (what chance gives)
    and those that add unused real patients (what no synthesis can beat on privacy)."""
    return results.controls | {name for name, can in results.capabilities.items()
                               if can.get("draws_reserve")}


def _undefined_words(results: ResultTables, block: pd.DataFrame, metrics: list[str],
                     labels: list[str]) -> str:
    """The caption's note on means over fewer seeds: which metric, of which rows, in how many."""
    counts = []
    for metric in metrics:
        column = f"{metric}_undefined"
        if column not in block:
            continue
        for _, r in block[block[column] > 0].iterrows():
            name = "/".join(str(r[c]) for c in labels)
            counts.append(f"{results.metrics[metric].label} of {name} in {int(r[column])} of "
                          f"{int(r['n_seeds'])}")
    if not counts:
        return ""
    shown = "; ".join(counts[:4]) + (f"; {len(counts) - 4} more" if len(counts) > 4 else "")
    return (f". {UNDEFINED_MARK} undefined in some seeds (a ratio of nothing to nothing: a "
            "share of patients where there were none to count, a risk where every guess is "
            f"right anyway), the mean of the others: {shown} (summary.csv: <metric>_undefined)")


def _directions(results: ResultTables, metrics: list[str]) -> str:
    """Which way is better, for each metric of a table: "lower: A, B; higher: C"."""
    words = []
    for better, side in ((False, "lower"), (True, "higher")):
        names = [_headers(results, [m])[0] for m in metrics if higher_is_better(results, m) == better]
        if names:
            words.append(f"{side}: {', '.join(names)}")
    return "; ".join(words)


def _seeds(r: pd.Series) -> str:
    return f"{r['n_seeds']}" + (f" ({r['n_failed']} failed)" if r["n_failed"] else "")


def _headers(results: ResultTables, metrics: list[str]) -> list[str]:
    return [results.metrics[m].header for m in metrics]


def family_words(results: ResultTables) -> str:
    """How Holm's family reads in a caption."""
    return "across the whole run" if results.family == "run" else \
        "across the augmenters of each comparison"


def summary_blocks(results: ResultTables) -> list[Block]:
    """Per dataset and size: the classification table (classifier x augmenter rows, CI cells,
    significance marks, best means) and, where augmenters added rows, the privacy and fidelity
    table of those rows (one row per augmenter: they do not depend on the classifier)."""
    marks = _marks(results)
    scored, synthetic = shown_metrics(results, "predictions"), shown_metrics(results, "synthetic")
    blocks = []
    summary = results.summary
    for coordinates, block in summary.groupby(axes(summary), sort=True):
        where = _where(summary, coordinates)
        uniform = block["n_seeds"].nunique() == 1 and not block["n_failed"].any()
        seeds = f"{block['n_seeds'].iloc[0]} seeds" if uniform else "seeds"
        title = f"{where_words(**where)} · mean ± 95% CI over {seeds}"
        if scored:
            # The baseline leads each classifier's rows: every other row is read against it.
            block = block.assign(_later=block["augmenter"] != results.baseline).sort_values(
                ["classifier", "_later", "augmenter"], kind="stable")
            rows = [((classifier, r["augmenter"]), _seeds(r), _cells(results, group, r, scored, marks))
                    for classifier, group in block.groupby("classifier", sort=True)
                    for _, r in group.iterrows()]
            blocks.append(Block(
                **where, title=title, caption=verdict_words(results, scored) + "; best mean "
                "in bold" + _bold_words(results, block)
                + _undefined_words(results, block, scored, ["augmenter", "classifier"]),
                label_names=["classifier", "augmenter"], headers=_headers(results, scored),
                rows=rows, uniform_seeds=uniform))
        if synthetic:
            # One classifier's rows stand for all: these metrics are computed before any fit.
            first = block[block["classifier"] == block["classifier"].min()]
            added = first[first[[f"{m}_mean" for m in synthetic]].notna().any(axis=1)]
            if not added.empty:
                rows = [((r["augmenter"],), _seeds(r), _cells(results, added, r, synthetic, {}))
                        for _, r in added.iterrows()]
                blocks.append(Block(
                    **where, title=f"{title} · privacy and fidelity of the synthetic rows",
                    caption="per augmented training set, whatever the classifier; best mean in "
                    f"bold ({_directions(results, synthetic)}){_bold_words(results, added)}"
                    + _undefined_words(results, added, synthetic, ["augmenter"]),
                    label_names=["augmenter"], headers=_headers(results, synthetic), rows=rows,
                    uniform_seeds=uniform))
    return blocks


@dataclass
class DifferenceRow:
    """One augmenter's paired differences from the baseline, per shown metric."""

    classifier: str
    augmenter: str
    # Per metric: (mean, low, high, p_adjusted, wins, ties, losses, verdict), or None without
    # pairs.
    cells: list[tuple | None]


def difference_blocks(results: ResultTables, comparisons: pd.DataFrame | None = None,
                      ) -> list[tuple[str, list[str], list[DifferenceRow]]]:
    """(where, metric headers, rows) of paired differences from the baseline (or of other
    paired ``comparisons`` of the same shape), one per dataset, prevalence and size (``where``
    as `where_words` says it)."""
    metrics = shown_metrics(results, "predictions")
    comparisons = results.comparisons if comparisons is None else comparisons
    if comparisons.empty or not metrics:
        return []
    blocks = []
    by = axes(comparisons)
    indexed = comparisons.set_index([*by, "classifier", "augmenter", "metric"])
    for coordinates, block in comparisons.groupby(by, sort=True):
        rows = []
        for (classifier, augmenter), _ in block.groupby(["classifier", "augmenter"], sort=True):
            cells = []
            for metric in metrics:
                key = (*coordinates, classifier, augmenter, metric)
                if key not in indexed.index:
                    cells.append(None)
                    continue
                r = indexed.loc[key]
                cells.append((r["mean_diff"], r["ci_low"], r["ci_high"], r["p_adjusted"],
                              int(r["wins"]), int(r["ties"]), int(r["losses"]), r["verdict"]))
            rows.append(DifferenceRow(classifier, augmenter, cells))
        blocks.append((where_words(**_where(comparisons, coordinates)),
                       _headers(results, metrics), rows))
    return blocks


