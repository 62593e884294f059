"""A run of several tables read across them: on how many tables each method is better,
practically equivalent, worse or undecided; and sizes a small table of a suite cannot give."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import augbench
from augbench.registry import default_registry
from augbench.results.compare import across_tables


def _comparison(dataset: str, size: int, metric: str, verdict: str) -> dict:
    return {"dataset": dataset, "size": size, "classifier": "lr", "augmenter": "smote",
            "metric": metric, "verdict": verdict}


def test_each_table_counts_once_at_its_largest_size() -> None:
    metrics = default_registry().metrics(["roc_auc", "brier"])
    rows = [
        _comparison("a", 100, "roc_auc", "worse"),  # a smaller size: not counted
        _comparison("a", 200, "roc_auc", "better"),
        _comparison("b", 200, "roc_auc", "worse"),
        _comparison("c", 150, "roc_auc", "undecided"),
        _comparison("d", 150, "roc_auc", "equivalent"),
        _comparison("a", 200, "brier", "equivalent"),
        _comparison("b", 200, "brier", "equivalent"),
        _comparison("c", 150, "brier", "worse"),
        _comparison("d", 150, "brier", "worse"),
    ]
    counts = across_tables(pd.DataFrame(rows), metrics).set_index("metric")
    columns = ["tables", "better", "equivalent", "worse", "undecided"]
    assert counts.loc["roc_auc", columns].tolist() == [4, 1, 1, 1, 1]
    assert counts.loc["brier", columns].tolist() == [4, 0, 2, 2, 0]
    # One table: nothing to count across.
    assert across_tables(pd.DataFrame(rows[:2]), metrics).empty


def _small(path: Path, rows: int = 60) -> Path:
    frame = augbench.load_dataset("breast-cancer").X.iloc[:rows].copy()
    frame["y"] = augbench.load_dataset("breast-cancer").y[:rows]
    frame.to_csv(path, index=False)
    return path


def test_a_size_beyond_a_small_tables_pool_runs_there_at_its_whole_pool(tmp_path: Path,
                                                                       recwarn) -> None:
    small = _small(tmp_path / "small.csv")
    grid = dict(augmenters="none,smote", classifiers="lr", seeds=2, sizes=(100,))
    results = augbench.run(data=["breast-cancer", str(small)], target="y", **grid)
    sizes = results.trials.groupby("dataset")["size"].unique().to_dict()
    assert sizes["breast-cancer"].tolist() == [100] and sizes["small"].tolist() == [42]
    assert any("dataset 'small' has a training pool of 42 rows, so size 100 runs there at 42"
               in str(w.message) for w in recwarn)
    # A run of one table still refuses a size it cannot give.
    with pytest.raises(augbench.UsageError, match="training size 100 does not fit dataset"):
        augbench.run(data=str(small), target="y", **grid)


def test_a_default_size_beyond_the_pool_is_left_out_with_a_note(tmp_path: Path, capsys) -> None:
    from augbench.cli import main

    assert main(["run", "--seeds", "2", "--out", str(tmp_path / "run"), "--quiet"]) == 0
    assert ("note: dataset 'breast-cancer' has a training pool of 398 rows, so the default size "
            "400 is left out: it runs 100, 200 and the whole pool (398); give --sizes to choose "
            "others.") in capsys.readouterr().err
    small = _small(tmp_path / "small.csv", rows=120)
    with pytest.warns(augbench.AugbenchWarning, match="default sizes 100, 200, 400 are left "
                      r"out: it runs the whole pool only \(84\)"):
        augbench.run(data=str(small), target="y", seeds=2, augmenters="none")
