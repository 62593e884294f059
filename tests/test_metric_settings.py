"""A metric's settings: declared where it is registered, set with --set NAME.PARAM=V (files,
params= in Python), checked before any trial, part of the experiment's identity."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import fake_distribution

import augbench
from augbench.registry import make_registry

TESTS = Path(__file__).resolve().parent
RUN = ["run", "--augmenters", "none,smote", "--metrics", "recall,recall_at", "--seeds", "3",
       "--sizes", "100", "--quiet"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-file plugin installed as pip lays a distribution out: its entry point."""
    site = tmp_path_factory.mktemp("site")
    fake_distribution(site, "metric-settings-demo", "0.1", "thresholds", "metric_settings_plugin")
    return site


def _augbench(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)])}
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600)


def _recall_at(folder: Path) -> pd.Series:
    trials = pd.read_csv(folder / "trials.csv")
    return trials.set_index(["seed", "augmenter"])["recall_at"].sort_index()


def test_set_and_experiment_files_reach_a_plugins_metric_setting(site, tmp_path) -> None:
    default = _augbench(site, *RUN, "--out", str(tmp_path / "default"))
    assert default.returncode == 0, default.stderr
    trials = pd.read_csv(tmp_path / "default" / "trials.csv")
    # At its default of 0.5 it is the classifier's recall; a lower threshold finds more.
    assert (trials["recall_at"] == trials["recall"]).all()
    low = _augbench(site, *RUN, "--set", "recall_at.threshold=0.05", "--out", str(tmp_path / "low"))
    assert low.returncode == 0, low.stderr
    assert (_recall_at(tmp_path / "low") >= _recall_at(tmp_path / "default")).all()
    assert (_recall_at(tmp_path / "low") > _recall_at(tmp_path / "default")).any()
    # The folder's options file holds the setting and runs the same experiment again.
    config = (tmp_path / "low" / "config.toml").read_text()
    assert "[params.recall_at]" in config and "threshold = 0.05" in config
    again = _augbench(site, "run", "--config", str(tmp_path / "low" / "config.toml"), "--out",
                      str(tmp_path / "from-file"), "--quiet")
    assert again.returncode == 0, again.stderr
    pd.testing.assert_series_equal(_recall_at(tmp_path / "from-file"), _recall_at(tmp_path / "low"))


def test_a_changed_setting_is_refused_on_a_folder_naming_it(site, tmp_path) -> None:
    out = str(tmp_path / "run")
    assert _augbench(site, *RUN, "--set", "recall_at.threshold=0.2", "--out", out).returncode == 0
    changed = _augbench(site, *RUN, "--set", "recall_at.threshold=0.3", "--out", out)
    assert changed.returncode == 2
    assert "holds the results of another experiment (changed: params of recall_at)" in \
        changed.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("setting, says", [
    ("recall_at.cutoff=0.2", "--set recall_at.cutoff: metric 'recall_at' has no setting 'cutoff'; "
                             "its settings: threshold."),
    ("recall_at.threshold=2", "metric 'recall_at' cannot compute with threshold=2: threshold is a "
                              "probability between 0 and 1, got 2"),
    ("roc_auc.threshold=0.2", "--set roc_auc.threshold: metric 'roc_auc' has no setting "
                              "'threshold'; it takes none."),
])
def test_a_setting_the_metric_does_not_take_is_one_error_line(site, tmp_path, setting, says) -> None:
    done = _augbench(site, *RUN, "--metrics", "roc_auc,recall_at", "--set", setting, "--out",
                     str(tmp_path / "x"))
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1] == f"error: {says}"
    assert not (tmp_path / "x").exists()


def test_params_in_python_reach_the_setting() -> None:
    registry = make_registry(["metric_settings_plugin"])
    common = dict(augmenters="none", metrics="recall,recall_at", seeds=2, sizes=(100,),
                  registry=registry)
    plain = augbench.run(**common).trials
    low = augbench.run(params={"recall_at": {"threshold": 0.05}}, **common).trials
    assert (plain["recall_at"] == plain["recall"]).all()
    assert (low["recall_at"] > plain["recall_at"]).any()


def test_sensitive_is_the_inference_attacks_setting(tmp_path: Path) -> None:
    from conftest import mixed_table

    common = dict(augmenters="none,smote", metrics="inference_risk", seeds=2, sizes=(120,))
    table = augbench.read_table(mixed_table(tmp_path / "mixed.csv"), target="outcome")
    alias = augbench.run(data=table, sensitive="bmi", **common).trials
    setting = augbench.run(data=table, params={"inference_risk": {"sensitive": "bmi"}},
                           **common).trials
    every = augbench.run(data=table, **common).trials
    pd.testing.assert_series_equal(alias["inference_risk"], setting["inference_risk"])
    assert not alias["inference_risk"].equals(every["inference_risk"])
    with pytest.raises(augbench.UsageError, match="--sensitive and --set inference_risk.sensitive"):
        augbench.run(data=table, sensitive="bmi", params={"inference_risk": {"sensitive": "age"}},
                     **common)
