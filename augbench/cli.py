"""The ``augbench`` command: a thin layer over `augbench.run` and the registry."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
from typing import Any, Sequence

from augbench.errors import UsageError
from augbench.options import (
    OPTIONS,
    Parser,
    add_run_options,
    given_options,
    margin_setting,
    parse_settings,
    read_file,
    request,
    to_toml,
)
from augbench.results.record import CONFIG_NAME

# Errors of writing a file that are the machine's, not augbench's: said in one line.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def build_parser() -> argparse.ArgumentParser:
    from augbench import __version__

    parser = Parser(prog="augbench", description="Benchmark synthetic minority augmentation on "
                     "small, imbalanced tables with paired, leakage-free trials.")
    parser.add_argument("--version", action="version", version=f"augbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="run an experiment and print its tables",
                         description="Evaluate every augmenter x classifier x training size x seed.")
    add_run_options(run)
    _add_download_options(run)

    report = sub.add_parser("report", help="render stored results again, without running trials",
                            description="Print the tables of a finished or interrupted run and "
                            "export its results.")
    report.add_argument("out", type=Path, metavar="DIR", help="a folder written by 'augbench run'")
    report.add_argument("--format", choices=("csv", "json", "markdown", "parquet"),
                        action="append", dest="formats",
                        help="also export trials, summary and comparisons in this format "
                        "(repeatable)")
    report.add_argument("--plots", action="store_true", help="write PNG figures into DIR/plots/")
    report.add_argument("--html", action="store_true",
                        help="write a self-contained DIR/report.html (implies --plots)")
    report.add_argument("--rope", type=margin_setting, action="append", metavar="METRIC=MARGIN",
                        help="read the differences against this margin of practical equivalence "
                        "instead of the run's (repeatable; see 'augbench run --help')")
    report.add_argument("--against", type=Path, metavar="OTHER",
                        help="also compare with the run in OTHER, seed by seed (a tuned run with "
                        "its untuned twin): which differences from the baseline hold, vanish, "
                        "appear or reverse, and what changed for each arm; written to "
                        "DIR/against_differences.csv and DIR/against_arms.csv")
    _add_leaderboard(sub)
    sub.add_parser("plugins", help="list installed plugins and what they provide")
    datasets = sub.add_parser(
        "datasets", help="list the named datasets and suites, or download them now",
        description="List the named datasets (with their rows, positives and licence once "
        "downloaded) and suites; 'augbench datasets fetch NAME ...' downloads datasets, or "
        "every table of suite:NAME, into the data home.")
    datasets.add_argument("action", nargs="?", choices=("fetch",),
                          help="fetch: download the NAMEs now (a run downloads them on first use)")
    datasets.add_argument("names", nargs="*", metavar="NAME",
                          help="datasets, or suite:NAME for every table of a suite")
    _add_download_options(datasets)
    return parser


def _add_leaderboard(sub: Any) -> None:
    from augbench.options import names

    board = sub.add_parser(
        "leaderboard", help="rank methods across tables: per-table verdicts, Friedman and "
        "critical differences, Bayesian posteriors; place a new method among reference results",
        description="Read runs of many tables (the folders given), or a suite's reference "
        "results (--suite), as a leaderboard: each arm's verdict against 'none' per table and "
        "size, its average rank across tables with Friedman's test and the critical "
        "difference, and the Bayesian signed-rank test's P(worse), P(equivalent), P(better). "
        "With --suite and --augmenters, only those augmenters' trials run, on the reference's "
        "seeds and splits, and are placed among the reference arms.")
    board.add_argument("folders", nargs="*", type=Path, metavar="DIR",
                       help="folders written by 'augbench run' (a tuned run is the 'tuned' "
                       "setting)")
    board.add_argument("--suite", action="append", metavar="NAME",
                       help="the reference results of this suite (repeatable; see 'augbench "
                       "datasets')")
    board.add_argument("--reference", type=Path, metavar="FILE",
                       help="reference results to read instead of those augbench ships")
    board.add_argument("--augmenters", type=names, metavar="A[,A...]",
                       help="with --suite: run only these augmenters' trials and place them")
    board.add_argument("--set", dest="settings", action="append", metavar="NAME.PARAM=VALUE",
                       help="a parameter of an augmenter --augmenters names; repeatable")
    board.add_argument("--metrics", type=names, metavar="M[,M...]",
                       help="the metrics read (default: roc_auc,pr_auc)")
    board.add_argument("--rope", type=margin_setting, action="append", metavar="METRIC=MARGIN",
                       help="a metric's margin of practical equivalence (repeatable)")
    board.add_argument("--jobs", type=int, metavar="N", help="processes for --augmenters' trials")
    board.add_argument("--out", type=Path, default=Path("leaderboard"), metavar="DIR",
                       help="where the CSV files, figures, leaderboard.md and the new arms' "
                       "runs go (default: leaderboard)")
    board.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_download_options(board)


def _add_download_options(parser: argparse.ArgumentParser) -> None:
    from augbench.plugin.remote import DATA_HOME_VARIABLE, MIRROR_VARIABLE

    group = parser.add_argument_group("downloaded tables")
    group.add_argument("--data-home", metavar="DIR",
                       help=f"where downloaded tables are kept (default: ${DATA_HOME_VARIABLE}, "
                       "else a per-user cache folder)")
    group.add_argument("--mirror", metavar="URL",
                       help="a base URL (or folder) serving the published files by name, "
                       f"instead of their public addresses (default: ${MIRROR_VARIABLE})")


def _use_download_options(args: argparse.Namespace) -> None:
    """--data-home and --mirror for this command: the variables the download code reads."""
    import os

    from augbench.plugin.remote import DATA_HOME_VARIABLE, MIRROR_VARIABLE

    for value, variable in ((getattr(args, "data_home", None), DATA_HOME_VARIABLE),
                            (getattr(args, "mirror", None), MIRROR_VARIABLE)):
        if value:
            os.environ[variable] = value


def _options(args: argparse.Namespace, argv: Sequence[str]) -> tuple[dict, dict]:
    """The run's option values (by ``dest``) and plugin parameters: the flags given, then the
    ``--config`` file's values for the options no flag gave, then the defaults; ``--set`` on
    top of the file's [params]."""
    values = {option.dest: getattr(args, option.dest) for option in OPTIONS
              if option.name != "set"}
    params = parse_settings(args.settings or [])
    if args.config is None:
        return values, params
    from_file, file_params = read_file(args.config)
    given = given_options(argv)
    values.update({dest: value for dest, value in from_file.items() if dest not in given})
    if "tune_space" in given and "tune_space" in from_file:
        # As --set on top of [params]: each --tune-space on top of the file's [tune] tables.
        values["tune_space"] = [*(
            (name, param, v) for name, table in from_file["tune_space"].items()
            for param, v in table.items()), *args.tune_space]
    merged = {name: dict(p) for name, p in file_params.items()}
    for name, p in params.items():
        merged.setdefault(name, {}).update(p)
    return values, merged


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from augbench.experiment.plan import make_plan
    from augbench.plugin.kit import available_cores
    from augbench.reporting.progress import trial_progress
    from augbench.runner import run_plan

    values, params = _options(args, argv)
    if values["dump_config"]:
        sys.stdout.write(to_toml(values, params))
        return 0
    if values["jobs"] is None:
        values["jobs"] = 1 if values["fail_fast"] else available_cores()
    asked = request(values, params)
    plan = make_plan(asked.experiment)
    console, err = _consoles()
    jobs = asked.execution.jobs
    for note in plan.notes:
        err.print(note, markup=False, highlight=False, soft_wrap=True)
    if asked.execution.executor == "local" and jobs > available_cores():
        err.print(f"warning: --jobs {jobs} is more than the {available_cores()} cores this "
                  "process may use: the workers share them, which is no faster, and each holds "
                  f"its own copy of the data and models in memory; --jobs {available_cores()} "
                  "uses every core.", markup=False, highlight=False, soft_wrap=True)
    prevalence = asked.experiment.prevalence
    thinned = ""
    if prevalence:
        thinned = "; thinned per seed to prevalence " + ", ".join(f"{100 * p:.3g}%"
                                                               for p in prevalence)
    for ds in plan.datasets.values():
        if not values["quiet"]:
            err.print(f"data: {ds.describe()}{thinned}", markup=False, highlight=False,
                      soft_wrap=True)
        for note in ds.notes:
            err.print(note, markup=False, highlight=False, soft_wrap=True)
    progress, on_trial = trial_progress(len(plan.trials), err, disable=values["quiet"])
    try:
        with progress:
            results = run_plan(plan, asked.execution, out=asked.out,
                               overwrite=asked.overwrite, on_trial=on_trial)
    except KeyboardInterrupt:
        err.print(f"interrupted: the finished trials are in {asked.out / 'trials.csv'}")
        return 130
    code = _finish(results, console, err, asked.out, html=asked.report)
    held, planned = results.folder_trials, results.folder_planned
    if held is not None and held < planned:
        err.print(f"note: {asked.out} holds {held} of the {planned} trials of its experiment, "
                  "whose augmenters, classifiers and seeds come from several commands; "
                  f"'augbench run --config {asked.out / CONFIG_NAME}' runs the rest.",
                  markup=False, highlight=False, soft_wrap=True)
    return code


