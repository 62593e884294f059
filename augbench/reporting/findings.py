"""Plain sentences a reader must not miss: warnings about the data and the seeds, threshold
shifts, and one finding per augmenter (analysis in words; the numbers come from results/)."""

from __future__ import annotations

import pandas as pd

from augbench.experiment.plan import PERMUTATION_CONTROL
from augbench.reporting.blocks import family_words, higher_is_better, prevalence_words, shown_metrics
from augbench.results.compare import (
    ALPHA,
    family_columns,
    no_signal,
    seeds_needed,
    smallest_p,
    threshold_shifts,
)
from augbench.results.tables import Results

# The findings read these metrics where a run has them: a threshold metric that rises without
# the ranking metric rising is a threshold shift, and the ranking metric at its chance level
# means the table carries no signal.
THRESHOLD_METRIC, RANKING_METRIC, CHANCE = "recall", "roc_auc", 0.5


def too_few_seeds(results: Results) -> str | None:
    """A warning when no paired difference can reach significance with the seeds run."""
    comparisons = results.comparisons
    if comparisons.empty:
        return None
    n = int(comparisons["n_pairs"].max())
    by = family_columns(results.family, comparisons)
    family = int(comparisons.groupby(by).size().max()) if by else len(comparisons)
    best = min(1.0, family * smallest_p(n))
    if best < ALPHA:
        return None
    return (f"warning: with {n} seeds no difference from '{results.baseline}' can be significant: "
            f"the paired Wilcoxon test's smallest p-value is {smallest_p(n):.3g}, {best:.3g} after "
            f"Holm {family_words(results)} ({family}); run at least "
            f"{seeds_needed(family)} seeds.")


def findings(results: Results) -> list[str]:
    """Plain-text warnings and notes a reader must not miss."""
    lines = [line for line in [too_few_seeds(results)] if line]
    ranking = _label(results, RANKING_METRIC)
    controlled, control_lines = _against_permuted_labels(results)
    lines += control_lines
    for _, r in no_signal(results.trials, results.baseline, RANKING_METRIC, CHANCE).iterrows():
        prevalence = r.get("prevalence")
        if (r["dataset"], prevalence, r["classifier"]) in controlled:
            continue  # judged against the permuted-labels control instead of a fixed 0.5
        lines.append(
            f"warning: no detectable signal in dataset '{r['dataset']}'{_at(prevalence)} with "
            f"classifier '{r['classifier']}': the {ranking} of '{results.baseline}' at "
            f"{int(r['size'])} training rows, {r[f'{RANKING_METRIC}_mean']:.3f} (one-sided 95% "
            f"lower bound {r[f'{RANKING_METRIC}_lower']:.3f}), is not significantly above "
            f"{CHANCE} (p {r['p_above_chance']:.2g}); differences in accuracy and recall then "
            "reflect threshold shifts only.")
    for r in idle_augmenters(results).itertuples():
        lines.append(
            f"warning: '{r.augmenter}' added no row in any trial on '{r.dataset}': the positive "
            "class is not the rarer one there, or --ratio is already met, so its numbers are "
            "those of the training rows alone; check --positive and --ratio.")
    shifts = threshold_shifts(results.comparisons, THRESHOLD_METRIC, RANKING_METRIC)
    rising = _label(results, THRESHOLD_METRIC)
    for (dataset, prevalence, augmenter, classifier), g in _by(
            shifts, ["dataset", "prevalence", "augmenter", "classifier"]):
        sizes = ", ".join(str(s) for s in g["size"])
        lines.append(
            f"note: '{augmenter}' raises {rising} with '{classifier}' on '{dataset}'"
            f"{_at(prevalence)} (at {sizes} "
            f"training rows, by {g[f'{THRESHOLD_METRIC}_diff'].mean():+.3f} on average) without a "
            f"significant {ranking} gain ({g[f'{RANKING_METRIC}_diff'].mean():+.3f}): a threshold "
            "shift, not better ranking.")
    return lines + finding_sentences(results)


