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
    # Pages are .html files, not folders: the site opens from disk (Material's offline plugin).
    page = (site / "reference" / "running.html").read_text()
    assert "run-keywords" not in page
    start = page.index('id="the-keywords-of-run"')
    for option in OPTIONS:
        if option.in_api:
            assert f">{option.dest}</code>" in page[start:], option.dest


# --- one docstring style on the names a user starts with --------------------------------------

import doctest  # noqa: E402
import inspect  # noqa: E402

import griffe  # noqa: E402

import augbench  # noqa: E402
import augbench.testing  # noqa: E402

# The conformance kit's public functions, beside augbench's own names.
KIT = ("check_augmenter", "parametrize_with_checks", "augmenter_checks", "check_output",
       "make_mixed_table")
# Where a user starts: these show how they are called, in examples that run.
STARTING_POINTS = ("run", "load_results", "Results", "get_augmenter", "get_classifier",
                   "load_dataset", "read_table", "prepare_table", "testing.check_augmenter")


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    """augbench as griffe reads it for the reference: its docstrings parsed in Google style."""
    return griffe.load("augbench", search_paths=[str(ROOT)], docstring_parser="google",
                       resolve_aliases=False)


def _path(name: str) -> str:
    """The dotted path, inside augbench, of a name of `augbench.__all__` or of the kit."""
    if name.startswith("testing."):
        return name
    return f"{augbench._LAZY[name].removeprefix('augbench.')}.{name}"


def _public_functions() -> list[str]:
    """The functions and methods whose docstrings follow the style: every function of
    `augbench.__all__` and of the kit, and every public method of Results."""
    names = [_path(n) for n in augbench._LAZY if inspect.isfunction(getattr(augbench, n))]
    names += [f"testing.{n}" for n in KIT]
    names += [f"notebook.Results.{n}" for n, member in inspect.getmembers(augbench.Results)
              if not n.startswith("_") and inspect.isfunction(member)]
    return sorted(names)


def _sections(obj: griffe.Object) -> dict[str, griffe.DocstringSection]:
    return {section.kind.value: section for section in obj.docstring.parsed}


def _style_problems(obj: griffe.Object) -> list[str]:
    """What a function's docstring lacks: a summary line, an Args entry for each parameter,
    Returns (or Yields) where it returns something."""
    if obj.docstring is None:
        return ["no docstring"]
    problems = []
    sections = _sections(obj)
    summary = obj.docstring.value.split("\n\n")[0]
    if "text" not in sections or not summary.rstrip().endswith("."):
        problems.append("no summary sentence")
    # `**options` is written with its stars, as the signature shows it.
    documented = {p.name.lstrip("*") for p in sections["parameters"].value} \
        if "parameters" in sections else set()
    for parameter in obj.parameters:
        if parameter.name not in ("self", "cls") and parameter.name not in documented:
            problems.append(f"no Args entry for {parameter.name}")
    returned = str(obj.returns) if obj.returns is not None else "None"
    if returned != "None" and not {"returns", "yields"} & set(sections):
        problems.append("no Returns section")
    return problems


@pytest.mark.parametrize("name", _public_functions())
def test_each_public_function_has_a_summary_args_and_returns(package, name: str) -> None:
    assert _style_problems(package[name]) == []


def test_the_style_check_sees_a_missing_parameter_and_return(package) -> None:
    """The check above can fail: a docstring without Args and Returns is caught."""
    function = griffe.Function("f", parameters=griffe.Parameters(griffe.Parameter("x")),
                               returns="int")
    function.docstring = griffe.Docstring("Do it.", parser="google", parent=function)
    assert _style_problems(function) == ["no Args entry for x", "no Returns section"]


@pytest.mark.parametrize("name", ["Results", *(n for n in augbench._LAZY
                                              if inspect.isclass(getattr(augbench, n)))])
def test_each_public_class_has_a_summary(package, name: str) -> None:
    docstring = package[_path(name)].docstring
    assert docstring is not None and docstring.value.split("\n\n")[0].rstrip().endswith(".")


@pytest.mark.parametrize("name", STARTING_POINTS)
def test_where_a_user_starts_there_are_examples(package, name: str) -> None:
    assert "examples" in _sections(package[_path(name)])


