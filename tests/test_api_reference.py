"""The API reference is usable where a user starts: run()'s keywords as tables made from the
table of options, every public attribute of Results documented, one docstring style (a summary,
Args naming every parameter, Returns, Examples that run) on the names a user starts with, and no
reStructuredText left in what the reference pages render."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from augbench.options import OPTIONS

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference"


def _hook():
    """The MkDocs hook that makes run()'s keyword tables (docs_hooks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("run_keywords",
                                                  ROOT / "docs_hooks" / "run_keywords.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table_rows(markdown: str) -> dict[str, list[str]]:
    """The cells of each row of Markdown tables, by the row's first code span."""
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        name = re.match(r"`([^`]+)`", cells[0]) if cells else None
        if name:
            rows[name[1]] = cells
    return rows


def test_the_running_page_and_the_site_ask_for_the_keyword_tables() -> None:
    hook = _hook()
    assert (REFERENCE / "running.md").read_text().count(hook.MARKER) == 1
    assert "docs_hooks/run_keywords.py" in (ROOT / "mkdocs.yml").read_text()


def test_every_keyword_of_run_has_a_row_with_its_type_default_and_meaning() -> None:
    rows = _table_rows(_hook().keyword_tables())
    assert sorted(rows) == sorted({o.dest for o in OPTIONS if o.in_api} | {"params"})
    empty = [name for name, cells in rows.items() if len(cells) != 4 or not all(cells)]
    assert empty == []
    # In the words of run(): no command-line flag left in a meaning.
    assert [name for name, cells in rows.items() if "--" in cells[3].replace("--set", "")] == []


def test_the_keyword_tables_follow_the_options_they_are_made_of() -> None:
    hook = _hook()
    rows = _table_rows(hook.keyword_tables())
    assert rows["seeds"][1].startswith("`int`") and rows["seeds"][2] == "100"
    assert '`"ray"`' in rows["executor"][1] and rows["executor"][2] == '`"local"`'
    assert rows["fail_fast"][1].startswith("`bool`") and rows["fail_fast"][2] == "`False`"
    assert "DataFrame" in rows["data"][1]


def test_an_option_of_a_type_the_tables_cannot_say_stops_the_build(monkeypatch) -> None:
    from augbench import options

    hook = _hook()
    odd = options.Option("odd", "experiment", "an option read by a parser of its own",
                         parse=lambda text: text[::-1])
    monkeypatch.setattr(hook, "OPTIONS", (*options.OPTIONS, odd))
    with pytest.raises(KeyError):
        hook.keyword_tables()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built as its published version is (strict: a warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                           str(out)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    return out


def test_the_built_running_page_shows_the_keywords_after_run(site: Path) -> None:
    page = (site / "reference" / "running" / "index.html").read_text()
    assert "run-keywords" not in page
    start = page.index('id="the-keywords-of-run"')
    for option in OPTIONS:
        if option.in_api:
            assert f">{option.dest}</code>" in page[start:], option.dest
