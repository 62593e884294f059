from __future__ import annotations

from pathlib import Path

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
