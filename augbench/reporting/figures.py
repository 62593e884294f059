"""Which figures a run gets, the one sentence that tells a reader how to read each, and where
they go: PNG files for the report, or one figure at a time for a notebook (``Results.plot``);
the drawing itself is in reporting.plots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from augbench.plugin.metric import Metric
from augbench.reporting.blocks import references, shown_metrics
from augbench.reporting.files import file_stem, inside
from augbench.reporting.plots import (
    arm_styles,
    difference_figure,
    metric_figure,
    privacy_utility_figure,
    rank_figure,
    reliability_figure,
    synthetic_rows_figure,
    x_axis,
)
from augbench.results.compare import average_ranks
from augbench.results.tables import ResultTables


@dataclass(frozen=True)
class Written:
    """A figure written to ``path``, with the one sentence that tells a reader how to read it."""

    path: Path
    caption: str


# What becomes of a drawn figure: its file name and its caption come with it.
Keep = Callable[[Any, str, str], None]


def png(*parts: str) -> str:
    """A figure's file name from its dataset, metric and kind (``<dataset>_<metric>_difference.png``),
    each part a safe file name (see `augbench.reporting.files.file_stem`)."""
    return "_".join(file_stem(part) for part in parts) + ".png"


class _Figures:
    """The figures of one run, drawn in one style per arm (references hollow and grey),
    controls off the scale; each figure drawn is handed to ``keep`` with its file name and
    caption."""

    def __init__(self, results: ResultTables, keep: Keep) -> None:
        self.results, self.save = results, keep
        self.summary = results.summary
        self.baseline = results.baseline
        # One style per arm in every figure, whichever arms a figure shows; the arms a reader
        # reads the others against (as the tables never make them bold) are drawn as references.
        self.styles = arm_styles(set(results.trials["augmenter"]), self.baseline,
                                 references(results))
        self.controls = frozenset(results.controls)

    def spec(self, metric: str) -> Metric:
        return self.results.metrics[metric]

    def off_scale(self) -> str:
        """The caption's word on controls, which are drawn without setting the scale."""
        if not self.controls:
            return ""
        names = ", ".join(sorted(self.controls))
        return (f" The control{'s' if len(self.controls) > 1 else ''} ({names}) do not set the "
                "scale: where one lies beyond it, an arrow at the edge gives its value.")

    def levels(self, dataset: str, metric: str) -> None:
        """One metric of every method against size (or prevalence)."""
        rows = self.summary[self.summary["dataset"] == dataset]
        where = "at one training size" if x_axis(rows)[0] == "size" else \
            "at one prevalence (a row of panels per training size)"
        spec = self.spec(metric)
        about = f" ({spec.description})" if spec.description else ""
        self.save(metric_figure(self.summary, dataset, metric, spec, self.baseline,
                                self.styles, self.controls), png(dataset, metric),
                  f"{dataset}, {spec.label}{about}: each point is one method {where}, its "
                  f"bar the 95% interval and the grey band behind the points that of "
                  f"'{self.baseline}'; hollow grey points are references, not options; "
                  f"{spec.direction}.{self.off_scale()}")

    def difference(self, dataset: str, metric: str) -> None:
        """The paired change each method brings to one metric, where it was compared."""
        compared = self.results.comparisons
        if not ((compared["dataset"] == dataset) & (compared["metric"] == metric)).any():
            return
        spec = self.spec(metric)
        self.save(difference_figure(compared, dataset, metric, spec, self.baseline,
                                    self.styles, self.controls),
                  png(dataset, metric, "difference"),
                  f"{dataset}, {spec.label}: the change each method brings compared with "
                  f"'{self.baseline}' on the same patients; above the black line it is higher "
                  f"({'better' if spec.higher_is_better else 'worse'}). Each bar is the 95% "
                  "interval of the mean change; a filled point is "
                  "significant by the paired rank test after Holm's adjustment. The two "
                  "answer different questions and can disagree: a filled point whose bar "
                  "crosses the line moved most seeds one way while a few moved far the "
                  f"other.{self.off_scale()}")

    def synthetic_rows(self, dataset: str) -> None:
        """The metrics of the synthetic rows, where augmenters added rows."""
        specs = {m: self.spec(m) for m in shown_metrics(self.results, "synthetic")}
        here = self.summary["dataset"] == dataset
        if not specs or not self.summary.loc[here, [f"{m}_mean" for m in specs]].notna().any().any():
            return
        self.save(synthetic_rows_figure(self.summary, dataset, specs, self.baseline, self.styles),
                  png(dataset, "synthetic_rows"),
                  f"{dataset}, the synthetic patients each method adds, measured against the "
                  "real ones: each panel is one measure, its title saying which way is better; "
                  "chance levels and definitions are on the documentation's privacy page "
                  "(docs/privacy.md).")

    def reliability(self, dataset: str) -> None:
        """Reliability diagrams at the largest size, where calibration bins are stored."""
        calibration = self.results.calibration
        if calibration is None or not (calibration["dataset"] == dataset).any():
            return
        self.save(reliability_figure(calibration, dataset, self.baseline, self.styles),
                  png(dataset, "reliability"),
                  f"{dataset}, how far predicted risks can be trusted: each point is a band of "
                  "predicted probability, placed at the share of those patients who were "
                  "positive; on the dotted diagonal the predictions are calibrated, below it the "
                  "classifier over-states the risk (as balancing the training rows to 1:1 tends "
                  "to make it), above it under-states it; bigger points hold more patients.")

    def privacy_utility(self, dataset: str, utility: str | None = None) -> None:
        """A membership attack's success against the gain in ``utility`` (the ranking metric
        unless named), where a run has both."""
        membership = self.results.metric_of_role("membership")
        ranking = utility or self.results.metric_of_role("ranking")
        here = self.summary["dataset"] == dataset
        if not (membership and ranking and self.summary.loc[here, f"{membership}_mean"]
                .notna().any()):
            return
        self.save(privacy_utility_figure(self.summary, self.results.comparisons, dataset,
                                         membership, self.spec(membership), ranking,
                                         self.spec(ranking), self.baseline, self.styles),
                  png(dataset, "privacy_utility"),
                  f"{dataset}: each point is one method at one training size (bigger: more "
                  "training rows); the further "
                  "right, the better an attacker holding its synthetic patients tells who was in "
                  f"the training set (dotted line: no better than chance), and the higher, the "
                  f"more it raises the classifier's {self.spec(ranking).label} over "
                  f"'{self.baseline}' (dashed line: no change); "
                  + ("the best methods sit high and close to the dotted line."
                     if self.spec(ranking).higher_is_better else
                     f"{self.spec(ranking).label} is better lower, so the best methods sit low "
                     "and close to the dotted line.")
                  + self.reference_words())

    def reference_words(self) -> str:
        """The caption's word on a control that adds unseen real patients, where the run has
        one: its point is what nothing leaking looks like, measured."""
        drawing = sorted(a for a, can in self.results.capabilities.items()
                         if can.get("draws_reserve"))
        if not drawing:
            return ""
        return (f" The points of {', '.join(drawing)} (real patients the classifier never saw) "
                "show where an attack lands when nothing leaks, measured on these patients.")

    def ranks(self) -> None:
        """Average ranks across datasets by the ranking metric, where there are several."""
        ranking = self.results.metric_of_role("ranking")
        if self.summary["dataset"].nunique() < 2 or not ranking:
            return
        spec = self.spec(ranking)
        self.save(rank_figure(average_ranks(self.summary, ranking, spec.higher_is_better),
                              self.baseline, self.styles, spec.label), png("average_ranks"),
                  "Each dot is a method's average rank across the datasets (1 = best); dots "
                  "close together mean that no method stands out, and the Friedman p-value says "
                  "how sure that is.")


