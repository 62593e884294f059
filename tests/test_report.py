"""Figures and the HTML report, rendered from stored results without running a trial."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import augbench
from augbench.cli import main
from augbench.reporting.findings import findings
from augbench.runner import load_results


class _Outline(HTMLParser):
    """Collects the headings, images and table count of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.images: list[dict] = []
        self.tables = 0
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        self._in_heading = tag in ("h2", "h3")
        self.tables += tag == "table"
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data):
        if self._in_heading and data.strip():
            self.headings.append(data.strip())

    def handle_endtag(self, tag):
        self._in_heading = False


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    augbench.run(augmenters=("none", "smote", "ros"), classifiers=("lr", "dummy"), seeds=3,
                 sizes=(50, 100, 200), out=out)
    return out


def test_report_html_embeds_figures_tables_and_findings(finished_run: Path, capsys) -> None:
    (finished_run / "trials.csv").unlink()  # the store alone must be enough
    assert main(["report", str(finished_run), "--html"]) == 0
    plots = sorted(p.name for p in (finished_run / "plots").glob("*.png"))
    assert "breast-cancer_accuracy.png" in plots and "breast-cancer_recall.png" in plots
    page = (finished_run / "report.html").read_text()
    outline = _Outline()
    outline.feed(page)
    assert {"Findings", "Failed trials", "Results", "Figures", "Configuration",
            "Versions"} <= set(outline.headings)
    sizes = [h for h in outline.headings if h.startswith("breast-cancer · ")]
    # per size: the classification table, the privacy and fidelity table of the added rows, and
    # the paired differences from the baseline
    assert len(sizes) == 9 and sum(h.endswith("privacy and fidelity of the synthetic rows")
                                   for h in sizes) == 3
    assert sum(h.endswith("difference from none") for h in sizes) == 3
    assert "Paired differences" in outline.headings
    assert {"breast-cancer_recall_difference.png", "breast-cancer_roc_auc_difference.png"} <= \
        set(plots)
    assert {"breast-cancer_privacy_utility.png", "breast-cancer_synthetic_rows.png"} <= set(plots)
    assert len(outline.images) == len(plots) == page.count("<figcaption>")
    assert "the better an attacker holding its synthetic patients tells who was in" in page
    assert all(img["src"].startswith("data:image/png;base64,") for img in outline.images)
    assert not re.search(r"(src|href)=\"https?://", page), "the page must open offline"
    lines = findings(load_results(finished_run))
    assert all(html.escape(line) in page for line in lines) and html.escape('"augmenters": [') in page
    assert "scikit-learn" in page  # versions


def test_figures_are_wide_enough_and_report_runs_no_trial(finished_run: Path, monkeypatch) -> None:
    from matplotlib.image import imread

    def no_trials(*args, **kwargs):
        raise AssertionError("report must not run trials")

    monkeypatch.setattr("augbench.experiment.protocol.TrialRunner.run", no_trials)
    assert main(["report", str(finished_run), "--plots"]) == 0
    image = imread(finished_run / "plots" / "breast-cancer_recall.png")
    assert image.shape[1] >= 600


def test_run_with_report_flag_writes_the_page(tmp_path: Path) -> None:
    code = main(["run", "--seeds", "2", "--sizes", "100,200", "--out", str(tmp_path), "--quiet",
                 "--jobs", "1", "--report"])
    assert code == 0 and (tmp_path / "report.html").stat().st_size > 10_000


def test_report_of_a_folder_without_results_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: no augbench results in")


def test_a_run_of_one_size_draws_its_intervals_as_error_bars_side_by_side(tmp_path: Path) -> None:
    from augbench.reporting.plots import difference_figure, metric_figure

    results = augbench.run(augmenters=("none", "smote", "ros"), seeds=3, sizes=(100,))
    spec = results.metrics["recall"]
    figures = [metric_figure(results.summary, "breast-cancer", "recall", spec, "none"),
               difference_figure(results.comparisons, "breast-cancer", "recall", spec, "none")]
    for fig, series in zip(figures, (3, 2)):  # the baseline has no difference from itself
        ax = fig.axes[0]
        # A band at a single x has no width: each series' interval is an error bar instead.
        bars = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
        assert len(bars) == series
        centres = sorted(line.get_xdata()[0] for line in ax.lines if len(line.get_xdata()) == 1)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["100"]
        (tick,) = ax.get_xticks()
        assert len(set(centres)) == series and centres[0] < tick < centres[-1]


def _drawn(monkeypatch, results) -> list:
    """The figures write_plots draws, in order."""
    from matplotlib.figure import Figure

    from augbench.reporting.figures import write_plots

    drawn = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, path, **k: drawn.append(fig))
    write_plots(results, Path("unused"))
    return drawn


