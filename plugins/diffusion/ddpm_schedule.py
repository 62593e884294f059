"""The diffusion maths of the ``ddpm`` augmenter (TabDDPM, Kotelnikov et al. 2023), batched over models.

Numeric columns (quantile-normal scale) follow Gaussian diffusion with the noise-predicting
(epsilon) parametrisation of Ho et al. 2020; categorical columns follow multinomial diffusion
(Hoogeboom et al. 2021) with the x0-predicting parametrisation TabDDPM uses. Both share one
cosine noise schedule (Nichol & Dhariwal 2021).

Categorical tensors are padded grids ``(K, B, G, C)``: G categorical columns, C the most
categories of any column. Where TabDDPM's multinomial noise is uniform over all of a column's
categories, here it is uniform over those model k's training rows contain (``uniform``):
categories a model never saw, and the grid's padding, then have probability exactly zero at every
step, forward and backward, so the model can only generate categories it has seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from augbench_plugins.neural.encoding import MAX_QUANTILES
from scipy.special import ndtri

# Probabilities are clamped to this before a log: an exact zero (an unseen category) then
# contributes 0 * finite = 0 to a KL term and gets a zero, not a NaN, gradient.
TINY = 1e-30
ALIGN = 16  # as in gan.network: per-model blocks of 16 floats keep batched numbers exact
# The largest |value| the quantile-normal encoder gives (its most extreme level, (n - 1/2) / n).
# Sampling clips predicted x_0 to it ("clip_denoised"): the last steps of the cosine schedule
# divide by sqrt(alpha_t) ~ 0.03, so an imperfect noise estimate there would otherwise throw
# rows far outside the data, to be clipped to the columns' extremes when decoded.
X0_BOUND = float(ndtri(1 - 0.5 / MAX_QUANTILES))


@dataclass(frozen=True)
class DdpmConfig:
    """Hyperparameters of the diffusion model; see DdpmAugmenter for their meaning and defaults."""

    steps: int
    timesteps: int
    lr: float
    batch_size: int
    hidden_dims: tuple[int, ...]
    time_dim: int

    def check(self) -> None:
        """Raise ValueError for a setting that is invalid or would break batch exactness."""
        if self.batch_size <= 0 or self.batch_size % ALIGN:
            raise ValueError(f"ddpm: batch_size must be a positive multiple of {ALIGN}, got "
                             f"{self.batch_size}; aligned blocks keep each model's numbers "
                             "independent of the other models trained with it.")
        if not self.hidden_dims or any(d <= 0 or d % ALIGN for d in self.hidden_dims):
            raise ValueError(f"ddpm: hidden_dims must be a non-empty tuple of positive multiples "
                             f"of {ALIGN}, got {self.hidden_dims!r}")
        if self.time_dim <= 0 or self.time_dim % ALIGN:
            raise ValueError(f"ddpm: time_dim must be a positive multiple of {ALIGN}, got "
                             f"{self.time_dim}")
        if self.steps < 0:
            raise ValueError(f"ddpm: steps must be a non-negative int, got {self.steps}")
        if self.timesteps < 2:
            raise ValueError(f"ddpm: timesteps must be an int of at least 2, got {self.timesteps}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"ddpm: lr must be a positive finite float, got {self.lr}")


def cosine_betas(timesteps: int, s: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    """Nichol & Dhariwal's cosine schedule: alpha_bar(t) = cos^2(((t/T + s)/(1 + s)) pi/2)."""
    def alpha_bar(t):
        return math.cos((t / timesteps + s) / (1 + s) * math.pi / 2) ** 2
    return np.array([min(1 - alpha_bar(i + 1) / alpha_bar(i), max_beta) for i in range(timesteps)])


def timestep_embedding(timesteps: int, dim: int, max_period: float = 10000.0) -> np.ndarray:
    """(timesteps, dim) sinusoidal embeddings of 0..T-1, cosines then sines (as in TabDDPM)."""
    half = dim // 2
    freqs = np.exp(-math.log(max_period) * np.arange(half) / half)
    args = np.arange(timesteps)[:, None] * freqs[None]
    return np.concatenate([np.cos(args), np.sin(args)], axis=1)


