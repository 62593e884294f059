"""Paired comparisons against a baseline, Holm's adjustment, and ranks across datasets.

Every augmenter of a seed is scored on the same test rows as the baseline of that seed, so the
per-seed differences are paired: their mean, a Student-t 95% interval of that mean, and the
two-sided Wilcoxon signed-rank test (``scipy.stats.wilcoxon`` with its defaults) describe them.

A significant difference need not matter: with 100 paired seeds a change of 0.0004 in ROC-AUC is
detectable. Each comparison therefore also reads as a verdict against the metric's margin of
practical equivalence (its ROPE, `Metric.rope`, or ``--rope METRIC=V``): see `verdict`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from augbench.plugin.metric import Metric
from augbench.results.row import axes, group_columns, pair_columns
from augbench.results.stats import t_interval

ALPHA = 0.05
# What a paired comparison says once the margin of practical equivalence is taken into account.
VERDICTS = ("better", "equivalent", "worse", "undecided")


def verdict(mean: float, low: float, high: float, p_adjusted: float, margin: float,
            higher_is_better: bool = True) -> str:
    """How an augmenter compares with the baseline in one metric, read against ``margin``, the
    smallest difference that matters in practice (in the metric's units, >= 0):

    - ``better`` / ``worse``: the difference is significant (Holm p < ALPHA) and its mean lies
      beyond the margin, in the metric's better or worse direction;
    - ``equivalent``: significant but with a mean inside the margin (detectable, too small to
      matter), or not significant with the whole 95% interval inside the margin (a precise
      zero: stricter than two one-sided tests at 5%, which need only the 90% interval);
    - ``undecided``: neither: the interval reaches beyond the margin without a significant
      difference, or there are too few pairs for an interval.

    A margin of 0 (a metric that declares none) never calls a difference equivalent unless
    every pair is tied.
    """
    if p_adjusted == p_adjusted and p_adjusted < ALPHA:
        if abs(mean) < margin:
            return "equivalent"
        return "better" if (mean > 0) == higher_is_better else "worse"
    if low == low and high == high and -margin <= low and high <= margin:
        return "equivalent"
    return "undecided"


def with_verdicts(comparisons: pd.DataFrame, metrics: Mapping[str, Metric],
                  margins: Mapping[str, float] | None = None) -> pd.DataFrame:
    """``comparisons`` with the columns ``margin`` (each metric's margin of practical
    equivalence: ``margins`` where given, else its spec's `Metric.rope`, else 0) and
    ``verdict`` (see `verdict`), replacing any such columns it had."""
    table = comparisons.drop(columns=["margin", "verdict"], errors="ignore")
    margin_of = {name: margin_for(name, metrics.get(name), margins) for name in set(table["metric"])}
    table["margin"] = [margin_of[m] for m in table["metric"]]
    table["verdict"] = [
        verdict(r.mean_diff, r.ci_low, r.ci_high, r.p_adjusted, r.margin,
                metrics[r.metric].higher_is_better if r.metric in metrics else True)
        for r in table.itertuples()] if len(table) else pd.Series(dtype=object)
    return table


def margin_for(metric: str, spec: Metric | None, margins: Mapping[str, float] | None) -> float:
    """The margin of practical equivalence of ``metric``: a run's ``--rope`` value, else the
    spec's declared one, else 0 (no difference is too small to matter)."""
    if margins and metric in margins:
        return float(margins[metric])
    return float(spec.rope) if spec is not None and spec.rope is not None else 0.0


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment; NaN p-values are left out of the family and stay NaN."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


# scipy's wilcoxon (method "auto") turns to a permutation test over all 2**n sign flips when
# n <= 13 and the differences hold ties or zeros.
SIGN_FLIP_LIMIT = 13


def _sign_flip_p(diffs: np.ndarray) -> float:
    """The two-sided p-value of scipy's exact sign-flip permutation test, computed directly.

    scipy's generic permutation machinery takes about a second per call; enumerating the sign
    flips of the non-zero differences as one matrix product gives the same p-value in
    microseconds (the comparison with scipy is pinned by the tests).
    """
    from scipy import stats

    nonzero = diffs[diffs != 0]  # zero_method="wilcox" leaves zeros out
    if len(nonzero) == 0:
        return 1.0  # as scipy's permutation path reports all-tied pairs
    ranks = stats.rankdata(np.abs(nonzero))
    observed = ranks[nonzero > 0].sum()
    flips = (np.arange(2 ** len(nonzero))[:, None] >> np.arange(len(nonzero))) & 1
    null = flips @ ranks
    # scipy's tolerance for values equal in theory but not in floating point
    gamma = abs(np.finfo(float).eps * 100 * observed)
    less, greater = np.mean(null <= observed + gamma), np.mean(null >= observed - gamma)
    return float(min(1.0, 2 * min(less, greater)))


def _wilcoxon(diffs: np.ndarray) -> float:
    from scipy import stats

    if len(diffs) < 2:
        return float("nan")  # no test of one pair
    if np.count_nonzero(diffs) < 2:
        # All pairs tied but one at most: the exact test's p-value, 1.0, at any number of seeds.
        # scipy gives it up to 13 pairs and NaN beyond (its normal approximation divides by
        # zero), which would take the comparison out of Holm's family as seeds are added.
        return 1.0
    ties = len(np.unique(np.abs(diffs))) < len(diffs)
    if len(diffs) <= SIGN_FLIP_LIMIT and (ties or np.any(diffs == 0)):
        return _sign_flip_p(diffs)
    with warnings.catch_warnings():
        # All-zero differences make scipy warn on its way to NaN.
        warnings.simplefilter("ignore")
        try:
            return float(stats.wilcoxon(diffs).pvalue)
        except ValueError:  # a single non-zero difference: scipy's permutation test refuses
            return float("nan")


def family_columns(family: str, table: pd.DataFrame) -> list[str]:
    """The columns whose values name one Holm family of ``table``: for "comparison", the
    augmenters compared with the baseline on one dataset, prevalence, size, classifier and
    metric (many-to-one comparisons with a control); for "run", none (every comparison)."""
    return [*axes(table), "classifier", "metric"] if family == "comparison" else []


def paired_comparisons(trials: pd.DataFrame, metrics: dict[str, Metric],
                       baseline: str = "none", family: str = "comparison",
                       margins: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per (dataset, prevalence where set, size, augmenter, classifier, metric) against
    ``baseline``.

    Columns: baseline, n_pairs, mean_diff (augmenter minus baseline), ci_low, ci_high, p_value,
    p_adjusted (Holm within ``family``: the augmenters of one dataset, size, classifier and
    metric, or every row of the run), wins, ties, losses (a win is better for the augmenter
    in the metric's direction: lower, for a metric where lower is better), margin and verdict
    (see `with_verdicts`: ``margins`` by metric name override the specs' ROPEs). Only metrics of
    the classifier's predictions are compared; a metric with no pair has no row.
    """
    ok = trials[trials["status"] == "ok"]
    # Metrics of the synthetic rows describe the added rows, not a classifier: they are not
    # compared seed by seed (nor counted in Holm's family), but shown in their own table.
    names = [m for m, spec in metrics.items() if m in ok and spec.needs == "predictions"]
    keys, group_by = pair_columns(trials), group_columns(trials)
    base = ok[ok["augmenter"] == baseline].set_index(keys)
    rows = []
    for coordinates, group in ok.groupby(group_by, sort=True):
        where = dict(zip(group_by, coordinates))
        if where["augmenter"] == baseline:
            continue
        # In key order (seeds ascending), so that the same trials give the same sums however
        # they were stored or gathered.
        paired = group.set_index(keys).join(base[names], how="inner", rsuffix="_base").sort_index()
        for metric in names:
            # Rounded so that float noise (0.0117 vs 0.0117000000000001) neither breaks nor makes
            # ties, which decide between the exact and the approximate Wilcoxon test.
            diffs = (paired[metric] - paired[f"{metric}_base"]).dropna().to_numpy().round(12)
            if not len(diffs):
                continue  # no pair: the baseline has no value (a synthetic-row metric of none)
            better = diffs if metrics[metric].higher_is_better else -diffs
            mean = float(diffs.mean())
            std = float(diffs.std(ddof=1)) if len(diffs) > 1 else float("nan")
            low, high = t_interval([mean], [std], [len(diffs)])
            rows.append({
                **where, "metric": metric, "baseline": baseline,
                "n_pairs": len(diffs), "mean_diff": mean, "ci_low": low[0], "ci_high": high[0],
                "p_value": _wilcoxon(diffs), "wins": int((better > 0).sum()),
                "ties": int((better == 0).sum()), "losses": int((better < 0).sum()),
            })
    columns = [*group_by, "metric", "baseline", "n_pairs",
               "mean_diff", "ci_low", "ci_high", "p_value", "p_adjusted", "wins", "ties", "losses"]
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "p_adjusted"])
    adjusted = np.full(len(table), np.nan)
    by = family_columns(family, table)
    groups = table.groupby(by, sort=False).indices.values() if by and len(table) \
        else [np.arange(len(table))]
    for rows_of_family in groups:
        adjusted[rows_of_family] = holm(table["p_value"].to_numpy()[rows_of_family])
    table.insert(columns.index("p_adjusted"), "p_adjusted", adjusted)
    return with_verdicts(table, metrics, margins)


def smallest_p(n_pairs: int) -> float:
    """The smallest two-sided p-value the exact Wilcoxon signed-rank test can give n pairs:
    every difference of one sign."""
    return min(1.0, 2.0 / 2 ** n_pairs) if n_pairs > 0 else 1.0


def seeds_needed(family_size: int, alpha: float = ALPHA) -> int:
    """The fewest pairs with which a family of ``family_size`` Holm-adjusted comparisons can
    reach ``alpha``."""
    n = 1
    while family_size * smallest_p(n) >= alpha:
        n += 1
    return n


def threshold_shifts(comparisons: pd.DataFrame, rising: str, ranking: str) -> pd.DataFrame:
    """Cases where the threshold metric ``rising`` is better than the baseline's (see
    `verdict`) while the ranking metric ``ranking`` is not: a moved threshold, not better
    ranking.

    Returns dataset, (prevalence,) size, augmenter, classifier, ``<rising>_diff``,
    ``<ranking>_diff`` and ``<ranking>_fell`` (whether the ranking metric's verdict is worse);
    empty when either metric did not run.
    """
    group_by = group_columns(comparisons)
    columns = [*group_by, f"{rising}_diff", f"{ranking}_diff", f"{ranking}_fell"]
    both = comparisons[comparisons["metric"].isin((rising, ranking))]
    wide = both.pivot(index=group_by, columns="metric", values=["mean_diff", "verdict"]) \
        if len(both) else pd.DataFrame()
    needed = {(value, m) for value in ("mean_diff", "verdict") for m in (rising, ranking)}
    if wide.empty or not needed <= set(wide.columns):
        return pd.DataFrame(columns=columns)
    wide = wide.dropna(subset=list(needed))
    picked = wide[(wide[("verdict", rising)] == "better")
                  & (wide[("verdict", ranking)] != "better")]
    return pd.DataFrame({f"{rising}_diff": picked[("mean_diff", rising)].astype(float),
                         f"{ranking}_diff": picked[("mean_diff", ranking)].astype(float),
                         f"{ranking}_fell": picked[("verdict", ranking)] == "worse"}
                        ).reset_index()


def no_signal(trials: pd.DataFrame, baseline: str, metric: str, chance: float) -> pd.DataFrame:
    """(dataset, (prevalence,) classifier, size, ``<metric>_mean``, ``<metric>_lower``,
    ``p_above_chance``) where the baseline's ``metric`` at the largest size is not significantly
    above its ``chance`` level: a one-sided Student-t test of its seeds' values, and the
    one-sided 95% lower bound of their mean.

    Asking whether a two-sided interval includes chance misses a mean below chance, which a
    table with no signal gives (its split anti-correlates training and test rows). A classifier
    whose value is exactly chance in every seed ranks nothing (it predicts a constant, as
    ``dummy`` does); it says nothing about the table and is left out, as is a size of one seed.
    """
    from scipy import stats

    mean_col, lower_col = f"{metric}_mean", f"{metric}_lower"
    tables = axes(trials)[:-1]  # a table: a dataset, at a prevalence where set
    columns = [*tables, "classifier", "size", mean_col, lower_col, "p_above_chance"]
    ok = trials[(trials["status"] == "ok") & (trials["augmenter"] == baseline)] \
        if metric in trials else trials.iloc[:0]
    rows = []
    for keys, group in ok.groupby([*tables, "classifier"], sort=True, dropna=False):
        values = group.loc[group["size"] == group["size"].max(), metric].dropna().to_numpy()
        n = len(values)
        if n < 2 or (values == chance).all():
            continue
        mean, se = float(values.mean()), float(values.std(ddof=1)) / np.sqrt(n)
        if se > 0:
            p = float(stats.t.sf((mean - chance) / se, n - 1))
        else:
            p = 0.0 if mean > chance else 1.0
        if p >= ALPHA:
            lower = mean - float(stats.t.ppf(1 - ALPHA, n - 1)) * se
            rows.append([*keys, int(group["size"].max()), mean, lower, p])
    return pd.DataFrame(rows, columns=columns)


def average_ranks(summary: pd.DataFrame, metric: str,
                  higher_is_better: bool = True) -> pd.DataFrame:
    """Average rank of each augmenter across datasets (1 = best ``metric`` at each dataset's
    largest size; each prevalence of a dataset counts as a table of its own), one row per
    classifier, with Friedman's test of equal ranks in ``friedman_p``.

    ``friedman_p`` is NaN where the test is undefined: fewer than three augmenters or two datasets.
    """
    from scipy import stats

    tables = axes(summary)[:-1]
    largest = summary[summary["size"] == summary.groupby(tables)["size"].transform("max")]
    scores = largest.pivot_table(index=["classifier", *tables], columns="augmenter",
                                 values=f"{metric}_mean").dropna()
    ranks = scores.rank(axis=1, ascending=not higher_is_better)
    table = ranks.groupby(level="classifier").mean()
    p_values = {}
    for classifier, block in scores.groupby(level="classifier"):
        p_values[classifier] = (float(stats.friedmanchisquare(*block.to_numpy().T).pvalue)
                                if block.shape[1] >= 3 and len(block) >= 2 else float("nan"))
    table["n_datasets"] = scores.groupby(level="classifier").size()
    table["friedman_p"] = pd.Series(p_values)
    return table


def across_tables(comparisons: pd.DataFrame, metrics: dict[str, Metric]) -> pd.DataFrame:
    """Across the tables of a run: for each classifier, augmenter and metric, on how many
    tables (at the largest size each ran) the augmenter's verdict against the baseline was
    ``better``, ``equivalent``, ``worse`` or ``undecided`` (see `verdict`). Empty for a run of
    one table."""
    columns = ["classifier", "augmenter", "metric", "tables", *VERDICTS]
    if comparisons.empty or comparisons["dataset"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    keys = ["dataset", *(["prevalence"] if "prevalence" in comparisons else [])]
    largest = comparisons.groupby(keys, dropna=False)["size"].transform("max")
    rows = comparisons[comparisons["size"] == largest]
    found = []
    for (classifier, augmenter, metric), group in rows.groupby(
            ["classifier", "augmenter", "metric"], sort=True):
        counts = group["verdict"].value_counts()
        found.append({"classifier": classifier, "augmenter": augmenter, "metric": metric,
                      "tables": len(group), **{v: int(counts.get(v, 0)) for v in VERDICTS}})
    return pd.DataFrame(found, columns=columns)
