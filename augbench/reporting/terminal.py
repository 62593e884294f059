"""Terminal rendering of a run's results (rendering only: the numbers come from results/, the
rows from reporting.blocks, the sentences from reporting.findings).

Every text that holds a name (a table, a plugin, a metric) is escaped for rich's markup: a table
named ``x[/]`` is printed as it is, not read as a closing tag."""

from __future__ import annotations

import math

import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from augbench.reporting.blocks import (
    ACROSS_WORDS,
    MARKS,
    across_cell,
    chosen_words,
    difference_blocks,
    shown_metrics,
    summary_blocks,
    verdict_words,
    where_words,
)
from augbench.reporting.findings import findings
from augbench.reporting.sections import TERMINAL, sections_of
from augbench.results.compare import average_ranks
from augbench.results.row import axes
from augbench.results.tables import ResultTables, tuned_choices


def _difference_cell(cell: tuple | None) -> str:
    if cell is None or math.isnan(cell[0]):
        return "-"
    mean, low, high, *_, verdict = cell
    half = "" if math.isnan(low) else f"±{(high - low) / 2:.3f}".replace("±0.", "±.")
    return _breakable(f"{mean:+.3f}{half}{MARKS[verdict]}".replace("+0.", "+.")
                      .replace("-0.", "-."))


def _breakable(text: str) -> str:
    """A cell that a narrow terminal breaks before its ± half-width (two short lines) instead of
    cutting both with an ellipsis; on one line where the table fits."""
    return text.replace("±", " ±", 1)


def _metric_column(table: Table, header: str) -> None:
    # As wide as the header's longest word at least: a narrow terminal folds a header between
    # its words ("density / MIA"), never inside one ("inferen / ce").
    longest_word = max((len(word) for word in header.split()), default=0)
    table.add_column(header, justify="right", overflow="fold", min_width=max(6, longest_word))