@dataclass(frozen=True)
class FigureKind:
    """One kind of figure, as every report reads it: its ``name`` (``Results.plot(kind=...)``),
    what it ``draws``, how many a report gets (``per``: one per shown metric of each dataset,
    one per dataset, or one per run), whether a notebook may choose the metric it draws
    (``chooses_metric``; the run's ranking metric otherwise), why a run may have none
    (``none_when``; ``{baseline}`` is the run's baseline), and how it is drawn."""

    name: str
    draws: str
    per: str
    chooses_metric: bool
    none_when: str
    draw: Callable[[_Figures, str, str | None], None]


# The figures of a run, in the order a report shows them (per dataset: the metric figures of
# each shown metric, then the dataset's own; the run's figures last). The report, the files
# written and Results.plot all read this table.
FIGURE_KINDS = (
    FigureKind("levels", "one metric of every method against training-set size (or prevalence)",
               "metric", True, "nothing to draw.",
               lambda figures, dataset, metric: figures.levels(dataset, metric)),
    FigureKind("differences", "the paired change each method brings to one metric over the "
               "baseline", "metric", True, "no trial of the baseline '{baseline}' was paired "
               "with another augmenter's; run the baseline beside them.",
               lambda figures, dataset, metric: figures.difference(dataset, metric)),
    FigureKind("synthetic", "the privacy and fidelity measures of the synthetic rows",
               "dataset", False, "no augmenter added rows.",
               lambda figures, dataset, metric: figures.synthetic_rows(dataset)),
    FigureKind("reliability", "reliability diagrams of the predicted risks at the largest size",
               "dataset", False, "the trials stored no calibration bins.",
               lambda figures, dataset, metric: figures.reliability(dataset)),
    FigureKind("privacy", "a membership attack's success against the gain in one metric",
               "dataset", True, "no augmenter's synthetic rows were attacked (no augmenter "
               "added rows, or the run left the privacy metrics out).",
               lambda figures, dataset, metric: figures.privacy_utility(dataset, metric)),
    FigureKind("ranks", "average ranks across the datasets", "run", False,
               "ranks compare methods across two or more datasets.",
               lambda figures, dataset, metric: figures.ranks()),
)
FIGURES_BY_NAME = {kind.name: kind for kind in FIGURE_KINDS}


def draw_all(results: ResultTables, keep: Keep) -> None:
    """Draw every figure of ``results``, in the order of `FIGURE_KINDS`, handing each to
    ``keep``."""
    figures = _Figures(results, keep)
    metrics = shown_metrics(results, "predictions")
    for dataset in sorted(results.summary["dataset"].unique()):
        for metric in metrics:
            for kind in FIGURE_KINDS:
                if kind.per == "metric":
                    kind.draw(figures, dataset, metric)
        for kind in FIGURE_KINDS:
            if kind.per == "dataset":
                kind.draw(figures, dataset, None)
    for kind in FIGURE_KINDS:
        if kind.per == "run":
            kind.draw(figures, None, None)


def draw_one(results: ResultTables, kind: FigureKind, dataset: str,
             metric: str | None) -> tuple[Any, str] | None:
    """One figure of ``kind`` and its caption, or None where the run has none."""
    kept: list[tuple[Any, str]] = []
    kind.draw(_Figures(results, lambda figure, name, caption: kept.append((figure, caption))),
              dataset, metric)
    return kept[0] if kept else None


def write_plots(results: ResultTables, folder: Path) -> list[Written]:
    """Write every figure of ``results`` as PNG into ``folder``, each with its reading."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Written] = []

    def save(figure: Any, name: str, caption: str) -> None:
        path = inside(folder, name)
        figure.savefig(path)
        written.append(Written(path, caption))

    draw_all(results, save)
    return written
