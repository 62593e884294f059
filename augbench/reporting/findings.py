"""Plain sentences a reader must not miss: warnings about the data and the seeds, threshold
shifts, and one finding per augmenter (analysis in words; the numbers come from results/)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from augbench.plugin.kit import rows_to_add
from augbench.reporting.blocks import (
    family_words,
    higher_is_better,
    prevalence_words,
    references,
    shown_metrics,
)
from augbench.results.compare import (
    ALPHA,
    family_columns,
    no_signal,
    seeds_needed,
    smallest_p,
    threshold_shifts,
)
from augbench.results.tables import ResultTables

# The findings ask for metrics by role (see augbench.Metric): the threshold metric rising
# without the ranking metric is a threshold shift, and the ranking metric not above its chance
# level means the table carries no signal.
THRESHOLD_SHIFTS_ONLY = "differences at the decision threshold then reflect threshold shifts only."


@dataclass(frozen=True)
class Finding:
    """One thing a reader must not miss, as data: `kind` is `"warning"` (the numbers cannot
    say what they seem to: too few seeds, no signal in the table), `"summary"` (one line per
    augmenter: the metrics it made better or worse), `"note"` (how to read them: a threshold
    shift, the no-leak level of an attack) or `"finding"` (what one augmenter changed against
    the baseline, in detail); `text` says it in a sentence."""

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def findings(results: ResultTables) -> list[str]:
    """The findings of `results` as the plain-text lines a terminal prints."""
    return [str(f) for f in findings_of(results)]


def too_few_seeds(results: ResultTables) -> Finding | None:
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
    seeds = f"{n} seed{'s' if n != 1 else ''}"
    return Finding("warning",
                   f"with {seeds} no difference from '{results.baseline}' can be significant: "
                   f"the paired Wilcoxon test's smallest p-value is {smallest_p(n):.3g}, "
                   f"{best:.3g} after Holm {family_words(results)} ({family}); run at least "
                   f"{seeds_needed(family)} seeds.")


def tuning_note(results: ResultTables) -> Finding | None:
    """How a tuned run chose its values, where the reader finds them, and how to compare it
    with its untuned twin."""
    config = results.config or {}
    if not config.get("tune"):
        return None
    metric = config.get("tune_metric")
    # The metric tuned on need not be one the run computed (--metrics recall --tune-metric
    # roc_auc), so the record may hold no spec of it: its name is then what the user gave.
    label = results.metrics[metric].label if metric in results.metrics else metric
    budget = config.get("tune_budget")
    tried = f"at most {budget} configurations" if budget else "every configuration of its grid"
    halving = (" by successive halving (all on one inner fold, the best third on the next, "
               "...)" if config.get("tune_strategy") == "halving" else "")
    arms = ", ".join(sorted(config.get("tune_space") or {})) or "none"
    return Finding("note",
                   f"tuned: each trial tried {tried} (values for {arms}){halving} in a "
                   f"{config.get('tune_folds')}-fold cross-validation on its training rows for "
                   f"{label}, then refitted the best on all of them; the values chosen are in "
                   "trials.csv (tuned_params, every candidate's scores in tune_candidates) and "
                   "the report. 'augbench report DIR --against OTHER' compares it with an "
                   "untuned run of the same experiment, seed by seed.")


def findings_of(results: ResultTables) -> list[Finding]:
    """The warnings, notes and findings a reader must not miss, as data (each report renders
    them: `findings` as text lines, the HTML page and the notebook display by kind)."""
    lines = [line for line in [too_few_seeds(results), tuning_note(results)] if line]
    ranking, threshold = results.metric_of_role("ranking"), results.metric_of_role("threshold")
    controlled, control_lines = _against_controls(results, ranking)
    lines += control_lines
    chance = results.metrics[ranking].chance if ranking else None
    if ranking and chance is not None:
        for _, r in no_signal(results.trials, results.baseline, ranking, chance).iterrows():
            prevalence = r.get("prevalence")
            if (r["dataset"], prevalence, r["classifier"]) in controlled:
                continue  # judged against the control instead of a fixed chance level
            lines.append(
                Finding("warning",
                f"no detectable signal in dataset '{r['dataset']}'{_at(prevalence)} "
                f"with classifier '{r['classifier']}': the {results.metrics[ranking].label} of "
                f"'{results.baseline}' at {int(r['size'])} training rows, "
                f"{r[f'{ranking}_mean']:.3f} (one-sided 95% lower bound "
                f"{r[f'{ranking}_lower']:.3f}), is not significantly above {chance:g} (p "
                f"{r['p_above_chance']:.2g}); {THRESHOLD_SHIFTS_ONLY}"))
    lines += reserve_notes(results) + privacy_reference(results)
    for r in idle_augmenters(results).itertuples():
        lines.append(
            Finding("warning",
            f"'{r.augmenter}' added no row in any trial on '{r.dataset}': the positive "
            "class is not the rarer one there, or --ratio is already met, so its numbers are "
            "those of the training rows alone; check --positive and --ratio."))
    if ranking and threshold:
        shifts = threshold_shifts(results.comparisons, threshold, ranking)
        # The sizes where ranking fell significantly get a sentence of their own: "without a
        # gain" would understate a loss.
        for (dataset, prevalence, augmenter, classifier, fell), g in _by(
                shifts, ["dataset", "prevalence", "augmenter", "classifier", f"{ranking}_fell"]):
            sizes = ", ".join(str(s) for s in g["size"])
            # Where other sizes ran, the note says these are some of them: a finding that
            # speaks of every size must not read as contradicting it.
            run = sorted({int(size) for key, rows in _by(
                results.comparisons, ["dataset", "prevalence", "augmenter", "classifier"])
                if key == (dataset, prevalence, augmenter, classifier) for size in rows["size"]})
            sizes += (f" of the {', '.join(str(int(s)) for s in run)} training rows run"
                      if len(run) > len(g) else " training rows")
            label, change = results.metrics[ranking].label, g[f"{ranking}_diff"].mean()
            ranks = (f"while its {label} is worse ({change:+.3f}): a threshold shift, "
                     "with worse ranking" if fell else
                     f"without a {label} gain beyond its margin ({change:+.3f}): a threshold "
                     "shift, not better ranking")
            lines.append(
                Finding("note", f"'{augmenter}' raises {results.metrics[threshold].label} with "
                f"'{classifier}' on "
                f"'{dataset}'{_at(prevalence)} (at {sizes}, by "
                f"{g[f'{threshold}_diff'].mean():+.3f} on average) {ranks}."))
    # What the numbers cannot say comes first, then one line per augmenter, then how to read
    # the details, then the details.
    lines += summaries(results) + finding_sentences(results)
    return sorted(lines, key=lambda f: _READING_ORDER.index(f.kind))


_READING_ORDER = ("warning", "summary", "note", "finding")


def _against_controls(results: ResultTables, ranking: str | None
                      ) -> tuple[set[tuple], list[Finding]]:
    """Where a control ran (an arm that relabels rows: the classifier fitted on shuffled labels),
    the (dataset, prevalence, classifier) it judges, and a warning for each whose baseline does
    not rank patients better than the control does."""
    comparisons = results.comparisons
    if not ranking or not len(comparisons):
        return set(), []
    rows = comparisons[comparisons["augmenter"].isin(results.controls)
                       & (comparisons["metric"] == ranking)]
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
            Finding("warning",
            f"no detectable signal in dataset '{dataset}'{_at(prevalence)} with "
            f"classifier '{classifier}': at {int(r['size'])} training rows the "
            f"{results.metrics[ranking].label} of '{results.baseline}' is indistinguishable "
            f"from that of the same classifier under the control '{r['augmenter']}', whose "
            "training labels carry no signal (difference "
            f"{-r['mean_diff']:+.3f} [{-r['ci_high']:+.3f}, {-r['ci_low']:+.3f}], one-sided "
            f"Holm p {p:.2g}); {THRESHOLD_SHIFTS_ONLY}"))
    return judged, lines


def summaries(results: ResultTables) -> list[Finding]:
    """One line per augmenter a user can choose (controls are references, not options) and
    dataset, before the detailed sentences: the metrics it made better or worse than the
    baseline anywhere (any classifier or size, beyond the margin), and whether a gain at the
    decision came without better ranking."""
    comparisons = results.comparisons
    metrics = shown_metrics(results, "predictions")
    if comparisons.empty or not metrics:
        return []
    ranking, threshold = results.metric_of_role("ranking"), results.metric_of_role("threshold")
    several = comparisons["classifier"].nunique() > 1
    lines = []
    for (dataset, prevalence, augmenter), group in _by(
            comparisons[~comparisons["augmenter"].isin(references(results))
                        & comparisons["metric"].isin(metrics)],
            ["dataset", "prevalence", "augmenter"]):
        verdicts = {way: _where(group, way, results, several) for way in ("better", "worse")}
        better, worse = ({m for m, _ in verdicts[way]} for way in ("better", "worse"))
        shift = ""
        if threshold in better and ranking in set(group["metric"]) and ranking not in better:
            shift = ("; a threshold shift, with worse ranking" if ranking in worse else
                     f"; no {results.metrics[ranking].label} gain beyond its margin: a "
                     "threshold shift")
        words = {way: ", ".join(w for _, w in found) or "no metric"
                 for way, found in verdicts.items()}
        lines.append(Finding("summary", f"'{augmenter}' on '{dataset}'{_at(prevalence)}: "
                             f"better in {words['better']}; worse in {words['worse']}{shift}."))
    return lines


def _where(group: pd.DataFrame, way: str, results: ResultTables,
           several: bool) -> list[tuple[str, str]]:
    """The metrics with a ``way`` verdict somewhere in ``group``, each with its words (its
    label, and the classifiers where a run has several)."""
    found = []
    for metric, rows in group[group["verdict"] == way].groupby("metric", sort=False):
        where = f" with {', '.join(sorted(set(rows['classifier'])))}" if several else ""
        found.append((metric, results.metrics[metric].label + where))
    order = list(results.metrics)
    return sorted(found, key=lambda item: order.index(item[0]) if item[0] in order else 0)


def finding_sentences(results: ResultTables) -> list[Finding]:
    """One plain sentence per augmenter, classifier and dataset: what it made better or worse
    than the baseline (significant, beyond the metric's margin of practical equivalence), by
    how much (at the largest such size), where; in what it is practically equivalent; and
    where the seeds decide neither."""
    comparisons = results.comparisons
    metrics = shown_metrics(results, "predictions")
    if comparisons.empty or not metrics:
        return []
    lines = []
    ranking, threshold = results.metric_of_role("ranking"), results.metric_of_role("threshold")
    for (dataset, prevalence, classifier, augmenter), group in _by(
            comparisons, ["dataset", "prevalence", "classifier", "augmenter"]):
        changed, equivalent, undecided, moved = [], [], [], set()
        for metric in metrics:
            rows = group[group["metric"] == metric].sort_values("size")
            if rows.empty:
                continue
            label = results.metrics[metric].label
            decided = rows[rows["verdict"].isin(("better", "worse"))]
            if decided.empty:
                if (rows["verdict"] == "equivalent").all():
                    equivalent.append(label + _detectable(rows))
                else:
                    undecided.append(label)
                continue
            moved.add(metric)
            r = decided.iloc[-1]
            verb = "raised" if r["mean_diff"] > 0 else "lowered"
            judged = ""
            if not higher_is_better(results, metric):  # lower is better: say which way it went
                judged = " (worse)" if verb == "raised" else " (better)"
            amount = (f"by {_amount(r['mean_diff'], r['ci_low'], r['ci_high'], '.3f')} at "
                      f"{int(r['size'])} training rows")
            # Over several sizes the number is that of the largest: the sentence says so.
            where = ("at every size, " if len(decided) == len(rows) > 1 else
                     "at " + ", ".join(str(int(s)) for s in decided["size"]) + " training rows, "
                     if len(decided) > 1 else "")
            changed.append(f"{verb} {label}{judged} {where}{amount}")
        on = f"on '{dataset}'{_at(prevalence)}"
        parts = list(changed)
        if equivalent:
            parts.append(f"practically equivalent in {', '.join(equivalent)}")
        if undecided:
            parts.append(f"undecided in {', '.join(undecided)} (no significant difference, "
                         "but an interval reaching beyond the margin: more seeds would decide)")
        # The threshold metric moved while the ranking metric, compared, did not.
        shift = (": a threshold shift" if threshold in moved and ranking in metrics
                 and ranking not in moved and (group["metric"] == ranking).any() else "")
        lead = f"'{augmenter}' with '{classifier}' {on}"
        if not changed:
            lines.append(Finding("finding", f"{lead} is neither better nor worse than "
                                 f"'{results.baseline}' beyond the margins: {'; '.join(parts)}."))
            lines += _in_patients(results, group, lead)
            continue
        lines.append(Finding("finding", f"{lead} {'; '.join(parts)}{shift}."))
        lines += _in_patients(results, group, lead)
    return lines


def _amount(mean: float, low: float, high: float, form: str, unit: float = 1.0,
            between: str = "", significant: bool = True) -> str:
    """A change by its size, as the words before it say its direction ("lowered <metric> by
    0.017 [0.009, 0.025]", never "by -0.017"), then `between`, then the interval of that
    size. Where the interval crosses zero its ends are signed; for a `significant` change
    the sentence says why both can hold: the ranks of the per-seed differences can be
    consistently on one side while a few large ones put the mean's interval across 0."""
    sign = 1.0 if mean >= 0 else -1.0
    size, ends = sign * mean * unit, sorted((sign * low * unit, sign * high * unit))
    if low != low:
        return f"{size:{form}}{between}"
    if ends[0] < 0 < ends[1]:
        reading = (", an interval that crosses zero: the paired rank test finds a shift the "
                   "mean does not establish" if significant else ", not significant")
        return f"{size:{form}}{between} [{ends[0]:+{form}}, {ends[1]:+{form}}{reading}]"
    return f"{size:{form}}{between} [{ends[0]:{form}}, {ends[1]:{form}}]"


def _in_patients(results: ResultTables, group: pd.DataFrame, lead: str) -> list[Finding]:
    """The paired differences of the threshold and cleared metrics (see `augbench.Metric`'s
    roles) at the largest size, in patients: per 100 with the disease, how many more (or
    fewer) the classifier finds at its decision; per 100 without, how many more (or fewer)
    false alarms it raises."""
    found, cleared = results.metric_of_role("threshold"), results.metric_of_role("cleared")
    rows = group[group["size"] == group["size"].max()].set_index("metric")
    if found is None or cleared is None or not {found, cleared} <= set(rows.index):
        return []
    f, c = rows.loc[found], rows.loc[cleared]
    more_found = "more" if f["mean_diff"] >= 0 else "fewer"
    # A false alarm is a patient without the disease not cleared: specificity down, alarms up.
    more_alarms = "more" if c["mean_diff"] <= 0 else "fewer"
    found_words = _amount(f["mean_diff"], f["ci_low"], f["ci_high"], ".1f", 100,
                          f" {more_found} found", f["p_adjusted"] < ALPHA)
    alarm_words = _amount(-c["mean_diff"], -c["ci_high"], -c["ci_low"], ".1f", 100,
                          f" {more_alarms} false alarms", c["p_adjusted"] < ALPHA)
    return [Finding("finding", f"{lead}, in patients at {int(f['size'])} training rows: per 100 "
                    f"patients with the disease, {found_words}; per 100 without, "
                    f"{alarm_words}.")]


def _detectable(rows: pd.DataFrame) -> str:
    """Where a metric is practically equivalent though significantly different at some size:
    the largest such difference, beside its margin (what a reader must not read as a loss or a
    gain)."""
    significant = rows[rows["p_adjusted"] < ALPHA]
    if significant.empty:
        return ""
    r = significant.iloc[-1]
    return (f" (significant {r['mean_diff']:+.4f} at {int(r['size'])} training rows, inside "
            f"the ±{r['margin']:g} margin)")


def idle_augmenters(results: ResultTables) -> pd.DataFrame:
    """(dataset, augmenter) of augmenters that add rows by nature but added none in any trial
    (those that draw real rows have a note of their own: see reserve_notes)."""
    ok = results.trials[results.trials["status"] == "ok"]
    added = ok.groupby(["dataset", "augmenter"])["n_synthetic"].max().reset_index()
    adds = [results.capabilities.get(a, {}).get("adds_rows", a != results.baseline)
            and not results.capabilities.get(a, {}).get("draws_reserve", False)
            for a in added["augmenter"]]
    return added[(added["n_synthetic"] == 0) & pd.Series(adds, index=added.index)]


def _drawing_real_rows(results: ResultTables) -> set[str]:
    return {name for name, can in results.capabilities.items() if can.get("draws_reserve")}


def reserve_notes(results: ResultTables) -> list[Finding]:
    """Where an augmenter that adds unused real patients added fewer rows than --ratio asks
    for: the training rows are the whole pool, or the unused patients hold too few positives."""
    trials = results.trials
    if "n_reserve_positive" not in trials:
        return []
    drawn = trials[(trials["status"] == "ok") & trials["augmenter"].isin(_drawing_real_rows(results))]
    drawn = drawn.assign(n_asked=_rows_asked(drawn, results.config.get("ratio", 1.0)))
    lines = []
    for (dataset, prevalence, size, augmenter), g in _by(
            drawn, ["dataset", "prevalence", "size", "augmenter"]):
        if not (g["n_synthetic"] < g["n_asked"]).any():
            continue
        why = ("the training rows are the whole pool, so no real patient is left unused; attacks "
               "that compare with unused patients are empty there too" if
               (g["n_reserve_positive"] == 0).all() else "the unused real patients it draws from "
               "hold too few positives, so it is read against the other arms at fewer added rows")
        lines.append(Finding("note", f"'{augmenter}' added {_span(g['n_synthetic'])} of the "
                     f"{_span(g['n_asked'])} rows --ratio asks for at {int(size)} training rows "
                     f"on '{dataset}'{_at(prevalence)}: {why}."))
    return lines


def _rows_asked(trials: pd.DataFrame, ratio: float) -> pd.Series:
    """The rows --ratio asks an augmenter to add to each trial's training rows."""
    counts = [(int(n), int(p)) for n, p in zip(trials["n_train"], trials["n_train_positive"])]
    asked = {(n, p): rows_to_add([0] * (n - p) + [1] * p, ratio) for n, p in set(counts)}
    return pd.Series([asked[c] for c in counts], index=trials.index, dtype=int)


def _span(counts: pd.Series) -> str:
    """`counts` as one number, or as the range they span across seeds."""
    low, high = int(counts.min()), int(counts.max())
    return f"{low}" if low == high else f"{low} to {high}"


def privacy_reference(results: ResultTables) -> list[Finding]:
    """What the membership attacks score on real patients the classifier never saw (the arm
    that adds them), per table and size: the no-leak level each augmenter is read against."""
    attacks = [m for m, spec in results.metrics.items()
               if spec.role == "membership" and f"{m}_mean" in results.summary]
    summary = results.summary
    rows = summary[summary["augmenter"].isin(_drawing_real_rows(results))]
    if not attacks or rows.empty:
        return []
    rows = rows[rows["classifier"] == rows["classifier"].min()]  # the same for every classifier
    lines = []
    for (dataset, prevalence, size, augmenter), g in _by(
            rows, ["dataset", "prevalence", "size", "augmenter"]):
        r = g.iloc[0]
        levels = [f"{results.metrics[m].label} {r[f'{m}_mean']:.2f} [{r[f'{m}_ci_low']:.2f}, "
                  f"{r[f'{m}_ci_high']:.2f}]" for m in attacks if r[f"{m}_mean"] == r[f"{m}_mean"]]
        if levels:
            lines.append(
                Finding("note",
                f"no-leak reference on '{dataset}'{_at(prevalence)} at {int(size)} training "
                f"rows: '{augmenter}' (real patients the classifier never saw) scores "
                f"{'; '.join(levels)}; read the other augmenters' attack figures against these."))
    return lines


def _by(frame: pd.DataFrame, columns: list[str]):
    """Groups of `frame` by `columns`, a prevalence of None where the frame has none (the
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
