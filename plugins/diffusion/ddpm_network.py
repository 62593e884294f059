"""K small TabDDPM models trained as one, each exactly as it would train alone.

The batching follows ``gan.network`` and reuses its parts: weights with a leading model axis
(``BatchedMLP``), an elementwise Adam (``BatchedAdam``), per-model category masks
(``CategoryHead``), a spare copy for a lone model (``pad_models``), batch sizes in multiples of
16, losses summed over models, and random numbers drawn per model from its own torch.Generator
in blocks whose size does not depend on K. See gan.network's module docstring for why each
choice keeps the batched numbers bit-identical to a solo fit.

The denoiser is TabDDPM's MLPDiffusion: a sinusoidal timestep embedding through a small SiLU
MLP, added to a linear map of the noisy row, then a ReLU MLP whose output is the predicted
noise for numeric columns and x_0 logits for categorical ones. TabDDPM feeds the log of the
one-hot categories, whose zeros become -69; here the one-hot itself goes in, which keeps the
inputs on a unit scale.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from augbench_plugins.diffusion.ddpm_schedule import (
    X0_BOUND,
    DdpmConfig,
    Schedule,
    categorical_kl,
    one_hot_sample,
    posterior,
    q_sample_categories,
)
from augbench_plugins.gan.network import (
    BatchedAdam,
    BatchedMLP,
    CategoryHead,
    pad_models,
    sample_in_blocks,
)
from augbench_plugins.neural.helpers import gumbel
from torch.nn import functional as F

STEPS_PER_DRAW = 50  # training steps whose random numbers are drawn at once per model
# Generated rows per reverse chain (a multiple of 16). Every chain runs all T steps for a full
# block, so a small block wastes little on the few dozen rows a small table needs.
SAMPLE_BLOCK = 64


class SiluMLP(BatchedMLP):
    """A BatchedMLP with SiLU between layers: TabDDPM's timestep-embedding network."""

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        layers = len(self.params) // 2
        for i in range(layers):
            x = torch.baddbmm(self.params[2 * i + 1], x, self.params[2 * i])
            if i < layers - 1:
                x = F.silu(x)
        return x


