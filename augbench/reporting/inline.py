"""A run in a notebook: its results as the HTML a cell displays (what the report shows first),
and its figures one at a time, as matplotlib Figures."""

from __future__ import annotations

from typing import Any

from augbench.errors import UsageError
from augbench.reporting.blocks import shown_metrics
from augbench.reporting.figures import FIGURES_BY_NAME, FigureKind, draw_one
from augbench.reporting.findings import findings_of
from augbench.reporting.html import differences_html, failures_html, summary_html
from augbench.reporting.sections import NOTEBOOK, sections_of
from augbench.results.tables import ResultTables

# Scoped to the display's own element: a notebook's page has its own styles.
STYLE = """<style>
.augbench-results{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;line-height:1.35}
.augbench-results table{border-collapse:collapse;margin:.3rem 0 1rem;font-size:.85rem}
.augbench-results th,.augbench-results td{padding:.2rem .5rem;border-bottom:1px solid #ddd;
text-align:right}
.augbench-results th.label,.augbench-results td.label{text-align:left}
.augbench-results caption{caption-side:bottom;text-align:left;color:#666;font-size:.75rem}
.augbench-results .best{font-weight:bold}
.augbench-results .nowrap{white-space:nowrap}
.augbench-results .warning{background:#fff3cd;padding:.35rem;border-left:4px solid #e0a800;margin:.3rem 0}
.augbench-results .note{background:#eef5ff;padding:.35rem;border-left:4px solid #0072B2;margin:.3rem 0}
.augbench-results .finding{padding:.35rem;border-left:4px solid #999;margin:.3rem 0}
.augbench-results .failed{background:#fde8e8;padding:.35rem;border-left:4px solid #D55E00}
.augbench-results .summary{font-weight:600;margin:.3rem 0}
.augbench-results h3{font-size:1rem;margin:.8rem 0 .2rem}
</style>"""

def results_html(results: ResultTables, warnings_raised: bool = False) -> str:
    """The results as a notebook cell shows them: one line on the run, its findings, the
    summary tables and the paired differences, styled as the HTML report.

    ``warnings_raised``: the warnings were raised as Python warnings under the same cell, so
    one line points to them instead of a second copy."""
    trials = results.trials
    failed = f" ({results.n_failed} failed)" if results.n_failed else ""
    head = (f"<p><b>augbench results</b>: {len(trials)} trials{failed} over "
            f"{trials['seed'].nunique()} seeds on {_names(trials['dataset'])}; augmenters "
            f"{_names(trials['augmenter'])} against the baseline <b>{_escape(results.baseline)}</b>, "
            f"classifiers {_names(trials['classifier'])}. <code>results.findings</code>, "
            "<code>results.summary</code>, <code>results.comparisons</code> and "
            "<code>results.plot(metric)</code> give each part.</p>")
    # Each section's piece (the notebook heads only the tables), in the order of the table of
    # sections; failures show only where a trial failed.
    pieces = {
        "findings": lambda title: _findings_html(findings_of(results), warnings_raised),
        "failures": lambda title: failures_html(results) if results.n_failed else "",
        "tables": lambda title: f"<h3>{_escape(title)}</h3>{summary_html(results)}",
        "differences": lambda title: f"<h3>{_escape(title)}</h3>{differences_html(results)}",
    }
    parts = [head, *(pieces[s.key](s.title) for s in sections_of(NOTEBOOK))]
    return f'{STYLE}<div class="augbench-results">{"".join(parts)}</div>'


def _findings_html(findings: list, warnings_raised: bool) -> str:
    shown = [f for f in findings if not (warnings_raised and f.kind == "warning")]
    raised = len(findings) - len(shown)
    pointer = (f'<p class="note">{raised} warning{"s" * (raised > 1)} above, raised as '
               "AugbenchWarning; <code>results.findings</code> holds them too.</p>"
               if raised else "")
    return pointer + "".join(f'<p class="{f.kind}">{_escape(str(f))}</p>' for f in shown)


def _names(column: Any) -> str:
    """The names in a column, escaped: a table or plugin name is data, never markup."""
    return ", ".join(_escape(str(n)) for n in sorted(set(column)))


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def draw(results: ResultTables, metric: str | None = None, *, kind: str = "levels",
         dataset: str | None = None) -> Any:
    """One figure of ``results`` as a matplotlib Figure (see `augbench.Results.plot`)."""
    if kind not in FIGURES_BY_NAME:
        raise UsageError(f"plot(): kind takes {', '.join(map(repr, FIGURES_BY_NAME))}; got "
                         f"{kind!r}.")
    figure_kind = FIGURES_BY_NAME[kind]
    dataset = _dataset(results, dataset, figure_kind)
    metric = _metric(results, metric, figure_kind)
    drawn = draw_one(results, figure_kind, dataset, metric)
    if drawn is None:
        raise UsageError(f"plot(): no {kind} figure in these results: "
                         f"{figure_kind.none_when.format(baseline=results.baseline)}")
    return _displayable(*drawn)


def _dataset(results: ResultTables, dataset: str | None, kind: FigureKind) -> str:
    datasets = sorted(set(results.trials["dataset"]))
    if dataset is None:
        if len(datasets) > 1 and kind.per != "run":
            raise UsageError(f"plot(): the results hold the datasets {', '.join(datasets)}; "
                             "choose one with dataset=.")
        return datasets[0]
    if dataset not in datasets:
        raise UsageError(f"plot(): dataset {dataset!r} is not in these results; they hold "
                         f"{', '.join(datasets)}.")
    return dataset


def _metric(results: ResultTables, metric: str | None, kind: FigureKind) -> str | None:
    """The metric a kind of figure draws: the run's ranking metric unless named."""
    if not kind.chooses_metric:
        if metric is not None:
            raise UsageError(f"plot(): a {kind.name} figure draws no chosen metric; leave "
                             "metric out.")
        return None
    metric = metric or results.metric_of_role("ranking")
    drawn = shown_metrics(results, "predictions")
    computed = [m for m, spec in results.metrics.items()
                if f"{m}_mean" in results.summary and spec.needs == "predictions"]
    if metric not in computed:
        raise UsageError(f"plot(): metric {metric!r} is not a metric of the predictions in "
                         f"these results; choose one of {', '.join(drawn or computed)}.")
    return metric


def _displayable(figure: Any, caption: str) -> Any:
    """The figure, shown as a PNG by a notebook whether or not pyplot's inline backend is
    loaded (it draws without pyplot), with its reading as ``figure.caption``."""
    import io

    def png() -> bytes:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    figure._repr_png_ = png
    figure.caption = caption
    return figure
