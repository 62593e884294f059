"""The ``ddpm`` augmenter: a TabDDPM-style diffusion model of the minority rows, many seeds at once."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.neural.batched import BatchedByLayout
from augbench_plugins.neural.encoding import Layout, TableEncoder
from augbench_plugins.neural.helpers import check_device, torch_device, torch_seed

from augbench import RowRequest


class DdpmAugmenter(BatchedByLayout):
    """TabDDPM (Kotelnikov et al. 2023) for minority rows: Gaussian diffusion on numeric
    columns, multinomial diffusion on categorical ones, one MLP denoiser for both.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): it learns the rows of
    each class it tops up (in augbench, the minority rows, ``y == 1``), one model per class, and
    adds generated rows until the classes reach ``sampling_strategy``. Numeric columns are
    modelled on a quantile-normal scale learnt from those rows (ties spread at random, so flags
    and counts look continuous), rounded back when all their values are whole numbers, and kept
    within their range (sampling clips predicted
    rows to the scale's range, as image diffusion clips to [-1, 1]); categorical columns are
    drawn only among the categories those rows contain (the multinomial noise is uniform over
    them, so an unseen category has probability zero at every step).

    Parameters (defaults chosen by ``benchmarks/ddpm_study.py``: on its small minorities the
    settings below scored alike, within seed noise, so the defaults lean to the cheap side)
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``... As in imbalanced-learn, ``int(ratio * n_majority -
        n_minority)`` rows are added (none if that is not positive).
    random_state : int, numpy Generator or RandomState, or None, default None
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

    def _generate_group(self, layout: Layout, requests: list[RowRequest]) -> list[pd.DataFrame]:
        """Fit one encoder per request, train the batch, decode each model's rows."""
        from augbench_plugins.diffusion.ddpm_network import train_and_sample

        encoders, numeric, codes, seeds = [], [], [], []
        n_numeric = len(layout.numeric)
        for request in requests:
            rows = request.rows
            if rows.isna().any().any():
                raise ValueError("ddpm: the rows to imitate have missing values; impute them "
                                 "first (augbench's protocol does so before augmenting).")
            seed = torch_seed(request.random_state)
            encoder = TableEncoder(layout, "quantile").fit(rows)
            encoders.append(encoder)
            # Ties break at random on the quantile scale, from a generator of this seed only.
            numeric.append(encoder.transform(rows, np.random.default_rng(seed))[:, :n_numeric])
            codes.append(np.stack([rows[c].cat.codes.to_numpy(np.int64)
                                   for c in layout.categorical], axis=1)
                         if layout.categorical else np.zeros((len(rows), 0), np.int64))
            seeds.append(seed)
        generated = train_and_sample(self._config(), layout.category_counts, numeric, codes,
                                     [e.present for e in encoders], [r.n_new for r in requests],
                                     seeds, torch_device(self.device))
        return [e.inverse(num, cat) for e, (num, cat) in zip(encoders, generated)]

    def _config(self) -> Any:
        from augbench_plugins.diffusion.ddpm_schedule import DdpmConfig

        return DdpmConfig(steps=int(self.steps), timesteps=int(self.timesteps),
                          lr=float(self.lr), batch_size=int(self.batch_size),
                          hidden_dims=tuple(int(d) for d in self.hidden_dims),
                          time_dim=int(self.time_dim))

    def _check_params(self) -> None:
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
        check_device(self.device, "ddpm")

    def _layout(self, X: pd.DataFrame) -> Layout:
        """The table's Layout, or a TypeError naming a column the diffusion model cannot take."""
        return Layout.of(X, "ddpm", "the diffusion model takes")
