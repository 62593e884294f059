"""The augmenter contract's rules about rows and labels, written once.

The runner checks them on every trial's output (a broken augmenter then fails its own trials,
with the rule it broke, instead of feeding wrong rows to a classifier); the conformance kit
(``augbench.testing``) checks them and more (dtypes, categories, the ratio reached).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class ContractViolation(ValueError):
    """An augmenter's output broke a rule: what was expected, what was got, and how to fix it."""

    def __init__(self, name: str, expected: str, got: str, fix: str) -> None:
        super().__init__(f"augmenter '{name}' broke the contract: expected {expected}; got {got}. "
                         f"Fix: {fix}")
        self.expected, self.got, self.fix = expected, got, fix


def _expect(condition: bool, name: str, expected: str, got: str, fix: str) -> None:
    if not condition:
        raise ContractViolation(name, expected, got, fix)


FIX_ROWS = "return the input rows first, unchanged, then the added rows"


def check_rows(X: pd.DataFrame, y: np.ndarray, X_res: Any, y_res: Any, name: str = "augmenter",
               relabels: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """``X_res, y_res`` (labels as an array) if they keep the rules about rows and labels:
    a DataFrame with the input's columns, one label per row, the input rows first and unchanged
    with their labels, and added rows of the minority class (1) only. An augmenter that declares
    ``relabels`` (a control) returns exactly the input rows and may change their labels only.
    """
    _expect(isinstance(X_res, pd.DataFrame), name, "X_res to be a DataFrame",
            type(X_res).__name__, "return a DataFrame when given one")
    _expect(list(X_res.columns) == list(X.columns), name, f"the input's columns {list(X.columns)}",
            f"{list(X_res.columns)}", "keep every column, in order")
    y_res = np.asarray(y_res).ravel()
    _expect(len(X_res) == len(y_res), name, "as many labels as rows",
            f"{len(X_res)} rows and {len(y_res)} labels", "return one label per row")
    if relabels:
        _expect(len(X_res) == len(X), name, f"exactly the {len(X)} input rows (a control that "
                "relabels rows)", f"{len(X_res)} rows", "return the input rows, relabelled")
    else:
        _expect(len(X_res) >= len(X), name, f"at least the {len(X)} input rows",
                f"{len(X_res)} rows", "only add rows; never drop one")
    head = X_res.iloc[: len(X)].reset_index(drop=True)
    given = X.reset_index(drop=True)
    # Most augmenters return the input's own rows, dtypes included: one cheap comparison; the
    # thorough one (dtypes may differ, categories be recoded) only where that does not hold.
    if not head.equals(given):
        try:
            pd.testing.assert_frame_equal(head, given, check_dtype=False, check_categorical=False)
        except AssertionError as exc:
            raise ContractViolation(name, "the first len(X) rows to be the input, unchanged",
                                    " ".join(str(exc).split())[:200], FIX_ROWS) from None
    if relabels:
        return X_res, y_res
    _expect(np.array_equal(y_res[: len(y)], np.asarray(y)), name,
            "the first len(y) labels unchanged", "changed labels", FIX_ROWS)
    added = y_res[len(y):]
    _expect(bool(np.all(added == 1)), name, "added rows of the minority class (1) only",
            f"labels {sorted(set(added.tolist()))}", "label every added row 1")
    return X_res, y_res