def test_an_augmenter_has_one_colour_in_every_figure_and_controls_keep_off_the_scale(
        tmp_path: Path, monkeypatch) -> None:
    results = augbench.run(augmenters=("none", "smote", "ros"), permutation_control=True,
                           seeds=4, sizes=(100, 200), out=tmp_path)
    results = load_results(tmp_path)
    from matplotlib.colors import to_hex

    def colour(handle) -> str:
        if hasattr(handle, "lines"):  # an error bar's container
            handle = handle.lines[0]
        if hasattr(handle, "get_color"):
            return to_hex(handle.get_color())
        faces = handle.get_facecolor()  # a scatter's points, or a band's one colour
        return to_hex(faces[0] if len(faces) and not isinstance(faces[0], float) else faces)

    colours: dict[str, set] = {}
    figures = _drawn(monkeypatch, results)
    for fig in figures:
        legends = [ax.get_legend_handles_labels() for ax in fig.axes]
        legends += [(legend.legend_handles, [t.get_text() for t in legend.texts])
                    for legend in fig.legends]
        for handles, labels in legends:
            for handle, label in zip(handles, labels):
                colours.setdefault(label, set()).add(colour(handle))
    # The control is named as a reference in every legend.
    shown = ("ros", "smote", "permuted-labels (reference)")
    assert {name: len(colours[name]) for name in shown} == dict.fromkeys(shown, 1), colours
    roc = next(f for f in figures if "paired difference in ROC-AUC" in f._suptitle.get_text())
    ax = roc.axes[0]
    bottom, top = ax.get_ylim()
    control = results.comparisons.query("augmenter == 'permuted-labels' and metric == 'roc_auc'")
    assert (control["mean_diff"] < bottom).all()  # drawn off the scale the others set
    others = results.comparisons.query("augmenter != 'permuted-labels' and metric == 'roc_auc'")
    assert bottom <= others["ci_low"].min() and others["ci_high"].max() <= top
    marked = [t.get_text() for t in ax.texts]
    assert marked == [f"{d:+.2f}" for d in control.query("classifier == 'lr'")
                      .sort_values("size")["mean_diff"]]  # one per size, with its value
    assert any("(reference; arrows: its values beyond the scale)" in t.get_text()
               for t in roc.legends[0].texts)


def test_the_tables_read_whole_in_an_80_column_terminal(finished_run: Path) -> None:
    from rich.console import Console

    from augbench.reporting.terminal import print_report

    console = Console(width=80, record=True, force_terminal=False)
    print_report(load_results(finished_run), console)
    text = console.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()
                                   if not line.startswith(("warning", "finding", "note"))) <= 80
    assert "0.9" in text and "±." in text  # means and half-widths, on lines of their own


@pytest.mark.parametrize("width", [80, 120])
def test_a_terminal_wraps_findings_between_words(finished_run: Path, width: int) -> None:
    from rich.console import Console

    from augbench.reporting.findings import findings
    from augbench.reporting.terminal import print_report

    results = load_results(finished_run)
    console = Console(width=width, record=True, force_terminal=True, color_system=None)
    print_report(results, console)
    text = console.export_text()
    lines = text.splitlines()
    for line in findings(results):
        kind, sentence = line.split(": ", 1)
        start = next(i for i, shown in enumerate(lines) if shown.startswith(f"{kind}: ")
                     and sentence.startswith(shown[len(kind) + 2:].strip()))
        # Its lines, up to the next line that starts another sentence, hold its words whole.
        end = next((i for i in range(start + 1, len(lines))
                    if not lines[i].startswith(" ")), len(lines))
        shown = " ".join(lines[start:end]).split()[1:]
        assert shown[:len(sentence.split())] == sentence.split()
        assert all(len(shown_line) <= width for shown_line in lines[start:end])


def test_each_medium_shows_the_sections_of_one_table_in_its_order(finished_run: Path,
                                                                  capsys) -> None:
    from augbench.reporting.sections import HTML, NOTEBOOK, TERMINAL, sections_of

    assert main(["report", str(finished_run), "--html"]) == 0
    printed = capsys.readouterr().out
    page = (finished_run / "report.html").read_text()
    # The page's sections, by their anchors, are the table's (one table, untuned, not
    # compared: no counts across tables, no tuning, no other run), in its order.
    anchors = re.findall(r'<h2 id="([a-z]+)">', page)
    assert anchors == [s.key for s in sections_of(HTML)
                       if s.key not in ("against", "tuning", "across")]
    titles = [s.title for s in sections_of(HTML) if s.key in anchors]
    assert re.findall(r'<h2 id="[a-z]+">([^<]+)</h2>', page) == titles
    # A notebook heads the tables with the same titles, after the findings.
    shown = load_results(finished_run)._repr_html_()
    headed = [s.title for s in sections_of(NOTEBOOK) if s.key in ("tables", "differences")]
    assert [h for h in re.findall(r"<h3>([^<]+)</h3>", shown) if " · " not in h] == headed
    assert shown.index('class="finding"') < shown.index(f"<h3>{headed[0]}</h3>")
    # A terminal prints the findings last, after the tables of every other section it shows.
    assert [s.key for s in sections_of(TERMINAL)][-1] == "findings"
    lines = findings(load_results(finished_run))
    assert "difference from none" in printed and printed.rstrip().endswith(lines[-1])
    assert all(printed.index(line) > printed.rfind("difference from none") for line in lines)
