"""The GAN on one device: are batched seeds identical to solo fits there, and how long does an
augmentation take each way? Run on a GPU machine with ``--device cuda``.

    python benchmarks/gan_device_check.py [--device cuda] [--seeds 8] [--rows 400]

Prints the largest difference between each seed's rows from one ``fit_resample_many`` call and
from its own ``fit_resample``, the seconds per seed of both, and their ratio. On the CPU the
rows are bit-identical (tests/test_gan.py pins it); on a GPU the math library may choose other
kernels for a batch of one, so this reports what the device gives rather than asserting it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from augbench_plugins.gan.model import GanAugmenter

from augbench.testing import make_mixed_table


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    tables = [make_mixed_table(args.rows, seed=s) for s in range(args.seeds)]
    gan = GanAugmenter(device=args.device, steps=args.steps)
    GanAugmenter(device=args.device, steps=5, random_state=0).fit_resample(*tables[0])  # warm-up
    _sync()
    start = time.perf_counter()
    batched = gan.fit_resample_many([t[0] for t in tables], [t[1] for t in tables],
                                    list(range(args.seeds)))
    _sync()
    batched_s = (time.perf_counter() - start) / args.seeds
    start = time.perf_counter()
    solo = [GanAugmenter(device=args.device, steps=args.steps, random_state=s).fit_resample(X, y)
            for s, (X, y) in enumerate(tables)]
    _sync()
    solo_s = (time.perf_counter() - start) / args.seeds
    worst, identical = 0.0, 0
    for (Xb, _), (Xs, _) in zip(batched, solo):
        numeric = Xb.select_dtypes("number").columns
        diff = float(np.max(np.abs(Xb[numeric].to_numpy(float) - Xs[numeric].to_numpy(float))))
        worst = max(worst, diff)
        identical += int(diff == 0 and Xb.equals(Xs))
    name = torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    print(f"device {args.device} ({name}), torch {torch.__version__}, {args.seeds} seeds, "
          f"{args.rows} rows, {args.steps} steps")
    print(f"seeds whose batched rows equal their solo rows exactly: {identical} of {args.seeds}; "
          f"largest numeric difference {worst:.3g}")
    print(f"seconds per seed: solo {solo_s:.3f}, batched {batched_s:.3f}, "
          f"speedup {solo_s / batched_s:.1f}x")


if __name__ == "__main__":
    main()
