"""The documentation's code blocks run as written (the README's and every user-guide page's):
Python is executed (a plugin module registered and used), experiment files are read, and every
`augbench run` command line is parsed; the site builds with every page of the old README's
reference in it."""

from __future__ import annotations

import re
import shlex
import types
from pathlib import Path

import pytest

import augbench
from augbench.cli import main
from augbench.options import tomllib
from augbench.registry import Registry, make_plugin_manager

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# The studies are reports of what ran (their commands name the shared tables' folders); the
# authors' guide runs as one program, below.
# The site's home page is the README with the site's links (checked below).
NOT_GUIDE = {"leaderboard.md", "paper-replication.md", "privacy-study.md", "gpu-checks.md",
             "writing-an-augmenter.md", "index.md"}
PAGES = [README, *sorted(p for p in DOCS.rglob("*.md") if p.name not in NOT_GUIDE
                          and "reference" not in p.parts)]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for page in PAGES for lang, body in FENCE.findall(page.read_text())
            if lang == language]


def _id(code: str) -> str:
    return code.strip().splitlines()[0][:40]


@pytest.mark.parametrize("code", blocks("python"), ids=_id)
def test_python_blocks_run(code: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a block may write results into the working folder
    module = types.ModuleType("readme_block")
    exec(compile(code, "documentation block", "exec"), module.__dict__)
    if "@augbench.hookimpl" not in code:
        return
    # A plugin module: registered, its augmenters and metrics run in a small experiment.
    registry = Registry(make_plugin_manager(extra_plugins=[module], disabled=()))
    augmenters = module.augbench_augmenters() if hasattr(module, "augbench_augmenters") else {}
    metrics = module.augbench_metrics() if hasattr(module, "augbench_metrics") else {}
    results = augbench.run(data="breast-cancer",
                           augmenters=tuple(augmenters), metrics=("recall", *metrics),
                           seeds=2, sizes=(200,), registry=registry)
    assert results.trials["status"].eq("ok").all(), results.trials["error"].tolist()
    for name in metrics:
        assert results.trials[name].notna().all()


@pytest.mark.parametrize("text", blocks("toml"), ids=_id)
def test_toml_blocks_read(text: str, tmp_path: Path, capsys) -> None:
    table = tomllib.loads(text)
    if "project" in table:
        assert table["project"]["entry-points"]["augbench"]  # the plugin entry point
        return
    path = tmp_path / "exp.toml"
    path.write_text(text)
    assert main(["run", "--config", str(path), "--dump-config"]) == 0, capsys.readouterr().err


def run_commands() -> list[list[str]]:
    """Every `augbench run` command of the bash blocks, continuation lines joined."""
    commands = []
    for body in blocks("bash"):
        for line in body.replace("\\\n", " ").splitlines():
            for part in line.split(" #")[0].split("&&"):
                words = shlex.split(part)
                while words and "=" in words[0]:
                    words = words[1:]  # an environment variable before the command
                if words[:2] == ["augbench", "run"]:
                    commands.append(words[2:])
    return commands


@pytest.mark.parametrize("args", run_commands(), ids=lambda a: " ".join(a)[:50])
def test_run_commands_parse(args: list[str], capsys) -> None:
    assert main(["run", *args, "--dump-config"]) == 0, capsys.readouterr().err


def test_the_readme_examples_write_into_folders_of_their_own(capsys) -> None:
    """Followed in order, no example stops because an earlier one's results hold its folder."""
    outs = []
    # The same command on two pages (the set-up line) is one example: a second run resumes it.
    for args in dict.fromkeys(map(tuple, run_commands())):
        assert main(["run", *args, "--dump-config"]) == 0
        outs.append(tomllib.loads(capsys.readouterr().out)["out"])
    outs += [tomllib.loads(text).get("out", "augbench-results") for text in blocks("toml")
             if "project" not in tomllib.loads(text)]
    outs += re.findall(r'out="([^"]+)"', "".join(blocks("python")))
    normalised = [str(Path(out)) for out in outs]
    assert len(normalised) >= 6 and len(set(normalised)) == len(normalised), normalised


def test_the_documentation_has_code_to_check() -> None:
    assert len(blocks("python")) >= 3 and len(blocks("toml")) >= 2 and len(run_commands()) >= 4


GUIDE = DOCS / "writing-an-augmenter.md"


def test_the_authors_guide_code_runs_and_its_sampler_passes_the_kit(tmp_path, monkeypatch) -> None:
    from augbench.testing import check_augmenter

    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "guide"}
    code = [body for lang, body in FENCE.findall(GUIDE.read_text()) if lang == "python"]
    assert len(code) >= 4
    for body in code:
        exec(compile(body, str(GUIDE), "exec"), namespace)
    check_augmenter(namespace["Bootstrap"]())
    for text in [body for lang, body in FENCE.findall(GUIDE.read_text()) if lang == "toml"]:
        assert tomllib.loads(text)["project"]["entry-points"]["augbench"]


