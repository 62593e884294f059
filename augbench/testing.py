"""Conformance checks for plugin authors: ``check_augmenter(MyAugmenter())`` in one line.

Each check raises ``AssertionError`` with a message that says which rule failed and how.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def make_mixed_table(n: int = 120, positive_share: float = 0.25,
                     seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A small table with float, integer and categorical columns; ``y == 1`` is the minority."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < positive_share).astype(np.int8)
    y[:2], y[2:4] = 1, 0  # both classes present whatever the draw
    X = pd.DataFrame({
        "age": rng.integers(20, 90, n).astype(np.int64),
        "bmi": rng.normal(27 + 3 * y, 4),
        "sex": pd.Categorical(rng.choice(["F", "M"], n)),
        "smoker": pd.Categorical(np.where(rng.random(n) < 0.3 + 0.4 * y, "yes", "no")),
    })
    return X, y


def _assert(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_output(X: pd.DataFrame, y: np.ndarray, X_res: Any, y_res: Any, ratio: float | None,
                 name: str = "augmenter") -> None:
    """The rules every augmenter output follows; ``ratio=None`` for one that adds no rows."""
    _assert(isinstance(X_res, pd.DataFrame), f"{name}: X_res must be a DataFrame, got {type(X_res)}")
    _assert(list(X_res.columns) == list(X.columns), f"{name}: columns changed: {list(X_res.columns)}")
    _assert(X_res.dtypes.equals(X.dtypes), f"{name}: dtypes changed: {X_res.dtypes.to_dict()}")
    y_res = np.asarray(y_res)
    _assert(len(X_res) == len(y_res), f"{name}: X_res has {len(X_res)} rows, y_res {len(y_res)}")
    head = X_res.iloc[: len(X)].reset_index(drop=True)
    pd.testing.assert_frame_equal(head, X.reset_index(drop=True), obj=f"{name}: first len(X) rows")
    _assert(np.array_equal(y_res[: len(y)], y), f"{name}: the first len(y) labels changed")
    _assert(bool(np.all(y_res[len(y):] == 1)), f"{name}: added rows must all be minority (1)")
    _assert(not X_res.isna().any().any(), f"{name}: output has missing values")
    for col in X.columns:
        if isinstance(X[col].dtype, pd.CategoricalDtype):
            seen = set(X[col].dropna().unique())
            invented = set(X_res[col].dropna().unique()) - seen
            _assert(not invented, f"{name}: column {col!r} got unseen categories {invented}")
    if ratio is not None:
        n_min, n_maj = int(np.sum(y_res == 1)), int(np.sum(y_res == 0))
        _assert(abs(n_min - ratio * n_maj) <= 1,
                f"{name}: minority:majority is {n_min}:{n_maj}, expected ratio {ratio}")


def check_augmenter(augmenter: Any, X: pd.DataFrame | None = None, y: np.ndarray | None = None,
                    *, adds_rows: bool = True) -> None:
    """Check an augmenter instance against augbench's contract on a mixed table.

    Verifies scikit-learn parameter rules (``clone``), ``random_state`` and ``sampling_strategy``
    parameters, the output rules of :func:`check_output` at ratios 1.0 and 0.5, reproducibility
    for a fixed ``random_state``, and, if offered, that ``fit_resample_many`` equals solo fits.
    """
    from sklearn.base import clone

    name = type(augmenter).__name__
    if X is None or y is None:
        X, y = make_mixed_table()
    params = augmenter.get_params()
    for required in ("random_state", "sampling_strategy"):
        _assert(required in params, f"{name}: needs a {required!r} constructor parameter")
    def fit(ratio: float, random_state: int) -> tuple[Any, Any]:
        fresh = clone(augmenter).set_params(random_state=random_state, sampling_strategy=ratio)
        return fresh.fit_resample(X.copy(), y.copy())

    for ratio in (1.0, 0.5):
        X_res, y_res = fit(ratio, 0)
        check_output(X, y, X_res, y_res, ratio if adds_rows else None, name)
    pd.testing.assert_frame_equal(fit(0.5, 0)[0], X_res, obj=f"{name}: same random_state, other rows")
    if hasattr(augmenter, "fit_resample_many"):
        X2, y2 = make_mixed_table(seed=1)
        many = clone(augmenter).set_params(sampling_strategy=1.0)
        outputs = many.fit_resample_many([X, X2], [y, y2], [0, 7])
        solo = clone(augmenter).set_params(random_state=7, sampling_strategy=1.0)
        pd.testing.assert_frame_equal(outputs[1][0], solo.fit_resample(X2, y2)[0],
                                      obj=f"{name}: fit_resample_many differs from a solo fit")
