"""Figures of a run: each metric and each paired difference against training-set size (or
prevalence, in a run with several), the synthetic rows, and ranks across datasets.

Figures are built with matplotlib's object API (no pyplot, no global backend state) and saved as
PNG files. Colours follow the Okabe-Ito palette, which readers with colour-vision deficiencies
can tell apart; the baseline is drawn dashed in black.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pandas as pd

from augbench.plugin.metric import Metric
from augbench.reporting.blocks import prevalence_words
from augbench.results.compare import ALPHA
from augbench.results.row import axes as axes_of

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
             "#999999"]
DPI = 150


def augmenter_colours(augmenters: list[str], baseline: str) -> dict[str, str]:
    """The same colour for an augmenter in every figure of a run; the baseline in black."""
    others = sorted(a for a in augmenters if a != baseline)
    colours = {a: OKABE_ITO[i % len(OKABE_ITO)] for i, a in enumerate(others)}
    return {baseline: "black", **colours}


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


def _classifier_panels(classifiers: list[str], width: float = 4.2, height: float = 3.8):
    """A figure with one panel per classifier, side by side, sharing the y axis."""
    fig = _figure(max(6.0, width * len(classifiers)), height)
    return fig, fig.subplots(1, len(classifiers), sharey=True, squeeze=False)[0]


def x_axis(data: pd.DataFrame) -> tuple[str, str | None]:
    """The x axis of a run's figures and what splits their panels into rows: size (and no rows),
    or, in a run with several prevalences, prevalence (a row of panels per size)."""
    if "prevalence" in data and data["prevalence"].nunique() > 1:
        return "prevalence", "size"
    return "size", None


def _set_x(ax, x: str, values: pd.Series) -> None:
    """Label the x axis; prevalences on a log scale, ticked where they ran, as percentages."""
    if x == "size":
        ax.set_xlabel("training rows before augmentation")
        if _single(values):
            ax.set_xticks(values.unique())
        return
    ticks = sorted(values.unique())
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{100 * t:.3g}%" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("prevalence (positive share of the table)")


def _single(values: pd.Series) -> bool:
    """Whether a figure's x axis has one value (a run of one size): lines have no length there."""
    return values.nunique() == 1


def _dodged(xs: pd.Series, i: int, n: int, single: bool) -> pd.Series:
    """The x positions of the ``i``-th of ``n`` series: side by side around a single x value,
    where their intervals would otherwise hide each other; unchanged otherwise."""
    return xs * (1 + 0.025 * (i - (n - 1) / 2)) if single else xs


def _interval(ax, xs: pd.Series, mean: pd.Series, low: pd.Series, high: pd.Series,
              colour: str) -> None:
    """A 95% interval: a band along a line, an error bar at a lone point (a band has no width
    there)."""
    if len(xs) > 1:
        ax.fill_between(xs, low, high, color=colour, alpha=0.15, linewidth=0)
    else:
        xs, mean, low, high = (np.asarray(v, dtype=float) for v in (xs, mean, low, high))
        ax.errorbar(xs, mean, yerr=[mean - low, high - mean], fmt="none", ecolor=colour,
                    capsize=3, linewidth=1.2)


def _panels(data: pd.DataFrame, width: float = 4.2, height: float = 3.6):
    """A grid of panels sharing the y axis: a column per classifier, a row per value of the
    row variable (see `x_axis`). Yields (axes grid, [(ax, rows of that panel, title)])."""
    x, row_by = x_axis(data)
    classifiers = sorted(data["classifier"].unique())
    row_values = sorted(data[row_by].unique()) if row_by else [None]
    fig = _figure(max(6.0, width * len(classifiers)), height * len(row_values))
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


