"""A run in a notebook: its results as the HTML a cell displays (what the report shows first),
and its figures one at a time, as matplotlib Figures."""

from __future__ import annotations

from typing import Any

from augbench.errors import UsageError
from augbench.reporting.blocks import shown_metrics
from augbench.reporting.figures import _Figures
from augbench.reporting.findings import findings_of
from augbench.reporting.html import differences_html, failures_html, summary_html
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
.augbench-results h3{font-size:1rem;margin:.8rem 0 .2rem}
</style>"""

# What each kind of figure draws, for results.plot's error messages and docstring.
KINDS = {
    "levels": "one metric of every method against training-set size (or prevalence)",
    "differences": "the paired change each method brings to one metric over the baseline",
    "privacy": "a membership attack's success against the gain in one metric",
    "reliability": "reliability diagrams of the predicted risks at the largest size",
    "synthetic": "the privacy and fidelity measures of the synthetic rows",
    "ranks": "average ranks across the datasets",
}


def results_html(results: ResultTables) -> str:
    """The results as a notebook cell shows them: one line on the run, its findings, the
    summary tables and the paired differences, styled as the HTML report."""
    trials = results.trials
    failed = f" ({results.n_failed} failed)" if results.n_failed else ""
    head = (f"<p><b>augbench results</b>: {len(trials)} trials{failed} over "
            f"{trials['seed'].nunique()} seeds on {_names(trials['dataset'])}; augmenters "
            f"{_names(trials['augmenter'])} against the baseline <b>{_escape(results.baseline)}</b>, "
            f"classifiers {_names(trials['classifier'])}. <code>results.findings</code>, "
            "<code>results.summary</code>, <code>results.comparisons</code> and "
            "<code>results.plot(metric)</code> give each part.</p>")
    notes = "".join(f'<p class="{f.kind}">{_escape(str(f))}</p>' for f in findings_of(results))
    parts = [head, notes]
    if results.n_failed:
        parts.append(failures_html(results))
    parts += ["<h3>Results</h3>", summary_html(results), "<h3>Paired differences</h3>",
              differences_html(results)]
    return f'{STYLE}<div class="augbench-results">{"".join(parts)}</div>'


def _names(column: Any) -> str:
    """The names in a column, escaped: a table or plugin name is data, never markup."""
    return ", ".join(_escape(str(n)) for n in sorted(set(column)))


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def draw(results: ResultTables, metric: str | None = None, *, kind: str = "levels",
         dataset: str | None = None) -> Any:
    """One figure of ``results`` as a matplotlib Figure (see `augbench.Results.plot`)."""
    if kind not in KINDS:
        raise UsageError(f"plot(): kind takes {', '.join(map(repr, KINDS))}; got {kind!r}.")
    dataset = _dataset(results, dataset, kind)
    metric = _metric(results, metric, kind)
    kept: list[tuple[Any, str]] = []
    figures = _Figures(results, lambda figure, name, caption: kept.append((figure, caption)))
    if kind == "levels":
        figures.levels(dataset, metric)
    elif kind == "differences":
        figures.difference(dataset, metric)
    elif kind == "privacy":
        figures.privacy_utility(dataset, metric)
    elif kind == "reliability":
        figures.reliability(dataset)
    elif kind == "synthetic":
        figures.synthetic_rows(dataset)
    else:
        figures.ranks()
    if not kept:
        raise UsageError(f"plot(): no {kind} figure in these results: {_why_none(results, kind)}")
    figure, caption = kept[0]
    return _displayable(figure, caption)


def _dataset(results: ResultTables, dataset: str | None, kind: str) -> str:
    datasets = sorted(set(results.trials["dataset"]))
    if dataset is None:
        if len(datasets) > 1 and kind != "ranks":
            raise UsageError(f"plot(): the results hold the datasets {', '.join(datasets)}; "
                             "choose one with dataset=.")
        return datasets[0]
    if dataset not in datasets:
        raise UsageError(f"plot(): dataset {dataset!r} is not in these results; they hold "
                         f"{', '.join(datasets)}.")
    return dataset


def _metric(results: ResultTables, metric: str | None, kind: str) -> str | None:
    """The metric a kind of figure draws: the run's ranking metric unless named."""
    if kind in ("reliability", "synthetic", "ranks"):
        if metric is not None:
            raise UsageError(f"plot(): a {kind} figure draws no chosen metric; leave metric out.")
        return None
    metric = metric or results.metric_of_role("ranking")
    drawn = shown_metrics(results, "predictions")
    computed = [m for m, spec in results.metrics.items()
                if f"{m}_mean" in results.summary and spec.needs == "predictions"]
    if metric not in computed:
        raise UsageError(f"plot(): metric {metric!r} is not a metric of the predictions in "
                         f"these results; choose one of {', '.join(drawn or computed)}.")
    return metric


def _why_none(results: ResultTables, kind: str) -> str:
    return {
        "differences": f"no trial of the baseline '{results.baseline}' was paired with another "
                       "augmenter's; run the baseline beside them.",
        "privacy": "no augmenter's synthetic rows were attacked (no augmenter added rows, or "
                   "the run left the privacy metrics out).",
        "reliability": "the trials stored no calibration bins.",
        "synthetic": "no augmenter added rows.",
        "ranks": "ranks compare methods across two or more datasets.",
    }.get(kind, "nothing to draw.")


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
