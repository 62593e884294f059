"""A plugin that registers two small generated tables and suites of them, as a third party
would. Tests load it by module name, so worker processes can load it too."""

from __future__ import annotations

import numpy as np
import pandas as pd

import augbench


def _table(name: str, seed: int, rows: int = 120) -> augbench.Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.3).astype(int)
    frame = pd.DataFrame({"a": rng.normal(y, 1.0), "b": rng.normal(size=rows), "y": y})
    return augbench.prepare_table(frame, target="y", positive="1", name=name)


def tiny_a(shift: float = 0.0) -> augbench.Dataset:
    """A small generated table; ``shift`` moves its first feature."""
    table = _table("tiny-a", 1)
    table.X["a"] = table.X["a"] + shift
    return table


def tiny_b() -> augbench.Dataset:
    """Another small generated table."""
    return _table("tiny-b", 2)


@augbench.hookimpl
def augbench_datasets() -> dict:
    return {"tiny-a": tiny_a, "tiny-b": tiny_b}


@augbench.hookimpl
def augbench_suites() -> dict:
    return {"tiny": augbench.Suite(("tiny-a", "tiny-b"), version="2", description="two tables"),
            "broken": augbench.Suite(("tiny-a", "no-such-table"))}
