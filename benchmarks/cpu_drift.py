"""How far the golden trials move between CPU kernels, against the golden test's tolerances.

The golden test (tests/test_golden.py) compares every trial with numbers written on another
machine. Last-bit differences in BLAS (OpenBLAS picks a kernel per CPU), in torch's vectorised
kernels and in MKL are amplified by optimisers (SciPy's, in the copula's fits; Adam, in the
GAN's) and by classifiers that cut at thresholds (trees). This script recomputes the golden
trials in subprocesses, each forcing other kernels through the libraries' own environment
variables (``OPENBLAS_CORETYPE``, ``ATEN_CPU_CAPABILITY``, ``MKL_ENABLE_INSTRUCTIONS``), and
prints, per augmenter and classifier, the largest difference from the golden files and the
tolerance the test allows it.

    python benchmarks/cpu_drift.py [--kernels Haswell,Zen,Prescott]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from test_golden import GOLDEN, METRICS, NAMES, tolerance  # noqa: E402

COMPUTE = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_golden import golden_rows
with tempfile.TemporaryDirectory() as folder:
    rows = {{name: golden_rows(name, Path(folder)) for name in {names!r}}}
Path(sys.argv[1]).write_text(json.dumps(rows))
"""


def variants(kernels: list[str]) -> dict[str, dict[str, str]]:
    """Environments to compute the golden trials in: this machine's defaults, then each OpenBLAS
    kernel with torch and MKL held to AVX2 (an older or another vendor's CPU)."""
    found = {"default": {}}
    for kernel in kernels:
        found[f"OpenBLAS {kernel}, torch/MKL AVX2"] = {
            "OPENBLAS_CORETYPE": kernel, "ATEN_CPU_CAPABILITY": "avx2",
            "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
    return found


def compute(env: dict[str, str]) -> dict[str, list[dict]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "rows.json"
        code = COMPUTE.format(tests=str(TESTS), names=NAMES)
        subprocess.run([sys.executable, "-c", code, str(out)], check=True,
                       env={**os.environ, **env}, stderr=subprocess.DEVNULL)
        return json.loads(out.read_text())


def drift(rows: dict[str, list[dict]]) -> dict[tuple[str, str], float]:
    """The largest difference from the golden files per (augmenter, classifier)."""
    worst: dict[tuple[str, str], float] = {}
    for name in NAMES:
        expected = json.loads((GOLDEN / f"{name}.json").read_text())
        for got, want in zip(rows[name], expected):
            pair = (want["augmenter"], want["classifier"])
            diffs = [abs(float.fromhex(got[m]) - float.fromhex(want[m])) for m in METRICS]
            worst[pair] = max(worst.get(pair, 0.0), *diffs)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default="Haswell,SkylakeX,Zen,Sandybridge,Prescott",
                        help="OpenBLAS kernels to force (OPENBLAS_CORETYPE)")
    args = parser.parse_args()
    results = {label: drift(compute(env)) for label, env in variants(args.kernels.split(",")).items()}
    pairs = sorted(next(iter(results.values())))
    labels = list(results)
    print(f"largest |difference| from tests/golden/ over {len(METRICS)} metrics, 3 seeds, 2 sizes")
    print(f"{'augmenter/classifier':<22}{'tolerance':>11}" + "".join(f"  {label}" for label in labels))
    for augmenter, classifier in pairs:
        allowed = tolerance(augmenter, classifier)
        cells = "".join(f"  {results[label][(augmenter, classifier)]:>{len(label)}.1e}"
                        for label in labels)
        print(f"{augmenter + '/' + classifier:<22}{allowed:>11.0e}{cells}")
    over = [(label, pair) for label in labels for pair in pairs
            if results[label][pair] > tolerance(*pair)]
    print("every kernel within the tolerances" if not over else f"OVER the tolerance: {over}")


if __name__ == "__main__":
    main()
