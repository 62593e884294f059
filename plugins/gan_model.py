"""The ``gan`` augmenter: the paper's vanilla GAN, fitted on the minority rows, many seeds at once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.gan_encoding import Layout, TableEncoder
from sklearn.base import BaseEstimator

import augbench


class GanAugmenter(BaseEstimator):
    """A vanilla GAN (MLP generator and discriminator, non-saturating loss) for minority rows.

    It learns the minority rows (``y == 1``) only and adds generated rows until the classes reach
    ``sampling_strategy``. Numeric columns are modelled on a quantile-normal (or min-max) scale
    learnt from those rows, rounded back when all their values are whole numbers, and kept within
    their range; categorical columns are one-hot blocks generated through a (Gumbel-)softmax and
    drawn only among the categories those rows contain.

    Parameters (defaults chosen by ``benchmarks/gan_study.py``)
    ----------
    sampling_strategy : float or "auto", default "auto"
        Minority:majority ratio after augmentation, in (0, 1]; "auto" is 1.0. As in
        imbalanced-learn, ``int(ratio * n_majority - n_minority)`` rows are added (none if that
        is not positive).
    random_state : int or None, default None
        Seeds a private torch.Generator: weights, minibatches, noise and sampling all come from
        it, so a seed gives the same rows on the same device every time. None draws fresh entropy.
    device : "auto", "cpu" or "cuda", default "auto"
        Where to train; "auto" takes CUDA when available, else the CPU.
    noise_dim : int, default 32
        Size of the generator's Gaussian input.
    generator_dims, discriminator_dims : tuple of int, default (64, 64) and (64, 64)
        Hidden widths of the two MLPs (LeakyReLU(0.2) between layers); multiples of 16.
    generator_lr, discriminator_lr : float, default 5e-4 and 2e-3
        Adam learning rates; a discriminator that learns faster than the generator kept the
        small-table GANs of the study from collapsing.
    betas : tuple of float, default (0.5, 0.999)
        Adam's moment decay rates (DCGAN's).
    batch_size : int, default 64
        Minority rows (drawn with replacement) and generated rows per step; a multiple of 16.
    steps : int, default 600
        Training steps (one discriminator and one generator update each). A fixed count rather
        than epochs: minority sets range from a handful of rows to thousands, so epochs would
        starve the small ones and overspend on the large ones, and a fit's cost stays known
        (one CPU core: ~1.5 s for a lone fit, ~0.4 s per model in a batch of 16).
    epochs : int or None, default None
        If given, overrides ``steps``: each model trains ``epochs * ceil(n_minority /
        batch_size)`` steps. Models of a batch then stop at different steps; one that is done is
        frozen (its rows are still exactly those of a solo fit).
    numeric_scaling : "quantile" or "minmax", default "quantile"
        "quantile" maps each numeric column through its empirical CDF to a standard normal (robust
        to skew and outliers); tied values (binary flags, counts) spread at random over the
        quantiles they share, so every column looks continuous to the discriminator and rounding
        restores it. "minmax" maps its range to [-1, 1].
    gumbel_tau : float or None, default 0.2
        Temperature of the Gumbel-softmax that makes categorical outputs nearly one-hot during
        training; None feeds the plain softmax to the discriminator.
    """

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None,
                 device: str = "auto", noise_dim: int = 32,
                 generator_dims: tuple[int, ...] = (64, 64),
                 discriminator_dims: tuple[int, ...] = (64, 64), generator_lr: float = 5e-4,
                 discriminator_lr: float = 2e-3, betas: tuple[float, float] = (0.5, 0.999),
                 batch_size: int = 64, steps: int = 600, epochs: int | None = None,
                 numeric_scaling: str = "quantile",
                 gumbel_tau: float | None = 0.2) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.device = device
        self.noise_dim = noise_dim
        self.generator_dims = generator_dims
        self.discriminator_dims = discriminator_dims
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.betas = betas
        self.batch_size = batch_size
        self.steps = steps
        self.epochs = epochs
        self.numeric_scaling = numeric_scaling
        self.gumbel_tau = gumbel_tau

    def fit_resample(self, X: pd.DataFrame, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        """Train on the minority rows of ``X`` and return ``X`` then the generated rows."""
        return self.fit_resample_many([X], [y], [self.random_state])[0]

    def fit_resample_many(self, Xs: Sequence[pd.DataFrame], ys: Sequence[Any],
                          random_states: Sequence[Any]) -> list[tuple[pd.DataFrame, np.ndarray]]:
        """``fit_resample`` for many tables and seeds at once, each as if it were alone.

        Tables with the same columns and dtypes train together as one batched model.
        """
        if not len(Xs) == len(ys) == len(random_states):
            raise ValueError(f"gan: got {len(Xs)} tables, {len(ys)} label arrays and "
                             f"{len(random_states)} random states; give one of each per table.")
        for X in Xs:
            if not isinstance(X, pd.DataFrame):
                raise TypeError(f"gan: X must be a pandas DataFrame, got {type(X).__name__}")
        ys = [augbench.check_labels(X, y, "gan") for X, y in zip(Xs, ys)]
        seeds = [_seed(r) for r in random_states]
        groups: dict[Layout, list[int]] = {}
        for i, X in enumerate(Xs):
            groups.setdefault(Layout.of(X), []).append(i)
        results: list[Any] = [None] * len(Xs)
        for layout, members in groups.items():
            outputs = self._augment_group(layout, [Xs[i] for i in members],
                                          [ys[i] for i in members], [seeds[i] for i in members])
            for i, out in zip(members, outputs):
                results[i] = out
        return results

    def _augment_group(self, layout: Layout, Xs: list[pd.DataFrame], ys: list[np.ndarray],
                       seeds: list[int]) -> list[tuple[pd.DataFrame, np.ndarray]]:
        """Train the tables of one layout as one batch and append each one's generated rows."""
        counts = [self._rows_to_add(y) for y in ys]
        todo = [i for i, n in enumerate(counts) if n > 0]
        new_rows: dict[int, pd.DataFrame] = {}
        if todo:
            new_rows = dict(zip(todo, self._generate(layout, [Xs[i] for i in todo],
                                                     [ys[i] for i in todo],
                                                     [seeds[i] for i in todo],
                                                     [counts[i] for i in todo])))
        out = []
        for i, (X, y) in enumerate(zip(Xs, ys)):
            if i not in new_rows:
                out.append((X.reset_index(drop=True), y.copy()))
                continue
            X_res = pd.concat([X, new_rows[i]], ignore_index=True)
            out.append((X_res, np.concatenate([y, np.ones(counts[i], dtype=y.dtype)])))
        return out

    def _generate(self, layout: Layout, Xs: list[pd.DataFrame], ys: list[np.ndarray],
                  seeds: list[int], counts: list[int]) -> list[pd.DataFrame]:
        """Fit one encoder per table, train the batch, decode each model's rows."""
        from augbench_plugins.gan_network import train_and_sample

        encoders, data = [], []
        for X, y, seed in zip(Xs, ys, seeds):
            minority = X.loc[y == 1]
            if minority.isna().any().any():
                raise ValueError("gan: the minority rows have missing values; impute them first "
                                 "(augbench's protocol does so before augmenting).")
            encoder = TableEncoder(layout, self.numeric_scaling).fit(minority)
            encoders.append(encoder)
            data.append(encoder.transform(minority, np.random.default_rng(seed)))
        config = self._config()
        if self.epochs is not None and int(self.epochs) < 0:
            raise ValueError(f"gan: epochs must be None or non-negative, got {self.epochs!r}")
        if self.epochs is None:
            steps = [config.steps] * len(data)
        else:
            steps = [int(self.epochs) * math.ceil(len(d) / config.batch_size) for d in data]
        generated = train_and_sample(
            config, len(layout.numeric), layout.category_counts, data,
            [e.present for e in encoders], counts, seeds, steps, _device(self.device))
        return [e.inverse(numeric, codes) for e, (numeric, codes) in zip(encoders, generated)]

    def _config(self) -> Any:
        from augbench_plugins.gan_network import GanConfig

        return GanConfig(
            noise_dim=int(self.noise_dim), generator_dims=tuple(self.generator_dims),
            discriminator_dims=tuple(self.discriminator_dims),
            generator_lr=float(self.generator_lr), discriminator_lr=float(self.discriminator_lr),
            betas=(float(self.betas[0]), float(self.betas[1])), batch_size=int(self.batch_size),
            steps=int(self.steps), gumbel_tau=None if self.gumbel_tau is None
            else float(self.gumbel_tau))

    def _rows_to_add(self, y: np.ndarray) -> int:
        """imbalanced-learn's count for ``sampling_strategy``, none when the ratio is met."""
        n_new = augbench.rows_to_add(y, self.sampling_strategy)
        if n_new and not np.any(y == 1):
            raise ValueError("gan: no minority rows (y == 1) to learn from")
        return n_new

    def _validate_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        from augbench_plugins.gan_encoding import NUMERIC_SCALINGS

        self._config().check()
        if self.device not in ("auto", "cpu", "cuda") and not str(self.device).startswith("cuda:"):
            raise ValueError(f"gan: device must be 'auto', 'cpu' or 'cuda', got {self.device!r}")
        if self.numeric_scaling not in NUMERIC_SCALINGS:
            raise ValueError(f"gan: numeric_scaling must be one of {NUMERIC_SCALINGS}, got "
                             f"{self.numeric_scaling!r}")
        if self.epochs is not None and int(self.epochs) < 0:
            raise ValueError(f"gan: epochs must be None or non-negative, got {self.epochs!r}")

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # categorical columns through a Gumbel-softmax
        return tags


def _seed(random_state: Any) -> int:
    """A 63-bit torch seed from ``random_state`` (augbench's one rule for it)."""
    state = augbench.seed_sequence(random_state).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def _device(device: str) -> Any:
    """The torch device for "auto" (CUDA if available, else CPU), "cpu" or "cuda"."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda") and not str(device).startswith("cuda:"):
        raise ValueError(f"gan: device must be 'auto', 'cpu' or 'cuda', got {device!r}")
    return torch.device(device)
