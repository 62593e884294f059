"""A name a user gives (a table, an augmenter, a folder) is data everywhere augbench writes it:
escaped in HTML, plain text on the terminal and in figures, a file name inside the results
folder, never a formula in a CSV file a spreadsheet opens."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import augbench

SCRIPT = "<img src=x onerror=alert(1)>"


def hard_table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A small table with a rare, noisy outcome ``y``: balancing it moves recall for certain."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n, 4, n_informative=2, n_redundant=0, weights=[0.85],
                               flip_y=0.05, class_sep=0.8, random_state=seed)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["y"] = y
    return frame


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
