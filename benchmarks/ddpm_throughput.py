"""DDPM throughput: 16 seeds one ``fit_resample`` at a time versus one ``fit_resample_many`` call.

Each seed gets its own stratified 80% subsample of a real table (as augbench's runner gives each
seed its own training rows), and both arms augment it to 1:1 with the default ``ddpm``: training
and sampling, timed end to end, with the same torch thread count. It prints seconds per fit of
each arm, checks that every seed's rows are bit-identical between the two, and, last,
``speedup Nx``. The table is UCI Cleveland heart disease from ../shared/data (missing cells
filled with the column's median or mode); without that folder, a generated mixed table.

    python benchmarks/ddpm_throughput.py [--seeds 16] [--steps 1000] [--threads 1] [--table pima]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from augbench_plugins.diffusion.ddpm_model import DdpmAugmenter

import augbench
from augbench.testing import make_mixed_table

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TABLES = {"cleveland": ("heart-disease-cleveland", "heart_disease_cleveland.csv"),
          "pima": ("pima-diabetes", "pima_diabetes.csv")}


def load(table: str) -> tuple[pd.DataFrame, np.ndarray, str]:
    """The named shared table with missing cells filled, or a generated one if it is absent."""
    name, file = TABLES[table]
    if not (DATA / file).is_file():
        X, y = make_mixed_table(300)
        return X, y, "generated mixed table (shared data absent)"
    ds = augbench.load_dataset(name, path=str(DATA / file))
    X = ds.X.copy()
    for col in X.columns[X.isna().any().to_numpy()]:
        categorical = isinstance(X[col].dtype, pd.CategoricalDtype)
        X[col] = X[col].fillna(X[col].mode().iloc[0] if categorical else X[col].median())
    return X, np.asarray(ds.y), f"{file} (missing cells filled)"


def subsample(X: pd.DataFrame, y: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A stratified 80% of the rows, drawn with a generator of ``seed``."""
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:int(0.8 * np.sum(y == c))]
                           for c in (0, 1)])
    keep.sort()
    return X.iloc[keep].reset_index(drop=True), y[keep]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=16, help="fits per arm (default 16)")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: ddpm's)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads for both arms (default 1, as augbench's runner gives "
                             "each fit; more only pays where cores are idle)")
    parser.add_argument("--table", choices=sorted(TABLES), default="cleveland")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    X, y, source = load(args.table)
    seeds = list(range(args.seeds))
    tables = [subsample(X, y, s) for s in seeds]
    params = {} if args.steps is None else {"steps": args.steps}
    ddpm = DdpmAugmenter(**params)
    config = ddpm._config()
    added = [augbench.rows_to_add(t[1]) for t in tables]
    print(f"table: {source}; per seed {len(tables[0][0])} rows, {int(tables[0][1].sum())} "
          f"minority, {X.shape[1]} columns; {int(np.mean(added))} rows added on average")
    print(f"ddpm: steps {config.steps}, timesteps {config.timesteps}, batch {config.batch_size}, "
          f"hidden {config.hidden_dims}, time_dim {config.time_dim}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()} (cpus {os.cpu_count()}), "
          f"load average {os.getloadavg()[0]:.2f}")
    DdpmAugmenter(steps=5, random_state=0).fit_resample(*tables[0])  # warm-up: imports, allocator

    # Wall time, and this process's CPU time: on a shared machine the latter is what the work
    # cost, whatever else ran meanwhile (with one thread the two agree on an idle machine).
    wall, cpu = time.perf_counter(), time.process_time()
    alone = [DdpmAugmenter(random_state=s, **params).fit_resample(Xs, ys)
             for (Xs, ys), s in zip(tables, seeds)]
    alone_s, alone_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    together = ddpm.fit_resample_many([t[0] for t in tables], [t[1] for t in tables], seeds)
    together_s, together_cpu = time.perf_counter() - wall, time.process_time() - cpu

    same = sum(a[0].equals(b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(alone, together))
    n = args.seeds
    for name, s, c in (("one at a time (fit_resample)", alone_s, alone_cpu),
                       (f"batched ({n} seeds, fit_resample_many)", together_s, together_cpu)):
        print(f"{name:<38} {n / s:6.2f} fits/s  {s / n:6.3f} s per fit ({c / n:6.3f} s CPU)  "
              f"{s:6.1f} s in all")
    print(f"rows identical: {same}/{n} seeds bit-identical to their solo fit")
    print(f"speedup in CPU time {alone_cpu / together_cpu:.1f}x")
    print(f"speedup {alone_s / together_s:.1f}x")


if __name__ == "__main__":
    main()
