"""The command line, as a user meets it: exit codes, one-line errors, files written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from augbench.cli import main


def _augbench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_run_writes_trials_and_summary_and_prints_the_table(tmp_path: Path) -> None:
    proc = _augbench("run", "--augmenters", "none,smote", "--classifiers", "lr", "--seeds", "3",
                     "--sizes", "100,200", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Accuracy" in proc.stdout and "smote" in proc.stdout
    assert "difference from none on the same seeds" in proc.stdout
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert len(trials) == 12 and (trials["status"] == "ok").all()
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) == 4 and (summary["n_seeds"] == 3).all()
    assert {"accuracy_mean", "recall_ci_low", "roc_auc_ci_high"} <= set(summary.columns)


def test_misspelt_augmenter_is_one_line_and_exit_2() -> None:
    proc = _augbench("run", "--augmenters", "none,smtoe", "--seeds", "1")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("error: unknown augmenter 'smtoe'. Available: ")
    assert "none" in proc.stderr and "smote" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["--set", "smote.k_neigbors=3"], "k_neigbors"),
    (["--set", "smote"], "NAME.PARAM=VALUE"),
    (["--set", "rf.n_estimators=5"], "'rf' is not among the chosen"),
    (["--set", "smote.random_state=1"], "sets random_state itself"),
    (["--sizes", "100,5000"], "training size 5000 does not fit dataset 'breast-cancer'"),
    (["--sizes", "ten"], "'ten' is neither a whole number nor 'full'"),
    (["--data", "missing.csv", "--target", "y"], "data file 'missing.csv' does not exist"),
    (["--ratio", "2"], "--ratio"),
    (["--seeds", "many"], "invalid int value"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_input_is_one_error_line_with_exit_2(tmp_path, capsys, args, message) -> None:
    code = main(["run", "--seeds", "1", "--out", str(tmp_path), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err


def test_failing_trials_exit_1_and_keep_their_errors(tmp_path: Path, capsys) -> None:
    # Each value is valid alone, so the run starts; the pair fails in every fit.
    code = main(["run", "--augmenters", "none", "--seeds", "2", "--sizes", "100", "--set",
                 "lr.l1_ratio=1.0", "--set", "lr.solver=lbfgs", "--out", str(tmp_path), "--quiet"])
    assert code == 1
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert (trials["status"] == "failed").all()
    assert trials["error"].str.startswith("fit: ValueError: Solver lbfgs supports only").all()
    assert "2 trials failed" in capsys.readouterr().err


def test_plugins_lists_names_and_distributions(capsys) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    for name in ("none", "smote", "lr", "rf", "hgb", "mlp", "dummy", "augbench"):
        assert name in out


def test_datasets_lists_the_embedded_default(capsys) -> None:
    assert main(["datasets"]) == 0
    assert "breast-cancer" in capsys.readouterr().out
