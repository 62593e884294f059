"""Privacy and fidelity of the synthetic rows: metrics registered through ``augbench_metrics``.

Each needs the synthetic rows (``needs="synthetic"``): it is computed once per augmented
training set and left empty for trials that add no row. All distances are taken on one
encoding, computed once per trial and shared: numeric columns standardised with the training
rows' mean and standard deviation, categorical columns one-hot with each indicator scaled by
1/sqrt(2), so that a differing category adds exactly 1 to a squared distance, as one standard
deviation does. Distances are Euclidean (computed as scikit-learn's ``euclidean_distances`` does,
in blocks so that large tables need little memory), and exactly 0 between identical rows.

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
import pandas as pd

import augbench

DETECTION_FOLDS = 3
# The detector's scores (log-odds) are ranked rounded to this many decimals, far above the
# last-bit noise of a matrix product, so that values equal in exact arithmetic tie everywhere.
SCORE_DECIMALS = 9
# Rows of the first table per block of distances: about 8 MB of float64 against 1,000 rows.
BLOCK_ROWS = 1024


def _encode(inp: augbench.MetricInput) -> dict[str, Any]:
    """The training, synthetic and test rows on the shared encoding, and row identities."""
    train = inp.X_train
    numeric = [c for c in train.columns if not isinstance(train[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in train.columns if c not in set(numeric)]

    def values(frame: pd.DataFrame) -> np.ndarray:
        # An all-numeric table converts in one step; selecting columns costs more than the math.
        return frame.to_numpy(float) if not categorical else frame[numeric].to_numpy(float)

    train_values = values(train)
    mean, std = train_values.mean(axis=0), train_values.std(axis=0)
    std[~(std > 0)] = 1.0  # a constant column adds nothing

    def encode(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        raw = train_values if frame is train else values(frame)
        parts = [(raw - mean) / std]
        # Codes against the training column's categories, whatever order another frame has.
        codes = [pd.Categorical(frame[col], categories=train[col].cat.categories).codes
                 for col in categorical]
        for col, code in zip(categorical, codes):
            onehot = np.zeros((len(frame), len(train[col].cat.categories)))
            known = code >= 0  # an unseen or missing category is no indicator at all
            onehot[np.flatnonzero(known), code[known]] = 1 / np.sqrt(2)
            parts.append(onehot)
        # The raw values and category codes identify a row exactly, for copies.
        identity = np.hstack([raw, np.column_stack(codes) if codes else np.zeros((len(frame), 0))])
        return np.hstack(parts), identity

    positive_train = np.asarray(inp.y_train) == 1
    positive_test = np.asarray(inp.y_test) == 1
    encoded_train, id_train = encode(train)
    encoded_synthetic, id_synthetic = encode(inp.X_synthetic)
    encoded_test, id_test = encode(inp.X_test[positive_test])
    return {"train": encoded_train, "synthetic": encoded_synthetic,
            "train_positive": encoded_train[positive_train], "test_positive": encoded_test,
            "id_train": id_train, "id_synthetic": id_synthetic, "id_test": id_test,
            "positive_train": positive_train, "n_numeric": len(numeric),
            "n_categories": [len(train[col].cat.categories) for col in categorical]}


def _rows(identity: np.ndarray) -> np.ndarray:
    """Each row as one hashable bytes value."""
    identity = np.ascontiguousarray(identity, dtype=float) + 0.0  # -0.0 equals 0.0
    return identity.view(np.dtype((np.void, identity.dtype.itemsize * identity.shape[1]))).ravel()


def _smallest(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` (1 or 2) smallest Euclidean distances from each row of ``a`` to the rows of
    ``b``, ascending (inf where ``b`` has fewer rows).

    Computed as scikit-learn's ``euclidean_distances`` does (|x|^2 + |y|^2 - 2 x.y), in float32
    and in blocks of rows: a few million distances per trial on the larger tables, where float32
    halves the time and its 1e-7 relative error is far below any difference a reader compares.
    Each distinct row of ``a`` is measured once: a matrix product can round one row differently
    by its place in a block, and identical rows must tie in the attacks' ranks on every CPU.
    """
    distinct, where = np.unique(a, axis=0, return_inverse=True)
    return _smallest_of_rows(distinct, b, k)[where.ravel()]


