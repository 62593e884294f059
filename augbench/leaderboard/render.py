"""The leaderboard in files (CSV, markdown, figures) and in the terminal."""

from __future__ import annotations

from pathlib import Path

from augbench.leaderboard.board import POINTS, Board
from augbench.leaderboard.figures import cd_figure, posterior_figure
from augbench.reporting.blocks import MARKS
from augbench.reporting.files import file_stem
from augbench.results.tables import write_csv

POINT_WORDS = {"smallest": "the smallest training size of each table",
               "largest": "the largest training size of each table (its whole pool)"}


def write_files(board: Board, out: Path) -> list[Path]:
    """verdicts.csv, ranks.csv, bayes.csv and tables.csv (per ranking metric) into ``out``,
    and the figures into ``out``/plots."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("verdicts", board.verdicts), ("ranks", board.ranks),
                        ("bayes", board.bayes)):
        write_csv(frame, out / f"{name}.csv")
        written.append(out / f"{name}.csv")
    for metric in board.metrics:
        path = out / f"tables_{file_stem(metric)}.csv"
        write_csv(board.table_verdicts(metric), path)
        written.append(path)
    return written + write_figures(board, out / "plots")


def figure_name(kind: str, *parts: str) -> str:
    return "_".join([kind, *(file_stem(p) for p in parts)]) + ".png"


def write_figures(board: Board, folder: Path) -> list[Path]:
    """A critical-difference diagram per setting, point, classifier and metric, and the
    posterior bars per setting, point and metric."""
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (setting, point, classifier, metric), rows in board.ranks.groupby(
            ["setting", "point", "classifier", "metric"], sort=True):
        ranks = rows.set_index("augmenter")["average_rank"]
        r = rows.iloc[0]
        label = board.metrics[metric].label
        fig = cd_figure(ranks, r["cd"], f"{setting}, {classifier}, {label} at the {point} size: "
                        f"average ranks over {r['n_tables']} tables (Friedman p {r['friedman_p']:.2g})")
        path = folder / figure_name("cd", setting, point, classifier, metric)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    for (setting, point, metric), rows in board.bayes.groupby(["setting", "point", "metric"],
                                                               sort=True):
        label = board.metrics[metric].label
        fig = posterior_figure(rows, f"{setting}: {label} against {board.baseline} at the "
                               f"{point} size, ROPE ±{rows['rope'].iloc[0]:g}")
        path = folder / figure_name("bayes", setting, point, metric)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def _p(value: float) -> str:
    return "-" if value != value else f"{value:.2f}"


def markdown(board: Board, images: str = "plots", intro: str = "") -> str:
    """The leaderboard as a markdown page; figures are linked under ``images``."""
    lines = ["# Leaderboard", ""]
    if intro:
        lines += [intro, ""]
    for setting in board.settings:
        lines += [f"## {setting.capitalize()}", ""]
        for point in reversed(POINTS):
            for metric, spec in board.metrics.items():
                ranks = board.ranks.query("setting == @setting and point == @point and "
                                          "metric == @metric")
                bayes = board.bayes.query("setting == @setting and point == @point and "
                                          "metric == @metric")
                if ranks.empty:
                    continue
                lines += [f"### {spec.label}, at {POINT_WORDS[point]}", ""]
                for classifier, rows in ranks.groupby("classifier", sort=True):
                    r = rows.iloc[0]
                    lines += [f"`{classifier}`: {r['n_tables']} tables, Friedman's test "
                              f"p = {r['friedman_p']:.2g} (Iman-Davenport F = "
                              f"{r['friedman_f']:.2f}), Nemenyi critical difference "
                              f"{r['cd']:.2f} at 0.05; against `{board.baseline}`, the "
                              f"Bayesian signed-rank test with ROPE ±{board.margin(metric):g}.",
                              "",
                              "| arm | average rank | mean difference | P(worse) | "
                              "P(equivalent) | P(better) |", "|---|---:|---:|---:|---:|---:|"]
                    posterior = bayes[bayes["classifier"] == classifier].set_index("augmenter")
                    for _, row in rows.iterrows():
                        arm = row["augmenter"]
                        if arm in posterior.index:
                            b = posterior.loc[arm]
                            cells = [f"{b['mean_diff']:+.3f}", _p(b["p_worse"]),
                                     _p(b["p_equivalent"]), _p(b["p_better"])]
                        else:
                            cells = ["(baseline)", "", "", ""]
                        lines.append(f"| `{arm}` | {row['average_rank']:.2f} | "
                                     + " | ".join(cells) + " |")
                    lines += ["", f"![critical-difference diagram, {setting}, {classifier}, "
                              f"{spec.label}]({images}/"
                              f"{figure_name('cd', setting, point, classifier, metric)})", ""]
                lines += [f"![posteriors, {setting}, {spec.label}]({images}/"
                          f"{figure_name('bayes', setting, point, metric)})", ""]
    lines += _per_table(board)
    return "\n".join(lines) + "\n"


def _per_table(board: Board) -> list[str]:
    """Each table's meta-features and each arm's verdict against the baseline at its largest
    size, in the first metric, per setting and classifier."""
    metric = next(iter(board.metrics))
    spec = board.metrics[metric]
    table = board.table_verdicts(metric)
    verdict_columns = [c for c in table.columns if c.split(" ")[-1] not in (metric,)
                       and len(c.split(" ")) == 3]
    lines = ["## Per table", "",
             f"{spec.label} at each table's largest size: ▲ better, ▼ worse, ≈ practically "
             f"equivalent (±{board.margin(metric):g}), blank undecided, against "
             f"`{board.baseline}` on the same seeds (Holm across the arms of each comparison). "
             "The same, with every metric, size and interval, is in `verdicts.csv`; the "
             "meta-features and verdicts of this table in `tables_<metric>.csv`.", ""]
    for setting in board.settings:
        for classifier in sorted(set(board.scores["classifier"])):
            columns = [c for c in verdict_columns if c.startswith(f"{setting} {classifier} ")]
            if not columns:
                continue
            arms = [c.split(" ", 2)[2] for c in columns]
            base = f"{setting} {classifier} {board.baseline} {metric}"
            lines += [f"**{setting}, `{classifier}`**", "",
                      "| table | rows | positives | features | categorical | missing | "
                      f"`{board.baseline}` | " + " | ".join(f"`{a}`" for a in arms) + " |",
                      "|---|---:|---:|---:|---:|---:|---:|" + "---|" * len(arms)]
            for _, r in table.iterrows():
                marks = [MARKS.get(r[c], "") if isinstance(r[c], str) else "" for c in columns]
                lines.append(
                    f"| {r['dataset']} | {_int(r.get('rows'))} | {_int(r.get('positives'))} | "
                    f"{_int(r.get('features'))} | {_share(r.get('categorical_share'))} | "
                    f"{_share(r.get('missing_share'))} | {_p3(r.get(base))} | "
                    + " | ".join(m.strip() for m in marks) + " |")
            lines.append("")
    return lines


def _int(value: object) -> str:
    return "-" if value is None or value != value else f"{int(value):,}"


def _share(value: object) -> str:
    return "-" if value is None or value != value else f"{100 * float(value):.0f}%"


def _p3(value: object) -> str:
    return "-" if value is None or value != value else f"{float(value):.3f}"


def terminal_tables(board: Board) -> list:
    """Per metric, at each table's largest size: each arm's average rank and posterior
    probabilities against the baseline, a column per setting and classifier."""
    from rich.markup import escape
    from rich.table import Table

    tables = []
    for metric, spec in board.metrics.items():
        ranks = board.ranks.query("point == 'largest' and metric == @metric")
        if ranks.empty:
            continue
        bayes = board.bayes.query("point == 'largest' and metric == @metric").set_index(
            ["setting", "classifier", "augmenter"])
        cases = ranks[["setting", "classifier"]].drop_duplicates().itertuples(index=False)
        cases = list(cases)
        table = Table(title=escape(
            f"{spec.label} at each table's largest size: average rank · P(worse) / "
            f"P(equivalent, ±{board.margin(metric):g}) / P(better) against {board.baseline}"),
            title_justify="left")
        table.add_column("arm")
        for case in cases:
            first = ranks[(ranks["setting"] == case.setting)
                          & (ranks["classifier"] == case.classifier)].iloc[0]
            table.add_column(escape(f"{case.setting} {case.classifier} ({first['n_tables']} "
                                    f"tables, Friedman p {first['friedman_p']:.2g}, CD "
                                    f"{first['cd']:.2f})"), justify="right")
        for arm in sorted(set(ranks["augmenter"])):
            cells = []
            for case in cases:
                row = ranks[(ranks["setting"] == case.setting)
                            & (ranks["classifier"] == case.classifier)
                            & (ranks["augmenter"] == arm)]
                if row.empty:
                    cells.append("-")
                    continue
                text = f"{row['average_rank'].iloc[0]:.2f}"
                key = (case.setting, case.classifier, arm)
                if key in bayes.index:
                    b = bayes.loc[key]
                    text += f" · {b['p_worse']:.2f}/{b['p_equivalent']:.2f}/{b['p_better']:.2f}"
                cells.append(text)
            table.add_row(escape(arm), *cells)
        tables.append(table)
    return tables

