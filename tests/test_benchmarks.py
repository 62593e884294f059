"""Every benchmark script still starts: its imports and options (``--help``), and the GAN's
throughput benchmark, which reaches into the plugin's internals, at its smallest arguments.

The studies themselves run for minutes to hours and are run by hand; these tests only keep a
refactor from breaking them silently."""

from __future__ import annotations

import contextlib
import io
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))


def _run_script(script: Path, *args: str) -> str:
    """Run ``script`` as ``python script args`` would, in this process; what it printed."""
    printed = io.StringIO()
    argv, path = sys.argv, list(sys.path)
    sys.argv = [str(script), *args]
    sys.path.insert(0, str(script.parent))
    try:
        with contextlib.redirect_stdout(printed), pytest.raises(SystemExit) as stopped:
            runpy.run_path(str(script), run_name="__main__")
            raise SystemExit(0)  # a script that ends without exiting
    finally:
        sys.argv, sys.path[:] = argv, path
    assert stopped.value.code in (0, None), printed.getvalue()
    return printed.getvalue()


def test_there_are_benchmarks_to_check() -> None:
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_each_benchmark_imports_and_describes_its_options(script: Path) -> None:
    printed = _run_script(script, "--help")
    assert printed.startswith("usage:"), printed[:200]


def test_the_gan_throughput_benchmark_runs_at_its_smallest() -> None:
    printed = _run_script(BENCHMARKS / "gan_throughput.py", "--device", "cpu", "--seeds", "2",
                          "--steps", "1", "--rows", "40")
    assert "batched (2 models as one)" in printed and "speedup" in printed.splitlines()[-1]


def test_the_gpu_check_script_is_valid_shell() -> None:
    subprocess.run(["bash", "-n", str(BENCHMARKS / "gpu_checks.sh")], check=True)
