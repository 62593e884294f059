"""A method author's run: only the new arms' trials, on the reference's seeds, sizes, splits and
classifiers, so that they pair seed by seed with the reference arms' stored scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from augbench.errors import UsageError
from augbench.leaderboard.reference import Reference, incompatibilities
from augbench.results.identity import TUNING

# What the new arms' run takes from each reference setting's experiment: everything a trial's
# numbers depend on, except the arms themselves.
TAKEN = ("classifiers", "sizes", "seeds", "ratio", "test_size", "metrics", "prevalence",
         "sensitive", "tune", *TUNING)


def experiment_options(reference: Reference, setting: str, arms: tuple[str, ...]
                       ) -> dict[str, Any]:
    """The options of ``augbench.run`` that run ``arms`` as the reference ran its own arms in
    ``setting``: the same tables (each read as the reference read it), seeds, sizes,
    classifiers (with their parameters) and metrics; the first new arm is the run's baseline,
    so that no reference arm runs again."""
    config = reference.settings()[setting]["config"]
    tables = [t for names in reference.suites.values() for t in names]
    specs = [spec for spec in config["data"] if spec["source"] in tables]
    options = {key: config[key] for key in TAKEN if config.get(key) is not None}
    classifiers = set(config["classifiers"])
    params = {name: p for name, p in (config.get("params") or {}).items() if name in classifiers}
    if "tune_space" in options:
        options["tune_space"] = {name: space for name, space in options["tune_space"].items()
                                 if name in classifiers} or None
    from augbench.experiment.datasets import DataSpec

    data = [DataSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})
            for spec in specs]
    return {**{k: v for k, v in options.items() if v is not None}, "data": data,
            "augmenters": arms, "baseline": arms[0], "params": params}


def run_arms(reference: Reference, arms: tuple[str, ...], out: Path, *, jobs: int | None = None,
             params: dict[str, dict[str, Any]] | None = None, progress: bool = False,
             settings: tuple[str, ...] = ("untuned",)) -> pd.DataFrame:
    """Run only ``arms``' trials for each reference setting in ``settings`` (a results folder
    per setting under ``out``, resumable) and return their per-seed scores in the reference's
    columns. A reference this machine cannot pair with is refused, naming what differs."""
    from augbench.experiment.plan import make_plan
    from augbench.options import from_keywords, request
    from augbench.runner import plan_config, run

    found = []
    for setting in settings:
        if setting not in reference.settings():
            raise UsageError(f"the reference has no {setting} run (it has "
                             f"{', '.join(reference.settings())}).")
        options = experiment_options(reference, setting, arms)
        extra = {name: dict(p) for name, p in (params or {}).items()}
        data = options.pop("data")
        values = from_keywords({k: v for k, v in options.items() if k != "params"})
        values["data"] = data
        plan = make_plan(request(values, {**options["params"], **extra}).experiment)
        differ = incompatibilities(reference, setting, plan.versions(), plan_config(plan))
        if differ:
            raise UsageError(f"the reference's {setting} results cannot pair with a run here: "
                             + "; ".join(differ) + ". Rerun every arm here instead (give the "
                             "folders to 'augbench leaderboard'), or use a reference made with "
                             "this version.")
        results = run(plan, out=out / setting, jobs=jobs, progress=progress)
        compared = [m for m in reference.metrics if m in results.trials]
        found.append(results.trials[["dataset", "size", "classifier", "augmenter", "seed",
                                     "status", *compared]].assign(setting=setting))
    return pd.concat(found, ignore_index=True)

