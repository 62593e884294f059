"""The study behind the density membership attack's bandwidth (``mia_density_auc``).

For each shared table, training size and seed, the trial's rows are prepared as a run prepares
them (split, draw, impute, the reserve and reference halves of the unused pool rows), each
augmenter adds its rows, and the attack's ROC-AUC is computed with both kernel bandwidths set to
a multiple of Scott's rule. A good bandwidth keeps ``real-rows`` (unseen real patients: nothing
leaks) at 0.5 and separates what copies or interpolates training rows (``ros``, ``smote``) from
it. Prints the mean AUC (and its spread over seeds) per table, size, augmenter and multiple.

    python benchmarks/privacy_attack_study.py [--seeds 6] [--sizes 100,400]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import numpy as np

import augbench
from augbench.experiment.protocol import prepare, split_rows
from augbench.experiment.seeding import derive_seed
from augbench.registry import default_registry

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
# The shared suite's tables, in its order (augbench datasets lists it).
TABLES = default_registry().get("suites", "shared").provided.datasets
AUGMENTERS = ("real-rows", "ros", "smote", "gan")
FACTORS = (1.0, 0.5, 0.25, 0.1)


def scores(dataset, augmenter: str, seed: int, size: int) -> dict[float, float]:
    """The attack's AUC at each bandwidth multiple, for one trial's synthetic rows."""
    from augbench_plugins.privacy.attacks import density_scores
    from augbench_plugins.privacy.encoding import auc

    pool = len(split_rows(dataset.y, 0, 0.3)[0])
    size = min(size, pool)  # a table smaller than the size: its whole pool
    data = prepare(dataset, seed, size, 0.3)
    sampler = augbench.get_augmenter(augmenter, sampling_strategy=1.0,
                                     random_state=derive_seed(seed, "augment", size))
    if augmenter == "real-rows":
        sampler.with_reserve(data.X_reserve, data.y_reserve)
    with augbench.quiet(), augbench.single_threaded():
        X_res, _ = sampler.fit_resample(data.X_train, data.y_train)
    inp = augbench.MetricInput(
        data.X_train, data.y_train, data.X_test, data.y_test,
        X_synthetic=X_res.iloc[len(data.X_train):].reset_index(drop=True),
        X_reference=data.X_reference[data.y_reference == 1].reset_index(drop=True))
    found = {}
    for factor in FACTORS:
        inp._cache.clear()
        pair = density_scores(inp, factor)
        found[factor] = float("nan") if pair is None else auc(*pair)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--sizes", default="100,400")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: the study reads the shared tables")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"density MIA ROC-AUC, mean (sd) over {args.seeds} seeds, by bandwidth multiple of "
          f"Scott's rule: {', '.join(map(str, FACTORS))}")
    for table in TABLES:
        dataset = augbench.load_dataset(table)
        for size in sizes:
            for augmenter in AUGMENTERS:
                runs = [scores(dataset, augmenter, seed, size) for seed in range(args.seeds)]
                cells = []
                for factor in FACTORS:
                    values = [r[factor] for r in runs if not np.isnan(r[factor])]
                    cells.append(f"{statistics.mean(values):.3f} ({statistics.stdev(values):.3f})"
                                 if len(values) > 1 else "-")
                print(f"{table:<24}{size:>5}  {augmenter:<10}" + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
