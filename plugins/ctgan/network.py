"""K conditional tabular GANs (CTGAN, Xu et al. 2019) trained as one, each as it would train alone.

Per model, as in the paper and its reference code: a generator of residual layers (linear, batch
norm, ReLU, its input carried alongside) fed Gaussian noise and the conditional vector; tanh for
the offsets within modes and a Gumbel-softmax (tau 0.2) for every mode and category block; a
PacGAN discriminator (``pac`` rows judged together; LeakyReLU 0.2, dropout 0.5) trained with the
WGAN-GP loss (lambda 10); a cross-entropy term that makes the generator honour the condition;
training-by-sampling (a categorical column drawn uniformly, one of its categories by
log-frequency, a real row having it); Adam with betas (0.5, 0.9) and weight decay 1e-6.

Batched exactly as ``augbench_plugins.gan.network`` batches the vanilla GAN: every weight has a
leading model axis, every per-model block of every tensor is a multiple of ``ALIGN`` floats
(inputs padded with zero features whose weights start and stay at zero, as do those of the mode
slots and categories a model does not have), losses are summed over models, Adam is PyTorch's
fused kernel (every element computed alike wherever it sits in the buffer), and each model
draws its random numbers from its own generator. Two differences from the reference code change
no model's arithmetic meaning: the generator's forward pass in the discriminator's step runs
without gradients (the reference code computes them and throws them away), and the
discriminator's weights get no gradients in the generator's step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from augbench_plugins.gan.network import (
    ALIGN,
    CategoryHead,
    pad_models,
    sample_in_blocks,
)
from augbench_plugins.neural.helpers import gumbel
from torch.nn import functional as F

# Steps whose random numbers are drawn at once per model (bounded: they are 2 MB a step a model).
STEPS_PER_DRAW = 10
GP_LAMBDA = 10.0
TAU = 0.2
BN_EPS = 1e-5
DROPOUT = 0.5
SLOPE = 0.2


def aligned(n: int) -> int:
    """``n`` rounded up to a multiple of ALIGN."""
    return n + (-n % ALIGN)


@dataclass(frozen=True)
class CtganConfig:
    """Hyperparameters; see CtganAugmenter for their meaning and defaults."""

    embedding_dim: int
    generator_dims: tuple[int, ...]
    discriminator_dims: tuple[int, ...]
    generator_lr: float
    discriminator_lr: float
    generator_decay: float
    discriminator_decay: float
    batch_size: int
    pac: int
    betas: tuple[float, float] = (0.5, 0.9)

    def check(self) -> None:
        """Raise ValueError for a setting that is invalid or would break batch exactness."""
        if self.pac <= 0 or self.batch_size <= 0 or self.batch_size % self.pac:
            raise ValueError(f"ctgan-mit: batch_size must be a positive multiple of pac, got "
                             f"batch_size={self.batch_size}, pac={self.pac}")
        for name in ("generator_dims", "discriminator_dims"):
            dims = getattr(self, name)
            if not dims or any(d <= 0 or d % ALIGN for d in dims):
                raise ValueError(f"ctgan-mit: {name} must be a non-empty tuple of positive "
                                 f"multiples of {ALIGN}, got {dims!r}; aligned blocks keep each "
                                 "model's numbers independent of the models trained with it.")
        if self.embedding_dim <= 0:
            raise ValueError(f"ctgan-mit: embedding_dim must be positive, got {self.embedding_dim}")


class Params:
    """Parameters of K networks, each a view into one flat buffer starting on an ALIGN boundary.

    A weight is (K, in, out) with its true rows ``rows`` (a boolean mask over ``in``: padded
    input features get zero rows) and its first ``out_true`` columns drawn as PyTorch's
    nn.Linear draws them, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the true fan-in; the rest is
    zero and stays zero (no input reaches it or no loss reads it, so its gradient is zero).
    """

    def __init__(self, generators: Sequence[torch.Generator]) -> None:
        self.generators = generators
        self.blocks: list[torch.Tensor] = []
        self.shapes: list[tuple[int, ...]] = []

    def _add(self, per_model: list[torch.Tensor]) -> int:
        block = torch.stack(per_model).reshape(-1)
        self.blocks.append(F.pad(block, (0, -len(block) % ALIGN)))
        self.shapes.append((len(per_model), *per_model[0].shape))
        return len(self.blocks) - 1

    def linear(self, rows: np.ndarray, out: int, used: np.ndarray) -> tuple[int, int]:
        """A weight and a bias; returns their indices. ``rows`` (K, in) and ``used`` (K, out)
        mark, per model, the inputs and outputs its network has (in the reference code's
        compact layout); the rest start at zero and stay there, so the model computes what
        the compact network computes, its gradient-penalty norm included."""
        weights, biases = [], []
        for g, inputs, outputs in zip(self.generators, rows, used):
            fan_in, n_out = int(inputs.sum()), int(outputs.sum())
            bound = 1 / math.sqrt(fan_in)
            w = torch.zeros((len(inputs), out))
            w[np.ix_(inputs, outputs)] = torch.rand((fan_in, n_out), generator=g) * (
                2 * bound) - bound
            b = torch.zeros((1, out))
            b[:, torch.as_tensor(outputs)] = torch.rand((1, n_out), generator=g) * (
                2 * bound) - bound
            weights.append(w)
            biases.append(b)
        return self._add(weights), self._add(biases)

    def constant(self, width: int, value: float) -> int:
        return self._add([torch.full((1, width), value) for _ in self.generators])

    def build(self, device: torch.device) -> None:
        self.flat = torch.cat(self.blocks).to(device)
        self.tensors: list[torch.Tensor] = []
        offset = 0
        for block, shape in zip(self.blocks, self.shapes):
            view = self.flat[offset:offset + math.prod(shape)].view(shape)
            self.tensors.append(view.requires_grad_())
            offset += len(block)

    def flat_grad(self, grads: Sequence[torch.Tensor]) -> torch.Tensor:
        """Gradients laid out like the flat buffer (padding gets zeros)."""
        parts = [g.reshape(-1) for g in grads]
        return torch.cat([F.pad(p, (0, -len(p) % ALIGN)) for p in parts])


class FusedAdam:
    """torch.optim.Adam (L2 weight decay, as the reference code) over one flat buffer, fused.

    The fused kernel computes every element with the same vector code wherever it sits in the
    buffer (tails included; checked at odd offsets), so K models step exactly as K solo ones;
    it reads and writes the buffer once a step where Adam op by op takes a dozen passes.
    """

    def __init__(self, params: torch.Tensor, lr: float, betas: tuple[float, float],
                 decay: float) -> None:
        self.params = params
        self.optimizer = torch.optim.Adam([params], lr=lr, betas=betas, weight_decay=decay,
                                          fused=params.device.type in ("cpu", "cuda"))

    @torch.no_grad()
    def step(self, grad: torch.Tensor) -> None:
        self.params.grad = grad
        self.optimizer.step()
        self.params.grad = None


def batch_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """BatchNorm1d in training mode over each model's rows: (K, B, F) by (K, 1, F)."""
    mean = x.mean(dim=1, keepdim=True)
    centred = x - mean
    var = (centred * centred).mean(dim=1, keepdim=True)
    return centred * torch.rsqrt(var + BN_EPS) * gamma + beta


