"""The ``dpgan`` augmenter: a GAN of the minority rows whose discriminator learns with DP-SGD.

The discriminator is the only part of the model that reads the real rows, and it is trained with
Opacus (per-row gradients clipped to ``max_grad_norm``, Gaussian noise added, Poisson-sampled
minibatches, the noise scale chosen so that the whole training spends at most ``epsilon``). The
generator learns only from the discriminator's outputs, so by the post-processing property of
differential privacy the generator, and every row it generates, are as private as the
discriminator.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd
from augbench_plugins.checks import is_int
from augbench_plugins.neural.encoding import NUMERIC_SCALINGS, Layout, TableEncoder
from augbench_plugins.neural.helpers import check_device, torch_device, torch_seeds

import augbench

ACCOUNTANTS = ("rdp", "prv")
# Generated rows per forward pass when sampling: bounded memory whatever the count asked for.
SAMPLE_BLOCK = 1024
# Discriminator and generator use LeakyReLU between layers, as the ``gan`` augmenter does.
LEAKY_SLOPE = 0.2


class DpGanAugmenter(augbench.TableOverSampler):
    """A GAN (MLP generator and discriminator) for minority rows with a differentially private
    discriminator, trained with DP-SGD through Opacus.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): it learns the rows of
    each class it tops up (in augbench, the minority rows, ``y == 1``), one private model per
    class, and adds generated rows until the classes reach ``sampling_strategy``. Rows go
    through the ``gan`` augmenter's encoding: numeric columns on a min-max (or quantile-normal)
    scale, rounded back when all their values are whole numbers, and kept within their range;
    categorical columns as one-hot blocks generated through a Gumbel-softmax and drawn only among
    the categories the minority rows contain.

    Privacy. Each discriminator step sees a Poisson sample of the minority rows (each row with
    probability ``1 / ceil(n_minority / batch_size)``) plus a fixed number of generated rows;
    every row's gradient is clipped to ``max_grad_norm`` and Gaussian noise is added to their
    sum, with the noise multiplier Opacus chooses so that ``epochs`` passes spend at most
    ``(epsilon, delta)``. Generated rows depend on the real ones only through the private
    discriminator, so they add no sensitivity. The generator is trained from the
    discriminator's outputs alone, hence (post-processing) the generator and its rows are
    ``(epsilon_, delta_)``-differentially private with respect to the discriminator's training
    data. What the guarantee does not cover: the encoding is learnt from the minority rows
    without noise, so the output reveals each numeric column's minimum and maximum, whether
    its values are whole numbers, and which categories occur (with ``numeric_scaling=
    "quantile"`` it also reveals up to 1,000 quantiles per column, for small minorities the
    values themselves), and the number of minority rows sets how many rows are added.

    After ``fit_resample``: ``epsilon_`` is the ε Opacus' accountant reports spent at
    ``delta_`` (never above ``epsilon``; 0.0 when no row was needed and no training ran),
    ``delta_`` the δ used, and ``noise_multiplier_`` the noise standard deviation over
    ``max_grad_norm`` (NaN without training).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default "auto"
        imbalanced-learn's: a minority:majority ratio in (0, 1] ("auto" is 1.0), "minority",
        ``{label: rows wanted}``... As in imbalanced-learn, ``int(ratio * n_majority -
        n_minority)`` rows are added (none if that is not positive).
    random_state : int, numpy Generator or RandomState, or None, default None
        Seeds private torch.Generators: weights, Poisson sampling, the DP noise, latent noise and
        Gumbel noise all come from them, so a seed gives the same rows on the same device every
        time. None draws fresh entropy. No global random state is read or changed.
    epsilon : float, default 3.0
        Target privacy budget ε of the whole training.
    delta : float or None, default None
        Target δ, in (0, 1). None takes ``1 / (10 * n_minority)``: δ should stay well below
        1 / n, the chance of leaking one row outright.
    max_grad_norm : float, default 1.0
        Per-row gradient clipping bound (the sensitivity the noise is scaled to).
    epochs : int, default 100
        Expected passes over the minority rows; the training takes ``epochs * ceil(n_minority
        / batch_size)`` discriminator steps (Opacus' count), each followed by one generator
        step. Opacus sets the noise from it: more epochs, more noise per step.
        On one CPU core a fit takes ~1.3 s for the 139 minority rows of heart-disease-cleveland,
        ~4 s for 1,000 rows and ~12 s for 3,000 (the cost grows with the rows, as the steps do).
    batch_size : int, default 64
        Expected real rows per discriminator step (Poisson sampling varies it), and the
        number of generated rows the discriminator sees and the generator learns from per step.
    generator_lr, discriminator_lr : float, default 1e-3 and 2e-3
        Adam learning rates (betas (0.5, 0.999), as DCGAN's).
    generator_dims, discriminator_dims : tuple of int, default (64, 64) and (64, 64)
        Hidden widths of the two MLPs (LeakyReLU(0.2) between layers).
    noise_dim : int, default 32
        Size of the generator's Gaussian input.
    device : "auto", "cpu" or "cuda", default "auto"
        Where to train; "auto" takes CUDA when available, else the CPU.
    numeric_scaling : "minmax" or "quantile", default "minmax"
        The ``gan`` augmenter's numeric encodings; "minmax" (outputs squashed by tanh to the
        column's range) is the default because it learns the least from the rows outside the
        privacy accounting (see above).
    gumbel_tau : float, default 0.2
        Temperature of the Gumbel-softmax through which categorical outputs reach the
        discriminator during training.
    accountant : "rdp" or "prv", default "rdp"
        Opacus' privacy accountant: Rényi DP (the classic, fast bound) or the PRV accountant
        (tighter, hence less noise for the same ε, but seconds slower per fit).
    """

    def __init__(self, sampling_strategy: float | str = "auto", random_state: Any = None,
                 epsilon: float = 3.0, delta: float | None = None, max_grad_norm: float = 1.0,
                 epochs: int = 100, batch_size: int = 64, generator_lr: float = 1e-3,
                 discriminator_lr: float = 2e-3, generator_dims: tuple[int, ...] = (64, 64),
                 discriminator_dims: tuple[int, ...] = (64, 64), noise_dim: int = 32,
                 device: str = "auto", numeric_scaling: str = "minmax", gumbel_tau: float = 0.2,
                 accountant: str = "rdp") -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.epsilon = epsilon
        self.delta = delta
        self.max_grad_norm = max_grad_norm
        self.epochs = epochs
        self.batch_size = batch_size
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.generator_dims = generator_dims
        self.discriminator_dims = discriminator_dims
        self.noise_dim = noise_dim
        self.device = device
        self.numeric_scaling = numeric_scaling
        self.gumbel_tau = gumbel_tau
        self.accountant = accountant

    def _fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows ``sampling_strategy_`` asks for, one private model per class topped up."""
        # Nothing generated, nothing learnt: no privacy spent, unless a class is trained below.
        self.epsilon_, self.delta_, self.noise_multiplier_ = 0.0, 0.0, float("nan")
        self._spent: list[tuple[float, float, float]] = []
        X_res, y_res = super()._fit_resample(X, y)
        if self._spent:
            # Each class's model reads its own rows only: the classes compose in parallel, and
            # the release spends what the most expensive of them spent.
            self.epsilon_, self.delta_, self.noise_multiplier_ = max(self._spent)
        return X_res, y_res

    def _generate(self, X_class: pd.DataFrame, n_new: int,
                  random_state: np.random.SeedSequence) -> pd.DataFrame:
        """``n_new`` rows from a private GAN trained on ``X_class``."""
        layout = _layout(X_class)
        if X_class.isna().any().any():
            raise ValueError("dpgan: the rows to imitate have missing values; impute them first "
                             "(augbench's protocol does so before augmenting).")
        seeds = torch_seeds(random_state, 5)
        encoder = TableEncoder(layout, self.numeric_scaling).fit(X_class)
        data = encoder.transform(X_class, np.random.default_rng(seeds[4]))
        delta = float(self.delta) if self.delta is not None else 1.0 / (10 * len(X_class))
        with augbench.quiet("opacus"), augbench.single_threaded():
            numeric, codes, spent = self._train_and_sample(layout, encoder.present, data, n_new,
                                                           seeds[:4], delta)
        self._spent.append(spent)
        return encoder.inverse(numeric, codes)

    def _train_and_sample(self, layout: Layout, present: np.ndarray, data: np.ndarray,
                          n_new: int, seeds: list[int], delta: float
                          ) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float]]:
        """Train the GAN with a DP discriminator on ``data``; return ``n_new`` rows' numeric
        codes and category codes, and the privacy spent: (epsilon, delta, noise multiplier)."""
        import torch
        from augbench_plugins.gan.network import CategoryHead
        from opacus import PrivacyEngine
        from torch.nn import functional as F
        from torch.utils.data import DataLoader, TensorDataset

        device = torch_device(self.device)
        # One stream per purpose, so that changing one (say the epochs) leaves the others alone.
        # All on the CPU except the DP noise, which Opacus draws on the parameters' device.
        init, sampling, latent = (torch.Generator().manual_seed(s) for s in seeds[:3])
        dp_noise = torch.Generator(device=device).manual_seed(seeds[3])
        n_numeric, width = len(layout.numeric), data.shape[1]
        generator = _mlp([int(self.noise_dim), *self.generator_dims, width], init).to(device)
        discriminator = _mlp([width, *self.discriminator_dims, 1], init).to(device)
        head = CategoryHead(n_numeric, layout.category_counts, present[None], device)
        categories = sum(layout.category_counts)
        betas = (0.5, 0.999)
        g_opt = torch.optim.Adam(generator.parameters(), lr=float(self.generator_lr), betas=betas)
        d_opt = torch.optim.Adam(discriminator.parameters(), lr=float(self.discriminator_lr),
                                 betas=betas)
        loader = DataLoader(TensorDataset(torch.as_tensor(data)), batch_size=int(self.batch_size),
                            generator=sampling)
        # Opacus' own arithmetic: the accountant assumes int(epochs / sample_rate) steps, so
        # training takes exactly those (a step more would spend more than the target).
        sample_rate = 1 / len(loader)
        steps = int(int(self.epochs) / sample_rate)
        # A fixed count of generated rows per step, the expected real batch: a count that
        # followed the sampled real batch would let one real row move two gradients.
        n_fake = max(1, int(len(data) * sample_rate))
        engine = PrivacyEngine(accountant=self.accountant)
        # What ``make_private_with_epsilon`` does, with the noise search memoised (see
        # _noise_multiplier).
        d_private, d_opt, loader = engine.make_private(
            module=discriminator, optimizer=d_opt, data_loader=loader,
            noise_multiplier=_noise_multiplier(float(self.epsilon), delta, sample_rate,
                                               int(self.epochs), self.accountant),
            max_grad_norm=float(self.max_grad_norm), noise_generator=dp_noise)
        tau = float(self.gumbel_tau)

        def generate(rows: int) -> tuple[torch.Tensor, torch.Tensor]:
            """Raw generator outputs (1, rows, width) for fresh latent draws, and Gumbel noise."""
            z = torch.randn((rows, int(self.noise_dim)), generator=latent).to(device)
            gumbel = _gumbel((1, rows, categories), latent).to(device)
            return _squash(generator(z), n_numeric, self.numeric_scaling)[None], gumbel

        done = 0
        while done < steps:
            for (real,) in loader:
                if done == steps:
                    break
                out, gumbel = generate(n_fake)
                rows = head.soft(out, gumbel, tau)[0]  # as the discriminator sees real rows
                # Discriminator: one private step on the real rows and the generated ones.
                d_opt.zero_grad(set_to_none=True)
                logits = d_private(torch.cat([real.to(device), rows.detach()]))[:, 0]
                labels = torch.cat([torch.ones(len(real)), torch.zeros(n_fake)]).to(device)
                F.binary_cross_entropy_with_logits(logits, labels).backward()
                d_opt.step()
                # Generator: the non-saturating loss through the (already private) discriminator,
                # with Opacus' per-row hooks off since no discriminator weight learns here.
                d_private.disable_hooks()
                g_opt.zero_grad(set_to_none=True)
                F.softplus(-d_private(rows)[:, 0]).mean().backward()
                g_opt.step()
                d_private.enable_hooks()
                done += 1
        spent = (float(engine.get_epsilon(delta)), delta, float(d_opt.noise_multiplier))
        numeric, codes = [], []
        with torch.no_grad():
            for start in range(0, n_new, SAMPLE_BLOCK):
                out, gumbel = generate(min(SAMPLE_BLOCK, n_new - start))
                numeric.append(out[0, :, :n_numeric].cpu().numpy())
                codes.append(head.sample(out, gumbel)[0].cpu().numpy())
        return np.concatenate(numeric), np.concatenate(codes), spent

    def _check_params(self) -> None:
        """Raise ValueError for a parameter no fit could use (augbench calls it before a run)."""
        _positive("epsilon", self.epsilon)
        if self.delta is not None and not (_is_real(self.delta) and 0 < self.delta < 1):
            raise ValueError(f"dpgan: delta must be None or a number in (0, 1), got {self.delta!r}")
        _positive("max_grad_norm", self.max_grad_norm)
        _positive("generator_lr", self.generator_lr)
        _positive("discriminator_lr", self.discriminator_lr)
        _positive("gumbel_tau", self.gumbel_tau)
        for name in ("epochs", "batch_size", "noise_dim"):
            value = getattr(self, name)
            if not (is_int(value) and value >= 1):
                raise ValueError(f"dpgan: {name} must be an int >= 1, got {value!r}")
        for name in ("generator_dims", "discriminator_dims"):
            dims = getattr(self, name)
            if isinstance(dims, (str, bytes)) or not hasattr(dims, "__len__") or not dims or not all(
                    is_int(d) and d >= 1 for d in dims):
                raise ValueError(f"dpgan: {name} must be a non-empty tuple of ints >= 1, "
                                 f"got {dims!r}")
        check_device(self.device, "dpgan")
        if self.numeric_scaling not in NUMERIC_SCALINGS:
            raise ValueError(f"dpgan: numeric_scaling must be one of {NUMERIC_SCALINGS}, got "
                             f"{self.numeric_scaling!r}")
        if self.accountant not in ACCOUNTANTS:
            raise ValueError(f"dpgan: accountant must be one of {ACCOUNTANTS}, got "
                             f"{self.accountant!r}")


