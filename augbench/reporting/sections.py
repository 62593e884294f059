"""The sections of a run's report, in reading order, and where each appears: the terminal
report (``augbench run``, ``augbench report``), the HTML page (``report.html``) and a
notebook's display of `augbench.Results`. Each renderer keeps how it draws a section; which
sections it draws, in what order and under what title, is read from this table."""

from __future__ import annotations

from dataclasses import dataclass

TERMINAL, HTML, NOTEBOOK = "terminal", "html", "notebook"


@dataclass(frozen=True)
class Section:
    """One part of a report: ``key`` (the HTML page's anchor), ``title`` (its heading where
    the medium heads it) and the media that show it."""

    key: str
    title: str
    media: frozenset[str]


def _section(key: str, title: str, *media: str) -> Section:
    return Section(key, title, frozenset(media))


SECTIONS = (
    _section("findings", "Findings", TERMINAL, HTML, NOTEBOOK),
    # A terminal prints failed trials as they happen, and trials.csv holds their errors.
    _section("failures", "Failed trials", HTML, NOTEBOOK),
    _section("tables", "Results", TERMINAL, HTML, NOTEBOOK),
    _section("differences", "Paired differences", TERMINAL, HTML, NOTEBOOK),
    # Given by `augbench report --against` (or Results.against in a notebook, on its own).
    _section("against", "Against another run", HTML),
    # A run of several tables: how many each method helps, leaves unchanged or harms.
    _section("across", "Across tables", TERMINAL, HTML),
    # The HTML page shows the ranks as a figure.
    _section("ranks", "Average ranks", TERMINAL),
    _section("tuning", "Tuning", TERMINAL, HTML),
    _section("figures", "Figures", HTML),
    # Each table's size, source, licence and citation.
    _section("data", "Data", HTML),
    _section("configuration", "Configuration", HTML),
    _section("versions", "Versions", HTML),
)


def sections_of(medium: str) -> list[Section]:
    """The sections ``medium`` shows, in the order it shows them. A terminal keeps the
    findings for last: what was printed last is what stays in view above the prompt."""
    shown = [s for s in SECTIONS if medium in s.media]
    if medium == TERMINAL:
        shown.sort(key=lambda s: s.key == "findings")
    return shown
