"""The example plugin package in examples/, installed as a user would and exercised end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "augbench-jitter"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example installed with pip into a folder of its own (no dependency: augbench is here)."""
    target = tmp_path_factory.mktemp("site")
    # Built from a copy: pip leaves build folders beside the sources it builds.
    source = tmp_path_factory.mktemp("source") / EXAMPLE.name
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--target", str(target), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return target


def _run(site: Path, *args: str, disable: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "AUGBENCH_DISABLE_PLUGINS": disable}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=600)


def test_the_installed_package_is_listed_with_its_distribution(site: Path) -> None:
    listed = _run(site, "-m", "augbench.cli", "plugins")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "jitter" in line)
    assert "augmenters: jitter" in line and "augbench-jitter" in line and "0.1.0" in line


def test_its_augmenter_runs_and_disabling_removes_it(site: Path, tmp_path: Path) -> None:
    done = _run(site, "-m", "augbench.cli", "run", "--augmenters", "jitter", "--seeds", "2",
                "--sizes", "100", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert (trials.loc[trials["augmenter"] == "jitter", "n_synthetic"] > 0).all()
    assert "jitter" not in _run(site, "-m", "augbench.cli", "plugins", disable="jitter").stdout
    refused = _run(site, "-m", "augbench.cli", "run", "--augmenters", "jitter", "--out",
                   str(tmp_path / "again"), disable="jitter")
    assert refused.returncode == 2 and "unknown augmenter 'jitter'" in refused.stderr


def test_its_own_tests_pass_the_conformance_kit(site: Path) -> None:
    done = _run(site, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout
