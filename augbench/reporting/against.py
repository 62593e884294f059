"""``augbench report DIR --against OTHER`` on the terminal and in the HTML report: what became
of each significant difference from the baseline, and what the change between the runs did to
each arm, on what the runs share (the seeds both ran; a notice where they share nothing, or are
the same trials)."""

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
from augbench.results.against import VERDICTS, Pairing, arm_changes, check_twins, pair_runs
from augbench.results.against import verdicts as find_verdicts
from augbench.results.compare import ALPHA
from augbench.results.row import axes

# The verdicts' verbs for a count above one.
PLURAL = {"holds": "hold", "vanishes": "vanish", "appears": "appear", "reverses": "reverse"}
# How the arm changes are tested, for their captions.
ARM_FAMILY = f"Holm p < {ALPHA} across the augmenters of each classifier, size and metric"


@dataclass(repr=False)
class Against:
    """A run beside another of the same experiment, seed by seed: ``differences`` (each
    difference from the baseline significant in either run, both runs' mean, interval and Holm
    p on the seeds both ran, and its verdict), ``arms`` (each arm in this run minus the same arm
    in the other) and ``sentence`` (the verdicts counted, or why there are none). In a notebook
    the last expression of a cell displays them as the HTML report's Against section; ``html``
    and ``tables`` (the terminal's) are drawn when asked for."""

    differences: pd.DataFrame
    arms: pd.DataFrame
    sentence: str
    results: Any  # this run, whose metrics and baseline label the tables
    names: tuple[str, str]  # (this run, the other)
    pairing: Pairing  # what the runs share: the seeds both ran, the same trials or nothing

    @property
    def html(self) -> str:
        return against_html(self)

    @property
    def tables(self) -> list[Table]:
        tables = [verdict_table(self), *arm_tables(self)]
        return [t for t in tables if t is not None]

    def _repr_html_(self) -> str:
        from augbench.reporting.inline import STYLE

        return f'{STYLE}<div class="augbench-results">{self.html}</div>'

    def __repr__(self) -> str:
        return (f"<Against: {len(self.differences)} differences, {len(self.arms)} arm "
                f"changes; {self.sentence}>")

    def shown(self) -> pd.DataFrame:
        """The verdicts on the metrics the tables show."""
        metrics = set(shown_metrics(self.results, "predictions"))
        return self.differences[self.differences["metric"].isin(metrics)]

    def seeds(self) -> str:
        """Which seeds the differences pair: "on the same seeds", or on the seeds both ran."""
        n = len(self.pairing.seeds)
        return f"on the {n} seed{'s' if n != 1 else ''} both ran" if self.pairing.fewer_seeds \
            else "on the same seeds"


def compare_runs(here: Any, there: Any, here_name: str, there_name: str) -> Against:
    """Compare the run ``here`` with ``there`` seed by seed (`augbench.results.against`) on
    the seeds both ran; refuses runs whose trials do not pair up."""
    check_twins(here, there, here_name, there_name)
    pairing = pair_runs(here, there)
    found = find_verdicts(pairing.here, pairing.there)
    against = Against(found, arm_changes(here, there), "", here, (here_name, there_name), pairing)
    against.sentence = verdict_sentence(against)
    return against


def verdict_table(against: Against) -> Table | None:
    """Each difference from the baseline that either run finds significant, in the metrics
    the tables show: both runs' mean difference and interval, and what became of it."""
    results, (here, there) = against.results, against.names
    rows = against.shown()
    if rows.empty:
        return None
    title = (f"differences from {results.baseline}: {there} (the other run) and {here} (this "
             f"one), {against.seeds()}")
    meanings = "; ".join(f"{word}: {meaning}" for word, meaning in VERDICTS.items())
    table = Table(title=markup_escape(title), title_justify="left", caption=markup_escape(meanings),
                  caption_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for column in ("where", "classifier", "augmenter", "metric", there, here, "verdict"):
        table.add_column(markup_escape(column), justify="right" if column in (here, there) else "left")
    for r in rows.sort_values([*axes(rows), "classifier", "augmenter", "metric"]).itertuples():
        where = where_words(r.dataset, r.size, getattr(r, "prevalence", None))
        label = results.metrics[r.metric].label
        table.add_row(*(markup_escape(str(t)) for t in (where, r.classifier, r.augmenter, label)),
                      _difference(r.mean_diff_there, r.ci_low_there, r.ci_high_there,
                                  r.p_adjusted_there),
                      _difference(r.mean_diff_here, r.ci_low_here, r.ci_high_here,
                                  r.p_adjusted_here), r.verdict)
    return table


def _difference(mean: float, low: float, high: float, p: float) -> str:
    mark = "*" if p < ALPHA else " "
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]{mark}"


