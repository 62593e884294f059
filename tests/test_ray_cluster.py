"""A real two-node Ray cluster on this machine that loses a node mid-run: every trial is still
stored, with the numbers of a local run."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import augbench
from augbench.results.store import STORE_NAME

pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
if not Path("/proc").is_dir():
    pytest.skip("finding a node's processes reads /proc (Linux)", allow_module_level=True)

TESTS = Path(__file__).parent
RAY = str(Path(sys.executable).with_name("ray"))
SLEEP = "misbehaving_plugin:Sleep"
GRID = dict(augmenters=("none", SLEEP), classifiers=("lr",), seeds=12, sizes=(100,),
            params={SLEEP: {"seconds": 1.0}})
NUMBERS = ["dataset", "size", "seed", "augmenter", "classifier", "status", "accuracy", "recall",
           "roc_auc", "brier", "n_synthetic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_with(argument: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and argument in (entry / "cmdline").read_bytes().decode(
                    errors="replace").split("\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_cluster_that_loses_a_node_mid_run_gives_every_trial_the_local_numbers(
        tmp_path: Path) -> None:
    # Ray 2.60 authenticates the nodes of a cluster with a token; workers import the test plugin.
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_USAGE_STATS_ENABLED": "0",
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    port, worker_port = _free_port(), _free_port()
    head = [RAY, "start", "--head", f"--port={port}", "--num-cpus=1",
            "--include-dashboard=false", "--disable-usage-stats"]
    joining = [RAY, "start", f"--address=127.0.0.1:{port}", "--num-cpus=1",
               f"--node-manager-port={worker_port}", "--disable-usage-stats"]
    try:
        for command in (head, joining):
            subprocess.run(command, env=env, check=True, capture_output=True, timeout=180)
        out = tmp_path / "ray"
        run = subprocess.Popen(
            [sys.executable, "-m", "augbench.cli", "run", "--executor", "ray", "--address",
             f"127.0.0.1:{port}", "--augmenters", f"none,{SLEEP}", "--set",
             f"{SLEEP}.seconds=1.0", "--seeds", "12", "--sizes", "100", "--jobs", "2",
             "--out", str(out), "--quiet"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        finished_at_kill = _wait_for_trials(out, at_least=4, process=run)
        raylet = _processes_with(f"--node_manager_port={worker_port}")
        assert raylet, "the joining node's raylet was not found"
        for pid in raylet:
            os.kill(pid, signal.SIGKILL)
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
        assert finished_at_kill < 24  # the node died while trials were still to run
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=120)
    distributed = pd.read_csv(out / "trials.csv")
    assert len(distributed) == 24 and distributed["status"].eq("ok").all()
    local = augbench.run(**GRID, jobs=2).trials
    pd.testing.assert_frame_equal(distributed[NUMBERS].reset_index(drop=True),
                                  local[NUMBERS].reset_index(drop=True), check_dtype=False)


def _wait_for_trials(out: Path, at_least: int, process: subprocess.Popen) -> int:
    """How many trials the run has stored once it has at least ``at_least`` (polled)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the run ended before the node was killed: {process.stderr.read()}")
        if (out / STORE_NAME).is_file():
            try:
                with sqlite3.connect(out / STORE_NAME) as db:  # reads the WAL as it grows
                    count = db.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
            except sqlite3.Error:
                count = 0  # being created
            if count >= at_least:
                return count
        time.sleep(0.2)
    pytest.fail("no trial was stored within 300 s")


def test_a_run_without_address_starts_its_own_ray_beside_a_cluster_left_running(
        tmp_path: Path) -> None:
    # `ray start` (or a run killed with -9) leaves a cluster that Ray's own lookup would join,
    # where --jobs cannot be set: a run without --address must not depend on such leftovers.
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    head = [RAY, "start", "--head", f"--port={_free_port()}", "--num-cpus=1",
            "--include-dashboard=false", "--disable-usage-stats"]
    try:
        subprocess.run(head, env=env, check=True, capture_output=True, timeout=180)
        run = subprocess.run(
            [sys.executable, "-m", "augbench.cli", "run", "--executor", "ray", "--jobs", "2",
             "--augmenters", "none", "--seeds", "2", "--sizes", "100", "--out",
             str(tmp_path / "run"), "--quiet"], env=env, capture_output=True, text=True,
            timeout=600)
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert pd.read_csv(tmp_path / "run" / "trials.csv")["status"].eq("ok").sum() == 2
