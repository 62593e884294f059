"""Do the neural augmenters' rows depend on the CPU's code paths, and what does pinning them cost?

torch's CPU build runs its matrix products in MKL and its elementwise kernels in ATen's
vectorised code, and both choose a code path by the CPU they find (AVX-512, AVX2, SSE; Intel or
AMD). Rounding differs between the paths, training amplifies it, and a neural augmenter's rows
come out different on another machine. Part one emulates the machines one CPU can stand in for
through the libraries' own switches (``MKL_ENABLE_INSTRUCTIONS`` caps MKL, ``ATEN_CPU_CAPABILITY``
picks ATen's kernels, as an older CPU would; and two threads instead of augbench's one) and, for
each way of pinning the paths (``MKL_CBWR``, MKL's conditional numerical reproducibility, and
``ATEN_CPU_CAPABILITY``), prints whether each augmenter's rows are bit-identical on every
emulated machine, whether they are this CPU's unpinned rows, and the seconds a fit takes
(median of ``--repeats``). Another vendor's MKL path cannot be emulated on one machine. Part two
times whole ``augbench run`` commands with ``--cpu-paths native`` and ``portable`` in turn
(``--runs`` pairs, a fresh folder each) and prints the medians and their ratio.

    python benchmarks/neural_cpu_paths.py [--augmenters gan,ddpm,dpgan] [--seeds 2] [--rows 200]
                                          [--runs 5] [--run-seeds 16]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One fit per seed in a fresh process: the switches act only before torch first computes.
FIT = r"""
import hashlib, json, sys, time
from contextlib import nullcontext
import numpy as np
import torch
from augbench.experiment.datasets import load_dataset
from augbench.plugin.kit import single_threaded
from augbench.registry import default_registry

augmenters = sys.argv[1].split(",")
seeds, rows, repeats, threads = (int(v) for v in sys.argv[2:6])
registry = default_registry()
table = load_dataset("breast-cancer", registry=registry)
take = np.random.default_rng(0).permutation(len(table.y))[:rows]
X, y = table.X.iloc[take].reset_index(drop=True), table.y[take]
found = {"aten": torch.backends.cpu.get_cpu_capability()}
torch.set_num_threads(threads)
with single_threaded() if threads == 1 else nullcontext():
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

ATEN_LEVELS = ("default", "avx2", "avx512")

# Ways of pinning the paths: MKL's branch, and ATen's kernels (which a CPU without them cannot
# honour: it runs the best it has below them).
PINS = {
    "unpinned (torch's default)": ({}, None),
    "MKL_CBWR=COMPATIBLE": ({"MKL_CBWR": "COMPATIBLE"}, None),
    "ATen avx2": ({}, "avx2"),
    "ATen default": ({}, "default"),
    "MKL_CBWR=COMPATIBLE, ATen avx2": ({"MKL_CBWR": "COMPATIBLE"}, "avx2"),
    "MKL_CBWR=COMPATIBLE, ATen default (--cpu-paths portable)": ({"MKL_CBWR": "COMPATIBLE"},
                                                                 "default"),
}


def clean_environment() -> dict[str, str]:
    """This process's environment without any MKL or ATen switch."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("MKL_", "ATEN_"))}


def native_level() -> str:
    """The best of ATen's kernels this CPU runs ("avx512", "avx2" or "default")."""
    found = subprocess.run([sys.executable, "-c", "import torch; "
                            "print(torch.backends.cpu.get_cpu_capability())"],
                           env=clean_environment(), capture_output=True, text=True, check=True)
    level = found.stdout.strip().lower()
    return level if level in ATEN_LEVELS else "default"


def machines(best: str) -> dict[str, tuple[dict[str, str], str, int]]:
    """Machines this CPU can stand in for: what MKL may use, the best ATen kernels, threads."""
    found = {"this CPU": ({}, best, 1), "this CPU, 2 threads": ({}, best, 2)}
    if ATEN_LEVELS.index(best) > ATEN_LEVELS.index("avx2"):
        found["AVX2 CPU"] = ({"MKL_ENABLE_INSTRUCTIONS": "AVX2"}, "avx2", 1)
    found["AVX CPU"] = ({"MKL_ENABLE_INSTRUCTIONS": "AVX"}, "default", 1)
    return found


