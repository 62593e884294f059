"""A run: an experiment's plan mapped through the execution loop, stored as trials finish."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from augbench.errors import UsageError
from augbench.execution.loop import execute
from augbench.execution.settings import Execution
from augbench.experiment.plan import Experiment, Plan, make_plan
from augbench.plugin.manager import Registry
from augbench.plugin.metric import Metric
from augbench.results.row import TrialResult
from augbench.results.store import Store, experiment_config
from augbench.results.tables import Results


def run(
    experiment: Experiment | Plan | None = None, *, out: str | Path | None = None,
    registry: Registry | None = None, execution: Execution | None = None,
    overwrite: bool = False, on_trial: Callable[[TrialResult], None] | None = None,
    **fields: Any,
) -> Results:
    """Run an experiment, a checked :class:`Plan` of one, or one built from ``fields``
    (e.g. ``augmenters=("none", "smote")``).

    With ``out``, every finished trial is stored at once in ``out/results.sqlite``; running the
    same experiment on the same folder again resumes it (finished trials are skipped, failed
    ones rerun), and ``trials.csv``, ``summary.csv`` and ``comparisons.csv`` are exported at the
    end. ``on_trial(result)`` is called for each trial, resumed ones first, for progress displays.
    """
    job = experiment if isinstance(experiment, Plan) else make_plan(
        experiment or Experiment(**fields), registry)
    out = Path(out) if out is not None else None
    config, versions = experiment_config(job.experiment), job.versions()
    # Identity is content: an edited file (or another option applied to it) is another
    # experiment. The positive label is stored as it was chosen or inferred.
    config["tables"] = {name: {"fingerprint": ds.fingerprint, "positive": ds.positive,
                               "positive_chosen": ds.positive_chosen,
                               "positive_share": round(float(ds.y.mean()), 4),
                               "rows": len(ds.y), "source": ds.source,
                               "notes": list(ds.notes)}
                        for name, ds in job.datasets.items()}
    names = tuple(job.metrics)
    store = Store.for_experiment(out, config, versions, overwrite=overwrite)
    capabilities = {name: dataclasses.asdict(chosen.capabilities)
                    for (kind, name), chosen in job.chosen.items() if kind == "augmenters"}
    store.set_meta(metrics=json.dumps({n: m.as_data() for n, m in job.metrics.items()}),
                   shown_metrics=json.dumps(job.shown), planned_trials=str(len(job.trials)),
                   capabilities=json.dumps(capabilities))
    try:
        keys = [t.key for t in job.trials]
        done = store.finished_ok()
        if on_trial:
            for _, row in store.trials(done & set(keys)).iterrows():
                on_trial(TrialResult.from_row(row.to_dict()))
        todo = [t for t in job.trials if t.key not in done]
        for result in execute(todo, job, execution or Execution()):
            store.add(result.as_row(names))
            if on_trial:
                on_trial(result)
        results = Results(store.trials(keys), baseline=job.experiment.baseline_augmenter,
                          metrics=job.metrics, shown=job.shown, config=config, versions=versions,
                          planned=len(job.trials), capabilities=capabilities,
                          family=job.experiment.holm, calibration=store.calibration(keys))
        if out is not None:
            # Stored so that 'augbench report' renders from the store without recomputing,
            # valid for exactly these stored trials.
            store.set_meta(comparisons=results.comparisons.to_json(orient="split"),
                           comparisons_digest=store.trials_digest(keys))
            results.write(out)
    except BaseException:
        if out is not None and len(partial := store.trials()):
            # An interrupted or failed run still exports whatever finished.
            partial.to_csv(out / "trials.csv", index=False)
        raise
    finally:
        store.close()
    return results


def load_results(out: str | Path) -> Results:
    """The results stored in a run's folder, finished or interrupted, without running anything.

    Metric specs come from the store, so a report needs none of the plugins that computed them.
    """
    store = Store.open_existing(Path(out))
    try:
        config = json.loads(store.meta("config") or "{}")
        versions = json.loads(store.meta("versions") or "{}")
        metrics = {name: Metric.from_data(data)
                   for name, data in json.loads(store.meta("metrics") or "{}").items()}
        if not metrics:  # written before runs stored their metric specs: the registered ones
            from augbench.plugin.manager import default_registry

            stored = set(json.loads(store.meta("config") or "{}").get("metrics") or []) or None
            metrics = {n: m for n, m in default_registry().metrics().items()
                       if stored is None or n in stored}
        shown = tuple(json.loads(store.meta("shown_metrics") or "[]"))
        planned = int(store.meta("planned_trials") or 0) or None
        capabilities = json.loads(store.meta("capabilities") or "{}")
        trials, calibration = store.trials(), store.calibration()
        comparisons = None
        # Comparisons stored for other trials (an interrupted resume) are computed afresh.
        if store.meta("comparisons_digest") == store.trials_digest():
            comparisons = pd.read_json(io.StringIO(store.meta("comparisons")), orient="split",
                                       dtype=False)
    finally:
        store.close()
    if not len(trials):
        raise UsageError(f"{out} holds no finished trial yet.")
    return Results(trials, baseline=Experiment.from_config(config).baseline_augmenter,
                   metrics=metrics, shown=shown, out=Path(out), config=config, versions=versions,
                   planned=planned, capabilities=capabilities,
                   family=config.get("holm", "comparison"),
                   precomputed_comparisons=comparisons, calibration=calibration)
