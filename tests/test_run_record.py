"""The run record a folder holds, as it is read back: the metrics it computed and shows, for
stores written by this version and by older ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import augbench
from augbench.registry import default_registry
from augbench.results.record import RunRecord


def test_a_record_shows_the_headline_metrics_of_those_it_holds() -> None:
    metrics = default_registry().metrics(["roc_auc", "ece", "recall", "precision"])
    assert RunRecord(metrics=metrics).shown == ("roc_auc", "recall")  # ece, precision are not
    assert RunRecord(metrics=metrics, shown=("ece",)).shown == ("ece",)
    # Where none of them is a headline metric, every one is shown.
    quiet = default_registry().metrics(["ece", "precision"])
    assert RunRecord(metrics=quiet).shown == ("ece", "precision")


def test_a_store_written_before_runs_stored_metric_specs_keeps_the_metrics_it_named(
        tmp_path: Path) -> None:
    out = tmp_path / "run"
    augbench.run(augmenters="none", seeds=1, sizes=60, metrics="roc_auc,ece,recall", out=out)
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("DELETE FROM meta WHERE key IN ('metrics', 'shown_metrics')")
    record = augbench.load_results(out).record
    # The installed specs of the metrics its configuration names, not every installed one.
    assert set(record.metrics) == {"roc_auc", "ece", "recall"}
    assert record.metrics["roc_auc"] == default_registry().metrics()["roc_auc"]
    assert record.shown == ("recall", "roc_auc")
