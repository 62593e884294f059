"""How the ``gan`` defaults were chosen: a small study on the shared medical tables' minorities.

Quality is a two-sample test: for each table and seed, the GAN learns ``TRAIN`` minority rows,
generates as many rows as a held-out set of real minority rows, and a gradient-boosting
classifier tries to tell the two apart (cross-validated ROC-AUC; 0.5 = indistinguishable).
Each setting changes one hyperparameter of the base; reference rows put the numbers in scale:
SMOTE, bootstrap copies of the training rows (a memoriser: the detector's floor at this size),
and columns resampled independently (right marginals, no joint structure).
Part two runs augbench's protocol (lr classifier) with none, smote and the chosen gan.

    python benchmarks/gan_study.py [--seeds 3] [--no-downstream]      # a few minutes on 2 cores
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import augbench

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TABLES = {
    "heart": dict(file="heart_attack_risk.csv", target="Heart Attack Risk",
                  drop=("Patient ID", "Blood Pressure")),
    "stroke": dict(file="stroke.csv", target="stroke", drop=("id",)),
    "pima": dict(file="pima_diabetes.csv", target="Outcome"),
    "cleveland": dict(file="heart_disease_cleveland.csv", target="num",
                      positive=("1", "2", "3", "4")),
}
TRAIN = 120  # minority rows a GAN learns from: augbench's small training sizes give 30-150
BASE: dict[str, Any] = {}  # the GanAugmenter defaults
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "steps=400": dict(steps=400),
    "steps=1000": dict(steps=1000),
    "dims=(32,32)": dict(generator_dims=(32, 32), discriminator_dims=(32, 32)),
    "dims=(128,128)": dict(generator_dims=(128, 128), discriminator_dims=(128, 128)),
    "lr G=D=1e-3, betas=(.5,.9)": dict(generator_lr=1e-3, discriminator_lr=1e-3,
                                       betas=(0.5, 0.9)),
    "lr G=D=2e-4 (DCGAN)": dict(generator_lr=2e-4, discriminator_lr=2e-4),
    "lr G=1e-3, D=4e-3": dict(generator_lr=1e-3, discriminator_lr=4e-3),
    "betas=(.5,.9)": dict(betas=(0.5, 0.9)),
    "batch_size=32": dict(batch_size=32),
    "batch_size=128": dict(batch_size=128),
    "numeric_scaling=minmax": dict(numeric_scaling="minmax"),
    "gumbel_tau=None (softmax)": dict(gumbel_tau=None),
    "gumbel_tau=0.5": dict(gumbel_tau=0.5),
}


def load(name: str) -> augbench.Dataset:
    spec = TABLES[name]
    ds = augbench.read_table(DATA / spec["file"], target=spec["target"],
                             positive=spec.get("positive"), drop=spec.get("drop"))
    # The study needs complete rows; the GAN itself always gets imputed ones from augbench.
    X = ds.X.copy()
    for col in X.columns[X.isna().any().to_numpy()]:
        fill = X[col].mode().iloc[0] if isinstance(X[col].dtype, pd.CategoricalDtype) \
            else X[col].median()
        X[col] = X[col].fillna(fill)
    return augbench.Dataset(ds.name, X, ds.y, ds.positive, ds.source)


def split(ds: augbench.Dataset, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(training minority, held-out minority, majority rows that set how many rows to make)."""
    rng = np.random.default_rng(seed)
    pos = rng.permutation(np.flatnonzero(ds.y == 1))
    n_train = min(TRAIN, len(pos) // 2)
    n_hold = min(len(pos) - n_train, 2 * TRAIN)
    neg = rng.permutation(np.flatnonzero(ds.y == 0))[:n_train + n_hold]
    def rows(idx):
        return ds.X.iloc[idx].reset_index(drop=True)
    return rows(pos[:n_train]), rows(pos[n_train:n_train + n_hold]), rows(neg)


def fit_input(train: pd.DataFrame, majority: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Training minority plus majority rows: at ratio 1 an augmenter adds len(majority) - len(train)."""
    X = pd.concat([train, majority], ignore_index=True)
    return X, np.r_[np.ones(len(train)), np.zeros(len(majority))].astype(np.int8)


def detection_auc(real: pd.DataFrame, synthetic: pd.DataFrame, seed: int) -> float:
    """Cross-validated ROC-AUC of a classifier separating real from synthetic rows."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import cross_val_score

    X = pd.concat([real, synthetic], ignore_index=True)
    y = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    clf = HistGradientBoostingClassifier(max_iter=100, categorical_features="from_dtype",
                                         random_state=seed)
    return float(cross_val_score(clf, X, y, cv=3, scoring="roc_auc").mean())


def gan_rows(params: dict[str, Any], splits: list, seeds: list[int]) -> list[pd.DataFrame]:
    """Generated rows of each split, all seeds trained as one batch."""
    inputs = [fit_input(train, majority) for train, _, majority in splits]
    outputs = augbench.get_augmenter("gan", **params).fit_resample_many(
        [X for X, _ in inputs], [y for _, y in inputs], seeds)
    return [X_res.iloc[len(X):] for (X, _), (X_res, _) in zip(inputs, outputs)]


def reference_rows(kind: str, train: pd.DataFrame, majority: pd.DataFrame, n: int,
                   seed: int) -> pd.DataFrame:
    """``n`` rows of a reference method: smote, copies (bootstrap) or independent columns."""
    if kind == "smote":
        X, y = fit_input(train, majority)
        X_res, _ = augbench.get_augmenter("smote", random_state=seed).fit_resample(X, y)
        return X_res.iloc[len(X):]
    rng = np.random.default_rng(seed)
    if kind == "copies":
        return train.iloc[rng.integers(0, len(train), n)]
    return pd.DataFrame({c: train[c].to_numpy()[rng.integers(0, len(train), n)]
                         for c in train.columns}).astype(train.dtypes.to_dict())


REFERENCES = ("smote", "copies", "independent")


def reference_table_rows(tables: list[str], splits: dict, seeds: list[int],
                         time_column: str) -> list[dict[str, Any]]:
    """One row per reference method (``[ref] smote``...): its mean detection AUC per table,
    no time (``time_column`` NaN), as every study prints it beside the settings it tries."""
    rows = []
    for kind in REFERENCES:
        row: dict[str, Any] = {"setting": f"[ref] {kind}", time_column: float("nan")}
        for table in tables:
            row[table] = float(np.mean([
                detection_auc(hold, reference_rows(kind, train, majority, len(hold), s), s)
                for (train, hold, majority), s in zip(splits[table], seeds)]))
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Columns:
    """How a study prints its rows: the setting, one detection AUC per table, their mean, and
    the cost of a fit (row key ``cost``, headed ``cost_header``)."""

    width: int
    cost: str
    cost_header: str
    cost_width: int = 9
    cost_digits: int = 1

    def header(self, tables: list[str]) -> str:
        return (f"{'setting':<{self.width}}" + "".join(f"{t:>11}" for t in tables)
                + f"{'mean':>9}{self.cost_header:>{self.cost_width}}")

    def line(self, row: dict[str, Any], tables: list[str]) -> str:
        mean = np.mean([row[t] for t in tables])
        cells = "".join(f"{row[t]:>11.3f}" for t in tables)
        return (f"{row['setting']:<{self.width}}{cells}{mean:>9.3f}"
                f"{row[self.cost]:>{self.cost_width}.{self.cost_digits}f}")


def with_references(rows: list[dict[str, Any]], tables: list[str], splits: dict,
                    seeds: list[int], columns: Columns) -> pd.DataFrame:
    """``rows`` and the reference methods' rows, printed as they come, as one frame."""
    for row in reference_table_rows(tables, splits, seeds, columns.cost):
        rows.append(row)
        print(columns.line(row, tables), flush=True)
    return pd.DataFrame(rows)


COLUMNS = Columns(28, "seconds", "train s")


def study(tables: list[str], seeds: list[int]) -> pd.DataFrame:
    data = {name: load(name) for name in tables}
    splits = {name: [split(ds, s) for s in seeds] for name, ds in data.items()}
    rows = []
    for label, params in SETTINGS.items():
        row: dict[str, Any] = {"setting": label, "seconds": 0.0}
        for name in tables:
            start = time.perf_counter()
            made = gan_rows(params, splits[name], seeds)
            row["seconds"] += time.perf_counter() - start
            row[name] = np.mean([detection_auc(hold, syn, s) for (_, hold, _), syn, s
                                 in zip(splits[name], made, seeds)])
        rows.append(row)
        print(COLUMNS.line(row, tables), flush=True)
    return with_references(rows, tables, splits, seeds, COLUMNS)


def downstream(tables: list[str], seeds: int) -> pd.DataFrame:
    """augbench's protocol with the lr classifier: none, smote and the default gan."""
    specs = tuple(augbench.DataSpec(source=str(DATA / TABLES[t]["file"]),
                                    target=TABLES[t]["target"],
                                    positive=TABLES[t].get("positive"),
                                    drop=TABLES[t].get("drop", ())) for t in tables)
    results = augbench.run(data=specs, augmenters=("none", "smote", "gan"), classifiers=("lr",),
                           seeds=seeds, sizes=(100, 200))
    trials = results.trials
    failed = trials[trials.status != "ok"]
    for (dataset, seed), rows in failed.groupby(["dataset", "seed"]):
        print(f"  {len(rows)} failed trials ({dataset}, seed {seed}, every augmenter): "
              f"{rows.error.iloc[0][:90]}")
    return trials[trials.status == "ok"].groupby(["dataset", "size", "augmenter"])[
        ["recall", "balanced_accuracy", "roc_auc", "pr_auc", "augment_seconds"]].mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per table (default 3)")
    parser.add_argument("--no-downstream", action="store_true", help="skip part two")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} is absent: the study needs the shared medical tables.")
    tables = list(TABLES)
    print(f"Detection ROC-AUC, real held-out minority vs synthetic (0.5 = indistinguishable); "
          f"{TRAIN} training minority rows, {args.seeds} seeds per table")
    print(COLUMNS.header(tables))
    study(tables, list(range(args.seeds)))
    if not args.no_downstream:
        pd.set_option("display.width", 120)
        print("\nDownstream (augbench protocol, lr, sizes 100 and 200, "
              f"{args.seeds * 2} seeds): means")
        print(downstream(tables, args.seeds * 2).round(3).to_string())


if __name__ == "__main__":
    main()
