"""Seeds derived from a trial's coordinates, so every random choice is reproducible anywhere."""

from __future__ import annotations

import numbers
import zlib

import numpy as np


def _as_int(part: int | str) -> int:
    if isinstance(part, str):
        # crc32 is stable across processes and machines, unlike hash().
        return zlib.crc32(part.encode("utf-8"))
    if isinstance(part, numbers.Integral) and not isinstance(part, bool) and part >= 0:
        return int(part)
    # int() would truncate: 0.05 and 0.1 would give one seed.
    raise TypeError(f"a seed is derived from whole numbers (0 or more) and strings, got {part!r} "
                    f"({type(part).__name__}); give a float coordinate as text, e.g. "
                    "str(prevalence), so that every value gets its own seed.")


def derive_seed(*key: int | str) -> int:
    """A 32-bit seed determined by ``key`` alone, e.g. ``derive_seed(seed, "split")``."""
    entropy = [_as_int(part) for part in key]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def derive_rng(*key: int | str) -> np.random.Generator:
    """A numpy Generator seeded by `derive_seed` of ``key``."""
    return np.random.default_rng(derive_seed(*key))