def _smallest_of_rows(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    out = np.full((len(a), k), np.inf)
    b_squared = np.einsum("ij,ij->i", b32, b32)
    rows = np.arange(min(BLOCK_ROWS, len(a)))
    for start in range(0, len(a), BLOCK_ROWS):
        block = a32[start:start + BLOCK_ROWS]
        squared = np.einsum("ij,ij->i", block, block)[:, None] + b_squared[None, :]
        squared -= 2 * block @ b32.T
        nearest = squared.argmin(axis=1)
        here = rows[: len(block)]
        out[start:start + len(block), 0] = squared[here, nearest]
        if k > 1 and len(b) > 1:
            squared[here, nearest] = np.inf
            out[start:start + len(block), 1] = squared.min(axis=1)
    return np.sqrt(np.maximum(out, 0))


def _neighbours(inp: augbench.MetricInput) -> dict[str, Any]:
    """Distances computed once per trial and shared by the metrics below."""
    rows = inp.shared("privacy.encoding", lambda: _encode(inp))
    synthetic = _smallest(rows["synthetic"], rows["train"], 2)
    # Members and outsiders in one call: a patient in both sets gets one distance.
    n_members = len(rows["train_positive"])
    to_synthetic = _smallest(np.vstack([rows["train_positive"], rows["test_positive"]]),
                             rows["synthetic"], 1)[:, 0]
    members, test_to_synthetic = to_synthetic[:n_members], to_synthetic[n_members:]
    test_to_train = _smallest(rows["test_positive"], rows["train"], 1)[:, 0]
    # The fast float32 formula leaves small errors where rows are identical: identical is 0.
    train_ids, synthetic_ids = _rows(rows["id_train"]), _rows(rows["id_synthetic"])
    test_ids = _rows(rows["id_test"])
    copies = np.isin(synthetic_ids, train_ids)
    synthetic[copies, 0] = 0.0
    members[np.isin(train_ids[rows["positive_train"]], synthetic_ids)] = 0.0
    test_to_train[np.isin(test_ids, train_ids)] = 0.0
    test_to_synthetic[np.isin(test_ids, synthetic_ids)] = 0.0
    return {"synthetic": synthetic, "copies": copies, "members": members,
            "test_to_train": test_to_train, "test_to_synthetic": test_to_synthetic}


def _distances(inp: augbench.MetricInput) -> dict[str, Any]:
    return inp.shared("privacy.neighbours", lambda: _neighbours(inp))


def _auc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """ROC-AUC of telling ``positive_scores`` from ``negative_scores``, ties counting half
    (the Mann-Whitney statistic: scikit-learn's roc_auc_score, without its overhead)."""
    from scipy.stats import rankdata

    n_pos, n_neg = len(positive_scores), len(negative_scores)
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(np.r_[positive_scores, negative_scores])
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


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
    auc = _auc(-d["members"], -d["test_to_synthetic"])
    # Members farther away than outsiders leak just as well: an attacker takes the better side,
    # so 0.5 is the least a leak can score and lower is always better.
    return max(auc, 1 - auc)


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
    rows = inp.shared("privacy.encoding", lambda: _encode(inp))
    ids = np.r_[_rows(rows["id_train"][rows["positive_train"]]), _rows(rows["id_synthetic"])]
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
        aucs.append(max(_auc(score[labels == 1], score[labels == 0]), 0.5))
    return float(np.mean(aucs)) if aucs else float("nan")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic (scipy's ks_2samp's, computed directly)."""
    a, b = np.sort(a), np.sort(b)
    points = np.r_[a, b]
    cdf_a = np.searchsorted(a, points, side="right") / len(a)
    cdf_b = np.searchsorted(b, points, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def fidelity_ks_tv(inp: augbench.MetricInput) -> float:
    rows = inp.shared("privacy.encoding", lambda: _encode(inp))
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
            "(0.5: not at all)", higher_is_better=False, role="membership", chance=0.5),
        "detection_auc": _metric(
            detection_auc, "synthetic-row detection ROC-AUC", "detect AUC",
            "how easily synthetic patients are told apart from real ones (0.5: not at all)",
            higher_is_better=False),
        "fidelity_ks_tv": _metric(
            fidelity_ks_tv, "marginal distance to real patients (KS / TV)", "KS/TV",
            "mean per-column difference between real and synthetic patients' distributions "
            "(0: identical)", higher_is_better=False),
    }
