"""GAN training throughput: 32 seeds one at a time versus as one batched model.

Trains the default ``gan`` on a ~2,000-row minority table (the heart-attack-risk table's minority
when ../shared/data is present, else a generated mixed table of that shape) for a fixed number of
steps, first seed by seed, then all seeds as one batch, and prints steps per second, the matmul
FLOP rate next to this machine's measured matmul peak, and, last, ``speedup Nx``.
Torch keeps its default thread count in both modes.

    python benchmarks/gan_throughput.py [--device auto|cpu|cuda] [--seeds 32] [--steps 300]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from augbench_plugins.gan.model import GanAugmenter
from augbench_plugins.gan.network import GanBatch
from augbench_plugins.neural.encoding import Layout, TableEncoder
from augbench_plugins.neural.helpers import torch_device

HEART = Path(__file__).resolve().parents[2] / "shared" / "data" / "heart_attack_risk.csv"
ROWS = 2000


def minority_table(rows: int) -> tuple[pd.DataFrame, str]:
    """The heart table's minority rows if present, else a generated table of the same shape."""
    if HEART.is_file():
        import augbench

        ds = augbench.read_table(HEART, target="Heart Attack Risk",
                                 drop=("Patient ID", "Blood Pressure"))
        return ds.X[ds.y == 1].iloc[:rows].reset_index(drop=True), f"{HEART.name} minority"
    rng = np.random.default_rng(0)
    numeric = {f"x{i}": rng.normal(size=rows) for i in range(14)}
    numeric.update({f"n{i}": rng.integers(0, 10, rows).astype(np.int64) for i in range(4)})
    cats = {f"c{i}": pd.Categorical(rng.integers(0, k, rows).astype(str))
            for i, k in enumerate((2, 3, 20, 6, 2))}
    return pd.DataFrame({**numeric, **cats}), "generated mixed table"


def matmul_peak(device: torch.device, n: int = 2048, reps: int = 10) -> float:
    """FLOP/s of a large float32 matmul on ``device``: the practical ceiling for the GAN."""
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    a @ b
    _sync(device)
    start = time.perf_counter()
    for _ in range(reps):
        a @ b
    _sync(device)
    return 2 * n ** 3 * reps / (time.perf_counter() - start)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed_steps(batch: GanBatch, steps: int, device: torch.device) -> float:
    """Seconds for ``steps`` training steps, after one warm-up step."""
    batch.train(1)
    _sync(device)
    start = time.perf_counter()
    batch.train(steps)
    _sync(device)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    parser.add_argument("--seeds", type=int, default=32, help="models trained (default 32)")
    parser.add_argument("--steps", type=int, default=300, help="timed steps per model")
    parser.add_argument("--rows", type=int, default=ROWS, help="minority rows (default 2000)")
    args = parser.parse_args()

    device = torch_device(args.device)
    X, source = minority_table(args.rows)
    gan = GanAugmenter()
    config = gan._config()
    layout = Layout.of(X)
    encoder = TableEncoder(layout, gan.numeric_scaling).fit(X)
    data, present = encoder.transform(X, np.random.default_rng(0)), encoder.present

    def build(seeds, spare=True):
        return GanBatch(
            config, len(layout.numeric), layout.category_counts, [data] * len(seeds),
            [present] * len(seeds), seeds, device, spare=spare)
    seeds = list(range(args.seeds))
    flops = config.matmul_flops(layout.width)

    print(f"table: {source}, {len(X)} rows, {X.shape[1]} columns, encoded width {layout.width}")
    print(f"device: {device}, torch {torch.__version__}, threads {torch.get_num_threads()} "
          f"(cpus {os.cpu_count()}), load average {os.getloadavg()[0]:.2f}")
    print(f"gan: noise {config.noise_dim}, G {config.generator_dims}, D "
          f"{config.discriminator_dims}, batch {config.batch_size}; "
          f"{flops / 1e6:.2f} MFLOP of matmul per model-step")
    peak = matmul_peak(device)
    print(f"measured matmul peak (2048x2048 float32): {peak / 1e9:.1f} GFLOP/s")

    alone = sum(timed_steps(build([s]), args.steps, device) for s in seeds)
    alone_rate = args.seeds * args.steps / alone
    bare = sum(timed_steps(build([s], spare=False), args.steps, device) for s in seeds[:4])
    bare_rate = 4 * args.steps / bare
    together = timed_steps(build(seeds), args.steps, device)
    batched_rate = args.seeds * args.steps / together

    def line(name: str, rate: float, real_flops: float) -> str:
        return (f"{name:<44} {rate:8.1f} model-steps/s  {real_flops * rate / 1e9:6.2f} GFLOP/s "
                f"({real_flops * rate / peak:5.1%} of peak)")

    print(f"{args.steps} steps per model, {args.seeds} models")
    print(line("alone (fit_resample: model + spare copy)", alone_rate, 2 * flops)
          + "  [FLOPs count the spare]")
    print(line("alone without the spare (4 seeds, not exact)", bare_rate, flops))
    print(line(f"batched ({args.seeds} models as one)", batched_rate, flops))
    print(f"(speedup over alone without the spare: {batched_rate / bare_rate:.1f}x)")
    print(f"speedup {batched_rate / alone_rate:.1f}x")


if __name__ == "__main__":
    main()
