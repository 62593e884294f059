"""Faults stay where they happen: a crashing augmenter fails its own trials only, a broken plugin
is left out with a line, and a full disk, a damaged store or a read-only folder is one error
line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import fake_distribution

import augbench
from augbench.cli import main
from augbench.results.store import STORE_NAME, Store

TESTS = Path(__file__).parent


def _augbench(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(TESTS), **(env or {})})


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_segfaulting_augmenter_fails_only_its_own_trials(jobs: str, tmp_path: Path) -> None:
    proc = _augbench("run", "--augmenters", "none,smote,misbehaving_plugin:Segfault",
                     "--classifiers", "lr,dummy", "--seeds", "3", "--sizes", "100", "--jobs", jobs,
                     "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 1, proc.stderr  # some trials failed; the run finished
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert len(trials) == 3 * 3 * 2
    bad = trials["augmenter"] == "misbehaving_plugin:Segfault"
    assert trials.loc[~bad, "status"].eq("ok").all(), trials.loc[~bad, ["augmenter", "error"]]
    assert trials.loc[bad, "status"].eq("failed").all()
    assert trials.loc[bad, "error"].str.startswith("crash:").all()
    assert "Traceback" not in proc.stderr


def test_an_augmenter_that_labels_its_rows_0_fails_its_trials(tmp_path: Path) -> None:
    results = augbench.run(augmenters=("none", "misbehaving_plugin:NegativeRows"), seeds=2,
                           sizes=(100,))
    trials = results.trials.set_index("augmenter")
    assert trials.loc["none", "status"].eq("ok").all()
    errors = trials.loc["misbehaving_plugin:NegativeRows", "error"]
    assert errors.str.contains("added rows of the minority class \\(1\\) only").all(), errors


def test_a_seed_batching_augmenter_that_breaks_the_contract_fails_its_own_trials() -> None:
    bad = "misbehaving_plugin:NegativeRowsBatched"
    results = augbench.run(augmenters=("none", bad), seeds=3, sizes=(100,), jobs=1)
    trials = results.trials.set_index("augmenter")
    assert trials.loc["none", "status"].eq("ok").all()
    assert len(trials.loc[bad]) == 3 and trials.loc[bad, "status"].eq("failed").all()
    assert trials.loc[bad, "error"].str.contains("broke the contract").all()


def _fake_installed_plugin(folder: Path, name: str, module_source: str | None,
                           target: str) -> dict:
    fake_distribution(folder, f"{name}-plugin", "1.0", name, target)
    if module_source is not None:
        (folder / f"{target}.py").write_text(module_source)
    return {"PYTHONPATH": f"{folder}{os.pathsep}{TESTS}"}


RAISING_HOOK = """
import augbench

@augbench.hookimpl
def augbench_augmenters():
    raise RuntimeError("the plugin's configuration file is missing")
"""


@pytest.mark.parametrize("source, target, reason", [
    (RAISING_HOOK, "raising_hook_plugin",
     "its augbench_augmenters hook raised RuntimeError: the plugin's configuration file"),
    (None, "no_such_module_here", "it failed to load: ModuleNotFoundError"),
])
def test_a_broken_plugin_is_named_and_left_out(tmp_path: Path, source, target, reason) -> None:
    env = _fake_installed_plugin(tmp_path, "bad", source, target)
    listed = _augbench("plugins", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"warning: plugin 'bad' is left out: {reason}" in listed.stderr
    assert "AUGBENCH_DISABLE_PLUGINS=bad" in listed.stderr and "Traceback" not in listed.stderr
    assert "imbalanced-learn" in listed.stdout  # the others are listed as ever
    ran = _augbench("run", "--seeds", "2", "--sizes", "100", "--out", str(tmp_path / "o"),
                    "--quiet", env=env)
    assert ran.returncode == 0 and "left out" in ran.stderr, ran.stderr
    needed = _augbench("run", "--augmenters", "mine", "--seeds", "2", "--sizes", "100",
                       "--out", str(tmp_path / "o2"), "--quiet", env=env)
    assert needed.returncode == 2 and "Traceback" not in needed.stderr
    assert "error: unknown augmenter 'mine'" in needed.stderr
    assert "Plugin 'bad', which may provide it, is left out" in needed.stderr
    blocked = _augbench("plugins", env={**env, "AUGBENCH_DISABLE_PLUGINS": "bad"})
    assert blocked.returncode == 0 and "left out" not in blocked.stderr


def _one_error_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in "\n".join(lines), lines
    return errors[0]


def test_a_full_disk_is_one_error_line_and_keeps_the_stored_trials(tmp_path: Path, capsys,
                                                                   monkeypatch) -> None:
    args = ["run", "--seeds", "20", "--sizes", "100", "--jobs", "1", "--out", str(tmp_path),
            "--quiet"]
    real = sqlite3.connect

    def small_disk(*a, **k):
        db = real(*a, **k)
        db.execute("PRAGMA max_page_count = 12")  # SQLite's own "database or disk is full"
        return db

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    assert main(args) == 2
    line = _one_error_line(capsys)
    assert "the disk is full" in line and "run the same command again" in line
    monkeypatch.setattr(sqlite3, "connect", real)
    kept = len(Store(tmp_path / STORE_NAME).trials())
    assert 0 < kept < 40
    assert main(args) == 0  # room again: the same command goes on from the stored trials
    assert f"({kept} of them from the store)" in capsys.readouterr().err


def test_an_export_to_a_full_disk_is_one_error_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "trials.csv").symlink_to("/dev/full")  # every write there: ENOSPC
    assert main(["run", "--seeds", "2", "--sizes", "100", "--out", str(tmp_path),
                 "--quiet"]) == 2
    line = _one_error_line(capsys)
    assert "No space left on device" in line and "augbench report" in line
    assert len(Store(tmp_path / STORE_NAME).trials()) == 4


def test_a_damaged_store_is_one_error_line_for_run_and_report(tmp_path: Path, capsys) -> None:
    assert main(["run", "--seeds", "3", "--sizes", "100", "--out", str(tmp_path),
                 "--quiet"]) == 0
    capsys.readouterr()
    store = tmp_path / STORE_NAME
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.read_bytes())
    page = 4096
    data[2 * page:3 * page] = b"\xff" * page  # a page of the trials table overwritten
    store.write_bytes(bytes(data))
    for args in (["report", str(tmp_path)],
                 ["run", "--seeds", "3", "--sizes", "100", "--out", str(tmp_path), "--quiet"]):
        assert main(args) == 2
        line = _one_error_line(capsys)
        assert "is damaged" in line or "cannot be used" in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_reported_and_refused_for_a_run(tmp_path: Path, capsys) -> None:
    out = tmp_path / "shared"
    assert main(["run", "--seeds", "2", "--sizes", "100", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    out.chmod(0o555)
    try:
        assert main(["report", str(out)]) == 0
        assert "trials ok" in capsys.readouterr().err
        assert main(["run", "--seeds", "3", "--sizes", "100", "--out", str(out),
                     "--quiet"]) == 2
        assert "cannot write results into" in _one_error_line(capsys)
    finally:
        out.chmod(0o755)


def test_a_store_in_a_folder_it_cannot_write_is_read_as_it_is(tmp_path: Path,
                                                              monkeypatch) -> None:
    augbench.run(seeds=2, sizes=(100,), out=tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    results = augbench.load_results(tmp_path)
    assert len(results.trials) == 4