def environment(machine: tuple[dict[str, str], str, int], pin: str,
                best: str) -> dict[str, str]:
    """The switches that make this CPU run as ``machine`` would under ``pin``."""
    (caps, level, threads), (pinned, asked) = machine, PINS[pin]
    aten = level if asked is None else min(asked, level, key=ATEN_LEVELS.index)
    return {**caps, **pinned, "OMP_NUM_THREADS": str(threads),
            **({} if aten == best else {"ATEN_CPU_CAPABILITY": aten})}


def fit(env: dict[str, str], augmenters: str, seeds: int, rows: int, repeats: int,
        threads: int) -> dict:
    done = subprocess.run([sys.executable, "-c", FIT, augmenters, str(seeds), str(rows),
                           str(repeats), str(threads)], env={**clean_environment(), **env},
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare_paths(names: list[str], args: argparse.Namespace) -> None:
    """Part one: the rows on every emulated machine, under each pin."""
    best = native_level()
    emulated = machines(best)
    base_seconds: dict[str, float] = {}
    base_rows: dict[str, tuple] = {}
    print(f"this CPU runs ATen's {best} kernels; machines emulated: {', '.join(emulated)}")
    print(f"{'pin':58} {'augmenter':9} {'same rows on every machine':30} {'rows as unpinned':16} "
          f"{'s/fit':>7} {'x unpinned':>10}")
    for pin in PINS:
        runs = {name: fit(environment(machine, pin, best), args.augmenters, args.seeds,
                          args.rows, args.repeats if name == "this CPU" else 1, machine[2])
                for name, machine in emulated.items()}
        for name in names:
            digests = {machine: tuple(found[name]["digests"]) for machine, found in runs.items()}
            differing = [m for m, d in digests.items() if d != digests["this CPU"]]
            seconds = statistics.median(runs["this CPU"][name]["seconds"])
            base_seconds.setdefault(name, seconds)
            base_rows.setdefault(name, digests["this CPU"])
            verdict = "yes" if not differing else "no: " + ", ".join(differing)
            as_unpinned = "yes" if digests["this CPU"] == base_rows[name] else "no"
            print(f"{pin:58} {name:9} {verdict:30} {as_unpinned:16} {seconds:7.2f} "
                  f"{seconds / base_seconds[name]:10.2f}")


def time_runs(names: list[str], args: argparse.Namespace) -> None:
    """Part two: whole runs, --cpu-paths native and portable in turn, a fresh folder each."""
    print(f"\nwhole runs: augbench run --augmenters NAME --seeds {args.run_seeds} --sizes "
          f"{args.run_size} --jobs 1, {args.runs} of each in turn (wall seconds, median)")
    for name in names:
        seconds: dict[str, list[float]] = {"native": [], "portable": []}
        for _ in range(args.runs):
            for choice in seconds:
                folder = Path(tempfile.mkdtemp(prefix="augbench-cpu-paths-"))
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "augbench.cli", "run", "--augmenters", name,
                                "--classifiers", "lr", "--seeds", str(args.run_seeds), "--sizes",
                                str(args.run_size), "--jobs", "1", "--quiet", "--out",
                                str(folder), "--cpu-paths", choice],
                               env=clean_environment(), check=True, capture_output=True, cwd=ROOT)
                seconds[choice].append(time.perf_counter() - start)
                shutil.rmtree(folder)
        native, portable = (statistics.median(seconds[c]) for c in ("native", "portable"))
        ratios = [p / n for n, p in zip(seconds["native"], seconds["portable"])]
        print(f"{name:9} native {native:6.1f} s   portable {portable:6.1f} s   portable/native "
              f"{statistics.median(ratios):.2f} (pairs {min(ratios):.2f}-{max(ratios):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--augmenters", default="gan,ddpm,dpgan",
                        help="dpgan is left out where its extra (opacus) is not installed")
    parser.add_argument("--seeds", type=int, default=2, help="seeds fitted per machine and pin")
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="timed pairs of whole runs (0: none)")
    parser.add_argument("--run-seeds", type=int, default=16)
    parser.add_argument("--run-size", type=int, default=300)
    args = parser.parse_args()
    names = [n for n in args.augmenters.split(",")
             if n != "dpgan" or importlib.util.find_spec("opacus") is not None]
    args.augmenters = ",".join(names)
    compare_paths(names, args)
    if args.runs:
        time_runs(names, args)


if __name__ == "__main__":
    main()
