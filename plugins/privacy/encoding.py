"""The encoding every privacy and fidelity metric measures on, computed once per trial and
shared: numeric columns standardised with the training rows' mean and standard deviation,
categorical columns one-hot with each indicator scaled by 1/sqrt(2), so that a differing
category adds exactly 1 to a squared distance, as one standard deviation does. Distances are
Euclidean (computed as scikit-learn's ``euclidean_distances`` does, in blocks so that large
tables need little memory), and exactly 0 between identical rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import augbench

# Rows of the first table per block of distances: about 8 MB of float64 against 1,000 rows.
BLOCK_ROWS = 1024


def encode_trial(inp: augbench.MetricInput) -> dict[str, Any]:
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
    reference = inp.X_reference if inp.X_reference is not None else inp.X_train.iloc[:0]
    encoded_reference, _ = encode(reference)
    return {"train": encoded_train, "synthetic": encoded_synthetic,
            "reference": encoded_reference, "columns": _blocks(numeric, categorical, train),
            "train_positive": encoded_train[positive_train], "test_positive": encoded_test,
            "id_train": id_train, "id_synthetic": id_synthetic, "id_test": id_test,
            "positive_train": positive_train, "n_numeric": len(numeric),
            "n_categories": [len(train[col].cat.categories) for col in categorical]}


def _blocks(numeric: list[str], categorical: list[str], train: pd.DataFrame
            ) -> dict[str, np.ndarray]:
    """The positions of each column's part in an encoded row."""
    found, position = {}, len(numeric)
    for i, col in enumerate(numeric):
        found[col] = np.array([i])
    for col in categorical:
        width = len(train[col].cat.categories)
        found[col] = np.arange(position, position + width)
        position += width
    return found


def encoded(inp: augbench.MetricInput) -> dict[str, Any]:
    """The trial's rows on the shared encoding, computed once per trial."""
    return inp.shared("privacy.encoding", lambda: encode_trial(inp))


def auc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """ROC-AUC of telling ``positive_scores`` from ``negative_scores``, ties counting half
    (the Mann-Whitney statistic: scikit-learn's roc_auc_score, without its overhead)."""
    from scipy.stats import rankdata

    n_pos, n_neg = len(positive_scores), len(negative_scores)
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(np.r_[positive_scores, negative_scores])
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def rows_of(identity: np.ndarray) -> np.ndarray:
    """Each row as one hashable bytes value."""
    identity = np.ascontiguousarray(identity, dtype=float) + 0.0  # -0.0 equals 0.0
    return identity.view(np.dtype((np.void, identity.dtype.itemsize * identity.shape[1]))).ravel()


def smallest(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
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




def nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The index of the row of ``b`` closest to each row of ``a`` (the first on a tie), in
    float32 and in blocks of rows as `smallest`; each distinct row of ``a`` once."""
    distinct, where = np.unique(a, axis=0, return_inverse=True)
    a32, b32 = distinct.astype(np.float32), b.astype(np.float32)
    b_squared = np.einsum("ij,ij->i", b32, b32)
    out = np.empty(len(distinct), dtype=np.int64)
    for start in range(0, len(distinct), BLOCK_ROWS):
        block = a32[start:start + BLOCK_ROWS]
        squared = b_squared[None, :] - 2 * block @ b32.T
        out[start:start + len(block)] = squared.argmin(axis=1)
    return out[where.ravel()]