class Generator:
    """Residual layers (linear, batch norm, ReLU, concatenated with their input), then a linear
    layer to the encoded row. ``inputs`` (K, input) marks each model's noise and condition
    entries, ``outputs`` (K, width) its row's."""

    def __init__(self, config: CtganConfig, inputs: np.ndarray, outputs: np.ndarray,
                 params: Params) -> None:
        k, self.width = outputs.shape
        self.input_width = aligned(inputs.shape[1])
        rows = np.pad(inputs, ((0, 0), (0, self.input_width - inputs.shape[1])))
        self.layers = []
        for dim in config.generator_dims:
            weight, bias = params.linear(rows, dim, np.ones((k, dim), dtype=bool))
            self.layers.append((weight, bias, params.constant(dim, 1.0), params.constant(dim, 0.0)))
            rows = np.concatenate([np.ones((k, dim), dtype=bool), rows], axis=1)
        used = np.pad(outputs, ((0, 0), (0, aligned(self.width) - self.width)))
        self.output = params.linear(rows, aligned(self.width), used)
        self.params = params

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """(K, B, width) raw outputs from (K, B, input_width) noise and conditions."""
        t = self.params.tensors
        for weight, bias, gamma, beta in self.layers:
            h = F.relu(batch_norm(torch.baddbmm(t[bias], x, t[weight]), t[gamma], t[beta]))
            x = torch.cat([h, x], dim=-1)
        weight, bias = self.output
        return torch.baddbmm(t[bias], x, t[weight])[..., :self.width]


