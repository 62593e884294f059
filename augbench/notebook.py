"""The results of a run as a user holds them: the tables, and the views a notebook shows them
by. The tables are `augbench.results.tables.ResultTables`, which the reports read; the views
come from the reports (reporting/), so they live above both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from augbench.errors import UsageError
from augbench.reporting.against import Against, compare_runs
from augbench.reporting.findings import Finding, findings_of
from augbench.reporting.inline import draw, results_html
from augbench.results.tables import ResultTables


@dataclass(repr=False)
class Results(ResultTables):
    """The results of a run: `trials` (one row per trial), `summary` (means and 95%
    intervals), `comparisons` (paired differences from the baseline with their tests), and
    what a reader must not miss (`findings`); in a notebook, the last expression of a cell
    displays them as the HTML report does, and `plot` draws any of its figures.

    `augbench.run` returns them and `augbench.load_results` reads them from a run's folder;
    the examples of the attributes and methods below use the `results` made here.

    Examples:
        >>> import augbench
        >>> results = augbench.run(augmenters="none,smote", seeds=2, sizes=100,
        ...                        metrics="roc_auc,recall", progress=False)
        >>> len(results.trials)
        4
        >>> results.summary[["augmenter", "n_seeds"]]
          augmenter  n_seeds
        0      none        2
        1     smote        2
    """

    @property
    def findings(self) -> list[Finding]:
        """What a reader must not miss, as `Finding` objects (`kind`: warning, note or
        finding; `text`): the warnings on seeds and signal, how to read the numbers, and one
        sentence per augmenter on what it changed.

        Examples:
            >>> results.findings[0].kind  # two seeds are too few to tell anything apart
            'warning'
        """
        return findings_of(self)

    def plot(self, metric: str | None = None, *, kind: str = "levels",
             dataset: str | None = None) -> Any:
        """One figure of the run, as the report draws it; a notebook displays it inline.

        Args:
            metric: The metric drawn (default: the ranking metric, ROC-AUC).
            kind: Which figure: `"levels"` (`metric` of every method against training-set
                size, or prevalence), `"differences"` (the paired change each method brings
                to `metric` over the baseline, significant points filled), `"privacy"` (a
                membership attack's success against the gain in `metric`), `"reliability"`
                (reliability diagrams), `"synthetic"` (privacy and fidelity of the synthetic
                rows) or `"ranks"` (average ranks across datasets).
            dataset: The dataset drawn; needed where the run has several.

        Returns:
            A matplotlib `Figure`; its reading is `figure.caption`, and `figure.savefig(path)`
                writes it.

        Raises:
            UsageError: An unknown metric, kind or dataset, or a figure the run has no data
                for.

        Examples:
            >>> figure = results.plot("recall", kind="differences")
            >>> type(figure).__name__
            'Figure'
        """
        return draw(self, metric, kind=kind, dataset=dataset)

    def against(self, other: ResultTables, *,
                names: tuple[str, str] = ("this run", "other run")) -> Against:
        """This run beside another that split the same rows, seed by seed: what
        `augbench report DIR --against OTHER` prints.

        Args:
            other: The results of a run of the same experiment whose arms were fitted
                otherwise (a tuned run and its untuned twin, other parameters).
            names: Labels of this run and of `other`.

        Returns:
            An `Against`: which differences from the baseline hold, vanish, appear or reverse
                (`.differences`), what the change did to each arm (`.arms`), and the verdicts
                counted (`.sentence`).

        Raises:
            UsageError: `other` is no run's results, or a run of other rows.

        Examples:
            >>> other = augbench.run(augmenters="none,smote", seeds=2, sizes=100,
            ...                      metrics="roc_auc,recall", progress=False,
            ...                      params={"smote": {"k_neighbors": 3}})
            >>> print(results.against(other, names=("k=5", "k=3")).sentence)
            note: no difference from none is significant in either run (k=5, k=3)
            in the metrics shown.
        """
        if not isinstance(other, ResultTables):
            raise UsageError("against(): other takes the results of another run, from "
                             "augbench.run(...) or augbench.load_results(folder); got "
                             f"{type(other).__name__} {_short(other)}.")
        if isinstance(names, str) or not (isinstance(names, (tuple, list)) and len(names) == 2
                                          and all(isinstance(n, str) for n in names)):
            raise UsageError("against(): names takes two labels, this run's and the other's, "
                             f"such as names=('tuned', 'untuned'); got {_short(names)}.")
        return compare_runs(self, other, *names)

    warnings_raised: bool = False
    """Whether `augbench.run` raised the run's warnings as `AugbenchWarning` when it made these
    results: the notebook display then points to them instead of listing them a second time."""

    def _repr_html_(self) -> str:
        return results_html(self, warnings_raised=self.warnings_raised)


def _short(value: Any) -> str:
    """A value as an error message quotes it, cut to one short line."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:57] + "..."
