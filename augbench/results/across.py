"""Statistics across tables: average ranks with Friedman's test and the Nemenyi critical
difference (Demšar 2006), and the Bayesian signed-rank test with a region of practical
equivalence (Benavoli et al. 2014, 2017).

Each table contributes one score per arm: the mean over its seeds at one training size. Ranks
and the Bayesian test then treat the tables as the sample, as those papers do: a verdict that
holds on one table says nothing about the next, and these say how often it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from augbench.results.compare import ALPHA

# Posterior draws of the Bayesian signed-rank test: baycomp's default, fixed seed, so that a
# leaderboard reads the same every time it is drawn.
BAYES_SAMPLES, BAYES_SEED = 50_000, 0


@dataclass(frozen=True)
class RankTest:
    """Average ranks of k arms over N tables (1 = best), Friedman's statistic, its
    Iman-Davenport F form and that test's p-value, and the Nemenyi critical difference: two
    arms whose average ranks differ by less than ``cd`` are not told apart at ``ALPHA``."""

    ranks: pd.Series
    n_tables: int
    chi2: float
    f: float
    p: float
    cd: float


def rank_test(scores: pd.DataFrame, higher_is_better: bool = True,
              alpha: float = ALPHA) -> RankTest:
    """The rank test of ``scores``: one row per table, one column per arm, no missing value.

    Ties share their average rank. Friedman's chi-square is computed from the average ranks
    (Demšar 2006, eq. 1 and 2, no correction for ties); its F form is compared with the F
    distribution with k-1 and (k-1)(N-1) degrees of freedom, which Demšar recommends over the
    chi-square approximation. The critical difference is q_alpha * sqrt(k(k+1)/(6N)), q_alpha
    the studentized range quantile over sqrt(2).
    """
    from scipy import stats

    n, k = scores.shape
    ranks = scores.rank(axis=1, ascending=not higher_is_better).mean()
    if n < 2 or k < 2:
        return RankTest(ranks, n, float("nan"), float("nan"), float("nan"), float("nan"))
    chi2 = 12 * n / (k * (k + 1)) * (float((ranks ** 2).sum()) - k * (k + 1) ** 2 / 4)
    denominator = n * (k - 1) - chi2
    f = (n - 1) * chi2 / denominator if denominator > 0 else float("inf")
    p = float(stats.f.sf(f, k - 1, (k - 1) * (n - 1))) if np.isfinite(f) else 0.0
    return RankTest(ranks, n, chi2, f, p, critical_difference(k, n, alpha))


def nemenyi_q(k: int, alpha: float = ALPHA) -> float:
    """The Nemenyi test's critical value for k arms: the studentized range quantile (infinite
    degrees of freedom) over sqrt(2); 2.569 for four arms at 0.05 (Demšar 2006, Table 5a)."""
    from scipy import stats

    return float(stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2))


def critical_difference(k: int, n: int, alpha: float = ALPHA) -> float:
    """The smallest difference of average ranks the Nemenyi test tells apart (k arms, n
    tables)."""
    return nemenyi_q(k, alpha) * float(np.sqrt(k * (k + 1) / (6 * n)))


def cliques(ranks: pd.Series, cd: float) -> list[tuple[str, ...]]:
    """The maximal groups of arms (in rank order) whose average ranks lie within ``cd`` of
    each other: the bars of a critical-difference diagram."""
    ordered = ranks.sort_values()
    names, values = list(ordered.index), ordered.to_numpy()
    groups = []
    for i in range(len(values)):
        j = int(np.searchsorted(values, values[i] + cd, side="left"))
        group = tuple(names[i:j]) if j - i > 1 else ()
        if group and not any(set(group) <= set(g) for g in groups):
            groups.append(group)
    return groups


def signed_rank_posterior(baseline: np.ndarray, arm: np.ndarray, rope: float,
                          higher_is_better: bool = True, samples: int = BAYES_SAMPLES,
                          seed: int = BAYES_SEED) -> tuple[float, float, float]:
    """(P(worse), P(practically equivalent), P(better)) of ``arm`` against ``baseline`` from
    their scores on the same tables: the Bayesian signed-rank test (Benavoli et al. 2014) with
    the region of practical equivalence [-rope, rope] (Benavoli et al. 2017).

    The differences z (arm minus baseline, in the metric's better direction), with a
    pseudo-observation at 0 of prior strength 0.5, get Dirichlet-process weights w; each draw
    gives P(worse) = sum_ij w_i w_j [z_i + z_j < -2 rope], P(better) likewise above 2 rope, and
    P(equivalent) the rest. Each region's probability is the share of draws in which it is the
    most probable. This is baycomp's ``SignedRankTest`` (the same draws from the same seeded
    RandomState, so the same numbers: the tests compare them), computed for all draws at once
    rather than one at a time. With ``rope`` 0 nothing is equivalent.
    """
    x, y = np.asarray(baseline, float), np.asarray(arm, float)
    z = np.concatenate([[0.0], (y - x) if higher_is_better else (x - y)])
    pairs = z[:, None] + z[None, :]
    # A sum exactly on the boundary counts half to each side, as baycomp's heaviside does.
    below = (pairs < -2 * rope) + 0.5 * (pairs == -2 * rope)
    above = (pairs > 2 * rope) + 0.5 * (pairs == 2 * rope)
    weights = np.random.RandomState(seed).dirichlet(np.r_[0.5, np.ones(len(x))], samples)
    p_below = np.einsum("si,ij,sj->s", weights, below, weights)
    p_above = np.einsum("si,ij,sj->s", weights, above, weights)
    if rope > 0:
        draws = np.stack([p_below, 1 - p_below - p_above, p_above], axis=1)
        counts = np.bincount(np.argmax(draws, axis=1), minlength=3) / samples
        return float(counts[0]), float(counts[1]), float(counts[2])
    # Without a ROPE baycomp weighs "right" against everything else (ties counting half).
    better = float(np.mean(p_above > 1 - p_above))
    return 1.0 - better, 0.0, better
