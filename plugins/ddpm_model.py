"""The ``ddpm`` augmenter: a TabDDPM-style diffusion model of the minority rows, many seeds at once."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.gan_encoding import Layout, TableEncoder
from sklearn.base import BaseEstimator

import augbench

DEVICES = ("auto", "cpu", "cuda")


class DdpmAugmenter(BaseEstimator):
    """TabDDPM (Kotelnikov et al. 2023) for minority rows: Gaussian diffusion on numeric
    columns, multinomial diffusion on categorical ones, one MLP denoiser for both.

    It learns the minority rows (``y == 1``) only and adds generated rows until the classes reach
    ``sampling_strategy``. Numeric columns are modelled on a quantile-normal scale learnt from
    those rows (ties spread at random, so flags and counts look continuous), rounded back when
    all their values are whole numbers, and kept within their range (sampling clips predicted
    rows to the scale's range, as image diffusion clips to [-1, 1]); categorical columns are
    drawn only among the categories those rows contain (the multinomial noise is uniform over
    them, so an unseen category has probability zero at every step).

    Parameters (defaults chosen by ``benchmarks/ddpm_study.py``: on its small minorities the
    settings below scored alike, within seed noise, so the defaults lean to the cheap side)
    ----------
    sampling_strategy : float or "auto", default "auto"
        Minority:majority ratio after augmentation, in (0, 1]; "auto" is 1.0. As in
        imbalanced-learn, ``int(ratio * n_majority - n_minority)`` rows are added (none if that
        is not positive).
    random_state : int or None, default None
        Seeds a private torch.Generator: weights, minibatches, timesteps, noise and sampling all
        come from it, so a seed gives the same rows on the same device every time. None draws
        fresh entropy.
    device : "auto", "cpu" or "cuda", default "auto"
        Where to train; "auto" takes CUDA when available, else the CPU.
    steps : int, default 1000
        Adam steps, with the learning rate decaying linearly to zero (as TabDDPM does). A fixed
        count rather than epochs keeps a fit's cost known whatever the minority's size. On the
        study's 120-row minorities, 500 to 4000 steps scored alike.
    timesteps : int, default 100
        Diffusion steps T of the cosine noise schedule; sampling runs the reverse chain through
        all of them. TabDDPM uses 1000 on large tables; 100 suffices for the small minorities
        augbench trains on and makes sampling ten times cheaper.
    lr : float, default 2e-3
        Adam's initial learning rate (betas (0.9, 0.999); no weight decay, TabDDPM's is 1e-5).
    batch_size : int, default 64
        Minority rows per step, drawn with replacement; a multiple of 16.
    hidden_dims : tuple of int, default (64, 64)
        Widths of the denoiser's ReLU layers; multiples of 16. In the study, rows of (128, 128)
        and (256, 256) were no harder to tell from real ones than those of (64, 64), at about
        twice and four times the cost; minorities of thousands of rows may still want them.
    time_dim : int, default 64
        Size of the sinusoidal timestep embedding and of its SiLU MLP; a multiple of 16.
    """

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None,
                 device: str = "auto", steps: int = 1000, timesteps: int = 100,
                 lr: float = 2e-3, batch_size: int = 64,
                 hidden_dims: tuple[int, ...] = (64, 64), time_dim: int = 64) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.device = device
        self.steps = steps
        self.timesteps = timesteps
        self.lr = lr
        self.batch_size = batch_size
        self.hidden_dims = hidden_dims
        self.time_dim = time_dim

    def fit_resample(self, X: pd.DataFrame, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        """Train on the minority rows of ``X`` and return ``X`` then the generated rows."""
        return self.fit_resample_many([X], [y], [self.random_state])[0]

    def fit_resample_many(self, Xs: Sequence[pd.DataFrame], ys: Sequence[Any],
                          random_states: Sequence[Any]) -> list[tuple[pd.DataFrame, np.ndarray]]:
        """``fit_resample`` for many tables and seeds at once, each as if it were alone.

        Tables with the same columns and dtypes train together as one batched model.
        """
        self._validate_params()
        if not len(Xs) == len(ys) == len(random_states):
            raise ValueError(f"ddpm: got {len(Xs)} tables, {len(ys)} label arrays and "
                             f"{len(random_states)} random states; give one of each per table.")
        for X in Xs:
            if not isinstance(X, pd.DataFrame):
                raise TypeError(f"ddpm: X must be a pandas DataFrame, got {type(X).__name__}")
        ys = [augbench.check_labels(X, y, "ddpm") for X, y in zip(Xs, ys)]
        seeds = [_torch_seed(r) for r in random_states]
        groups: dict[Layout, list[int]] = {}
        for i, X in enumerate(Xs):
            groups.setdefault(_layout(X), []).append(i)
        results: list[Any] = [None] * len(Xs)
        for layout, members in groups.items():
            counts = [self._rows_to_add(ys[i]) for i in members]
            todo = [i for i, n in zip(members, counts) if n > 0]
            made = dict(zip(todo, self._generate(layout, [Xs[i] for i in todo],
                                                 [ys[i] for i in todo], [seeds[i] for i in todo],
                                                 [n for n in counts if n > 0]))) if todo else {}
            for i, n in zip(members, counts):
                X, y = Xs[i], ys[i]
                if i not in made:
                    results[i] = (X.reset_index(drop=True), y.copy())
                else:
                    results[i] = (pd.concat([X, made[i]], ignore_index=True),
                                  np.concatenate([y, np.ones(n, dtype=y.dtype)]))
        return results

    def _generate(self, layout: Layout, Xs: list[pd.DataFrame], ys: list[np.ndarray],
                  seeds: list[int], counts: list[int]) -> list[pd.DataFrame]:
        """Fit one encoder per table, train the batch, decode each model's rows."""
        from augbench_plugins.ddpm_network import train_and_sample

        encoders, numeric, codes = [], [], []
        n_numeric = len(layout.numeric)
        for X, y, seed in zip(Xs, ys, seeds):
            minority = X.loc[y == 1]
            if minority.isna().any().any():
                raise ValueError("ddpm: the minority rows have missing values; impute them first "
                                 "(augbench's protocol does so before augmenting).")
            encoder = TableEncoder(layout, "quantile").fit(minority)
            encoders.append(encoder)
            # Ties break at random on the quantile scale, from a generator of this seed only.
            numeric.append(encoder.transform(minority, np.random.default_rng(seed))[:, :n_numeric])
            codes.append(np.stack([minority[c].cat.codes.to_numpy(np.int64)
                                   for c in layout.categorical], axis=1)
                         if layout.categorical else np.zeros((len(minority), 0), np.int64))
        generated = train_and_sample(self._config(), layout.category_counts, numeric, codes,
                                     [e.present for e in encoders], counts, seeds,
                                     _device(self.device))
        return [e.inverse(num, cat) for e, (num, cat) in zip(encoders, generated)]

    def _config(self) -> Any:
        from augbench_plugins.ddpm_diffusion import DdpmConfig

        return DdpmConfig(steps=int(self.steps), timesteps=int(self.timesteps),
                          lr=float(self.lr), batch_size=int(self.batch_size),
                          hidden_dims=tuple(int(d) for d in self.hidden_dims),
                          time_dim=int(self.time_dim))

    def _rows_to_add(self, y: np.ndarray) -> int:
        """imbalanced-learn's count for ``sampling_strategy``, none when the ratio is met."""
        n_new = augbench.rows_to_add(y, self.sampling_strategy)
        if n_new and not np.any(y == 1):
            raise ValueError("ddpm: no minority rows (y == 1) to learn from")
        return n_new

    def _validate_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        for name in ("steps", "timesteps", "batch_size", "time_dim"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool):
                raise ValueError(f"ddpm: {name} must be an int, got {value!r}")
        dims = self.hidden_dims
        if not isinstance(dims, (tuple, list)) or not all(
                isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims):
            raise ValueError(f"ddpm: hidden_dims must be a tuple of ints, got {dims!r}")
        if not isinstance(self.lr, numbers.Real) or isinstance(self.lr, bool):
            raise ValueError(f"ddpm: lr must be a positive float, got {self.lr!r}")
        self._config().check()
        if self.device not in DEVICES and not str(self.device).startswith("cuda:"):
            raise ValueError(f"ddpm: device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got "
                             f"{self.device!r}")

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # categorical columns through multinomial diffusion
        return tags


def _torch_seed(random_state: Any) -> int:
    """A 63-bit torch seed from ``random_state``, by augbench's one rule for it (seed_sequence)."""
    state = augbench.seed_sequence(random_state).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def _device(device: str) -> Any:
    """The torch device for "auto" (CUDA if available, else the CPU), "cpu" or "cuda[:N]"."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _layout(X: pd.DataFrame) -> Layout:
    """The table's Layout, or a TypeError naming a column the diffusion model cannot take."""
    for col in X.columns:
        dtype = X[col].dtype
        if not isinstance(dtype, pd.CategoricalDtype) and dtype.kind not in "iuf":
            raise TypeError(f"ddpm: column {col!r} has dtype {dtype}; the diffusion model takes "
                            "numeric columns and columns of 'category' dtype. Convert it first.")
    return Layout(tuple(X.columns), tuple(X.dtypes))
