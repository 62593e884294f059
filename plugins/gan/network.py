"""K small GANs trained as one: every weight has a leading model axis and layers run as ``baddbmm``.

Model ``k`` only ever reads its own slice of each tensor, its losses are summed (never averaged)
over models so its gradients are its solo gradients, and Adam is elementwise, so each model
follows exactly the trajectory it would follow alone. Three choices keep that exact in floating
point, not just in algebra:

* every per-model block of every tensor is a multiple of 16 floats (``ALIGN``), because BLAS and
  vectorised loops take different code paths for unaligned slices and for ragged tails;
* a batch of one gets a spare copy (``pad_models``), because BLAS runs a lone matrix through other
  kernels (gemv, a threaded gemm) than a batch of them;
* Adam uses only correctly rounded ops (no fused multiply-add), so every element updates alike
  wherever it sits in the tensor.

Random numbers are drawn per model from its own generator, in blocks whose size does not depend
on K. Checked on CPU (MKL, AVX2) with 1 and 2 threads; an elementwise kernel that splits a
tensor between more threads at a boundary inside a model could still differ in the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import torch
from augbench_plugins.neural.helpers import gumbel
from torch.nn import functional as F

ALIGN = 16
# Steps whose random numbers are drawn at once per model: cheap on Python overhead, light on memory.
STEPS_PER_DRAW = 50
SAMPLE_BLOCK = 512


@dataclass(frozen=True)
class GanConfig:
    """Hyperparameters of the GAN; see GanAugmenter for their meaning and defaults."""

    noise_dim: int
    generator_dims: tuple[int, ...]
    discriminator_dims: tuple[int, ...]
    generator_lr: float
    discriminator_lr: float
    betas: tuple[float, float]
    batch_size: int
    steps: int
    gumbel_tau: float | None
    leaky_slope: float = 0.2

    def check(self) -> None:
        """Raise ValueError for a setting that is invalid or would break batch exactness."""
        if self.batch_size <= 0 or self.batch_size % ALIGN:
            raise ValueError(f"gan: batch_size must be a positive multiple of {ALIGN}, got "
                             f"{self.batch_size}; aligned blocks keep each model's numbers "
                             "independent of the other models trained with it.")
        for name in ("generator_dims", "discriminator_dims"):
            dims = getattr(self, name)
            if not dims or any(d <= 0 or d % ALIGN for d in dims):
                raise ValueError(f"gan: {name} must be a non-empty tuple of positive multiples "
                                 f"of {ALIGN}, got {dims!r}")
        if self.noise_dim <= 0 or self.steps < 0:
            raise ValueError(f"gan: noise_dim must be positive and steps non-negative, got "
                             f"{self.noise_dim} and {self.steps}")
        if self.gumbel_tau is not None and self.gumbel_tau <= 0:
            raise ValueError(f"gan: gumbel_tau must be positive or None, got {self.gumbel_tau}")

    def matmul_flops(self, width: int) -> int:
        """Matmul FLOPs of one training step of one model, forward and backward."""
        b = self.batch_size
        g = _flops([self.noise_dim, *self.generator_dims, width])
        d = _flops([width, *self.discriminator_dims, 1])
        g_first = 2 * self.noise_dim * self.generator_dims[0]
        d_first = 2 * width * self.discriminator_dims[0]
        # One G forward serves both updates. D update: D forward on 2b rows, weight gradients,
        # input gradients past the first layer. G update: D forward on b rows and its input
        # gradients, then G's weight gradients and input gradients past its first layer.
        d_update = 2 * b * d + 2 * b * d + 2 * b * (d - d_first)
        g_update = b * d + b * d + b * g + b * (g - g_first)
        return b * g + d_update + g_update


def _flops(sizes: Sequence[int]) -> int:
    return sum(2 * i * o for i, o in pairwise(sizes))


class BatchedMLP:
    """One MLP per model: weights (K, in, out), biases (K, 1, out), LeakyReLU between layers.

    All parameters are views into one flat buffer, each starting on an ``ALIGN`` boundary, so
    that the optimiser updates a whole network with a handful of tensor ops.
    """

    def __init__(self, sizes: Sequence[int], generators: Sequence[torch.Generator],
                 device: torch.device, slope: float) -> None:
        self.slope = slope
        blocks, shapes = [], []
        for fan_in, fan_out in pairwise(sizes):
            # PyTorch's default nn.Linear init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from
            # each model's own generator.
            bound = 1 / math.sqrt(fan_in)
            for shape in ((fan_in, fan_out), (1, fan_out)):
                draws = [torch.rand(shape, generator=g) * (2 * bound) - bound for g in generators]
                block = torch.stack(draws).reshape(-1)
                blocks.append(F.pad(block, (0, -len(block) % ALIGN)))
                shapes.append((len(generators), *shape))
        self.flat = torch.cat(blocks).to(device)
        self.params = []
        offset = 0
        for block, shape in zip(blocks, shapes):
            view = self.flat[offset:offset + math.prod(shape)].view(shape)
            self.params.append(view.requires_grad_())
            offset += len(block)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        layers = len(self.params) // 2
        for i in range(layers):
            x = torch.baddbmm(self.params[2 * i + 1], x, self.params[2 * i])
            if i < layers - 1:
                x = F.leaky_relu(x, self.slope)
        return x

    def flat_grad(self, grads: Sequence[torch.Tensor]) -> torch.Tensor:
        """Gradients laid out like the flat parameter buffer (padding gets zeros)."""
        parts = []
        for g in grads:
            g = g.reshape(-1)
            parts.append(F.pad(g, (0, -len(g) % ALIGN)))
        return torch.cat(parts)


class BatchedAdam:
    """Adam over a flat buffer of K models' parameters; elementwise, so K models step as K solo.

    The moments are kept unnormalised (m / (1 - beta1), v / (1 - beta2)) to save two passes
    per step; the constants fold into the step size, so the update is Adam's.
    """

    def __init__(self, params: torch.Tensor, lr: float, betas: tuple[float, float],
                 eps: float = 1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = torch.zeros_like(params)
        self.v = torch.zeros_like(params)
        self.t = 0

    @torch.no_grad()
    def step(self, grad: torch.Tensor) -> None:
        """One update from separate, correctly rounded ops: a fused multiply-add would round
        differently in vector lanes and scalar tails, making an element depend on its position."""
        self.t += 1
        b1, b2 = self.betas
        self.m.mul_(b1).add_(grad)
        self.v.mul_(b2).add_(grad * grad)
        denom = (self.v * ((1 - b2) / (1 - b2 ** self.t))).sqrt_().add_(self.eps)
        step_size = self.lr * (1 - b1) / (1 - b1 ** self.t)
        self.params.sub_((self.m / denom).mul_(step_size))


class CategoryHead:
    """Turns the generator's flat categorical logits into per-column (gumbel-)softmax outputs.

    Column ``g``'s logits are gathered into a padded (G, C) grid so one softmax serves every
    column; each model's mask sets categories its training rows lack (and the padding) to -inf,
    so a model never generates a category it has not seen.
    """

    def __init__(self, n_numeric: int, counts: Sequence[int], present: np.ndarray,
                 device: torch.device) -> None:
        self.n_numeric, self.groups = n_numeric, len(counts)
        self.size = max(counts, default=0)
        grid = np.zeros((self.groups, self.size), dtype=np.int64)
        flat = []
        offset = 0
        for g, count in enumerate(counts):
            grid[g, :count] = offset + np.arange(count)
            flat.extend(g * self.size + np.arange(count))
            offset += count
        self.grid = torch.as_tensor(grid.ravel(), device=device)
        self.flat = torch.as_tensor(np.asarray(flat, dtype=np.int64), device=device)
        mask = np.where(present, 0.0, -np.inf).astype(np.float32)  # (K, G, C)
        self.mask = torch.as_tensor(mask, device=device)[:, None]

    def logits(self, out: torch.Tensor, gumbel: torch.Tensor | None) -> torch.Tensor:
        """(K, B, G, C) masked logits, plus Gumbel noise given per category, from (K, B, width)."""
        k, b = out.shape[:2]
        flat = out[..., self.n_numeric:]
        if gumbel is not None:
            flat = flat + gumbel
        return flat[..., self.grid].view(k, b, self.groups, self.size) + self.mask

    def soft(self, out: torch.Tensor, gumbel: torch.Tensor, tau: float | None) -> torch.Tensor:
        """(K, B, width): numeric outputs, then each column's probabilities in one-hot layout."""
        if self.groups == 0:
            return out
        if tau is None:
            logits = self.logits(out, None)
        else:
            logits = self.logits(out, gumbel) / tau
        probs = torch.softmax(logits, dim=-1).flatten(2)[..., self.flat]
        return torch.cat([out[..., :self.n_numeric], probs], dim=-1)

    def sample(self, out: torch.Tensor, gumbel: torch.Tensor) -> torch.Tensor:
        """(K, B, G) category codes drawn from the generator's softmax (the Gumbel-max trick)."""
        if self.groups == 0:
            return out.new_zeros(out.shape[:2] + (0,), dtype=torch.long)
        return torch.argmax(self.logits(out, gumbel), dim=-1)


