"""augbench's overhead against a plain scikit-learn/imbalanced-learn loop doing the same trials.

Both run as whole processes (imports included), alternately, several times; the script prints
the median wall time of each and their ratios: augbench on every core against the loop with its
BLAS threads, and augbench with one job against the loop held to one thread, as a worker is. The
trials: breast-cancer, 100 seeds x sizes 100 and 200 x (none, smote) x logistic regression, the
same nine metrics per trial.

    python benchmarks/core_overhead.py [--seeds 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# The plain loop computes these nine; augbench's privacy metrics are measured on their own
# (benchmarks/privacy_cost.py).
SAME_METRICS = "accuracy,recall,precision,specificity,f1,balanced_accuracy,roc_auc,pr_auc,brier"

PLAIN_LOOP = r"""
import sys
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score,
                             brier_score_loss, f1_score, precision_score, recall_score,
                             roc_auc_score)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # malignant is the positive minority
rows = []
for seed in range(int(sys.argv[1])):
    X_pool, X_test, y_pool, y_test = train_test_split(X, y, test_size=0.3, stratify=y,
                                                      random_state=seed)
    for size in (100, 200):
        X_tr, _, y_tr, _ = train_test_split(X_pool, y_pool, train_size=size, stratify=y_pool,
                                            random_state=seed)
        for augmenter in ("none", "smote"):
            if augmenter == "smote":
                X_fit, y_fit = SMOTE(random_state=seed).fit_resample(X_tr, y_tr)
            else:
                X_fit, y_fit = X_tr, y_tr
            model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
            model.fit(X_fit, y_fit)
            p = model.predict_proba(X_test)[:, 1]
            pred = (p > 0.5).astype(int)
            rows.append([accuracy_score(y_test, pred), recall_score(y_test, pred),
                         precision_score(y_test, pred, zero_division=0),
                         recall_score(1 - y_test, 1 - pred), f1_score(y_test, pred),
                         balanced_accuracy_score(y_test, pred), roc_auc_score(y_test, p),
                         average_precision_score(y_test, p), brier_score_loss(y_test, p)])
print(len(rows), "trials")
"""


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


# The loop held to one thread, as each of augbench's workers is: the honest yardstick of one job.
ONE_THREAD = {**os.environ, **{v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                 "MKL_NUM_THREADS")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    plain = [sys.executable, "-c", PLAIN_LOOP, str(args.seeds)]
    times: dict[str, list[float]] = {"augbench": [], "augbench --jobs 1": [], "plain loop": [],
                                     "loop, one thread": []}
    for _ in range(args.repeats):  # alternate, so that machine noise hits all alike
        for name, jobs in (("augbench", []), ("augbench --jobs 1", ["--jobs", "1"])):
            # A fresh folder each time: in the same folder a rerun would resume, running nothing.
            with tempfile.TemporaryDirectory() as out:
                times[name].append(_timed([
                    sys.executable, "-m", "augbench.cli", "run", "--augmenters", "none,smote",
                    "--classifiers", "lr", "--sizes", "100,200", "--seeds", str(args.seeds),
                    "--metrics", SAME_METRICS, "--quiet", "--out", out, *jobs]))
        times["plain loop"].append(_timed(plain))
        times["loop, one thread"].append(_timed(plain, ONE_THREAD))
    trials = args.seeds * 2 * 2
    for name, values in times.items():
        print(f"{name:>17}: median {statistics.median(values):6.2f} s over {len(values)} runs "
              f"({', '.join(f'{v:.2f}' for v in values)}), {trials} trials")
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"ratio augbench / plain loop: {median['augbench'] / median['plain loop']:.2f}x "
          "(augbench on every core, the loop with its BLAS threads)")
    print(f"ratio augbench --jobs 1 / loop on one thread: "
          f"{median['augbench --jobs 1'] / median['loop, one thread']:.2f}x (target: at most 1.2x)")


if __name__ == "__main__":
    main()