def _scale_without(grid, data: pd.DataFrame, controls: frozenset[str], mean: str, low: str,
                   high: str, zero: bool = False) -> None:
    """Fit the shared y axis to every augmenter but the ``controls``, whose values (chance, for
    a classifier fitted on shuffled labels) can lie far from the others' and would flatten
    their differences onto one line; a control beyond the axis is marked at its edge with its
    value. ``zero`` keeps 0 in view (a difference figure's reference)."""
    drawn = data[~data["augmenter"].isin(controls)]
    if not controls or drawn.empty or drawn.equals(data):
        return
    values = pd.concat([drawn[mean], drawn[low], drawn[high]]).dropna()
    if values.empty:
        return
    bottom, top = float(values.min()), float(values.max())
    if zero:
        bottom, top = min(bottom, 0.0), max(top, 0.0)
    pad = 0.08 * (top - bottom or abs(top) or 1.0)
    bottom, top = bottom - pad, top + pad
    grid[0][0].set_ylim(bottom, top)  # shared by every panel
    for ax in (ax for row in grid for ax in row):
        for line in ax.get_lines():
            if line.get_label() not in controls:
                continue
            for x, y in zip(line.get_xdata(), line.get_ydata()):
                if bottom <= y <= top:
                    continue
                edge = top if y > top else bottom
                ax.annotate(f"{line.get_label()}: {y:+.2f}" if zero else
                            f"{line.get_label()}: {y:.2f}", (x, edge),
                            xytext=(0, -10 if y > top else 10), textcoords="offset points",
                            ha="center", va="top" if y > top else "bottom", fontsize=7,
                            color=line.get_color(),
                            arrowprops={"arrowstyle": "->", "color": line.get_color()})


def _where_title(data: pd.DataFrame, dataset: str) -> str:
    """The dataset, and the one prevalence all the figure's rows share, if any."""
    shares = data["prevalence"].dropna().unique() if "prevalence" in data else []
    return f"{dataset} at {prevalence_words(shares[0])}" if len(shares) == 1 else dataset


@_names_as_written
def metric_figure(summary: pd.DataFrame, dataset: str, metric: str, spec: Metric, baseline: str,
                  colours: dict[str, str] | None = None, controls: frozenset[str] = frozenset()):
    """``metric`` against size (or prevalence) for one dataset: a panel per classifier, a line
    per augmenter. ``colours`` are the run's (one per augmenter in every figure); ``controls``
    (arms that relabel rows) are drawn without setting the scale."""
    data = summary[summary["dataset"] == dataset]
    augmenters = [baseline] + sorted(a for a in data["augmenter"].unique() if a != baseline)
    fig, grid, x, panels = _panels(data)
    colours = colours or augmenter_colours(augmenters, baseline)
    styles = {a: (colours[a], "--" if a == baseline else "-") for a in augmenters}
    single = _single(data[x])
    for ax, panel, title in panels:
        for i, augmenter in enumerate(augmenters):
            rows = panel[panel["augmenter"] == augmenter]
            if rows.empty:
                continue
            rows = rows.sort_values(x)
            xs = _dodged(rows[x], i, len(augmenters), single)
            colour, line = styles[augmenter]
            label = f"{augmenter} (baseline)" if augmenter == baseline else augmenter
            ax.plot(xs, rows[f"{metric}_mean"], line, marker="o", ms=4, color=colour,
                    label=label)
            _interval(ax, xs, rows[f"{metric}_mean"], rows[f"{metric}_ci_low"],
                      rows[f"{metric}_ci_high"], colour)
        ax.set_title(title, fontsize=10)
        _set_x(ax, x, data[x])
        ax.grid(alpha=0.3)
    _scale_without(grid, data, controls, f"{metric}_mean", f"{metric}_ci_low",
                   f"{metric}_ci_high")
    for row in grid:
        row[0].set_ylabel(f"{spec.label} ({spec.direction})")
    grid[0][-1].legend(title="augmenter", fontsize=8, title_fontsize=8, loc="best")
    n_seeds = int(data["n_seeds"].max())
    fig.suptitle(f"{_where_title(data, dataset)}: {spec.label}, mean and 95% CI over {n_seeds} "
                 "seeds", fontsize=11)
    return fig



