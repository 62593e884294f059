"""The tutorial notebook, as its gallery page shows it: the outputs stored with it, which
tests/test_gallery.py proves are what a fresh kernel prints top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "gallery" / "your-own-table.ipynb"


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    return nbformat.read(TUTORIAL, as_version=4)


def _cell(notebook: nbformat.NotebookNode, holding: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.cell_type == "code" and holding in c.source)


def _outputs(cell: nbformat.NotebookNode, kind: str) -> list:
    return [o["data"][kind] for o in cell.outputs if kind in o.get("data", {})]


def _stderr(cell: nbformat.NotebookNode) -> str:
    return "".join(o["text"] for o in cell.outputs
                   if o.output_type == "stream" and o["name"] == "stderr")


def test_the_first_run_displays_its_results_as_html_with_its_warnings(executed) -> None:
    cell = _cell(executed, 'results = augbench.run(data=df, target="y", augmenters="none,smote"')
    assert 'classifiers="lr",\n                       seeds=2, sizes=(100,))' in cell.source
    html = _outputs(cell, "text/html")[-1]
    assert '<div class="augbench-results">' in html and "<table>" in html
    assert "Paired differences" in html and "smote" in html
    # The command line's warnings reach the notebook, in the API's words.
    assert "AugbenchWarning: with 2 seeds no difference" in _stderr(cell)
    assert "choose it with positive=" in _stderr(cell)
    # Once: the display points to the warnings above instead of listing them again.
    assert "with 2 seeds no difference" not in html
    assert "1 warning above, raised as AugbenchWarning" in html
    assert not any(o.output_type == "error" for c in executed.cells for o in c.get("outputs", []))


def test_a_progress_bar_is_drawn_in_the_notebook(executed) -> None:
    cell = _cell(executed, 'results = augbench.run(data=df, target="y", augmenters="none,smote"')
    assert _outputs(cell, "application/vnd.jupyter.widget-view+json")
    assert "ipywidgets" not in _stderr(cell)


def test_plots_are_figures_drawn_inline(executed) -> None:
    cell = _cell(executed, 'results.plot("recall")')
    assert _outputs(cell, "image/png")
    assert _outputs(cell, "text/plain")[-1].startswith("<Figure size")
    captioned = _cell(executed, 'figure = results.plot("roc_auc", kind="differences")')
    assert "the change each method brings compared with 'none'" in captioned.outputs[0]["text"]
    assert _outputs(_cell(executed, 'results.plot(kind="privacy")'), "image/png")


def test_a_wrong_type_is_a_usage_error_naming_the_keyword(executed) -> None:
    cell = _cell(executed, "try:\n    augbench.run(")
    printed = "".join(o.get("text", "") for o in cell.outputs)
    assert printed.startswith("run(): sizes: 'a hundred' is neither a whole number")
    assert 'sizes="100,200,full"' in printed


def test_findings_and_the_check_report_display(executed) -> None:
    findings = _cell(executed, "for finding in results.findings:")
    printed = "".join(o.get("text", "") for o in findings.outputs if o.output_type == "stream")
    assert "'smote' with 'lr' on 'dataframe' at prevalence 10%" in printed
    report = _outputs(_cell(executed, "from augbench.testing import check_augmenter"),
                      "text/html")[-1]
    assert "SmoteAugmenter</b> passes all" in report and "check_reproducible" in report