class Denoiser:
    """K denoisers: (noisy numeric, noisy one-hot categories, timestep) -> (noise, x_0 probs).

    TabDDPM's MLPDiffusion computes ``MLP(proj(x) + time_mlp(embedding(t)))``; its projection
    and the MLP's first layer compose to one linear map, so here the time network's output is
    added to the first layer's instead: the same functions, one matmul fewer, and no gradient
    is ever needed with respect to the noisy row.
    """

    def __init__(self, config: DdpmConfig, n_numeric: int, counts: Sequence[int],
                 present: np.ndarray, generators: Sequence[torch.Generator],
                 schedule: Schedule, device: torch.device) -> None:
        width = n_numeric + sum(counts)
        d, first = config.time_dim, config.hidden_dims[0]
        self.schedule, self.n_numeric, self.groups = schedule, n_numeric, len(counts)
        self.time = SiluMLP([d, d, first], generators, device, slope=0.0)
        # BatchedMLP holds the weights; __call__ runs them by hand (ReLU, as TabDDPM) so that the
        # time embedding can join the first layer.
        self.mlp = BatchedMLP([width, *config.hidden_dims, width], generators, device, 0.0)
        self.head = CategoryHead(n_numeric, counts, present, device)
        self.optimisers = [BatchedAdam(net.flat, config.lr, (0.9, 0.999))
                           for net in (self.time, self.mlp)]

    def __call__(self, x_num: torch.Tensor, x_cat: torch.Tensor,
                 t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Predicted noise (K, B, n_numeric) and x_0 probabilities (K, B, G, C)."""
        x = x_num
        if self.groups:  # the category grid as flat one-hots
            x = torch.cat([x_num, x_cat.flatten(2)[..., self.head.flat]], dim=-1)
        params = self.mlp.params
        h = torch.baddbmm(params[1], x, params[0]) + self.time(self.schedule.embedding[t])
        for i in range(1, len(params) // 2):
            h = torch.baddbmm(params[2 * i + 1], torch.relu(h), params[2 * i])
        probs = torch.softmax(self.head.logits(h, None), dim=-1) if self.groups else x_cat
        return h[..., :self.n_numeric], probs

    def step(self, loss: torch.Tensor, lr: float) -> None:
        """One Adam update of both networks at learning rate ``lr``."""
        nets = (self.time, self.mlp)
        grads = torch.autograd.grad(loss, [p for net in nets for p in net.params])
        offset = 0
        for net, opt in zip(nets, self.optimisers):
            own = grads[offset:offset + len(net.params)]
            offset += len(net.params)
            opt.lr = lr
            opt.step(net.flat_grad(own))


class Streams:
    """Each model's private torch.Generator, and the random numbers each phase takes from it."""

    def __init__(self, seeds: Sequence[int], rows: Sequence[int], n_numeric: int,
                 grid: tuple[int, int], timesteps: int, device: torch.device) -> None:
        # Drawn on the CPU whatever the device, so a seed means the same numbers everywhere.
        self.generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
        self.rows, self.n_numeric, self.grid = list(rows), n_numeric, grid
        self.timesteps, self.device = timesteps, device

    def gumbel(self, shape: tuple[int, ...], g: torch.Generator) -> torch.Tensor:
        return gumbel(shape, g)

    def training(self, steps: int, batch: int) -> dict[str, torch.Tensor]:
        """Rows, timesteps, Gaussian and Gumbel noise for ``steps`` steps, as (steps, K, ...)."""
        draws: dict[str, list[torch.Tensor]] = {"rows": [], "t": [], "noise": [], "gumbel": []}
        for g, n in zip(self.generators, self.rows):
            # Rows with replacement: a minority of a handful of rows still fills a minibatch.
            draws["rows"].append(torch.randint(n, (steps, batch), generator=g))
            draws["t"].append(torch.randint(self.timesteps, (steps, batch), generator=g))
            draws["noise"].append(torch.randn((steps, batch, self.n_numeric), generator=g))
            draws["gumbel"].append(self.gumbel((steps, batch, *self.grid), g))
        return {k: torch.stack(v, dim=1).to(self.device) for k, v in draws.items()}

    def sampling(self, rows: int, active: Sequence[bool]) -> tuple[torch.Tensor, torch.Tensor]:
        """Gaussian and Gumbel noise for one reverse step of a block; zeros for finished models."""
        noise, gumbel = [], []
        for g, is_active in zip(self.generators, active):
            if is_active:
                noise.append(torch.randn((rows, self.n_numeric), generator=g))
                gumbel.append(self.gumbel((rows, *self.grid), g))
            else:
                noise.append(torch.zeros((rows, self.n_numeric)))
                gumbel.append(torch.zeros((rows, *self.grid)))
        return torch.stack(noise).to(self.device), torch.stack(gumbel).to(self.device)


class DdpmBatch:
    """K diffusion models with their training rows and random streams: build, ``train``, ``sample``.

    ``numeric[k]`` is model k's (n_k, n_numeric) quantile-normal minority rows, ``codes[k]`` its
    (n_k, G) category codes, ``present[k]`` its (G, C) mask of categories seen, ``seeds[k]`` the
    seed of its generator. ``spare=False`` skips the spare copy of a lone model (faster, but no
    longer bit-identical to the same model trained in a batch).
    """

    def __init__(self, config: DdpmConfig, counts: Sequence[int], numeric: Sequence[np.ndarray],
                 codes: Sequence[np.ndarray], present: Sequence[np.ndarray], seeds: Sequence[int],
                 device: torch.device, spare: bool = True) -> None:
        config.check()
        self.config, self.models = config, len(numeric)
        if spare:
            numeric, codes, present, seeds = (pad_models(list(v))
                                              for v in (numeric, codes, present, seeds))
        self.n_numeric, self.groups = numeric[0].shape[1], len(counts)
        mask = np.stack(present)  # (K, G, C)
        grid = mask.shape[1:]
        self.schedule = Schedule(config.timesteps, config.time_dim, device)
        self.streams = Streams(seeds, [len(x) for x in numeric], self.n_numeric, grid,
                               config.timesteps, device)
        self.net = Denoiser(config, self.n_numeric, counts, mask, self.streams.generators,
                            self.schedule, device)
        # Noise of multinomial diffusion: uniform over the categories each model has seen.
        seen = mask.sum(axis=-1, keepdims=True).clip(min=1)
        self.uniform = torch.as_tensor(mask / seen, dtype=torch.float32, device=device)[:, None]
        # Models with fewer rows leave padding that their row draws never reach.
        rows = max(len(x) for x in numeric)
        table_num = torch.zeros((len(numeric), rows, self.n_numeric))
        table_cat = torch.zeros((len(numeric), rows, *grid))
        for k, (x, c) in enumerate(zip(numeric, codes)):
            table_num[k, :len(x)] = torch.as_tensor(x)
            if self.groups:
                table_cat[k, :len(x)] = F.one_hot(torch.as_tensor(c, dtype=torch.long), grid[1]).float()
        self.table_num, self.table_cat = table_num.to(device), table_cat.to(device)
        self.model_index = torch.arange(len(numeric), device=device)[:, None]

    def loss(self, rows: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
             gumbel: torch.Tensor) -> torch.Tensor:
        """TabDDPM's loss summed over models: per model, the mean over rows of the numeric
        noise MSE (mean over columns) plus the categorical KL (mean over columns)."""
        s, batch = self.schedule, self.config.batch_size
        x0_num = self.table_num[self.model_index, rows]
        x0_cat = self.table_cat[self.model_index, rows]
        x_num = s.at("sqrt_bar", t) * x0_num + s.at("sqrt_one_minus_bar", t) * noise
        x_cat = x0_cat  # an empty grid when there are no categorical columns
        if self.groups:
            x_cat = q_sample_categories(x0_cat, s.at("bar", t, 2), self.uniform, gumbel)
        eps, probs = self.net(x_num, x_cat, t)
        loss = ((eps - noise) ** 2).sum() / max(self.n_numeric, 1)
        if self.groups:
            alpha, bar_prev = s.at("alpha", t, 2), s.at("bar_prev", t, 2)
            true = posterior(x0_cat, x_cat, alpha, bar_prev, self.uniform)
            model = posterior(probs, x_cat, alpha, bar_prev, self.uniform)
            loss = loss + categorical_kl(true, model).sum() / self.groups
        return loss / batch

    def train(self, steps: int) -> None:
        """``steps`` Adam steps with TabDDPM's linear learning-rate decay to zero."""
        done = 0
        while done < steps:
            chunk = min(STEPS_PER_DRAW, steps - done)
            draws = self.streams.training(chunk, self.config.batch_size)
            for i in range(chunk):
                lr = self.config.lr * (1 - (done + i) / steps)
                self.net.step(self.loss(draws["rows"][i], draws["t"][i], draws["noise"][i],
                                        draws["gumbel"][i]), lr)
            done += chunk

    @torch.no_grad()
    def reverse(self, active: Sequence[bool]) -> tuple[torch.Tensor, torch.Tensor]:
        """One block of rows per model by the reverse chain T-1 .. 0: (numeric, category codes)."""
        s, k, n = self.schedule, len(active), SAMPLE_BLOCK
        noise, gumbel = self.streams.sampling(n, active)
        x_num, x_cat = noise, gumbel  # x_cat: an empty grid when there are no categories
        if self.groups:
            x_cat = one_hot_sample(self.uniform.expand(k, n, -1, -1), gumbel)
        for step in reversed(range(s.timesteps)):
            t = torch.full((k, n), step, dtype=torch.long, device=x_num.device)
            eps, probs = self.net(x_num, x_cat, t)
            x0 = s.at("recip_sqrt_bar", t) * x_num - s.at("sqrt_recip_bar_m1", t) * eps
            x0 = x0.clamp_(-X0_BOUND, X0_BOUND)
            mean = s.at("mean_x0", t) * x0 + s.at("mean_xt", t) * x_num
            noise, gumbel = self.streams.sampling(n, active)
            x_num = mean + s.at("noise_sd", t) * noise
            if self.groups:
                x_cat = one_hot_sample(posterior(probs, x_cat, s.at("alpha", t, 2),
                                                 s.at("bar_prev", t, 2), self.uniform), gumbel)
        if not self.groups:
            return x_num, x_num.new_zeros((k, n, 0), dtype=torch.long)
        return x_num, torch.argmax(x_cat, dim=-1)

    def sample(self, n_new: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(numeric codes, category codes) of ``n_new[k]`` generated rows for each model k."""
        return sample_in_blocks(n_new, len(self.streams.generators), self.models, SAMPLE_BLOCK,
                                self.reverse, self.n_numeric, self.groups)


def train_and_sample(config: DdpmConfig, counts: Sequence[int], numeric: Sequence[np.ndarray],
                     codes: Sequence[np.ndarray], present: Sequence[np.ndarray],
                     n_new: Sequence[int], seeds: Sequence[int],
                     device: torch.device) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train model k on its rows (see DdpmBatch) and return its ``n_new[k]`` generated rows."""
    batch = DdpmBatch(config, counts, numeric, codes, present, seeds, device)
    batch.train(config.steps)
    return batch.sample(n_new)
