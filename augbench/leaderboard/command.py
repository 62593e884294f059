"""``augbench leaderboard``: a board from result folders, or from a suite's reference results
with a new method's own trials added."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from augbench.errors import UsageError
from augbench.leaderboard.board import META_FEATURES, Board, meta_features
from augbench.leaderboard.reference import Reference, built_in, read_reference

DEFAULT_METRICS = ("roc_auc", "pr_auc")
SCORE_COLUMNS = ["setting", "dataset", "size", "classifier", "augmenter", "seed", "status"]


def board_of_folders(folders: list[Path], metrics: tuple[str, ...],
                     margins: dict[str, float]) -> Board:
    """A board of the runs in ``folders``: a tuned run's trials are the "tuned" setting, an
    untuned run's the "untuned" one; every folder compares with the same baseline."""
    from augbench.runner import load_results

    parts, specs, baselines, tables = [], {}, set(), {}
    for folder in folders:
        results = load_results(folder)
        setting = "tuned" if results.config.get("tune") else "untuned"
        compared = [m for m, s in results.metrics.items() if s.needs == "predictions"]
        parts.append(results.trials[[c for c in SCORE_COLUMNS if c != "setting"] + compared]
                     .assign(setting=setting))
        specs.update({m: results.metrics[m] for m in compared})
        baselines.add(results.baseline)
        tables.update(results.config.get("tables") or {})
    if len(baselines) > 1:
        raise UsageError(f"the folders compare with different baselines ({', '.join(sorted(baselines))}); "
                         "a leaderboard reads every arm against one.")
    scores = pd.concat(parts, ignore_index=True)
    twice = scores.duplicated(SCORE_COLUMNS[:-1])
    if twice.any():
        r = scores[twice].iloc[0]
        raise UsageError(f"two folders hold the {r['setting']} trial of '{r['augmenter']}' with "
                         f"'{r['classifier']}' on '{r['dataset']}' (size {r['size']}, seed "
                         f"{r['seed']}); give each trial once.")
    return Board(scores, _chosen(specs, metrics), baselines.pop(), margins,
                 _meta_of(sorted(set(scores["dataset"])), tables))


def _chosen(specs: dict, metrics: tuple[str, ...]) -> dict:
    missing = [m for m in metrics if m not in specs]
    if missing:
        raise UsageError(f"--metrics {missing[0]}: not a metric the runs compared; choose among "
                         f"{', '.join(specs)}.")
    return {m: specs[m] for m in metrics}


def _meta_of(datasets: list[str], recorded: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Meta-features of named tables as augbench reads them; for a table read from a file, what
    its run recorded (rows and positive share)."""
    from augbench.api import load_dataset
    from augbench.registry import default_registry

    known = set(default_registry().names("datasets"))
    rows = {}
    for name in datasets:
        spec = recorded.get(name, {})
        rows[name] = {"rows": spec.get("rows"), "positive_share": spec.get("positive_share")}
        if name in known:
            try:
                dataset = load_dataset(name)
            except UsageError:
                continue  # not downloaded here, and no way to: the runs' record says enough
            rows[name] = meta_features(dataset.X, dataset.y)
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(META_FEATURES))


def reference_of(suites: list[str], path: Path | None) -> Reference:
    """The reference results of ``suites``: the file given, else the one augbench ships."""
    if path is None:
        paths = {built_in(suite) for suite in suites}
        if len(paths) > 1:
            raise UsageError(f"the suites {', '.join(suites)} come from different reference "
                             "files; give them one at a time.")
        path = paths.pop()
    return read_reference(path).of_suites(suites)


def board_of_reference(reference: Reference, metrics: tuple[str, ...],
                       margins: dict[str, float], added: pd.DataFrame | None = None) -> Board:
    """A board of the reference's scores, with ``added`` (a new arm's) replacing any of the
    same arm."""
    scores = reference.scores
    if added is not None and len(added):
        scores = pd.concat([scores[~scores["augmenter"].isin(set(added["augmenter"]))], added],
                           ignore_index=True)
    return Board(scores, _chosen(reference.metrics, metrics), "none", margins,
                 reference.tables().reindex(columns=list(META_FEATURES)))
