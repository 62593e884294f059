"""How a run's wall time grows with seeds, sizes and jobs, and the parallel efficiency.

Runs small grids of random-forest trials on the embedded breast-cancer table through
``augbench.run`` (worker start-up included) and prints one line per grid, then a per-trial cost
fit and the efficiency of --jobs N against --jobs 1 (speedup / N), measured side by side.

    python benchmarks/scaling.py [--jobs 2] [--seeds 12]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import augbench
from augbench.execution.settings import Execution
from augbench.plugin.kit import available_cores


def _timed(seeds: int, sizes: tuple, jobs: int) -> tuple[float, int]:
    start = time.perf_counter()
    res = augbench.run(augmenters=("none", "smote"), classifiers=("rf",), seeds=seeds,
                       sizes=sizes, execution=Execution(jobs=jobs))
    return time.perf_counter() - start, len(res.trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args()
    _timed(1, (100,), 1)  # warm imports and caches, so the first grid is not charged for them
    print(f"{'seeds':>5} {'sizes':>14} {'jobs':>4} {'trials':>6} {'seconds':>8} {'s/trial':>8}")
    points = []
    for seeds, sizes in [(args.seeds // 4, (100,)), (args.seeds // 2, (100,)), (args.seeds, (100,)),
                         (args.seeds, (100, 200)), (args.seeds, (100, 200, "full"))]:
        seconds, trials = _timed(seeds, sizes, 1)
        points.append((trials, seconds))
        print(f"{seeds:>5} {','.join(map(str, sizes)):>14} {1:>4} {trials:>6} {seconds:>8.2f} "
              f"{seconds / trials:>8.3f}")
    slope, intercept = np.polyfit(*zip(*points), 1)
    print(f"cost model (jobs 1): {intercept:.2f} s + {slope * 1000:.1f} ms x trials "
          "(per-trial cost grows with the size; larger sizes cost more)")
    grid = (args.seeds, (100, 200, "full"))
    serial, trials = _timed(*grid, 1)
    parallel, _ = _timed(*grid, args.jobs)
    speedup = serial / parallel
    print(f"{trials} trials: jobs 1 {serial:.2f} s, jobs {args.jobs} {parallel:.2f} s, "
          f"speedup {speedup:.2f}x, parallel efficiency {speedup / args.jobs:.0%}")


if __name__ == "__main__":
    main()
