"""The ``ctgan-mit`` augmenter: CTGAN fitted on the minority rows, many seeds batched as one."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.neural.batched import BatchedByLayout
from augbench_plugins.neural.encoding import Layout
from augbench_plugins.neural.helpers import check_device, torch_device, torch_seeds

from augbench import RowRequest

_INTEGERS = ("embedding_dim", "batch_size", "epochs", "pac", "max_modes")


class CtganAugmenter(BatchedByLayout):
    """CTGAN (Xu et al. 2019) for minority rows, with the paper's defaults, batched over seeds.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): it learns the rows of each
    class it tops up (in augbench, the minority rows, ``y == 1``), one model per class, and adds
    generated rows until the classes reach ``sampling_strategy``. The model is the paper's:
    mode-specific normalisation of numeric columns (a variational Gaussian mixture per column),
    one-hot categories, the conditional vector with training-by-sampling, a residual generator
    with batch norm, a PacGAN discriminator trained with the WGAN-GP loss. Numeric values stay
    within the range of the rows learnt and are rounded when those were whole numbers;
    categories are drawn only among those the rows contain. Seeds of a chunk train as one batch
    and each seed's rows are exactly those of a fit of that seed alone.

    It differs from SDV's ``ctgan`` in three ways that do not change the model: rows are
    generated with conditions drawn by each category's frequency (SDV draws them by
    log-frequency, as in training, which over-represents rare categories); every numeric column
    has ``max_modes`` mode slots, those its mixture did not keep masked (so models stack); and
    no gradient is computed that the update then discards.

    Parameters (the paper's defaults)
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``... As in imbalanced-learn, ``int(ratio * n_majority -
        n_minority)`` rows are added (none if that is not positive).
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds a private torch.Generator (weights, minibatches, conditions, noise, dropout,
        sampling) and the mixtures' fits, so a seed gives the same rows on the same device
        every time. None draws fresh entropy.
    device : "auto", "cpu" or "cuda", default "auto"
        Where to train; "auto" takes CUDA when available, else the CPU.
    epochs : int, default 300
        Passes over the rows; an epoch is ``max(rows // batch_size, 1)`` steps, as in the
        reference code (so a minority under 1,000 rows trains 300 steps).
    batch_size : int, default 500
        Rows per step (drawn by training-by-sampling, with replacement); a multiple of ``pac``.
    embedding_dim : int, default 128
        Size of the generator's Gaussian input.
    generator_dims, discriminator_dims : tuple of int, default (256, 256) and (256, 256)
        Widths of the generator's residual layers and the discriminator's hidden layers;
        multiples of 16.
    generator_lr, discriminator_lr : float, default 2e-4 and 2e-4
        Adam learning rates (betas (0.5, 0.9)).
    generator_decay, discriminator_decay : float, default 1e-6 and 1e-6
        Adam's L2 weight decay.
    pac : int, default 10
        Rows the discriminator judges together (PacGAN), against mode collapse.
    max_modes : int, default 10
        Components of each numeric column's mixture (at most the number of rows).
    weight_threshold : float, default 0.005
        Mixture components with less weight are dropped.
    """

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None,
                 device: str = "auto", epochs: int = 300, batch_size: int = 500,
                 embedding_dim: int = 128, generator_dims: tuple[int, ...] = (256, 256),
                 discriminator_dims: tuple[int, ...] = (256, 256), generator_lr: float = 2e-4,
                 discriminator_lr: float = 2e-4, generator_decay: float = 1e-6,
                 discriminator_decay: float = 1e-6, pac: int = 10, max_modes: int = 10,
                 weight_threshold: float = 0.005) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.device = device
        self.epochs = epochs
        self.batch_size = batch_size
        self.embedding_dim = embedding_dim
        self.generator_dims = generator_dims
        self.discriminator_dims = discriminator_dims
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.generator_decay = generator_decay
        self.discriminator_decay = discriminator_decay
        self.pac = pac
        self.max_modes = max_modes
        self.weight_threshold = weight_threshold

    def _generate_group(self, layout: Layout, requests: list[RowRequest]) -> list[pd.DataFrame]:
        """Fit one encoder per request (its mixtures), train the batch, decode each one's rows."""
        from augbench_plugins.ctgan.modes import ModeEncoder
        from augbench_plugins.ctgan.network import CtganBatch

        encoders, data, seeds, steps = [], [], [], []
        for request in requests:
            rows = request.rows
            if rows.isna().any().any():
                raise ValueError("ctgan-mit: the rows to imitate have missing values; impute "
                                 "them first (augbench's protocol does so before augmenting).")
            torch_seed, numpy_seed = torch_seeds(request.random_state, 2)
            rng = np.random.default_rng(numpy_seed)
            encoder = ModeEncoder(layout, int(self.max_modes), float(self.weight_threshold))
            encoders.append(encoder.fit(rows, rng))
            data.append(encoder.transform(rows, rng))
            seeds.append(torch_seed)
            steps.append(int(self.epochs) * max(len(rows) // int(self.batch_size), 1))
        # Models train together only with models of as many steps: one that is done would go
        # on computing beside the others (a run's sizes differ by up to 4x in steps).
        by_steps: dict[int, list[int]] = {}
        for i, n in enumerate(steps):
            by_steps.setdefault(n, []).append(i)
        out: list[Any] = [None] * len(requests)
        for n, members in by_steps.items():
            batch = CtganBatch(self._config(), layout.category_counts, int(self.max_modes),
                               [data[i] for i in members],
                               [encoders[i].kept_modes for i in members],
                               [seeds[i] for i in members], torch_device(self.device))
            batch.train(n)
            generated = batch.sample([requests[i].n_new for i in members])
            for i, (offsets, codes) in zip(members, generated):
                out[i] = encoders[i].inverse(offsets, codes)
        return out

    def _config(self) -> Any:
        from augbench_plugins.ctgan.network import CtganConfig

        return CtganConfig(
            embedding_dim=int(self.embedding_dim),
            generator_dims=tuple(int(d) for d in self.generator_dims),
            discriminator_dims=tuple(int(d) for d in self.discriminator_dims),
            generator_lr=float(self.generator_lr), discriminator_lr=float(self.discriminator_lr),
            generator_decay=float(self.generator_decay),
            discriminator_decay=float(self.discriminator_decay),
            batch_size=int(self.batch_size), pac=int(self.pac))

    def _check_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        for name in _INTEGERS:
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
                raise ValueError(f"ctgan-mit: {name} must be a non-negative int, got {value!r}")
        if self.max_modes < 1:
            raise ValueError(f"ctgan-mit: max_modes must be at least 1, got {self.max_modes}")
        for name in ("generator_dims", "discriminator_dims"):
            dims = getattr(self, name)
            if not isinstance(dims, (tuple, list)) or not all(
                    isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims):
                raise ValueError(f"ctgan-mit: {name} must be a tuple of ints such as (256, 256), "
                                 f"got {dims!r}")
        threshold = self.weight_threshold
        if not isinstance(threshold, numbers.Real) or not 0 <= threshold < 1:
            raise ValueError(f"ctgan-mit: weight_threshold must be in [0, 1), got {threshold!r}")
        self._config().check()
        check_device(self.device, "ctgan-mit")

    def _layout(self, X: pd.DataFrame) -> Layout:
        """The table's Layout, or a TypeError naming a column the model cannot take."""
        return Layout.of(X, "ctgan-mit", "the model takes")
