"""A run: an experiment's plan mapped through the execution loop, stored as trials finish."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

from augbench.errors import AugbenchWarning, UsageError
from augbench.execution.backends import refuse_an_unguarded_script
from augbench.execution.cpu_paths import describe as describe_cpu_paths
from augbench.execution.cpu_paths import refuse_unpinnable_here
from augbench.execution.loop import execute, runs_in_this_process
from augbench.execution.settings import Execution
from augbench.experiment.plan import Experiment, Plan, make_plan
from augbench.notebook import Results
from augbench.options import (
    BY_DEST,
    experiment_options,
    from_keywords,
    in_api_words,
    request,
    to_toml,
)
from augbench.registry import Registry
from augbench.reporting.progress import trial_progress
from augbench.results.identity import experiment_config
from augbench.results.record import (
    CONFIG_NAME,
    RunRecord,
    cache_comparisons,
    cached_comparisons,
)
from augbench.results.row import TrialResult
from augbench.results.store import STORE_NAME, Store
from augbench.results.tables import write_csv

# Keywords of run() that say how trials run, and where results go, not what the experiment is.
HOW_TO_RUN = {o.dest for o in BY_DEST.values() if o.target == "execution"}
WHERE_TO_WRITE = {o.dest for o in BY_DEST.values() if o.target == "output"}


def run(
    experiment: Experiment | Plan | None = None, *, registry: Registry | None = None,
    execution: Execution | None = None, on_trial: Callable[[TrialResult], None] | None = None,
    progress: bool | None = None, **options: Any,
) -> Results:
    """Run an experiment, a checked `Plan` of one, or one built from keywords.

    The keywords are the options of `augbench run` by their long names with underscores, read
    as the command line reads them (a list, or a comma text, wherever several values are
    taken): the data (`data="stroke"`, or a DataFrame with `target=`), the experiment
    (`augmenters="none,smote"`, `seeds=20`, `params={"smote": {"k_neighbors": 3}}`, ...), how
    trials run (`jobs=2`, `executor="ray"`, ...) and what is written (`out`, `report`). The
    tables under [the keywords of run](#the-keywords-of-run) give each one's type, default and
    meaning.

    With `out`, every finished trial is stored at once in `out/results.sqlite`; running the
    same experiment on the same folder again resumes it (finished trials are skipped, failed
    ones rerun), and `trials.csv`, `summary.csv`, `comparisons.csv` and `config.toml` (the
    experiment the folder holds, as `augbench run --config` reads it) are written at the end;
    `report=True` also writes the figures (`out/plots`) and `out/report.html`.

    Args:
        experiment: An `Experiment`, or a checked plan of one from `make_plan`; leave it out
            to build one from the keywords.
        registry: Where augmenters, classifiers, datasets and metrics are found by name
            (default: the installed plugins).
        execution: How trials run, as one `Execution`; or give its keywords (`jobs`,
            `executor`, ...), not both.
        on_trial: Called with each trial's `TrialResult` as it finishes, resumed ones first,
            for progress displays of your own.
        progress: Whether to show a progress bar of the trials (default: in a notebook with
            ipywidgets, the `notebook` extra).
        **options: The keywords of `augbench run`, listed under
            [the keywords of run](#the-keywords-of-run).

    Returns:
        The run's `Results`: its trials, summary, paired comparisons and findings.

    Raises:
        UsageError: A wrong keyword, type or value (named, with what it takes), an experiment
            given beside its keywords, or data that cannot be read.

    Warns:
        AugbenchWarning: What the command line prints as notes and warnings (how the data
            was read, too few seeds, no signal in the table); `results.findings` holds them
            all.

    Examples:
        >>> import augbench
        >>> results = augbench.run(data="breast-cancer", augmenters="none,smote",
        ...                        seeds=2, sizes=100, metrics="roc_auc,recall",
        ...                        progress=False)
        >>> len(results.trials), sorted(set(results.trials["augmenter"]))
        (4, ['none', 'smote'])
    """
    params = options.pop("params", None)
    values = from_keywords(options)
    how = set(values) & HOW_TO_RUN
    what = set(values) - HOW_TO_RUN - WHERE_TO_WRITE | ({"params"} if params else set())
    if how and execution is not None:
        raise UsageError("give execution=Execution(...) or its options (jobs=...), not both.")
    if experiment is not None and what:
        raise UsageError(f"run() got an experiment and options ({', '.join(sorted(what))}); "
                         "give one or the other.")
    asked = request(values, params, registry)
    plan = experiment if isinstance(experiment, Plan) else make_plan(
        experiment or asked.experiment, registry)
    # The plan's and the tables' notes are the command line's lines ("note: ..."): their text.
    _warn([line.split(": ", 1)[-1] for line in
           [*plan.notes, *(note for ds in plan.datasets.values() for note in ds.notes)]])
    bar, advance = trial_progress(len(plan.trials), disable=not _shows_progress(progress))

    def on_each(result: TrialResult) -> None:
        advance(result)
        if on_trial:
            on_trial(result)

    with bar:
        results = run_plan(plan, execution or asked.execution, out=asked.out,
                           overwrite=asked.overwrite, report=asked.report, on_trial=on_each)
    warned = [f.text for f in results.findings if f.kind == "warning"]
    # Where every one of them was shown (no filter hid one), the display need not repeat them.
    results.warnings_raised = bool(warned) and _warn(warned) == len(warned)
    return results


def _shows_progress(progress: bool | None) -> bool:
    """Whether run() shows a progress bar: as asked, or, by default, in a notebook that can
    draw one (rich draws it with ipywidgets there, the ``notebook`` extra)."""
    if progress is not None:
        return bool(progress)
    import importlib.util

    from rich.console import Console

    return Console().is_jupyter and importlib.util.find_spec("ipywidgets") is not None


def _warn(texts: list[str]) -> int:
    """The command line's notes and warnings (their text, without "note: "), as Python
    warnings raised where run() was called (a notebook shows them under the cell); how many
    were shown, those the caller's filters let through."""
    with warnings.catch_warnings(record=True) as shown:
        # The caller's filters still apply: "ignore" drops one, "error" raises it here.
        for text in texts:
            warnings.warn(in_api_words(text), AugbenchWarning, stacklevel=3)
    for w in shown:
        warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
    # Out before the progress bar starts: in a notebook, rich draws the bar in an output widget
    # whose refresh thread captures every output of the cell while it redraws, so a warning
    # still in the kernel's buffer would land in the bar, or not, by the timing of a thread.
    sys.stderr.flush()
    return len(shown)


def run_plan(plan: Plan, execution: Execution, *, out: Path | None = None,
             overwrite: bool = False, report: bool = False,
             on_trial: Callable[[TrialResult], None] | None = None) -> Results:
    """Run a checked plan: its trials not yet stored go through the execution loop into the
    store; the results are those of the plan's trials."""
    out = Path(out) if out is not None else None
    if report and out is None:
        raise UsageError("report=True writes the figures and report.html into out=; give out.")
    if execution.executor == "local" and execution.jobs > 1:
        # Before the store is touched: a refused script must leave a folder as it was.
        refuse_an_unguarded_script()
    if runs_in_this_process(plan, execution):
        refuse_unpinnable_here(execution.cpu_paths)
    config = plan_config(plan)
    _refuse_other_cpu_paths(out, execution.cpu_paths)
    versions = {**plan.versions(["ray"] if execution.executor == "ray" else []),
                "cpu paths": describe_cpu_paths(execution.cpu_paths)}
    store = Store.for_experiment(out, config, versions, overwrite=overwrite)
    try:
        record = _record(plan, store)
        record.write(store)
        keys = [t.key for t in plan.trials]
        reused = _stored_trials(store, keys, on_trial)
        todo = [t for t in plan.trials if t.key not in reused]
        names = tuple(plan.metrics)
        for result in execute(todo, plan, execution):
            store.add(result.as_row(names))
            if on_trial:
                on_trial(result)
        trials, calibration = store.trials_and_calibration(keys)
        results = Results(trials, dataclasses.replace(record, config=config,
                                                      planned=len(plan.trials)),
                          calibration=calibration, reused=len(reused),
                          folder_trials=None if out is None else store.count(),
                          folder_planned=None if out is None else record.planned)
        if out is not None:
            # Stored so that 'augbench report' renders from the store without recomputing,
            # valid for exactly these stored trials.
            cache_comparisons(store, results.comparisons, store.trials_digest(keys))
            _write_folder(results, record if _from_files(plan) else None, out, report)
    except BaseException:
        if out is not None:
            # An interrupted or failed run still exports whatever finished, where it can (the
            # store keeps every finished trial either way), and the file that resumes it.
            with contextlib.suppress(OSError, UsageError):
                if len(partial := store.trials()):
                    write_csv(partial, out / "trials.csv")
                if _from_files(plan):
                    _write_config(RunRecord.read(store), out)
        raise
    finally:
        store.close()
    return results


def _refuse_other_cpu_paths(out: Path | None, choice: str) -> None:
    """Refuse to extend a folder whose trials ran on the other --cpu-paths: its neural
    augmenters' rows would mix two kinds of code paths under a record that names one."""
    if out is None or not (out / STORE_NAME).is_file():
        return
    try:
        store = Store.open_existing(out)
        try:
            versions = json.loads(store.meta("versions") or "{}")
            stored = store.count()
        finally:
            store.close()
    except (sqlite3.Error, ValueError):
        return  # a damaged or foreign file: opening it for the run says what is wrong
    before = versions.get("cpu paths", "native").split(" ")[0]
    if stored and before != choice:
        raise UsageError(f"{out} holds trials run with --cpu-paths {before}; extending it with "
                         f"--cpu-paths {choice} would mix the neural augmenters' rows of two "
                         f"kinds of code paths. Give --cpu-paths {before}, or another --out.")


def plan_config(plan: Plan) -> dict[str, Any]:
    """The experiment's configuration as the store keeps it: identity is content, so an edited
    file (or another option applied to it) is another experiment; each table's positive label
    is stored as it was chosen or inferred."""
    config = experiment_config(plan.experiment)
    suites = {spec.source: spec.suite for spec in plan.experiment.data if spec.suite}
    config["tables"] = {name: {"fingerprint": ds.fingerprint, "positive": ds.positive,
                               "positive_chosen": ds.positive_chosen,
                               "positive_share": round(float(ds.y.mean()), 4),
                               "rows": len(ds.y), "source": ds.source,
                               "notes": list(ds.notes),
                               **({"licence": ds.licence, "citation": ds.citation}
                                  if ds.licence or ds.citation else {}),
                               **({"suite": suites[name]} if name in suites else {})}
                        for name, ds in plan.datasets.items()}
    return config


def _record(plan: Plan, store: Store) -> RunRecord:
    """The record of the experiment the store holds after this run: it may hold more seeds and
    arms than this run (which then extended it), so what it plans and what its augmenters can
    do cover them all."""
    stored = RunRecord.read(store)
    folder = stored.config  # the experiment the folder holds, this run's and earlier ones
    capabilities = {name: dataclasses.asdict(arm.capabilities)
                    for (kind, name), arm in plan.arms.items() if kind == "augmenters"}
    exp = plan.experiment
    cells = len(plan.trials) // (exp.seeds * len(exp.augmenters) * len(exp.classifiers))
    planned = cells * folder["seeds"] * len(folder["augmenters"]) * len(folder["classifiers"])
    return RunRecord(config=folder, versions=stored.versions, metrics=plan.metrics,
                     shown=plan.shown, planned=planned,
                     capabilities={name: c for name, c in {**stored.capabilities,
                                                           **capabilities}.items()
                                   if name in folder["augmenters"]})


def _stored_trials(store: Store, keys: list[tuple],
                   on_trial: Callable[[TrialResult], None] | None) -> set[tuple]:
    """The keys of the trials already finished in the store (a resumed or extended folder)."""
    reused = store.finished_ok() & set(keys)
    if on_trial:
        for _, row in store.trials(reused).iterrows():
            on_trial(TrialResult.from_row(row.to_dict()))
    return reused


def _from_files(plan: Plan) -> bool:
    """Whether every table of the plan is read from a file or by name, so that a file of options
    can name it (a DataFrame held in memory cannot be)."""
    return all(spec.table is None for spec in plan.experiment.data)


def _write_folder(results: Results, record: RunRecord | None, out: Path, report: bool) -> None:
    """The tables, the file that runs the folder's experiment again (given its ``record``:
    none for tables held in memory), and (``report``) the figures and the HTML page."""
    try:
        results.write(out)
        if record is not None:
            _write_config(record, out)
        if report:
            from augbench.reporting.figures import write_plots
            from augbench.reporting.html import write_html

            write_html(results, out / "report.html", write_plots(results, out / "plots"))
    except OSError as exc:  # a full disk, a folder made read-only meanwhile
        raise UsageError(f"cannot write {exc.filename or out}: {exc.strerror or exc}. "
                         f"Every trial is stored in {out / STORE_NAME}: make room (or fix the "
                         f"permissions), then 'augbench report {out}' writes the tables.") from None


def _write_config(record: RunRecord, out: Path) -> None:
    """``out/config.toml``: the whole experiment the folder holds (every seed and arm, when
    several commands built it), which ``augbench run --config`` runs or resumes."""
    options = experiment_options(record.config, record.shown, out)
    if options is not None and record.config:
        (out / CONFIG_NAME).write_text(to_toml(*options))


def load_results(out: str | Path, rope: dict[str, float] | None = None) -> Results:
    """The results stored in a run's folder, finished or interrupted, without running anything.

    Metric specs come from the store, so a report needs none of the plugins that computed them.

    Args:
        out: The run's folder (its `out=`, or `augbench run --out`).
        rope: Margins of practical equivalence by metric, in place of the run's own (what
            `augbench report DIR --rope` gives); the folder keeps the run's.

    Returns:
        The run's `Results`, as `augbench.run` returned them.

    Raises:
        UsageError: The folder holds no run, or no finished trial yet; a margin for a metric
            the run does not compare.

    Examples:
        >>> import tempfile
        >>> import augbench
        >>> folder = tempfile.mkdtemp()
        >>> made = augbench.run(augmenters="none,smote", seeds=2, sizes=100,
        ...                     metrics="roc_auc,recall", out=folder,
        ...                     progress=False)
        >>> augbench.load_results(folder).summary.equals(made.summary)
        True
    """
    from augbench.registry import default_registry

    store = Store.open_existing(Path(out))
    try:
        record = RunRecord.read(store, installed=lambda: default_registry().metrics())
        trials, calibration = store.trials_and_calibration()
        comparisons = cached_comparisons(store, store.trials_digest())
    finally:
        store.close()
    if not len(trials):
        raise UsageError(f"{out} holds no finished trial yet.")
    if rope:
        compared = [n for n, m in record.metrics.items() if m.needs == "predictions"]
        unknown = [n for n in rope if n not in compared]
        if unknown:
            raise UsageError(f"--rope {unknown[0]}=...: '{unknown[0]}' is not a metric {out} "
                             f"compares with the baseline; choose one of {', '.join(compared)}.")
        record.config = {**record.config, "rope": {**(record.config.get("rope") or {}), **rope}}
    return Results(trials, record, calibration=calibration, out=Path(out),
                   precomputed_comparisons=comparisons)