def arm_tables(against: Against) -> list[Table]:
    """Each arm in this run minus the same arm in the other, seed by seed."""
    here, there = against.names
    if against.arms.empty:
        return []
    return difference_tables(
        against.results, against.arms,
        title=f"{here} minus {there}, each augmenter and classifier {against.seeds()} "
              "(mean ± 95% CI)",
        caption=f"▲/▼ {ARM_FAMILY}: what the change between the runs did to each arm itself")


def verdict_sentence(against: Against) -> str:
    """One line of what became of the differences from the baseline between the runs, on the
    seeds both ran; or that the runs hold the same trials, or share no difference to compare."""
    pairing, baseline, (here, there) = against.pairing, against.results.baseline, against.names
    if pairing.same_trials:
        return (f"note: {here} and {there} hold the same trials, to the last digit (a run "
                "compared with itself, or run again alike): nothing changed between them, so "
                f"every difference from {baseline} holds and no arm changed.")
    if pairing.lacking is not None:
        words, mine, theirs = pairing.lacking
        values = f" ({here}: {_listed(mine)}; {there}: {_listed(theirs)})" if mine or theirs \
            else ""
        arms = "; the arms both ran are compared arm by arm" if not against.arms.empty else ""
        return (f"note: {here} and {there} have no {words} in common{values}, so no difference "
                f"from {baseline} is compared{arms}: compare runs of one experiment, with the "
                "sizes, arms and seeds of both.")
    on = ""
    if pairing.fewer_seeds:
        on = (f"on the {len(pairing.seeds)} seeds both ran ({here} ran {pairing.here_seeds}, "
              f"{there} {pairing.there_seeds}), ")
    shown = against.shown()
    if shown.empty:
        return (f"note: {on}no difference from {baseline} is significant in either run "
                f"({here}, {there}) in the metrics shown.")
    counts = shown["verdict"].value_counts()
    told = ", ".join(f"{counts[word]} {word if counts[word] == 1 else PLURAL[word]}"
                     for word in VERDICTS if word in counts)
    return (f"note: {on}of the {len(shown)} differences from {baseline} significant in "
            f"{there} or {here} (Holm p < {ALPHA}, the metrics shown), {told} in {here}.")


def _listed(values: list[str]) -> str:
    """A run's values in a sentence: all of a few, the ends of many ("0, 1, 2, ..., 19")."""
    if not values:
        return "none"
    return ", ".join(values if len(values) <= 6 else [*values[:3], "...", values[-1]])


def against_html(against: Against) -> str:
    """The report's section of the comparison with the other run: the sentence, the verdict
    of each significant difference, and each arm here minus there."""
    from augbench.reporting.html import differences_html

    results, (here, there) = against.results, against.names

    def cell(mean: float, low: float, high: float, p: float) -> str:
        kind = "best nowrap" if p < ALPHA else "nowrap"
        return f'<td class="{kind}">{escape(_difference(mean, low, high, p))}</td>'

    shown = against.shown()
    rows = []
    for r in shown.sort_values([*axes(shown), "classifier", "augmenter", "metric"]).itertuples():
        label = results.metrics[r.metric].label
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
    seeds = f" {against.seeds()}" if against.pairing.fewer_seeds else ""
    table = (f"<table><caption>mean difference from {escape(results.baseline)} [95% CI] in each "
             f"run{seeds}, bold (and *) where Holm p &lt; {ALPHA}; {escape(meaning)}</caption>"
             f"<tr>{head}</tr>{''.join(rows)}</table>") if rows else ""
    arms = differences_html(
        results, against.arms, title=f"{here} minus {there}",
        caption=f"each arm in {here} minus the same arm in {there} {against.seeds()}: mean "
                f"[95% CI], {ARM_FAMILY}, wins/ties/losses"
    ) if not against.arms.empty else ""
    return (f'<h2 id="against">Against {escape(there)}</h2><p class="note">'
            f"{escape(against.sentence)}</p>{table}{arms}")
