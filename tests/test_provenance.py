"""What a run records of what produced its numbers: augbench's own libraries always, and the
libraries its augmenters, classifiers and metrics name, only for the arms it ran."""

from __future__ import annotations

from importlib import metadata

import pytest

import augbench
from augbench.experiment.plan import Experiment, make_plan
from augbench.plugin.capabilities import Capabilities
from augbench.registry import make_registry
from augbench.results.provenance import CORE_LIBRARIES, library_versions


def _versions(**experiment) -> dict[str, str]:
    grid = dict(augmenters=("none",), classifiers=("lr",), seeds=1, sizes=(100,))
    return make_plan(Experiment(**{**grid, **experiment})).versions()


def test_a_run_records_the_libraries_its_arms_name_and_only_those() -> None:
    smote = _versions(augmenters=("none", "smote"))
    assert smote["scikit-learn"] == metadata.version("scikit-learn")
    assert {"torch", "sdv", "ctgan", "opacus"}.isdisjoint(smote)
    gan = _versions(augmenters=("none", "gan"))
    assert gan["torch"] == metadata.version("torch") and "sdv" not in gan
    ctgan = _versions(augmenters=("none", "ctgan"))
    assert {"sdv", "rdt", "ctgan", "torch"} <= set(ctgan)


def test_a_metric_names_its_libraries_too() -> None:
    registry = make_registry(["metric_settings_plugin"])
    grid = dict(augmenters=("none",), classifiers=("lr",), seeds=1, sizes=(100,))
    named = make_plan(Experiment(**grid, metrics=("roc_auc", "recall_at")), registry)
    assert named.versions()["rich"] == metadata.version("rich")
    assert "rich" not in make_plan(Experiment(**grid, metrics=("roc_auc",)), registry).versions()


def test_a_stored_run_keeps_its_versions_and_what_runs_it() -> None:
    versions = augbench.run(augmenters=("none",), classifiers=("lr",), seeds=1,
                            sizes=(100,)).versions
    assert set(CORE_LIBRARIES) <= set(versions) and versions["python"]
    assert versions["cpu paths"] == "native" and "ray" not in versions


def test_a_library_that_is_not_installed_is_left_out() -> None:
    found = library_versions(["no-such-distribution-here", "pluggy"])
    assert "no-such-distribution-here" not in found
    assert found["pluggy"] == metadata.version("pluggy")


def test_declared_libraries_are_a_tuple_of_names_and_anything_else_is_refused() -> None:
    declared = augbench.declare(lambda **p: None, libraries="torch")
    assert declared.declared["libraries"] == ("torch",)
    with pytest.raises(TypeError, match="distribution names"):
        augbench.declare(lambda **p: None, libraries=("torch", 3))
    with pytest.raises(TypeError, match="distribution names"):
        augbench.Metric(lambda inp: 0.0, "x", libraries=[""])
    assert Capabilities().libraries == ()
