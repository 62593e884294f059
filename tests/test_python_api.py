"""The Python API takes what a notebook holds: DataFrames, (X, y) pairs, Datasets, dicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main

SMALL = {"augmenters": "none,smote", "classifiers": "lr", "seeds": 2, "sizes": (100,)}


def _table(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + rng.normal(scale=1.0, size=n) > 1.4).astype(int)
    return pd.DataFrame(X, columns=["age", "bmi", "glucose", "pressure"]).assign(y=y)


def test_a_dataframe_gives_the_numbers_of_the_same_table_read_from_a_file(tmp_path: Path) -> None:
    df = _table()
    by_frame = augbench.run(data=df, target="y", **SMALL)
    df.to_csv(tmp_path / "table.csv", index=False)
    assert main(["run", "--data", str(tmp_path / "table.csv"), "--target", "y",
                 "--augmenters", "none,smote", "--classifiers", "lr", "--seeds", "2",
                 "--sizes", "100", "--quiet", "--out", str(tmp_path / "cli")]) == 0
    by_file = augbench.load_results(tmp_path / "cli")
    assert len(by_frame.trials) == 4
    assert set(by_frame.trials["dataset"]) == {"dataframe"}
    for column in ("roc_auc", "recall", "n_train", "n_train_positive", "mia_density_auc"):
        np.testing.assert_array_equal(by_frame.trials[column], by_file.trials[column])


def test_x_y_pairs_datasets_and_dicts_run_as_the_dataframe_does() -> None:
    df = _table()
    reference = augbench.run(data=df, target="y", **SMALL).trials["roc_auc"].tolist()
    X, y = df.drop(columns="y"), df["y"]
    assert augbench.run(data=(X, y), **SMALL).trials["roc_auc"].tolist() == reference
    # A bare array and labels: columns are named x0.. and the target 'target'.
    assert augbench.run(data=(X.to_numpy(), y.to_numpy()), **SMALL)\
        .trials["roc_auc"].tolist() == reference
    dataset = augbench.prepare_table(df, target="y", name="mine")
    by_dataset = augbench.run(data=dataset, **SMALL).trials
    assert set(by_dataset["dataset"]) == {"mine"}
    assert by_dataset["roc_auc"].tolist() == reference
    both = augbench.run(data={"first": df, "second": _table(seed=1)}, target="y", **SMALL)
    assert sorted(set(both.trials["dataset"])) == ["first", "second"]
    assert both.trials.query("dataset == 'first'")["roc_auc"].tolist() == reference


def test_a_table_in_memory_beside_a_named_dataset(shared_data: Path) -> None:
    mine = augbench.prepare_table(_table(), target="y", name="mine")
    mixed = augbench.run(data=["pima-diabetes", mine], **SMALL)
    assert sorted(set(mixed.trials["dataset"])) == ["mine", "pima-diabetes"]


@pytest.mark.parametrize("keywords, keyword", [
    ({"data": 42}, "data"),
    ({"data": _table()}, "target="),
    ({"data": (np.zeros((5, 2)), np.zeros(4))}, "data=\\(X, y\\)"),
    ({"data": {"mine": "pima-diabetes"}}, "a dict names tables"),
    ({"params": {"smote": 3}}, "params"),
    ({"params": ["smote"]}, "params"),
    ({"sizes": "many"}, "sizes"),
    ({"seeds": [1, 2]}, "seeds"),
    ({"ratio": "half"}, "ratio"),
    ({"augmenters": 7}, "unknown augmenter .7.. Available"),
    ({"data": augbench.DataSpec(), "target": "y"}, "a DataSpec carries its own"),
])
def test_a_wrong_keyword_is_one_usage_error_naming_it(keywords: dict, keyword: str) -> None:
    with pytest.raises(augbench.UsageError, match=keyword):
        augbench.run(**{**SMALL, **keywords})


def test_strings_and_numbers_are_taken_as_the_command_line_takes_them() -> None:
    df = _table()
    as_text = augbench.run(data=df, target="y", augmenters="none, smote", classifiers="lr",
                           seeds="2", sizes="100", ratio="1.0").trials
    assert as_text["roc_auc"].tolist() == augbench.run(data=df, target="y", **SMALL)\
        .trials["roc_auc"].tolist()


def test_a_folder_of_a_dataframe_reuses_its_trials_and_keeps_no_options_file(
        tmp_path: Path) -> None:
    df = _table()
    first = augbench.run(data=df, target="y", out=tmp_path / "run", **SMALL)
    assert (tmp_path / "run" / "trials.csv").is_file()
    # No file of options can name a table held in memory.
    assert not (tmp_path / "run" / "config.toml").exists()
    again = augbench.run(data=df, target="y", out=tmp_path / "run", **SMALL)
    assert again.reused == len(first.trials)
    changed = df.assign(y=1 - df["y"])
    with pytest.raises(augbench.UsageError, match="another experiment \\(changed: tables\\)"):
        augbench.run(data=changed, target="y", out=tmp_path / "run", **SMALL)
