"""Per-trial metrics from true labels and predicted positive-class probabilities."""

from __future__ import annotations

import numpy as np

LABEL_METRICS = ("accuracy", "recall", "precision", "specificity", "f1", "balanced_accuracy")
SCORE_METRICS = ("roc_auc", "pr_auc", "brier")
METRICS = LABEL_METRICS + SCORE_METRICS
# Every metric lies in [0, 1]; intervals are clipped to it.
METRIC_BOUNDS = (0.0, 1.0)
# Lower is better only for the Brier score.
LOWER_IS_BETTER = frozenset({"brier"})


def _ratio(num: float, den: float) -> float:
    # scikit-learn's zero_division=0 convention: an undefined ratio scores 0.
    return float(num / den) if den else 0.0


def score(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Label metrics at the 0.5 threshold (as ``predict`` decides) and threshold-free ones."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y_true).astype(bool)
    p = np.asarray(proba, dtype=float)
    pred = p > 0.5
    tp = float(np.sum(pred & y))
    fp = float(np.sum(pred & ~y))
    fn = float(np.sum(~pred & y))
    tn = float(np.sum(~pred & ~y))
    recall = _ratio(tp, tp + fn)
    specificity = _ratio(tn, tn + fp)
    return {
        "accuracy": _ratio(tp + tn, len(y)),
        "recall": recall,
        "precision": _ratio(tp, tp + fp),
        "specificity": specificity,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "balanced_accuracy": (recall + specificity) / 2,
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(np.mean((p - y) ** 2)),
    }
