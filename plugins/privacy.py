"""Privacy and fidelity of the synthetic rows: metrics registered through ``augbench_metrics``.

Each needs the synthetic rows (``needs="synthetic"``): it is computed once per augmented
training set and left empty for trials that add no row. All distances are taken on one
encoding, computed once per trial and shared: numeric columns standardised with the training
rows' mean and standard deviation, categorical columns one-hot with each indicator scaled by
1/sqrt(2), so that a differing category adds exactly 1 to a squared distance, as one standard
deviation does. Distances are Euclidean, from scikit-learn's nearest neighbours.

- ``exact_copy_rate``: share of synthetic rows equal, in every column, to a real training row.
- ``dcr_median``: median distance from a synthetic row to its closest real training row.
- ``dcr_ratio``: ``dcr_median`` over the median distance from each held-out patient of the
  positive class (the test rows) to its closest training row. Below 1, synthetic rows sit closer
  to the training patients than new patients of the same class do.
- ``nndr_median``: median over synthetic rows of closest / second-closest training-row distance
  (0 for a copy; near 1 when a row is no nearer to one patient than to the next).
- ``mia_auc``: a membership-inference attack that sees only the synthetic rows: it scores each
  positive patient by minus the distance to the closest synthetic row and is judged by how well
  that tells the training positives (members) from the held-out positives (non-members):
  ROC-AUC, 0.5 when nothing leaks, 1 when every member is found first.
- ``detection_auc``: how well a classifier tells synthetic rows from the real positive training
  rows, as SDMetrics' LogisticDetection measures it: a logistic regression in stratified
  3-fold cross-validation over the pooled rows, each fold's ROC-AUC floored at 0.5, averaged
  (0.5: indistinguishable). Here the folds keep a copy with its original and follow row order,
  so no random choice is made. (A nearest-neighbour detector was tried and left: rows made
  from training rows, copies and SMOTE's interpolations, surround their originals, which then
  look synthetic, and it scored such methods below 0.5.)
- ``fidelity_ks_tv``: mean over columns of the Kolmogorov-Smirnov statistic (numeric) and the
  total-variation distance (categorical) between the real positive training rows and the
  synthetic rows (0: same marginals). These are 1 minus SDMetrics' KSComplement and TVComplement.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import augbench

DETECTION_FOLDS = 3


def _encode(inp: augbench.MetricInput) -> dict[str, np.ndarray]:
    """Training, synthetic, positive-training and positive-test rows on the shared encoding."""
    train = inp.X_train
    numeric = [c for c in train.columns if not isinstance(train[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in train.columns if c not in set(numeric)]
    mean = train[numeric].mean().to_numpy(float)
    std = train[numeric].std(ddof=0).to_numpy(float)
    std[~(std > 0)] = 1.0  # a constant column adds nothing

    def encode(frame: pd.DataFrame) -> np.ndarray:
        parts = [(frame[numeric].to_numpy(float) - mean) / std]
        for col in categorical:
            codes = frame[col].cat.codes.to_numpy()
            onehot = np.zeros((len(frame), len(train[col].cat.categories)))
            onehot[np.arange(len(frame)), codes] = 1 / np.sqrt(2)
            parts.append(onehot)
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))

    y_train, y_test = np.asarray(inp.y_train), np.asarray(inp.y_test)
    encoded_train = encode(train)
    return {"train": encoded_train, "synthetic": encode(inp.X_synthetic),
            "train_positive": encoded_train[y_train == 1],
            "test_positive": encode(inp.X_test)[y_test == 1], "n_numeric": len(numeric)}


def _neighbours(inp: augbench.MetricInput) -> dict[str, Any]:
    """Distances computed once per trial and shared by the metrics below."""
    from sklearn.neighbors import NearestNeighbors

    rows = inp.shared("privacy.encoding", lambda: _encode(inp))
    to_train = NearestNeighbors(n_neighbors=min(2, len(rows["train"]))).fit(rows["train"])
    synthetic_d, _ = to_train.kneighbors(rows["synthetic"])
    test_d, _ = to_train.kneighbors(rows["test_positive"], n_neighbors=1)
    to_synthetic = NearestNeighbors(n_neighbors=1).fit(rows["synthetic"])
    member_d, _ = to_synthetic.kneighbors(rows["train_positive"])
    outsider_d, _ = to_synthetic.kneighbors(rows["test_positive"])
    return {"synthetic": synthetic_d, "test": test_d[:, 0], "member": member_d[:, 0],
            "outsider": outsider_d[:, 0]}


def _distances(inp: augbench.MetricInput) -> dict[str, Any]:
    return inp.shared("privacy.neighbours", lambda: _neighbours(inp))


def _auc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """ROC-AUC of telling ``positive_scores`` from ``negative_scores`` (ties count half)."""
    from sklearn.metrics import roc_auc_score

    if not len(positive_scores) or not len(negative_scores):
        return float("nan")
    labels = np.r_[np.ones(len(positive_scores)), np.zeros(len(negative_scores))]
    return float(roc_auc_score(labels, np.r_[positive_scores, negative_scores]))


def exact_copy_rate(inp: augbench.MetricInput) -> float:
    columns = list(inp.X_train.columns)
    train = set(pd.util.hash_pandas_object(inp.X_train[columns], index=False))
    synthetic = pd.util.hash_pandas_object(inp.X_synthetic[columns], index=False)
    return float(synthetic.isin(train).mean())


def dcr_median(inp: augbench.MetricInput) -> float:
    return float(np.median(_distances(inp)["synthetic"][:, 0]))


def dcr_ratio(inp: augbench.MetricInput) -> float:
    reference = float(np.median(_distances(inp)["test"]))
    synthetic = dcr_median(inp)
    # Undefined when new patients repeat training patients (a table with duplicate rows).
    return synthetic / reference if reference > 0 else float("nan")


def nndr_median(inp: augbench.MetricInput) -> float:
    d = _distances(inp)["synthetic"]
    if d.shape[1] < 2:
        return float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(d[:, 0] == 0, 0.0, d[:, 0] / d[:, 1])
    return float(np.median(ratio))


def mia_auc(inp: augbench.MetricInput) -> float:
    d = _distances(inp)
    # Closer to a synthetic row: more likely a member. Scores are minus the distance.
    return _auc(-d["member"], -d["outsider"])


def detection_auc(inp: augbench.MetricInput) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    rows = inp.shared("privacy.encoding", lambda: _encode(inp))
    real, synthetic = rows["train_positive"], rows["synthetic"]
    folds = min(DETECTION_FOLDS, len(real), len(synthetic))
    if folds < 2:
        return float("nan")
    pooled = np.vstack([real, synthetic])
    is_synthetic = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    # A copy and its original share a fold: otherwise the copy, labelled synthetic, teaches
    # the model to call its original synthetic. Folds in row order: no random choice.
    _, groups = np.unique(pooled, axis=0, return_inverse=True)
    aucs = []
    for train, test in StratifiedGroupKFold(folds).split(pooled, is_synthetic, groups.ravel()):
        if len(np.unique(is_synthetic[train])) < 2 or len(np.unique(is_synthetic[test])) < 2:
            continue
        model = LogisticRegression(max_iter=500).fit(pooled[train], is_synthetic[train])
        auc = roc_auc_score(is_synthetic[test], model.decision_function(pooled[test]))
        # Cross-validated AUCs of indistinguishable samples scatter below 0.5 as well as above;
        # as SDMetrics does, a fold below chance counts as chance.
        aucs.append(max(float(auc), 0.5))
    return float(np.mean(aucs)) if aucs else float("nan")


def fidelity_ks_tv(inp: augbench.MetricInput) -> float:
    from scipy import stats

    real = inp.X_train[np.asarray(inp.y_train) == 1]
    synthetic = inp.X_synthetic
    distances = []
    for col in real.columns:
        if isinstance(real[col].dtype, pd.CategoricalDtype):
            p = real[col].value_counts(normalize=True, sort=False)
            q = synthetic[col].value_counts(normalize=True, sort=False)
            distances.append(0.5 * float(p.sub(q, fill_value=0).abs().sum()))
        else:
            distances.append(float(stats.ks_2samp(real[col].to_numpy(float),
                                                  synthetic[col].to_numpy(float)).statistic))
    return float(np.mean(distances))


def _metric(function: Any, label: str, short: str, description: str, **spec: Any) -> Any:
    return augbench.Metric(function, label, short=short, description=description,
                           needs="synthetic", headline=True, **spec)


@augbench.hookimpl
def augbench_metrics() -> dict:
    return {
        "exact_copy_rate": _metric(
            exact_copy_rate, "exact copies of training patients (share)", "copies",
            "share of synthetic patients identical to a real training patient",
            higher_is_better=False),
        "dcr_median": _metric(
            dcr_median, "distance to the closest real patient (median)", "DCR",
            "how far a typical synthetic patient lies from the nearest real training patient",
            bounds=(0.0, float("inf"))),
        "dcr_ratio": _metric(
            dcr_ratio, "distance to closest record, synthetic over new patients", "DCR ratio",
            "below 1, synthetic patients sit closer to training patients than new patients do",
            bounds=(0.0, float("inf"))),
        "nndr_median": _metric(
            nndr_median, "nearest-neighbour distance ratio (median)", "NNDR",
            "near 0, a synthetic patient singles out one real patient; near 1, it does not",
            bounds=(0.0, 1.0)),
        "mia_auc": _metric(
            mia_auc, "membership-inference attack ROC-AUC", "MIA AUC",
            "how well an attacker holding the synthetic rows tells who was in the training set "
            "(0.5: not at all)", higher_is_better=False),
        "detection_auc": _metric(
            detection_auc, "synthetic-row detection ROC-AUC", "detect AUC",
            "how easily synthetic patients are told apart from real ones (0.5: not at all)",
            higher_is_better=False),
        "fidelity_ks_tv": _metric(
            fidelity_ks_tv, "marginal distance to real patients (KS / TV)", "KS/TV",
            "mean per-column difference between real and synthetic patients' distributions "
            "(0: identical)", higher_is_better=False),
    }
