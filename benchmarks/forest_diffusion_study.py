"""How the ``forest-diffusion`` defaults were chosen: quality against cost on the shared tables.

The same two-sample test as ``gan_study.py`` and ``ddpm_study.py`` (whose data handling it
reuses): for each table and seed, the model learns ``TRAIN`` minority rows (fewer where the
minority is small), generates as many rows as a held-out set of real minority rows, and a
gradient-boosting classifier tries to tell the two apart (cross-validated ROC-AUC; 0.5 =
indistinguishable, lower is better). Each setting changes one parameter of the defaults; the
library's own defaults (the paper's: 50 noise levels, 100 copies, depth-7 trees) and reference
rows (cart, SMOTE, bootstrap copies of the training rows, independently resampled columns) put
the numbers in scale. Cost is CPU seconds per fit (one thread), so that a busy machine does not
inflate it.

    python benchmarks/forest_diffusion_study.py [--seeds 2] [--tables pima,cleveland,stroke]

Needs the optional extra: ``pip install 'augbench[forest]'``.

What it found (2 seeds; 120 minority rows of pima and stroke, 69 of cleveland; CPU s per fit):

    setting                   pima  cleveland  stroke   mean  cpu s/fit
    defaults                 0.773      0.596   0.614  0.661        4.8
    n_estimators=100         0.742      0.618   0.611  0.657        9.6
    n_t=10, n_est=100        0.819      0.552   0.684  0.685        4.6
    max_depth=7, n_est=100   0.728      0.615   0.615  0.653       37.0
    diffusion_type=vp        0.753      0.589   0.632  0.658        5.1
    [ref] cart               0.645      0.614   0.634  0.631        0.02
    [ref] smote              0.707      0.895   0.828  0.810
    [ref] copies             0.740      0.576   0.582  0.632
    [ref] independent        0.738      0.616   0.616  0.656

Every forest setting but ``n_t=10`` lies within 0.01 of the others, about what seeds move them,
so the defaults take the cheapest: 50 rounds rather than 100 halves the cost for nothing lost,
and depth-7 trees cost four times as much for nothing gained; ten levels instead of twenty
lost on two tables of three. At these sizes the detector barely beats bootstrap copies or
independent columns for any method, SMOTE aside. ``duplicate_K=30`` and the library's defaults
(about three and thirty times the cost) were not run for these figures. The cost grows
with the columns after one-hot coding (each is one XGBoost output): 4-10 s here, 68 s on the
heart-attack-risk minority, whose 20 countries alone make 19 of them.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd
from gan_study import DATA, TABLES, Columns, detection_auc, fit_input, load, split, with_references

import augbench

SETTINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "defaults": ("forest-diffusion", {}),  # n_t=20, duplicate_K=10, max_depth=4, n_estimators=50
    "n_estimators=100": ("forest-diffusion", dict(n_estimators=100)),
    "n_t=10, n_est=100": ("forest-diffusion", dict(n_t=10, n_estimators=100)),
    "max_depth=7, n_est=100": ("forest-diffusion", dict(max_depth=7, n_estimators=100)),
    "duplicate_K=30": ("forest-diffusion", dict(duplicate_K=30)),
    "diffusion_type=vp": ("forest-diffusion", dict(diffusion_type="vp")),
    "library defaults": ("forest-diffusion", dict(n_t=50, duplicate_K=100, max_depth=7,
                                                  n_estimators=100)),
    "[ref] cart": ("cart", {}),
}
DEFAULT_SETTINGS = [s for s in SETTINGS if s != "library defaults"]


def generated(name: str, params: dict[str, Any], train: pd.DataFrame, majority: pd.DataFrame,
              seed: int) -> tuple[pd.DataFrame, float]:
    """The rows one fit adds to ``train``, and the CPU seconds it took."""
    X, y = fit_input(train, majority)
    augmenter = augbench.get_augmenter(name, random_state=seed, **params)
    start = time.process_time()
    with augbench.single_threaded():
        X_res, _ = augmenter.fit_resample(X, y)
    return X_res.iloc[len(X):], time.process_time() - start


COLUMNS = Columns(22, "cpu s/fit", "cpu s/fit", cost_width=11, cost_digits=2)


def study(tables: list[str], seeds: list[int], settings: list[str]) -> pd.DataFrame:
    data = {name: load(name) for name in tables}
    splits = {name: [split(ds, s) for s in seeds] for name, ds in data.items()}
    rows = []
    for label in settings:
        name, params = SETTINGS[label]
        row: dict[str, Any] = {"setting": label}
        seconds = []
        for table in tables:
            aucs = []
            for (train, hold, majority), seed in zip(splits[table], seeds):
                made, cpu = generated(name, params, train, majority, seed)
                seconds.append(cpu)
                aucs.append(detection_auc(hold, made, seed))
            row[table] = float(np.mean(aucs))
        row["cpu s/fit"] = float(np.mean(seconds))
        rows.append(row)
        print(COLUMNS.line(row, tables), flush=True)
    return with_references(rows, tables, splits, seeds, COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds per table (default 2)")
    parser.add_argument("--tables", default="pima,cleveland,stroke",
                        help=f"comma-separated, from {', '.join(TABLES)}")
    parser.add_argument("--settings", default=",".join(DEFAULT_SETTINGS),
                        help=f"comma-separated, from: {'; '.join(SETTINGS)} (the library's "
                             "defaults cost about a minute per fit, so they are left out unless named)")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} is absent: the study needs the shared medical tables.")
    tables = args.tables.split(",")
    settings = args.settings.split(",")
    unknown = [s for s in settings if s not in SETTINGS]
    if unknown:
        raise SystemExit(f"unknown settings {unknown}; choose from {list(SETTINGS)}")
    print("Detection ROC-AUC, real held-out minority vs synthetic (0.5 = indistinguishable); "
          f"up to 120 training minority rows, {args.seeds} seeds per table")
    print(COLUMNS.header(tables))
    study(tables, list(range(args.seeds)), settings)


if __name__ == "__main__":
    main()