def test_the_sites_home_page_is_the_readme() -> None:
    home = (DOCS / "index.md").read_text()
    # The changelog is at the root on GitHub, a page of the site that includes it there.
    readme = README.read_text().replace("](docs/", "](").replace("](CHANGELOG.md)",
                                                                  "](changelog.md)")
    start = readme.index("## Documentation")
    assert home.startswith(readme[:start])
    links = re.findall(r"\]\(([^)#]+)", readme[start:])
    assert links and all(f"]({link})" in home for link in links)


NAV = re.compile(r"^\s*- (?:[^:\n]+: )?(\S+\.md)$", re.M)


def test_every_page_is_in_the_sites_navigation_and_every_entry_exists() -> None:
    nav = NAV.findall((ROOT / "mkdocs.yml").read_text())
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(nav) == pages


def _pages_text(*names: str) -> str:
    return "".join((DOCS / name).read_text() for name in names)


def test_the_reference_has_a_home_for_every_option_metric_and_method() -> None:
    from augbench.options import OPTIONS
    from augbench.registry import default_registry

    cli = _pages_text("cli.md")
    assert [o.name for o in OPTIONS if f"`--{o.name}" not in cli] == []
    api = _pages_text("python-api.md")
    assert [o.dest for o in OPTIONS if o.in_api and f"`{o.dest}`" not in api] == []
    metrics = _pages_text("metrics.md", "privacy.md")
    registry = default_registry()
    assert [m for m in registry.metrics() if f"`{m}`" not in metrics] == []
    methods = _pages_text("methods.md")
    for kind in ("augmenters", "classifiers", "datasets"):
        missing = [n for n in registry.names(kind) if f"`{n}`" not in methods]
        assert missing == [], (kind, missing)
    # Every downloaded table has its row, licence and BibTeX block on the datasets page.
    datasets = _pages_text("datasets.md")
    downloaded = [n for n in registry.names("datasets")
                  if getattr(registry.get("datasets", n).provided, "files", ())]
    assert len(downloaded) == 19
    assert [n for n in downloaded if f"| `{n}` |" not in datasets] == []
    assert [n for n in downloaded if f"@misc{{{n.replace('-', '_')}," not in datasets] == []


def test_the_tuning_page_lists_every_declared_search_space() -> None:
    from augbench.registry import default_registry

    registry = default_registry()
    rows = {}  # each arm named in the page's table of declared values: that row's values
    for line in (DOCS / "tuning.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 2:
            rows.update({name: cells[1] for name in re.findall(r"`([^`]+)`", cells[0])})
    declared = {}
    for kind in ("augmenters", "classifiers"):
        for name in registry.names(kind):
            try:
                plugin = registry.create(kind, name)
            except augbench.UsageError:
                continue  # an optional extra not installed (forest-diffusion): declares none
            if space := registry.capabilities(kind, name, plugin).search_space:
                declared[name] = space
    assert sorted(rows) == sorted(declared)
    for name, space in declared.items():
        for param, values in space:
            listed = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
            assert f"`{param}` {listed}" in rows[name], (name, param, rows[name])


def test_the_citation_and_the_changelog_name_the_version_installed() -> None:
    """What a reader cites and what the changelog heads are the version augbench reports."""
    root = Path(__file__).resolve().parents[1]
    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(augbench.__version__)}$", citation, re.M)
    assert f"version = {{{augbench.__version__}}}" in (root / "docs" / "citing.md").read_text()
    assert f"## {augbench.__version__} " in (root / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_home_pages_example_prints_what_the_page_shows(shared_data, tmp_path, capsys,
                                                            monkeypatch) -> None:
    """The stroke example's command, run on the published table, prints the rows and lines the
    home page shows (the `gan` row aside: the page says it is its machine's)."""
    import shutil

    page = (DOCS / "index.md").read_text()
    command = next(args for args in run_commands() if "stroke-example/" in args)
    shown = page[page.index(" classifier augmenter"):]
    shown = shown[:shown.index("```")]
    shutil.copy(shared_data / "stroke.csv", tmp_path / command[command.index("--data") + 1])
    monkeypatch.chdir(tmp_path)
    assert main(["run", *command, "--quiet"]) == 0
    printed = capsys.readouterr().out
    expected = [line.rstrip() for line in shown.splitlines()
                if line.startswith((" lr         none", " lr         smote"))]
    assert len(expected) == 2
    for line in expected:
        assert line in [p.rstrip() for p in printed.splitlines()], line
    sentences = " ".join(printed.split())
    for sentence in re.split(r"\n(?=summary:|note:|finding:)", shown.split("\n\n", 1)[1].strip()):
        assert " ".join(sentence.split()) in sentences, sentence
