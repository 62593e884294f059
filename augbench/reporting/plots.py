"""Figures of a run: each metric and each paired difference against training-set size (or
prevalence, in a run with several), the synthetic rows, and ranks across datasets.

Figures are built with matplotlib's object API (no pyplot, no global backend state) and saved as
PNG files. Methods are drawn in the Okabe-Ito colours, which readers with colour-vision
deficiencies can tell apart; what they are read against is drawn hollow and labelled so in the
legend: the baseline in black, the controls (shuffled labels, unseen real patients) in grey.
Legends sit under the panels, never on the data, and titles are wrapped to the figure's width.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from augbench.plugin.metric import Metric
from augbench.reporting.blocks import prevalence_words
from augbench.results.compare import ALPHA
from augbench.results.row import axes as axes_of

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
             "#999999"]
# The palette's grey is left to the references, so that a grey point is never a method.
METHOD_COLOURS = OKABE_ITO[:-1]
# Past seven methods the colours come round again, with another marker.
METHOD_MARKERS = ["o", "s", "^", "D"]
REFERENCE_GREYS = ["#555555", "#8c8c8c"]
REFERENCE_MARKERS = ["s", "D", "^", "v"]
REFERENCE_LINES = [":", "-."]
BASELINE_BAND = "#000000"
DPI = 150
LEGEND_FONT = 8
TITLE_FONT = 11
# From this many sizes (or prevalences) an arm's means are joined by a line: three points show
# a bend or a plateau, a curve; a line through two only draws the slope between two noisy means,
# a trend the data cannot show.
CURVE_FROM = 3
# What a control's legend entry adds where its points lie beyond the scale the others set.
OFF_SCALE = "arrows: its values beyond the scale"
# The share of a size's slot on the x axis that its arms spread over, side by side.
GROUP_WIDTH = 0.7


@dataclass(frozen=True)
class ArmStyle:
    """How one arm is drawn in every figure of a run: references (the baseline and the controls)
    hollow, in black or grey, and named as references in the legend."""

    colour: str
    marker: str
    line: str
    hollow: bool
    name: str
    role: str = ""  # "baseline" or "reference"; a method has none

    @property
    def face(self) -> str:
        return "white" if self.hollow else self.colour

    def label(self, note: str = "") -> str:
        """The arm's name in a legend, with its role and a ``note``, if any."""
        said = "; ".join(part for part in (self.role, note) if part)
        return f"{self.name} ({said})" if said else self.name

    def handle(self, joined: bool = False, note: str = ""):
        """The arm's legend entry: its marker, its line where sizes are joined, and a ``note``
        after its name."""
        from matplotlib.lines import Line2D

        return Line2D([], [], color=self.colour, marker=self.marker, ms=5,
                      linestyle=self.line if joined else "none", markerfacecolor=self.face,
                      markeredgecolor=self.colour, label=self.label(note))


