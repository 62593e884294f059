"""The leaderboard's numbers: per-seed scores of many tables and settings, read per table (the
verdict of each arm against the baseline) and across tables (ranks, Friedman's test, the
critical difference, the Bayesian signed-rank posteriors), beside each table's meta-features.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from augbench.plugin.metric import Metric
from augbench.results.across import rank_test, signed_rank_posterior
from augbench.results.compare import margin_for, paired_comparisons

# Where on each table's sizes the cross-table statistics are read: its smallest and its largest
# training size (200 rows and the whole pool in the reference).
POINTS = ("smallest", "largest")
# What describes a table for "which augmenter for my table", beside its verdicts.
META_FEATURES = ("rows", "positives", "positive_share", "features", "categorical_share",
                 "missing_share")


def meta_features(X: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
    """A table's size, class balance and make-up (its columns after augbench read it)."""
    categorical = sum(not pd.api.types.is_numeric_dtype(X[c]) for c in X.columns)
    return {"rows": len(X), "positives": int(np.sum(y)), "positive_share": float(np.mean(y)),
            "features": X.shape[1],
            "categorical_share": categorical / X.shape[1] if X.shape[1] else 0.0,
            "missing_share": float(X.isna().to_numpy().mean()) if X.size else 0.0}


@dataclass
class Board:
    """Per-seed scores (``setting``, ``dataset``, ``size``, ``classifier``, ``augmenter``,
    ``seed``, ``status`` and one column per metric), the specs of the metrics read, the
    baseline every arm is compared with, margins of practical equivalence that replace the
    specs' (``--rope``), and each table's meta-features (indexed by dataset)."""

    scores: pd.DataFrame
    metrics: dict[str, Metric]
    baseline: str = "none"
    margins: Mapping[str, float] = field(default_factory=dict)
    tables: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def settings(self) -> list[str]:
        """"untuned" before "tuned", where both exist."""
        return sorted(set(self.scores["setting"]), key=lambda s: (s != "untuned", s))

    def margin(self, metric: str) -> float:
        return margin_for(metric, self.metrics.get(metric), self.margins)

    @cached_property
    def verdicts(self) -> pd.DataFrame:
        """Each arm against the baseline per setting, table, size and classifier: the run's
        paired comparisons (Holm across the arms of one comparison), with their verdicts."""
        parts = []
        for setting in self.settings:
            trials = self.scores[self.scores["setting"] == setting]
            compared = paired_comparisons(trials, self.metrics, self.baseline,
                                          margins=dict(self.margins))
            parts.append(compared.assign(setting=setting))
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        return table[["setting", *[c for c in table.columns if c != "setting"]]]

    def point_sizes(self) -> pd.DataFrame:
        """(dataset, point) -> size: each table's smallest and largest training size."""
        sizes = self.scores.groupby("dataset")["size"].agg(["min", "max"])
        return sizes.rename(columns={"min": "smallest", "max": "largest"})

    def table_means(self, setting: str, point: str, classifier: str, metric: str) -> pd.DataFrame:
        """Tables x arms: each arm's mean ``metric`` over its finished seeds at the table's
        ``point`` size; tables where an arm has no value are left out (the tests need every
        arm on every table)."""
        ok = self.scores[(self.scores["setting"] == setting) & (self.scores["status"] == "ok")
                         & (self.scores["classifier"] == classifier)]
        sizes = self.point_sizes()[point]
        ok = ok[ok["size"] == ok["dataset"].map(sizes)]
        means = ok.pivot_table(index="dataset", columns="augmenter", values=metric, aggfunc="mean")
        return means.dropna()

    def _cases(self):
        for setting in self.settings:
            scores = self.scores[self.scores["setting"] == setting]
            for point in POINTS:
                for classifier in sorted(set(scores["classifier"])):
                    for metric in self.metrics:
                        yield setting, point, classifier, metric

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Average rank of each arm across tables (1 = best) per setting, point, classifier and
        metric, with Friedman's test (its Iman-Davenport F and p) and the Nemenyi critical
        difference at 0.05."""
        rows = []
        for setting, point, classifier, metric in self._cases():
            means = self.table_means(setting, point, classifier, metric)
            if means.shape[1] < 2 or len(means) < 2:
                continue
            test = rank_test(means, self.metrics[metric].higher_is_better)
            for augmenter, rank in test.ranks.sort_values().items():
                rows.append({"setting": setting, "point": point, "classifier": classifier,
                             "metric": metric, "augmenter": augmenter, "average_rank": rank,
                             "n_tables": test.n_tables, "friedman_chi2": test.chi2,
                             "friedman_f": test.f, "friedman_p": test.p, "cd": test.cd})
        return pd.DataFrame(rows, columns=["setting", "point", "classifier", "metric",
                                           "augmenter", "average_rank", "n_tables",
                                           "friedman_chi2", "friedman_f", "friedman_p", "cd"])

    @cached_property
    def bayes(self) -> pd.DataFrame:
        """For each arm against the baseline, per setting, point, classifier and metric: the
        posterior probabilities that it is worse, practically equivalent or better across
        tables (the Bayesian signed-rank test with the metric's margin as its ROPE)."""
        rows = []
        for setting, point, classifier, metric in self._cases():
            means = self.table_means(setting, point, classifier, metric)
            if self.baseline not in means or len(means) < 2:
                continue
            spec, rope = self.metrics[metric], self.margin(metric)
            for augmenter in [a for a in means.columns if a != self.baseline]:
                worse, equivalent, better = signed_rank_posterior(
                    means[self.baseline].to_numpy(), means[augmenter].to_numpy(), rope,
                    spec.higher_is_better)
                rows.append({"setting": setting, "point": point, "classifier": classifier,
                             "metric": metric, "augmenter": augmenter, "n_tables": len(means),
                             "rope": rope, "p_worse": worse, "p_equivalent": equivalent,
                             "p_better": better,
                             "mean_diff": float((means[augmenter] - means[self.baseline]).mean())})
        return pd.DataFrame(rows, columns=["setting", "point", "classifier", "metric",
                                           "augmenter", "n_tables", "rope", "p_worse",
                                           "p_equivalent", "p_better", "mean_diff"])

    def table_verdicts(self, metric: str) -> pd.DataFrame:
        """Each table's meta-features, the baseline's mean ``metric`` per setting and classifier
        at its largest size, and each arm's verdict there (columns ``<setting> <classifier>
        <arm>``): what a later "which augmenter for my table" learns from."""
        verdicts = self.verdicts
        largest = verdicts["dataset"].map(self.point_sizes()["largest"])
        rows = verdicts[(verdicts["metric"] == metric) & (verdicts["size"] == largest)]
        wide = rows.pivot_table(index="dataset", columns=["setting", "classifier", "augmenter"],
                                values="verdict", aggfunc="first")
        wide.columns = [" ".join(c) for c in wide.columns]
        base = []
        for setting in self.settings:
            for classifier in sorted(set(self.scores["classifier"])):
                means = self.table_means(setting, "largest", classifier, metric)
                if self.baseline in means:
                    base.append(means[self.baseline].rename(
                        f"{setting} {classifier} {self.baseline} {metric}"))
        meta = self.tables.reindex(sorted(set(self.scores["dataset"])))
        out = meta.join(pd.concat(base, axis=1) if base else None).join(wide)
        out.index.name = "dataset"
        return out.reset_index()
