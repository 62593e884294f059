"""A name a user gives (a table, an augmenter, a folder) is data everywhere augbench writes it:
escaped in HTML, plain text on the terminal and in figures, a file name inside the results
folder, never a formula in a CSV file a spreadsheet opens."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import hard_table

import augbench

SCRIPT = "<img src=x onerror=alert(1)>"


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def assert_shown_as_text(page: str, name: str = SCRIPT) -> None:
    """``name`` is in the page as text, and the page holds no tag it could have made: no event
    handler, and no image but the report's own embedded figures."""
    parsed = _Tags(page)
    assert name in "".join(parsed.text)
    for tag, attrs in parsed.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,"), attrs


@pytest.fixture(scope="module")
def scripted(tmp_path_factory) -> tuple[augbench.Results, Path]:
    """A run of a table named like an HTML tag, into a folder with its report."""
    out = tmp_path_factory.mktemp("escaping") / "run"
    results = augbench.run(data={SCRIPT: hard_table()}, target="y", augmenters="none,ros",
                           classifiers="lr", seeds=6, sizes=(80,), out=out, report=True)
    return results, out


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_a_table_named_like_a_tag_is_text_in_the_notebook_display(scripted) -> None:
    results, _ = scripted
    assert_shown_as_text(results._repr_html_())


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_a_table_named_like_a_tag_is_text_in_the_html_report(scripted) -> None:
    _, out = scripted
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page  # the figures are there, as images
    assert_shown_as_text(page)


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_a_table_named_like_a_tag_is_text_in_the_against_section(scripted) -> None:
    results, _ = scripted
    other = augbench.run(data={SCRIPT: hard_table()}, target="y", augmenters="none,ros",
                         classifiers="lr", seeds=6, sizes=(80,), params={"lr": {"C": 0.05}})
    against = results.against(other, names=(SCRIPT, "<b>other</b>"))
    assert not against.differences.empty  # rows that name the table
    for page in (against._repr_html_(), against.html):
        assert_shown_as_text(page)
        assert "<b>other</b>" not in page


def test_an_augmenter_class_named_like_a_tag_is_text_in_its_check_report() -> None:
    from imblearn.over_sampling import RandomOverSampler

    from augbench.testing import check_augmenter

    named = type(SCRIPT, (RandomOverSampler,), {})
    assert_shown_as_text(check_augmenter(named())._repr_html_())


MARKUP = "x[/] [red]y $a^$"


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_a_table_named_like_markup_or_a_formula_is_printed_and_drawn_as_written() -> None:
    from rich.console import Console

    from augbench.reporting.terminal import print_report

    options = dict(target="y", augmenters="none,ros", classifiers="lr", seeds=6, sizes=(80,))
    results = augbench.run(data={MARKUP: hard_table()}, **options)
    console = Console(record=True, width=200)
    print_report(results, console)
    against = results.against(augbench.run(data={MARKUP: hard_table()}, params={"lr": {"C": 0.05}},
                                           **options), names=("[bold]here", "there[/]"))
    for table in against.tables:
        console.print(table)
    printed = console.export_text()
    assert f"{MARKUP} · 80 training rows" in printed
    assert "[bold]here" in printed and "there[/]" in printed
    figure = results.plot("recall")
    assert figure._repr_png_().startswith(b"\x89PNG")
    assert figure.get_suptitle().startswith(MARKUP)


# Names that are paths, a drive, a space, and two that make the same letters.
PATHLIKE = ("../../escaped", "sub/dir", "a b", "C:\\x", "a_b", "..")


