"""Four public medical tables as named datasets, read from a local copy, and as one suite.

No table is shipped or downloaded: each reads the file given as ``path``
(``--set NAME.path=FILE`` on the command line), by default ``../shared/data/<file>`` where that
exists, and otherwise says where the original is published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import augbench

DEFAULT_FOLDER = Path("..") / "shared" / "data"


def _locate(name: str, path: str | None, file: str, source: str) -> Path:
    found = Path(path) if path else DEFAULT_FOLDER / file
    if not found.is_file():
        raise augbench.UsageError(
            f"{found} not found: this dataset reads a local copy of {source}. Download it and "
            f"give its path with --set {name}.path=FILE (Python: path=...).")
    return found


def heart_attack_risk(path: str | None = None) -> Any:
    """Kaggle heart-attack risk (8,763 x 26, the GAN-vs-SMOTE paper's table); blood pressure split."""
    import pandas as pd

    file = _locate("heart-attack-risk", path, "heart_attack_risk.csv",
                   "Kaggle's 'Heart Attack Risk Prediction Dataset' (Sourav Banerjee), "
                   "heart_attack_prediction_dataset.csv")
    frame = pd.read_csv(file)
    # "158/88" carries two numbers; as text it would be a category with hundreds of levels.
    pressure = frame.pop("Blood Pressure").str.split("/", expand=True).astype(float)
    frame.insert(4, "Systolic BP", pressure[0])
    frame.insert(5, "Diastolic BP", pressure[1])
    return augbench.prepare_table(frame, target="Heart Attack Risk", positive="1",
                                  drop="Patient ID", name="heart-attack-risk", source=str(file))


def stroke(path: str | None = None) -> Any:
    """Kaggle stroke prediction (5,110 rows, 4.9% strokes); bmi 'N/A' read as missing."""
    file = _locate("stroke", path, "stroke.csv", "Kaggle's 'Stroke Prediction Dataset' (fedesoriano), "
                   "healthcare-dataset-stroke-data.csv")
    return augbench.read_table(file, target="stroke", positive="1", drop="id",
                               categorical="hypertension,heart_disease", name="stroke")


def pima_diabetes(path: str | None = None) -> Any:
    """Pima Indians diabetes (768 rows); zeros in five measurements read as missing."""
    import numpy as np

    file = _locate("pima-diabetes", path, "pima_diabetes.csv", "the UCI / NIDDK Pima Indians Diabetes table, "
                   "diabetes.csv")
    dataset = augbench.read_table(file, target="Outcome", positive="1", name="pima-diabetes")
    # A glucose, blood pressure, skin fold, insulin or BMI of zero is a missing measurement.
    for column in ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI"):
        dataset.X[column] = dataset.X[column].replace(0, np.nan)
    return dataset


def heart_disease_cleveland(path: str | None = None) -> Any:
    """UCI heart disease, Cleveland (303 rows); positive = any disease (num 1-4)."""
    file = _locate("heart-disease-cleveland", path, "heart_disease_cleveland.csv",
                   "UCI's Heart Disease data set, processed.cleveland.data with a header line")
    return augbench.read_table(file, target="num", positive="1,2,3,4",
                               categorical="sex,cp,fbs,restecg,exang,slope,thal",
                               name="heart-disease-cleveland")


@augbench.hookimpl
def augbench_datasets() -> dict:
    return {"heart-attack-risk": heart_attack_risk, "stroke": stroke,
            "pima-diabetes": pima_diabetes, "heart-disease-cleveland": heart_disease_cleveland}


@augbench.hookimpl
def augbench_suites() -> dict:
    # The four tables the studies in docs/ compare methods on, in the order they list them.
    return {"shared": augbench.Suite(
        ("stroke", "pima-diabetes", "heart-disease-cleveland", "heart-attack-risk"),
        version="1", description="four public medical tables, 4.9% to 46% positive, 303 to "
                                 "8,763 rows")}
