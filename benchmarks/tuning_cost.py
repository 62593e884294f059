"""What --tune costs, and where the time goes: the same experiment untuned, tuned on the whole
declared grid, and tuned with a budget, run side by side in this process (one core, every
trial through augbench's TrialRunner), alternating, ``--reps`` times each.

    python benchmarks/tuning_cost.py [--reps 2] [--seeds 5] [--size 200] [--budget 8]

Prints each variant's median wall time and its ratio to the untuned run, and for the tuned
runs the seconds spent augmenting and fitting inside the inner folds against the final refit.
Uses pima-diabetes from ../shared/data (the embedded breast-cancer table where it is absent),
none/smote/gan with lr and hgb.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from augbench.experiment.plan import DataSpec, Experiment, make_plan
from augbench.experiment.protocol import TrialRunner

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "pima_diabetes.csv"


class TimedRunner(TrialRunner):
    """A TrialRunner that adds up the seconds of augmenting and fitting, inside the inner folds
    of tuning and outside them."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.seconds: dict[str, float] = defaultdict(float)
        self._inner = False

    def _tune(self, t, data):
        self._inner = True
        try:
            return super()._tune(t, data)
        finally:
            self._inner = False

    def _timed(self, step: str, call):
        start = time.perf_counter()
        try:
            return call()
        finally:
            where = "inner" if self._inner else "refit"
            self.seconds[f"{where} {step}"] += time.perf_counter() - start

    def _augment_group(self, t, data, seeds):
        return self._timed("augment", lambda: super(TimedRunner, self)._augment_group(t, data,
                                                                                       seeds))

    def _fitted(self, t, X, y):
        return self._timed("fit", lambda: super(TimedRunner, self)._fitted(t, X, y))


def run_once(experiment: Experiment) -> tuple[float, dict[str, float], int]:
    plan = make_plan(experiment)
    runner = TimedRunner(plan.datasets, plan.registry, metrics=plan.metrics)
    start = time.perf_counter()
    results = list(runner.run(plan.trials))
    wall = time.perf_counter() - start
    assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
    return wall, dict(runner.seconds), len(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--budget", type=int, default=8)
    args = parser.parse_args()
    data = (DataSpec("pima-diabetes"),) if SHARED.exists() else (DataSpec(),)
    base = Experiment(data=data, augmenters=("none", "smote", "gan"), classifiers=("lr", "hgb"),
                      sizes=(args.size,), seeds=args.seeds)
    variants = {
        "untuned": base,
        "tuned, whole grid": Experiment(**{**base.__dict__, "tune": True}),
        f"tuned, budget {args.budget}": Experiment(**{**base.__dict__, "tune": True,
                                                      "tune_budget": args.budget}),
    }
    walls: dict[str, list[float]] = defaultdict(list)
    steps: dict[str, dict[str, float]] = {}
    for _ in range(args.reps):
        for name, experiment in variants.items():
            wall, seconds, trials = run_once(experiment)
            walls[name].append(wall)
            steps[name] = seconds
    print(f"{data[0].source}, {args.size} training rows, {args.seeds} seeds, none/smote/gan x "
          f"lr/hgb ({trials} trials per run), {args.reps} runs each, one core")
    untuned = statistics.median(walls["untuned"])
    for name, found in walls.items():
        median = statistics.median(found)
        print(f"  {name:<20} median {median:7.1f} s  ({median / untuned:5.1f} x untuned)  "
              f"runs: {', '.join(f'{w:.1f}' for w in found)}")
    for name, seconds in steps.items():
        if name == "untuned":
            continue
        total = sum(seconds.values())
        parts = ", ".join(f"{step} {s:.1f} s ({100 * s / total:.0f}%)"
                          for step, s in sorted(seconds.items()))
        print(f"  where {name}'s time goes (last run): {parts}")


if __name__ == "__main__":
    main()