def arm_styles(augmenters: Iterable[str], baseline: str,
               references: Iterable[str] = ()) -> dict[str, ArmStyle]:
    """The same style for an arm in every figure of a run, in the legend's order: the baseline,
    the methods, then the other references."""
    augmenters, references = set(augmenters), set(references)
    styles = {baseline: ArmStyle("black", "o", "--", True, baseline, "baseline")}
    methods = sorted(augmenters - references - {baseline})
    for i, name in enumerate(methods):
        styles[name] = ArmStyle(METHOD_COLOURS[i % len(METHOD_COLOURS)],
                                METHOD_MARKERS[i // len(METHOD_COLOURS) % len(METHOD_MARKERS)],
                                "-", False, name)
    for i, name in enumerate(sorted((augmenters & references) - {baseline})):
        styles[name] = ArmStyle(REFERENCE_GREYS[i % len(REFERENCE_GREYS)],
                                REFERENCE_MARKERS[i % len(REFERENCE_MARKERS)],
                                REFERENCE_LINES[i % len(REFERENCE_LINES)], True, name,
                                "reference")
    return styles


def _in_order(styles: dict[str, ArmStyle], shown: Iterable[str]) -> list[str]:
    """The arms ``shown`` in the legend's order (see `arm_styles`)."""
    shown = set(shown)
    return [name for name in styles if name in shown]


def _names_as_written(draw: Callable[..., Any]) -> Callable[..., Any]:
    """Draw with matplotlib's mathtext off: a table named ``a$b$`` is written as it is, not
    read (and, unbalanced, failed) as a formula."""
    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> Any:
        from matplotlib import rc_context

        with rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return drawn


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _text_width(text: str, fontsize: float) -> float:
    """The width of ``text`` in points, as matplotlib draws it."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    # At 72 dots per inch a pixel is a point.
    width, _height, _descent = RendererAgg(1, 1, 72).get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath=False)
    return width


def wrapped(text: str, points: float, fontsize: float) -> str:
    """``text`` broken into lines no wider than ``points``: after a space or a hyphen where it
    can, inside a word only where one word is wider than a line (a long table name)."""
    lines: list[str] = []
    for piece in re.split(r"(?<=[ \-])", text):
        if lines and _text_width((lines[-1] + piece).rstrip(), fontsize) <= points:
            lines[-1] += piece
            continue
        while len(piece) > 1 and _text_width(piece.rstrip(), fontsize) > points:
            cut = max([k for k in range(1, len(piece))
                       if _text_width(piece[:k], fontsize) <= points] or [1])
            lines.append(piece[:cut])
            piece = piece[cut:]
        lines.append(piece)
    return "\n".join(line.rstrip() for line in lines)


def _suptitle(fig, text: str) -> None:
    """The figure's title, wrapped to its width: constrained layout makes room for a title's
    height but never narrows it, so a title wider than the figure loses both ends."""
    fig.suptitle(wrapped(text, 0.95 * 72 * fig.get_figwidth(), TITLE_FONT), fontsize=TITLE_FONT)


def _legend(fig, handles: list, title: str) -> None:
    """The figure's legend, under its panels, in as many columns as its width holds: on a panel
    it would cover data or a reference line, and beside them it would narrow the panels and
    meet the title. The figure grows by the legend's height, so the panels keep theirs."""
    if not handles:
        return
    width = 0.95 * 72 * fig.get_figwidth()
    labels = [h.get_label() for h in handles]
    # An entry is its label and, before it, a handle of two font sizes and the padding.
    entry = max(_text_width(label, LEGEND_FONT) for label in labels) + 4.5 * LEGEND_FONT
    columns = max(1, min(len(labels), int(width // entry)))
    title = wrapped(title, width, LEGEND_FONT)
    lines = -(-len(labels) // columns) + title.count("\n") + 1
    fig.set_figheight(fig.get_figheight() + (lines * 1.5 * LEGEND_FONT + 12) / 72)
    fig.legend(handles, labels, loc="outside lower center", ncols=columns, title=title,
               fontsize=LEGEND_FONT, title_fontsize=LEGEND_FONT)


def _reference_line(ax, where: str, value: float, label: str, **style: Any):
    """A horizontal (``where="h"``) or vertical reference line, labelled for the legend."""
    draw = ax.axhline if where == "h" else ax.axvline
    return draw(value, label=label, zorder=1, **style)


def x_axis(data: pd.DataFrame) -> tuple[str, str | None]:
    """The x axis of a run's figures and what splits their panels into rows: size (and no rows),
    or, in a run with several prevalences, prevalence (a row of panels per size)."""
    if "prevalence" in data and data["prevalence"].nunique() > 1:
        return "prevalence", "size"
    return "size", None


@dataclass(frozen=True)
class Slots:
    """The x axis of a figure by size (or prevalence): a slot per value that ran, the arms side by
    side within it, so that each arm's interval is a bar of its own at any number of arms (bands
    of seven arms over one another blend into one colour). Values are slots, evenly spaced and
    labelled, rather than positions on a scale: sizes and prevalences usually run in doubling
    steps, which a linear scale would crowd into one corner."""

    name: str
    values: tuple[float, ...]
    arms: int

    @classmethod
    def of(cls, data: pd.DataFrame, name: str, arms: int) -> "Slots":
        return cls(name, tuple(sorted(data[name].dropna().unique())), max(1, arms))

    @property
    def curve(self) -> bool:
        """Whether an arm's means are joined by a line (see `CURVE_FROM`)."""
        return len(self.values) >= CURVE_FROM

    def positions(self, xs: pd.Series, arm: int) -> np.ndarray:
        """Where the ``arm``-th arm's points at values ``xs`` are drawn."""
        step = GROUP_WIDTH / self.arms
        offset = step * (arm - (self.arms - 1) / 2)
        return np.array([self.values.index(x) + offset for x in xs], dtype=float)

    def draw(self, ax) -> None:
        """Ticks at the slots, labelled with their values, and the axis' label."""
        if self.name == "size":
            labels = [f"{int(v)}" for v in self.values]
            ax.set_xlabel("training rows before augmentation")
        else:
            labels = [f"{100 * v:.3g}%" for v in self.values]
            ax.set_xlabel("prevalence (positive share of the table)")
        ax.set_xticks(range(len(self.values)), labels)
        ax.set_xlim(-0.5, len(self.values) - 0.5)
        ax.grid(alpha=0.3, axis="y")


def _series(ax, xs: np.ndarray, mean: pd.Series, low: pd.Series, high: pd.Series,
            style: ArmStyle, joined: bool, faces: list[str] | None = None) -> None:
    """One arm's means at ``xs``, each with its 95% interval as a bar; joined by a line only
    where the x axis is a curve (see `Slots.curve`). ``faces`` fill points one by one."""
    mean, low, high = (np.asarray(v, dtype=float) for v in (mean, low, high))
    # Clipped at zero: a mean can sit a rounding error outside its own interval.
    below, above = np.clip(mean - low, 0, None), np.clip(high - mean, 0, None)
    ax.errorbar(xs, mean, yerr=[below, above], fmt="none", ecolor=style.colour,
                elinewidth=1.1, capsize=2, zorder=2)
    if joined:
        ax.plot(xs, mean, style.line, color=style.colour, linewidth=1.1, zorder=2)
    ax.scatter(xs, mean, marker=style.marker, s=24, zorder=3, linewidths=1.1,
               edgecolors=style.colour, facecolors=faces or style.face)


def _baseline_band(ax, slots: Slots, low: pd.Series, high: pd.Series, xs: pd.Series,
                   label: str) -> None:
    """The baseline's 95% interval as a light band across each slot, behind every arm: the one
    interval every other arm is read against."""
    for x, bottom, top in zip(xs, low, high):
        centre = slots.values.index(x)
        ax.fill_between([centre - 0.45, centre + 0.45], bottom, top, color=BASELINE_BAND,
                        alpha=0.08, linewidth=0, zorder=0, label=label)
        label = "_" + label  # one legend entry for all slots


def _band_handle(label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=BASELINE_BAND, alpha=0.08, label=label)


def _panels(data: pd.DataFrame, width: float = 4.2, height: float = 3.6):
    """A grid of panels sharing the y axis: a column per classifier, a row per value of the
    row variable (see `x_axis`). Yields (figure, axes grid, x, [(ax, rows of that panel,
    title)])."""
    x, row_by = x_axis(data)
    classifiers = sorted(data["classifier"].unique())
    row_values = sorted(data[row_by].unique()) if row_by else [None]
    fig = _figure(max(6.0, width * len(classifiers)), height * len(row_values) + 0.4)
    grid = fig.subplots(len(row_values), len(classifiers), sharey=True, squeeze=False)
    panels = []
    for i, value in enumerate(row_values):
        for j, classifier in enumerate(classifiers):
            rows = data[data["classifier"] == classifier]
            title = f"classifier: {classifier}"
            if row_by:
                rows = rows[rows[row_by] == value]
                title += f" · {int(value)} training rows"
            panels.append((grid[i][j], rows, title))
    return fig, grid, x, panels


@dataclass(frozen=True)
class Drawn:
    """A control's point, kept to mark it at the axis' edge if it lies beyond the scale."""

    ax: Any
    x: float
    y: float
    name: str
    colour: str


def _scale_without(grid, data: pd.DataFrame, controls: frozenset[str], mean: str, low: str,
                   high: str, drawn: list[Drawn], zero: bool = False) -> set[str]:
    """Fit the shared y axis to every augmenter but the ``controls``, whose values (chance, for
    a classifier fitted on shuffled labels) can lie far from the others' and would flatten
    their differences onto one line; a control beyond the axis is marked at its edge with its
    value. ``zero`` keeps 0 in view (a difference figure's reference). Returns the controls so
    marked."""
    kept = data[~data["augmenter"].isin(controls)]
    if not controls or kept.empty or kept.equals(data):
        return set()
    values = pd.concat([kept[mean], kept[low], kept[high]]).dropna()
    if values.empty:
        return set()
    bottom, top = float(values.min()), float(values.max())
    if zero:
        bottom, top = min(bottom, 0.0), max(top, 0.0)
    pad = 0.08 * (top - bottom or abs(top) or 1.0)
    bottom, top = bottom - pad, top + pad
    grid[0][0].set_ylim(bottom, top)  # shared by every panel
    beyond = [d for d in drawn if np.isfinite(d.y) and not bottom <= d.y <= top]
    _mark_off_scale(beyond, bottom, top, zero)
    return {d.name for d in beyond}


def _mark_off_scale(points: list[Drawn], bottom: float, top: float, zero: bool) -> None:
    """An arrow at the axis' edge with the value of each point beyond it, in its arm's colour
    (the legend names the arm: a name at every mark would run into the next slot's); marks at
    one edge of one slot are stacked, and each is written inward from the panel's side so that
    none leaves its panel."""
    stacked: dict[tuple, int] = {}
    for point in points:
        above = point.y > top
        key = (id(point.ax), round(point.x), above)
        level = stacked.get(key, 0)
        stacked[key] = level + 1
        left, right = point.ax.get_xlim()
        share = (point.x - left) / (right - left)
        ha = "left" if share < 0.3 else "right" if share > 0.7 else "center"
        point.ax.annotate(f"{point.y:+.2f}" if zero else f"{point.y:.2f}",
                          (point.x, top if above else bottom),
                          xytext=(0, (-10 - 10 * level) if above else (10 + 10 * level)),
                          textcoords="offset points", ha=ha, va="top" if above else "bottom",
                          fontsize=7, color=point.colour,
                          # Legible over the bars it may cross.
                          bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                                "alpha": 0.8},
                          # From the text's corner nearest the point, not across the panel.
                          arrowprops={"arrowstyle": "->", "color": point.colour,
                                      "relpos": ({"left": 0, "right": 1}.get(ha, 0.5),
                                                 1 if above else 0)})


def _where_title(data: pd.DataFrame, dataset: str) -> str:
    """The dataset, and the one prevalence all the figure's rows share, if any."""
    shares = data["prevalence"].dropna().unique() if "prevalence" in data else []
    return f"{dataset} at {prevalence_words(shares[0])}" if len(shares) == 1 else dataset


def _styles_for(styles: dict[str, ArmStyle] | None, augmenters: Iterable[str],
                baseline: str) -> dict[str, ArmStyle]:
    """The run's styles, or, for a figure drawn on its own, styles for its arms (no
    references known)."""
    return styles or arm_styles(augmenters, baseline)


@_names_as_written
def metric_figure(summary: pd.DataFrame, dataset: str, metric: str, spec: Metric, baseline: str,
                  styles: dict[str, ArmStyle] | None = None,
                  controls: frozenset[str] = frozenset()):
    """``metric`` against size (or prevalence) for one dataset: a panel per classifier, a point
    and bar per augmenter at each size, the baseline's interval a band behind them. ``styles``
    are the run's (one per arm in every figure); ``controls`` (arms that relabel rows) are drawn
    without setting the scale."""
    data = summary[summary["dataset"] == dataset]
    styles = _styles_for(styles, data["augmenter"].unique(), baseline)
    augmenters = _in_order(styles, data["augmenter"].unique())
    fig, grid, x, panels = _panels(data)
    slots = Slots.of(data, x, len(augmenters))
    band = f"{baseline}: 95% interval"
    drawn: list[Drawn] = []
    for ax, panel, title in panels:
        for i, augmenter in enumerate(augmenters):
            rows = panel[panel["augmenter"] == augmenter].sort_values(x)
            if rows.empty:
                continue
            xs = slots.positions(rows[x], i)
            columns = rows[f"{metric}_mean"], rows[f"{metric}_ci_low"], rows[f"{metric}_ci_high"]
            if augmenter == baseline:
                _baseline_band(ax, slots, columns[1], columns[2], rows[x], band)
            _series(ax, xs, *columns, styles[augmenter], slots.curve)
            if augmenter in controls:
                drawn += [Drawn(ax, p, y, augmenter, styles[augmenter].colour)
                          for p, y in zip(xs, columns[0])]
        ax.set_title(title, fontsize=10)
        slots.draw(ax)
    marked = _scale_without(grid, data, controls, f"{metric}_mean", f"{metric}_ci_low",
                            f"{metric}_ci_high", drawn)
    height = 72 * fig.get_figheight() / len(grid)
    for row in grid:
        row[0].set_ylabel(wrapped(f"{spec.label} ({spec.direction})", 0.8 * height, 10))
    handles = [styles[a].handle(slots.curve, OFF_SCALE if a in marked else "")
               for a in augmenters]
    _legend(fig, handles + ([_band_handle(band)] if baseline in augmenters else []),
            "augmenter (mean and 95% interval)")
    n_seeds = int(data["n_seeds"].max())
    _suptitle(fig, f"{_where_title(data, dataset)}: {spec.label}, mean and 95% CI over "
              f"{n_seeds} seeds")
    return fig


@_names_as_written
def rank_figure(ranks: pd.DataFrame, baseline: str, styles: dict[str, ArmStyle] | None = None,
                by: str = "the ranking metric"):
    """Average rank per augmenter across datasets (1 = best) by the metric labelled ``by``, a
    row of dots per classifier."""
    shown = [c for c in ranks.columns if c not in ("n_datasets", "friedman_p")]
    styles = _styles_for(styles, shown, baseline)
    augmenters = _in_order(styles, shown)
    fig = _figure(7.0, 1.4 + 0.6 * len(ranks))
    ax = fig.subplots()
    for i, (_classifier, row) in enumerate(ranks.iterrows()):
        for j, augmenter in enumerate(augmenters):
            # A small vertical offset per augmenter keeps tied ranks visible.
            offset = 0.25 * (j - (len(augmenters) - 1) / 2) / max(1, len(augmenters) - 1)
            style = styles[augmenter]
            ax.scatter(row[augmenter], i + offset, marker=style.marker, s=50, linewidths=1.2,
                       edgecolors=style.colour, facecolors=style.face, zorder=3)
    ax.set_yticks(range(len(ranks)), [f"{c} (Friedman p={r['friedman_p']:.3g})"
                                      for c, r in ranks.iterrows()])
    ax.set_xlabel(wrapped(f"average rank by {by} across datasets (1 = best)", 72 * 6.5, 10))
    ax.set_xlim(0.5, len(augmenters) + 0.5)
    ax.set_ylim(len(ranks) - 0.5, -0.5)  # the first classifier on top
    ax.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=1)  # a guide along each row
    _legend(fig, [styles[a].handle() for a in augmenters], "augmenter")
    return fig


@_names_as_written
def difference_figure(comparisons: pd.DataFrame, dataset: str, metric: str, spec: Metric,
                      baseline: str, styles: dict[str, ArmStyle] | None = None,
                      controls: frozenset[str] = frozenset()):
    """The paired difference from the baseline against size (or prevalence), with its 95%
    interval and the zero line: a panel per classifier, a point and bar per augmenter at each
    size; filled where better or worse (Holm-significant beyond the margin of practical
    equivalence, the grey band). ``controls`` are drawn without setting the scale."""
    data = comparisons[(comparisons["dataset"] == dataset) & (comparisons["metric"] == metric)]
    styles = _styles_for(styles, [baseline, *data["augmenter"].unique()], baseline)
    augmenters = _in_order(styles, data["augmenter"].unique())
    fig, grid, x, panels = _panels(data)
    slots = Slots.of(data, x, len(augmenters))
    margin = float(data["margin"].max()) if len(data) else 0.0
    same = f"no change from {baseline}"
    equivalent = f"±{margin:g}: practically equivalent"
    drawn: list[Drawn] = []
    for ax, panel, title in panels:
        for i, augmenter in enumerate(augmenters):
            rows = panel[panel["augmenter"] == augmenter].sort_values(x)
            xs = slots.positions(rows[x], i)
            style = styles[augmenter]
            decided = rows["verdict"].isin(("better", "worse"))
            # A reference stays hollow: it is read against, not chosen.
            faces = [style.colour if d and not style.hollow else "white" for d in decided]
            _series(ax, xs, rows["mean_diff"], rows["ci_low"], rows["ci_high"], style,
                    slots.curve, faces)
            if augmenter in controls:
                drawn += [Drawn(ax, p, y, augmenter, style.colour)
                          for p, y in zip(xs, rows["mean_diff"])]
        _reference_line(ax, "h", 0, same, color="black", linewidth=0.8)
        if margin > 0:
            # The band shows where differences are too small to matter; it does not set the
            # scale (a band filling the panel says every difference shown lies inside it).
            ax.autoscale_view()
            limits = ax.get_ylim()
            ax.axhspan(-margin, margin, color="#ececec", zorder=0, label=equivalent)
            ax.set_ylim(limits)
        ax.set_title(title, fontsize=10)
        slots.draw(ax)
    marked = _scale_without(grid, data, controls, "mean_diff", "ci_low", "ci_high", drawn,
                            zero=True)
    height = 72 * fig.get_figheight() / len(grid)
    for row in grid:
        row[0].set_ylabel(wrapped(f"{spec.label}: augmenter − {baseline}", 0.8 * height, 10))
    handles = [styles[a].handle(slots.curve, OFF_SCALE if a in marked else "")
               for a in augmenters]
    handles += _reference_handles(grid[0][0], (same, equivalent))
    _legend(fig, handles, f"augmenter (filled: better or worse, Holm p < {ALPHA} beyond the "
            "margin)")
    _suptitle(fig, f"{_where_title(data, dataset)}: paired difference in {spec.label} from "
              f"{baseline}, mean and 95% CI")
    return fig


def _reference_handles(ax, labels: Iterable[str]) -> list:
    """The legend entries of ``ax``'s reference lines and bands labelled ``labels``."""
    handles, names = ax.get_legend_handles_labels()
    found = dict(zip(names, handles))
    return [found[label] for label in labels if label in found]


@_names_as_written
def reliability_figure(calibration: pd.DataFrame, dataset: str, baseline: str,
                       styles: dict[str, ArmStyle] | None = None):
    """Reliability diagrams at the largest training size: observed positive share against mean
    predicted probability per bin, test rows of every seed pooled; a panel per classifier (a row
    of panels per prevalence), a line per augmenter, point areas by rows in the bin."""
    data = calibration[calibration["dataset"] == dataset]
    data = data[data["size"] == data["size"].max()]
    if data["prevalence"].notna().any():
        # One row of panels per prevalence: reuse the grid, with prevalence as its row variable.
        data = data.assign(size=data["prevalence"])
    pooled = data.groupby(["augmenter", "classifier", "size", "bin"], as_index=False)[
        ["rows", "proba_sum", "positives"]].sum()
    pooled = pooled[pooled["rows"] > 0]
    styles = _styles_for(styles, pooled["augmenter"].unique(), baseline)
    augmenters = _in_order(styles, pooled["augmenter"].unique())
    classifiers = sorted(pooled["classifier"].unique())
    rows_of = sorted(pooled["size"].unique())
    fig = _figure(max(6.0, 4.0 * len(classifiers)), 3.9 * len(rows_of) + 0.4)
    grid = fig.subplots(len(rows_of), len(classifiers), squeeze=False)
    largest = int(calibration.loc[calibration["dataset"] == dataset, "size"].max())
    calibrated = "calibrated: observed = predicted"
    for i, row_value in enumerate(rows_of):
        for j, classifier in enumerate(classifiers):
            ax = grid[i][j]
            ax.plot([0, 1], [0, 1], ":", color="grey", linewidth=1, label=calibrated)
            panel = pooled[(pooled["classifier"] == classifier) & (pooled["size"] == row_value)]
            for augmenter in augmenters:
                line = panel[panel["augmenter"] == augmenter].sort_values("bin")
                if line.empty:
                    continue
                style = styles[augmenter]
                # Bins of predicted probability are a continuous axis: joining them draws the
                # reliability curve.
                predicted, observed = line["proba_sum"] / line["rows"], line["positives"] / line["rows"]
                ax.plot(predicted, observed, style.line, color=style.colour, linewidth=1.1)
                ax.scatter(predicted, observed, marker=style.marker,
                           s=6 + 60 * line["rows"] / panel["rows"].max(), linewidths=1,
                           edgecolors=style.colour, facecolors=style.face, zorder=3)
            title = f"classifier: {classifier}"
            if rows_of != [largest]:
                title += f" · {prevalence_words(row_value)}"
            ax.set_title(title, fontsize=10)
            ax.set_xlim(0, 1)
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel("mean predicted probability")
            # No fixed aspect: constrained layout places a fixed-aspect panel's labels as if
            # it filled its cell, onto the title and the legend. The cell is about square.
            ax.grid(alpha=0.3)
        grid[i][0].set_ylabel("observed positive share")
    handles = [styles[a].handle(joined=True) for a in augmenters]
    _legend(fig, handles + _reference_handles(grid[0][0], [calibrated]),
            "augmenter (point area: patients in the bin)")
    _suptitle(fig, f"{dataset}: reliability at {largest} training rows, test rows of every seed "
              "pooled")
    return fig


@_names_as_written
def synthetic_rows_figure(summary: pd.DataFrame, dataset: str, metrics: dict[str, Metric],
                          baseline: str, styles: dict[str, ArmStyle] | None = None):
    """Metrics of the synthetic rows against size (or prevalence, at the largest size) for one
    dataset: a panel per metric, a point and bar per augmenter that added rows. They do not
    depend on the classifier: the first one's rows stand for all."""
    data = summary[summary["dataset"] == dataset]
    data = data[data["classifier"] == data["classifier"].min()]
    x, row_by = x_axis(data)
    largest = f" at {int(data['size'].max())} training rows" if row_by else ""
    if row_by:
        data = data[data["size"] == data["size"].max()]
    adding = [a for a in data["augmenter"].unique()
              if data.loc[data["augmenter"] == a, [f"{m}_mean" for m in metrics]].notna().any()
              .any()]
    styles = _styles_for(styles, [baseline, *adding], baseline)
    augmenters = _in_order(styles, adding)
    # Three panels a row: with four the figure is so wide that a page shrinks its text.
    columns = min(3, len(metrics))
    rows = -(-len(metrics) // columns)
    fig = _figure(max(6.0, 3.2 * columns), 2.8 * rows + 0.6)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    slots = Slots.of(data, x, len(augmenters))
    for ax, (metric, spec) in zip(axes, metrics.items()):
        for i, augmenter in enumerate(augmenters):
            line = data[data["augmenter"] == augmenter].sort_values(x)
            _series(ax, slots.positions(line[x], i), line[f"{metric}_mean"],
                    line[f"{metric}_ci_low"], line[f"{metric}_ci_high"], styles[augmenter],
                    slots.curve)
        arrow = "↑ better" if spec.higher_is_better else "↓ better"
        ax.set_title(wrapped(f"{spec.header} ({arrow})", 72 * 3.0, 9), fontsize=9)
        ax.tick_params(labelsize=7)
        slots.draw(ax)
        ax.xaxis.label.set_fontsize(8)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    _legend(fig, [styles[a].handle(slots.curve) for a in augmenters],
            "augmenter (mean and 95% interval)")
    n_seeds = int(data["n_seeds"].max())
    _suptitle(fig, f"{_where_title(data, dataset)}: privacy and fidelity of the synthetic "
              f"rows{largest}, mean and 95% CI over {n_seeds} seeds")
    return fig


def _size_areas(sizes: Iterable[float]) -> dict[float, float]:
    """A point's area (points²) per training size, growing with it: the privacy figure tells
    sizes apart by area, as its legend shows, where labels at each point would overlap."""
    sizes = sorted(set(sizes))
    return {size: 18 + 70 * i / max(1, len(sizes) - 1) for i, size in enumerate(sizes)}


def _size_handles(areas: dict[float, float]) -> list:
    from matplotlib.lines import Line2D

    return [Line2D([], [], color="#555555", marker="o", linestyle="none", markerfacecolor="none",
                   ms=float(np.sqrt(area)), label=f"{int(size)} training rows")
            for size, area in areas.items()]


@_names_as_written
def privacy_utility_figure(summary: pd.DataFrame, comparisons: pd.DataFrame, dataset: str,
                           privacy: str, privacy_spec: Metric, utility: str, utility_spec: Metric,
                           baseline: str, styles: dict[str, ArmStyle] | None = None):
    """One point per augmenter and training size: a privacy metric of its synthetic rows (x)
    against its paired gain in a utility metric over the baseline (y), both with 95% intervals;
    a panel per classifier (a row of panels per prevalence, where a run has several), the
    training size in the point's area. Points are not joined: a line through sizes would draw a
    path in this plane that no one measured."""
    data = summary[(summary["dataset"] == dataset) & summary[f"{privacy}_mean"].notna()]
    gains = comparisons[(comparisons["dataset"] == dataset) & (comparisons["metric"] == utility)]
    classifiers = sorted(data["classifier"].unique())
    styles = _styles_for(styles, [baseline, *data["augmenter"].unique()], baseline)
    augmenters = _in_order(styles, data["augmenter"].unique())
    on = [c for c in axes_of(summary) if c != "dataset"]
    prevalences = sorted(data["prevalence"].unique()) if "prevalence" in on else [None]
    areas = _size_areas(data["size"])
    fig = _figure(max(6.0, 4.6 * len(classifiers)), 4.2 * len(prevalences) + 0.6)
    grid = fig.subplots(len(prevalences), len(classifiers), sharey=True, squeeze=False)
    same = f"no change from {baseline}"
    chance = (f"attack no better than chance ({privacy_spec.chance:g}): nothing leaks"
              if privacy_spec.chance is not None else None)
    for row, prevalence in zip(grid, prevalences):
        for ax, classifier in zip(row, classifiers):
            for augmenter in augmenters:
                rows = data[(data["classifier"] == classifier) & (data["augmenter"] == augmenter)]
                if prevalence is not None:
                    rows = rows[rows["prevalence"] == prevalence]
                paired = gains[(gains["classifier"] == classifier)
                               & (gains["augmenter"] == augmenter)]
                _privacy_points(ax, rows.merge(paired, on=on, suffixes=("", "_gain")), privacy,
                                styles[augmenter], areas)
            _reference_line(ax, "h", 0, same, color="black", linestyle="--", linewidth=0.8)
            if chance:
                _reference_line(ax, "v", privacy_spec.chance, chance, color="grey",
                                linestyle=":", linewidth=1)
            title = f"classifier: {classifier}"
            if prevalence is not None:
                title += f" · {prevalence_words(prevalence)}"
            ax.set_title(title, fontsize=10)
            ax.grid(alpha=0.3)
    # Under each bottom panel, not once under all: constrained layout puts a figure's x label
    # and a legend under the panels at the same place.
    for ax in grid[-1]:
        ax.set_xlabel(wrapped(f"{privacy_spec.label} ({privacy_spec.direction})", 0.9 * 72 * 4.6,
                              10))
    for row in grid:
        row[0].set_ylabel(wrapped(f"{utility_spec.label} gain over {baseline}", 0.8 * 72 * 4.2,
                                  10))
    handles = [styles[a].handle() for a in augmenters] + _size_handles(areas)
    handles += _reference_handles(grid[0][0], [same, chance] if chance else [same])
    _legend(fig, handles, "augmenter (point area: training rows)")
    _suptitle(fig, f"{_where_title(data, dataset)}: privacy against utility, means and 95% CIs")
    return fig


def _privacy_points(ax, both: pd.DataFrame, privacy: str, style: ArmStyle,
                    areas: dict[float, float]) -> None:
    """One arm's points in the privacy plane, each with its two 95% intervals as bars."""
    if both.empty:
        return
    # Arrays, not Series: matplotlib converts a one-row Series with float(), which pandas
    # deprecates.
    x, y = both[f"{privacy}_mean"].to_numpy(), both["mean_diff"].to_numpy()
    low, high = both[f"{privacy}_ci_low"].to_numpy(), both[f"{privacy}_ci_high"].to_numpy()
    ax.errorbar(x, y, xerr=[np.clip(x - low, 0, None), np.clip(high - x, 0, None)],
                yerr=[np.clip(y - both["ci_low"].to_numpy(), 0, None),
                      np.clip(both["ci_high"].to_numpy() - y, 0, None)],
                fmt="none", ecolor=style.colour, elinewidth=0.9, capsize=0, alpha=0.7,
                zorder=2)
    ax.scatter(x, y, marker=style.marker, s=[areas[s] for s in both["size"]], linewidths=1.1,
               edgecolors=style.colour, facecolors=style.face, zorder=3)