class _Captions(HTMLParser):
    """The figure captions of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.captions: list[str] = []
        self._in = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self._in = tag == "figcaption"
        if self._in:
            self.captions.append("")

    def handle_data(self, data):
        if self._in:
            self.captions[-1] += data


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_figures_of_tables_named_like_paths_stay_in_the_results_folder_one_file_each(
        tmp_path: Path) -> None:
    names = ("../../escaped", "sub/dir", "a b", "a_b")  # the last two make the same letters
    out = tmp_path / "deep" / "run"
    augbench.run(data={name: hard_table(seed=i) for i, name in enumerate(names)}, target="y",
                 augmenters="none,ros", classifiers="lr", seeds=3, sizes=(80,),
                 metrics="roc_auc", out=out, report=True)
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(name.startswith("deep/run/") for name in written), written
    plots = sorted(p.name for p in (out / "plots").iterdir())
    captions = _Captions((out / "report.html").read_text(encoding="utf-8")).captions
    assert len(captions) == len(plots)  # no figure overwrote another's file
    per_table = [sum(c.startswith((f"{name}, ", f"{name}: ")) for c in captions) for name in names]
    assert per_table[0] > 0 and set(per_table) == {per_table[0]}, per_table
    assert len(plots) == sum(per_table) + 1, plots  # and the ranks across the tables


@pytest.mark.parametrize("name", [*PATHLIKE, "", ".", "-rf", "=1+2", SCRIPT, "a" * 300, "表" * 300])
def test_a_name_becomes_one_plain_file_name(name: str, tmp_path: Path) -> None:
    from augbench.reporting.files import file_stem, inside

    stem = file_stem(name)
    assert stem and ".." not in stem and not stem.startswith((".", "-"))
    assert len(stem.encode()) <= 90  # with a metric and a kind, within 255 bytes
    assert all(c.isalnum() or c in "-_." for c in stem), stem
    assert inside(tmp_path, f"{stem}.png").parent == tmp_path
    assert file_stem("breast-cancer") == "breast-cancer"  # a plain name is kept as it is
    assert len({file_stem(n) for n in PATHLIKE}) == len(PATHLIKE)


@pytest.mark.parametrize("name", ["../x.png", "sub/x.png", "/tmp/x.png", ".."])
def test_a_file_name_that_leads_out_of_its_folder_is_refused(name: str, tmp_path: Path) -> None:
    from augbench.reporting.files import inside

    with pytest.raises(augbench.UsageError, match="outside"):
        inside(tmp_path, name)


def _cells(path: Path) -> list[str]:
    import csv

    with path.open(newline="", encoding="utf-8") as file:
        return [cell for row in csv.reader(file) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_a_table_named_like_a_formula_is_text_in_every_csv_and_its_name_in_the_store(
        tmp_path: Path, capsys) -> None:
    from augbench.cli import main

    table = tmp_path / "=1+2.csv"
    hard_table().to_csv(table, index=False)
    run = ["run", "--data", str(table), "--target", "y", "--augmenters", "none,ros",
           "--classifiers", "lr", "--seeds", "3", "--sizes", "80", "--quiet"]
    assert main([*run, "--out", str(tmp_path / "a")]) == 0
    assert main([*run, "--set", "lr.C=0.05", "--out", str(tmp_path / "b")]) == 0
    assert main(["report", str(tmp_path / "a"), "--against", str(tmp_path / "b")]) == 0
    files = ["trials.csv", "summary.csv", "comparisons.csv", "against_arms.csv"]
    for name in files:
        cells = _cells(tmp_path / "a" / name)
        assert "'=1+2" in cells, name  # shown as text by a spreadsheet
        risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert all(_is_number(c) for c in risky), (name, risky)
    assert any(c.startswith("-0.") for c in _cells(tmp_path / "a" / "against_arms.csv"))
    # The store keeps the true name, which every report shows.
    assert set(augbench.load_results(tmp_path / "a").trials["dataset"]) == {"=1+2"}
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a")]) == 0
    assert "=1+2 · 80 training rows" in capsys.readouterr().out
    pandas_read = pd.read_csv(tmp_path / "a" / "summary.csv")
    assert pandas_read["roc_auc_mean"].dtype == float  # numbers stay numbers


def test_only_text_cells_that_start_a_formula_are_quoted() -> None:
    from augbench.results.tables import spreadsheet_safe

    frame = pd.DataFrame({"name": ["=1+2", "+a", "-b", "@c", "\tt", "\rr", "plain", "a=b"],
                          "kind": pd.Categorical(["=x"] * 8), "value": [-0.016] * 8})
    safe = spreadsheet_safe(frame)
    assert safe["name"].tolist() == ["'=1+2", "'+a", "'-b", "'@c", "'\tt", "'\rr", "plain", "a=b"]
    assert set(safe["kind"]) == {"'=x"}
    assert safe["value"].tolist() == [-0.016] * 8 and safe["value"].dtype == float
    assert frame["name"].iloc[0] == "=1+2"  # the frame given is left as it is
    # Columns named by numbers (an exported DataFrame's), even one name as number and text.
    numbered = spreadsheet_safe(pd.DataFrame([["=1", "b", -1.5]], columns=[0, "0", 1]))
    assert list(numbered.columns) == [0, "0", 1]
    assert numbered.iloc[0].tolist() == ["'=1", "b", -1.5]


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
def test_the_trials_of_an_interrupted_run_are_written_as_text_too(tmp_path: Path) -> None:
    seen = []

    def stop(result) -> None:
        seen.append(result)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        augbench.run(data={"=1+2": hard_table()}, target="y", augmenters="none,ros",
                     classifiers="lr", seeds=3, sizes=(80,), out=tmp_path, on_trial=stop)
    cells = _cells(tmp_path / "trials.csv")
    assert "'=1+2" in cells and "=1+2" not in cells


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
@pytest.mark.parametrize("fmt", ["markdown", "csv", "json"])
def test_export_writes_into_a_folder_named_by_text(scripted, fmt: str, tmp_path: Path,
                                                   monkeypatch) -> None:
    results, _ = scripted
    monkeypatch.chdir(tmp_path)
    written = results.export("exported", fmt)
    assert written and all(p.parent == Path("exported") and p.is_file() for p in written)
    if fmt == "markdown":
        page = written[0].read_text(encoding="utf-8")
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page


def test_a_name_with_a_bar_or_a_line_break_stays_in_its_markdown_cell() -> None:
    from augbench.results.tables import markdown_table

    table = markdown_table(pd.DataFrame({"dataset": ["a|b\nc"], "n": [1.0]}))
    assert table.splitlines()[2] == "| a\\|b c | 1 |"