@_names_as_written
def rank_figure(ranks: pd.DataFrame, baseline: str, colours: dict[str, str] | None = None,
                by: str = "the ranking metric"):
    """Average rank per augmenter across datasets (1 = best) by the metric labelled ``by``, a
    row of dots per classifier."""
    augmenters = [c for c in ranks.columns if c not in ("n_datasets", "friedman_p")]
    colours = colours or augmenter_colours(augmenters, baseline)
    fig = _figure(7.0, 1.2 + 0.6 * len(ranks))
    ax = fig.subplots()
    for i, (_classifier, row) in enumerate(ranks.iterrows()):
        for j, augmenter in enumerate(augmenters):
            # A small vertical offset per augmenter keeps tied ranks visible.
            offset = 0.25 * (j - (len(augmenters) - 1) / 2) / max(1, len(augmenters) - 1)
            ax.scatter(row[augmenter], i + offset, color=colours[augmenter], s=60,
                       label=augmenter if i == 0 else None, zorder=3)
        ax.axhline(i, color="#dddddd", linewidth=0.8, zorder=1)
    ax.set_yticks(range(len(ranks)), [f"{c} (Friedman p={r['friedman_p']:.3g})"
                                      for c, r in ranks.iterrows()])
    ax.set_xlabel(f"average rank by {by} across datasets (1 = best)")
    ax.set_xlim(0.5, len(augmenters) + 0.5)
    ax.invert_yaxis()
    ax.legend(title="augmenter", fontsize=8, title_fontsize=8, loc="center left",
              bbox_to_anchor=(1.01, 0.5))
    return fig


@_names_as_written
def difference_figure(comparisons: pd.DataFrame, dataset: str, metric: str, spec: Metric,
                      baseline: str, colours: dict[str, str] | None = None,
                      controls: frozenset[str] = frozenset()):
    """The paired difference from the baseline against size (or prevalence), with its 95%
    interval and the zero line: a panel per classifier, a line per augmenter; filled where
    better or worse (Holm-significant beyond the margin of practical equivalence, the grey
    band). ``controls`` are drawn without setting the scale."""
    data = comparisons[(comparisons["dataset"] == dataset) & (comparisons["metric"] == metric)]
    augmenters = sorted(data["augmenter"].unique())
    colours = colours or augmenter_colours([baseline, *augmenters], baseline)
    fig, grid, x, panels = _panels(data)
    single = _single(data[x])
    for ax, panel, title in panels:
        for i, augmenter in enumerate(augmenters):
            rows = panel[panel["augmenter"] == augmenter].sort_values(x)
            xs = _dodged(rows[x], i, len(augmenters), single)
            colour = colours[augmenter]
            ax.plot(xs, rows["mean_diff"], "-", color=colour, label=augmenter)
            _interval(ax, xs, rows["mean_diff"], rows["ci_low"], rows["ci_high"], colour)
            decided = rows["verdict"].isin(("better", "worse"))
            ax.scatter(xs, rows["mean_diff"], s=24, zorder=3, edgecolors=colour,
                       facecolors=[colour if d else "white" for d in decided])
        ax.axhline(0, color="black", linewidth=0.8)
        margin = float(data["margin"].max()) if len(data) else 0.0
        if margin > 0:
            # The band shows where differences are too small to matter; it does not set the
            # scale (a band filling the panel says every difference shown lies inside it).
            ax.autoscale_view()
            limits = ax.get_ylim()
            ax.axhspan(-margin, margin, color="#ececec", zorder=0,
                       label=f"±{margin:g}: practically equivalent")
            ax.set_ylim(limits)
        ax.set_title(title, fontsize=10)
        _set_x(ax, x, data[x])
        ax.grid(alpha=0.3)
    _scale_without(grid, data, controls, "mean_diff", "ci_low", "ci_high", zero=True)
    for row in grid:
        row[0].set_ylabel(f"{spec.label}: augmenter − {baseline}")
    grid[0][-1].legend(title=f"augmenter (filled: better or worse, Holm p < {ALPHA} beyond "
                       "the margin)", fontsize=8,
                       title_fontsize=8, loc="best")
    fig.suptitle(f"{_where_title(data, dataset)}: paired difference in {spec.label} from "
                 f"{baseline}, mean and 95% CI", fontsize=11)
    return fig