def _finish(results: Any, console: Any, err: Any, out: Path, *, plots: bool = False,
            html: bool = False, against: str = "") -> int:
    from augbench.reporting.terminal import print_report

    print_report(results, console)
    if plots or html:
        from augbench.reporting.figures import write_plots

        figures = write_plots(results, out / "plots")
        err.print(f"wrote {len(figures)} figures to {out / 'plots'}", markup=False)
        if html:
            from augbench.reporting.html import write_html

            err.print(f"wrote {write_html(results, out / 'report.html', figures, against)}",
                      markup=False)
    trials = len(results.trials)
    files = [name for name in ("trials.csv", "summary.csv", "comparisons.csv")
             if (out / name).is_file()]
    where = f"; results in {out}/{{{','.join(files)}}}" if files else ""
    reused = f" ({results.reused} of them from the store)" if results.reused else ""
    err.print(f"{trials - results.n_failed} of {trials} trials ok{reused}{where}", markup=False,
              highlight=False)
    if results.planned and results.planned > trials:
        # Interrupted, or extended by a command that ran some arms or seeds only: the folder's
        # file names the whole experiment either way (a run from Python writes none).
        again = (f"'augbench run --config {out / CONFIG_NAME}'" if (out / CONFIG_NAME).is_file()
                 else "the same experiment again")
        err.print(f"warning: {trials} of the {results.planned} planned trials are stored; "
                  f"running {again} finishes them.", markup=False, highlight=False,
                  soft_wrap=True)  # unwrapped: the command is copied from it
    if results.n_failed:
        first = results.trials.loc[results.trials["status"] != "ok", "error"].iloc[0]
        err.print(f"[red]{results.n_failed} trials failed[/]; first error: {first}", markup=True)
        return 1
    return 0


