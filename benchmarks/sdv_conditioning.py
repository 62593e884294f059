"""Fit on the minority rows, or on all rows conditioned on the label: which gives better rows?

For each shared medical table, seed and SDV augmenter (ctgan, tvae, copula), the training rows
of augbench's protocol (``augbench.experiment.protocol.prepare``: stratified split, ``--size`` training rows,
imputation learnt on them) are topped up to 1:1 twice, with ``conditional=False`` (fit on the
minority rows) and ``conditional=True`` (fit on all rows with the label as a column, keep the
rows generated as minority). Both see the same rows and seeds, so the comparison is paired.
Two measures of the added rows:

- downstream: logistic regression (augbench's ``lr``) fitted on the augmented rows, scored on
  the seed's test rows: ROC-AUC, PR-AUC, balanced accuracy (``none``, no augmentation, for scale);
- realism: ``detect``, the cross-validated ROC-AUC of a random forest telling the added rows
  from the test set's real minority rows (0.5: indistinguishable; lower is better).

    python benchmarks/sdv_conditioning.py [--seeds 5] [--size 200] [--epochs 100]

Rows go to benchmarks/out/sdv_conditioning.csv; the summary prints conditional - minority-only
per table and augmenter (mean and standard error over seeds).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out"
TABLES = {
    "pima": {"path": "pima_diabetes.csv", "target": "Outcome", "positive": "1"},
    "cleveland": {"path": "heart_disease_cleveland.csv", "target": "num",
                  "positive": "1,2,3,4", "categorical": "cp,restecg,slope,thal"},
    "stroke": {"path": "stroke.csv", "target": "stroke", "positive": "1", "drop": "id"},
    "heart": {"path": "heart_attack_risk.csv", "target": "Heart Attack Risk", "positive": "1",
              "drop": "Patient ID,Blood Pressure"},
}
METHODS = ("ctgan", "tvae", "copula")
MODES = ("minority", "conditional")
MEASURES = ("roc_auc", "pr_auc", "balanced_accuracy", "detect")


def downstream(X: pd.DataFrame, y: np.ndarray, data) -> dict[str, float]:
    """Metrics of logistic regression fitted on (X, y), scored on the seed's test rows."""
    import augbench
    from augbench.builtin.classification import score
    from augbench.experiment.preprocess import classifier_pipeline

    model = classifier_pipeline(augbench.get_classifier("lr"), X).fit(X, y)
    proba = model.predict_proba(data.X_test)[:, list(model.classes_).index(1)]
    return {k: v for k, v in score(data.y_test, proba).items() if k in MEASURES}


def detect_auc(synthetic: pd.DataFrame, real: pd.DataFrame, seed: int) -> float:
    """Cross-validated ROC-AUC of a random forest telling synthetic from real minority rows."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    import augbench
    from augbench.experiment.preprocess import classifier_pipeline

    rng = np.random.default_rng(seed)
    m = min(len(synthetic), len(real))
    both = pd.concat([synthetic.iloc[rng.permutation(len(synthetic))[:m]],
                      real.iloc[rng.permutation(len(real))[:m]]], ignore_index=True)
    label = np.r_[np.ones(m, int), np.zeros(m, int)]
    model = classifier_pipeline(augbench.get_classifier("rf", random_state=seed), both)
    folds = StratifiedKFold(n_splits=min(5, m), shuffle=True, random_state=seed)
    proba = cross_val_predict(model, both, label, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(label, proba))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=100, help="ctgan and tvae epochs")
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()

    import augbench
    from augbench.experiment.protocol import prepare
    from augbench.experiment.seeding import derive_seed

    rows = []
    for name in args.tables.split(","):
        spec = dict(TABLES[name])
        dataset = augbench.read_table(SHARED / spec.pop("path"), name=name, **spec)
        for seed in range(args.seeds):
            data = prepare(dataset, seed, args.size, 0.3)
            base = {"table": name, "seed": seed, "n_minority": int(data.y_train.sum())}
            rows.append({**base, "method": "none", "mode": "-",
                         **downstream(data.X_train, data.y_train, data)})
            real = data.X_test[data.y_test == 1]
            for method in args.methods.split(","):
                params = {} if method == "copula" else {"epochs": args.epochs}
                for mode in MODES:
                    start = time.perf_counter()
                    augmenter = augbench.get_augmenter(
                        method, random_state=derive_seed(seed, "augment", args.size),
                        conditional=mode == "conditional", **params)
                    try:
                        X_res, y_res = augmenter.fit_resample(data.X_train, data.y_train)
                    except RuntimeError as exc:  # too few minority rows by rejection
                        rows.append({**base, "method": method, "mode": mode, "error": str(exc)})
                        print(f"{name:<10} seed {seed} {method:<7} {mode:<12} failed: {exc}")
                        continue
                    seconds = time.perf_counter() - start
                    synthetic = X_res.iloc[len(data.X_train):]
                    rows.append({**base, "method": method, "mode": mode, "seconds": seconds,
                                 **downstream(X_res, y_res, data),
                                 "detect": detect_auc(synthetic, real, seed), "error": ""})
                    print(f"{name:<10} seed {seed} {method:<7} {mode:<12} {seconds:6.1f} s  "
                          + "  ".join(f"{k} {rows[-1][k]:.3f}" for k in MEASURES), flush=True)

    frame = pd.DataFrame(rows)
    OUT.mkdir(exist_ok=True)
    frame.to_csv(OUT / "sdv_conditioning.csv", index=False)
    summarize(frame, args)


def summarize(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """Means per mode and the paired difference conditional - minority (mean ± s.e. over seeds)."""
    print(f"\n{args.seeds} seeds, {args.size} training rows, ctgan/tvae epochs={args.epochs}; "
          "detect: lower is better, the others higher")
    frame = frame.assign(failed=frame["error"].fillna("").ne(""))
    means = frame.groupby(["table", "method", "mode"]).agg(
        **{m: (m, "mean") for m in [*MEASURES, "seconds"]}, failed=("failed", "sum"))
    print(means.round(3).to_string())
    print(f"failed fits: {int(frame['failed'].sum())} (all conditional: "
          f"{bool(frame.loc[frame['failed'], 'mode'].eq('conditional').all())}); "
          "the differences below use the seeds where both modes ran")
    fitted = frame[(frame["method"] != "none") & ~frame["failed"]]
    wide = fitted.pivot_table(index=["table", "method", "seed"], columns="mode",
                              values=list(MEASURES))
    diff = pd.DataFrame({m: wide[(m, "conditional")] - wide[(m, "minority")]
                         for m in MEASURES}).dropna()
    grouped = diff.groupby(level=["table", "method"])
    table = grouped.mean().round(3).astype(str) + " ± " + grouped.sem().round(3).astype(str)
    print("\nconditional - minority-only, per table and augmenter:")
    print(table.to_string())
    by_method = diff.groupby(level="method")
    print("\nconditional - minority-only, per augmenter over all tables and seeds:")
    print((by_method.mean().round(3).astype(str) + " ± "
           + by_method.sem().round(3).astype(str)).to_string())
    overall = diff.mean().round(3).astype(str) + " ± " + diff.sem().round(3).astype(str)
    print("\nall:", "  ".join(f"{k} {v}" for k, v in overall.items()))


if __name__ == "__main__":
    main()
