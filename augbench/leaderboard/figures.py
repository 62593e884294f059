"""The leaderboard's figures: the critical-difference diagram (Demšar 2006) and the Bayesian
posteriors as stacked bars."""

from __future__ import annotations

from typing import Any

import pandas as pd

from augbench.results.across import cliques

# P(worse), P(practically equivalent), P(better): red, grey, green as a reader expects, with
# the Okabe-Ito vermillion and bluish green, which colour-blind readers tell apart.
POSTERIOR_COLOURS = {"p_worse": "#D55E00", "p_equivalent": "#BBBBBB", "p_better": "#009E73"}
POSTERIOR_LABELS = {"p_worse": "P(worse)", "p_equivalent": "P(practically equivalent)",
                    "p_better": "P(better)"}


def cd_figure(ranks: pd.Series, cd: float, title: str) -> Any:
    """Average ranks on an axis (1, the best, on the left), each arm labelled on the side of
    its rank, a bar as long as the critical difference, and a thick line joining each group
    of arms the Nemenyi test does not tell apart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = ranks.sort_values()
    k = len(ordered)
    half = (k + 1) // 2
    groups = cliques(ordered, cd) if cd == cd else []
    height = 1.3 + 0.3 * max(half, k - half)
    fig, ax = plt.subplots(figsize=(7.5, height), layout="constrained")
    with matplotlib.rc_context({"text.usetex": False}):
        ax.set_xlim(0.5 - 0.9, k + 0.5 + 0.9)
        ax.set_ylim(-0.55 * max(half, k - half) - 0.5, 1.6)
        ax.axis("off")
        ax.hlines(0, 1, k, color="black", linewidth=1)
        for tick in range(1, k + 1):
            ax.vlines(tick, 0, 0.15, color="black", linewidth=1)
            ax.text(tick, 0.25, str(tick), ha="center", va="bottom", fontsize=9)
        if cd == cd:
            ax.hlines(1.1, 1, 1 + cd, color="black", linewidth=1.5)
            ax.vlines([1, 1 + cd], 1.0, 1.2, color="black", linewidth=1.5)
            ax.text(1 + cd / 2, 1.25, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=9)
        for i, (name, rank) in enumerate(ordered.items()):
            left = i < half
            depth = -(i + 1 if left else k - i) * 0.55 - 0.2
            edge = 0.5 - 0.6 if left else k + 0.5 + 0.6
            ax.plot([rank, rank, edge], [0, depth, depth], color="black", linewidth=0.8)
            ax.text(edge + (-0.05 if left else 0.05), depth, f"{name} ({rank:.2f})",
                    ha="right" if left else "left", va="center", fontsize=9)
        for j, group in enumerate(groups):
            y = -0.1 - 0.1 * j
            ax.hlines(y, ordered[group[0]] - 0.03, ordered[group[-1]] + 0.03, color="black",
                      linewidth=3)
        fig.suptitle(title, fontsize=10)
    return fig


def posterior_figure(bayes: pd.DataFrame, title: str) -> Any:
    """One row of stacked bars per arm: P(worse), P(practically equivalent), P(better) against
    the baseline across tables; a panel per classifier."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    classifiers = sorted(set(bayes["classifier"]))
    arms = sorted(set(bayes["augmenter"]), reverse=True)
    fig, axes = plt.subplots(1, len(classifiers), figsize=(4.2 * len(classifiers) + 1.5,
                                                            0.45 * len(arms) + 1.8),
                             layout="constrained", squeeze=False, sharey=True)
    for ax, classifier in zip(axes[0], classifiers):
        rows = bayes[bayes["classifier"] == classifier].set_index("augmenter").reindex(arms)
        left = pd.Series(0.0, index=arms)
        for column, colour in POSTERIOR_COLOURS.items():
            values = rows[column].fillna(0.0)
            ax.barh(arms, values, left=left, color=colour, label=POSTERIOR_LABELS[column])
            left = left + values
        ax.set_xlim(0, 1)
        ax.set_title(classifier, fontsize=10)
        ax.set_xlabel("posterior probability across tables")
    axes[0][-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=10)
    return fig
