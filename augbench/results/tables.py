"""The tables of a run: the trials, the summary across seeds and the paired comparisons."""

from __future__ import annotations

import html
import importlib.util
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from augbench.errors import UsageError
from augbench.plugin.metric import Metric
from augbench.results.compare import across_tables, paired_comparisons, with_verdicts
from augbench.results.record import RunRecord
from augbench.results.row import group_columns
from augbench.results.stats import t_interval

TIMINGS = ("n_synthetic", "augment_seconds", "fit_seconds")
# What a spreadsheet reads as the start of a formula in a cell (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What `ResultTables.export` writes.
FORMATS = ("csv", "json", "markdown", "parquet")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each text cell that a spreadsheet would run as a formula (a table named
    ``=1+2``) prefixed by a quote, which shows it as text; numbers (-0.016) are left as they are."""
    def cell(value: object) -> object:
        return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    safe = frame.copy()
    for position, dtype in enumerate(frame.dtypes):
        # By position: a column's name may be a number, or repeated.
        if dtype.kind == "O" or isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype)):
            safe.isetitem(position, frame.iloc[:, position].astype(object).map(cell))
    return safe


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as a CSV file that a spreadsheet opens safely."""
    spreadsheet_safe(frame).to_csv(path, index=False)
    return path


def summarize(trials: pd.DataFrame, metrics: dict[str, Metric]) -> pd.DataFrame:
    """One row per (dataset, prevalence where set, size, augmenter, classifier): seeds, failures,
    and per metric the mean and a 95% CI across seeds (clipped to the metric's bounds, where it
    has them)."""
    group_by = group_columns(trials)
    ok = trials[trials["status"] == "ok"]
    counts = trials.groupby(group_by, sort=True).agg(
        n_seeds=("status", lambda s: int((s == "ok").sum())),
        n_failed=("status", lambda s: int((s != "ok").sum())))
    grouped = ok.groupby(group_by, sort=True)
    columns: dict[str, pd.Series] = {}
    for metric, spec in metrics.items():
        values = grouped[metric] if metric in ok else None
        if values is None:
            continue
        mean, std, n = values.mean(), values.std(), values.count()
        low, high = t_interval(mean, std, n, bounds=spec.bounds)
        columns[f"{metric}_mean"] = mean
        columns[f"{metric}_ci_low"] = pd.Series(low, index=mean.index)
        columns[f"{metric}_ci_high"] = pd.Series(high, index=mean.index)
        undefined = _undefined(ok, group_by, metric, spec).reindex(mean.index, fill_value=0)
        if undefined.any():
            columns[f"{metric}_undefined"] = undefined
    for name in TIMINGS:
        columns[f"{name}_mean"] = grouped[name].mean()
    return counts.join(pd.DataFrame(columns)).reset_index()


def _undefined(ok: pd.DataFrame, group_by: list[str], metric: str, spec: Metric) -> pd.Series:
    """Per group, the finished trials whose ``metric`` is undefined (precision where no patient
    is flagged positive): means are taken over the others, and this count says how many. A
    metric of the synthetic rows is not undefined where no row was added: it does not apply."""
    applies = ok if spec.needs == "predictions" else ok[ok["n_synthetic"] > 0]
    return applies[metric].isna().groupby([applies[c] for c in group_by], sort=True).sum()


