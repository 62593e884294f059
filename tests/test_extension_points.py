"""One way in for every extension: a separately installed package adds a metric and an
augmenter that every output picks up; capabilities refuse what cannot run; the modules import
each other without a cycle; workers die with their parent."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import fake_distribution, mixed_table

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
"""A third-party augbench plugin: a metric and an imbalanced-learn sampler."""
import augbench


def mcc(inp):
    from sklearn.metrics import matthews_corrcoef

    return float(matthews_corrcoef(inp.y_true, inp.y_pred))


def adasyn(**params):
    from imblearn.over_sampling import ADASYN

    return ADASYN(**params)


@augbench.hookimpl
def augbench_metrics():
    return {"mcc": augbench.Metric(mcc, "Matthews correlation", bounds=(-1, 1), short="MCC",
                                   description="correlation of predicted and true labels")}


@augbench.hookimpl
def augbench_augmenters():
    return {"adasyn-demo": adasyn}
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an installed distribution 'augbench-extras-demo' (package and
    dist-info with an ``augbench`` entry point), as pip would lay it out."""
    site = tmp_path_factory.mktemp("site")
    (site / "augbench_extras_demo").mkdir()
    (site / "augbench_extras_demo" / "__init__.py").write_text("")
    (site / "augbench_extras_demo" / "plugin.py").write_text(PLUGIN)
    fake_distribution(site, "augbench-extras-demo", "0.1", "extras-demo",
                      "augbench_extras_demo.plugin")
    return site


def _augbench(site: Path | None, *args: str, **popen) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site) if site else ""}
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, **popen)


