"""A single self-contained HTML page of a run: findings, tables, figures, configuration, versions.

Figures are embedded as base64 PNG and the styles inline, so the file opens offline and can be
mailed or attached as it is.
"""

from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path

import pandas as pd

from augbench.reporting.blocks import (
    ACROSS_WORDS,
    MARKS,
    across_cell,
    chosen_words,
    difference_blocks,
    shown_metrics,
    summary_blocks,
    verdict_words,
)
from augbench.reporting.figures import Written
from augbench.reporting.findings import ALPHA, findings_of
from augbench.reporting.sections import HTML, sections_of
from augbench.results.row import axes
from augbench.results.tables import ResultTables, tuned_choices

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:right}
th.label,td.label{text-align:left}
td.label{overflow-wrap:anywhere}
caption{caption-side:bottom;text-align:left;color:#666;font-size:.8rem;padding-top:.3rem}
.best{font-weight:bold}.nowrap{white-space:nowrap}
.warning{background:#fff3cd;padding:.5rem;border-left:4px solid #e0a800}
.note{background:#eef5ff;padding:.5rem;border-left:4px solid #0072B2}
.failed{background:#fde8e8;padding:.5rem;border-left:4px solid #D55E00}
img{max-width:100%;height:auto;margin:.5rem 0}figure{margin:1rem 0 2rem}
figcaption{color:#444;font-size:.9rem;max-width:900px}pre{background:#f6f6f6;padding:.6rem;overflow:auto}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _name(text: object) -> str:
    """A plugin name for a table cell: an import path (``pkg.mod:Class``) may wrap after its
    dots and colon rather than widen the table past the page."""
    return _e(text).replace(".", ".<wbr>").replace(":", ":<wbr>")


def summary_html(results: ResultTables) -> str:
    parts = []
    for block in summary_blocks(results):
        head = "".join([*(f'<th class="label">{_e(h)}</th>' for h in [*block.label_names, "seeds"]),
                        *(f"<th>{_e(h)}</th>" for h in block.headers)])
        body = []
        for labels, seeds, cells in block.rows:
            tds = "".join(f'<td class="best">{_e(t)}</td>' if best else f"<td>{_e(t)}</td>"
                          for t, best in cells)
            names = "".join(f'<td class="label">{_name(label)}</td>' for label in labels)
            body.append(f'<tr>{names}<td class="label">{_e(seeds)}</td>{tds}</tr>')
        parts.append(f"<h3>{_e(block.title)}</h3><table><caption>{_e(block.caption)}</caption>"
                     f"<tr>{head}</tr>{''.join(body)}</table>")
    return "".join(parts)


def differences_html(results: ResultTables, comparisons: pd.DataFrame | None = None,
                     title: str | None = None, caption: str | None = None) -> str:
    """The paired differences from the baseline (or other paired ``comparisons``, with the
    ``title`` after each block's place and their ``caption``), one table per block."""
    title = title or f"difference from {results.baseline}"
    caption = caption or ("augmenter minus baseline on the same seeds: mean [95% CI], "
                          "Holm-adjusted p, wins/ties/losses, verdict")
    parts = []
    for where, headers, rows in difference_blocks(results, comparisons):
        head = "".join(['<th class="label">classifier</th><th class="label">augmenter</th>',
                        *(f"<th>{_e(h)}</th>" for h in headers)])
        body = []
        for row in rows:
            cells = []
            for cell in row.cells:
                if cell is None:
                    cells.append("<td>-</td>")
                    continue
                mean, low, high, p, wins, ties, losses, verdict = cell
                strong = ' class="best"' if verdict in ("better", "worse") else ""
                cells.append(f"<td{strong}>{mean:+.3f} [{low:+.3f}, {high:+.3f}]"
                             f"{MARKS[verdict].strip()}<br>p={p:.2g} · {wins}/{ties}/{losses} · "
                             f"{verdict}</td>")
            body.append(f'<tr><td class="label">{_name(row.classifier)}</td><td class="label">'
                        f"{_name(row.augmenter)}</td>{''.join(cells)}</tr>")
        parts.append(f"<h3>{_e(where)} · {_e(title)}</h3><table><caption>{_e(caption)}; "
                     "bold where better or worse: significant (Holm p &lt; "
                     f"{ALPHA}) and beyond the metric's margin of practical equivalence; ≈ "
                     "equivalent</caption>"
                     f"<tr>{head}</tr>{''.join(body)}</table>")
    return "".join(parts) or "<p>No paired comparison.</p>"


def failures_html(results: ResultTables) -> str:
    failed = results.trials[results.trials["status"] != "ok"]
    if failed.empty:
        return "<p>Every trial finished without error.</p>"
    counts = failed.groupby(["augmenter", "classifier", "error"]).size().reset_index(name="trials")
    rows = "".join(f'<tr><td class="label">{_name(r.augmenter)}</td><td class="label">'
                   f'{_name(r.classifier)}</td><td>{r.trials}</td><td class="label">{_e(r.error)}'
                   "</td></tr>" for r in counts.itertuples())
    return (f'<p class="failed">{len(failed)} of {len(results.trials)} trials failed; their rows '
            'are in trials.csv with the error.</p><table><tr><th class="label">augmenter</th>'
            '<th class="label">classifier</th><th>trials</th><th class="label">error</th></tr>'
            f"{rows}</table>")


def tuning_html(results: ResultTables) -> str:
    """In a tuned run, the values each arm's trials chose most often."""
    choices = tuned_choices(results.trials)
    if choices.empty:
        return ""
    by = axes(choices)
    head = "".join(f'<th class="label">{_e(h)}</th>' for h in [*by, "augmenter", "classifier",
                                                               "chosen most often"])
    rows = []
    for r in choices.to_dict("records"):
        values = _e(chosen_words(r["chosen"]))
        labels = "".join(f'<td class="label">{_e(r[c])}</td>' for c in by)
        rows.append(f'<tr>{labels}<td class="label">{_name(r["augmenter"])}</td><td class='
                    f'"label">{_name(r["classifier"])}</td><td class="label">{values}</td>'
                    '<td class="nowrap">'
                    f'{r["times"]} of {r["trials"]}</td><td>{r["tune_score"]:.3f}</td></tr>')
    return (f'<table><caption>the values the trials of each arm chose '
            "most often by their inner cross-validation (every trial's in trials.csv, "
            "tuned_params), in how many of its trials, and the mean inner score of all of them"
            f'</caption><tr>{head}<th>times</th><th>inner score</th></tr>{"".join(rows)}</table>')


def across_html(results: ResultTables) -> str:
    """On how many tables each augmenter is better, practically equivalent, worse or undecided
    against the baseline (a run of several tables); empty otherwise."""
    counts = results.across_tables
    metrics = [m for m in shown_metrics(results, "predictions") if m in set(counts["metric"])]
    if counts.empty or not metrics:
        return ""
    head = "".join(['<th class="label">classifier</th><th class="label">augmenter</th>',
                    *(f"<th>{_e(results.metrics[m].header)}</th>" for m in metrics)])
    rows = []
    for (classifier, augmenter), group in counts.groupby(["classifier", "augmenter"], sort=True):
        cells = {r.metric: across_cell(r) for r in group.itertuples()}
        rows.append(f'<tr><td class="label">{_name(classifier)}</td><td class="label">'
                    f"{_name(augmenter)}</td>"
                    + "".join(f"<td>{_e(cells.get(m, '-'))}</td>" for m in metrics) + "</tr>")
    return (f"<table><caption>on how many of the {counts['tables'].max()} tables each method "
            f"is {ACROSS_WORDS} than {_e(results.baseline)}, at the largest size of each: "
            f"{_e(verdict_words(results, metrics))}</caption><tr>{head}</tr>{''.join(rows)}"
            "</table>")


def data_html(results: ResultTables) -> str:
    """The tables the run read: rows, positives, source, and the licence and citation a
    published table states."""
    tables = (results.config or {}).get("tables") or {}
    if not tables:
        return ""
    rows = []
    for name, table in tables.items():
        share = table.get("positive_share")
        positives = f"{share:.1%}" if isinstance(share, (int, float)) else ""
        rows.append(f'<tr><td class="label nowrap">{_e(name)}</td><td>{_e(table.get("rows", ""))}</td>'
                    f"<td>{_e(positives)}</td>"
                    + "".join(f'<td class="label">{_e(table.get(k) or "")}</td>'
                              for k in ("source", "licence", "citation")) + "</tr>")
    head = "".join([f'<th class="label">{_e(h)}</th>' if h in ("dataset", "source", "licence",
                                                                 "citation") else f"<th>{_e(h)}</th>"
                    for h in ("dataset", "rows", "positive", "source", "licence", "citation")])
    return (f"<table><caption>each table as read (a published table's licence and citation as "
            f"its source states them: cite the original study)</caption><tr>{head}</tr>"
            f"{''.join(rows)}</table>")


def write_html(results: ResultTables, path: Path, figures: list[Written],
               against: str = "") -> Path:
    """Write the report of ``results`` to ``path``, embedding ``figures`` with their readings
    (and ``against``, the section of `augbench.reporting.against.against_html`, after the
    paired differences); its sections are those `augbench.reporting.sections` lists for it."""
    notes = "".join(
        f'<p class="{"warning" if f.kind == "warning" else "note"}">{_e(str(f))}</p>'
        for f in findings_of(results)) or "<p>No warning.</p>"
    images = "".join(
        f'<figure><img alt="{_e(f.path.stem)}" src="data:image/png;base64,'
        f'{base64.b64encode(f.path.read_bytes()).decode()}"><figcaption>{_e(f.caption)}'
        "</figcaption></figure>" for f in figures)
    versions = "".join(f'<tr><td class="label">{_e(k)}</td><td class="label">{_e(v)}</td></tr>'
                       for k, v in sorted((results.versions or {}).items()))
    # Each section's body; an empty one is left out with its heading. The comparison with
    # another run comes whole, headed with that run's name.
    bodies = {
        "findings": lambda: notes,
        "failures": lambda: failures_html(results),
        "tables": lambda: summary_html(results),
        "differences": lambda: differences_html(results),
        "tuning": lambda: tuning_html(results),
        "across": lambda: across_html(results),
        "data": lambda: data_html(results),
        "figures": lambda: images or "<p>No figure.</p>",
        "configuration": lambda: f"<pre>{_e(json.dumps(results.config or {}, indent=2))}</pre>",
        "versions": lambda: f"<table>{versions}</table>",
    }
    parts = []
    for section in sections_of(HTML):
        if section.key == "against":
            parts.append(against)
        elif body := bodies[section.key]():
            parts.append(f'<h2 id="{section.key}">{_e(section.title)}</h2>{body}')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>augbench report</title>
<style>{STYLE}</style></head><body>
<h1>augbench report</h1>
<p>{len(results.trials)} trials over {results.trials['seed'].nunique()} seeds, baseline
<b>{_e(results.baseline)}</b>; rendered {_e(time.strftime('%Y-%m-%d %H:%M'))}.</p>
{chr(10).join(filter(None, parts))}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