def _is_real(value: Any) -> bool:
    """A real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _positive(name: str, value: Any) -> None:
    """Raise ValueError unless ``value`` is a finite number above 0."""
    if not (_is_real(value) and math.isfinite(value) and value > 0):
        raise ValueError(f"dpgan: {name} must be a finite number > 0, got {value!r}")


def _layout(X: pd.DataFrame) -> Layout:
    """The ``gan`` encoding's layout of ``X``, its dtype error naming this augmenter."""
    return Layout.of(X, "dpgan")


@functools.lru_cache(maxsize=256)
def _noise_multiplier(epsilon: float, delta: float, sample_rate: float, epochs: int,
                      accountant: str) -> float:
    """Opacus' noise multiplier for (epsilon, delta) after ``epochs`` at ``sample_rate``.

    The very call ``PrivacyEngine.make_private_with_epsilon`` makes, kept per process: its
    search evaluates the accountant a dozen times (seconds for small minorities, where the
    sampling rate is high), and the seeds of one training size share the minority count and
    hence every argument.
    """
    from opacus.accountants.utils import get_noise_multiplier

    return get_noise_multiplier(target_epsilon=epsilon, target_delta=delta,
                                sample_rate=sample_rate, epochs=epochs, accountant=accountant)


def _mlp(sizes: list[int], generator: Any) -> Any:
    """Linear layers with LeakyReLU between, initialised from ``generator``, not torch's global RNG.

    Plain ``nn.Linear`` layers, because Opacus computes per-row gradients for standard layers.
    """
    import torch
    from torch import nn

    layers: list[Any] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.utils.skip_init(nn.Linear, fan_in, fan_out)  # no draw from the global RNG
        # PyTorch's default bounds for a Linear layer's weights and biases: U(-1/sqrt(fan_in), ..).
        bound = 1 / math.sqrt(fan_in)
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(LEAKY_SLOPE))
    return nn.Sequential(*layers)


def _squash(out: Any, n_numeric: int, scaling: str) -> Any:
    """Numeric outputs into [-1, 1] with tanh on the min-max scale; quantile codes are unbounded."""
    import torch

    if scaling != "minmax" or n_numeric == 0:
        return out
    return torch.cat([torch.tanh(out[:, :n_numeric]), out[:, n_numeric:]], dim=1)


def _gumbel(shape: tuple[int, ...], generator: Any) -> Any:
    """Standard Gumbel noise -log(-log(U)); the clamp keeps U = 0 from giving an infinity."""
    import torch

    u = torch.rand(shape, generator=generator).clamp_(min=1e-20)
    return -torch.log(-torch.log(u))
