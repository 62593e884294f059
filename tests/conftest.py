from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mirror import Mirror

from augbench.plugin.remote import DATA_HOME_VARIABLE, MIRROR_VARIABLE
from augbench.registry import Registry, make_plugin_manager

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def published_tables(tmp_path_factory) -> Mirror:
    """Named tables come from a mirror on 127.0.0.1 (the files of ../shared, where present)
    into a data home of the session's own: no test reaches the internet or a user's cache.
    Worker processes inherit both variables."""
    mirror = Mirror()
    before = {name: os.environ.get(name) for name in (MIRROR_VARIABLE, DATA_HOME_VARIABLE)}
    os.environ[MIRROR_VARIABLE] = mirror.url
    os.environ[DATA_HOME_VARIABLE] = str(tmp_path_factory.mktemp("data-home"))
    yield mirror
    mirror.close()
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def assert_light_plugin(module: str, heavy: set[str], augmenters: set[str],
                        metrics: set[str] | None = None) -> None:
    """In a fresh interpreter, importing plugin ``module`` and calling its hooks loads none of
    the ``heavy`` packages (so ``augbench plugins`` and start-up stay fast), and the hooks give
    these names."""
    hooks = f"assert set(p.augbench_augmenters()) == {augmenters!r}; "
    if metrics is not None:
        hooks += f"assert set(p.augbench_metrics()) == {metrics!r}; "
    loaded = (f"loaded = {heavy!r} & {{m.split('.')[0] for m in sys.modules}}; "
              "assert not loaded, loaded; ")
    code = f"import importlib, sys; p = importlib.import_module({module!r}); {loaded}{hooks}{loaded}"
    subprocess.run([sys.executable, "-c", code], check=True)


def fake_distribution(site: Path, distribution: str, version: str, entry: str,
                      target: str) -> None:
    """Lay out in ``site`` what pip installs for a distribution whose ``augbench`` entry point
    ``entry`` names the module ``target``: its dist-info folder (the module itself is the
    caller's)."""
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\n"
                                   f"Version: {version}\n")
    (info / "entry_points.txt").write_text(f"[augbench]\n{entry} = {target}\n")


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


def hard_table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A small table with a rare, noisy outcome ``y``: balancing it moves recall for certain."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n, 4, n_informative=2, n_redundant=0, weights=[0.85],
                               flip_y=0.05, class_sep=0.8, random_state=seed)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["y"] = y
    return frame


def added(X: pd.DataFrame, X_res: pd.DataFrame) -> pd.DataFrame:
    """The synthetic rows of an augmenter's output (those after the input's)."""
    return X_res.iloc[len(X):].reset_index(drop=True)
