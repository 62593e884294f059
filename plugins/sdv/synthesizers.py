"""CTGAN, TVAE and Gaussian-copula augmenters built on SDV's single-table synthesizers.

Each augmenter fits one of SDV's synthesizers to the minority rows of the training set and adds
exactly the rows that the target minority:majority ratio needs. Fitting all rows with the label
as a column and keeping the rows generated as minority (``conditional=True``) gave worse
minority rows in ``benchmarks/sdv_conditioning.py`` (4 tables x 5 seeds x 3 synthesizers, 200
training rows: test ROC-AUC -0.028 +- 0.012, PR-AUC -0.014 +- 0.005, no gain in realism, and
TVAE generated no minority rows at all on the two rarest tables), so it is only an option.
What they share:

* imbalanced-learn's sampler interface (`augbench.TableOverSampler`): arrays or
  DataFrames, ``sampling_strategy`` with its meaning (a ratio above 1 is refused), one
  synthesizer per class to top up;
* metadata from the DataFrame's dtypes (`augbench_plugins.sdv.table`), never SDV's guess;
* ``random_state`` decides the rows: fit and sample run with numpy's, Python's and torch's global
  generators seeded inside and restored after, and SDV's sampler (which otherwise reseeds with
  one fixed constant, so that every seed would share its noise) is given a seed of its own;
* the fit runs on one core: no joblib process pool for ctgan's per-column preprocessing, one
  torch and BLAS thread (see ``benchmarks/ctgan_profile.py``);
* SDV's, rdt's and ctgan's warnings, log records and prints stay inside ``fit_resample``, while
  their errors propagate as exceptions.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import random
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from augbench_plugins.sdv.table import LABEL, TABLE, TableCodec

import augbench
from augbench import RowRequest, TableOverSampler

_CHATTY_LOGGERS = ("sdv", "rdt", "ctgan", "copulas", "SingleTableSynthesizer",
                   "MultiTableSynthesizer")
# Conditional fits draw rows until enough are labelled minority; rounds before giving up.
_MAX_DRAWS = 20


def _seeds(seeds: np.random.SeedSequence, n: int = 2) -> list[int]:
    """``n`` independent 32-bit seeds from a request's seed sequence."""
    return [int(s) for s in seeds.generate_state(n)]


@contextlib.contextmanager
def global_rng_restored() -> Iterator[None]:
    """Put numpy's and Python's global generators back as they were when the block began."""
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


@contextlib.contextmanager
def seeded(seed: int, cuda_device: int | None = None) -> Iterator[None]:
    """Seed numpy's, Python's and torch's global generators for the block; restore them after.

    ctgan, rdt and copulas draw from these global generators; seeding them here, rather than
    for the whole process, leaves every other user of them (the GAN plugin, a classifier) as it
    was. Only torch's CPU generator and the CUDA device in use are touched.
    """
    import torch

    with global_rng_restored(), torch.random.fork_rng(devices=[] if cuda_device is None
                                                      else [cuda_device]):
        torch.default_generator.manual_seed(seed)
        if cuda_device is not None:
            with torch.cuda.device(cuda_device):
                torch.cuda.manual_seed(seed)
        np.random.seed(seed)
        random.seed(seed)
        yield


def _check_sdv_version() -> None:
    import sdv

    major = int(str(sdv.__version__).split(".")[0])
    if major < 2:
        raise ImportError(f"augbench's SDV augmenters need sdv>=2.0, found {sdv.__version__}; "
                          "upgrade it with 'pip install -U sdv'.")


