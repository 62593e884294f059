"""The prevalence axis: tables thinned to a positive share per seed, reported per prevalence."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main
from augbench.errors import UsageError
from augbench.experiment.protocol import prepare, prevalence_rows, split_indices, split_rows
from augbench.results.identity import config_hash
from augbench.results.row import axes

GRID = dict(augmenters=("smote",), classifiers=("lr",), seeds=3, sizes=(80, 160))


@pytest.fixture(scope="module")
def breast_cancer():
    return augbench.load_dataset("breast-cancer")


def test_thinning_keeps_every_negative_and_nests_the_positives(breast_cancer) -> None:
    y = breast_cancer.y
    for seed in (0, 1):
        previous: set[int] = set()
        for share in (0.02, 0.05, 0.1, 0.3):
            rows = prevalence_rows(y, seed, share)
            assert set(np.flatnonzero(y == 0)) <= set(rows)
            assert abs(y[rows].mean() - share) < 0.5 / len(rows) + 1e-9
            kept = set(rows[y[rows] == 1])
            assert previous <= kept  # a lower prevalence keeps a subset
            previous = kept
    assert not np.array_equal(prevalence_rows(y, 0, 0.05), prevalence_rows(y, 1, 0.05))


def test_the_table_as_it_is_splits_exactly_as_before(breast_cancer) -> None:
    y = breast_cancer.y
    for seed in (0, 3):
        for got, expected in zip(split_rows(y, seed, 0.3), split_indices(y, seed, 0.3)):
            assert np.array_equal(got, expected)


@pytest.mark.parametrize("share", [0.02, 0.05, 0.1])
def test_training_and_test_rows_have_the_prevalence(breast_cancer, share: float) -> None:
    for seed in range(5):
        for size in (100, 200):
            data = prepare(breast_cancer, seed, size, 0.3, share)
            assert abs(data.y_train.mean() - share) <= 0.01, (seed, size)
            assert abs(data.y_test.mean() - share) <= 0.01, (seed, size)
            assert set(data.train_rows).isdisjoint(data.test_rows)


def test_a_run_reports_every_table_per_prevalence(tmp_path: Path) -> None:
    results = augbench.run(prevalence=(0.05, 0.1), out=tmp_path, **GRID)
    trials = results.trials
    assert len(trials) == 3 * 2 * 2 * 2 and trials["status"].eq("ok").all()
    shares = trials["n_train_positive"] / trials["n_train"]
    assert (abs(shares - trials["prevalence"]) <= 0.01).all()
    assert (abs(trials["n_test_positive"] / trials["n_test"] - trials["prevalence"]) <= 0.01).all()
    for table in (results.summary, results.comparisons):
        assert axes(table) == ["dataset", "prevalence", "size"]
        assert set(table["prevalence"]) == {0.05, 0.1}
    # Holm's family is one prevalence, size, classifier and metric: here a single comparison.
    assert (results.comparisons["p_adjusted"] == results.comparisons["p_value"]).all()
    stored = pd.read_csv(tmp_path / "trials.csv")
    assert list(stored.columns[:3]) == ["dataset", "prevalence", "size"]
    # Every size at both prevalences: prevalences compare at equal training sizes.
    assert set(map(tuple, results.summary[["prevalence", "size"]].to_numpy())) == {
        (p, s) for p in (0.05, 0.1) for s in (80, 160)}


def test_runs_without_prevalence_keep_their_tables_and_identity() -> None:
    results = augbench.run(**GRID)
    assert results.trials["prevalence"].isna().all()
    assert "prevalence" not in results.summary and "prevalence" not in results.comparisons
    config = {"seeds": 3, "augmenters": ["none", "smote"]}
    # A store written before the field existed has no "prevalence" key: the same experiment.
    assert config_hash({**config, "prevalence": None}) == config_hash(config)
    assert config_hash({**config, "prevalence": [0.05]}) != config_hash(config)


def test_a_store_written_before_prevalence_resumes_without_rerunning(tmp_path: Path) -> None:
    first = augbench.run(out=tmp_path, **GRID)
    # Rewrite the store as the previous format had it: no prevalence column or field.
    with sqlite3.connect(tmp_path / "results.sqlite") as db:
        rows = db.execute("SELECT dataset, size, seed, augmenter, classifier, status, row "
                          "FROM trials").fetchall()
        db.execute("DROP TABLE trials")
        db.execute("CREATE TABLE trials (dataset TEXT, size INTEGER, seed INTEGER, augmenter TEXT,"
                   " classifier TEXT, status TEXT, row TEXT, "
                   "PRIMARY KEY (dataset, size, seed, augmenter, classifier))")
        for *key, status, row in rows:
            old = {k: v for k, v in json.loads(row).items() if k != "prevalence"}
            db.execute("INSERT INTO trials VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (*key, status, json.dumps(old)))
    seen = []
    second = augbench.run(out=tmp_path, on_trial=seen.append, **GRID)
    assert len(seen) == len(first.trials)
    # Stored timings come back unchanged: no trial ran again.
    assert second.trials["fit_seconds"].tolist() == first.trials["fit_seconds"].tolist()
    with sqlite3.connect(tmp_path / "results.sqlite") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(trials)")]
        assert "prevalence" in columns
        assert db.execute("SELECT COUNT(*) FROM trials").fetchone()[0] == len(first.trials)


@pytest.mark.parametrize("share, message", [
    ((0.5,), "above the positive share of dataset 'breast-cancer' \\(0.373"),
    ((0.0,), "strictly between 0 and 1"),
    ((0.05, 0.05), "names a share twice"),
    ((0.001,), "test split .* holds 0 positive rows"),
])
def test_impossible_prevalences_are_refused_before_any_trial(share, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        augbench.run(prevalence=share, **GRID)


def test_prevalence_on_the_command_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main(["run", "--augmenters", "smote", "--seeds", "2", "--sizes", "100",
                 "--prevalence", "5%,10%", "--out", str(out), "--report"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "thinned per seed to prevalence 5%, 10%" in printed.err
    assert "malignant, 37.3%; given" in printed.err
    assert "prevalence 5% · 100 training rows" in " ".join(printed.out.split())
    assert set(pd.read_csv(out / "summary.csv")["prevalence"]) == {0.05, 0.1}
    assert (out / "plots" / "breast-cancer_roc_auc_difference.png").is_file()
    config = json.loads(sqlite3.connect(out / "results.sqlite").execute(
        "SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    assert config["prevalence"] == [0.05, 0.1]
    assert config["tables"]["breast-cancer"]["positive_chosen"] == "given"
    assert main(["run", "--prevalence", "five", "--out", str(tmp_path / "bad")]) == 2
    assert capsys.readouterr().err.startswith("error: --prevalence: 'five'")
