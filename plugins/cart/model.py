"""The ``cart`` augmenter: sequential CART synthesis of minority rows, as R's synthpop does it.

Columns are synthesised one after another. The first is drawn from its observed minority values;
each next one from a decision tree fitted on the real minority rows, with the columns already
synthesised as predictors: a synthetic row falls into a leaf, and its value is a real value drawn
from the real rows of that leaf (synthpop's ``syn.cart``). Every synthetic value is therefore one
the minority rows contain, and the dependence of a column on the earlier ones is kept as far as
the trees capture it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.checks import is_int

from augbench import TableOverSampler


class CartAugmenter(TableOverSampler):
    """Sequential CART synthesis (synthpop's method "cart") fitted on the minority rows.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): it learns the rows of
    each class it tops up (in augbench, the minority rows, ``y == 1``) and adds synthetic rows
    until the classes reach ``sampling_strategy``. Numeric columns are predicted with a
    ``DecisionTreeRegressor``, categorical ones (``category`` dtype, or any non-numeric or boolean
    column) with a ``DecisionTreeClassifier``; categorical predictors enter the trees one-hot
    encoded. Values are always taken from the real minority rows, so dtypes, categories and the
    set of values are those of the input.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``... As in imbalanced-learn, ``int(ratio * n_majority -
        n_minority)`` rows are added (none if that is not positive).
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds a private numpy Generator (the draws) and the trees' own seeds; None draws fresh
        entropy. No global random state is read or changed.
    min_samples_leaf : int, default 5
        Fewest real rows in a leaf (synthpop's ``minbucket``): a synthetic value is drawn from at
        least this many real ones. With fewer than twice as many minority rows no tree could
        split, so it is then lowered to half the minority count (at least 1), keeping one split.
    max_depth : int or None, default None
        Depth limit of each tree; None grows them until ``min_samples_leaf`` stops them, as
        synthpop does (its ``cp`` is 1e-8, next to nothing).
    visit_order : sequence of column names or None, default None
        Order of synthesis: the columns it names come first, in that order, the others follow in
        the table's order. None keeps the table's order. The output keeps the table's order.
    """

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 min_samples_leaf: int = 5, max_depth: int | None = None,
                 visit_order: Sequence[Hashable] | None = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.visit_order = visit_order

    def _generate(self, X_class: pd.DataFrame, n_new: int,
                  random_state: np.random.SeedSequence) -> pd.DataFrame:
        """``n_new`` rows synthesised column by column from the rows of ``X_class``."""
        if X_class.isna().any().any():
            raise ValueError("cart: the rows to imitate have missing values; impute them first "
                             "(augbench's protocol does so before augmenting).")
        order = self._order(X_class.columns)
        donors = self._synthesise(X_class, order, n_new, random_state)
        return pd.DataFrame({c: X_class[c].iloc[donors[c]].reset_index(drop=True)
                             for c in X_class.columns})

    def _synthesise(self, minority: pd.DataFrame, order: list[Hashable], n_new: int,
                    seeds: np.random.SeedSequence) -> dict[Hashable, np.ndarray]:
        """For each column, the minority row whose value each synthetic row takes."""
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

        draws_seed, trees_seed = seeds.spawn(2)
        rng = np.random.default_rng(draws_seed)
        tree_seeds = trees_seed.generate_state(len(order))
        n = len(minority)
        leaf = max(1, min(int(self.min_samples_leaf), n // 2))
        donors: dict[Hashable, np.ndarray] = {}
        real_blocks: list[np.ndarray] = []  # predictors of the real rows, one block per column
        for position, column in enumerate(order):
            categorical, target, block = _encode(minority[column])
            if position == 0 or np.all(target == target[0]):
                # synthpop's "sample" for the first column; a constant column needs no tree.
                chosen = rng.integers(n, size=n_new)
            else:
                model = DecisionTreeClassifier if categorical else DecisionTreeRegressor
                tree = model(min_samples_leaf=leaf, max_depth=self.max_depth,
                             random_state=int(tree_seeds[position]))
                real_X = np.hstack(real_blocks)
                tree.fit(real_X, target)
                # The synthetic rows' predictors are real blocks read at their donor rows.
                synthetic_X = np.hstack([b[donors[c]] for b, c in zip(real_blocks, order)])
                chosen = _draw_from_leaves(tree.apply(real_X), tree.apply(synthetic_X), rng)
            donors[column] = chosen
            real_blocks.append(block)
        return donors

    def _order(self, columns: pd.Index) -> list[Hashable]:
        """The synthesis order: ``visit_order``'s columns first, then the rest as in the table."""
        first = list(self.visit_order or ())
        unknown = [c for c in first if c not in columns]
        if unknown:
            raise ValueError(f"cart: visit_order names columns not in X: {unknown}; "
                             f"X has {list(columns)}")
        return first + [c for c in columns if c not in first]

    def _check_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        if not (is_int(self.min_samples_leaf) and self.min_samples_leaf >= 1):
            raise ValueError(f"cart: min_samples_leaf must be an int >= 1, got "
                             f"{self.min_samples_leaf!r}")
        if not (self.max_depth is None or (is_int(self.max_depth) and self.max_depth >= 1)):
            raise ValueError(f"cart: max_depth must be None or an int >= 1, got {self.max_depth!r}")
        order = self.visit_order
        if order is not None and (isinstance(order, str) or not isinstance(order, Sequence)
                                  or len(set(order)) != len(order)):
            raise ValueError(f"cart: visit_order must be None or a list of distinct column "
                             f"names, got {order!r}")



def _encode(column: pd.Series) -> tuple[bool, np.ndarray, np.ndarray]:
    """Whether ``column`` is categorical, its tree target, and its block of tree predictors.

    A numeric column is its own target and predictor; a categorical one is a code target and a
    one-hot predictor block over the levels present (a tree on arbitrary codes would split on
    an order the categories do not have).
    """
    is_numeric = pd.api.types.is_numeric_dtype(column.dtype) and not (
        pd.api.types.is_bool_dtype(column.dtype)
        or isinstance(column.dtype, pd.CategoricalDtype))
    if is_numeric:
        values = column.to_numpy(dtype=np.float64)
        return False, values, values[:, None]
    codes, levels = pd.factorize(column, sort=True)
    return True, codes, np.eye(len(levels))[codes]


def _draw_from_leaves(real_leaves: np.ndarray, synthetic_leaves: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """For each synthetic row, a real row drawn uniformly from those in the same leaf."""
    order = np.argsort(real_leaves, kind="stable")
    leaves, starts, counts = np.unique(real_leaves[order], return_index=True, return_counts=True)
    # Every leaf of a fitted tree holds real rows, so each synthetic leaf is found.
    at = np.searchsorted(leaves, synthetic_leaves)
    offsets = np.floor(rng.random(len(synthetic_leaves)) * counts[at]).astype(np.int64)
    return order[starts[at] + offsets]
