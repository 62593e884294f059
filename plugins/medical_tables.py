"""Four public medical tables as named datasets, downloaded on first use, and as one suite.

Each is a public copy pinned to one commit, verified by its SHA-256 and kept in the data home
(see `augbench.fetch_file`); ``path`` (``--set NAME.path=FILE``) reads a local copy instead.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from augbench_plugins.remote_tables import Table, github, with_header

import augbench

NOT_VERIFIED = "not stated by the source; for testing and benchmarking"


def _zeros_missing(dataset: Any) -> Any:
    import numpy as np

    # A glucose, blood pressure, skin fold, insulin or BMI of zero is a missing measurement.
    for column in ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI"):
        dataset.X[column] = dataset.X[column].replace(0, np.nan)
    return dataset


STROKE = Table(
    "stroke", "Kaggle stroke prediction (5,110 rows, 4.9% strokes); bmi 'N/A' read as missing.",
    github("ViaKepesi/kaggle_healthcare_dataset_stroke_data",
           "c1e09430dbad6a4334d252ee366dfc4220853b7c", "healthcare-dataset-stroke-data.csv",
           "stroke.csv", "a04132178c7281077beea6f3c4ed06e44f7ef60276c5d38df907cbf6e8bcb04d"),
    target="stroke", positive="1", drop="id", categorical="hypertension,heart_disease",
    licence=NOT_VERIFIED, citation="fedesoriano (2021), Stroke Prediction Dataset, Kaggle",
    url="https://www.kaggle.com/datasets/fedesoriano/stroke-prediction-dataset")
PIMA = Table(
    "pima-diabetes", "Pima Indians diabetes (768 rows); zeros in five measurements read as "
    "missing.",
    github("9925104006-cpu/Pima-Indians-Diabetes-Dataset",
           "e126df09099263db062a8f7c50abecafcef49337", "diabetes.csv", "pima_diabetes.csv",
           "b78029447fae2743b3218bb2b76ef0d04afe8d7e55ce2faf4d1ec82d8f8ae8ac"),
    target="Outcome", positive="1", finish=_zeros_missing, licence=NOT_VERIFIED,
    citation="Smith J. W. et al. (1988), Proc Annu Symp Comput Appl Med Care: 261; National "
    "Institute of Diabetes and Digestive and Kidney Diseases",
    url="https://www.kaggle.com/datasets/uciml/pima-indians-diabetes-database")
CLEVELAND = Table(
    "heart-disease-cleveland", "UCI heart disease, Cleveland (303 rows); positive = any "
    "disease (num 1-4).",
    github("Davi-SB/Heart-Disease-Predictor", "be69fabe1ef6c3cec8f22c0fc3809d8b6f852f89",
           "data/processed.cleveland.csv", "heart_disease_cleveland.csv",
           "a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8"),
    target="num", positive="1,2,3,4", categorical="sex,cp,fbs,restecg,exang,slope,thal",
    # processed.cleveland.data has no header: UCI's attribute names.
    convert=with_header("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach",
                        "exang", "oldpeak", "slope", "ca", "thal", "num"),
    prepared="a5195b7562ca4f48bda400649bfee2a7d7ed70ff72fb5cc0c486c68fd68f7f62",
    licence="CC BY 4.0", citation="Janosi A., Steinbrunn W., Pfisterer M., Detrano R. (1988), "
    "Heart Disease, UCI Machine Learning Repository #45",
    url="https://archive.ics.uci.edu/dataset/45/heart+disease")
HEART_ATTACK = Table(
    "heart-attack-risk", "Kaggle heart-attack risk (8,763 x 26, the GAN-vs-SMOTE paper's "
    "table); blood pressure split.",
    github("alperrkilic/heart-attack-prediction", "d839a7be8a33625a038864d78d4b3cad55bc49d3",
           "heart_attack_prediction_dataset.csv", "heart_attack_risk.csv",
           "13b6ca068623bcdb0bdd91502b55948ec7700bfdb3980544e939710fcf544fcf"),
    target="Heart Attack Risk", positive="1", drop="Patient ID", licence=NOT_VERIFIED,
    citation="Sourav Banerjee (2023), Heart Attack Risk Prediction Dataset, Kaggle "
    "(reported to be machine-generated)",
    url="https://www.kaggle.com/datasets/iamsouravbanerjee/heart-attack-prediction-dataset")


def heart_attack_risk(path: str | None = None) -> Any:
    """Kaggle heart-attack risk (8,763 x 26, the GAN-vs-SMOTE paper's table); blood pressure split."""
    import pandas as pd

    file = Path(path) if path else HEART_ATTACK.file()
    if not file.is_file():
        raise augbench.UsageError(f"{file} not found: give the path of a copy of "
                                  "heart-attack-risk's table, or leave path out to download it.")
    frame = pd.read_csv(file)
    # "158/88" carries two numbers; as text it would be a category with hundreds of levels.
    pressure = frame.pop("Blood Pressure").str.split("/", expand=True).astype(float)
    frame.insert(4, "Systolic BP", pressure[0])
    frame.insert(5, "Diastolic BP", pressure[1])
    dataset = augbench.prepare_table(frame, target="Heart Attack Risk", positive="1",
                                     drop="Patient ID", name="heart-attack-risk",
                                     source=str(file) if path else HEART_ATTACK.raw.url)
    return dataclasses.replace(dataset, licence=HEART_ATTACK.licence,
                               citation=HEART_ATTACK.citation)


heart_attack_risk.licence, heart_attack_risk.citation = HEART_ATTACK.licence, HEART_ATTACK.citation
heart_attack_risk.files = (HEART_ATTACK.raw,)


@augbench.hookimpl
def augbench_datasets() -> dict:
    return {"heart-attack-risk": heart_attack_risk, "stroke": STROKE.factory(),
            "pima-diabetes": PIMA.factory(), "heart-disease-cleveland": CLEVELAND.factory()}


@augbench.hookimpl
def augbench_suites() -> dict:
    # The four tables the studies in docs/ compare methods on, in the order they list them.
    return {"shared": augbench.Suite(
        ("stroke", "pima-diabetes", "heart-disease-cleveland", "heart-attack-risk"),
        version="1", description="four public medical tables, 4.9% to 46% positive, 303 to "
                                 "8,763 rows")}
