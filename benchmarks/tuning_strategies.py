"""Successive halving against random search at the same budget, on the four shared tables.

Runs the same tuned experiment twice on the suite ``shared`` (``--tune-budget N``, random
search, then ``--tune-strategy halving`` on the same drawn configurations), each as a whole
``augbench run`` process, and prints side by side: the wall time, the inner fold fits per trial
(from each trial's ``tune_candidates``), how often both chose the same values, and the test
ROC-AUC of what each chose (mean over the trials, and halving minus random paired by trial).

    python benchmarks/tuning_strategies.py [--budget 8] [--seeds 5] [--sizes 200]
                                           [--augmenters none,smote] [--classifiers lr]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import augbench

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["dataset", "size", "augmenter", "classifier", "seed"]


def run(strategy: str, args: argparse.Namespace, out: Path) -> float:
    """Seconds one tuned run takes, as a whole process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "augbench.cli", "run", "--data", "suite:shared",
                    "--augmenters", args.augmenters, "--classifiers", args.classifiers,
                    "--seeds", str(args.seeds), "--sizes", args.sizes, "--tune",
                    "--tune-budget", str(args.budget), "--tune-strategy", strategy,
                    "--metrics", "roc_auc", "--out", str(out), "--quiet"],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", default="200")
    parser.add_argument("--augmenters", default="none,smote")
    parser.add_argument("--classifiers", default="lr")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seconds = {s: run(s, args, Path(folder) / s) for s in ("random", "halving")}
        results = {s: augbench.load_results(Path(folder) / s) for s in seconds}
    fits = {s: r.tune_candidates.groupby(KEYS)["folds"].sum().mean() for s, r in results.items()}
    trials = {s: r.trials.set_index(KEYS) for s, r in results.items()}
    same = (trials["random"]["tuned_params"] == trials["halving"]["tuned_params"]).mean()
    gain = (trials["halving"]["roc_auc"] - trials["random"]["roc_auc"]).dropna()
    print(f"suite shared, --tune-budget {args.budget}, {args.seeds} seeds, sizes {args.sizes}, "
          f"augmenters {args.augmenters}, classifiers {args.classifiers}; "
          f"{len(trials['random'])} trials each")
    print(f"{'':22} {'random':>10} {'halving':>10} {'halving/random':>15}")
    print(f"{'wall seconds':22} {seconds['random']:10.1f} {seconds['halving']:10.1f} "
          f"{seconds['halving'] / seconds['random']:15.2f}")
    print(f"{'inner fold fits/trial':22} {fits['random']:10.1f} {fits['halving']:10.1f} "
          f"{fits['halving'] / fits['random']:15.2f}")
    print(f"{'test ROC-AUC (mean)':22} {trials['random']['roc_auc'].mean():10.4f} "
          f"{trials['halving']['roc_auc'].mean():10.4f}")
    print(f"same values chosen in {same:.0%} of trials; halving minus random, test ROC-AUC: "
          f"mean {gain.mean():+.4f}, worst {gain.min():+.4f}, best {gain.max():+.4f}")


if __name__ == "__main__":
    main()