@_names_as_written
def reliability_figure(calibration: pd.DataFrame, dataset: str, baseline: str,
                       colours: dict[str, str] | None = None):
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
    augmenters = [baseline] + sorted(a for a in pooled["augmenter"].unique() if a != baseline)
    colours = colours or augmenter_colours(augmenters, baseline)
    classifiers = sorted(pooled["classifier"].unique())
    rows_of = sorted(pooled["size"].unique())
    fig = _figure(max(6.0, 4.0 * len(classifiers)), 3.9 * len(rows_of))
    grid = fig.subplots(len(rows_of), len(classifiers), squeeze=False)
    largest = int(calibration.loc[calibration["dataset"] == dataset, "size"].max())
    for i, row_value in enumerate(rows_of):
        for j, classifier in enumerate(classifiers):
            ax = grid[i][j]
            ax.plot([0, 1], [0, 1], ":", color="grey", linewidth=1)
            panel = pooled[(pooled["classifier"] == classifier) & (pooled["size"] == row_value)]
            for augmenter in augmenters:
                line = panel[panel["augmenter"] == augmenter].sort_values("bin")
                if line.empty:
                    continue
                ax.plot(line["proba_sum"] / line["rows"], line["positives"] / line["rows"],
                        "--" if augmenter == baseline else "-", color=colours[augmenter],
                        linewidth=1.2, label=augmenter)
                ax.scatter(line["proba_sum"] / line["rows"], line["positives"] / line["rows"],
                           s=6 + 60 * line["rows"] / panel["rows"].max(), color=colours[augmenter],
                           zorder=3)
            title = f"classifier: {classifier}"
            if rows_of != [largest]:
                title += f" · {prevalence_words(row_value)}"
            ax.set_title(title, fontsize=10)
            ax.set_xlim(0, 1)
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel("mean predicted probability")
            ax.set_aspect("equal")
            ax.grid(alpha=0.3)
        grid[i][0].set_ylabel("observed positive share")
    grid[0][-1].legend(title="augmenter", fontsize=8, title_fontsize=8, loc="upper left")
    fig.suptitle(f"{dataset}: reliability at {largest} training rows, test rows of every seed "
                 "pooled", fontsize=11)
    return fig


