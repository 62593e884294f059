"""The distance-based privacy figures of the synthetic rows and their fidelity, all measured on
the shared encoding (see ``encoding``):

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
  ROC-AUC, taken as max(AUC, 1 - AUC) since an attacker can reverse the rule: 0.5 when nothing
  leaks, 1 when every member is found first.
- ``detection_auc``: how well a classifier tells synthetic rows from the real positive training
  rows, as SDMetrics' LogisticDetection measures it: a logistic regression in 3-fold
  cross-validation over the pooled rows, each fold's ROC-AUC floored at 0.5, averaged (0.5:
  indistinguishable). Here identical rows share a fold (otherwise a copy, labelled synthetic,
  teaches the model to call its original synthetic), and folds are assigned by content, so no
  random choice is made. (A nearest-neighbour detector was tried and left: rows made
  from training rows, copies and SMOTE's interpolations, surround their originals, which then
  look synthetic, and it scored such methods below 0.5.)
- ``fidelity_ks_tv``: mean over columns of the Kolmogorov-Smirnov statistic (numeric) and the
  total-variation distance (categorical) between the real positive training rows and the
  synthetic rows (0: same marginals). These are 1 minus SDMetrics' KSComplement and TVComplement.
"""


from __future__ import annotations

from typing import Any

import numpy as np
from augbench_plugins.privacy.encoding import auc, encoded, rows_of, smallest

import augbench

DETECTION_FOLDS = 3
# The detector's scores (log-odds) are ranked rounded to this many decimals, far above the
# last-bit noise of a matrix product, so that values equal in exact arithmetic tie everywhere.
SCORE_DECIMALS = 9


def _neighbours(inp: augbench.MetricInput) -> dict[str, Any]:
    """Distances computed once per trial and shared by the metrics below."""
    rows = encoded(inp)
    synthetic = smallest(rows["synthetic"], rows["train"], 2)
    # Members and outsiders in one call: a patient in both sets gets one distance.
    n_members = len(rows["train_positive"])
    to_synthetic = smallest(np.vstack([rows["train_positive"], rows["test_positive"]]),
                             rows["synthetic"], 1)[:, 0]
    members, test_to_synthetic = to_synthetic[:n_members], to_synthetic[n_members:]
    test_to_train = smallest(rows["test_positive"], rows["train"], 1)[:, 0]
    # The fast float32 formula leaves small errors where rows are identical: identical is 0.
    train_ids, synthetic_ids = rows_of(rows["id_train"]), rows_of(rows["id_synthetic"])
    test_ids = rows_of(rows["id_test"])
    copies = np.isin(synthetic_ids, train_ids)
    synthetic[copies, 0] = 0.0
    members[np.isin(train_ids[rows["positive_train"]], synthetic_ids)] = 0.0
    test_to_train[np.isin(test_ids, train_ids)] = 0.0
    test_to_synthetic[np.isin(test_ids, synthetic_ids)] = 0.0
    return {"synthetic": synthetic, "copies": copies, "members": members,
            "test_to_train": test_to_train, "test_to_synthetic": test_to_synthetic}


def _distances(inp: augbench.MetricInput) -> dict[str, Any]:
    return inp.shared("privacy.neighbours", lambda: _neighbours(inp))


def exact_copy_rate(inp: augbench.MetricInput) -> float:
    return float(np.mean(_distances(inp)["copies"]))


def dcr_median(inp: augbench.MetricInput) -> float:
    return float(np.median(_distances(inp)["synthetic"][:, 0]))


def dcr_ratio(inp: augbench.MetricInput) -> float:
    reference = float(np.median(_distances(inp)["test_to_train"]))
    # Undefined when new patients repeat training patients (a table with duplicate rows).
    return dcr_median(inp) / reference if reference > 0 else float("nan")


def nndr_median(inp: augbench.MetricInput) -> float:
    d = _distances(inp)["synthetic"]
    if not np.isfinite(d[:, 1]).all():
        return float("nan")  # a single training row has no second neighbour
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(d[:, 0] == 0, 0.0, d[:, 0] / d[:, 1])
    return float(np.median(ratio))


