"""`TableOverSampler`: the base class that makes an augmenter an imbalanced-learn over-sampler.

An augmenter built on it is a sampler in imbalanced-learn's sense (its `BaseOverSampler`), usable
in an imbalanced-learn `Pipeline` and by `cross_val_score`, inside augbench or outside it. The
base class owns everything that is not the making of rows, written once:

* `X` as a DataFrame (categorical columns of `category` dtype; text columns are treated as
  categorical, sparse columns as dense) or as a numeric or text array or list, given back in the
  caller's type: an array's columns are named `x0`, `x1`... while the rows are made;
* `y` as an array, list, Series or one-column DataFrame (or one-hot, as imbalanced-learn allows),
  given back in the caller's type, dtype and name;
* `sampling_strategy` with imbalanced-learn's meaning (`check_sampling_strategy`), except that
  a ratio the classes already reach adds no row where imbalanced-learn would raise;
* `random_state`: one numpy `SeedSequence` per fit (`augbench.seed_sequence`);
* the fitted attributes `sampling_strategy_`, `n_features_in_` and `feature_names_in_`,
  `fit` (the validation of `fit_resample`, returning `self`) and `get_feature_names_out`;
* augbench's contract: the first `len(X)` output rows are the input, unchanged; the added rows
  have the input's columns and dtypes.

A subclass writes only how to make `n_new` rows of one class from that class's rows; its
`__init__` stores `sampling_strategy`, `random_state` and its own parameters (the base's
takes the first two):

```python
class Bootstrap(augbench.TableOverSampler):  # rows of the class drawn again

    def _generate(self, X_class, n_new, random_state):
        rng = np.random.default_rng(random_state)
        return X_class.iloc[rng.integers(len(X_class), size=n_new)].reset_index(drop=True)
```

A subclass that trains many models at once overrides `TableOverSampler._generate_many`; one
that resamples the whole table in one call (a wrapped imbalanced-learn sampler, a control that
adds nothing) overrides imbalanced-learn's `_fit_resample`.
"""

from __future__ import annotations

import numbers
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from augbench.plugin.kit import seed_sequence


@dataclass(frozen=True)
class RowRequest:
    """One class of one table to top up: make `n_new` rows of class `label`.

    `X` is the whole table (index 0..n-1, categorical columns of `category` dtype) and `y`
    its labels, for generators that learn from every row; most need only `rows`.
    `random_state` is the request's own `SeedSequence`: derive every seed from it.
    """

    X: pd.DataFrame
    y: np.ndarray
    label: Any
    n_new: int
    random_state: np.random.SeedSequence

    @property
    def rows(self) -> pd.DataFrame:
        """The rows of class `label`, renumbered from 0."""
        return self.X.loc[self.y == self.label].reset_index(drop=True)


