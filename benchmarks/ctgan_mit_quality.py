"""``ctgan-mit`` against SDV's ``ctgan`` on many real tables: as faithful, as useful, as private?

Reads a run of both arms (and ``real-rows``, the no-leak level of the privacy figures) on many
tables, made by:

    augbench run --data suite:rare-disease --data suite:shared \\
        --augmenters none,ctgan,ctgan-mit,real-rows --baseline ctgan --classifiers lr \\
        --seeds 5 --sizes 200 \\
        --metrics roc_auc,recall,fidelity_ks_tv,detection_auc,mia_density_auc \\
        --out benchmarks/out/ctgan-mit-quality

and prints, as Markdown, each table's mean of every metric per arm, then across tables: the mean
difference (``ctgan-mit`` minus ``ctgan``), the tables where ``ctgan-mit`` was better, and the
Bayesian signed-rank test's P(worse), P(equivalent), P(better) with a margin of practical
equivalence per metric (the metric's own, else ``--margin``). ``augbench leaderboard DIR``
gives the per-table paired verdicts of the classifier metrics against the run's baseline.

    python benchmarks/ctgan_mit_quality.py [DIR] [--margin 0.01]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import augbench
from augbench.results.across import signed_rank_posterior
from augbench.results.compare import margin_for

ARMS = ("ctgan", "ctgan-mit", "real-rows")
NEW, OLD = "ctgan-mit", "ctgan"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        default=Path("benchmarks/out/ctgan-mit-quality"))
    parser.add_argument("--margin", type=float, default=0.01,
                        help="margin of practical equivalence for metrics that declare none")
    args = parser.parse_args()

    results = augbench.load_results(args.folder)
    trials = results.trials[results.trials["status"] == "ok"]
    metrics = [m for m in results.metrics if m in trials.columns]
    means = trials.groupby(["dataset", "augmenter"])[metrics].mean()
    seeds = trials.groupby("dataset")["seed"].nunique()
    # A batched arm's trials share its chunk's time: each records its share.
    seconds = trials.groupby(["dataset", "augmenter"])["augment_seconds"].median()

    def cell(dataset: str, column: str, arms: tuple[str, ...], digits: int = 3) -> str:
        values = means[column] if column in metrics else seconds
        found = [values.get((dataset, a), np.nan) for a in arms]
        return " / ".join("–" if np.isnan(v) else f"{v:.{digits}f}" for v in found)

    print(f"Seeds per table: {', '.join(sorted({str(n) for n in seeds}))}.\n")
    # Two tables, so that each fits a page: what the classifier gains, then the rows themselves.
    useful = [m for m in metrics if results.metrics[m].needs == "predictions"]
    rows_themselves = [m for m in metrics if m not in useful]
    for group, extra in ((useful, True), (rows_themselves, False)):
        heads = [f"{results.metrics[m].short or m} "
                 f"({' / '.join(ARMS if m.startswith('mia') else ARMS[:2])})" for m in group]
        if extra:
            heads.append("s per fit (ctgan / ctgan-mit)")
        print("| table | " + " | ".join(heads) + " |")
        print("|---|" + "---|" * len(heads))
        for dataset in sorted(set(trials["dataset"])):
            cells = [cell(dataset, m, ARMS if m.startswith("mia") else ARMS[:2]) for m in group]
            if extra:
                cells.append(cell(dataset, "seconds", ARMS[:2], 1))
            print(f"| {dataset} | " + " | ".join(cells) + " |")
        print()

    print(f"Across tables, {NEW} against {OLD} (table means):\n")
    print(f"Margin of practical equivalence: each metric's own, else {args.margin}.\n")
    print("| metric | better is | tables | mean difference | tables where better "
          "| P(worse) | P(equivalent) | P(better) |")
    print("|---|---|---|---|---|---|---|---|")
    for m in metrics:
        spec = results.metrics[m]
        wide = means[m].unstack("augmenter")[[OLD, NEW]].dropna()
        diff = wide[NEW] - wide[OLD]
        sign = 1 if spec.higher_is_better else -1
        margin = margin_for(m, spec, None) or args.margin
        worse, equivalent, better = signed_rank_posterior(
            wide[OLD].to_numpy(), wide[NEW].to_numpy(), margin, spec.higher_is_better)
        print(f"| {spec.short or m} | {'higher' if spec.higher_is_better else 'lower'} | "
              f"{len(wide)} | {diff.mean():+.4f} | {int((sign * diff > 0).sum())} | "
              f"{worse:.3f} | {equivalent:.3f} | {better:.3f} |")
    if "mia_density_auc" in metrics:
        level = means["mia_density_auc"].unstack("augmenter")
        print("\nDensity membership attack, mean over tables (0.5: no signal; real-rows: the "
              "no-leak level): " + ", ".join(f"{a} {level[a].mean():.3f}" for a in ARMS
                                             if a in level))


if __name__ == "__main__":
    main()
