"""Two runs of one experiment side by side (``augbench report DIR --against OTHER``): a tuned
run and its untuned twin, say. Both split every seed's rows the same way, so their trials pair
up seed by seed, and two questions have answers:

- which differences from the baseline hold in both runs, vanish, appear or reverse
  (`verdicts`), and
- what the change between the runs did to each arm itself, on the same seeds
  (`arm_changes`: is a gain the augmenter's, or the regularisation an untuned classifier
  lacked?).

Both are read on what the runs share: the seeds both ran (`Pairing`), the sizes, classifiers
and augmenters both ran; where they share no difference from the baseline, `Pairing.lacking`
says what they have nothing in common of.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from augbench.errors import UsageError
from augbench.results.compare import ALPHA, holm, paired_comparisons
from augbench.results.row import KEY_COLUMNS, axes

# What makes two runs' trials pair up: the same tables, read alike, split alike.
TWIN_KEYS = ("tables", "test_size", "ratio", "prevalence")
# The words for what became of a significant difference from the baseline.
VERDICTS = {
    "holds": "significant in both runs, the same way",
    "vanishes": f"significant only in the other run (Holm p < {ALPHA} there, not here)",
    "appears": "significant only in this run",
    "reverses": "significant in both runs, opposite ways",
}
COMPARED = ("mean_diff", "ci_low", "ci_high", "p_adjusted")


def twin_differences(here: dict[str, Any], there: dict[str, Any]) -> list[str]:
    """What keeps two runs' trials from pairing up: the settings they split or read rows by."""
    def tables(config: dict[str, Any]) -> dict[str, Any]:
        return {name: table.get("fingerprint") for name, table in
                (config.get("tables") or {}).items()}

    found = []
    for key in TWIN_KEYS:
        mine, theirs = (tables(c) if key == "tables" else c.get(key) for c in (here, there))
        if key == "tables":
            shared = set(mine) & set(theirs)
            if not shared or any(mine[n] != theirs[n] for n in shared):
                found.append("tables")
        elif mine != theirs:
            found.append(key)
    return found


def check_twins(here: Any, there: Any, here_name: str, there_name: str) -> None:
    """Refuse two runs whose trials do not pair up, naming what differs."""
    if differs := twin_differences(here.config, there.config):
        raise UsageError(f"{here_name} and {there_name} do not split the same rows "
                         f"(different: {', '.join(differs)}); compare runs of one experiment that "
                         "differ in how their arms are fitted, such as --tune.")
    # Verdicts compare differences from one baseline, tested in one Holm family.
    for what, option, mine, theirs in (("baseline", "--baseline", here.baseline, there.baseline),
                                       ("Holm family", "--holm", here.family, there.family)):
        if mine != theirs:
            raise UsageError(f"{here_name} and {there_name} have another {what} ({mine!r} and "
                             f"{theirs!r}); run both with the same {option}.")


@dataclass(frozen=True)
class Pairing:
    """What two runs' trials share: each run's differences from the baseline on the seeds both
    ran (``here``, ``there``), those seeds and how many each run ran, whether the runs hold
    the same trials, and what they have no value in common of (``lacking``: the words for it
    and each run's values), where they share no difference from the baseline."""

    here: pd.DataFrame
    there: pd.DataFrame
    seeds: tuple[int, ...]
    here_seeds: int
    there_seeds: int
    same_trials: bool
    lacking: tuple[str, list[str], list[str]] | None

    @property
    def fewer_seeds(self) -> bool:
        """Whether either run ran seeds the other did not (its other seeds are left out)."""
        return not self.here_seeds == self.there_seeds == len(self.seeds)


def pair_runs(here: Any, there: Any) -> Pairing:
    """How the runs ``here`` and ``there`` (results of twin runs, see `check_twins`) pair up,
    with each run's differences from the baseline on the seeds both ran."""
    mine, theirs = (set(run.trials["seed"]) for run in (here, there))
    seeds = tuple(sorted(mine & theirs))
    if len(seeds) == len(mine) == len(theirs):
        compared = here.comparisons, there.comparisons
    else:  # a difference tested on more seeds is not comparable with one tested on fewer
        compared = tuple(paired_comparisons(run.trials[run.trials["seed"].isin(seeds)],
                                            run.metrics, run.baseline, run.family)
                         for run in (here, there))
    return Pairing(*compared, seeds, len(mine), len(theirs), same_trials(here, there),
                   _lacking(here, there, *compared))


