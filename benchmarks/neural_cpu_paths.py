"""Do the neural augmenters' rows depend on the CPU's code paths, and what does pinning them cost?

torch's CPU build runs its matrix products in MKL and its elementwise kernels in ATen's
vectorised code, and both choose a code path by the CPU they find (AVX-512, AVX2, SSE; Intel or
AMD). Rounding differs between the paths, Adam amplifies it, and a GAN's synthetic rows come out
different on another machine. This script emulates the paths one machine can run through the
libraries' own switches (``MKL_ENABLE_INSTRUCTIONS`` caps MKL, ``ATEN_CPU_CAPABILITY`` picks
ATen's kernels, as an older or another vendor's CPU would) and, for each way of pinning the
paths (``MKL_CBWR``, MKL's conditional numerical reproducibility, and ``ATEN_CPU_CAPABILITY``),
prints whether each augmenter's rows are bit-identical on every emulated machine, whether they
are this CPU's unpinned rows, and the seconds a fit takes (median of ``--repeats``) against the
unpinned default, side by side.

    python benchmarks/neural_cpu_paths.py [--augmenters gan,ddpm] [--seeds 2] [--rows 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# One fit per seed in a fresh process: the switches act only before torch first computes.
FIT = r"""
import hashlib, json, sys, time
import numpy as np
import torch
from augbench.experiment.datasets import load_dataset
from augbench.plugin.kit import single_threaded
from augbench.registry import default_registry

augmenters = sys.argv[1].split(",")
seeds, rows, repeats = (int(v) for v in sys.argv[2:5])
registry = default_registry()
table = load_dataset("breast-cancer", registry=registry)
take = np.random.default_rng(0).permutation(len(table.y))[:rows]
X, y = table.X.iloc[take].reset_index(drop=True), table.y[take]
found = {"aten": torch.backends.cpu.get_cpu_capability()}
with single_threaded():
    for name in augmenters:
        digests, seconds = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            outputs = [registry.create("augmenters", name, random_state=s).fit_resample(X, y)
                       for s in range(seeds)]
            seconds.append((time.perf_counter() - start) / seeds)
        for X_res, y_res in outputs:
            digests.append(hashlib.sha256(X_res.to_numpy(dtype=float).tobytes()).hexdigest()[:12])
        found[name] = {"digests": digests, "seconds": seconds}
print(json.dumps(found))
"""

# Machines one CPU can stand in for: its own paths, then capped ones (what MKL may use, and the
# best of ATen's kernels the CPU has).
MACHINES = {
    "this CPU": ({}, "avx512"),
    "AVX2 CPU": ({"MKL_ENABLE_INSTRUCTIONS": "AVX2"}, "avx2"),
    "AVX CPU": ({"MKL_ENABLE_INSTRUCTIONS": "AVX"}, "default"),
}
ATEN_LEVELS = ("default", "avx2", "avx512")

# Ways of pinning the paths: MKL's branch, and ATen's kernels (which a CPU without them cannot
# honour: it runs the best it has below them).
PINS = {
    "unpinned (torch's default)": ({}, None),
    "MKL_CBWR=COMPATIBLE": ({"MKL_CBWR": "COMPATIBLE"}, None),
    "ATen avx2": ({}, "avx2"),
    "ATen default": ({}, "default"),
    "MKL_CBWR=COMPATIBLE, ATen avx2": ({"MKL_CBWR": "COMPATIBLE"}, "avx2"),
    "MKL_CBWR=COMPATIBLE, ATen default": ({"MKL_CBWR": "COMPATIBLE"}, "default"),
}


def environment(machine: str, pin: str) -> dict[str, str]:
    """The switches that make this CPU run as ``machine`` would under ``pin``."""
    (caps, best), (pinned, asked) = MACHINES[machine], PINS[pin]
    aten = best if asked is None else min(asked, best, key=ATEN_LEVELS.index)
    return {**caps, **pinned, **({} if aten == "avx512" else {"ATEN_CPU_CAPABILITY": aten})}


def fit(env: dict[str, str], augmenters: str, seeds: int, rows: int, repeats: int) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MKL_", "ATEN_"))}
    done = subprocess.run([sys.executable, "-c", FIT, augmenters, str(seeds), str(rows),
                           str(repeats)], env={**clean, **env, "OMP_NUM_THREADS": "1"},
                          check=True, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--augmenters", default="gan,ddpm")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pins", default=",".join(str(i) for i in range(len(PINS))),
                        help="which pins to try, by position in the table (0 is unpinned)")
    args = parser.parse_args()
    names = args.augmenters.split(",")
    chosen = [list(PINS)[int(i)] for i in args.pins.split(",")]
    base_seconds: dict[str, float] = {}
    base_rows: dict[str, tuple] = {}
    print(f"{'pin':36} {'augmenter':9} {'same rows on every machine':28} {'rows as unpinned':16} "
          f"{'s/fit':>7} {'x unpinned':>10}")
    for pin in chosen:
        runs = {machine: fit(environment(machine, pin), args.augmenters, args.seeds, args.rows,
                             args.repeats if machine == "this CPU" else 1)
                for machine in MACHINES}
        for name in names:
            digests = {machine: tuple(found[name]["digests"]) for machine, found in runs.items()}
            same = len(set(digests.values())) == 1
            differing = [m for m, d in digests.items() if d != digests["this CPU"]]
            seconds = statistics.median(runs["this CPU"][name]["seconds"])
            base_seconds.setdefault(name, seconds)
            base_rows.setdefault(name, digests["this CPU"])
            verdict = "yes" if same else "no: " + ", ".join(differing)
            as_unpinned = "yes" if digests["this CPU"] == base_rows[name] else "no"
            print(f"{pin:36} {name:9} {verdict:28} {as_unpinned:16} {seconds:7.2f} "
                  f"{seconds / base_seconds[name]:10.2f}")
        paths = {machine: found["aten"] for machine, found in runs.items()}
        print(f"{'':36} ATen kernels used: {paths}")


if __name__ == "__main__":
    main()