def _consoles() -> tuple[Any, Any]:
    """Rich consoles for stdout (the report) and stderr (progress and status lines)."""
    from rich.console import Console

    console = Console()
    in_a_cell = _in_a_notebook_cell()
    if not console.is_terminal or in_a_cell:
        # Files and CI logs have no width, and a cell's pseudo-terminal says 80 whatever the
        # page shows; 80 columns would squeeze the tables.
        console = Console(width=max(console.width, 120))
    # A cell shows every frame of a live progress bar as a line of its own: there, the bar is
    # drawn once, when the run ends.
    return console, Console(stderr=True, force_interactive=False if in_a_cell else None)


def _in_a_notebook_cell() -> bool:
    """Whether this command runs from a Jupyter cell (``!augbench run ...``): its kernel gives
    every process it starts its own id in ``JPY_PARENT_PID``."""
    import os

    return "JPY_PARENT_PID" in os.environ


def _report(args: argparse.Namespace) -> int:
    from augbench.results.tables import write_csv
    from augbench.runner import load_results

    results = load_results(args.out, rope=dict(args.rope or []))
    # The other run is read and checked first: a wrong folder must not half-write a report.
    against = _against(results, args.out, args.against) if args.against is not None else None
    written = [path for fmt in (args.formats or []) for path in results.export(args.out, fmt)]
    console, err = _consoles()
    code = _finish(results, console, err, args.out, plots=args.plots, html=args.html,
                   against=against.html if against is not None and args.html else "")
    for path in written:
        err.print(f"wrote {path}", markup=False, highlight=False)
    if against is not None:
        for table in against.tables:
            console.print(table)
        console.print(against.sentence, markup=False, highlight=False)
        for name, frame in (("against_differences.csv", against.differences),
                            ("against_arms.csv", against.arms)):
            write_csv(frame, args.out / name)
            err.print(f"wrote {args.out / name}", markup=False, highlight=False)
    return code


