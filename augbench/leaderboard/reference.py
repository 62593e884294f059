"""Reference results: a suite's per-seed scores for every reference arm, stored compactly with
the experiment and the versions that made them, so that a new method is placed among them by
running only its own trials.

A reference is two files side by side: ``<name>.json`` (the format, the suites and their
tables with their meta-features and fingerprints, each setting's experiment configuration and
library versions, the metric specs, the command that made it, what it cost) and
``<name>.csv.gz`` (one row per trial: setting, dataset, size, classifier, augmenter, seed,
status and the metrics). The built-in references ship with augbench under
``augbench/leaderboard/references/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from augbench.errors import UsageError
from augbench.plugin.metric import Metric
from augbench.results.identity import identity

FORMAT = 1
# What a trial's numbers are made of, besides augbench's own code: a reference made with other
# versions of these gives other numbers for the same trial, so a new arm cannot pair with it.
# (augbench's protocol version is PROTOCOL: it changes whenever a trial's numbers would.)
NUMERIC_LIBRARIES = ("numpy", "scipy", "scikit-learn", "pandas")
PROTOCOL = "1"
KEY = ["setting", "dataset", "size", "classifier", "augmenter", "seed"]
BUILT_IN = Path(__file__).resolve().parent / "references"


@dataclass
class Reference:
    """A reference's description (the JSON) and its per-seed scores."""

    about: dict[str, Any]
    scores: pd.DataFrame

    @property
    def metrics(self) -> dict[str, Metric]:
        return {name: Metric.from_data(data) for name, data in self.about["metrics"].items()}

    @property
    def suites(self) -> dict[str, list[str]]:
        return self.about["suites"]

    def settings(self) -> dict[str, dict[str, Any]]:
        """Each setting's experiment configuration and versions ("untuned", "tuned")."""
        return self.about["settings"]

    def tables(self) -> pd.DataFrame:
        """Each table's meta-features, by dataset."""
        return pd.DataFrame.from_dict(self.about["tables"], orient="index").drop(
            columns=["fingerprint"], errors="ignore")

    def of_suites(self, names: list[str]) -> "Reference":
        """The part of the reference that covers the tables of the suites ``names``."""
        unknown = [n for n in names if n not in self.suites]
        if unknown:
            raise UsageError(f"--suite {unknown[0]}: the reference holds the suites "
                             f"{', '.join(self.suites)}; choose one of them.")
        tables = [t for n in names for t in self.suites[n]]
        about = {**self.about, "suites": {n: self.suites[n] for n in names},
                 "tables": {t: self.about["tables"][t] for t in tables}}
        return Reference(about, self.scores[self.scores["dataset"].isin(tables)])

    def write(self, path: Path) -> tuple[Path, Path]:
        """``path``.json and ``path``.csv.gz (floats written to round-trip exactly)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        about, scores = path.with_suffix(".json"), path.with_suffix(".csv.gz")
        about.write_text(json.dumps(self.about, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        scores_sorted = self.scores.sort_values(KEY, kind="stable")
        scores_sorted.to_csv(scores, index=False, compression={"method": "gzip", "mtime": 0})
        return about, scores


def read_reference(path: Path) -> Reference:
    """The reference at ``path`` (``.json``, ``.csv.gz`` or their common stem)."""
    stem = Path(str(path).removesuffix(".csv.gz").removesuffix(".json"))
    about_path, scores_path = stem.with_suffix(".json"), stem.with_suffix(".csv.gz")
    if not about_path.is_file() or not scores_path.is_file():
        raise UsageError(f"--reference {path}: no reference there (it needs {about_path.name} "
                         f"and {scores_path.name} side by side); 'augbench leaderboard "
                         "--make-reference' writes one.")
    about = json.loads(about_path.read_text(encoding="utf-8"))
    if about.get("format") != FORMAT:
        raise UsageError(f"--reference {path}: format {about.get('format')}, this augbench "
                         f"reads format {FORMAT}; regenerate it with this version.")
    scores = pd.read_csv(scores_path, float_precision="round_trip", keep_default_na=False,
                         na_values=[""], dtype={"setting": str, "dataset": str,
                                                "classifier": str, "augmenter": str})
    return Reference(about, scores)


def built_in(suite: str) -> Path:
    """The shipped reference that covers ``suite``."""
    for about in sorted(BUILT_IN.glob("*.json")):
        if suite in json.loads(about.read_text(encoding="utf-8")).get("suites", {}):
            return about
    shipped = sorted(s for about in BUILT_IN.glob("*.json")
                     for s in json.loads(about.read_text(encoding="utf-8")).get("suites", {}))
    raise UsageError(f"--suite {suite}: augbench ships no reference results for it (it has "
                     f"them for {', '.join(shipped) or 'no suite'}); give --reference FILE, or "
                     "run every arm yourself and give the folders.")


def from_runs(runs: dict[str, Any], suites: dict[str, list[str]],
              tables: dict[str, dict[str, Any]], command: str = "",
              wall_seconds: dict[str, float] | None = None) -> Reference:
    """A reference from finished runs by setting ({"untuned": Results, "tuned": Results}) over
    the tables of ``suites``, with each table's meta-features."""
    parts, settings, metrics = [], {}, {}
    for setting, results in runs.items():
        compared = [m for m, spec in results.metrics.items() if spec.needs == "predictions"]
        trials = results.trials
        parts.append(trials[["dataset", "size", "classifier", "augmenter", "seed", "status",
                             *compared]].assign(setting=setting))
        settings[setting] = {"config": results.config, "versions": results.versions}
        metrics.update({m: results.metrics[m].as_data() for m in compared})
    fingerprints = {t: spec["fingerprint"] for results in runs.values()
                    for t, spec in results.config.get("tables", {}).items()}
    about = {"format": FORMAT, "protocol": PROTOCOL, "suites": suites,
             "tables": {t: {**tables[t], "fingerprint": fingerprints.get(t)} for t in tables},
             "settings": settings, "metrics": metrics, "command": command,
             "wall_seconds": wall_seconds or {}}
    scores = pd.concat(parts, ignore_index=True)
    return Reference(about, scores[[*KEY, "status", *[c for c in scores.columns
                                                       if c not in (*KEY, "status")]]])


def incompatibilities(reference: Reference, setting: str, versions: dict[str, str],
                      config: dict[str, Any]) -> list[str]:
    """What makes a run (its ``versions`` and ``config``) unable to pair with the reference's
    ``setting``, in words: a protocol or library version, an experiment setting, a table."""
    made = reference.settings()[setting]
    found = []
    if reference.about.get("protocol") != PROTOCOL:
        found.append(f"augbench's trial protocol {reference.about.get('protocol')} in the "
                     f"reference, {PROTOCOL} here")
    for library in NUMERIC_LIBRARIES:
        there, here = made["versions"].get(library), versions.get(library)
        if there != here:
            found.append(f"{library} {there} in the reference, {here} here")
    there, here = identity(made["config"]), identity(config)
    for key in sorted(set(there) | set(here)):
        if key in ("baseline", "tables", "data", "metrics"):
            continue  # the arms compared and the tables run are this run's choice
        if there.get(key) != here.get(key):
            found.append(f"{key} {json.dumps(there.get(key))} in the reference, "
                         f"{json.dumps(here.get(key))} here")
    for table, spec in (here.get("tables") or {}).items():
        known = reference.about["tables"].get(table, {})
        if known.get("fingerprint") != spec.get("fingerprint"):
            found.append(f"table '{table}' reads differently here ({spec.get('rows')} rows) "
                         f"than in the reference ({known.get('rows')} rows): another copy or "
                         "another version of it")
    return found