@dataclass
class ResultTables:
    """The trials of a run (one row each), its record (configuration, metric specs, versions,
    what its augmenters can do: see `RunRecord`), its calibration bins, and the summary
    and paired comparisons computed from them: what the reports read. `augbench.Results` adds
    the views a user holds them by (a notebook display, figures, findings)."""

    trials: pd.DataFrame
    """One row per trial: its coordinates (`dataset`, `prevalence` where set, `size`, `seed`,
    `augmenter`, `classifier`), `status` (`ok` or `failed`) and `error`, one column per metric,
    the row counts (`n_train`, `n_synthetic`, `n_test`, ...) and the timings
    (`augment_seconds`, `fit_seconds`): the columns of `trials.csv`."""
    record: RunRecord = field(default_factory=RunRecord)
    """What the run was: its configuration, metric specs, library versions and what its
    augmenters can do (a `RunRecord`); the properties below read it."""
    calibration: pd.DataFrame | None = None
    """Calibration bins of the trials' test predictions (the reliability diagrams), or None."""
    out: Path | None = None
    """The folder the tables were written to, once they are (`out=` of a run, `write`)."""
    reused: int = 0
    """How many of the run's trials were taken from its folder, finished by an earlier run."""
    folder_trials: int | None = None
    """After a run into a folder: the trials the folder holds (None without a folder)."""
    folder_planned: int | None = None
    """After a run into a folder: the trials its experiment plans; more than it holds where
    runs extended it with arms or seeds they did not all run."""
    precomputed_comparisons: pd.DataFrame | None = None
    """Paired comparisons stored with a run's folder (`load_results` reads them), so that
    `comparisons` need not compute them again; None for a run just made."""

    @property
    def metrics(self) -> dict[str, Metric]:
        """The specs of the metrics the run computed, by name (see `augbench.Metric`)."""
        return self.record.metrics

    @property
    def shown(self) -> tuple[str, ...]:
        """The names of the metrics tables and figures show (the headline ones by default)."""
        return self.record.shown

    @property
    def baseline(self) -> str:
        """The arm every augmenter is compared with, seed by seed (`none` by default)."""
        return self.record.baseline

    @property
    def family(self) -> str:
        """Holm's family of the comparisons: `comparison` (the augmenters compared on one
        dataset, prevalence, size, classifier and metric) or `run` (the whole run)."""
        return self.record.family

    @property
    def capabilities(self) -> dict[str, dict]:
        """What each augmenter declared it can do (`augbench.Capabilities`, as a dict), by
        name."""
        return self.record.capabilities

    @property
    def config(self) -> dict:
        """The experiment as the folder stores it: its options, plugin parameters and, under
        `tables`, each table's fingerprint, positive label and source."""
        return self.record.config

    @property
    def versions(self) -> dict:
        """The versions of Python, augbench, the plugins and the libraries that ran, by name."""
        return self.record.versions

    @property
    def planned(self) -> int | None:
        """How many trials the experiment plans (more than `trials` holds while a run into a
        folder is unfinished)."""
        return self.record.planned

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per dataset, prevalence where set, size, augmenter and classifier:
        `n_seeds`, `n_failed`, and per metric its mean across seeds with a 95% interval
        (`roc_auc_mean`, `roc_auc_ci_low`, `roc_auc_ci_high`, ...), and the mean row counts and
        timings: the columns of `summary.csv`."""
        return summarize(self.trials, self.metrics)

    @cached_property
    def comparisons(self) -> pd.DataFrame:
        """Paired comparisons of every augmenter with the baseline, one row per dataset, size,
        augmenter, classifier and metric: `mean_diff` with its 95% interval (`ci_low`,
        `ci_high`), the paired Wilcoxon test's `p_value` and its Holm-adjusted `p_adjusted`,
        `wins`, `ties` and `losses` over the seeds, the `margin` of practical equivalence and
        the `verdict` (better, worse, equivalent or undecided): the columns of
        `comparisons.csv`."""
        if self.precomputed_comparisons is not None:
            # Verdicts read the margins, which a report may change: never taken from the cache.
            return with_verdicts(self.precomputed_comparisons, self.metrics, self.record.margins)
        return paired_comparisons(self.trials, self.metrics, self.baseline, self.family,
                                  self.record.margins)

    @cached_property
    def across_tables(self) -> pd.DataFrame:
        """On how many tables each augmenter is better, equivalent, worse or undecided against
        the baseline, per classifier and metric: the count of each verdict of `comparisons` over
        the datasets."""
        return across_tables(self.comparisons, self.metrics)

    @cached_property
    def tune_candidates(self) -> pd.DataFrame:
        """In a tuned run, every configuration each trial's search scored, one row each: the
        trial's coordinates, the augmenter's and the classifier's values (JSON, as
        `tuned_params` writes them), on how many inner folds it was scored, its mean score
        there (NaN where it failed, with `error`), and whether the trial chose it; empty for
        an untuned run."""
        keys = [*group_columns(self.trials), "seed"]
        rows = []
        tuned = self.trials if "tune_candidates" in self.trials else self.trials.iloc[:0]
        for _, trial in tuned[tuned["status"] == "ok"].iterrows():
            for seen in json.loads(trial["tune_candidates"] or "[]"):
                values = json.dumps({"augmenter": seen["augmenter"],
                                     "classifier": seen["classifier"]}, sort_keys=True)
                rows.append({**{k: trial[k] for k in keys}, "values": values,
                             "folds": seen["folds"],
                             "score": float("nan") if seen["score"] is None else seen["score"],
                             "error": seen.get("error", ""),
                             "chosen": values == trial["tuned_params"]})
        return pd.DataFrame(rows, columns=[*keys, "values", "folds", "score", "error", "chosen"])

    def metric_of_role(self, role: str) -> str | None:
        """The first metric of a role that the run computed, for figures and findings that
        never name a metric.

        Args:
            role: A role a metric declares (see `augbench.Metric`), such as `"ranking"`.

        Returns:
            The metric's name, or None where the run computed no metric of `role`.

        Examples:
            >>> results.metric_of_role("ranking")
            'roc_auc'
        """
        return next((name for name, spec in self.metrics.items()
                     if spec.role == role and f"{name}_mean" in self.summary), None)

    @property
    def controls(self) -> set[str]:
        """The arms that relabel rows instead of adding them (what chance gives), by their
        declared capabilities."""
        return {name for name, can in self.capabilities.items() if can.get("relabels")}

    @property
    def n_failed(self) -> int:
        """How many trials failed (their `status` is not `ok`; `error` says why)."""
        return int((self.trials["status"] != "ok").sum())

    def __repr__(self) -> str:
        trials = self.trials
        failed = f", {self.n_failed} failed" if self.n_failed else ""
        names = {c: ", ".join(str(n) for n in sorted(set(trials[c])))
                 for c in ("dataset", "augmenter", "classifier")}
        return (f"<augbench Results: {len(trials)} trials{failed} over "
                f"{trials['seed'].nunique()} seeds; datasets {names['dataset']}; augmenters "
                f"{names['augmenter']} (baseline {self.baseline}); classifiers "
                f"{names['classifier']}>")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The three result tables by name.

        Returns:
            `trials`, `summary` and `comparisons`, by those names.

        Examples:
            >>> sorted(results.tables())
            ['comparisons', 'summary', 'trials']
        """
        return {"trials": self.trials, "summary": self.summary, "comparisons": self.comparisons}

    def write(self, out: str | Path) -> None:
        """Write `trials.csv`, `summary.csv` and `comparisons.csv` into a folder, and remember
        it as `out`.

        Args:
            out: The folder, made where missing.

        Examples:
            >>> import tempfile
            >>> folder = tempfile.mkdtemp()
            >>> results.write(folder)
            >>> sorted(path.name for path in results.out.iterdir())
            ['comparisons.csv', 'summary.csv', 'trials.csv']
        """
        self.export(out, "csv")
        self.out = Path(out)

    def export(self, out: str | Path, fmt: str) -> list[Path]:
        """Write the tables into a folder as CSV, JSON, Parquet or one Markdown file.

        Args:
            out: The folder, made where missing.
            fmt: `"csv"` (text cells that a spreadsheet would run as a formula are quoted),
                `"json"`, `"parquet"` (needs pyarrow) or `"markdown"` (the summary and the
                paired differences in one `report.md`).

        Returns:
            The paths of the files written.

        Raises:
            UsageError: An unknown format, or parquet without pyarrow.

        Examples:
            >>> import tempfile
            >>> [path.name for path in results.export(tempfile.mkdtemp(), "markdown")]
            ['report.md']
        """
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}. Available: {', '.join(FORMATS)}.")
        if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
            raise UsageError("--format parquet needs pyarrow: pip install pyarrow")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "markdown":
            path = out / "report.md"
            sections = {"summary (mean [95% CI])": compact_summary(self.summary, self.metrics),
                        f"paired differences from {self.baseline}": self.comparisons}
            path.write_text("".join(f"## {title}\n\n{markdown_table(table)}\n"
                                    for title, table in sections.items()), encoding="utf-8")
            return [path]
        paths = []
        for name, table in self.tables().items():
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                write_csv(table, path)
            elif fmt == "json":
                table.to_json(path, orient="records", indent=1)
            else:
                table.to_parquet(path, index=False)
            paths.append(path)
        return paths


