"""Replicate the GAN-vs-SMOTE paper on the heart-attack-risk table, under two protocols.

``correct``: split first, augment the training rows only (augbench's protocol).
``leaky``: balance the whole table to 1:1 first, then split, as a careless pipeline would; the
test rows then include synthetic rows, and the classifier is fitted on the balanced draw.

Writes DIR/replication.csv (one row per protocol, augmenter, classifier and size with accuracy,
recall and ROC-AUC means and 95% intervals), the two protocols' trials and summaries, and
figures in DIR/plots/.

    python benchmarks/paper_replication.py --out DIR [--data PATH] [--seeds 100] [--quick]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import augbench
from augbench.builtin.classification import CLASSIFICATION_METRICS
from augbench.execution.settings import Execution
from augbench.experiment.plan import SEEDS_PER_BATCH
from augbench.experiment.protocol import Trial, TrialRunner
from augbench.experiment.seeding import derive_seed
from augbench.plugin.kit import available_cores
from augbench.reporting.figures import write_plots
from augbench.results.record import RunRecord
from augbench.results.tables import ResultTables, summarize

SIZES = (500, 1000, 2000, 4000, "full")
QUICK_SIZES = (300, 600)
PAPER = ("none", "smote", "gan")
COLUMNS = ["protocol", "augmenter", "classifier", "size", "n_seeds"] + [
    f"{m}_{part}" for m in ("accuracy", "recall", "roc_auc") for part in ("mean", "ci_low", "ci_high")]


def leaky_trials(dataset: augbench.Dataset, augmenter: str, params: dict, seeds: range,
                 sizes: list[int], classifiers: tuple[str, ...], test_size: float) -> list[dict]:
    """Balance the whole table with ``augmenter`` (seeded per seed), then run the usual protocol
    with no further augmentation: synthetic rows reach the test set."""
    name = f"{dataset.name} [leaky]"
    made = augbench.get_augmenter(augmenter, sampling_strategy=1.0, **params)
    tables = [dataset.X] * len(seeds)
    labels = [dataset.y] * len(seeds)
    states = [derive_seed(s, "leaky", augmenter) for s in seeds]
    if augmenter == "none":
        balanced = list(zip(tables, labels))
    elif hasattr(made, "fit_resample_many"):
        # In batches, as augbench's runner does, to bound memory.
        balanced = [out for i in range(0, len(states), SEEDS_PER_BATCH) for out in
                    made.fit_resample_many(tables[i:i + SEEDS_PER_BATCH],
                                           labels[i:i + SEEDS_PER_BATCH],
                                           states[i:i + SEEDS_PER_BATCH])]
    else:
        balanced = [augbench.get_augmenter(augmenter, sampling_strategy=1.0, random_state=state,
                                           **params).fit_resample(dataset.X, dataset.y)
                    for state in states]
    rows = []
    for seed, (X, y) in zip(seeds, balanced):
        table = augbench.Dataset(name, X.reset_index(drop=True), y.astype("int8"),
                                 dataset.positive, source=dataset.source)
        trials = [Trial(name, seed, size, "none", clf, test_size)
                  for size in sizes for clf in classifiers]
        for result in TrialRunner({name: table}).run(trials):
            rows.append({**result.as_row(), "augmenter": augmenter})
    return rows


def replication_table(trials: pd.DataFrame) -> pd.DataFrame:
    """The columns of replication.csv, from both protocols' trials."""
    summary = summarize(trials, CLASSIFICATION_METRICS)
    summary["protocol"] = summary["dataset"].str.contains("[leaky]", regex=False).map(
        {True: "leaky", False: "correct"})
    return summary[COLUMNS].sort_values(["protocol", "classifier", "augmenter", "size"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", help="heart_attack_risk.csv (default: ../shared/data/...)")
    parser.add_argument("--seeds", type=int, default=100, help="seeds for none, smote and gan")
    parser.add_argument("--ctgan-seeds", type=int, default=20, help="seeds for ctgan (0: skip)")
    parser.add_argument("--ctgan-epochs", type=int, default=100)
    parser.add_argument("--classifiers", default="lr")
    parser.add_argument("--quick", action="store_true",
                        help="two small sizes and few training epochs: a smoke test")
    parser.add_argument("--jobs", type=int, default=available_cores())
    args = parser.parse_args()

    options = {"path": args.data} if args.data else {}
    spec = augbench.DataSpec("heart-attack-risk", options=options)
    dataset = augbench.load_dataset("heart-attack-risk", **options)
    classifiers = tuple(args.classifiers.split(","))
    sizes = QUICK_SIZES if args.quick else SIZES
    gan = {"steps": 50} if args.quick else {}
    ctgan = {"epochs": 2 if args.quick else args.ctgan_epochs}
    execution = Execution(jobs=args.jobs)
    start = time.perf_counter()

    runs = [(PAPER, args.seeds, {"gan": gan})]
    if args.ctgan_seeds:
        # CTGAN costs minutes per fit here: it may run fewer seeds, never more than the others.
        runs.append((("none", "ctgan"), min(args.ctgan_seeds, args.seeds), {"ctgan": ctgan}))
    correct = []
    for augmenters, seeds, params in runs:
        out = args.out / "correct" / "-".join(augmenters)
        res = augbench.run(data=(spec,), augmenters=augmenters, classifiers=classifiers,
                           seeds=seeds, sizes=sizes, params=params, out=out,
                           execution=execution)
        correct.append(res.trials if augmenters == PAPER else
                       res.trials[res.trials.augmenter != "none"])
        print(f"correct protocol, {', '.join(augmenters)}: {len(res.trials)} trials, "
              f"{time.perf_counter() - start:.0f} s so far", flush=True)
    pool_sizes = sorted({int(s) for s in pd.concat(correct)["size"]})
    leaky = []
    for augmenters, seeds, params in runs:
        for augmenter in augmenters:
            if augmenter == "none" and augmenters != PAPER:
                continue
            leaky += leaky_trials(dataset, augmenter, params.get(augmenter, {}), range(seeds),
                                  pool_sizes, classifiers, test_size=0.3)
            print(f"leaky protocol, {augmenter}: {time.perf_counter() - start:.0f} s so far",
                  flush=True)
    trials = pd.concat([*correct, pd.DataFrame(leaky)], ignore_index=True)
    args.out.mkdir(parents=True, exist_ok=True)
    trials.to_csv(args.out / "trials.csv", index=False)
    table = replication_table(trials)
    table.to_csv(args.out / "replication.csv", index=False)
    results = ResultTables(trials.sort_values(["dataset", "size", "seed", "augmenter", "classifier"],
                                         ignore_index=True),
                      RunRecord(metrics=dict(CLASSIFICATION_METRICS)))
    results.summary.to_csv(args.out / "summary.csv", index=False)
    results.comparisons.to_csv(args.out / "comparisons.csv", index=False)
    write_plots(results, args.out / "plots")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"failed trials: {int((trials.status != 'ok').sum())} of {len(trials)}; "
          f"wall time {time.perf_counter() - start:.0f} s on {available_cores()} cores")


if __name__ == "__main__":
    main()
