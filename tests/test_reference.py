"""A method author's afternoon: a new augmenter runs only its own trials against stored reference
results, on the same seeds and splits, and its numbers equal a fresh run of every arm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import fake_distribution

import augbench
from augbench.leaderboard.author import run_arms
from augbench.leaderboard.board import meta_features
from augbench.leaderboard.reference import from_runs, read_reference

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "augbench-jitter"
TABLES = ["breast-cancer", "pima-diabetes"]
GRID = ["--classifiers", "lr", "--seeds", "4", "--sizes", "100"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference results of none and smote on two tables, written as augbench ships them."""
    folder = tmp_path_factory.mktemp("reference")
    runs = {"untuned": augbench.run(data=TABLES, augmenters="none,smote", classifiers="lr",
                                    seeds=4, sizes=(100,), out=folder / "run")}
    tables = {name: meta_features(augbench.load_dataset(name).X, augbench.load_dataset(name).y)
              for name in TABLES}
    from_runs(runs, {"mini": TABLES}, tables, command="a test").write(folder / "mini")
    return folder / "mini.json"


def _env(tmp_path: Path) -> dict[str, str]:
    """The example plugin importable, as pip would install it."""
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(site, "augbench-jitter", "0.1.0", "jitter", "augbench_jitter.plugin")
    path = os.pathsep.join(filter(None, [str(site), str(EXAMPLE / "src"),
                                         os.environ.get("PYTHONPATH", "")]))
    return {**os.environ, "PYTHONPATH": path}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600)


def test_a_reference_round_trips_exactly(reference: Path) -> None:
    read = read_reference(reference)
    stored = augbench.load_results(reference.parent / "run").trials
    assert len(read.scores) == len(stored) == 2 * 2 * 4 * 1
    merged = read.scores.merge(stored, on=["dataset", "size", "classifier", "augmenter", "seed"],
                               suffixes=("", "_run"))
    for metric in read.metrics:
        assert np.array_equal(merged[metric].to_numpy(), merged[f"{metric}_run"].to_numpy(),
                              equal_nan=True), metric


def test_a_new_method_runs_only_its_trials_and_equals_a_fresh_run_of_every_arm(
        reference: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    board = tmp_path / "board"
    placed = _cli(env, "leaderboard", "--suite", "mini", "--reference", str(reference),
                  "--augmenters", "jitter", "--out", str(board), "--quiet")
    assert placed.returncode == 0, placed.stderr
    ran = augbench.load_results(board / "runs" / "untuned").trials
    assert set(ran["augmenter"]) == {"jitter"} and len(ran) == 2 * 4  # only its own trials
    fresh = _cli(env, "run", "--data", "breast-cancer", "--augmenters", "none,smote,jitter",
                 *GRID, "--out", str(tmp_path / "fresh"), "--quiet")
    assert fresh.returncode == 0, fresh.stderr
    every = augbench.load_results(tmp_path / "fresh")
    metrics = list(read_reference(reference).metrics)
    ours = ran[ran["dataset"] == "breast-cancer"].sort_values("seed")
    theirs = every.trials[every.trials["augmenter"] == "jitter"].sort_values("seed")
    for metric in metrics:
        assert np.array_equal(ours[metric].to_numpy(), theirs[metric].to_numpy(),
                              equal_nan=True), metric
    # Paired with the reference's none, seed by seed: the fresh run's comparison, to the bit.
    verdicts = pd.read_csv(board / "verdicts.csv", float_precision="round_trip")
    columns = ["mean_diff", "ci_low", "ci_high", "p_value", "p_adjusted", "wins", "losses"]
    placed_rows = verdicts.query("dataset == 'breast-cancer' and augmenter == 'jitter'") \
        .sort_values("metric").reset_index(drop=True)
    fresh_rows = every.comparisons.query("augmenter == 'jitter' and metric in ('roc_auc', "
                                         "'pr_auc')").sort_values("metric").reset_index(drop=True)
    assert placed_rows["metric"].tolist() == fresh_rows["metric"].tolist()
    for column in columns:
        assert np.array_equal(placed_rows[column].to_numpy(dtype=float),
                              fresh_rows[column].to_numpy(dtype=float), equal_nan=True), column
    assert placed_rows["verdict"].tolist() == fresh_rows["verdict"].tolist()
    # ...and placed among the reference arms across the tables.
    ranks = pd.read_csv(board / "ranks.csv")
    assert set(ranks["augmenter"]) == {"none", "smote", "jitter"}
    assert set(pd.read_csv(board / "bayes.csv")["augmenter"]) == {"smote", "jitter"}


def test_a_reference_made_with_other_versions_is_refused_naming_them(reference: Path,
                                                                     tmp_path: Path) -> None:
    about = json.loads(reference.read_text())
    about["settings"]["untuned"]["versions"]["scikit-learn"] = "0.24.2"
    about["tables"]["pima-diabetes"].update(fingerprint="0123456789abcdef", rows=700)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(about))
    (tmp_path / "other.csv.gz").write_bytes(reference.with_suffix(".csv.gz").read_bytes())
    here = augbench.load_results(reference.parent / "run").versions["scikit-learn"]
    with pytest.raises(augbench.UsageError) as refused:
        run_arms(read_reference(other), ("ros",), tmp_path / "runs")
    message = str(refused.value)
    assert f"scikit-learn 0.24.2 in the reference, {here} here" in message
    assert ("table 'pima-diabetes' reads differently here (768 rows) than in the reference (700 "
            "rows)") in message
    assert not (tmp_path / "runs").exists()  # refused before any trial ran


