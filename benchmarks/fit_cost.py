"""What one fit of each registered augmenter costs on a small medical table's minority.

    python benchmarks/fit_cost.py [--seeds 3] [--size 200] [--data heart-disease-cleveland]
                                  [--augmenters NAME,...]

For each seed, the trial protocol's training rows are drawn (a stratified ``--size``-row sample
of the table's training pool, imputed on those rows alone, as ``augbench run`` does), and every
registered augmenter, with its default parameters, tops the minority up to 1:1 with one
``fit_resample`` call, single-threaded (``augbench.single_threaded()``, as each trial of a run
is). Prints, per augmenter, the median seconds per fit over the seeds, the range, and the rows
added. The table is read from ../shared/data, so run it from the repository root.

The clock covers ``fit_resample`` alone: the augmenter is built, and its library imported, by a
warm-up fit on the first seed beforehand, so a first import (torch's takes seconds) is not
charged to any seed. Augmenters that take numeric tables only (ADASYN, Borderline-SMOTE,
SVM-SMOTE) are refused by ``augbench run`` on a table with categorical columns; they are timed
here on the numeric columns of the same rows, and marked so. ``gan`` also trains many seeds as
one batched model in a run (16 at a time); the solo cost is what one fit costs alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import augbench
from augbench.experiment.protocol import prepare
from augbench.experiment.seeding import derive_seed
from augbench.registry import default_registry

TEST_SIZE = 0.3  # augbench run's default, so that the training pool is the run's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="heart-disease-cleveland")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--augmenters", default=None,
                        help="comma-separated names to time (default: every registered one)")
    args = parser.parse_args()

    registry = default_registry()
    dataset = augbench.load_dataset(args.data)
    prepared = [prepare(dataset, seed, args.size, TEST_SIZE) for seed in range(args.seeds)]
    numeric = [c for c in dataset.X.columns if str(dataset.X[c].dtype) != "category"]
    first = prepared[0]
    print(f"{args.data}: {args.size} training rows, {int(first.y_train.sum())} positive "
          f"(seed 0), ratio 1:1, {args.seeds} seeds, single-threaded, default parameters")

    rows = []
    names = args.augmenters.split(",") if args.augmenters else registry.names("augmenters")
    for name in names:
        probe = registry.create("augmenters", name, random_state=0, sampling_strategy=1.0)
        caps = registry.capabilities("augmenters", name, probe)
        # Numeric-only samplers get the numeric columns of the same rows (see the docstring).
        columns = None if caps.categorical else numeric

        def fit(data, seed, _name=name, _columns=columns):
            X = data.X_train if _columns is None else data.X_train[_columns]
            made = registry.create("augmenters", _name, random_state=seed, sampling_strategy=1.0)
            start = time.perf_counter()
            X_res, _ = made.fit_resample(X, data.y_train)
            return time.perf_counter() - start, len(X_res) - len(X)

        with augbench.single_threaded(), augbench.quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fit(first, 10_000)  # warm-up: imports and first-call set-up, not timed
                timed = [fit(data, derive_seed(seed, "augment", args.size))
                         for seed, data in enumerate(prepared)]
            except Exception as exc:  # a broken augmenter is reported, not fatal to the table
                rows.append((name, None, None, None, f"failed: {type(exc).__name__}: {exc}"[:80]))
                continue
        seconds = [s for s, _ in timed]
        added = sorted({n for _, n in timed})
        note = "numeric columns only" if columns is not None else ""
        if caps.relabels:
            note = "control: relabels, adds no row"
        rows.append((name, statistics.median(seconds), (min(seconds), max(seconds)),
                     "/".join(map(str, added)), note))
        print(f"  {name}: {statistics.median(seconds):.3f} s", flush=True)

    print(f"\n{'augmenter':<16}{'median s/fit':>14}{'range':>20}{'rows added':>12}  note")
    for name, median, span, added, note in sorted(rows, key=lambda r: (r[1] is None, r[1] or 0)):
        if median is None:
            print(f"{name:<16}{'-':>14}{'':>20}{'':>12}  {note}")
            continue
        print(f"{name:<16}{median:>14.3f}{f'{span[0]:.3f}-{span[1]:.3f}':>20}{added:>12}  {note}")


if __name__ == "__main__":
    main()