class TableOverSampler(BaseOverSampler):
    """An imbalanced-learn over-sampler that adds synthetic rows made by `_generate`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] for two classes (a ratio already
        reached adds no row), "auto" or "not majority" (every class up to the majority's
        count), "minority", "not minority", "all", `{label: rows wanted}`, or a callable of
        `y` returning such a dict.
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds every draw of a fit (through `augbench.seed_sequence`); None draws fresh
        entropy. With one class to top up its generator takes that seed sequence itself; with
        several, each takes a child of it (`SeedSequence.spawn`).

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Rows added per class label by the last fit.
    n_features_in_ : int
        Columns of the `X` last fitted.
    feature_names_in_ : ndarray of str
        Those columns' names, when `X` was a DataFrame whose column names are all strings.
    """

    # imbalanced-learn's constraints, and augbench's one rule for random_state (a Generator too).
    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "random_state": ["random_state", np.random.Generator],
    }

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> TableOverSampler:
        """Check `X` and `y` and set the fitted attributes; use `fit_resample` to resample."""
        self._validate_params()
        self._prepare(X, y)
        return self

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """`X` followed by the synthetic rows, `y` followed by their labels, in the caller's
        types."""
        self._validate_params()
        table = self._prepare(X, y)
        X_res, y_res = self._fit_resample(table.X, table.y)
        return table.restore(X_res, y_res)

    def _validate_params(self) -> None:
        """The declared `_parameter_constraints`, then `_check_params`; augbench calls it
        when a run is planned, so a bad parameter stops the run before any trial."""
        super()._validate_params()
        self._check_params()

    def _check_params(self) -> None:
        """Raise ValueError for parameters no fit could use that constraints cannot express
        (a batch size that must be a multiple of another parameter...)."""

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """imbalanced-learn's hook, on the checked table: add the rows `sampling_strategy_`
        asks for. Override it to resample the whole table in one call."""
        return self._resample_tables([(X, y, self.sampling_strategy_, self.random_state)])[0]

    def _fit_resample_many(self, Xs: Sequence[Any], ys: Sequence[Any],
                           random_states: Sequence[Any]) -> list[tuple[Any, Any]]:
        """`fit_resample` of many tables, each with its own `random_state`, in one call of
        `_generate_many`: what a subclass's `fit_resample_many` returns. The fitted
        attributes are those of the last table."""
        if not len(Xs) == len(ys) == len(random_states):
            raise ValueError(f"{type(self).__name__}: got {len(Xs)} tables, {len(ys)} label arrays "
                             f"and {len(random_states)} random states; give one of each per table.")
        self._validate_params()
        tables = [self._prepare(X, y) for X, y in zip(Xs, ys)]
        outputs = self._resample_tables([(t.X, t.y, t.targets, state)
                                         for t, state in zip(tables, random_states)])
        return [t.restore(X_res, y_res) for t, (X_res, y_res) in zip(tables, outputs)]

    def _resample_tables(self, tables: list[tuple[pd.DataFrame, np.ndarray, dict, Any]]
                         ) -> list[tuple[pd.DataFrame, np.ndarray]]:
        """Each table followed by the rows its targets ask for, generated in one batch."""
        requests: list[RowRequest] = []
        owners: list[int] = []
        for i, (X, y, targets, random_state) in enumerate(tables):
            wanted = [(label, int(n)) for label, n in targets.items() if n > 0]
            if not wanted:
                continue  # nothing to add: no seed is drawn, as no random number is
            root = seed_sequence(random_state)
            seeds = [root] if len(wanted) == 1 else root.spawn(len(wanted))
            for (label, n), seed in zip(wanted, seeds):
                requests.append(RowRequest(X, y, label, n, seed))
                owners.append(i)
        generated = self._generate_many(requests) if requests else []
        if len(generated) != len(requests):
            raise RuntimeError(f"{type(self).__name__}._generate_many returned {len(generated)} "
                               f"tables for {len(requests)} requests")
        parts: dict[int, list[tuple[RowRequest, pd.DataFrame]]] = {}
        for owner, request, rows in zip(owners, requests, generated):
            parts.setdefault(owner, []).append((request, self._checked_rows(request, rows)))
        results = []
        for i, (X, y, _, _) in enumerate(tables):
            added = parts.get(i, [])
            X_res = pd.concat([X, *(rows for _, rows in added)], ignore_index=True)
            y_res = np.concatenate([y, *(np.full(r.n_new, r.label, dtype=y.dtype) for r, _ in added)])
            results.append((X_res, y_res))
        return results

    def _checked_rows(self, request: RowRequest, rows: Any) -> pd.DataFrame:
        """Generated rows with the table's columns and dtypes, or an error naming what is wrong."""
        name = type(self).__name__
        X = request.X
        if not isinstance(rows, pd.DataFrame) or list(rows.columns) != list(X.columns):
            raise TypeError(f"{name}: the generated rows must be a DataFrame with the columns "
                            f"{list(X.columns)}, got {type(rows).__name__} "
                            f"{list(getattr(rows, 'columns', []))}")
        if len(rows) != request.n_new:
            raise ValueError(f"{name}: generated {len(rows)} rows of class {request.label!r}, "
                             f"expected {request.n_new}")
        differing = {c: X[c].dtype for c in X.columns if rows[c].dtype != X[c].dtype}
        # Only where they differ: a generator that keeps the dtypes gets its rows back untouched.
        return rows.astype(differing) if differing else rows

    def _generate_many(self, requests: list[RowRequest]) -> list[pd.DataFrame]:
        """The rows of each request, in order; override to train the models of many requests
        (seeds, tables, classes) together."""
        return [self._generate(r.rows, r.n_new, r.random_state) for r in requests]

    def _generate(self, X_class: pd.DataFrame, n_new: int,
                  random_state: np.random.SeedSequence) -> pd.DataFrame:
        """`n_new` synthetic rows like `X_class` (the rows of the class to top up), with its
        columns and dtypes; every random draw derived from `random_state`."""
        raise NotImplementedError(f"{type(self).__name__} must implement _generate(X_class, "
                                  "n_new, random_state) or _generate_many(requests)")

    def _prepare(self, X: Any, y: Any) -> _Table:
        """Check `X` and `y`, set the fitted attributes, and remember the caller's types."""
        check_classification_targets(y)  # "Unknown label type" for a continuous y
        labels, one_hot = check_target_type(np.asarray(y), indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=True, skip_check_array=True)
            frame, array = X, None
        else:
            # A list or an array; sparse matrices are refused (the tags say so).
            array = check_array(X, dtype=None)
            validate_data(self, array, reset=True, skip_check_array=True)
            # An object array's numeric columns stay numeric; its text columns become categories.
            frame = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
            frame = frame.infer_objects()
        check_consistent_length(frame, labels)
        self.sampling_strategy_ = _over_sampling_targets(self.sampling_strategy, labels)
        return _Table(_modelled(frame), labels, self.sampling_strategy_, X, y, frame, array,
                      one_hot)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False  # rows are made from dense tables
        tags.input_tags.string = True  # categorical (and text) columns are modelled as such
        tags.input_tags.allow_nan = False  # impute first (augbench's protocol does)
        return tags