def _against(results: Any, out: Path, other: Path) -> Any:
    from augbench.reporting.against import compare_runs
    from augbench.runner import load_results

    here_name, there_name = out.name or str(out), other.name or str(other)
    if here_name == there_name:  # a/run against b/run: the columns need the whole paths
        here_name, there_name = str(out), str(other)
    return compare_runs(results, load_results(other), here_name, there_name)


def _leaderboard(args: argparse.Namespace) -> int:
    from augbench.leaderboard.author import run_arms
    from augbench.leaderboard.command import (
        DEFAULT_METRICS,
        board_of_folders,
        board_of_reference,
        reference_of,
    )
    from augbench.leaderboard.render import markdown, terminal_tables, write_files

    metrics = tuple(args.metrics or DEFAULT_METRICS)
    margins = dict(args.rope or [])
    if bool(args.folders) == bool(args.suite):
        raise UsageError("give the folders of runs to read, or --suite NAME for a suite's "
                         "reference results (see 'augbench leaderboard --help').")
    if args.augmenters and not args.suite:
        raise UsageError("--augmenters runs new arms against a suite's reference results: add "
                         "--suite NAME (folders are read as they are).")
    if args.folders:
        board = board_of_folders(args.folders, metrics, margins)
    else:
        reference = reference_of(args.suite, args.reference)
        added = run_arms(reference, tuple(args.augmenters), args.out / "runs", jobs=args.jobs,
                         params=parse_settings(args.settings or []),
                         progress=not args.quiet) if args.augmenters else None
        board = board_of_reference(reference, metrics, margins, added)
    written = write_files(board, args.out)
    (args.out / "leaderboard.md").write_text(markdown(board), encoding="utf-8")
    console, err = _consoles()
    for table in terminal_tables(board):
        console.print(table)
    err.print(f"wrote {args.out}/leaderboard.md and {len(written)} files (verdicts.csv, "
              "ranks.csv, bayes.csv, tables_<metric>.csv, plots/)", markup=False,
              highlight=False)
    return 0


def _plugins() -> int:
    from rich.console import Console
    from rich.table import Table

    from augbench.registry import KINDS, default_registry

    registry = default_registry()
    table = Table("plugin", "provides", "distribution", "version")
    by_plugin: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS:
        for entry in registry.entries[kind].values():
            by_plugin.setdefault(entry.plugin, {}).setdefault(kind, []).append(entry.name)
    for name in sorted(by_plugin):
        dist, version = registry.provider(name)
        provides = "\n".join(f"{kind}: {', '.join(names)}" for kind, names in by_plugin[name].items())
        table.add_row(name, provides, dist, version)
    for name, reason in sorted(registry.skipped.items()):
        table.add_row(name, f"left out: {reason}", "-", "-")
    Console().print(table)
    return 0


def _datasets(args: argparse.Namespace) -> int:
    if args.action == "fetch":
        return _fetch(args.names)
    if args.names:
        raise UsageError("augbench datasets lists every dataset; to download some, "
                         "'augbench datasets fetch NAME ...'.")
    return _list_datasets()


def _files_of(factory: Any) -> tuple:
    """The published files a dataset factory downloads (its ``files``; none for a table that
    is embedded or read from a path)."""
    return tuple(getattr(factory, "files", ()) or ())