class ModelStreams:
    """Each model's private torch.Generator, and the random numbers each step takes from it."""

    def __init__(self, seeds: Sequence[int], rows: Sequence[int], noise_dim: int,
                 categories: int, soft_categories: bool, device: torch.device) -> None:
        # Drawn on the CPU whatever the device, so a seed means the same numbers everywhere.
        self.generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
        self.rows, self.noise_dim, self.device = list(rows), noise_dim, device
        self.categories = categories
        # Gumbel-softmax training needs Gumbel noise every step; plain softmax does not.
        self.training_categories = categories if soft_categories else 0

    def gumbel(self, shape: tuple[int, ...], g: torch.Generator) -> torch.Tensor:
        return gumbel(shape, g)

    def training(self, steps: int, batch: int, active: Sequence[int]) -> dict[str, torch.Tensor]:
        """Minibatch rows, noise and Gumbel noise for ``steps`` steps, stacked as (steps, K, ...).

        Model k draws only its first ``active[k]`` steps; the rest are zeros, so a model that
        stops early leaves its generator where it would be had it trained alone.
        """
        draws: dict[str, list[torch.Tensor]] = {"rows": [], "noise": [], "gumbel": []}
        shapes = {"rows": (batch,), "noise": (batch, self.noise_dim),
                  "gumbel": (batch, self.training_categories)}
        for g, n, own in zip(self.generators, self.rows, active):
            # With replacement: tiny minorities (a few rows) still fill a minibatch.
            drawn = {"rows": torch.randint(n, (own, batch), generator=g),
                     "noise": torch.randn((own, batch, self.noise_dim), generator=g),
                     "gumbel": self.gumbel((own, *shapes["gumbel"]), g)}
            for key, value in drawn.items():
                rest = torch.zeros((steps - own, *shapes[key]), dtype=value.dtype)
                draws[key].append(torch.cat([value, rest]) if own < steps else value)
        return {k: torch.stack(v, dim=1).to(self.device) for k, v in draws.items()}

    def sampling(self, rows: int, active: Sequence[bool]) -> tuple[torch.Tensor, torch.Tensor]:
        """Noise and Gumbel noise for one block of generated rows; zeros for finished models."""
        noise, gumbel = [], []
        for g, is_active in zip(self.generators, active):
            if is_active:
                noise.append(torch.randn((rows, self.noise_dim), generator=g))
                gumbel.append(self.gumbel((rows, self.categories), g))
            else:
                noise.append(torch.zeros((rows, self.noise_dim)))
                gumbel.append(torch.zeros((rows, self.categories)))
        return torch.stack(noise).to(self.device), torch.stack(gumbel).to(self.device)


class BatchedGan:
    """Generator and discriminator MLPs for K models, trained with the non-saturating GAN loss."""

    def __init__(self, config: GanConfig, n_numeric: int, counts: Sequence[int],
                 present: np.ndarray, streams: ModelStreams, device: torch.device) -> None:
        self.config = config
        width = n_numeric + sum(counts)
        gens = streams.generators
        self.generator = BatchedMLP([config.noise_dim, *config.generator_dims, width], gens,
                                    device, config.leaky_slope)
        self.discriminator = BatchedMLP([width, *config.discriminator_dims, 1], gens, device,
                                        config.leaky_slope)
        self.head = CategoryHead(n_numeric, counts, present, device)
        self.g_opt = BatchedAdam(self.generator.flat, config.generator_lr, config.betas)
        self.d_opt = BatchedAdam(self.discriminator.flat, config.discriminator_lr, config.betas)
        b = config.batch_size
        # Real rows want a high logit, fake rows a low one: softplus(-x) and softplus(x).
        self.sign = torch.cat([-torch.ones(b), torch.ones(b)]).to(device)[None, :, None]

    def fake(self, noise: torch.Tensor, gumbel: torch.Tensor) -> torch.Tensor:
        """Generated rows in the encoded layout, as the discriminator sees them."""
        return self.head.soft(self.generator(noise), gumbel, self.config.gumbel_tau)

    def step(self, real: torch.Tensor, noise: torch.Tensor, gumbel: torch.Tensor) -> None:
        """One discriminator update, then one generator update on the same generated rows.

        As in PyTorch's DCGAN example, one generator forward serves both updates.
        """
        b = self.config.batch_size
        fake = self.fake(noise, gumbel)
        logits = self.discriminator(torch.cat([real, fake.detach()], dim=1))
        # Per model a mean over its rows; over models a sum, so each gets its solo gradient.
        d_loss = F.softplus(logits * self.sign).sum() / b
        d_grads = torch.autograd.grad(d_loss, self.discriminator.params)
        self.d_opt.step(self.discriminator.flat_grad(d_grads))
        g_loss = F.softplus(-self.discriminator(fake)).sum() / b
        g_grads = torch.autograd.grad(g_loss, self.generator.params)
        self.g_opt.step(self.generator.flat_grad(g_grads))

    @torch.no_grad()
    def sample(self, noise: torch.Tensor, gumbel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(K, B, n_numeric) numeric outputs and (K, B, G) category codes."""
        out = self.generator(noise)
        return out[..., :self.head.n_numeric], self.head.sample(out, gumbel)


def pad_models(items: list, spare: int = 2) -> list:
    """At least ``spare`` models: a lone model is batched with a copy of itself (see module doc)."""
    return items + items[:1] * (spare - len(items)) if len(items) < spare else items


class GanBatch:
    """K GANs with their training rows and random streams: build, ``train``, then ``sample``.

    ``data[k]`` is model k's encoded minority rows, ``present[k]`` its (G, C) mask of categories
    seen, ``seeds[k]`` the seed of its generator. ``spare=False`` skips the spare copy of a lone
    model (faster, but no longer bit-identical to the same model trained in a batch).
    """

    def __init__(self, config: GanConfig, n_numeric: int, counts: Sequence[int],
                 data: Sequence[np.ndarray], present: Sequence[np.ndarray],
                 seeds: Sequence[int], device: torch.device, spare: bool = True) -> None:
        config.check()
        self.config, self.models = config, len(data)
        if spare:
            data, present, seeds = (pad_models(list(v)) for v in (data, present, seeds))
        soft = config.gumbel_tau is not None and len(counts) > 0
        self.streams = ModelStreams(seeds, [len(d) for d in data], config.noise_dim,
                                    sum(counts), soft, device)
        self.gan = BatchedGan(config, n_numeric, counts, np.stack(present), self.streams, device)
        # Models with fewer rows leave padding that their row draws never reach.
        table = torch.zeros((len(data), max(len(d) for d in data), data[0].shape[1]))
        for k, d in enumerate(data):
            table[k, :len(d)] = torch.as_tensor(d)
        self.table = table.to(device)
        self.model_index = torch.arange(len(data), device=device)[None, :, None]

    def train(self, steps: int | Sequence[int]) -> None:
        """Train model k for ``steps[k]`` steps (or all for ``steps``), drawing random numbers
        ``STEPS_PER_DRAW`` steps at a time.

        A model whose steps are done keeps computing with the others, on zeros, but its
        generator is put back as it was at its last step before sampling.
        """
        n_models = len(self.streams.generators)
        own = [steps] * n_models if isinstance(steps, int) else pad_models(list(steps))
        total, done = max(own, default=0), 0
        def snapshot(k):
            return [p[k].detach().clone() for p in self.gan.generator.params]
        finished = {k: snapshot(k) for k, n in enumerate(own) if n == 0}
        while done < total:
            chunk = min(STEPS_PER_DRAW, total - done)
            active = [min(chunk, max(0, n - done)) for n in own]
            draws = self.streams.training(chunk, self.config.batch_size, active)
            real = self.table[self.model_index, draws["rows"]]  # (chunk, K, batch, width)
            for t in range(chunk):
                self.gan.step(real[t], draws["noise"][t], draws["gumbel"][t])
                for k, n in enumerate(own):
                    if n == done + t + 1 and n < total:
                        finished[k] = snapshot(k)
            done += chunk
        with torch.no_grad():
            for k, saved in finished.items():
                for p, value in zip(self.gan.generator.params, saved):
                    p[k] = value

    def sample(self, n_new: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(numeric codes, category codes) of ``n_new[k]`` generated rows for each model k."""
        head = self.gan.head
        return sample_in_blocks(
            n_new, len(self.streams.generators), self.models, SAMPLE_BLOCK,
            lambda active: self.gan.sample(*self.streams.sampling(SAMPLE_BLOCK, active)),
            head.n_numeric, head.groups)


def sample_in_blocks(n_new: Sequence[int], n_models: int, models: int, block: int,
                     draw: Callable[[list[bool]], tuple[torch.Tensor, torch.Tensor]],
                     n_numeric: int, groups: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(numeric codes, category codes) of ``n_new[k]`` rows for each of the first ``models`` of
    ``n_models`` batched models, drawn ``block`` rows at a time by ``draw(active)`` (a
    (numeric, categorical) pair of tensors with a leading model axis).

    Rows come in fixed-size blocks, so a model's rows ignore how many the others need: a seed's
    rows are the same in any batch, and alone.
    """
    n_new = list(n_new) + [0] * (n_models - len(n_new))
    numeric: list[list[np.ndarray]] = [[] for _ in n_new]
    codes: list[list[np.ndarray]] = [[] for _ in n_new]
    for start in range(0, max(n_new, default=0), block):
        active = [start < n for n in n_new]
        num, cat = draw(active)
        for k, is_active in enumerate(active):
            if is_active:
                numeric[k].append(num[k].cpu().numpy())
                codes[k].append(cat[k].cpu().numpy())
    return [(np.concatenate(numeric[k])[:n], np.concatenate(codes[k])[:n]) if n else
            (np.zeros((0, n_numeric)), np.zeros((0, groups), dtype=np.int64))
            for k, n in enumerate(n_new[:models])]


def train_and_sample(config: GanConfig, n_numeric: int, counts: Sequence[int],
                     data: Sequence[np.ndarray], present: Sequence[np.ndarray],
                     n_new: Sequence[int], seeds: Sequence[int], steps: Sequence[int],
                     device: torch.device) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train GAN k on ``data[k]`` for ``steps[k]`` steps (see GanBatch); return its ``n_new[k]`` rows."""
    batch = GanBatch(config, n_numeric, counts, data, present, seeds, device)
    batch.train(steps)
    return batch.sample(n_new)
