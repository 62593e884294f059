"""Durability and scale: the results store, resume after SIGKILL, refusal to mix experiments,
timeouts, worker crashes, and identical numbers for any number of jobs or executor."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import augbench
from augbench.builtin.classification import CLASSIFICATION_METRICS
from augbench.errors import UsageError
from augbench.execution.settings import Execution
from augbench.registry import make_registry
from augbench.runner import load_results

METRICS = tuple(CLASSIFICATION_METRICS)

NUMBERS = ["dataset", "size", "seed", "augmenter", "classifier", "status", *METRICS, "n_synthetic"]
GRID = dict(augmenters=("none", "smote"), classifiers=("lr",), seeds=4, sizes=(100, 200))


def _stored(out: Path) -> int:
    with sqlite3.connect(out / "results.sqlite") as db:
        try:
            return db.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
        except sqlite3.OperationalError:  # the run has created the file, not yet its tables
            return 0


def test_rerun_resumes_and_skips_finished_trials(tmp_path: Path) -> None:
    first = augbench.run(out=tmp_path, **GRID)
    seen = []
    second = augbench.run(out=tmp_path, on_trial=seen.append, **GRID)
    assert len(seen) == 16 and _stored(tmp_path) == 16
    pd.testing.assert_frame_equal(first.trials[NUMBERS], second.trials[NUMBERS])
    assert set(pd.read_csv(tmp_path / "trials.csv")["seed"]) == {0, 1, 2, 3}
    # timings are stored, not recomputed: the resumed run ran no trial
    assert second.trials["fit_seconds"].tolist() == first.trials["fit_seconds"].tolist()


def test_another_experiment_in_the_same_folder_is_refused_unless_overwritten(tmp_path) -> None:
    augbench.run(out=tmp_path, **GRID)
    # A plugin parameter is part of the experiment's identity.
    other = {**GRID, "params": {"smote": {"k_neighbors": 3}}}
    with pytest.raises(UsageError, match="another experiment \\(changed: params of smote\\)"):
        augbench.run(out=tmp_path, **other)
    augbench.run(out=tmp_path, overwrite=True, **other)
    assert _stored(tmp_path) == 16


def test_an_edited_data_file_is_another_experiment(tmp_path: Path) -> None:
    from conftest import mixed_table

    table = mixed_table(tmp_path / "mixed.csv")
    grid = {**GRID, "data": (augbench.DataSpec(str(table), target="outcome"),), "sizes": (100,)}
    augbench.run(out=tmp_path / "out", **grid)
    frame = pd.read_csv(table)
    frame.loc[0, "age"] += 1
    frame.to_csv(table, index=False)
    with pytest.raises(UsageError, match="changed: tables"):
        augbench.run(out=tmp_path / "out", **grid)


def test_more_seeds_extend_a_finished_experiment(tmp_path: Path, monkeypatch) -> None:
    grid = {**GRID, "seeds": 3}
    augbench.run(out=tmp_path / "ext", **grid)
    executed = _spy_on_trials(monkeypatch)
    extended = augbench.run(out=tmp_path / "ext", **{**grid, "seeds": 6})
    assert sorted({seed for *_, seed in executed}) == [3, 4, 5]  # only the new seeds ran
    fresh = augbench.run(out=tmp_path / "fresh", **{**grid, "seeds": 6})
    pd.testing.assert_frame_equal(extended.trials[NUMBERS], fresh.trials[NUMBERS])
    assert _stored(tmp_path / "ext") == 24
    assert load_results(tmp_path / "ext").config["seeds"] == 6


def _spy_on_trials(monkeypatch) -> list[tuple]:
    """The (augmenter, classifier, seed) of every trial the runs from now on execute."""
    import augbench.runner

    executed: list[tuple] = []
    original = augbench.runner.execute

    def spy(trials, plan, execution):
        executed.extend((t.augmenter, t.classifier, t.seed) for t in trials)
        return original(trials, plan, execution)

    monkeypatch.setattr(augbench.runner, "execute", spy)
    return executed


def test_more_augmenters_and_classifiers_extend_a_finished_experiment(
        tmp_path: Path, monkeypatch) -> None:
    grid = {**GRID, "seeds": 3, "sizes": (100,)}
    augbench.run(out=tmp_path / "ext", **grid)
    executed = _spy_on_trials(monkeypatch)
    bigger = {**grid, "augmenters": ("none", "smote", "ros"), "classifiers": ("lr", "rf")}
    extended = augbench.run(out=tmp_path / "ext", **bigger)
    # Only the trials of the new arms ran: ros with both classifiers, every augmenter with rf.
    assert sorted(set(executed)) == sorted(
        {("ros", c, s) for c in ("lr", "rf") for s in range(3)}
        | {(a, "rf", s) for a in ("none", "smote") for s in range(3)})
    assert extended.reused == 6  # none and smote with lr, 3 seeds
    fresh = augbench.run(out=tmp_path / "fresh", **bigger)
    assert fresh.reused == 0
    executed.clear()
    pd.testing.assert_frame_equal(extended.trials[NUMBERS], fresh.trials[NUMBERS])
    pd.testing.assert_frame_equal(extended.comparisons, fresh.comparisons)
    whole = load_results(tmp_path / "ext")
    assert whole.config["augmenters"] == ["none", "smote", "ros"]
    assert whole.config["classifiers"] == ["lr", "rf"] and whole.planned == 18
    # A run of some of the arms reuses their trials and reports them alone; the store keeps all.
    part = augbench.run(out=tmp_path / "ext", **{**grid, "augmenters": ("none", "ros")})
    assert not executed and set(part.trials["augmenter"]) == {"none", "ros"}
    assert _stored(tmp_path / "ext") == 18
    assert load_results(tmp_path / "ext").config["augmenters"] == ["none", "smote", "ros"]


def test_a_new_arm_brings_its_parameters_a_shared_arm_keeps_its_own(tmp_path: Path) -> None:
    augbench.run(out=tmp_path, **{**GRID, "seeds": 2, "sizes": (100,)})
    with_ros = {**GRID, "seeds": 2, "sizes": (100,), "augmenters": ("none", "smote", "ros"),
                "params": {"ros": {"shrinkage": 0.5}}}
    augbench.run(out=tmp_path, **with_ros)
    assert load_results(tmp_path).config["params"] == {"ros": {"shrinkage": 0.5}}
    changed = {**with_ros, "params": {"ros": {"shrinkage": 1.0}}}
    with pytest.raises(UsageError, match="another experiment \\(changed: params of ros\\)"):
        augbench.run(out=tmp_path, **changed)


def test_a_store_is_recognised_by_its_configuration_not_its_stored_hash(tmp_path: Path,
                                                                         monkeypatch) -> None:
    augbench.run(out=tmp_path, **GRID)
    with sqlite3.connect(tmp_path / "results.sqlite") as db:  # as a store from an older release
        db.execute("UPDATE meta SET value = 'written-by-another-definition' "
                   "WHERE key = 'config_hash'")
    executed = _spy_on_trials(monkeypatch)
    augbench.run(out=tmp_path, **GRID)
    assert not executed


def test_report_rerenders_from_the_store(tmp_path: Path) -> None:
    ran = augbench.run(out=tmp_path, **GRID)
    loaded = load_results(tmp_path)
    pd.testing.assert_frame_equal(ran.summary, loaded.summary)
    assert loaded.baseline == "none"
    paths = loaded.export(tmp_path, "markdown") + loaded.export(tmp_path, "json")
    assert (tmp_path / "report.md").read_text().count("|") > 50
    assert pd.read_json(tmp_path / "trials.json").shape[0] == 16 and len(paths) == 4


def test_sigkill_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "augbench.cli", "run", "--augmenters", "none,smote",
           "--classifiers", "rf", "--seeds", "8", "--sizes", "100,200", "--jobs", "1", "--quiet"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen([*cmd, "--out", str(killed)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if (killed / "results.sqlite").exists() and _stored(killed) >= 5:
            break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _stored(killed)
    assert 5 <= partial < 32, "the run should have been killed part-way"
    assert subprocess.run([*cmd, "--out", str(killed)], capture_output=True).returncode == 0
    whole = tmp_path / "whole"
    assert subprocess.run([*cmd, "--out", str(whole)], capture_output=True).returncode == 0
    resumed, uninterrupted = (pd.read_csv(d / "trials.csv") for d in (killed, whole))
    assert len(resumed) == 32 and not resumed.duplicated(NUMBERS[:5]).any()
    pd.testing.assert_frame_equal(resumed[NUMBERS], uninterrupted[NUMBERS])


def test_a_trial_past_its_timeout_fails_and_the_run_goes_on() -> None:
    registry = make_registry(["misbehaving_plugin"])
    res = augbench.run(augmenters=("none", "sleep"), classifiers=("lr",), seeds=2, sizes=(100,),
                       params={"sleep": {"seconds": 30}}, registry=registry,
                       execution=Execution(trial_timeout=0.5))
    sleep = res.trials[res.trials.augmenter == "sleep"]
    assert (sleep["status"] == "failed").all()
    assert sleep["error"].str.contains("longer than the trial timeout of 0.5 s").all()
    assert (res.trials[res.trials.augmenter == "none"]["status"] == "ok").all()


@pytest.mark.parametrize("executor", ["local", "ray"])
def test_a_dying_worker_fails_only_its_chunk(executor: str, tmp_path: Path, monkeypatch) -> None:
    if executor == "ray":
        pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
        # Ray's workers start from the environment: they must find the test plugin too.
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    registry = make_registry(["misbehaving_plugin"])
    res = augbench.run(augmenters=("none", "crash"), classifiers=("lr",), seeds=4, sizes=(100,),
                       registry=registry, execution=Execution(jobs=2, executor=executor),
                       out=tmp_path)
    failed = res.trials[res.trials.status == "failed"]
    assert set(failed["seed"]) == {1}  # seed 1's chunk, and only it
    assert failed["error"].str.startswith("crash: the worker process died").all()
    assert (res.trials[res.trials.seed != 1]["status"] == "ok").all() and len(res.trials) == 8


def test_jobs_do_not_change_the_numbers() -> None:
    grid = {**GRID, "classifiers": ("rf",), "seeds": 3}
    one = augbench.run(execution=Execution(jobs=1), **grid).trials
    two = augbench.run(execution=Execution(jobs=2), **grid).trials
    pd.testing.assert_frame_equal(one[NUMBERS], two[NUMBERS])


def test_ray_executor_gives_the_local_numbers() -> None:
    ray = pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
    grid = {**GRID, "classifiers": ("rf",), "seeds": 3}
    # Tuned trials too: each worker tunes its own trials on their inner folds.
    tuned = {**GRID, "seeds": 2, "tune": True, "tune_budget": 3}
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        distributed = augbench.run(execution=Execution(jobs=2, executor="ray"), **grid).trials
        tuned_distributed = augbench.run(execution=Execution(jobs=2, executor="ray"),
                                         **tuned).trials
    finally:
        ray.shutdown()
    local = augbench.run(execution=Execution(jobs=1), **grid).trials
    pd.testing.assert_frame_equal(local[NUMBERS], distributed[NUMBERS])
    tuned_local = augbench.run(execution=Execution(jobs=1), **tuned).trials
    pd.testing.assert_frame_equal(tuned_local[[*NUMBERS, "tuned_params", "tune_score"]],
                                  tuned_distributed[[*NUMBERS, "tuned_params", "tune_score"]])


@pytest.mark.parametrize("value, wish", [("cuda", "required"), ("cuda:1", "required"),
                                         (True, "preferred"), ("auto", "preferred"),
                                         ("cpu", None), (False, None)])
def test_a_declared_gpu_parameter_says_whether_a_trial_wants_a_gpu(value, wish) -> None:
    from augbench.plugin.capabilities import Capabilities

    assert Capabilities(gpu_param="device").gpu({"device": value}) == wish
    # Without a declared parameter nothing is guessed from parameter names.
    assert Capabilities().gpu({"device": value}) is None


def test_the_gan_declares_its_device_so_auto_asks_for_a_gpu_where_there_is_one() -> None:
    plan = augbench.make_plan(augbench.Experiment(augmenters=("none", "gan"), seeds=1,
                                                  sizes=(100,)))
    none_trial, gan_trial = plan.trials[0], plan.trials[1]
    assert (none_trial.augmenter, gan_trial.augmenter) == ("none", "gan")
    assert plan.gpu(gan_trial) == "preferred" and plan.gpu(none_trial) is None


def test_two_ray_runs_on_one_file_with_another_drop_give_their_own_numbers(tmp_path) -> None:
    ray = pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
    from conftest import mixed_table

    table = str(mixed_table(tmp_path / "mixed.csv"))
    grid = {"augmenters": ("none",), "classifiers": ("lr",), "seeds": 3, "sizes": (150,)}
    runs = {}
    # One Ray session, as a notebook or a cluster keeps: its workers outlive a run.
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        for drop in (("glucose",), ("age",)):
            data = (augbench.DataSpec(table, target="outcome", drop=drop),)
            runs[drop] = augbench.run(data=data, execution=Execution(jobs=2, executor="ray"),
                                      **grid).trials
    finally:
        ray.shutdown()
    for drop, distributed in runs.items():
        data = (augbench.DataSpec(table, target="outcome", drop=drop),)
        local = augbench.run(data=data, **grid).trials
        pd.testing.assert_frame_equal(local[NUMBERS], distributed[NUMBERS])
    assert not runs[("glucose",)]["roc_auc"].equals(runs[("age",)]["roc_auc"])


def test_a_timeout_never_cuts_an_import_short() -> None:
    import slow_import_module

    sys.modules.pop("slow_import_module", None)
    registry = make_registry(["misbehaving_plugin"])
    assert slow_import_module.SECONDS > 4 * 0.2  # the import outlasts the timeout
    res = augbench.run(augmenters=("none", "slow-import"), classifiers=("lr",), seeds=2,
                       sizes=(100,), registry=registry,
                       execution=Execution(trial_timeout=0.2))
    # An import is a one-time cost of the library, not of the method: neither trial is cut
    # (an import cut short would fail the trial, and leave the module half-loaded).
    assert (res.trials["status"] == "ok").all(), res.trials["error"]


SCRIPT = '''import torch  # a parent that has loaded torch starts its workers with spawn
import augbench

{call}
'''
RUN = 'augbench.run(augmenters=("none", "smote"), seeds=2, sizes=(100,), jobs=2, out="res")'


@pytest.mark.parametrize("call, line", [
    (RUN, 4),
    (f"def main():\n    {RUN}\n\n\nmain()", 8),
])
def test_an_unguarded_script_is_refused_before_any_worker_starts(tmp_path: Path, call: str,
                                                                  line: int) -> None:
    script = tmp_path / "study.py"
    script.write_text(SCRIPT.format(call=call))
    # Before, each spawned worker died re-running the script and the pool waited for ever.
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    assert (f"UsageError: {script}:{line} starts a run with worker processes outside "
            '`if __name__ == "__main__":`') in proc.stderr
    assert "Traceback" not in proc.stderr.split("UsageError")[-1]  # no worker re-ran it
    assert not (tmp_path / "res").exists()  # refused before the results folder was touched


@pytest.mark.parametrize("source, guarded", [
    ('if __name__ == "__main__":\n    run()\nrun()\n', [(2, 2)]),
    ("if '__main__' == __name__ and ok:\n    run()\n", [(2, 2)]),
    ('if __name__ != "__main__":\n    pass\nelse:\n    run()\n    run()\n', [(4, 5)]),
    ('try:\n    if __name__ == "__main__":\n        run()\nexcept ValueError:\n    pass\n',
     [(3, 3)]),
    ('if __name__ == "__main__" or always:\n    run()\n', []),
    ('if name == "__main__":\n    run()\n', []),
])
def test_the_blocks_only_a_main_script_runs(source: str, guarded: list) -> None:
    from augbench.execution.backends import guarded_lines

    assert guarded_lines(source) == guarded


def test_workers_that_die_while_starting_fail_their_trials_without_a_hang(tmp_path: Path) -> None:
    # The guarded run starts workers, which die importing the script at its unguarded run (the
    # parent cannot see that one until it reaches it). Before, the parent then blocked for ever
    # writing the data to the first worker's pipe.
    script = tmp_path / "study.py"
    first = RUN.replace("augbench.run", "res = augbench.run")
    script.write_text(SCRIPT.format(call=(
        f'if __name__ == "__main__":\n    {first}\n'
        '    print(sorted(set(res.trials["error"].str[:6])), flush=True)\n'
        f'else:\n    pass\n{RUN}')))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=240, cwd=tmp_path)
    assert proc.stdout.strip() == "['crash:']"  # every trial of the guarded run, recorded
    assert proc.returncode == 1 and f"UsageError: {script}:9 starts a run" in proc.stderr


def test_a_guarded_script_runs_with_spawned_workers(tmp_path: Path) -> None:
    script = tmp_path / "study.py"
    script.write_text(SCRIPT.format(call=f'if "__main__" == __name__:\n    print(len({RUN}.trials))'))
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "4"
    assert not list(temp.glob("augbench-data-*"))  # the workers' copy of the data is removed
