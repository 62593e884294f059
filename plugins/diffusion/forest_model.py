"""The ``forest-diffusion`` augmenter: tree-based flow matching (or diffusion) of minority rows.

Jolicoeur-Martineau, Fatras and Kachman, "Generating and imputing tabular data via diffusion and
flow-based gradient-boosted trees" (AISTATS 2024), through its authors' ``forestdiffusion``
package (MIT). The rows are scaled to [-1, 1] and duplicated ``duplicate_K`` times, each copy
paired with its own Gaussian noise; at each of ``n_t`` noise levels an XGBoost regressor learns
the flow from noise to data (``diffusion_type="flow"``) or the noise itself (``"vp"``), and new
rows are the noise carried to the data by those regressors. Only the minority rows are learnt.

How the table is handed to the library, and why:

* numeric columns as floats, those holding only whole numbers (integer dtype, or floats such as
  codes read from a file with missing cells) listed in ``int_indexes``: rounded, then clipped to
  the range seen; binary categorical columns as 0/1 integers too, the library's advice, which
  is the same as its one-hot coding of two levels;
* categorical columns of three or more levels as integer codes 0..k-1 of the levels the minority
  has, listed in ``cat_indexes``: the library one-hot codes them and decodes by argmax, which
  gives back a code only among those levels (a level the table declares but the minority lacks
  is never made). They are placed first in the array: the library finds a column's one-hot
  columns by the name prefix ``"<index>_"``, which also matches index 11's when looking for
  index 1's, so only indexes with decimal names of one length are safe together;
* constant columns are left out and copied, as the library's one-hot coding of a single level
  fails and a constant has nothing to learn.

The library seeds and draws from numpy's global generator; fit and generation run with it (and
Python's, for safety) seeded from ``random_state`` inside and restored after, so a fit is
reproducible and leaves the caller's global state as it was. XGBoost runs on one thread.

Cost: one XGBoost output per column after one-hot coding, per noise level, per boosting round.
With the defaults, about 5-10 s per fit on 70-120 minority rows of 8-16 such columns, and about
70 s on the heart-attack-risk minority (48 of them, 19 for its 20 countries).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.checks import is_int

import augbench
from augbench import TableOverSampler

_DIFFUSION_TYPES = ("flow", "vp")
# Array indexes with one decimal digit: up to this many multi-level categorical columns placed at
# 0..9 have one-hot names that no other's prefix matches (see the module docstring).
_ONE_DIGIT = 10


class ForestDiffusionAugmenter(TableOverSampler):
    """Forest flow / forest diffusion (``forestdiffusion``) fitted on the minority rows.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): one model is trained
    per class to top up (in augbench, the minority, ``y == 1``) and generates the rows that
    ``sampling_strategy`` asks for. Generated values stay within the range each column has in
    the rows learnt; integer columns stay integral, categorical ones take only levels present.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``...
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds the fit and the generation (numpy's global generator, seeded inside the fit and
        restored after, and XGBoost's seed); None draws fresh entropy.
    n_t : int, default 20
        Noise levels, one XGBoost model each, and steps of the sampler. The cost is linear in it.
    duplicate_K : int, default 10
        Copies of each row, each with its own noise, in every level's training set. The cost is
        about linear in it.
    diffusion_type : {"flow", "vp"}, default "flow"
        Conditional flow matching, or a variance-preserving diffusion (score) model.
    max_depth : int, default 4
        Depth of XGBoost's trees. The cost roughly doubles with each level.
    n_estimators : int, default 50
        Boosting rounds of each level's model. The cost is linear in it.

    The defaults come from ``benchmarks/forest_diffusion_study.py``: as realistic there as 100
    rounds or depth-7 trees at a half and an eighth of their cost. The library's own defaults
    (50 levels, 100 copies, depth 7, 100 rounds) cost tens of times more.
    """

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None, n_t: int = 20,
                 duplicate_K: int = 10, diffusion_type: str = "flow", max_depth: int = 4,
                 n_estimators: int = 50) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_t = n_t
        self.duplicate_K = duplicate_K
        self.diffusion_type = diffusion_type
        self.max_depth = max_depth
        self.n_estimators = n_estimators

    def _check_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        for name, least in (("n_t", 2), ("duplicate_K", 1), ("max_depth", 1), ("n_estimators", 1)):
            value = getattr(self, name)
            if not (is_int(value) and value >= least):
                raise ValueError(f"forest-diffusion: {name} must be an int >= {least}, got {value!r}")
        if self.diffusion_type not in _DIFFUSION_TYPES:
            raise ValueError(f"forest-diffusion: diffusion_type must be one of {list(_DIFFUSION_TYPES)}, "
                             f"got {self.diffusion_type!r}")

    def _generate(self, X_class: pd.DataFrame, n_new: int,
                  random_state: np.random.SeedSequence) -> pd.DataFrame:
        """``n_new`` rows generated by a model trained on the rows of ``X_class``."""
        if X_class.isna().any().any():
            raise ValueError("forest-diffusion: the rows to imitate have missing values; impute "
                             "them first (augbench's protocol does so before augmenting).")
        layout = _Layout.of(X_class)
        # The library takes a seed for numpy's legacy generator and XGBoost: 31 bits suit both.
        seed = int(random_state.generate_state(1)[0] >> 1)
        values = self._sample(layout, n_new, seed) if layout.modelled else np.empty((n_new, 0))
        return layout.decode(values, n_new)

    def _sample(self, layout: _Layout, n_new: int, seed: int) -> np.ndarray:
        """``n_new`` rows of the layout's array, from a model trained on it."""
        with _global_rng_seeded(seed), augbench.single_threaded(), augbench.quiet("xgboost"):
            # Imported here, inside the restored block, so that whatever the imports of xgboost,
            # catboost and lightgbm do to global generators is undone too.
            import xgboost
            from ForestDiffusion import ForestDiffusionModel

            # nthread: one thread for DMatrix building (global config) and for boosting (params).
            with xgboost.config_context(nthread=1, verbosity=0):
                model = ForestDiffusionModel(
                    layout.array, n_t=self.n_t, duplicate_K=self.duplicate_K,
                    diffusion_type=self.diffusion_type, max_depth=self.max_depth,
                    n_estimators=self.n_estimators, cat_indexes=layout.cat_indexes,
                    int_indexes=layout.int_indexes, n_jobs=1, seed=seed, nthread=1)
                return np.asarray(model.generate(batch_size=n_new), dtype=np.float64)


@dataclass
class _Layout:
    """How a table's columns sit in the array the library learns, and the way back."""

    table: pd.DataFrame  # the rows learnt
    modelled: list[Hashable]  # columns in the array, in its order (multi-level categoricals first)
    array: np.ndarray  # those columns as floats: numbers, or codes of the levels present
    cat_indexes: list[int]  # array columns one-hot coded by the library (3+ levels)
    int_indexes: list[int]  # array columns rounded by the library (integers, 0/1 categoricals)
    level_rows: dict[Hashable, np.ndarray]  # per categorical column, a row holding each code's level

    @classmethod
    def of(cls, table: pd.DataFrame) -> _Layout:
        multi, others, level_rows = [], [], {}
        codes: dict[Hashable, np.ndarray] = {}
        for column in table.columns:
            series = table[column]
            if series.nunique(dropna=False) < 2:
                continue  # constant: copied from the first row
            if _is_categorical(series):
                code, levels = pd.factorize(series, sort=True)
                codes[column] = code.astype(np.float64)
                # The first row of each level, so that decoding reads real cells (exact dtype).
                level_rows[column] = np.array([np.flatnonzero(code == k)[0] for k in range(len(levels))])
                (multi if len(levels) > 2 else others).append(column)
            else:
                codes[column] = series.to_numpy(dtype=np.float64)
                others.append(column)
        if len(multi) <= _ONE_DIGIT:
            modelled = multi + others  # at indexes 0..9, one decimal digit each
        elif len(others) >= _ONE_DIGIT and len(multi) <= 90:
            # At indexes 10..99, two digits each, with other columns filling 0..9.
            modelled = others[:_ONE_DIGIT] + multi + others[_ONE_DIGIT:]
        else:
            raise ValueError(f"forest-diffusion: {len(multi)} categorical columns of 3+ levels and "
                             f"{len(others)} other columns cannot be laid out so that forestdiffusion's "
                             "one-hot decoding keeps them apart; merge levels or drop columns.")
        cat_indexes = [i for i, c in enumerate(modelled) if c in level_rows and len(level_rows[c]) > 2]
        int_indexes = [i for i, c in enumerate(modelled)
                       if i not in cat_indexes and (c in level_rows or _integral(codes[c]))]
        array = np.column_stack([codes[c] for c in modelled]) if modelled else np.empty((len(table), 0))
        return cls(table, modelled, array, cat_indexes, int_indexes, level_rows)

    def decode(self, values: np.ndarray, n_new: int) -> pd.DataFrame:
        """The generated array as a table with the learnt table's columns and dtypes."""
        table = self.table
        out: dict[Hashable, pd.Series] = {}
        where = {c: i for i, c in enumerate(self.modelled)}
        for column in table.columns:
            if column not in where:  # constant
                out[column] = table[column].iloc[np.zeros(n_new, dtype=np.intp)].reset_index(drop=True)
                continue
            generated = values[:, where[column]]
            if column in self.level_rows:
                rows = self.level_rows[column]
                code = np.clip(np.rint(generated), 0, len(rows) - 1).astype(np.intp)
                out[column] = table[column].iloc[rows[code]].reset_index(drop=True)
            else:
                dtype = table[column].dtype
                if pd.api.types.is_integer_dtype(dtype):
                    generated = np.rint(generated)  # the library rounds; this guards the cast
                out[column] = pd.Series(generated).astype(dtype)
        return pd.DataFrame(out, columns=table.columns)


@contextlib.contextmanager
def _global_rng_seeded(seed: int) -> Iterator[None]:
    """numpy's and Python's global generators seeded for the block, restored after."""
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        np.random.seed(seed)
        random.seed(seed)
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


def _is_categorical(series: pd.Series) -> bool:
    """A category, boolean or non-numeric column: modelled by its levels, not as a number."""
    dtype = series.dtype
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype) \
        or not pd.api.types.is_numeric_dtype(dtype)


def _integral(values: np.ndarray) -> bool:
    """Whole numbers only: an integer column, or a float one read from a file with missing cells
    (the Cleveland table's codes and counts). Rounded, its values stay values the column can have;
    left continuous, a made 0.37 in a 0/1 column gives every synthetic row away."""
    return bool(np.all(values == np.round(values)))