def tuned_choices(trials: pd.DataFrame) -> pd.DataFrame:
    """In a tuned run: per dataset, (prevalence,) size, augmenter and classifier, the values
    its trials chose most often (``chosen``, JSON), in how many of its ``trials``, and the mean
    inner score of all its trials; empty for an untuned run."""
    ok = trials[trials["status"] == "ok"] if "tuned_params" in trials else trials.iloc[:0]
    if ok.empty:
        return pd.DataFrame(columns=[*group_columns(trials), "chosen", "times", "trials",
                                     "tune_score"])
    rows = []
    for coordinates, group in ok.groupby(group_columns(ok), sort=True, dropna=False):
        counts = group["tuned_params"].value_counts(sort=True)
        rows.append({**dict(zip(group_columns(ok), coordinates)), "chosen": counts.index[0],
                     "times": int(counts.iloc[0]), "trials": len(group),
                     "tune_score": float(group["tune_score"].mean())})
    return pd.DataFrame(rows)


def compact_summary(summary: pd.DataFrame, metrics: dict[str, Metric]) -> pd.DataFrame:
    """The summary with one ``mean [low, high]`` text column per metric."""
    table = summary[group_columns(summary) + ["n_seeds", "n_failed"]].copy()
    for metric in metrics:
        if f"{metric}_mean" not in summary:
            continue
        mean, low, high = (summary[f"{metric}_{part}"] for part in ("mean", "ci_low", "ci_high"))
        table[metric] = [f"{m:.3f} [{lo:.3f}, {hi:.3f}]" for m, lo, hi in zip(mean, low, high)]
    return table


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured markdown table, floats to four significant digits; a name's text is
    kept as text (HTML escaped, ``|`` and line breaks kept from ending its cell)."""
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.4g}"
        return html.escape(" ".join(str(value).splitlines()), quote=False).replace("|", "\\|")

    lines = ["| " + " | ".join(map(cell, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"
