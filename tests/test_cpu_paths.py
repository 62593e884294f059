"""--cpu-paths: the code paths torch takes reach every process that runs trials, and the record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import augbench
from augbench.cli import main
from augbench.execution.cpu_paths import CPU_PATHS, pinned_here

PROBE = "misbehaving_plugin:CpuPathsProbe"


def _native_capability() -> str:
    """The ATen kernels a fresh process takes on this CPU with nothing pinned."""
    env = {k: v for k, v in os.environ.items() if k not in CPU_PATHS["portable"]}
    done = subprocess.run([sys.executable, "-c", "import torch; "
                           "print(torch.backends.cpu.get_cpu_capability())"],
                          env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _probe(tmp_path: Path, name: str, **options) -> tuple[dict, augbench.Results]:
    seen = tmp_path / f"{name}.json"
    results = augbench.run(augmenters=PROBE, seeds=1, sizes=(60,), out=tmp_path / name,
                           params={PROBE: {"path": str(seen)}}, **options)
    return json.loads(seen.read_text()), results


@pytest.mark.parametrize("how", [{"jobs": 1}, {"jobs": 2}, {"jobs": 1, "executor": "ray"}],
                         ids=["one worker", "two workers", "ray"])
def test_portable_paths_pin_mkl_and_aten_where_the_trials_run(tmp_path: Path, how,
                                                              monkeypatch) -> None:
    if how.get("executor") == "ray":
        pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
        # Ray's workers import the probe's module from the tests' folder, as pool workers do.
        tests = str(Path(__file__).parent)
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
            tests, os.environ.get("PYTHONPATH")])))
    seen, results = _probe(tmp_path, "portable", cpu_paths="portable", **how)
    assert seen == {"MKL_CBWR": "COMPATIBLE", "aten": "DEFAULT"}
    assert results.versions["cpu paths"] == (
        "portable (MKL_CBWR=COMPATIBLE, ATEN_CPU_CAPABILITY=default)")


# A run in the calling process (--fail-fast), in a fresh interpreter: whether torch has
# computed there before decides what a pin can do.
IN_PROCESS = """
import json, os, sys
sys.path.insert(0, {tests!r})
{before}
import augbench
probe = {probe!r}
augbench.run(augmenters=probe, seeds=1, sizes=(60,), fail_fast=True, cpu_paths="portable",
             params={{probe: {{"path": {seen!r}}}}})
print(json.dumps([os.environ.get("MKL_CBWR"), os.environ.get("ATEN_CPU_CAPABILITY")]))
"""


def _in_a_fresh_process(tmp_path: Path, before: str = "") -> subprocess.CompletedProcess:
    seen = tmp_path / "seen.json"
    code = IN_PROCESS.format(tests=str(Path(__file__).parent), before=before, probe=PROBE,
                             seen=str(seen))
    env = {k: v for k, v in os.environ.items() if k not in CPU_PATHS["portable"]}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd=tmp_path)


def test_portable_paths_pin_this_process_for_a_run_in_it_and_leave_no_pin_behind(tmp_path):
    done = _in_a_fresh_process(tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((tmp_path / "seen.json").read_text()) == {"MKL_CBWR": "COMPATIBLE",
                                                                 "aten": "DEFAULT"}
    # No pin is left for the processes started after the run.
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [None, None]


def test_a_run_in_a_process_where_torch_already_computed_is_refused(tmp_path: Path) -> None:
    done = _in_a_fresh_process(tmp_path, before="import torch; torch.ones(8).exp().sum()")
    assert done.returncode != 0 and not (tmp_path / "seen.json").exists()
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("augbench.errors.UsageError: --cpu-paths portable cannot pin torch "
                           "in this process"), last


def test_a_folder_is_not_extended_on_other_code_paths(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    base = ["run", "--augmenters", "none", "--seeds", "2", "--sizes", "60", "--out", str(out)]
    assert main(base) == 0
    capsys.readouterr()
    assert main([*base, "--seeds", "3", "--cpu-paths", "portable"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"error: {out} holds trials run with --cpu-paths native;")
    assert main([*base, "--seeds", "3"]) == 0  # the same paths extend it


def test_native_paths_leave_the_libraries_to_choose(tmp_path: Path) -> None:
    seen, results = _probe(tmp_path, "native", jobs=1)
    assert seen == {"MKL_CBWR": None, "aten": _native_capability()}
    assert results.versions["cpu paths"] == "native"


def test_a_pin_in_this_process_is_restored_after_the_run(monkeypatch) -> None:
    monkeypatch.setenv("MKL_CBWR", "AVX2")
    monkeypatch.delenv("ATEN_CPU_CAPABILITY", raising=False)
    with pinned_here("portable"):
        assert os.environ["MKL_CBWR"] == "COMPATIBLE"
        assert os.environ["ATEN_CPU_CAPABILITY"] == "default"
    assert os.environ["MKL_CBWR"] == "AVX2" and "ATEN_CPU_CAPABILITY" not in os.environ


def test_an_unknown_choice_is_one_error_line(capsys) -> None:
    assert main(["run", "--cpu-paths", "intel", "--seeds", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument --cpu-paths: invalid choice: 'intel'")
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(augbench.UsageError, match="cpu_paths is one of native, portable"):
        augbench.run(cpu_paths="intel", seeds=2)
