"""Augmenters across the rare-disease suite: per table, the baseline's ROC-AUC and whether each
augmenter wins, ties or loses against it, per classifier.

Runs one ``augbench run --data suite:NAME`` as a whole process (the tables are downloaded on
first use: point ``--mirror`` or ``AUGBENCH_MIRROR`` at a copy of the published files where
there is no internet) and prints, per table, the ROC-AUC of ``none`` and a W/T/L letter per
augmenter and classifier: W where its paired ROC-AUC difference from ``none`` is significant
and positive (Holm p < 0.05 across the augmenters), L where significant and negative, T
otherwise (no significant change, which is not proof of equivalence); then the counts across
tables and the run's wall time.

    python benchmarks/suite_study.py [--suite rare-disease] [--seeds 20] [--sizes 200]
                                     [--augmenters none,ros,smote,gan] [--classifiers lr,hgb]
                                     [--jobs N] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import augbench

ROOT = Path(__file__).resolve().parents[1]


def run(args: argparse.Namespace, out: Path) -> float:
    """Seconds the whole run takes, as one process."""
    command = [sys.executable, "-m", "augbench.cli", "run", "--data", f"suite:{args.suite}",
               "--augmenters", args.augmenters, "--classifiers", args.classifiers,
               "--seeds", str(args.seeds), "--sizes", args.sizes, "--metrics", "roc_auc",
               "--out", str(out), "--quiet", *(["--jobs", str(args.jobs)] if args.jobs else [])]
    start = time.perf_counter()
    # Its tables and findings go to /dev/null: the figures below are what this study prints.
    subprocess.run(command, check=True, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def verdicts(results) -> dict[tuple[str, str, str], str]:
    """W, T or L for each (dataset, classifier, augmenter), at the largest size each ran."""
    rows = results.comparisons[results.comparisons["metric"] == "roc_auc"]
    rows = rows[rows["size"] == rows.groupby("dataset")["size"].transform("max")]
    return {(r.dataset, r.classifier, r.augmenter):
            ("W" if r.mean_diff > 0 else "L") if r.p_adjusted < 0.05 else "T"
            for r in rows.itertuples()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="rare-disease")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--sizes", default="200")
    parser.add_argument("--augmenters", default="none,ros,smote,gan")
    parser.add_argument("--classifiers", default="lr,hgb")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None,
                        help="keep the run's folder here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = args.out or Path(folder) / "suite"
        seconds = run(args, out)
        results = augbench.load_results(out)
    found = verdicts(results)
    summary = results.summary[results.summary["augmenter"] == "none"]
    summary = summary[summary["size"] == summary.groupby("dataset")["size"].transform("max")]
    classifiers = args.classifiers.split(",")
    augmenters = [a for a in args.augmenters.split(",") if a != "none"]
    print(f"suite {args.suite}: {results.trials['dataset'].nunique()} tables, {args.seeds} "
          f"seeds, size {args.sizes} (a smaller table at its whole pool), "
          f"{len(results.trials)} trials, {results.n_failed} failed, wall {seconds:.0f} s")
    print(f"ROC-AUC of none, then W/T/L of {', '.join(augmenters)} against none")
    header = ["table", "size", *(f"AUC {c}" for c in classifiers),
              *(f"{c}: {' '.join(augmenters)}" for c in classifiers)]
    print(" | ".join(header))
    for dataset in sorted(set(results.trials["dataset"])):
        base = summary[summary["dataset"] == dataset].set_index("classifier")
        cells = [dataset, str(int(base["size"].iloc[0]))]
        cells += [f"{base.loc[c, 'roc_auc_mean']:.3f}" for c in classifiers]
        cells += [" ".join(found.get((dataset, c, a), "-") for a in augmenters)
                  for c in classifiers]
        print(" | ".join(cells))
    for classifier in classifiers:
        for augmenter in augmenters:
            letters = [v for (d, c, a), v in found.items() if c == classifier and a == augmenter]
            print(f"{classifier} {augmenter}: {letters.count('W')} win, {letters.count('T')} "
                  f"tie, {letters.count('L')} lose")


if __name__ == "__main__":
    main()
