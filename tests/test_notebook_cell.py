"""`!augbench run ...` in a Jupyter cell: the kernel's pseudo-terminal is a terminal to rich, but
a cell shows every frame of a live display as a line of its own and is wider than the 80
columns the pseudo-terminal reports."""

from __future__ import annotations

from augbench.cli import _consoles


def _as_a_terminal(monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then takes stdout for a terminal
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("TTY_INTERACTIVE", raising=False)


def test_in_a_cell_the_bar_is_drawn_once_and_tables_get_their_width(monkeypatch) -> None:
    _as_a_terminal(monkeypatch)
    monkeypatch.setenv("JPY_PARENT_PID", "4242")
    out, err = _consoles()
    assert out.is_terminal and out.width >= 120
    assert not err.is_interactive


def test_in_a_terminal_the_bar_is_live_and_tables_take_its_width(monkeypatch) -> None:
    _as_a_terminal(monkeypatch)
    monkeypatch.delenv("JPY_PARENT_PID", raising=False)
    out, err = _consoles()
    assert out.width == 80
    assert err.is_interactive
