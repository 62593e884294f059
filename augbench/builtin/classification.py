"""The classification metrics every run reports, registered as `augbench.Metric` specs.

Label metrics count the test rows at the 0.5 threshold (``y_pred``, as ``predict`` decides);
ROC-AUC, PR-AUC (average precision) and the Brier score use the probabilities.
"""

from __future__ import annotations

import numpy as np

from augbench.plugin.metric import Metric, MetricInput, calibration_bins


def _ratio(num: float, den: float) -> float:
    # Undefined is not zero: precision when no patient is flagged positive is no number, and a
    # 0 there would rank a classifier that flags nobody below one that flags some (scikit-learn's
    # zero_division=0). Summaries average the defined values and count the others.
    return float(num / den) if den else float("nan")


def _confusion(inp: MetricInput) -> tuple[float, float, float, float]:
    """(tp, fp, fn, tn) at the 0.5 threshold, counted once per trial."""
    def count() -> tuple[float, float, float, float]:
        y = np.asarray(inp.y_true).astype(bool)
        pred = np.asarray(inp.y_pred).astype(bool)
        return (float(np.sum(pred & y)), float(np.sum(pred & ~y)), float(np.sum(~pred & y)),
                float(np.sum(~pred & ~y)))

    return inp.shared("confusion", count)


def accuracy(inp: MetricInput) -> float:
    tp, fp, fn, tn = _confusion(inp)
    return _ratio(tp + tn, tp + fp + fn + tn)


def recall(inp: MetricInput) -> float:
    tp, _, fn, _ = _confusion(inp)
    return _ratio(tp, tp + fn)


def precision(inp: MetricInput) -> float:
    tp, fp, _, _ = _confusion(inp)
    return _ratio(tp, tp + fp)


def specificity(inp: MetricInput) -> float:
    _, fp, _, tn = _confusion(inp)
    return _ratio(tn, tn + fp)


def f1(inp: MetricInput) -> float:
    tp, fp, fn, _ = _confusion(inp)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def balanced_accuracy(inp: MetricInput) -> float:
    return (recall(inp) + specificity(inp)) / 2


def roc_auc(inp: MetricInput) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.asarray(inp.y_true).astype(bool), np.asarray(inp.proba, float)))


def pr_auc(inp: MetricInput) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(np.asarray(inp.y_true).astype(bool),
                                         np.asarray(inp.proba, float)))


def brier(inp: MetricInput) -> float:
    y = np.asarray(inp.y_true).astype(bool)
    return float(np.mean((np.asarray(inp.proba, float) - y) ** 2))


def ece(inp: MetricInput) -> float:
    """Expected calibration error: the mean gap between predicted probability and observed
    positive share over 10 equal-width bins, weighted by the rows in each."""
    counts, proba_sums, positives = calibration_bins(inp.y_true, inp.proba)
    return float(np.abs(proba_sums - positives).sum() / counts.sum())


# Margins of practical equivalence (Metric.rope). One point on the 0-1 scale for the shares of
# patients (accuracy, recall, ...) and the ranking metrics: one more positive patient found in a
# hundred, or one pair in a hundred ordered better, is about the smallest change a clinical
# reader acts on, and the margin Benavoli et al. (2017) use for accuracies. The Brier score is
# a squared error, much smaller than those shares: a table at 10% prevalence scores 0.09 when it
# predicts the prevalence for everyone, so 0.002 is about 2% of that uninformative level.
SHARE_MARGIN, BRIER_MARGIN = 0.01, 0.002

CLASSIFICATION_METRICS = {
    "accuracy": Metric(accuracy, "accuracy", headline=True, short="Accuracy",
                       description="share of test patients classified correctly",
                       rope=SHARE_MARGIN),
    "recall": Metric(recall, "recall (sensitivity)", headline=True, short="Recall",
                     description="share of positive test patients found", role="threshold",
                     rope=SHARE_MARGIN),
    "precision": Metric(precision, "precision",
                        description="share of patients flagged positive who are positive",
                        rope=SHARE_MARGIN),
    "specificity": Metric(specificity, "specificity",
                          description="share of negative test patients cleared",
                          role="cleared", rope=SHARE_MARGIN),
    "f1": Metric(f1, "F1", description="harmonic mean of precision and recall", rope=SHARE_MARGIN),
    "balanced_accuracy": Metric(balanced_accuracy, "balanced accuracy", headline=True,
                                short="Bal. acc.",
                                description="mean of recall and specificity", rope=SHARE_MARGIN),
    "roc_auc": Metric(roc_auc, "ROC-AUC", headline=True,
                      description="chance that a positive patient is ranked above a negative one",
                      role="ranking", chance=0.5, rope=SHARE_MARGIN),
    "pr_auc": Metric(pr_auc, "PR-AUC (average precision)", headline=True, short="PR-AUC",
                     description="precision averaged over the recall levels", rope=SHARE_MARGIN),
    "brier": Metric(brier, "Brier score", higher_is_better=False, headline=True, short="Brier",
                    description="mean squared error of the predicted probabilities",
                    rope=BRIER_MARGIN),
    "ece": Metric(ece, "expected calibration error", higher_is_better=False, short="ECE",
                  description="how far predicted risks are from the observed share of positives",
                  rope=SHARE_MARGIN),
}


def score(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Every classification metric for test labels and positive-class probabilities, labels
    positive above 0.5 (a run uses the classifier's own ``predict`` instead)."""
    y_true, proba = np.asarray(y_true), np.asarray(proba, dtype=float)
    inp = MetricInput(None, np.empty(0), None, y_true, y_true=y_true, proba=proba,
                      y_pred=proba > 0.5)
    return {name: metric.function(inp) for name, metric in CLASSIFICATION_METRICS.items()}
