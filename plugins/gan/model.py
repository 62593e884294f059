"""The ``gan`` augmenter: the paper's vanilla GAN, fitted on the minority rows, many seeds at once."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.neural.batched import BatchedByLayout
from augbench_plugins.neural.encoding import Layout, TableEncoder
from augbench_plugins.neural.helpers import check_device, torch_device, torch_seed

from augbench import RowRequest


class GanAugmenter(BatchedByLayout):
    """A vanilla GAN (MLP generator and discriminator, non-saturating loss) for minority rows.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): it learns the rows of
    each class it tops up (in augbench, the minority rows, ``y == 1``), one model per class, and
    adds generated rows until the classes reach ``sampling_strategy``. Numeric columns are
    modelled on a quantile-normal (or min-max) scale learnt from those rows, rounded back when all
    their values are whole numbers, and kept within their range; categorical columns are one-hot
    blocks generated through a (Gumbel-)softmax and drawn only among the categories those rows
    contain.

    Parameters (defaults chosen by ``benchmarks/gan_study.py``)
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``... As in imbalanced-learn, ``int(ratio * n_majority -
        n_minority)`` rows are added (none if that is not positive).
    random_state : int, numpy Generator or RandomState, or None, default None
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

    def _generate_group(self, layout: Layout, requests: list[RowRequest]) -> list[pd.DataFrame]:
        """Fit one encoder per request, train the batch, decode each model's rows."""
        from augbench_plugins.gan.network import train_and_sample

        encoders, data, seeds = [], [], []
        for request in requests:
            rows = request.rows
            if rows.isna().any().any():
                raise ValueError("gan: the rows to imitate have missing values; impute them first "
                                 "(augbench's protocol does so before augmenting).")
            seed = torch_seed(request.random_state)
            encoder = TableEncoder(layout, self.numeric_scaling).fit(rows)
            encoders.append(encoder)
            data.append(encoder.transform(rows, np.random.default_rng(seed)))
            seeds.append(seed)
        config = self._config()
        if self.epochs is None:
            steps = [config.steps] * len(data)
        else:
            steps = [int(self.epochs) * math.ceil(len(d) / config.batch_size) for d in data]
        generated = train_and_sample(
            config, len(layout.numeric), layout.category_counts, data,
            [e.present for e in encoders], [r.n_new for r in requests], seeds, steps,
            torch_device(self.device))
        return [e.inverse(numeric, codes) for e, (numeric, codes) in zip(encoders, generated)]

    def _config(self) -> Any:
        from augbench_plugins.gan.network import GanConfig

        return GanConfig(
            noise_dim=int(self.noise_dim), generator_dims=tuple(self.generator_dims),
            discriminator_dims=tuple(self.discriminator_dims),
            generator_lr=float(self.generator_lr), discriminator_lr=float(self.discriminator_lr),
            betas=(float(self.betas[0]), float(self.betas[1])), batch_size=int(self.batch_size),
            steps=int(self.steps), gumbel_tau=None if self.gumbel_tau is None
            else float(self.gumbel_tau))

    def _check_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        from augbench_plugins.neural.encoding import NUMERIC_SCALINGS

        self._config().check()
        check_device(self.device, "gan")
        if self.numeric_scaling not in NUMERIC_SCALINGS:
            raise ValueError(f"gan: numeric_scaling must be one of {NUMERIC_SCALINGS}, got "
                             f"{self.numeric_scaling!r}")
        if self.epochs is not None and int(self.epochs) < 0:
            raise ValueError(f"gan: epochs must be None or non-negative, got {self.epochs!r}")