class SdvAugmenter(TableOverSampler):
    """Shared machinery; subclasses name the SDV synthesizer and its parameters.

    An imbalanced-learn over-sampler (`augbench.TableOverSampler`): one synthesizer is
    fitted per class to top up (in augbench, the minority, ``y == 1``).
    """

    _synthesizer: ClassVar[str] = ""
    # Constructor parameters handed to the synthesizer unchanged.
    _passed: ClassVar[tuple[str, ...]] = ()

    # Subclasses define __init__ with explicit keywords (scikit-learn's rules) and these:
    sampling_strategy: Any
    random_state: Any
    conditional: bool
    enforce_min_max_values: bool
    enforce_rounding: bool

    def _synthesizer_kwargs(self, codec: TableCodec) -> dict[str, Any]:
        kwargs = {name: getattr(self, name) for name in self._passed}
        kwargs.update(enforce_min_max_values=self.enforce_min_max_values,
                      enforce_rounding=self.enforce_rounding)
        return kwargs

    def _cuda_device(self) -> int | None:
        """The CUDA device index that the fit will use, or None for the CPU."""
        return None

    def _check_params(self) -> None:
        """Raise ValueError for parameters that the synthesizer would reject less clearly."""

    def _generate_many(self, requests: list[RowRequest]) -> list[pd.DataFrame]:
        """One synthesizer per request, fitted on the rows of its class (or on every row with
        the label as a column, ``conditional=True``)."""
        return [self._synthesize(r) for r in requests]

    def _synthesize(self, request: RowRequest) -> pd.DataFrame:
        """The request's rows, under the table's names and dtypes."""
        fit_seed, sample_seed = _seeds(request.random_state)
        codec = TableCodec.of(request.X)
        X_new = codec.decode(self._sample(codec, request, fit_seed, sample_seed))
        X_new.columns = request.X.columns
        return X_new

    def _sample(self, codec: TableCodec, request: RowRequest, fit_seed: int,
                sample_seed: int) -> pd.DataFrame:
        """``request.n_new`` synthetic rows of its class in the codec's encoding."""
        X, n = request.X, request.n_new
        mine = request.y == request.label
        if self.conditional:
            table = codec.encode(X).assign(**{LABEL: np.where(mine, "1", "0").astype(object)})
        else:
            table = codec.encode(X[mine])
        # Restored from outside the imports too: importing sdv moves Python's generator.
        with augbench.quiet(*_CHATTY_LOGGERS), global_rng_restored():
            import sdv.single_table

            _check_sdv_version()
            device = self._cuda_device()
            cls = getattr(sdv.single_table, self._synthesizer)
            synthesizer = cls(codec.metadata(label=self.conditional),
                              **self._synthesizer_kwargs(codec))
            # One core: ctgan's joblib pool for per-column transforms and torch's and BLAS's
            # thread teams cost more than they gain on small tables, and collapse when cores
            # are shared (benchmarks/ctgan_profile.py); one thread also keeps numbers
            # independent of the core count.
            with seeded(fit_seed, device), augbench.single_threaded(), self._on_device(device):
                synthesizer.fit({TABLE: table})
                # SDV's sample() reseeds the model with one fixed constant unless a seed was
                # set, so without this every random_state would share the same sampling noise
                # (and the copula, whose fit has no randomness, the very same rows). SDV has no
                # public setter; this is the method sample() itself calls.
                synthesizer._set_random_state(sample_seed)
                if not self.conditional:
                    return synthesizer.sample(n)[TABLE]
                return _sample_minority(synthesizer, n)

    def _on_device(self, device: int | None) -> Any:
        return contextlib.nullcontext()


def _sample_minority(synthesizer: Any, n: int) -> pd.DataFrame:
    """``n`` rows labelled minority, by rejection: SDV's CTGAN and TVAE sample conditions this
    way too (with a progress bar), and for the copula it gives the model's exact conditional."""
    kept: list[pd.DataFrame] = []
    have, drawn, accepted = 0, 0, 0
    for _ in range(_MAX_DRAWS):
        rate = max(accepted / drawn, 0.01) if drawn else 0.5
        batch = min(max(math.ceil(1.2 * (n - have) / rate), 100), 100 * n + 100)
        rows = synthesizer.sample(batch)[TABLE]
        minority = rows[rows[LABEL].astype(str) == "1"]
        drawn, accepted = drawn + batch, accepted + len(minority)
        kept.append(minority.head(n - have))
        have += len(kept[-1])
        if have == n:
            return pd.concat(kept, ignore_index=True).drop(columns=LABEL)
    raise RuntimeError(f"the conditional synthesizer produced {have} of {n} minority rows in "
                       f"{drawn} draws; fit on the minority rows instead (conditional=False)")


