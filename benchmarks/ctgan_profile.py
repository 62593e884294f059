"""Where one CTGAN fit's time goes on the heart table's minority, before and after the cuts.

One fit: SDV's CTGANSynthesizer on the 3,139 minority rows of heart_attack_risk.csv (target
``Heart Attack Risk``; ``Patient ID`` and ``Blood Pressure`` dropped; 18 numerical and 5
categorical columns), ``--epochs`` epochs (default 10), then sampling the 2,485 rows that a 1:1
balance of the whole table needs. Variants, run alternately in this one process:

- ``before``: SDV used as documented, with the ``ctgan`` augmenter's metadata and data.
  ctgan transforms tables of 500+ rows in a joblib pool of every core, and torch and BLAS use
  their default thread teams. The first run also starts that pool (shown as ``before, cold``).
- ``sequential``: the same, with joblib kept in this process.
- ``after``: the ``ctgan`` augmenter itself (``fit_resample``), which also runs on one torch
  and one BLAS thread (``augbench_plugins.sdv.synthesizers.one_core``).

Stages come from timers wrapped around ctgan's and SDV's methods (for measuring only):
SDV preprocessing (validation, rounding and min/max formatters, its own transformers) =
SDV fit - CTGAN fit; GMM fit = ctgan's DataTransformer.fit (one Bayesian GMM per numerical
column); transform = DataTransformer.transform (a component drawn per row and column);
training = CTGAN fit - GMM fit - transform; sampling = SDV's sample (inverse transforms).
A fingerprint of the transformed training matrix shows that the preprocessing is unchanged.

    python benchmarks/ctgan_profile.py [--epochs 10] [--repeats 2]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "heart_attack_risk.csv"
STAGES = ("SDV preprocessing", "GMM fit", "transform", "training", "sampling", "total")


class StageTimer:
    """Wraps the methods that bound each stage; ``record()`` returns one run's seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.fingerprints: list[str] = []

    def _timed(self, key: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            out = fn(*args, **kwargs)
            self.seconds[key] += time.perf_counter() - start
            if key == "transform":
                self.fingerprints.append(hashlib.sha1(np.ascontiguousarray(out)).hexdigest()[:12])
            return out
        return wrapper

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from ctgan.data_transformer import DataTransformer
        from ctgan.synthesizers.ctgan import CTGAN
        from sdv.single_table import CTGANSynthesizer

        targets = [(DataTransformer, "fit", "dt_fit"), (DataTransformer, "transform", "transform"),
                   (CTGAN, "fit", "ctgan_fit"), (CTGANSynthesizer, "fit", "sdv_fit"),
                   (CTGANSynthesizer, "sample", "sampling")]
        saved = [(cls, name, cls.__dict__.get(name)) for cls, name, _ in targets]
        for cls, name, key in targets:
            setattr(cls, name, self._timed(key, getattr(cls, name)))
        try:
            yield
        finally:
            for cls, name, original in saved:
                if original is None:
                    delattr(cls, name)
                else:
                    setattr(cls, name, original)

    def record(self) -> dict[str, float]:
        s, self.seconds = self.seconds, defaultdict(float)
        return {"SDV preprocessing": s["sdv_fit"] - s["ctgan_fit"], "GMM fit": s["dt_fit"],
                "transform": s["transform"],
                "training": s["ctgan_fit"] - s["dt_fit"] - s["transform"],
                "sampling": s["sampling"]}


def load_heart() -> tuple[Any, np.ndarray]:
    import augbench

    if not DATA.is_file():
        sys.exit(f"{DATA} is absent; this benchmark needs the shared heart table.")
    ds = augbench.read_table(DATA, target="Heart Attack Risk", positive="1",
                             drop=["Patient ID", "Blood Pressure"])
    return ds.X, ds.y


def run_sdv(X: Any, y: np.ndarray, epochs: int, sequential: bool) -> None:
    """SDV used directly: the augmenter's metadata and encoded minority rows, SDV's defaults."""
    import joblib
    from augbench_plugins.sdv.synthesizers import n_new_rows, quiet
    from augbench_plugins.sdv.table import TABLE, TableCodec
    from sdv.single_table import CTGANSynthesizer

    codec = TableCodec.of(X)
    table = codec.encode(X[y == 1])
    backend = joblib.parallel_config(backend="sequential") if sequential \
        else contextlib.nullcontext()
    with quiet(), backend:
        synthesizer = CTGANSynthesizer(codec.metadata(), epochs=epochs, enable_gpu=False)
        synthesizer.fit({TABLE: table})
        synthesizer.sample(n_new_rows(y, "auto"))


def run_augmenter(X: Any, y: np.ndarray, epochs: int) -> None:
    """The ``ctgan`` augmenter as augbench calls it."""
    import augbench

    augbench.get_augmenter("ctgan", epochs=epochs, random_state=0).fit_resample(X, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    import torch

    X, y = load_heart()
    print(f"heart minority: {int(y.sum())} rows x {X.shape[1]} columns; epochs={args.epochs}; "
          f"{os.cpu_count()} cores, torch {torch.__version__} with "
          f"{torch.get_num_threads()} threads by default")
    variants: dict[str, Callable[[], None]] = {
        "before": lambda: run_sdv(X, y, args.epochs, sequential=False),
        "sequential": lambda: run_sdv(X, y, args.epochs, sequential=True),
        "after": lambda: run_augmenter(X, y, args.epochs),
    }
    timer = StageTimer()
    results: dict[str, list[dict[str, float]]] = defaultdict(list)
    with timer.installed():
        # Imports and torch's first optimizer (which loads torch._dynamo) are one-off costs of a
        # process; a tiny fit pays them before anything is timed.
        run_augmenter(X.iloc[:60], np.r_[np.ones(20, int), np.zeros(40, int)], 1)
        timer.record()
        order = ["before"] + [v for _ in range(args.repeats) for v in variants]
        for i, name in enumerate(order):
            start = time.perf_counter()
            variants[name]()
            row = timer.record()
            row["total"] = time.perf_counter() - start
            label = "before, cold" if i == 0 else name
            results[label].append(row)
            print(f"  {label:<13} {row['total']:6.1f} s", flush=True)

    columns = list(results)
    print(f"\nseconds per fit (median of {args.repeats} warm runs; 'before, cold' also starts "
          "joblib's process pool)")
    print(f"{'stage':<18}" + "".join(f"{c:>14}" for c in columns))
    for stage in STAGES:
        cells = [statistics.median(r[stage] for r in results[c]) for c in columns]
        print(f"{stage:<18}" + "".join(f"{v:14.2f}" for v in cells))
    print(f"{'total, min-max':<18}" + "".join(
        f"{min(r['total'] for r in results[c]):7.1f}-{max(r['total'] for r in results[c]):<6.1f}"
        for c in columns))
    before = statistics.median(r["total"] for r in results["before"])
    after = statistics.median(r["total"] for r in results["after"])
    print(f"\nafter / before (warm): {after / before:.2f}  ({before:.1f} s -> {after:.1f} s)")
    same = len(set(timer.fingerprints[1:])) == 1
    print(f"transformed training matrix identical in every run: {same} "
          f"({timer.fingerprints[1] if len(timer.fingerprints) > 1 else '-'})")


if __name__ == "__main__":
    main()
