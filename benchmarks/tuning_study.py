"""Does augmentation still help once the classifier is tuned? The four shared tables, none, smote
and gan with lr and hgb, run untuned and with --tune on the same seeds, then compared seed by
seed (what ``augbench report tuned --against untuned`` prints).

    python benchmarks/tuning_study.py [--seeds 20] [--size 200] [--jobs N] [--budget N]
        [--tables stroke,...] [--augmenters none,smote,gan] [--classifiers lr,hgb]

Results go to benchmarks/out/tuning-study/{untuned,tuned} (an interrupted study resumes; a study
of other tables, arms, size or budget goes to a folder named after them). Prints
the wall time of each run, every difference from none that is significant in either run with
what became of it, and what tuning did to each arm's ROC-AUC.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import augbench
from augbench.registry import default_registry
from augbench.results.against import arm_changes, verdicts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out" / "tuning-study"
# The shared suite's tables, in its order (augbench datasets lists it).
TABLES = default_registry().get("suites", "shared").provided.datasets
SHOWN = ("accuracy", "recall", "balanced_accuracy", "roc_auc", "pr_auc", "brier")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--budget", type=int)
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--augmenters", default="none,smote,gan")
    parser.add_argument("--classifiers", default="lr,hgb")
    args = parser.parse_args()
    tables = tuple(args.tables.split(","))
    asked = (tables, args.augmenters, args.classifiers, args.size, args.budget)
    out = OUT if asked == (TABLES, "none,smote,gan", "lr,hgb", 200, None) else (
        OUT.parent / "-".join(["tuning-study", *tables, args.augmenters.replace(",", "+"),
                               args.classifiers.replace(",", "+"), str(args.size),
                               *([f"budget{args.budget}"] if args.budget else [])]))
    if not SHARED.is_dir():
        raise SystemExit(f"needs the shared tables in {SHARED}")
    common = dict(data=list(tables), augmenters=args.augmenters, classifiers=args.classifiers,
                  seeds=args.seeds, sizes=(args.size,), progress=False,
                  **({"jobs": args.jobs} if args.jobs else {}))
    runs, seconds = {}, {}
    for name, extra in (("untuned", {}), ("tuned", {"tune": True, "tune_budget": args.budget})):
        start = time.perf_counter()
        runs[name] = augbench.run(out=out / name, **common, **extra)
        seconds[name] = time.perf_counter() - start
        print(f"{name}: {len(runs[name].trials)} trials, {runs[name].n_failed} failed, "
              f"{seconds[name]:.0f} s ({runs[name].reused} from the store)")
    tuned, untuned = runs["tuned"], runs["untuned"]
    found = verdicts(tuned.comparisons, untuned.comparisons)
    found = found[found["metric"].isin(SHOWN)]
    print(f"\ndifferences from none significant in either run (Holm p < 0.05), {args.size} "
          "training rows:")
    for r in found.sort_values(["dataset", "classifier", "augmenter", "metric"]).itertuples():
        print(f"  {r.dataset:<24} {r.classifier:<4} {r.augmenter:<6} {r.metric:<18} untuned "
              f"{r.mean_diff_there:+.3f} (p {r.p_adjusted_there:.2g})  tuned "
              f"{r.mean_diff_here:+.3f} (p {r.p_adjusted_here:.2g})  {r.verdict}")
    counts = found["verdict"].value_counts().to_dict()
    print("  verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    changes = arm_changes(tuned, untuned)
    auc = changes[changes["metric"] == "roc_auc"]
    print("\nwhat tuning did to each arm's ROC-AUC (tuned minus untuned, same seeds):")
    for r in auc.sort_values(["dataset", "classifier", "augmenter"]).itertuples():
        mark = " *" if r.p_adjusted < 0.05 else ""
        print(f"  {r.dataset:<24} {r.classifier:<4} {r.augmenter:<6} {r.mean_diff:+.3f} "
              f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}] Holm p {r.p_adjusted:.2g}{mark}")
    if seconds["untuned"] and not (tuned.reused or untuned.reused):
        print(f"\ncost: tuned / untuned wall time {seconds['tuned'] / seconds['untuned']:.1f}")


if __name__ == "__main__":
    main()