class _TorchAugmenter(SdvAugmenter):
    """CTGAN and TVAE: neural synthesizers that may run on a GPU."""

    cuda: Any

    def _device(self) -> tuple[bool, int | None]:
        """(enable_gpu, explicit CUDA index) from ``cuda``: False, True, 'cpu', 'cuda', 'cuda:N'."""
        value = self.cuda
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "cpu":
                return False, None
            if text == "cuda":
                return True, None
            if text.startswith("cuda:") and text[5:].isdigit():
                return True, int(text[5:])
        raise ValueError(f"cuda must be True, False, 'cpu', 'cuda' or 'cuda:N', got {value!r}")

    def _cuda_device(self) -> int | None:
        import torch

        enable, index = self._device()
        if not enable or not torch.cuda.is_available():
            return None
        return torch.cuda.current_device() if index is None else index

    def _on_device(self, device: int | None) -> Any:
        if device is None:
            return contextlib.nullcontext()
        import torch

        # ctgan trains on 'cuda', i.e. the current device; this makes that the one asked for.
        return torch.cuda.device(device)

    def _synthesizer_kwargs(self, codec: TableCodec) -> dict[str, Any]:
        kwargs = super()._synthesizer_kwargs(codec)
        kwargs.update(enable_gpu=self._cuda_device() is not None, verbose=False)
        return kwargs

    def _check_params(self) -> None:
        self._device()
        if not isinstance(self.epochs, numbers.Integral) or self.epochs < 1:
            raise ValueError(f"epochs must be a positive int, got {self.epochs!r}")


class CTGANAugmenter(_TorchAugmenter):
    """CTGAN (Xu et al., 2019) through SDV's ``CTGANSynthesizer``, fitted on the minority rows.

    Parameters (defaults are SDV's, except ``cuda``):

    - ``sampling_strategy="auto"``: imbalanced-learn's; a minority:majority ratio in (0, 1]
      after augmentation ("auto" is 1.0), "minority", ``{label: rows wanted}``...
    - ``random_state=None``: an int makes the added rows reproducible (on the CPU; cuDNN and
      cuBLAS kernels may differ in the last bits between GPU runs).
    - ``epochs=300``, ``batch_size=500`` (even, a multiple of ``pac``), ``pac=10``.
    - ``embedding_dim=128``, ``generator_dim=(256, 256)``, ``discriminator_dim=(256, 256)``.
    - ``generator_lr=2e-4``, ``generator_decay=1e-6``, ``discriminator_lr=2e-4``,
      ``discriminator_decay=1e-6``, ``discriminator_steps=1``, ``log_frequency=True``.
    - ``enforce_min_max_values=True``, ``enforce_rounding=True``: SDV's output formatting.
    - ``cuda=False``: True (or 'cuda', 'cuda:N') trains on a GPU when one is present, else on
      the CPU.
    - ``conditional=False``: fit on the minority rows; True fits all training rows with the
      label as a column and keeps the rows generated as minority (worse in
      ``benchmarks/sdv_conditioning.py``, see the module's docstring).
    """

    _synthesizer = "CTGANSynthesizer"
    _passed = ("epochs", "batch_size", "embedding_dim", "generator_dim", "discriminator_dim",
               "generator_lr", "generator_decay", "discriminator_lr", "discriminator_decay",
               "discriminator_steps", "log_frequency", "pac")

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 epochs: int = 300, batch_size: int = 500, embedding_dim: int = 128,
                 generator_dim: tuple[int, ...] = (256, 256),
                 discriminator_dim: tuple[int, ...] = (256, 256), generator_lr: float = 2e-4,
                 generator_decay: float = 1e-6, discriminator_lr: float = 2e-4,
                 discriminator_decay: float = 1e-6, discriminator_steps: int = 1,
                 log_frequency: bool = True, pac: int = 10, enforce_min_max_values: bool = True,
                 enforce_rounding: bool = True, cuda: Any = False,
                 conditional: bool = False) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.epochs = epochs
        self.batch_size = batch_size
        self.embedding_dim = embedding_dim
        self.generator_dim = generator_dim
        self.discriminator_dim = discriminator_dim
        self.generator_lr = generator_lr
        self.generator_decay = generator_decay
        self.discriminator_lr = discriminator_lr
        self.discriminator_decay = discriminator_decay
        self.discriminator_steps = discriminator_steps
        self.log_frequency = log_frequency
        self.pac = pac
        self.enforce_min_max_values = enforce_min_max_values
        self.enforce_rounding = enforce_rounding
        self.cuda = cuda
        self.conditional = conditional

    def _check_params(self) -> None:
        super()._check_params()
        ok = all(isinstance(v, numbers.Integral) and v > 0 for v in (self.batch_size, self.pac))
        if not ok or self.batch_size % 2 or self.batch_size % self.pac:
            raise ValueError(f"CTGAN needs an even batch_size that is a multiple of pac; got "
                             f"batch_size={self.batch_size!r}, pac={self.pac!r}")