def test_an_installed_metric_plugin_reaches_every_output(site: Path, tmp_path: Path) -> None:
    listed = _augbench(site, "plugins")
    assert "extras-demo" in listed.stdout and "augbench-extras-demo" in listed.stdout
    proc = _augbench(site, "run", "--augmenters", "none,smote", "--metrics", "recall,roc_auc,mcc",
                     "--seeds", "6", "--sizes", "100", "--out", str(tmp_path), "--report",
                     "--quiet")
    assert proc.returncode == 0, proc.stderr
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert trials["mcc"].between(-1, 1).all() and trials["mcc"].nunique() > 1
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert {"mcc_mean", "mcc_ci_low", "mcc_ci_high"} <= set(summary.columns)
    # the metric's own bounds, not [0, 1], limit its interval
    assert summary["mcc_ci_low"].ge(-1).all()
    comparisons = pd.read_csv(tmp_path / "comparisons.csv")
    assert set(comparisons["metric"]) == {"recall", "roc_auc", "mcc"}
    assert "MCC" in proc.stdout  # a column of the terminal table
    assert "Accuracy" not in proc.stdout  # --metrics chose what runs and what shows
    assert (tmp_path / "plots" / "breast-cancer_mcc.png").stat().st_size > 10_000
    html = (tmp_path / "report.html").read_text()
    assert "<th>MCC</th>" in html and 'alt="breast-cancer_mcc"' in html
    # a report from the store needs no plugin: the spec was stored with the run
    again = _augbench(None, "report", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "MCC" in again.stdout


def test_the_metric_names_go_into_the_experiment_configuration(site: Path, tmp_path: Path) -> None:
    import sqlite3

    proc = _augbench(site, "run", "--augmenters", "none", "--metrics", "mcc", "--seeds", "2",
                     "--sizes", "100", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(tmp_path / "results.sqlite") as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key='config'").fetchone()[0])
    assert config["metrics"] == ["mcc"]
    other = _augbench(site, "run", "--augmenters", "none", "--metrics", "mcc,recall", "--seeds",
                      "2", "--sizes", "100", "--out", str(tmp_path), "--quiet")
    assert other.returncode == 2 and "another experiment" in other.stderr


def test_an_augmenter_without_categorical_support_is_refused_before_the_run(
        site: Path, tmp_path: Path) -> None:
    table = mixed_table(tmp_path / "mixed.csv")
    refused = _augbench(site, "run", "--data", str(table), "--target", "outcome",
                        "--augmenters", "none,adasyn-demo", "--seeds", "2", "--sizes", "100",
                        "--out", str(tmp_path / "out"), "--quiet")
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: augmenter 'adasyn-demo' takes numeric")
    assert "sex, smoker" in lines[0] and "smote" in lines[0] and "--drop" in lines[0]
    assert not (tmp_path / "out" / "results.sqlite").exists()
    numeric = _augbench(site, "run", "--augmenters", "none,adasyn-demo", "--seeds", "2", "--sizes",
                        "100", "--out", str(tmp_path / "numeric"), "--quiet")
    assert numeric.returncode == 0, numeric.stderr
    trials = pd.read_csv(tmp_path / "numeric" / "trials.csv")
    assert (trials.loc[trials.augmenter == "adasyn-demo", "n_synthetic"] > 0).all()


def _imports(path: Path) -> set[str]:
    """Modules of augbench that ``path`` imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: augbench imports absolutely"
            found.add(node.module or "")
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m == "augbench" or m.startswith("augbench.")}


def test_augbench_modules_import_each_other_without_a_cycle() -> None:
    package = ROOT / "augbench"
    modules = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {name: {m for m in _imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    # augbench/__init__ only re-exports lazily, by name; importing it is no dependency on the
    # modules it names, so edges into the package root are left out.
    graph = {name: deps - {"augbench"} for name, deps in graph.items()}
    cycles = []

    def visit(node: str, stack: list[str], state: dict[str, int]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif not state.get(dep):
                visit(dep, stack + [dep], state)
        state[node] = 2

    state: dict[str, int] = {}
    for name in sorted(graph):
        if not state.get(name):
            visit(name, [name], state)
    assert len(graph) > 25 and any(graph.values())
    assert cycles == [], " ; ".join(" -> ".join(c) for c in cycles)


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping remains


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_run_leaves_no_worker_alive(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "augbench.cli", "run", "--augmenters", "none,smote",
         "--classifiers", "rf", "--seeds", "200", "--jobs", "2", "--out", str(tmp_path),
         "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.5)
            workers = [p for p in _children(proc.pid) if _alive(p)]
        assert len(workers) >= 2, "the run never started its workers"
        time.sleep(1.0)  # workers busy with trials
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(_alive, workers)):
            time.sleep(0.2)
        assert not [p for p in workers if _alive(p)]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_plugins_lists_metrics_with_their_provider(site: Path) -> None:
    proc = _augbench(site, "plugins")
    assert proc.returncode == 0
    text = textwrap.dedent(proc.stdout)
    assert "metrics: mcc" in text and "accuracy" in text


def test_every_package_of_the_tree_is_in_the_distribution() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "augbench").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
    assert "augbench_plugins" in listed and config["package-dir"]["augbench_plugins"] == "plugins"


def test_reports_ask_metrics_for_their_role_never_for_their_name() -> None:
    from augbench.registry import default_registry

    metrics = default_registry().metrics()
    names = {name for name in metrics} | {spec.label for spec in metrics.values()}
    for path in sorted((ROOT / "augbench" / "reporting").glob("*.py")):
        strings = {node.value for node in ast.walk(ast.parse(path.read_text()))
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        named = sorted(n for n in names if any(n in s for s in strings if len(n) > 3))
        assert not named, f"{path.name} names {named}"


def test_a_metric_with_the_ranking_role_drives_the_no_signal_finding(tmp_path: Path) -> None:
    import types

    import numpy as np

    import augbench
    from augbench.registry import Registry, make_plugin_manager
    from augbench.reporting.findings import findings

    def concordance(inp):  # the ranking quality under another name
        from sklearn.metrics import roc_auc_score

        return float(roc_auc_score(inp.y_true, inp.proba))

    module = types.ModuleType("renamed_ranking_plugin")
    module.augbench_metrics = augbench.hookimpl(lambda: {"concordance": augbench.Metric(
        concordance, "concordance index", role="ranking", chance=0.5)})
    registry = Registry(make_plugin_manager(extra_plugins=[module], disabled=()))
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.normal(size=(300, 3)), columns=list("abc"))
    noise.assign(y=(rng.random(300) < 0.3).astype(int)).to_csv(tmp_path / "noise.csv",
                                                               index=False)
    results = augbench.run(data=(augbench.DataSpec(str(tmp_path / "noise.csv"), target="y"),),
                           metrics=("concordance", "recall"), seeds=8, sizes=(150,),
                           registry=registry)
    assert any(line.startswith("warning: no detectable signal") and "concordance index" in line
               for line in findings(results)), findings(results)


# The floors of augbench, as import-linter states layers: what each room may import besides
# itself (the package root, which re-exports lazily, is augbench's public API). A room never
# imports one above it; the ground floor (errors, defaults, the plugin boundary) nothing above.
GROUND = {"errors", "defaults"}
BOUNDARY = GROUND | {"plugin"}
MAY_IMPORT = {
    "errors": set(), "defaults": set(), "plugin": GROUND,
    "results": BOUNDARY,
    "reporting": BOUNDARY | {"results"},
    "notebook": BOUNDARY | {"results", "reporting"},
    "testing": BOUNDARY,
    # augbench's own plugin uses the public API, as a third party's does.
    "builtin": BOUNDARY | {"augbench"},
    "registry": BOUNDARY | {"augbench", "builtin"},
    "experiment": BOUNDARY | {"results", "registry"},
    "execution": BOUNDARY | {"results", "registry", "experiment"},
    "api": BOUNDARY | {"registry", "experiment"},
    "options": BOUNDARY | {"experiment", "execution"},
    "runner": BOUNDARY | {"augbench", "results", "reporting", "notebook", "registry", "experiment",
                          "execution", "options"},
    # The leaderboard reads runs and references, and runs a new method's trials.
    "leaderboard": BOUNDARY | {"augbench", "api", "results", "reporting", "registry",
                               "experiment", "options", "runner"},
    "cli": BOUNDARY | {"augbench", "results", "reporting", "notebook", "registry", "experiment",
                       "execution", "options", "runner", "leaderboard"},
    "__init__": {"plugin"},
}


def _rooms() -> dict[str, list[Path]]:
    """The rooms of augbench (a sub-package or a module) and their files."""
    package = ROOT / "augbench"
    rooms: dict[str, list[Path]] = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        rooms.setdefault(parts[0], []).append(path)
    return rooms


def _room_of(module: str, rooms: set[str]) -> str | None:
    """The room a name imported from augbench lives in; "augbench" for the public API."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in rooms else "augbench"


def test_every_room_imports_only_the_floors_below_it() -> None:
    rooms = _rooms()
    assert set(rooms) == set(MAY_IMPORT), "a new room needs its floor in MAY_IMPORT"
    broken = {}
    for room, paths in rooms.items():
        used = {_room_of(m, set(rooms)) for path in paths for m in _imports(path)} - {room}
        if room == "__init__":
            used -= {"augbench"}
        if used - MAY_IMPORT[room]:
            broken[room] = sorted(used - MAY_IMPORT[room])
    assert broken == {}


def test_first_party_plugins_use_only_the_public_api() -> None:
    rooms = set(_rooms())
    inside = {str(path.relative_to(ROOT)): sorted(m for m in _imports(path)
                                                  if _room_of(m, rooms) != "augbench")
              for path in (ROOT / "plugins").rglob("*.py")}
    assert {path: found for path, found in inside.items() if found} == {}
    assert len(inside) > 20
