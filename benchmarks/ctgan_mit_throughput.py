"""CTGAN throughput: SDV's ``ctgan`` seed by seed against ``ctgan-mit`` with the seeds batched.

For each training-set size, each seed draws its own training rows from the heart-attack-risk
table (``Heart Attack Risk``; ``Patient ID`` and ``Blood Pressure`` dropped: 18 numeric and 5
categorical columns), as a run's seeds do, and each augmenter tops its minority up to 1:1 at
the same epochs (default the paper's 300). Both run on one core, as a run's workers do (one
BLAS thread each, one worker per core), so seeds per minute per core is the figure a run of N
cores multiplies by N. SDV's ``ctgan`` fits its seeds one by one (``--sdv-seeds`` of them; its
time per seed is steady, the rest is not needed to measure it); ``ctgan-mit`` fits all
``--seeds`` as one batch. The ``ctgan-mit`` stages come from timers around its methods: the
mixture fits (a variational Gaussian mixture per numeric column and seed), the transform
(modes drawn per value), training, sampling (generation and decoding).

    python benchmarks/ctgan_mit_throughput.py [--seeds 16] [--sdv-seeds 16] [--sizes 200,2000]
        [--epochs 300]
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

import augbench

HEART = Path(__file__).resolve().parents[2] / "shared" / "data" / "heart_attack_risk.csv"


def training_sets(size: int, seeds: list[int]) -> tuple[list[Any], list[np.ndarray]]:
    """Each seed's training rows: a random ``size`` rows of the heart table."""
    ds = augbench.read_table(HEART, target="Heart Attack Risk",
                             drop=("Patient ID", "Blood Pressure"))
    Xs, ys = [], []
    for seed in seeds:
        rows = np.random.default_rng(seed).choice(len(ds.y), size, replace=False)
        Xs.append(ds.X.iloc[rows].reset_index(drop=True))
        ys.append(ds.y[rows])
    return Xs, ys


class StageTimer:
    """Seconds spent in the wrapped methods, by stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: type, name: str, stage: str) -> None:
        original: Callable = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start
        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=16, help="seeds ctgan-mit batches")
    parser.add_argument("--sdv-seeds", type=int, default=16, help="seeds SDV's ctgan fits")
    parser.add_argument("--sizes", default="200,2000", help="training rows, comma-separated")
    parser.add_argument("--epochs", type=int, default=300, help="epochs of both (default 300)")
    args = parser.parse_args()
    if not HEART.is_file():
        raise SystemExit(f"error: {HEART} is missing; this benchmark needs ../shared/data")

    from augbench_plugins.ctgan import modes, network
    from augbench_plugins.ctgan.model import CtganAugmenter
    from augbench_plugins.sdv.synthesizers import CTGANAugmenter

    timer = StageTimer()
    timer.wrap(modes.ModeEncoder, "fit", "mixture fits")
    timer.wrap(modes.ModeEncoder, "transform", "transform")
    timer.wrap(network.CtganBatch, "train", "training")
    timer.wrap(network.CtganBatch, "sample", "generation")
    timer.wrap(modes.ModeEncoder, "inverse", "decoding")

    torch.set_num_threads(1)  # as in a run's workers; SDV's ctgan sets it for its own fit too
    print(f"table: {HEART.name}; epochs {args.epochs}; one thread each; torch "
          f"{torch.__version__}; cpus {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    seeds = list(range(args.seeds))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        Xs, ys = training_sets(size, seeds)
        minority = np.mean([int(y.sum()) for y in ys])
        start = time.perf_counter()
        for X, y, seed in zip(Xs[:args.sdv_seeds], ys, seeds):
            CTGANAugmenter(random_state=seed, epochs=args.epochs).fit_resample(X, y)
        sdv = (time.perf_counter() - start) / min(args.sdv_seeds, len(seeds))
        timer.seconds.clear()
        start = time.perf_counter()
        CtganAugmenter(epochs=args.epochs).fit_resample_many(Xs, ys, seeds)
        mit = (time.perf_counter() - start) / len(seeds)
        stages = {k: v / len(seeds) for k, v in timer.seconds.items()}
        rows.append((size, minority, sdv, mit, stages))
        print(f"\n{size} training rows (minority {minority:.0f} on average)")
        print(f"  SDV ctgan, seed by seed ({min(args.sdv_seeds, len(seeds))} seeds): "
              f"{sdv:6.2f} s a seed, {60 / sdv:5.2f} seeds/min")
        print(f"  ctgan-mit, {len(seeds)} seeds batched:          {mit:6.2f} s a seed, "
              f"{60 / mit:5.2f} seeds/min")
        other = mit - sum(stages.values())
        parts = ", ".join(f"{k} {v:.2f} s ({v / mit:.0%})" for k, v in
                          [*stages.items(), ("other", other)])
        print(f"  ctgan-mit per seed: {parts}")
    print("\nsize  minority  SDV s/seed  ctgan-mit s/seed  throughput ratio")
    for size, minority, sdv, mit, _ in rows:
        print(f"{size:>4}  {minority:8.0f}  {sdv:10.2f}  {mit:16.2f}  {sdv / mit:15.2f}x")


if __name__ == "__main__":
    main()
