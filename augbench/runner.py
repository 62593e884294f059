"""A run: an experiment's plan mapped through the execution loop, stored as trials finish."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from augbench.errors import UsageError
from augbench.execution.backends import refuse_an_unguarded_script
from augbench.execution.loop import execute
from augbench.execution.settings import Execution
from augbench.experiment.plan import (
    DataSpec,
    Experiment,
    Plan,
    data_specs,
    make_plan,
    with_permutation_control,
)
from augbench.plugin.metric import Metric
from augbench.registry import Registry
from augbench.results.row import TrialResult
from augbench.results.store import STORE_NAME, Store, experiment_config
from augbench.results.tables import Results

# Keywords of run() named as the command line's options, beside the Experiment's own fields.
EXECUTION_OPTIONS = tuple(f.name for f in dataclasses.fields(Execution))
DATA_OPTIONS = ("target", "positive", "drop", "categorical", "na_values")


def _experiment(registry: Registry | None, fields: dict[str, Any]) -> Experiment:
    """The Experiment the keywords describe, read as the command line reads its options."""
    data = fields.pop("data", None)
    labels = {k: fields.pop(k) for k in DATA_OPTIONS if k in fields}
    if isinstance(data, (str, Path)):
        data = (data,)
    if data is not None and not all(isinstance(d, DataSpec) for d in data):
        if any(isinstance(d, DataSpec) for d in data):
            raise UsageError("data= takes dataset names and paths, or DataSpecs, not a mix.")
        params = fields.get("params", {})
        fields["params"] = {k: v for k, v in params.items() if k not in map(str, data)}
        data = data_specs(data, options=params, registry=registry, **labels)
    elif labels:
        raise UsageError(f"{', '.join(labels)} apply to data= given as names or paths; with "
                         "DataSpecs, set them on each DataSpec.")
    if fields.pop("permutation_control", False):
        fields["augmenters"] = with_permutation_control(
            fields.get("augmenters", Experiment.augmenters))
    known = {f.name for f in dataclasses.fields(Experiment)}
    unknown = sorted(set(fields) - known)
    if unknown:
        valid = sorted(known | set(EXECUTION_OPTIONS) | set(DATA_OPTIONS) | {"permutation_control"})
        raise UsageError(f"run() got unknown option(s) {', '.join(unknown)}. Valid: "
                         f"{', '.join(valid)}.")
    return Experiment(**fields, **({"data": tuple(data)} if data is not None else {}))


def run(
    experiment: Experiment | Plan | None = None, *, out: str | Path | None = None,
    registry: Registry | None = None, execution: Execution | None = None,
    overwrite: bool = False, on_trial: Callable[[TrialResult], None] | None = None,
    report: bool = False, **fields: Any,
) -> Results:
    """Run an experiment, a checked :class:`Plan` of one, or one built from ``fields``.

    ``fields`` are the options of ``augbench run``, by their long names with underscores:
    the experiment (``augmenters=("none", "smote")``, ``seeds=20``, ``prevalence=(0.05,)``,
    ``permutation_control=True``, ``params={"smote": {"k_neighbors": 3}}``), the data
    (``data="stroke"`` or paths, with ``target``, ``positive``, ``drop``, ``categorical``,
    ``na_values``), and how to run (``jobs=2``, ``executor="ray"``, ``address``,
    ``trial_timeout``, ``fail_fast``; or one ``execution=Execution(...)``).

    With ``out``, every finished trial is stored at once in ``out/results.sqlite``; running the
    same experiment on the same folder again resumes it (finished trials are skipped, failed
    ones rerun), and ``trials.csv``, ``summary.csv`` and ``comparisons.csv`` are exported at the
    end; ``report=True`` also writes the figures (``out/plots``) and ``out/report.html``.
    ``on_trial(result)`` is called for each trial, resumed ones first, for progress displays.
    """
    how = {k: fields.pop(k) for k in EXECUTION_OPTIONS if k in fields}
    if how:
        if execution is not None:
            raise UsageError("give execution=Execution(...) or its options (jobs=...), not both.")
        execution = Execution(**how)
    if experiment is not None and fields:
        raise UsageError(f"run() got an experiment and options ({', '.join(sorted(fields))}); "
                         "give one or the other.")
    job = experiment if isinstance(experiment, Plan) else make_plan(
        experiment or _experiment(registry, fields), registry)
    out = Path(out) if out is not None else None
    if report and out is None:
        raise UsageError("report=True writes the figures and report.html into out=; give out.")
    execution = execution or Execution()
    if execution.executor == "local" and execution.jobs > 1:
        # Before the store is touched: a refused script must leave a folder as it was.
        refuse_an_unguarded_script()
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
    # The store may hold more seeds and arms than this run (it extends an experiment): what it
    # says it planned and what its augmenters can do cover them all.
    whole = json.loads(store.meta("config"))
    store.set_meta(metrics=json.dumps({n: m.as_data() for n, m in job.metrics.items()}),
                   shown_metrics=json.dumps(job.shown),
                   planned_trials=str(_planned(job, whole)),
                   capabilities=json.dumps({
                       name: c for name, c in {**json.loads(store.meta("capabilities") or "{}"),
                                               **capabilities}.items()
                       if name in whole["augmenters"]}))
    try:
        keys = [t.key for t in job.trials]
        done = store.finished_ok()
        reused = done & set(keys)
        if on_trial:
            for _, row in store.trials(reused).iterrows():
                on_trial(TrialResult.from_row(row.to_dict()))
        todo = [t for t in job.trials if t.key not in done]
        for result in execute(todo, job, execution):
            store.add(result.as_row(names))
            if on_trial:
                on_trial(result)
        trials, calibration = store.trials_and_calibration(keys)
        results = Results(trials, baseline=job.experiment.baseline_augmenter,
                          metrics=job.metrics, shown=job.shown, config=config, versions=versions,
                          planned=len(job.trials), capabilities=capabilities,
                          family=job.experiment.holm, calibration=calibration,
                          reused=len(reused),
                          folder=None if out is None else (store.count(), _planned(job, whole)))
        if out is not None:
            # Stored so that 'augbench report' renders from the store without recomputing,
            # valid for exactly these stored trials.
            store.set_meta(comparisons=results.comparisons.to_json(orient="split"),
                           comparisons_digest=store.trials_digest(keys))
            try:
                results.write(out)
                if report:
                    from augbench.reporting.html import write_html
                    from augbench.reporting.plots import write_plots

                    write_html(results, out / "report.html", write_plots(results, out / "plots"))
            except OSError as exc:  # a full disk, a folder made read-only meanwhile
                raise UsageError(f"cannot write {exc.filename or out}: {exc.strerror or exc}. "
                                 f"Every trial is stored in {out / STORE_NAME}: make room (or "
                                 f"fix the permissions), then 'augbench report {out}' writes the "
                                 "tables.") from None
    except BaseException:
        if out is not None:
            # An interrupted or failed run still exports whatever finished, where it can: the
            # store keeps every finished trial either way.
            with contextlib.suppress(OSError, UsageError):
                if len(partial := store.trials()):
                    partial.to_csv(out / "trials.csv", index=False)
        raise
    finally:
        store.close()
    return results


def _planned(job: Plan, whole: dict[str, Any]) -> int:
    """How many trials the experiment ``whole`` plans, of which ``job`` plans some: every
    dataset, prevalence and size runs every seed, augmenter and classifier."""
    exp = job.experiment
    cells = len(job.trials) // (exp.seeds * len(exp.augmenters) * len(exp.classifiers))
    return cells * whole["seeds"] * len(whole["augmenters"]) * len(whole["classifiers"])


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
            from augbench.registry import default_registry

            stored = set(json.loads(store.meta("config") or "{}").get("metrics") or []) or None
            metrics = {n: m for n, m in default_registry().metrics().items()
                       if stored is None or n in stored}
        shown = tuple(json.loads(store.meta("shown_metrics") or "[]"))
        planned = int(store.meta("planned_trials") or 0) or None
        capabilities = json.loads(store.meta("capabilities") or "{}")
        trials, calibration = store.trials_and_calibration()
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
