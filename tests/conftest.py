from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from augbench.plugin.manager import Registry, make_plugin_manager

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def registry() -> Registry:
    """A fresh plugin manager and registry for each test."""
    return Registry(make_plugin_manager(disabled=()))


@pytest.fixture
def shared_data() -> Path:
    """The folder of real medical tables; tests that need it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


def mixed_table(path: Path, n: int = 300, seed: int = 42) -> Path:
    """Write a small CSV with numeric, integer and text columns, missing cells and a rare
    outcome (``outcome`` == "sick"); the same on every machine."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    frame = pd.DataFrame({
        "age": rng.integers(20, 90, n), "bmi": rng.normal(27 + 2 * y, 4).round(1),
        "sex": rng.choice(["F", "M"], n),
        "smoker": np.where(rng.random(n) < 0.3 + 0.3 * y, "yes", "no"),
        "glucose": rng.normal(100 + 15 * y, 20).round(0),
        "outcome": np.where(y == 1, "sick", "well")})
    frame.loc[rng.random(n) < 0.08, "bmi"] = np.nan
    frame.to_csv(path, index=False)
    return path


def added(X: pd.DataFrame, X_res: pd.DataFrame) -> pd.DataFrame:
    """The synthetic rows of an augmenter's output (those after the input's)."""
    return X_res.iloc[len(X):].reset_index(drop=True)