@_names_as_written
def synthetic_rows_figure(summary: pd.DataFrame, dataset: str, metrics: dict[str, Metric],
                          baseline: str, colours: dict[str, str] | None = None):
    """Metrics of the synthetic rows against size (or prevalence, at the largest size) for one
    dataset: a panel per metric, a line per augmenter that added rows. They do not depend on the
    classifier: the first one's rows stand for all."""
    data = summary[summary["dataset"] == dataset]
    data = data[data["classifier"] == data["classifier"].min()]
    x, row_by = x_axis(data)
    largest = f" at {int(data['size'].max())} training rows" if row_by else ""
    if row_by:
        data = data[data["size"] == data["size"].max()]
    augmenters = sorted(a for a in data["augmenter"].unique()
                        if data.loc[data["augmenter"] == a,
                                    [f"{m}_mean" for m in metrics]].notna().any().any())
    colours = colours or augmenter_colours([baseline, *augmenters], baseline)
    columns = min(4, len(metrics))
    rows = -(-len(metrics) // columns)
    fig = _figure(3.2 * columns, 2.7 * rows + 0.6)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    single = _single(data[x])
    for ax, (metric, spec) in zip(axes, metrics.items()):
        for i, augmenter in enumerate(augmenters):
            line = data[data["augmenter"] == augmenter].sort_values(x)
            xs = _dodged(line[x], i, len(augmenters), single)
            ax.plot(xs, line[f"{metric}_mean"], "-", marker="o", ms=3,
                    color=colours[augmenter], label=augmenter)
            _interval(ax, xs, line[f"{metric}_mean"], line[f"{metric}_ci_low"],
                      line[f"{metric}_ci_high"], colours[augmenter])
        arrow = "↑ better" if spec.higher_is_better else "↓ better"
        ax.set_title(f"{spec.header} ({arrow})", fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    for ax in axes[:len(metrics)]:
        _set_x(ax, x, data[x])
        ax.xaxis.label.set_fontsize(8)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="augmenter", fontsize=8, title_fontsize=8,
               loc="outside right center")
    n_seeds = int(data["n_seeds"].max())
    fig.suptitle(f"{_where_title(data, dataset)}: privacy and fidelity of the synthetic "
                 f"rows{largest}, mean and 95% CI over {n_seeds} seeds", fontsize=11)
    return fig


@_names_as_written
def privacy_utility_figure(summary: pd.DataFrame, comparisons: pd.DataFrame, dataset: str,
                           privacy: str, privacy_spec: Metric, utility: str, utility_spec: Metric,
                           baseline: str, colours: dict[str, str] | None = None):
    """One point per augmenter and training size: a privacy metric of its synthetic rows (x)
    against its paired gain in a utility metric over the baseline (y), both with 95% intervals;
    a panel per classifier."""
    data = summary[(summary["dataset"] == dataset) & summary[f"{privacy}_mean"].notna()]
    gains = comparisons[(comparisons["dataset"] == dataset) & (comparisons["metric"] == utility)]
    classifiers = sorted(data["classifier"].unique())
    augmenters = sorted(data["augmenter"].unique())
    colours = colours or augmenter_colours([baseline, *augmenters], baseline)
    on = [c for c in axes_of(summary) if c != "dataset"]

    def point_label(r: pd.Series) -> str:
        """A point's training rows, and its prevalence where the run has several."""
        size = f"{int(r['size'])}"
        return f"{size}, {100 * r['prevalence']:.3g}%" if "prevalence" in on else size

    fig, axes = _classifier_panels(classifiers, 4.6, 4.2)
    for ax, classifier in zip(axes, classifiers):
        for augmenter in augmenters:
            rows = data[(data["classifier"] == classifier) & (data["augmenter"] == augmenter)]
            paired = gains[(gains["classifier"] == classifier) & (gains["augmenter"] == augmenter)]
            both = rows.merge(paired, on=on, suffixes=("", "_gain")).sort_values(on)
            if both.empty:
                continue
            # Arrays, not Series: matplotlib converts a one-row Series with float(), which
            # pandas deprecates.
            x, y = both[f"{privacy}_mean"].to_numpy(), both["mean_diff"].to_numpy()
            low, high = both[f"{privacy}_ci_low"].to_numpy(), both[f"{privacy}_ci_high"].to_numpy()
            ax.errorbar(x, y, xerr=[x - low, high - x],
                        yerr=[y - both["ci_low"].to_numpy(), both["ci_high"].to_numpy() - y],
                        fmt="o-", ms=5,
                        color=colours[augmenter], capsize=2, linewidth=1, label=augmenter)
            for _, r in both.iterrows():
                ax.annotate(point_label(r), (r[f"{privacy}_mean"], r["mean_diff"]),
                            textcoords="offset points", xytext=(4, 4), fontsize=7, color="#555555")
        ax.axhline(0, color="black", linestyle="--", linewidth=0.8)
        if privacy_spec.chance is not None:
            ax.axvline(privacy_spec.chance, color="grey", linestyle=":", linewidth=0.8)
        ax.set_title(f"classifier: {classifier}", fontsize=10)
        ax.grid(alpha=0.3)
    # One label under all panels: the legend beside them leaves each too narrow for its own.
    fig.supxlabel(f"{privacy_spec.label} ({privacy_spec.direction})", fontsize=10)
    axes[0].set_ylabel(f"{utility_spec.label} gain over {baseline}")
    labels = "training rows, prevalence" if "prevalence" in on else "training rows"
    # Beside the panels: its points spread over the whole plane, where a legend would cover some.
    handles, names = axes[-1].get_legend_handles_labels()
    fig.legend(handles, names, title=f"augmenter (labels: {labels})", fontsize=8,
               title_fontsize=8, loc="outside right center")
    fig.suptitle(f"{_where_title(data, dataset)}: privacy against utility, means and 95% CIs",
                 fontsize=11)
    return fig