@dataclass
class _Table:
    """A checked input and what turning a result back into the caller's types needs."""

    X: pd.DataFrame  # what generators see: 0..n-1 index, text as category, sparse as dense
    y: np.ndarray  # 1-D labels
    targets: OrderedDict  # rows to add per label
    X_given: Any
    y_given: Any
    frame: pd.DataFrame  # X_given as a DataFrame (dtypes as given)
    array: np.ndarray | None  # X_given as an array, when it was not a DataFrame
    one_hot: bool  # y was given one-hot (one column per class)

    def restore(self, X_res: pd.DataFrame, y_res: np.ndarray) -> tuple[Any, Any]:
        """`X_res, y_res` in the types of `X_given, y_given`, the input rows exactly as given."""
        n = len(self.frame)
        added = X_res.iloc[n:]
        if self.array is not None:
            # The caller's rows, then the added ones in the caller's dtype (text comes back as text).
            X_out: Any = np.concatenate([self.array, added.to_numpy(dtype=self.array.dtype)])
            if isinstance(self.X_given, list):
                X_out = X_out.tolist()
        else:
            dtypes = self.frame.dtypes
            # The dtypes compared all at once: a column read one by one costs a trial dearly.
            differ = added.dtypes != dtypes[added.columns]
            if differ.any():
                added = added.astype({c: dtypes[c] for c in added.columns[differ.to_numpy()]})
            X_out = pd.concat([self.frame.reset_index(drop=True), added], ignore_index=True)
        return X_out, _restore_labels(np.asarray(y_res), self)


def _restore_labels(y_res: np.ndarray, table: _Table) -> Any:
    """Labels in the type, dtype and name of the caller's `y`."""
    given = table.y_given
    if table.one_hot:
        y_res = label_binarize(y_res, classes=np.unique(table.y))
    if isinstance(given, pd.Series):
        return pd.Series(y_res, name=given.name, dtype=given.dtype)
    if isinstance(given, pd.DataFrame):
        return pd.DataFrame(y_res.reshape(len(y_res), -1), columns=given.columns).astype(given.dtypes)
    if isinstance(given, list):
        return y_res.tolist()
    return y_res


def _modelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as generators see it: rows numbered from 0, sparse columns dense, text columns
    of `category` dtype (augbench's contract for categorical columns)."""
    out = frame.reset_index(drop=True)
    for column in frame.columns:
        dtype = out[column].dtype
        if isinstance(dtype, pd.SparseDtype):
            out[column] = out[column].sparse.to_dense()
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out[column] = out[column].astype("category")
    return out


def _over_sampling_targets(sampling_strategy: Any, y: np.ndarray) -> OrderedDict:
    """imbalanced-learn's rows to add per class, except that a ratio the two classes already
    reach adds none where imbalanced-learn would raise: augbench's runner passes one ratio to
    every training set, and one that already meets it is left as it is."""
    is_ratio = isinstance(sampling_strategy, numbers.Real) and not isinstance(sampling_strategy, bool)
    if is_ratio:
        labels, counts = np.unique(y, return_counts=True)
        if len(labels) == 2 and 0 < sampling_strategy <= 1 \
                and int(counts.max() * float(sampling_strategy) - counts.min()) < 0:
            return OrderedDict([(labels[int(np.argmin(counts))], 0)])
    return check_sampling_strategy(sampling_strategy, y, "over-sampling")