def _against_permuted_labels(results: Results) -> tuple[set[tuple], list[str]]:
    """Where the permuted-labels control ran: the (dataset, classifier) pairs it judges, and a
    warning for each whose baseline does not rank patients better than the control does."""
    comparisons = results.comparisons
    rows = comparisons[(comparisons["augmenter"] == PERMUTATION_CONTROL)
                       & (comparisons["metric"] == RANKING_METRIC)] if len(comparisons) else \
        comparisons
    judged, lines = set(), []
    for (dataset, prevalence, classifier), group in _by(
            rows, ["dataset", "prevalence", "classifier"]):
        judged.add((dataset, prevalence, classifier))
        r = group.sort_values("size").iloc[-1]
        # mean_diff is the control minus the baseline: the baseline is better when it is below 0.
        # The question is one-sided (is the baseline above the control?): half the two-sided p
        # where the difference points that way.
        p = r["p_adjusted"] / 2 if r["mean_diff"] < 0 else 1 - r["p_adjusted"] / 2
        if p < ALPHA:
            continue
        lines.append(
            f"warning: no detectable signal in dataset '{dataset}'{_at(prevalence)} with "
            f"classifier '{classifier}': at {int(r['size'])} training rows the "
            f"{_label(results, RANKING_METRIC)} of '{results.baseline}' is indistinguishable "
            "from that of the same classifier fitted on shuffled labels (difference "
            f"{-r['mean_diff']:+.3f} [{-r['ci_high']:+.3f}, "
            f"{-r['ci_low']:+.3f}], one-sided Holm p {p:.2g}); differences in accuracy and "
            "recall then reflect threshold shifts only.")
    return judged, lines


def finding_sentences(results: Results) -> list[str]:
    """One plain sentence per augmenter, classifier and dataset: what changed significantly
    against the baseline, by how much (at the largest such size), where, and what did not."""
    comparisons = results.comparisons
    metrics = shown_metrics(results, "predictions")
    if comparisons.empty or not metrics:
        return []
    lines = []
    for (dataset, prevalence, classifier, augmenter), group in _by(
            comparisons, ["dataset", "prevalence", "classifier", "augmenter"]):
        changed, unchanged = [], []
        for metric in metrics:
            rows = group[group["metric"] == metric].sort_values("size")
            if rows.empty:
                continue
            significant = rows[rows["p_adjusted"] < ALPHA]
            label = _label(results, metric)
            if significant.empty:
                unchanged.append(label)
                continue
            r = significant.iloc[-1]
            verb = "raised" if r["mean_diff"] > 0 else "lowered"
            where = "at every size" if len(significant) == len(rows) else \
                "at " + ", ".join(str(int(s)) for s in significant["size"]) + " training rows"
            judged = ""
            if not higher_is_better(results, metric):  # lower is better: say which way it went
                judged = " (worse)" if verb == "raised" else " (better)"
            # The interval as it is, signed: the ranks of the per-seed differences can be
            # consistently on one side while a few large ones put the mean's interval across 0.
            crossing = (", an interval that crosses zero: the paired rank test finds a shift "
                        "the mean does not establish") if r["ci_low"] < 0 < r["ci_high"] else ""
            changed.append(f"{verb} {label}{judged} by {r['mean_diff']:+.3f} "
                           f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}{crossing}] {where}")
        on = f"on '{dataset}'{_at(prevalence)}"
        if not changed:
            lines.append(f"finding: '{augmenter}' with '{classifier}' {on} changed "
                         f"nothing significantly against '{results.baseline}'.")
            continue
        rest = f", and left {', '.join(unchanged)} unchanged" if unchanged else ""
        shift = (": a threshold shift" if _label(results, THRESHOLD_METRIC) in " ".join(changed)
                 and _label(results, RANKING_METRIC) in unchanged else "")
        lines.append(f"finding: '{augmenter}' with '{classifier}' {on} "
                     f"{'; '.join(changed)}{rest}{shift}.")
    return lines


def idle_augmenters(results: Results) -> pd.DataFrame:
    """(dataset, augmenter) of augmenters that add rows by nature but added none in any trial."""
    ok = results.trials[results.trials["status"] == "ok"]
    added = ok.groupby(["dataset", "augmenter"])["n_synthetic"].max().reset_index()
    adds = [results.capabilities.get(a, {}).get("adds_rows", a != results.baseline)
            for a in added["augmenter"]]
    return added[(added["n_synthetic"] == 0) & pd.Series(adds, index=added.index)]


def _by(frame: pd.DataFrame, columns: list[str]):
    """Groups of ``frame`` by ``columns``, a prevalence of None where the frame has none (the
    tables as they are), so that every group names it."""
    if "prevalence" not in frame or not frame["prevalence"].notna().any():
        frame = frame.assign(prevalence="")
        return ((tuple(None if c == "prevalence" else v for c, v in zip(columns, key)), group)
                for key, group in frame.groupby(columns, sort=True))
    return frame.groupby(columns, sort=True)


def _at(prevalence: float | None) -> str:
    """" at prevalence 5%" where the table was thinned, else nothing."""
    words = prevalence_words(prevalence)
    return f" at {words}" if words else ""


def _label(results: Results, metric: str) -> str:
    spec = results.metrics.get(metric)
    return spec.label if spec else metric