def same_trials(here: Any, there: Any) -> bool:
    """Whether two runs hold the same trials, to the last digit: a run against itself."""
    if here is there:
        return True
    keys = [c for c in KEY_COLUMNS if c in here.trials and c in there.trials]
    values = sorted(set(here.metrics) & set(there.metrics) & set(here.trials)
                    & set(there.trials))

    def rows(trials: pd.DataFrame) -> list[tuple]:
        ordered = trials[[*keys, "status", *values]].sort_values(keys, key=lambda c: c.astype(str))
        # Missing is missing, whether stored as None or NaN.
        return [tuple(None if pd.isna(v) else v for v in row)
                for row in ordered.itertuples(index=False)]

    return len(here.trials) == len(there.trials) and rows(here.trials) == rows(there.trials)


# What two runs can lack in common, in the order a reader would check it.
SHARED = (("seed", "seed"), ("size", "training size"), ("classifier", "classifier"),
          ("augmenter", "augmenter compared with the baseline"), ("metric", "compared metric"))


def _lacking(here: Any, there: Any, mine: pd.DataFrame,
             theirs: pd.DataFrame) -> tuple[str, list[str], list[str]] | None:
    """What two runs have no value in common of, where they share no difference from the
    baseline (None where they do): the words for it, and each run's values."""
    on = [*axes(mine), "classifier", "augmenter", "metric"]
    if set(on) <= set(mine) and set(on) <= set(theirs) and not mine[on].merge(theirs[on]).empty:
        return None
    for column, words in SHARED:
        values = []
        for run, compared in ((here, mine), (there, theirs)):
            values.append(sorted({str(v) for v in _ran(run, compared, column)}, key=_natural))
        if not set(values[0]) & set(values[1]):
            return words, *values
    return "augmenter compared with the baseline at a size and classifier both ran", [], []


def _ran(run: Any, compared: pd.DataFrame, column: str) -> pd.Series:
    """The values of ``column`` a run holds: the metrics it compared, the augmenters it compared
    with its baseline, or any other axis of its trials."""
    if column == "metric":
        return compared["metric"]
    trials = run.trials
    if column == "augmenter":
        trials = trials[trials["augmenter"] != run.baseline]
    return trials[column]


def _natural(text: str) -> tuple:
    """Sizes and seeds in numeric order, names in alphabetical order."""
    return (0, float(text), "") if text.replace(".", "", 1).isdigit() else (1, 0.0, text)


def verdicts(here: pd.DataFrame, there: pd.DataFrame) -> pd.DataFrame:
    """Each difference from the baseline that either run finds significant, among the arms
    both runs ran, with both runs' mean difference, interval and Holm p (``_here``,
    ``_there``) and its verdict."""
    on = [*axes(here), "classifier", "augmenter", "metric"]
    both = here[[*on, *COMPARED]].merge(there[[*on, *COMPARED]], on=on,
                                        suffixes=("_here", "_there"))
    sig_here, sig_there = both["p_adjusted_here"] < ALPHA, both["p_adjusted_there"] < ALPHA
    same_way = np.sign(both["mean_diff_here"]) == np.sign(both["mean_diff_there"])
    both["verdict"] = np.select(
        [sig_here & sig_there & same_way, sig_here & sig_there, sig_there, sig_here],
        ["holds", "reverses", "vanishes", "appears"], default="")
    return both[both["verdict"] != ""].reset_index(drop=True)


def arm_changes(here: Any, there: Any) -> pd.DataFrame:
    """Each arm (augmenter and classifier) in this run minus the same arm in the other, seed by
    seed: mean, 95% interval, Wilcoxon p and Holm p across the arms of one dataset, size,
    classifier and metric, wins/ties/losses in the metric's direction."""
    trials = []
    for run, frame in (("here", here.trials), ("there", there.trials)):
        trials.append(frame.assign(run=run))
    both = pd.concat(trials, ignore_index=True)
    metrics = {**there.metrics, **here.metrics}
    rows = []
    for augmenter in sorted(set(here.trials["augmenter"]) & set(there.trials["augmenter"])):
        arm = both[both["augmenter"] == augmenter]
        # The run plays the augmenter's part: "here" compared with the baseline "there".
        compared = paired_comparisons(arm.assign(augmenter=arm["run"]), metrics, "there")
        rows.append(compared.assign(augmenter=augmenter))
    if not rows:
        return pd.DataFrame()
    changes = pd.concat(rows, ignore_index=True).drop(columns=["baseline"], errors="ignore")
    family = [*axes(changes), "classifier", "metric"]
    changes["p_adjusted"] = changes.groupby(family, dropna=False)["p_value"].transform(
        lambda p: pd.Series(holm(p.to_numpy()), index=p.index))
    return changes
