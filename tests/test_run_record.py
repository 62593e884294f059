"""The run record a folder holds, as it is read back: the metrics it computed and shows, for
stores written by this version and by older ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import augbench
from augbench.cli import main
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


def test_an_old_store_keeps_the_numbers_of_a_metric_whose_plugin_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "run"
    augbench.run(augmenters="none,smote", seeds=2, sizes=60, metrics="roc_auc,recall", out=out)
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("DELETE FROM meta WHERE key IN ('metrics', 'shown_metrics')")
        # As if recall came from a plugin no longer installed: the configuration names a metric
        # no installed plugin provides, and the trials hold its values.
        db.execute("UPDATE meta SET value = replace(value, '\"recall\"', '\"gone_recall\"') "
                   "WHERE key = 'config'")
        db.execute("UPDATE trials SET row = replace(row, '\"recall\":', '\"gone_recall\":')")
    results = augbench.load_results(out)
    spec = results.metrics["gone_recall"]
    assert spec.label == "gone_recall" and spec.bounds is None and spec.higher_is_better
    assert results.summary["gone_recall_mean"].notna().all()
    assert "gone_recall" in set(results.comparisons["metric"])
    # The reports read it as they read an installed metric.
    assert main(["report", str(out), "--html"]) == 0
    assert "gone_recall" in (out / "report.html").read_text(encoding="utf-8")
