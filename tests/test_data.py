"""Reading tables: targets, positives, missing values, categoricals, and the real medical tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.errors import UsageError


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text)
    return path


def test_csv_with_missing_tokens_text_columns_and_default_positive(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id,age,sex,bmi,out\n1,50,F,?,no\n2,NA,M,30,yes\n3,61,F,N/A,no\n"
                          "4,,M,22,no\n5,40,F,25,yes\n6,44,M,26,no\n")
    ds = augbench.load_dataset(path, target="out", drop="id")
    assert list(ds.X.columns) == ["age", "sex", "bmi"]
    assert ds.positive == "yes" and ds.y.tolist() == [0, 1, 0, 0, 1, 0]
    assert ds.X["age"].isna().sum() == 2 and ds.X["bmi"].isna().sum() == 2
    assert isinstance(ds.X["sex"].dtype, pd.CategoricalDtype)
    assert ds.X["bmi"].dtype.kind == "f"


def test_positive_labels_and_categorical_codes(tmp_path: Path) -> None:
    path = _csv(tmp_path, "cp,num\n1,0\n2,1\n3,2\n1,0\n2,4\n3,0\n")
    ds = augbench.load_dataset(path, target="num", positive="1,2,3,4", categorical="cp")
    assert ds.y.tolist() == [0, 1, 1, 0, 1, 0]
    assert isinstance(ds.X["cp"].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize("kwargs, message", [
    (dict(target="outcome"), "target column 'outcome' not found .* Columns: a, y"),
    (dict(target="y", positive="maybe"), "--positive value\\(s\\) maybe never occur"),
    (dict(target="y", drop="b"), "column 'b' .* not found"),
    (dict(target=None), "add --target"),
])
def test_bad_table_options_are_usage_errors(tmp_path: Path, kwargs, message) -> None:
    path = _csv(tmp_path, "a,y\n1,0\n2,1\n3,0\n4,1\n")
    with pytest.raises(UsageError, match=message):
        augbench.load_dataset(path, **kwargs)


def test_unknown_dataset_name_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="unknown dataset 'heart'. Available: .*breast-cancer"):
        augbench.load_dataset("heart")


def test_embedded_default_has_malignant_as_positive_minority() -> None:
    ds = augbench.load_dataset("breast-cancer")
    assert ds.X.shape == (569, 30) and int(ds.y.sum()) == 212 and ds.positive == "malignant"


SHARED = [  # file, options, rows, positives (from ../shared/data/README.md)
    ("heart_attack_risk.csv", dict(target="Heart Attack Risk", drop="Patient ID,Blood Pressure"),
     8763, 3139),
    ("pima_diabetes.csv", dict(target="Outcome"), 768, 268),
    ("stroke.csv", dict(target="stroke", drop="id"), 5110, 249),
    ("heart_disease_cleveland.csv", dict(target="num", positive="1,2,3,4"), 303, 139),
]


@pytest.mark.parametrize("name, options, rows, positives", SHARED, ids=[s[0] for s in SHARED])
def test_shared_medical_tables_load(shared_data: Path, name, options, rows, positives) -> None:
    ds = augbench.load_dataset(shared_data / name, **options)
    assert len(ds.X) == rows and int(ds.y.sum()) == positives
    assert all(ds.X[c].dtype.kind in "iuf" for c in ds.X.columns if c not in ds.categorical_columns)


def test_stroke_missing_bmi_and_categoricals(shared_data: Path) -> None:
    ds = augbench.load_dataset(shared_data / "stroke.csv", target="stroke", drop="id")
    assert ds.X["bmi"].isna().sum() == 201
    assert {"gender", "smoking_status", "work_type"} <= set(ds.categorical_columns)


def test_smote_runs_on_stroke_with_categoricals_and_missing_values(shared_data: Path) -> None:
    res = augbench.run(data=(augbench.DataSpec(str(shared_data / "stroke.csv"), target="stroke",
                                               drop=("id",)),),
                       augmenters=("none", "smote"), classifiers=("lr",), seeds=2, sizes=(300,))
    assert (res.trials["status"] == "ok").all(), res.trials["error"].tolist()
    smote = res.trials[res.trials.augmenter == "smote"]
    assert (smote["n_train_positive"] + smote["n_synthetic"]
            == smote["n_train"] - smote["n_train_positive"]).all()
    assert np.isfinite(res.trials["roc_auc"]).all()


NAMED = [("heart-attack-risk", "heart_attack_risk.csv", 8763, 3139),
         ("stroke", "stroke.csv", 5110, 249), ("pima-diabetes", "pima_diabetes.csv", 768, 268),
         ("heart-disease-cleveland", "heart_disease_cleveland.csv", 303, 139)]


@pytest.mark.parametrize("name, file, rows, positives", NAMED, ids=[n[0] for n in NAMED])
def test_named_medical_tables(shared_data: Path, name, file, rows, positives) -> None:
    ds = augbench.load_dataset(name, path=str(shared_data / file))
    assert len(ds.X) == rows and int(ds.y.sum()) == positives
    assert all(ds.X[c].dtype.kind in "iuf" for c in ds.X.columns if c not in ds.categorical_columns)


def test_heart_attack_risk_splits_blood_pressure(shared_data: Path) -> None:
    ds = augbench.load_dataset("heart-attack-risk", path=str(shared_data / "heart_attack_risk.csv"))
    assert ds.X.loc[0, "Systolic BP"] == 158 and ds.X.loc[0, "Diastolic BP"] == 88
    assert "Patient ID" not in ds.X and "Blood Pressure" not in ds.X
    assert {"Sex", "Diet", "Country", "Continent", "Hemisphere"} <= set(ds.categorical_columns)


def test_a_named_table_given_a_missing_local_copy_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="absent.csv not found: .*leave path out to download"):
        augbench.load_dataset("heart-attack-risk", path=str(tmp_path / "absent.csv"))
    with pytest.raises(UsageError, match="absent.csv not found: .*leave path out to download"):
        augbench.load_dataset("stroke", path=str(tmp_path / "absent.csv"))


def _real_tables(shared_data: Path) -> list[tuple[Path, str, str | None]]:
    """Every real table with its target and positive values (the suite's from its tables.tsv)."""
    tables = [(shared_data / "heart_attack_risk.csv", "Heart Attack Risk", None),
              (shared_data / "pima_diabetes.csv", "Outcome", None),
              (shared_data / "stroke.csv", "stroke", None),
              (shared_data / "heart_disease_cleveland.csv", "num", "1,2,3,4")]
    suite = shared_data.parent / "suite" / "tables.tsv"
    if suite.is_file():
        listed = pd.read_csv(suite, sep="\t", dtype=str)
        tables += [(suite.parent / row.file, row.target, row.positive)
                   for row in listed.itertuples()]
    return tables


def test_real_tables_read_as_pandas_reads_them(shared_data: Path) -> None:
    """No notation of exported numbers applies to the real tables: every column pandas reads as
    numbers is read unchanged, every other one is a category of its stripped text."""
    from augbench.defaults import DEFAULT_NA_VALUES

    for path, target, positive in _real_tables(shared_data):
        ds = augbench.load_dataset(path, target=target, positive=positive)
        frame = pd.read_csv(path, na_values=list(DEFAULT_NA_VALUES), keep_default_na=False,
                            skipinitialspace=True).drop(columns=target)
        assert list(ds.X.columns) == list(frame.columns), path.name
        for col in frame.columns:
            if frame[col].dtype.kind in "iuf":
                pd.testing.assert_series_equal(ds.X[col], frame[col], obj=f"{path.name}:{col}")
            else:
                assert isinstance(ds.X[col].dtype, pd.CategoricalDtype), (path.name, col)
                assert ds.X[col].astype("string").equals(
                    frame[col].astype("string").str.strip()), (path.name, col)
        assert not [n for n in ds.notes if "read as numbers" in n or "missing values" in n]