class TVAEAugmenter(_TorchAugmenter):
    """TVAE (Xu et al., 2019) through SDV's ``TVAESynthesizer``, fitted on the minority rows.

    Parameters (defaults are SDV's, except ``cuda``): ``sampling_strategy="auto"``,
    ``random_state=None``, ``epochs=300``, ``batch_size=500``, ``embedding_dim=128``,
    ``compress_dims=(128, 128)``, ``decompress_dims=(128, 128)``, ``l2scale=1e-5``,
    ``loss_factor=2``, ``enforce_min_max_values=True``, ``enforce_rounding=True``,
    ``cuda=False`` and ``conditional=False``, as for `CTGANAugmenter`.
    """

    _synthesizer = "TVAESynthesizer"
    _passed = ("epochs", "batch_size", "embedding_dim", "compress_dims", "decompress_dims",
               "l2scale", "loss_factor")

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 epochs: int = 300, batch_size: int = 500, embedding_dim: int = 128,
                 compress_dims: tuple[int, ...] = (128, 128),
                 decompress_dims: tuple[int, ...] = (128, 128), l2scale: float = 1e-5,
                 loss_factor: float = 2, enforce_min_max_values: bool = True,
                 enforce_rounding: bool = True, cuda: Any = False,
                 conditional: bool = False) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.epochs = epochs
        self.batch_size = batch_size
        self.embedding_dim = embedding_dim
        self.compress_dims = compress_dims
        self.decompress_dims = decompress_dims
        self.l2scale = l2scale
        self.loss_factor = loss_factor
        self.enforce_min_max_values = enforce_min_max_values
        self.enforce_rounding = enforce_rounding
        self.cuda = cuda
        self.conditional = conditional


class CopulaAugmenter(SdvAugmenter):
    """A Gaussian copula through SDV's ``GaussianCopulaSynthesizer``, fitted on the minority rows.

    Parameters (defaults are SDV's): ``sampling_strategy="auto"``, ``random_state=None``,
    ``default_distribution="beta"`` (or 'norm', 'truncnorm', 'uniform', 'gamma',
    'gaussian_kde'), ``numerical_distributions=None`` (``{column name: distribution}``),
    ``enforce_min_max_values=True``, ``enforce_rounding=True``, ``conditional=False``.
    """

    _synthesizer = "GaussianCopulaSynthesizer"
    _passed = ("default_distribution",)

    def __init__(self, sampling_strategy: Any = "auto", random_state: Any = None,
                 default_distribution: str = "beta",
                 numerical_distributions: dict[str, str] | None = None,
                 enforce_min_max_values: bool = True, enforce_rounding: bool = True,
                 conditional: bool = False) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.default_distribution = default_distribution
        self.numerical_distributions = numerical_distributions
        self.enforce_min_max_values = enforce_min_max_values
        self.enforce_rounding = enforce_rounding
        self.conditional = conditional

    def _synthesizer_kwargs(self, codec: TableCodec) -> dict[str, Any]:
        kwargs = super()._synthesizer_kwargs(codec)
        if self.numerical_distributions:
            # SDV sees positional column names; the user names the input's columns.
            position = {c.name: i for i, c in enumerate(codec.columns) if c.numerical}
            unknown = set(self.numerical_distributions) - set(position)
            if unknown:
                raise ValueError(f"numerical_distributions names {sorted(map(str, unknown))}, "
                                 "which are not numerical columns; numerical: "
                                 f"{sorted(map(str, position))}")
            kwargs["numerical_distributions"] = {
                f"c{position[name]}": dist for name, dist in self.numerical_distributions.items()}
        return kwargs