def difference_tables(results: ResultTables, comparisons: pd.DataFrame | None = None,
                      title: str | None = None, caption: str | None = None) -> list[Table]:
    """Compact tables of the paired differences from the baseline (or of other paired
    ``comparisons``, with their ``title`` and ``caption``), one per dataset, prevalence and
    size."""
    metrics = shown_metrics(results, "predictions")
    title = title or f"difference from {results.baseline} on the same seeds (mean ± 95% CI)"
    caption = caption or (f"{verdict_words(results, metrics)}; W/T/L per seed in "
                          "comparisons.csv and the HTML report")
    tables = []
    for where, headers, rows in difference_blocks(results, comparisons):
        table = Table(title=escape(f"{where} · {title}"), caption=escape(caption), title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
        table.add_column("classifier", no_wrap=True, min_width=len("classifier"))
        table.add_column("augmenter", no_wrap=True, min_width=len("augmenter"))
        for label in headers:
            _metric_column(table, escape(label))
        for i, row in enumerate(rows):
            if i and row.classifier != rows[i - 1].classifier:
                table.add_section()
            table.add_row(escape(row.classifier), escape(row.augmenter),
                          *(_difference_cell(c) for c in row.cells))
        tables.append(table)
    return tables


def summary_tables(results: ResultTables) -> list[Table]:
    """One rich table per block: label columns, then a column per metric."""
    tables = []
    for block in summary_blocks(results):
        table = Table(title=escape(block.title), caption=escape(block.caption), title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)
        for i, label in enumerate(block.label_names):
            table.add_column(label, no_wrap=True,
                             min_width=max(len(label), *(len(labels[i]) for labels, _, _ in block.rows)))
        if not block.uniform_seeds:
            table.add_column("seeds", justify="right", no_wrap=True)
        for label in block.headers:
            _metric_column(table, escape(label))
        for i, (labels, seeds, cells) in enumerate(block.rows):
            if i and len(labels) > 1 and labels[0] != block.rows[i - 1][0][0]:
                table.add_section()
            extra = [] if block.uniform_seeds else [seeds]
            table.add_row(*map(escape, labels), *extra, *(f"[bold green]{_breakable(t)}[/]" if best
                                             else _breakable(t) for t, best in cells))
        tables.append(table)
    return tables


def rank_table(results: ResultTables) -> Table | None:
    """Average ranks of the augmenters across datasets by the ranking metric, when there are
    several datasets."""
    ranking = results.metric_of_role("ranking")
    if results.summary["dataset"].nunique() < 2 or ranking is None:
        return None
    spec = results.metrics[ranking]
    ranks = average_ranks(results.summary, ranking, spec.higher_is_better)
    table = Table(title=escape(f"average rank by {spec.label} across datasets (1 = best; largest "
                               "size each)"), title_justify="left")
    augmenters = [c for c in ranks.columns if c not in ("n_datasets", "friedman_p")]
    for name in ["classifier", *augmenters, "datasets", "Friedman p"]:
        table.add_column(escape(name), justify="left" if name == "classifier" else "right")
    for classifier, r in ranks.iterrows():
        p = r["friedman_p"]
        table.add_row(escape(classifier), *(f"{r[a]:.2f}" for a in augmenters), str(int(r["n_datasets"])),
                      "-" if math.isnan(p) else f"{p:.3g}")
    return table


def across_table(results: ResultTables) -> Table | None:
    """On how many tables each augmenter is better, practically equivalent, worse or
    undecided against the baseline, by shown metric (a run of several tables)."""
    counts = results.across_tables
    metrics = [m for m in shown_metrics(results, "predictions") if m in set(counts["metric"])]
    if counts.empty or not metrics:
        return None
    table = Table(title=escape(f"across {counts['tables'].max()} tables: on how many each "
                               f"method is {ACROSS_WORDS} than {results.baseline} (largest size "
                               "each)"), title_justify="left")
    for name in ["classifier", "augmenter", *(results.metrics[m].header for m in metrics)]:
        table.add_column(escape(name), justify="left" if name in ("classifier", "augmenter")
                         else "right")
    for (classifier, augmenter), group in counts.groupby(["classifier", "augmenter"], sort=True):
        cells = {r.metric: across_cell(r) for r in group.itertuples()}
        table.add_row(escape(classifier), escape(augmenter), *(cells.get(m, "-") for m in metrics))
    return table


def tuning_tables(results: ResultTables) -> list[Table]:
    """In a tuned run, the values each arm's trials chose most often, one table per dataset,
    prevalence and size; none otherwise."""
    choices = tuned_choices(results.trials)
    tables = []
    for _, block in choices.groupby(axes(choices), sort=True, dropna=False):
        first = block.iloc[0]
        where = where_words(first["dataset"], first["size"], first.get("prevalence"))
        table = Table(title=escape(f"{where} · tuned: the values each arm's trials chose most often"),
                      title_justify="left", caption="every trial's values in trials.csv "
                      "(tuned_params); inner score: the mean of the trials' best configurations",
                      caption_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
        for name in ("classifier", "augmenter", "chosen most often", "times", "inner score"):
            table.add_column(name, justify="right" if name in ("times", "inner score") else "left")
        for r in block.sort_values(["classifier", "augmenter"]).to_dict("records"):
            table.add_row(escape(r["classifier"]), escape(r["augmenter"]), escape(chosen_words(r["chosen"])),
                          f"{r['times']} of {r['trials']}", f"{r['tune_score']:.3f}")
        tables.append(table)
    return tables


def print_report(results: ResultTables, console: Console) -> None:
    """Print the sections `augbench.reporting.sections` lists for a terminal: the summary
    tables, the paired differences, the cross-dataset ranks, what tuning chose (a tuned run)
    and the findings."""
    ranks = rank_table(results)
    tables = {"tables": lambda: summary_tables(results),
              "differences": lambda: difference_tables(results),
              "ranks": lambda: [ranks] if ranks is not None else [],
              "across": lambda: [t for t in [across_table(results)] if t is not None],
              "tuning": lambda: tuning_tables(results)}
    for section in sections_of(TERMINAL):
        if section.key == "findings":
            for line in findings(results):
                # A terminal wraps a sentence between words, with the lines after the first
                # indented under its text; a file or a pipe keeps each sentence on one line,
                # for grep.
                if console.is_terminal:
                    kind, text = line.split(": ", 1)
                    grid = Table.grid(padding=(0, 1))
                    grid.add_column(no_wrap=True)
                    grid.add_column(overflow="fold")
                    grid.add_row(f"{kind}:", text)
                    console.print(grid, markup=False, highlight=False)
                else:
                    console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            for table in tables[section.key]():
                for part in fitted(table, console):
                    console.print(part)


def fitted(table: Table, console: Console) -> list[Table]:
    """``table`` as it is where it fits the console. On a narrower one its metric columns take
    their narrowest width (a mean over its interval), and if the table still does not fit they
    go into consecutive tables that each repeat the label columns (the title above the first,
    the caption under the last): no column is cropped, no header folds inside a word."""
    from rich.measure import Measurement

    def width(candidate: Table) -> int:
        # The width it takes with room to spare; rich's own squeezing does not keep each
        # column's minimum (it crops the last ones), so it is never left to squeeze.
        return Measurement.get(console, console.options.update_width(10_000), candidate).maximum

    if width(table) <= console.width:
        return [table]
    # Metric columns fold (see _metric_column); the labels (classifier, augmenter) never do.
    metrics = [c for c in table.columns if c.overflow == "fold"]
    for column in metrics:
        column.width = column.min_width
    labels = [c for c in table.columns if c.overflow != "fold"]
    parts: list[list] = [[]]
    for column in metrics:
        if parts[-1] and width(_columns_of(table, labels, [*parts[-1], column])) > console.width:
            parts.append([])
        parts[-1].append(column)
    return [_columns_of(table, labels, part, title=i == 0, caption=i == len(parts) - 1)
            for i, part in enumerate(parts)]


def _columns_of(table: Table, labels: list, columns: list, title: bool = True,
                caption: bool = True) -> Table:
    """A table of ``table``'s rows with only ``labels`` and ``columns``, in its style."""
    part = Table(title=table.title if title else None, caption=table.caption if caption else None,
                 title_justify=table.title_justify, caption_justify=table.caption_justify,
                 box=table.box, padding=table.padding, pad_edge=table.pad_edge)
    chosen = [*labels, *columns]
    for column in chosen:
        part.add_column(column.header, justify=column.justify, overflow=column.overflow,
                        no_wrap=column.no_wrap, min_width=column.min_width, width=column.width)
    for i, row in enumerate(table.rows):
        part.add_row(*(column._cells[i] for column in chosen), end_section=row.end_section)
    return part