class Discriminator:
    """PacGAN: ``pac`` rows (each row, then its condition, then zero padding) judged as one."""

    def __init__(self, config: CtganConfig, inputs: np.ndarray, params: Params) -> None:
        """``inputs`` (K, row) marks each model's row and condition entries."""
        k = len(inputs)
        self.pac = config.pac
        self.row_width = aligned(inputs.shape[1])
        rows = np.tile(np.pad(inputs, ((0, 0), (0, self.row_width - inputs.shape[1]))),
                       (1, config.pac))
        self.layers = []
        for dim in config.discriminator_dims:
            self.layers.append(params.linear(rows, dim, np.ones((k, dim), dtype=bool)))
            rows = np.ones((k, dim), dtype=bool)
        # One logit, padded to an aligned block so that every model's output is aligned too.
        self.output = params.linear(rows, ALIGN, np.arange(ALIGN)[None].repeat(k, 0) < 1)
        self.params = params

    def __call__(self, x: torch.Tensor, masks: Sequence[torch.Tensor]) -> torch.Tensor:
        """(K, B / pac) critic scores of (K, B / pac, pac * row_width) packed rows; ``masks``
        are the dropout masks (0 or 2) of each hidden layer."""
        t = self.params.tensors
        for (weight, bias), mask in zip(self.layers, masks):
            x = F.leaky_relu(torch.baddbmm(t[bias], x, t[weight]), SLOPE) * mask
        weight, bias = self.output
        return torch.baddbmm(t[bias], x, t[weight])[..., 0]

    def pack(self, rows: torch.Tensor) -> torch.Tensor:
        k, b, _ = rows.shape
        return rows.reshape(k, b // self.pac, self.pac * self.row_width)


class Conditions:
    """Each model's conditional-vector tables: which rows have which category, and how often.

    ``codes[k]`` are model k's rows' category codes (rows, categorical columns). Padded entries
    (categories beyond a column's count, rows beyond a model's count) are never drawn.
    """

    def __init__(self, codes: Sequence[np.ndarray], counts: Sequence[int],
                 device: torch.device) -> None:
        self.columns, self.size = len(counts), max(counts, default=0)
        self.width = int(sum(counts))
        self.offsets = torch.as_tensor(np.concatenate([[0], np.cumsum(counts)[:-1]])
                                       if counts else np.zeros(0), dtype=torch.long, device=device)
        k, longest = len(codes), max(len(c) for c in codes)
        freq = np.zeros((k, self.columns, self.size))
        order = np.zeros((k, self.columns, longest), dtype=np.int64)
        for m, c in enumerate(codes):
            for j in range(self.columns):
                freq[m, j] = np.bincount(c[:, j], minlength=self.size)
                order[m, j, :len(c)] = np.argsort(c[:, j], kind="stable")
        self.count = torch.as_tensor(freq, dtype=torch.long, device=device)
        starts = np.concatenate([np.zeros((k, self.columns, 1)), freq.cumsum(-1)[..., :-1]], -1)
        self.start = torch.as_tensor(starts, dtype=torch.long, device=device)
        self.order = torch.as_tensor(order, device=device)
        self.rows = torch.as_tensor([len(c) for c in codes], device=device)
        # Training draws categories by log-frequency (rare ones get seen); sampling by frequency.
        self.log_cum = self._cumulative(np.log1p(freq))
        self.cum = self._cumulative(freq)
        last = np.where(freq > 0, np.arange(self.size), -1).max(axis=-1) if self.size else None
        self.last = torch.as_tensor(last, device=device) if self.size else None
        self.model = torch.arange(k, device=device)[:, None]

    def _cumulative(self, weights: np.ndarray) -> torch.Tensor:
        total = weights.sum(-1, keepdims=True)
        cum = np.cumsum(weights / np.where(total > 0, total, 1), axis=-1)
        # An absent category adds nothing to the sum, so the first category whose cumulative
        # share exceeds a uniform draw is always a present one.
        return torch.as_tensor(cum, dtype=torch.float64, device=self.offsets.device)

    def categories(self, column: torch.Tensor, u: torch.Tensor, cum: torch.Tensor) -> torch.Tensor:
        """(K, B) category of each row's conditioned column, by inverse CDF of ``cum``."""
        table = cum[self.model, column]  # (K, B, size)
        drawn = (table <= u[..., None].double()).sum(-1)
        return torch.minimum(drawn, self.last[self.model, column])

    def one_hot(self, column: torch.Tensor, category: torch.Tensor) -> torch.Tensor:
        k, b = column.shape
        vec = torch.zeros((k, b, self.width), device=column.device)
        return vec.scatter_(-1, (self.offsets[column] + category)[..., None], 1.0)

    def real_rows(self, column: torch.Tensor, category: torch.Tensor,
                  u: torch.Tensor) -> torch.Tensor:
        """(K, B) a uniformly drawn row having each (column, category): training-by-sampling."""
        count = self.count[self.model, column, category]
        pick = torch.minimum((u.double() * count).long(), count - 1)
        return self.order[self.model, column, self.start[self.model, column, category] + pick]


class ModelStreams:
    """Each model's torch.Generator and the random numbers each step draws from it, in order."""

    def __init__(self, seeds: Sequence[int], config: CtganConfig, columns: int, soft: int,
                 device: torch.device) -> None:
        # Drawn on the CPU whatever the device, so a seed means the same numbers everywhere.
        self.generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
        self.config, self.columns, self.soft = config, columns, soft
        self.device = device

    def _conditions(self, g: torch.Generator, n: tuple[int, ...]) -> dict[str, torch.Tensor]:
        b = self.config.batch_size
        if not self.columns:
            return {}
        return {"column": torch.randint(self.columns, (*n, b), generator=g),
                "u_category": torch.rand((*n, b), generator=g)}

    def _masks(self, g: torch.Generator, n: tuple[int, ...], calls: int) -> dict[str, torch.Tensor]:
        groups = self.config.batch_size // self.config.pac
        return {f"mask{c}_{i}": (torch.rand((*n, groups, d), generator=g) >= DROPOUT) * (
            1 / (1 - DROPOUT)) for c in range(calls)
            for i, d in enumerate(self.config.discriminator_dims)}

    def _steps(self, g: torch.Generator, own: int) -> dict[str, torch.Tensor]:
        """``own`` steps' draws of one model, each kind for every step at once."""
        b, n = self.config.batch_size, (own,)
        d: dict[str, torch.Tensor] = {"d_noise": torch.randn((own, b, self.config.embedding_dim),
                                                             generator=g)}
        d.update({f"d_{k}": v for k, v in self._conditions(g, n).items()})
        if self.columns:
            d["perm"] = torch.argsort(torch.rand((own, b), generator=g), dim=-1)
        d["u_row"] = torch.rand((own, b), generator=g)
        d["d_gumbel"] = gumbel((own, b, self.soft), g)
        d.update({f"d_{k}": v for k, v in self._masks(g, n, 3).items()})
        d["alpha"] = torch.rand((own, b // self.config.pac), generator=g)
        d["g_noise"] = torch.randn((own, b, self.config.embedding_dim), generator=g)
        d.update({f"g_{k}": v for k, v in self._conditions(g, n).items()})
        d["g_gumbel"] = gumbel((own, b, self.soft), g)
        d.update({f"g_{k}": v for k, v in self._masks(g, n, 1).items()})
        return d

    def training(self, steps: int) -> dict[str, torch.Tensor]:
        """Every random number of ``steps`` steps of every model, stacked (steps, K, ...)."""
        per_model = [self._steps(g, steps) for g in self.generators]
        return {key: torch.stack([draws[key] for draws in per_model], dim=1).to(self.device)
                for key in per_model[0]}

    def sampling(self, active: Sequence[bool]) -> dict[str, torch.Tensor]:
        """Noise, conditions and Gumbel noise for one block of generated rows per model."""
        drawn = []
        for g, is_active in zip(self.generators, active):
            d = {"noise": torch.randn((1, self.config.batch_size, self.config.embedding_dim),
                                      generator=g) if is_active else None}
            if is_active:
                d.update(self._conditions(g, (1,)))
                d["gumbel"] = gumbel((1, self.config.batch_size, self.soft), g)
            drawn.append(d)
        template = next(d for d in drawn if d["noise"] is not None)
        return {key: torch.cat([d[key] if d["noise"] is not None else torch.zeros_like(value)
                                for d in drawn]).to(self.device)
                for key, value in template.items()}


class OutputHead:
    """The generator's raw row to what the discriminator sees, and to sampled codes.

    A row is laid out as the offsets within modes (n numeric columns, tanh), the mode slots
    slot-major (slot m of column j at ``n + m * n + j``, a view as one (max_modes, n) grid whose
    softmax over slots runs vectorised across columns), then the categorical blocks (gathered
    into a padded grid by CategoryHead). Slots and categories a model never
    saw get -inf logits, so it never generates them.
    """

    def __init__(self, n_numeric: int, max_modes: int, counts: Sequence[int],
                 kept: np.ndarray, present: np.ndarray, device: torch.device) -> None:
        self.n, self.modes = n_numeric, max_modes
        self.mode_end = n_numeric * (1 + max_modes)
        mask = np.where(kept, 0.0, -np.inf).astype(np.float32).swapaxes(1, 2)  # (K, modes, n)
        self.mode_mask = torch.as_tensor(mask, device=device)[:, None]
        self.categories = CategoryHead(0, counts, present, device)

    def _mode_logits(self, out: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        logits = out[..., self.n:self.mode_end]
        if noise is not None:
            logits = logits + noise[..., :self.mode_end - self.n]
        return logits.unflatten(-1, (self.modes, self.n))

    def activate(self, out: torch.Tensor, noise: torch.Tensor) -> list[torch.Tensor]:
        """tanh offsets, then Gumbel-softmax (tau 0.2) modes and categories, as blocks."""
        modes = torch.softmax(self._mode_logits(out, noise) / TAU + self.mode_mask, dim=-2)
        parts = [torch.tanh(out[..., :self.n]), modes.flatten(-2)]
        if self.categories.groups:
            parts.append(self.categories.soft(out[..., self.mode_end:],
                                              noise[..., self.mode_end - self.n:], TAU))
        return parts

    def condition_logits(self, out: torch.Tensor) -> torch.Tensor:
        """(K, B, categorical columns, size) logits of the categories, unseen ones -inf."""
        return self.categories.logits(out[..., self.mode_end:], None)

    def sample(self, out: torch.Tensor, noise: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """tanh offsets (K, B, n) and codes (K, B, n + categorical): modes and categories drawn
        by the Gumbel-max trick, which is what the reference code's argmax of a Gumbel-softmax
        amounts to."""
        modes = torch.argmax(self._mode_logits(out, noise) + self.mode_mask, dim=-2)
        codes = [modes]
        if self.categories.groups:
            codes.append(self.categories.sample(out[..., self.mode_end:],
                                                noise[..., self.mode_end - self.n:]))
        return torch.tanh(out[..., :self.n]), torch.cat(codes, dim=-1)


class CtganBatch:
    """K conditional tabular GANs: build, ``train``, then ``sample``.

    ``data[k]`` holds model k's encoded rows (``offsets``, ``modes`` and ``categories``, see
    ModeEncoder.transform), ``kept[k]`` its (numeric, max_modes) mask of modes kept,
    ``seeds[k]`` its generator's seed. A lone model trains beside a spare copy of itself (see
    ``augbench_plugins.gan.network``).
    """

    def __init__(self, config: CtganConfig, counts: Sequence[int], max_modes: int,
                 data: Sequence[dict[str, np.ndarray]], kept: Sequence[np.ndarray],
                 seeds: Sequence[int], device: torch.device) -> None:
        config.check()
        self.config, self.models = config, len(data)
        data, kept, seeds = (pad_models(list(v)) for v in (data, kept, seeds))
        n_numeric = kept[0].shape[0]
        groups = [max_modes] * n_numeric + list(counts)
        present = np.zeros((len(data), len(counts), max(counts, default=0)), dtype=bool)
        for k, d in enumerate(data):
            for g in range(len(counts)):
                present[k, g, np.unique(d["categories"][:, g])] = True
        self.n_numeric, self.soft = n_numeric, int(sum(groups))
        self.width = n_numeric + self.soft
        self.conditions = Conditions([d["categories"] for d in data], counts, device)
        self.streams = ModelStreams(seeds, config, len(counts), self.soft, device)
        params = Params(self.streams.generators)
        # What each model's compact network has: every offset, its kept modes (slot-major),
        # the categories its rows contain (in the row and in the condition).
        categories = np.concatenate([present[:, g, :c] for g, c in enumerate(counts)], axis=1) \
            if counts else np.zeros((len(data), 0), dtype=bool)
        slots = np.stack(kept).swapaxes(1, 2).reshape(len(data), -1)
        row = np.concatenate([np.ones((len(data), n_numeric), dtype=bool), slots, categories], 1)
        noise = np.ones((len(data), config.embedding_dim), dtype=bool)
        self.generator = Generator(config, np.concatenate([noise, categories], 1), row, params)
        self.discriminator = Discriminator(config, np.concatenate([row, categories], 1), params)
        self.g_count = 4 * len(config.generator_dims) + 2
        params.build(device)
        self.params = params
        self.head = OutputHead(n_numeric, max_modes, counts, np.stack(kept), present, device)
        self.table = self._encoded_table(data, counts, max_modes, device)
        self._split_optimisers()

    def _split_optimisers(self) -> None:
        """The generator's parameters come first in the flat buffer; each network its own Adam."""
        c = self.config
        split = sum(len(b) for b in self.params.blocks[:self.g_count])
        self.g_flat, self.d_flat = self.params.flat[:split], self.params.flat[split:]
        self.g_params = self.params.tensors[:self.g_count]
        self.d_params = self.params.tensors[self.g_count:]
        self.g_opt = FusedAdam(self.g_flat, c.generator_lr, c.betas, c.generator_decay)
        self.d_opt = FusedAdam(self.d_flat, c.discriminator_lr, c.betas, c.discriminator_decay)

    def _encoded_table(self, data: Sequence[dict[str, np.ndarray]], counts: Sequence[int],
                       max_modes: int, device: torch.device) -> torch.Tensor:
        """(K, rows, width) in the OutputHead's layout: offsets, mode slots (slot-major), then
        one one-hot block per categorical column."""
        n = self.n_numeric
        table = torch.zeros((len(data), max(len(d["offsets"]) for d in data), self.width))
        starts = n * (1 + max_modes) + np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
        for k, d in enumerate(data):
            rows = np.arange(len(d["offsets"]))[:, None]
            table[k, :len(rows), :n] = torch.as_tensor(d["offsets"])
            table[k, rows, n + d["modes"] * n + np.arange(n)] = 1.0
            table[k, rows, starts[:len(counts)] + d["categories"]] = 1.0
        return table.to(device)

    def _inputs(self, noise: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        parts = [noise] if cond is None else [noise, cond]
        x = torch.cat(parts, dim=-1)
        return F.pad(x, (0, self.generator.input_width - x.shape[-1]))

    def _rows(self, parts: list[torch.Tensor], cond: torch.Tensor | None) -> torch.Tensor:
        """Rows (as blocks) with their conditions, padded and packed for the discriminator."""
        x = torch.cat(parts if cond is None else [*parts, cond], dim=-1)
        x = F.pad(x, (0, self.discriminator.row_width - x.shape[-1]))
        return self.discriminator.pack(x)

    def _condition(self, draws: dict[str, torch.Tensor], prefix: str, t: int,
                   cum: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
        if not self.conditions.columns:
            return None
        column = draws[f"{prefix}column"][t]
        category = self.conditions.categories(column, draws[f"{prefix}u_category"][t], cum)
        return column, category, self.conditions.one_hot(column, category)

    def step(self, draws: dict[str, torch.Tensor], t: int) -> None:
        """One discriminator update (WGAN-GP), then one generator update."""
        c = self.config
        groups = c.batch_size // c.pac
        cond = self._condition(draws, "d_", t, self.conditions.log_cum)
        if cond is None:
            real_rows = (draws["u_row"][t].double() * self.conditions.rows[:, None]).long()
            real_cond = fake_cond = None
        else:
            column, category, fake_cond = cond
            perm = draws["perm"][t]
            column, category = column.gather(1, perm), category.gather(1, perm)
            real_rows = self.conditions.real_rows(column, category, draws["u_row"][t])
            real_cond = fake_cond.gather(1, perm[..., None].expand_as(fake_cond))
        real = self.table[self.conditions.model, real_rows]
        with torch.no_grad():
            fake = self.head.activate(self.generator(self._inputs(draws["d_noise"][t], fake_cond)),
                                      draws["d_gumbel"][t])
        masks = [[draws[f"d_mask{call}_{i}"][t] for i in range(len(c.discriminator_dims))]
                 for call in range(3)]
        fake_packed, real_packed = self._rows(fake, fake_cond), self._rows([real], real_cond)
        # Fake and real packs in one pass: one weight gradient instead of two summed.
        both = self.discriminator(torch.cat([fake_packed, real_packed], dim=1),
                                  [torch.cat(pair, dim=1) for pair in zip(masks[0], masks[1])])
        y_fake, y_real = both[:, :groups], both[:, groups:]
        alpha = draws["alpha"][t][..., None]
        mixed = (alpha * real_packed + (1 - alpha) * fake_packed).requires_grad_()
        score = self.discriminator(mixed, masks[2])
        (slope,) = torch.autograd.grad(score.sum(), mixed, create_graph=True)
        penalty = ((slope.norm(2, dim=-1) - 1) ** 2).sum() / groups * GP_LAMBDA
        # Per model a mean over its packs; over models a sum: each gets its solo gradient.
        d_loss = (y_fake.sum() - y_real.sum()) / groups + penalty
        self.d_opt.step(self.params.flat_grad(torch.autograd.grad(d_loss, self.d_params)))

        cond = self._condition(draws, "g_", t, self.conditions.log_cum)
        g_cond = None if cond is None else cond[2]
        out = self.generator(self._inputs(draws["g_noise"][t], g_cond))
        fake = self.head.activate(out, draws["g_gumbel"][t])
        g_masks = [draws[f"g_mask0_{i}"][t] for i in range(len(c.discriminator_dims))]
        g_loss = -self.discriminator(self._rows(fake, g_cond), g_masks).sum() / groups
        if cond is not None:
            column, category, _ = cond
            logits = self.head.condition_logits(out)
            chosen = logits.gather(2, column[..., None, None].expand(
                -1, -1, 1, logits.shape[-1]))[:, :, 0]
            cross_entropy = -torch.log_softmax(chosen, -1).gather(-1, category[..., None])
            g_loss = g_loss + cross_entropy.sum() / c.batch_size
        self.g_opt.step(self.params.flat_grad(torch.autograd.grad(g_loss, self.g_params)))

    def train(self, steps: int) -> None:
        """Train every model for ``steps`` steps (models of other step counts train in other
        batches: see CtganAugmenter), drawing random numbers ``STEPS_PER_DRAW`` steps at a
        time, so a model's draws are the same in any batch."""
        done = 0
        while done < steps:
            chunk = min(STEPS_PER_DRAW, steps - done)
            draws = self.streams.training(chunk)
            for t in range(chunk):
                self.step(draws, t)
            done += chunk

    @torch.no_grad()
    def _sample_block(self, active: list[bool]) -> tuple[torch.Tensor, torch.Tensor]:
        draws = self.streams.sampling(active)
        cond = None
        if self.conditions.columns:
            column = draws["column"]
            category = self.conditions.categories(column, draws["u_category"], self.conditions.cum)
            cond = self.conditions.one_hot(column, category)
        # Batch norm keeps using the batch's own statistics, as the reference code samples.
        out = self.generator(self._inputs(draws["noise"], cond))
        return self.head.sample(out, draws["gumbel"])

    def sample(self, n_new: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(offsets, codes: modes then categories) of ``n_new[k]`` rows for each model k."""
        return sample_in_blocks(n_new, len(self.streams.generators), self.models,
                                self.config.batch_size, self._sample_block, self.n_numeric,
                                self.n_numeric + len(self.conditions.offsets))
