"""Every kind of figure fits its canvas and reads with two arms or many: titles and labels whole
and apart, legends off the data, one interval per arm, references drawn and named as
references, and no line through two sizes."""

from __future__ import annotations

import itertools
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.reporting.figures import FIGURE_KINDS

# A table name of hyphenated words and then one word longer than any title line.
LONG_NAME = "a-rather-long-hospital-table-name-from-the-regional-registry_" + "abcdefghij" * 6
MANY_ARMS = "none,ros,smote,real-rows,cart,copula,gan,ddpm"  # and the permuted-labels control
REFERENCES = ("real-rows", "permuted-labels")


def _table(seed: int = 0, n: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + rng.normal(scale=1.0, size=n) > 1.4).astype(int)
    return pd.DataFrame(X, columns=["age", "bmi", "glucose", "pressure"]).assign(y=y)


@cache
def _results(arms: str):
    """Small runs: two arms on one table; many arms, two classifiers and two tables (for the
    ranks); two arms over three sizes (a curve)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if arms == "two":
            return augbench.run(data={LONG_NAME: _table()}, target="y", augmenters="none,smote",
                                classifiers="lr", seeds=3, sizes=(100, 200))
        if arms == "curve":
            return augbench.run(data={LONG_NAME: _table()}, target="y", augmenters="none,smote",
                                classifiers="lr", seeds=3, sizes=(100, 150, 200))
        return augbench.run(data={LONG_NAME: _table(), "second": _table(seed=1)}, target="y",
                            augmenters=MANY_ARMS, permutation_control=True, classifiers="lr,rf",
                            seeds=3, sizes=(100, 200),
                            params={"gan": {"steps": 40}, "ddpm": {"steps": 40}})


@cache
def _drawn(arms: str, kind: str):
    """The figure of ``kind`` for the long-named table, drawn, and each text drawn in it with
    its box on the canvas (a text matplotlib leaves out, such as a tick beyond the axis, is
    not drawn and not listed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    figure = _results(arms).plot(kind=kind, dataset=None if kind == "ranks" else LONG_NAME)
    texts = []
    original = Text.draw

    def recording(text, renderer):
        original(text, renderer)
        if text.get_visible() and text.get_text().strip():
            texts.append((text, text.get_window_extent(renderer)))

    Text.draw = recording
    try:
        FigureCanvasAgg(figure).draw()
    finally:
        Text.draw = original
    return figure, texts


KINDS = [(arms, kind.name) for arms in ("two", "many") for kind in FIGURE_KINDS
         if not (arms == "two" and kind.name == "ranks")]  # ranks need two tables


@pytest.mark.parametrize("arms, kind", KINDS)
def test_the_title_and_every_text_lie_inside_the_figure(arms: str, kind: str) -> None:
    figure, texts = _drawn(arms, kind)
    canvas = figure.bbox
    if kind != "ranks":  # the ranks' figure is its axis' labels, without a title
        assert any(text is figure._suptitle for text, _box in texts)
    outside = [text.get_text() for text, box in texts
               if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > canvas.x1 + 0.5
               or box.y1 > canvas.y1 + 0.5]
    assert outside == []


@pytest.mark.parametrize("arms, kind", KINDS)
def test_no_two_texts_overlap(arms: str, kind: str) -> None:
    _figure, texts = _drawn(arms, kind)
    overlapping = [(a.get_text(), b.get_text()) for (a, box_a), (b, box_b)
                   in itertools.combinations(texts, 2) if box_a.overlaps(box_b)]
    assert overlapping == []


@pytest.mark.parametrize("arms, kind", KINDS)
def test_legends_sit_outside_the_panels(arms: str, kind: str) -> None:
    figure, _texts = _drawn(arms, kind)
    renderer = figure.canvas.get_renderer()
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert all(ax.get_legend() is None for ax in panels)
    assert figure.legends
    for legend in figure.legends:
        box = legend.get_window_extent(renderer)
        assert not any(box.overlaps(ax.get_window_extent(renderer)) for ax in panels)


@pytest.mark.parametrize("kind", ["levels", "differences", "synthetic"])
def test_with_many_arms_only_the_baseline_has_a_band(kind: str) -> None:
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_hex

    figure, _texts = _drawn("many", kind)
    for ax in figure.axes:
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len({to_hex(c.get_facecolor()[0]) for c in bands}) <= 1


def _is_grey(colour) -> bool:
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(colour)
    return red == green == blue


def _hollow(face) -> bool:
    from matplotlib.colors import to_rgba

    return face in ("none", "white") or to_rgba(face) in ((1, 1, 1, 1), (0, 0, 0, 0))


@pytest.mark.parametrize("kind", [kind.name for kind in FIGURE_KINDS])
def test_references_are_drawn_grey_hollow_and_named_as_references(kind: str) -> None:
    figure, _texts = _drawn("many", kind)
    entries = {text.get_text(): handle for legend in figure.legends
               for text, handle in zip(legend.texts, legend.legend_handles)}
    shown = [name for name in REFERENCES if any(label.startswith(name) for label in entries)]
    assert shown
    for name in shown:
        # Named as a reference, perhaps with a note ("(reference; arrows: ...)").
        (handle,) = [h for label, h in entries.items() if label.startswith(f"{name} (reference")]
        assert _is_grey(handle.get_color()) and _hollow(handle.get_markerfacecolor())
        assert name not in entries  # never also drawn as one more method
    greys = {handle.get_color() for name, handle in entries.items() if "(reference" in name}
    for ax in figure.axes:
        for points in ax.collections:
            edges = points.get_edgecolor()
            if len(edges) and any(np.allclose(edges[0], _rgba(grey)) for grey in greys):
                assert all(_hollow(tuple(face)) for face in points.get_facecolor())


def _rgba(colour):
    from matplotlib.colors import to_rgba

    return to_rgba(colour)


@pytest.mark.parametrize("arms, kind", KINDS)
def test_every_reference_line_is_named_in_the_legend(arms: str, kind: str) -> None:
    figure, _texts = _drawn(arms, kind)
    named = {text.get_text() for legend in figure.legends for text in legend.texts}
    for ax in figure.axes:
        # A line across the panel (axhline, axvline) is drawn in the axes' own coordinates.
        across = [line for line in ax.get_lines() if line.get_transform() != ax.transData]
        assert all(line.get_label() in named for line in across), \
            [line.get_label() for line in across]


def _joined(figure) -> list:
    """The lines of ``figure`` drawn through two or more data points at different x."""
    return [line for ax in figure.axes for line in ax.get_lines()
            if line.get_transform() == ax.transData and line.get_linestyle() not in ("None", "")
            and len(set(np.asarray(line.get_xdata(), dtype=float))) > 1]


@pytest.mark.parametrize("arms", ["two", "many"])
@pytest.mark.parametrize("kind", ["levels", "differences", "synthetic", "privacy"])
def test_two_sizes_are_not_joined_by_a_line(arms: str, kind: str) -> None:
    figure, _texts = _drawn(arms, kind)
    assert _joined(figure) == []


@pytest.mark.parametrize("kind", ["levels", "differences", "synthetic"])
def test_three_sizes_are_joined_into_a_curve(kind: str) -> None:
    figure, _texts = _drawn("curve", kind)
    assert _joined(figure)


def test_a_long_title_is_wrapped_and_a_word_wider_than_a_line_is_broken() -> None:
    from augbench.reporting.plots import _text_width, wrapped

    text = wrapped(f"{LONG_NAME}: a metric, mean and 95% CI over 20 seeds", 200, 11)
    lines = text.split("\n")
    assert len(lines) > 3 and all(_text_width(line, 11) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == \
        f"{LONG_NAME}:ametric,meanand95%CIover20seeds"
