"""Suites: named, versioned groups of registered datasets that run as one --data."""

from __future__ import annotations

from pathlib import Path

import pytest

import augbench
from augbench.cli import main
from augbench.registry import make_registry

SMALL = {"augmenters": "none,smote", "classifiers": "lr", "seeds": 2, "sizes": (60,),
         "metrics": ("roc_auc",)}


@pytest.fixture
def registry():
    return make_registry(["suite_plugin"])


def test_a_suite_runs_each_of_its_tables(registry) -> None:
    results = augbench.run(data="suite:tiny", registry=registry, **SMALL)
    assert sorted(results.trials["dataset"].unique()) == ["tiny-a", "tiny-b"]
    alone = augbench.run(data="tiny-b", registry=registry, **SMALL).trials
    beside = results.trials[results.trials["dataset"] == "tiny-b"].reset_index(drop=True)
    assert beside["roc_auc"].tolist() == alone["roc_auc"].tolist()  # the same trials as alone


def test_options_of_a_table_reach_it_inside_a_suite_and_a_table_named_twice_runs_once(
        registry) -> None:
    plain = augbench.run(data="suite:tiny", registry=registry, **SMALL)
    shifted = augbench.run(data=["tiny-a", "suite:tiny"], params={"tiny-a": {"shift": 5.0}},
                           registry=registry, **SMALL)
    assert shifted.trials.groupby("dataset").size().to_dict() == {"tiny-a": 4, "tiny-b": 4}
    assert shifted.config["tables"]["tiny-a"]["fingerprint"] != \
        plain.config["tables"]["tiny-a"]["fingerprint"]


def test_an_unknown_suite_or_one_naming_an_unknown_table_is_one_clear_error(registry) -> None:
    with pytest.raises(augbench.UsageError, match="unknown suite 'nope'. Available: broken, "
                                                  "rare-disease, shared, tiny"):
        augbench.run(data="suite:nope", registry=registry, **SMALL)
    with pytest.raises(augbench.UsageError, match="suite 'broken' of plugin 'suite_plugin' "
                                                  "holds 'no-such-table', which no installed"):
        augbench.run(data="suite:broken", registry=registry, **SMALL)


def test_the_command_line_says_an_unknown_suite_in_one_line(capsys) -> None:
    assert main(["run", "--data", "suite:nope", "--seeds", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: unknown suite 'nope'. Available: rare-disease, shared."


@pytest.mark.parametrize("datasets", [(), "stroke", ("stroke", "stroke"), ("stroke", "")])
def test_a_suite_holds_one_or_more_distinct_dataset_names(datasets) -> None:
    with pytest.raises(ValueError, match="a suite"):
        augbench.Suite(datasets)


def test_a_plugin_registering_no_suite_object_is_refused() -> None:
    from augbench.registry import Registry, make_plugin_manager

    class Plugin:
        @augbench.hookimpl
        def augbench_suites(self):
            return {"mine": ["stroke", "pima-diabetes"]}

    manager = make_plugin_manager(disabled=())
    manager.register(Plugin(), name="lists")
    with pytest.raises(augbench.UsageError, match="registers the suite 'mine' as list, not an "
                                                  "augbench.Suite"):
        Registry(manager)


def test_the_datasets_command_lists_the_suites(capsys) -> None:
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "shared" in out and "heart-disease-cleveland" in out and "--data suite:NAME" in out


def test_the_shared_suite_runs_the_four_shared_tables(shared_data: Path, tmp_path: Path,
                                                      monkeypatch) -> None:
    # The shared tables are read from ../shared/data, beside the checkout.
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    out = tmp_path / "suite"
    assert main(["run", "--data", "suite:shared", "--augmenters", "none,smote", "--seeds", "2",
                 "--sizes", "100", "--metrics", "roc_auc", "--out", str(out), "--quiet"]) == 0
    config = (out / "config.toml").read_text()
    assert 'data = ["stroke", "pima-diabetes", "heart-disease-cleveland", "heart-attack-risk"]' \
        in config