def mia_auc(inp: augbench.MetricInput) -> float:
    d = _distances(inp)
    # Closer to a synthetic row: more likely a member. Scores are minus the distance.
    found = auc(-d["members"], -d["test_to_synthetic"])
    # Members farther away than outsiders leak just as well: an attacker takes the better side,
    # so 0.5 is the least a leak can score and lower is always better.
    return max(found, 1 - found)


def logistic_fit(X: np.ndarray, y: np.ndarray, steps: int = 50) -> tuple[np.ndarray, float]:
    """Weights and intercept of scikit-learn's default LogisticRegression (L2 penalty, C=1,
    unpenalised intercept), by Newton's method.

    The same optimum as ``LogisticRegression(solver="newton-cholesky").fit`` (a test compares
    them); written out because at a few hundred rows scikit-learn's input checks cost twice the
    fit, and this runs three times per augmented training set.
    """
    from scipy.special import expit

    design = np.hstack([X, np.ones((len(X), 1))])
    penalty = np.r_[np.ones(X.shape[1]), 0.0]
    beta = np.zeros(design.shape[1])
    for _ in range(steps):
        p = expit(design @ beta)
        gradient = design.T @ (p - y) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-10)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta[:-1], float(beta[-1])


def detection_auc(inp: augbench.MetricInput) -> float:
    rows = encoded(inp)
    ids = np.r_[rows_of(rows["id_train"][rows["positive_train"]]), rows_of(rows["id_synthetic"])]
    pooled = np.vstack([rows["train_positive"], rows["synthetic"]])
    is_synthetic = np.r_[np.zeros(len(rows["train_positive"])), np.ones(len(rows["synthetic"]))]
    # Identical rows share a fold; a fold is the content's rank modulo the number of folds.
    group = np.unique(ids, return_inverse=True)[1].ravel()
    fold = group % DETECTION_FOLDS
    aucs = []
    for k in range(DETECTION_FOLDS):
        train, test = fold != k, fold == k
        if len(np.unique(is_synthetic[train])) < 2 or len(np.unique(is_synthetic[test])) < 2:
            continue
        weights, intercept = logistic_fit(pooled[train], is_synthetic[train])
        # Once per distinct row, rounded far above float noise: copies (ros's) tie on any CPU.
        _, first, where = np.unique(group[test], return_index=True, return_inverse=True)
        score = np.round(pooled[test][first] @ weights + intercept, SCORE_DECIMALS)[where.ravel()]
        labels = is_synthetic[test]
        # Cross-validated AUCs of indistinguishable samples scatter below 0.5 as well as above;
        # as SDMetrics does, a fold below chance counts as chance.
        aucs.append(max(auc(score[labels == 1], score[labels == 0]), 0.5))
    return float(np.mean(aucs)) if aucs else float("nan")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic (scipy's ks_2samp's, computed directly)."""
    a, b = np.sort(a), np.sort(b)
    points = np.r_[a, b]
    cdf_a = np.searchsorted(a, points, side="right") / len(a)
    cdf_b = np.searchsorted(b, points, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def fidelity_ks_tv(inp: augbench.MetricInput) -> float:
    rows = encoded(inp)
    # The identity arrays hold the raw numeric values, then the category codes.
    real = rows["id_train"][rows["positive_train"]]
    synthetic = rows["id_synthetic"]
    distances = []
    for j in range(real.shape[1]):
        if j < rows["n_numeric"]:
            distances.append(_ks(real[:, j], synthetic[:, j]))
        else:
            k = rows["n_categories"][j - rows["n_numeric"]]
            # A category the training rows lack (code -1) counts in a bin of its own: mass the
            # synthetic rows put where no real patient is.
            p = np.bincount(real[:, j].astype(int) % (k + 1), minlength=k + 1) / len(real)
            q = np.bincount(synthetic[:, j].astype(int) % (k + 1), minlength=k + 1) / len(synthetic)
            distances.append(0.5 * float(np.abs(p - q).sum()))
    return float(np.mean(distances))