def test_stored_comparisons_read_back_to_the_bit(reference: Path) -> None:
    from augbench.results.compare import paired_comparisons

    stored = augbench.load_results(reference.parent / "run")
    assert stored.precomputed_comparisons is not None  # read from the store, not recomputed
    again = paired_comparisons(stored.trials, stored.metrics, stored.baseline)
    for column in ["mean_diff", "ci_low", "ci_high", "p_value", "p_adjusted"]:
        assert np.array_equal(stored.comparisons[column].to_numpy(dtype=float),
                              again[column].to_numpy(dtype=float), equal_nan=True), column


def test_the_shipped_reference_covers_its_suites_and_the_page_made_from_it() -> None:
    from augbench.leaderboard.command import board_of_reference, reference_of
    from augbench.leaderboard.reference import BUILT_IN, built_in
    from augbench.leaderboard.render import markdown
    from augbench.registry import default_registry

    assert built_in("rare-disease") == built_in("shared") == BUILT_IN / "medical-v1.json"
    reference = read_reference(BUILT_IN / "medical-v1.json")
    for suite, tables in reference.suites.items():
        assert tables == list(default_registry().get("suites", suite).provided.datasets)
    scores = reference.scores
    assert set(scores["setting"]) == {"untuned", "tuned"} and (scores["status"] == "ok").all()
    seeds = scores.groupby(["setting", "dataset", "size", "classifier", "augmenter"])["seed"]
    assert (seeds.nunique() == 20).all()  # every arm, table, size and classifier: 20 seeds
    untuned = scores[scores["setting"] == "untuned"]
    assert untuned.groupby("dataset")["size"].nunique().drop("new-thyroid").eq(2).all()
    assert set(untuned["augmenter"]) == {"none", "ros", "smote", "cart", "copula", "gan", "ddpm"}
    # docs/leaderboard.md is this reference's page: every line after its introduction.
    board = board_of_reference(reference_of(["rare-disease", "shared"], None),
                               ("roc_auc", "pr_auc"), {})
    page = (Path(__file__).resolve().parents[1] / "docs" / "leaderboard.md").read_text()
    made = markdown(board, images="img/leaderboard").split("\n", 2)[2]
    assert made in page