def _list_datasets() -> int:
    from rich.console import Console
    from rich.table import Column, Table

    import augbench
    from augbench.plugin.remote import cached
    from augbench.registry import default_registry

    registry = default_registry()
    table = Table(Column("dataset", no_wrap=True), "here", Column("rows", justify="right"),
                  Column("positive", justify="right"), "licence", "plugin", "description",
                  caption="rows and positives once a table is here: downloaded tables are "
                  "fetched on first use, or by 'augbench datasets fetch NAME'")
    for name in registry.names("datasets"):
        entry = registry.get("datasets", name)
        doc = (entry.provided.__doc__ or "").strip().splitlines()
        files = _files_of(entry.provided)
        rows = positives = "-"
        here = all(cached(f) for f in files)
        if here:
            try:  # a table here reads in a fraction of a second
                dataset = augbench.load_dataset(name, registry=registry)
                rows, positives = f"{len(dataset.y):,}", f"{int(dataset.y.sum()):,}"
            except UsageError:
                rows = "unreadable"
        table.add_row(name, ("yes" if here else "no") if files else "built in", rows, positives,
                      getattr(entry.provided, "licence", "") or "-",
                      entry.plugin, doc[0] if doc else "")
    Console().print(table)
    if registry.names("suites"):
        suites = Table("suite", "version", Column("datasets", no_wrap=True), "plugin", "description",
                       caption="run a suite's tables with --data suite:NAME")
        for name in registry.names("suites"):
            entry = registry.get("suites", name)
            suite = entry.provided
            suites.add_row(name, suite.version, "\n".join(suite.datasets), entry.plugin,
                           suite.description)
        Console().print(suites)
    return 0


def _fetch(names: Sequence[str]) -> int:
    """Download (and prepare) the named datasets now, one progress bar per file."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    import augbench
    from augbench.experiment.datasets import expand_suites
    from augbench.plugin.remote import cached, fetch_file
    from augbench.registry import default_registry

    if not names:
        raise UsageError("augbench datasets fetch needs the names of datasets (or suite:NAME); "
                         "'augbench datasets' lists them.")
    registry = default_registry()
    wanted = expand_suites(names, registry)
    unknown = [n for n in wanted if n not in registry.entries["datasets"]]
    if unknown:
        raise UsageError(f"unknown dataset {unknown[0]!r}; 'augbench datasets' lists them.")
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  console=console, transient=True) as progress:
        for name in wanted:
            factory = registry.get("datasets", name).provided
            for remote in _files_of(factory):
                if cached(remote):
                    continue
                task = progress.add_task(f"{name}: {remote.name}", total=None)
                fetch_file(remote, lambda done, total, task=task: progress.update(
                    task, completed=done, total=total))
            dataset = augbench.load_dataset(name, registry=registry)
            licence = getattr(factory, "licence", "") or "not stated"
            cite = getattr(factory, "citation", "")
            progress.console.print(
                f"{name}: {len(dataset.y):,} rows, {int(dataset.y.sum()):,} positive; "
                f"licence: {licence}" + (f"; cite: {cite}" if cite else ""),
                markup=False, highlight=False, soft_wrap=True)
    return 0


def _say_skipped_plugins() -> None:
    """A ``warning:`` line for each installed plugin left out as broken; the commands go on
    without it."""
    import warnings

    from augbench.registry import default_registry, skipped_plugin_lines

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said here, once, as a line of its own
        registry = default_registry()
    for line in skipped_plugin_lines(registry.skipped):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(argv)
        if args.command != "report":  # a report reads its metric specs from the store
            _say_skipped_plugins()
        _use_download_options(args)
        command = {"run": lambda: _run(args, argv), "report": lambda: _report(args),
                   "plugins": _plugins, "datasets": lambda: _datasets(args),
                   "leaderboard": lambda: _leaderboard(args)}
        return command[args.command]()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        # A file augbench writes beside the store (config.toml, an export): the store keeps
        # every finished trial.
        print(f"error: cannot write {exc.filename or 'a results file'}: {exc.strerror}; make "
              "room or fix the permissions, then run the command again.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
