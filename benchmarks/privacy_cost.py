"""What the privacy and fidelity metrics cost: whole ``augbench run`` processes with every
metric (the default) and with the classification metrics only, alternating, side by side.

    python benchmarks/privacy_cost.py [--reps 2] [--seeds 100] [--jobs N]

Runs the default experiment (none vs smote, lr, the embedded table) and the same on the stroke
table (``--data stroke``, read from ../shared/data; skipped when absent), each into a fresh
folder, and prints the wall times and the share of the run's time the privacy metrics take.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLASSIFICATION = "accuracy,recall,precision,specificity,f1,balanced_accuracy,roc_auc,pr_auc,brier"
STROKE = Path(__file__).resolve().parents[2] / "shared" / "data" / "stroke.csv"


def wall(args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "augbench.cli", "run", *args, "--out", out,
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args()
    common = ["--seeds", str(args.seeds)] + (["--jobs", str(args.jobs)] if args.jobs else [])
    cases = {"default (breast-cancer)": []}
    if STROKE.is_file():
        cases["stroke"] = ["--data", "stroke"]
    for name, extra in cases.items():
        with_all, without = [], []
        for _ in range(args.reps):  # alternating, so that drifts in machine load hit both
            with_all.append(wall(common + extra))
            without.append(wall(common + extra + ["--metrics", CLASSIFICATION]))
        a, b = statistics.median(with_all), statistics.median(without)
        print(f"{name}: every metric {a:.1f} s, classification only {b:.1f} s (medians of "
              f"{args.reps}; runs {', '.join(f'{x:.1f}' for x in with_all)} vs "
              f"{', '.join(f'{x:.1f}' for x in without)}); privacy and fidelity take "
              f"{(a - b) / a:.1%} of the run")


if __name__ == "__main__":
    main()