class Schedule:
    """Every per-timestep constant, computed in float64 once, stored as float32 lookup tables.

    ``at(name, t)`` gathers a constant for a tensor of timesteps, so rows of one batch may sit at
    different steps; gathers are exact, so models of a batch see the same numbers as alone.
    """

    def __init__(self, timesteps: int, time_dim: int, device: torch.device) -> None:
        betas = cosine_betas(timesteps)
        alphas = 1.0 - betas
        bar = np.cumprod(alphas)
        bar_prev = np.append(1.0, bar[:-1])  # alpha_bar_{t-1}, with alpha_bar_{-1} = 1
        tables = {
            "alpha": alphas, "bar": bar, "bar_prev": bar_prev,
            "sqrt_bar": np.sqrt(bar), "sqrt_one_minus_bar": np.sqrt(1.0 - bar),
            "recip_sqrt_bar": np.sqrt(1.0 / bar), "sqrt_recip_bar_m1": np.sqrt(1.0 / bar - 1),
            "mean_x0": betas * np.sqrt(bar_prev) / (1.0 - bar),
            "mean_xt": (1.0 - bar_prev) * np.sqrt(alphas) / (1.0 - bar),
            # TabDDPM's sampling variance is beta_t ("fixed large"), not the posterior's
            # smaller one; no noise is added at the last step, t = 0.
            "noise_sd": np.sqrt(np.append(0.0, betas[1:])),
        }
        self.timesteps = timesteps
        self.tables = {k: torch.as_tensor(v, dtype=torch.float32, device=device)
                       for k, v in tables.items()}
        self.embedding = torch.as_tensor(timestep_embedding(timesteps, time_dim),
                                         dtype=torch.float32, device=device)

    def at(self, name: str, t: torch.Tensor, extra_dims: int = 1) -> torch.Tensor:
        """Constant ``name`` at timesteps ``t`` (K, B), with ``extra_dims`` trailing unit axes."""
        return self.tables[name][t].view(*t.shape, *(1,) * extra_dims)


def one_hot_sample(probs: torch.Tensor, gumbel: torch.Tensor) -> torch.Tensor:
    """A one-hot draw per (model, row, column) from ``probs`` (..., C), by the Gumbel-max trick.

    Zero probabilities give log 0 = -inf and are never drawn.
    """
    index = torch.argmax(torch.log(probs) + gumbel, dim=-1)
    return torch.nn.functional.one_hot(index, probs.shape[-1]).to(probs.dtype)


def q_sample_categories(x0: torch.Tensor, bar: torch.Tensor, uniform: torch.Tensor,
                        gumbel: torch.Tensor) -> torch.Tensor:
    """x_t ~ q(x_t | x_0) = Cat(alpha_bar_t x_0 + (1 - alpha_bar_t) uniform)."""
    return one_hot_sample(bar * x0 + (1 - bar) * uniform, gumbel)


def posterior(x0: torch.Tensor, xt: torch.Tensor, alpha: torch.Tensor, bar_prev: torch.Tensor,
              uniform: torch.Tensor) -> torch.Tensor:
    """q(x_{t-1} | x_t, x_0) of multinomial diffusion, for a one-hot or predicted ``x0``.

    theta ∝ (alpha_t x_t + (1 - alpha_t) u) * (alpha_bar_{t-1} x_0 + (1 - alpha_bar_{t-1}) u);
    at t = 0, alpha_bar_{-1} = 1 makes it x_0 weighted by q(x_0 -> x_t), TabDDPM's decoder.
    """
    theta = (alpha * xt + (1 - alpha) * uniform) * (bar_prev * x0 + (1 - bar_prev) * uniform)
    return theta / theta.sum(dim=-1, keepdim=True)


def categorical_kl(true: torch.Tensor, model: torch.Tensor) -> torch.Tensor:
    """Elementwise terms of KL(true || model) over the category axis (sum them for the KL).

    At t = 0 the true posterior is x_0 itself, so this is TabDDPM's decoder NLL there,
    -sum x_0 log p(x_0 | x_1): one formula serves every timestep.
    """
    return true * (true.clamp_min(TINY).log() - model.clamp_min(TINY).log())
