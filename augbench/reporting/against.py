"""``augbench report DIR --against OTHER`` on the terminal and in the HTML report: what became
of each significant difference from the baseline, and what the change between the runs did to
each arm."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd
from rich import box
from rich.markup import escape as markup_escape
from rich.table import Table

from augbench.reporting.blocks import shown_metrics, where_words
from augbench.reporting.terminal import difference_tables
from augbench.results.against import VERDICTS, arm_changes, check_twins
from augbench.results.against import verdicts as find_verdicts
from augbench.results.compare import ALPHA
from augbench.results.row import axes

# The verdicts' verbs for a count above one.
PLURAL = {"holds": "hold", "vanishes": "vanish", "appears": "appear", "reverses": "reverse"}


@dataclass(repr=False)
class Against:
    """A run beside another of the same experiment, seed by seed: ``differences`` (each
    difference from the baseline significant in either run, both runs' mean, interval and Holm
    p, and its verdict), ``arms`` (each arm in this run minus the same arm in the other) and
    ``sentence`` (the verdicts counted). In a notebook the last expression of a cell displays
    them as the HTML report's Against section; ``html`` and ``tables`` (the terminal's) are
    drawn when asked for."""

    differences: pd.DataFrame
    arms: pd.DataFrame
    sentence: str
    results: Any  # this run, whose metrics and baseline label the tables
    names: tuple[str, str]  # (this run, the other)

    @property
    def html(self) -> str:
        return against_html(self.results, self.differences, self.arms, *self.names)

    @property
    def tables(self) -> list[Table]:
        tables = [verdict_table(self.results, self.differences, *self.names),
                  *arm_tables(self.results, self.arms, *self.names)]
        return [t for t in tables if t is not None]

    def _repr_html_(self) -> str:
        from augbench.reporting.inline import STYLE

        return f'{STYLE}<div class="augbench-results">{self.html}</div>'

    def __repr__(self) -> str:
        return (f"<Against: {len(self.differences)} differences, {len(self.arms)} arm "
                f"changes; {self.sentence}>")


def compare_runs(here: Any, there: Any, here_name: str, there_name: str) -> Against:
    """Compare the run ``here`` with ``there`` seed by seed (`augbench.results.against`);
    refuses runs whose trials do not pair up."""
    check_twins(here, there, here_name, there_name)
    found = find_verdicts(here.comparisons, there.comparisons)
    return Against(found, arm_changes(here, there),
                   verdict_sentence(here, found, here_name, there_name), here,
                   (here_name, there_name))


def verdict_table(results: Any, verdicts: pd.DataFrame, here: str, there: str) -> Table | None:
    """Each difference from the baseline that either run finds significant, in the metrics
    the tables show: both runs' mean difference and interval, and what became of it."""
    shown = set(shown_metrics(results, "predictions"))
    rows = verdicts[verdicts["metric"].isin(shown)]
    if rows.empty:
        return None
    title = f"differences from {results.baseline}: {there} (the other run) and {here} (this one), same seeds"
    meanings = "; ".join(f"{word}: {meaning}" for word, meaning in VERDICTS.items())
    table = Table(title=markup_escape(title), title_justify="left", caption=markup_escape(meanings),
                  caption_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for column in ("where", "classifier", "augmenter", "metric", there, here, "verdict"):
        table.add_column(markup_escape(column), justify="right" if column in (here, there) else "left")
    by = axes(rows)
    for r in rows.sort_values([*by, "classifier", "augmenter", "metric"]).itertuples():
        where = where_words(r.dataset, r.size, getattr(r, "prevalence", None))
        label = results.metrics[r.metric].label if r.metric in results.metrics else r.metric
        table.add_row(*(markup_escape(str(t)) for t in (where, r.classifier, r.augmenter, label)),
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


def verdict_sentence(results: Any, verdicts: pd.DataFrame, here: str, there: str) -> str:
    """One line of what became of the differences from the baseline between the runs."""
    shown = verdicts[verdicts["metric"].isin(set(shown_metrics(results, "predictions")))]
    if shown.empty:
        return (f"note: no difference from {results.baseline} is significant in either run "
                f"({here}, {there}) in the metrics shown.")
    counts = shown["verdict"].value_counts()
    told = ", ".join(f"{counts[word]} {word if counts[word] == 1 else PLURAL[word]}"
                     for word in VERDICTS if word in counts)
    return (f"note: of the {len(shown)} differences from {results.baseline} significant in "
            f"{there} or {here} (Holm p < {ALPHA}, the metrics shown), {told} in {here}.")


def against_html(results: Any, verdicts: pd.DataFrame, changes: pd.DataFrame, here: str,
                 there: str) -> str:
    """The report's section of the comparison with the other run: the sentence, the verdict
    of each significant difference, and each arm here minus there."""
    from augbench.reporting.html import differences_html

    def cell(mean: float, low: float, high: float, p: float) -> str:
        kind = "best nowrap" if p < ALPHA else "nowrap"
        return f'<td class="{kind}">{escape(_difference(mean, low, high, p))}</td>'

    shown = verdicts[verdicts["metric"].isin(set(shown_metrics(results, "predictions")))]
    rows = []
    for r in shown.sort_values([*axes(shown), "classifier", "augmenter", "metric"]).itertuples():
        label = results.metrics[r.metric].label if r.metric in results.metrics else r.metric
        labels = (where_words(r.dataset, r.size, getattr(r, "prevalence", None)), r.classifier,
                  r.augmenter, label)
        rows.append("<tr>" + "".join(f'<td class="label">{escape(str(t))}</td>' for t in labels)
                    + cell(r.mean_diff_there, r.ci_low_there, r.ci_high_there, r.p_adjusted_there)
                    + cell(r.mean_diff_here, r.ci_low_here, r.ci_high_here, r.p_adjusted_here)
                    + f'<td class="label nowrap">{escape(r.verdict)}</td></tr>')
    head = "".join([*(f'<th class="label">{h}</th>' for h in
                      ("where", "classifier", "augmenter", "metric")),
                    f"<th>{escape(there)}</th><th>{escape(here)}</th>",
                    '<th class="label">verdict</th>'])
    meaning = "; ".join(f"{word}: {text}" for word, text in VERDICTS.items())
    table = (f"<table><caption>mean difference from {escape(results.baseline)} [95% CI] in each "
             f"run, bold (and *) where Holm p &lt; {ALPHA}; {escape(meaning)}</caption>"
             f"<tr>{head}</tr>{''.join(rows)}</table>") if rows else ""
    arms = differences_html(
        results, changes, title=f"{here} minus {there}",
        caption=f"each arm in {here} minus the same arm in {there} on the same seeds: mean "
                "[95% CI], Holm-adjusted p across the arms of each comparison, wins/ties/losses"
    ) if not changes.empty else ""
    return (f'<h2 id="against">Against {escape(there)}</h2><p class="note">'
            f"{escape(verdict_sentence(results, verdicts, here, there))}</p>{table}{arms}")
