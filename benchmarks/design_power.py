"""How many seeds a comparison needs, read from the reference results (medical-v1): per table,
the spread of the paired differences of an augmenter from `none` at 200 training rows, and the
seeds a paired test needs to find a difference as large as the margin of practical
equivalence 80% of the time. The guide "Design a comparison on your cohort" quotes its output.

    python benchmarks/design_power.py [--augmenter smote] [--classifier lr]

The seeds are the normal approximation for a paired test at two-sided alpha (Holm's strictest
step for k augmenters, alpha / k), divided by 0.955, the Wilcoxon signed-rank test's asymptotic
efficiency against the t-test under normality: n = ((z_{1-alpha/2} + z_{power}) sd / delta)^2
/ 0.955, and never fewer than the 6 seeds that can reach p < 0.05 at all.
"""

from __future__ import annotations

import argparse
import math

import pandas as pd
from scipy.stats import norm

from augbench.leaderboard.reference import BUILT_IN, read_reference

TEST_SHARE = 0.3  # the protocol's default test size


def seeds_needed(sd: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> int:
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return max(6, math.ceil((z * sd / delta) ** 2 / 0.955))


def spreads(trials: pd.DataFrame, augmenter: str, classifier: str, size: int,
            metrics: list[str]) -> pd.DataFrame:
    pick = trials[(trials["setting"] == "untuned") & (trials["classifier"] == classifier)
                  & (trials["size"] == size) & trials["augmenter"].isin(["none", augmenter])]
    rows = []
    for dataset, table in pick.groupby("dataset"):
        wide = table.pivot_table(index="seed", columns="augmenter", values=metrics)
        rows.append({"dataset": dataset, **{m: float((wide[m][augmenter] - wide[m]["none"]).std())
                                           for m in metrics}})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--augmenter", default="smote")
    parser.add_argument("--classifier", default="lr")
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()
    reference = read_reference(BUILT_IN / "medical-v1.json")
    metrics = ["roc_auc", "recall"]
    table = spreads(reference.scores, args.augmenter, args.classifier, args.size, metrics)
    meta = reference.tables()
    table["test_positives"] = [round(meta.loc[d, "positives"] * TEST_SHARE)
                               for d in table["dataset"]]
    for metric in metrics:
        table[f"seeds_{metric}"] = [seeds_needed(sd, 0.01) for sd in table[metric]]
        table[f"seeds_{metric}_holm4"] = [seeds_needed(sd, 0.01, 0.05 / 4) for sd in table[metric]]
    table = table.sort_values("test_positives")
    pd.set_option("display.width", 160)
    print(f"{args.augmenter} - none, {args.classifier}, {args.size} training rows, 20 seeds per "
          "table; sd of the paired differences; seeds for 80% power at a 0.01 difference "
          "(alpha 0.05, and 0.05/4 for Holm's strictest step with 4 augmenters)")
    print(table.round(4).to_string(index=False))
    print("median seeds (roc_auc, recall):", int(table["seeds_roc_auc"].median()),
          int(table["seeds_recall"].median()))


if __name__ == "__main__":
    main()