def test_every_public_attribute_of_results_is_documented(package) -> None:
    results = package["notebook.Results"]
    members = {**results.all_members}
    public = [n for n, m in members.items() if not n.startswith("_") and not m.is_function]
    assert {"trials", "summary", "comparisons", "findings"} <= set(public)
    assert [n for n in public if members[n].docstring is None] == []


def _examples(obj: object, name: str, globs: dict) -> doctest.DocTest:
    return doctest.DocTestParser().get_doctest(inspect.getdoc(obj) or "", globs, name, None, 0)


def _run_examples(test: doctest.DocTest) -> None:
    # An output may wrap over lines, as the reference's narrow code blocks need.
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # The names an example makes stay for the next (the members of Results use `results`).
    runner.run(test, out=lambda text: pytest.fail(text, pytrace=False), clear_globs=False)


@pytest.mark.parametrize("name", [n for n in _public_functions() if "Results" not in n])
def test_the_examples_of_functions_print_what_they_say(name: str, monkeypatch,
                                                       tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    module, _, attribute = f"augbench.{name}".rpartition(".")
    function = getattr(importlib.import_module(module), attribute)
    _run_examples(_examples(function, name, {}))


def test_the_examples_of_results_print_what_they_say(monkeypatch, tmp_path) -> None:
    """The class's example makes the `results` that its members' examples use, as the
    reference page shows them: one after the other."""
    monkeypatch.chdir(tmp_path)
    globs: dict = {}
    for name, member in [("Results", augbench.Results), *inspect.getmembers(augbench.Results)]:
        if not name.startswith("_"):
            test = _examples(member, f"Results.{name}".removesuffix(".Results"), globs)
            _run_examples(test)
            globs = test.globs  # a DocTest runs in a copy of the names it is given


# --- Markdown only -------------------------------------------------------------------------------

# reStructuredText that Markdown would show as written: a `::` before a code block, double
# backticks (a fence's three are Markdown), and roles such as :class:`Results`.
RST = re.compile(r"(?<!`)``(?!`)|::\s*$|:(?:class|func|mod|meth|attr|exc|data|obj|ref):`", re.M)


def _rendered(obj: griffe.Object):
    """An object the reference renders, and its public members, recursively."""
    yield obj
    # Results shows what it inherits from ResultTables (inherited_members on its page).
    members = obj.all_members if obj.is_class else obj.members
    for name, member in members.items():
        if name.startswith("_"):
            continue
        if member.is_alias:  # a class's inherited member, rendered; a module's import, not
            yield from [member] if obj.is_class else []
        else:
            yield from _rendered(member)


def test_the_docstrings_the_reference_renders_hold_no_restructured_text(package) -> None:
    targets = [t for page in REFERENCE.glob("*.md")
               for t in re.findall(r"^::: augbench\.(\S+)", page.read_text(), re.M)]
    rendered = {f"{o.parent.path}.{o.name}": o for t in targets
                for o in _rendered(package[t])}
    assert len(rendered) > 100
    found = {path: RST.findall(o.docstring.value) for path, o in rendered.items()
             if o.docstring and RST.search(o.docstring.value)}
    assert found == {}


def test_the_built_site_reads_from_disk_with_its_gallery_linked_and_its_version(
        site: Path) -> None:
    import augbench

    page = (site / "gallery" / "first-run.html").read_text()
    notebook = page.split('<div class="jupyter-wrapper">', 1)[1]
    # A notebook's links to its neighbours resolve to their pages, not to the files beside it.
    assert 'href="your-own-table.html"' in notebook and 'href="design-a-comparison.html"' in notebook
    assert 'href="your-own-table.ipynb"' not in notebook
    # Search works from file:// (the index as a script); the header names the version.
    assert (site / "search" / "search_index.js").is_file()
    assert f"augbench {augbench.__version__}" in page
    # The gallery's notebooks come with their outputs and a link that downloads the notebook.
    assert "<img" in page and (site / "gallery" / "first-run.ipynb").is_file()
    assert '<a href="first-run.ipynb" download>' in page
