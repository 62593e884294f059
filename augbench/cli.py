"""The ``augbench`` command: a thin layer over :func:`augbench.run` and the registry."""

from __future__ import annotations

import argparse
import ast
import errno
import sys
from pathlib import Path
from typing import Any, NoReturn, Sequence

from augbench.defaults import DEFAULT_NA_VALUES, DEFAULT_OUT, DEFAULT_SEEDS, DEFAULT_SIZES
from augbench.errors import UsageError

CONFIG_NAME = "config.toml"
# Errors of writing a file that are the machine's, not augbench's: said in one line.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as every other bad input gets, instead of argparse's usage block.
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _value(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false", "none", "null"):
        return {"true": True, "false": False}.get(lowered)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_settings(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["smote.k_neighbors=3"]`` -> ``{"smote": {"k_neighbors": 3}}``."""
    params: dict[str, dict[str, Any]] = {}
    for item in items:
        name, dot, rest = item.partition(".")
        param, eq, value = rest.partition("=")
        if not (name and dot and param and eq):
            raise UsageError(f"--set {item!r} is not of the form NAME.PARAM=VALUE "
                             "(for example --set smote.k_neighbors=3).")
        params.setdefault(name, {})[param.strip()] = _value(value)
    return params


def _shares(text: str) -> tuple[float, ...]:
    """Positive shares from "0.02,0.05" or "2%,5%", in rising order."""
    shares = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            share = float(part.rstrip("%")) / (100 if part.endswith("%") else 1)
        except ValueError:
            raise UsageError(f"--prevalence: '{part}' is not a number (for example --prevalence "
                             "0.02,0.05 or 2%,5%).") from None
        shares.append(share)
    if not shares:
        raise UsageError("--prevalence names no share; give one or more, e.g. --prevalence 0.05.")
    return tuple(sorted(shares))


def _sizes(text: str) -> tuple[int | str, ...]:
    sizes: list[int | str] = []
    for part in _names(text):
        if part != "full" and not (part.isascii() and part.isdigit()):
            raise UsageError(f"--sizes: '{part}' is neither a whole number nor 'full' "
                             "(for example --sizes 100,200,full).")
        sizes.append(part if part == "full" else int(part))
    return tuple(sizes)


def build_parser() -> argparse.ArgumentParser:
    from augbench import __version__

    parser = _Parser(prog="augbench", description="Benchmark synthetic minority augmentation on "
                     "small, imbalanced tables with paired, leakage-free trials.")
    parser.add_argument("--version", action="version", version=f"augbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run an experiment and print its tables",
                         description="Evaluate every augmenter x classifier x training size x seed.")
    data = run.add_argument_group("data")
    data.add_argument("--data", action="append", metavar="NAME|PATH",
                      help="a dataset name (see 'augbench datasets') or a CSV path; repeatable "
                      "(default: breast-cancer, embedded)")
    data.add_argument("--target", help="target column of a CSV file")
    data.add_argument("--positive", type=_names, metavar="LABEL[,LABEL...]",
                      help="target values that count as positive (default: the rarest value)")
    data.add_argument("--drop", type=_names, default=(), metavar="COL[,COL...]",
                      help="columns to leave out, such as identifiers")
    data.add_argument("--categorical", type=_names, default=(), metavar="COL[,COL...]",
                      help="numeric columns to treat as categories (text columns always are)")
    data.add_argument("--na-values", type=lambda s: tuple(s.split(",")), metavar="TOKEN[,...]",
                      default=DEFAULT_NA_VALUES,
                      help="cell texts read as missing (default: empty, ?, NA, N/A)")
    grid = run.add_argument_group("experiment")
    grid.add_argument("--augmenters", type=_names, default=("none", "smote"), metavar="A[,A...]",
                      help="augmenters to compare (default: none,smote)")
    grid.add_argument("--classifiers", type=_names, default=("lr",), metavar="C[,C...]",
                      help="classifiers to fit (default: lr)")
    grid.add_argument("--sizes", type=_sizes, default=DEFAULT_SIZES, metavar="N[,N...|full]",
                      help="training-set sizes drawn from the training pool "
                      "(default: 100,200,400,full, keeping those that fit)")
    grid.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                      help=f"number of seeds, 0..N-1 (default {DEFAULT_SEEDS})")
    grid.add_argument("--ratio", type=float, default=1.0,
                      help="minority:majority ratio after augmentation (default 1.0, i.e. 1:1)")
    grid.add_argument("--test-size", type=float, default=0.3,
                      help="fraction of each seed's rows held out for testing (default 0.3)")
    grid.add_argument("--prevalence", type=_shares, metavar="P[,P...]",
                      help="thin every table to these positive shares (a random subset of its "
                      "positive rows per seed, train and test alike), e.g. 0.02,0.05,0.1; "
                      "results are reported per prevalence (default: the tables as they are)")
    grid.add_argument("--metrics", type=_names, metavar="M[,M...]",
                      help="metrics to compute, and show in tables and figures (default: every "
                      "registered metric, showing the headline ones; see 'augbench plugins')")
    grid.add_argument("--baseline", metavar="AUGMENTER",
                      help="what every augmenter is compared with, seed by seed (default: none, "
                      "the original data, which then always runs)")
    grid.add_argument("--permutation-control", action="store_true",
                      help="also fit each classifier on shuffled training labels (the "
                      "'permuted-labels' arm): what chance gives, for the no-signal alarm")
    grid.add_argument("--holm", choices=("comparison", "run"), default="comparison",
                      help="Holm's family: the augmenters compared with the baseline on one "
                      "dataset, prevalence, size, classifier and metric (default), or the "
                      "whole run")
    grid.add_argument("--set", action="append", default=[], metavar="NAME.PARAM=VALUE",
                      dest="settings", help="a parameter of an augmenter or classifier; repeatable")
    how = run.add_argument_group("execution")
    how.add_argument("--jobs", type=int, metavar="N",
                     help="trials run in N processes, one thread each (default: all cores)")
    how.add_argument("--executor", choices=("local", "ray"), default="local",
                     help="local processes, or Ray tasks (pip install 'augbench[ray]')")
    how.add_argument("--address", metavar="ADDR",
                     help="address of an existing Ray cluster (default: start one here)")
    how.add_argument("--trial-timeout", type=float, metavar="SECONDS",
                     help="fail a trial whose augmentation (per seed) or fit takes longer")
    output = run.add_argument_group("output")
    output.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                        help=f"results folder: store, CSV exports, report (default: {DEFAULT_OUT})")
    output.add_argument("--report", action="store_true",
                        help="also write the figures (DIR/plots/) and DIR/report.html")
    output.add_argument("--overwrite", action="store_true",
                        help="replace another experiment's results in --out")
    output.add_argument("--fail-fast", action="store_true",
                        help="stop at the first failing trial and show its traceback (one job)")
    output.add_argument("--quiet", action="store_true", help="no progress bar")
    files = run.add_argument_group("experiment files")
    files.add_argument("--config", type=Path, metavar="FILE",
                       help="read options from a TOML file: long option names as keys, "
                       "[params.<plugin>] tables for plugin parameters; flags override it")
    files.add_argument("--dump-config", action="store_true",
                       help="print the effective options as such a file, and run nothing")
    parser.run_parser = run  # read by --config, to tell flags given from defaults

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
    sub.add_parser("plugins", help="list installed plugins and what they provide")
    sub.add_parser("datasets", help="list the named datasets")
    return parser


def _with_config(args: argparse.Namespace, run_parser: argparse.ArgumentParser,
                 argv: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Apply ``--config``: the file's options where no flag was given; returns the plugin
    parameters, the file's with --set's on top."""
    from augbench.config_file import explicit_options, read_config

    params = parse_settings(args.settings)
    if args.config is None:
        return params
    values, from_file = read_config(args.config, run_parser)
    given = explicit_options(run_parser, argv)
    for dest, value in values.items():
        if dest not in given:
            setattr(args, dest, value)
    merged = {name: dict(p) for name, p in from_file.items()}
    for name, p in params.items():
        merged.setdefault(name, {}).update(p)
    return merged


def _effective_toml(args: argparse.Namespace, settings: dict, run_parser: Any) -> str:
    from augbench.config_file import to_toml

    return to_toml(vars(args), settings, run_parser)


def _folder_toml(args: argparse.Namespace, settings: dict, run_parser: Any) -> str:
    """DIR/config.toml: the whole experiment the folder holds, which is more than this command
    when the command extended one with seeds or arms, so that 'augbench run --config
    DIR/config.toml' reruns all of it."""
    import json

    from augbench.results.store import STORE_NAME, Store

    whole = {}
    if (args.out / STORE_NAME).is_file():  # not yet when the run was interrupted early
        store = Store(args.out / STORE_NAME)
        try:
            whole = json.loads(store.meta("config") or "{}")
        finally:
            store.close()
    folder = argparse.Namespace(**vars(args))
    folder.seeds = max(args.seeds, whole.get("seeds", 0))
    for kind in ("augmenters", "classifiers"):
        setattr(folder, kind, tuple(dict.fromkeys([*whole.get(kind, ()), *getattr(args, kind)])))
    return _effective_toml(folder, {**whole.get("params", {}), **settings}, run_parser)


def _run(args: argparse.Namespace, run_parser: argparse.ArgumentParser,
         argv: Sequence[str]) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from augbench.execution.settings import Execution
    from augbench.experiment.plan import (
        DataSpec,
        Experiment,
        data_specs,
        make_plan,
        with_permutation_control,
    )
    from augbench.plugin.kit import available_cores
    from augbench.runner import run

    settings = _with_config(args, run_parser, argv)
    if args.dump_config:
        sys.stdout.write(_effective_toml(args, settings, run_parser))
        return 0
    file_settings = {name: dict(p) for name, p in settings.items()}
    sources = args.data or [DataSpec().source]
    # --set NAME.PARAM=VALUE for a dataset of --data goes to that dataset, the rest to plugins.
    specs = data_specs(sources, target=args.target, positive=args.positive, drop=args.drop,
                       categorical=args.categorical, na_values=args.na_values,
                       options={src: settings.pop(src) for src in sources if src in settings})
    augmenters = args.augmenters
    if args.permutation_control:
        augmenters = with_permutation_control(augmenters)
    exp = Experiment(data=specs, augmenters=augmenters, classifiers=args.classifiers,
                     sizes=args.sizes, seeds=args.seeds, ratio=args.ratio,
                     test_size=args.test_size, params=settings, baseline=args.baseline,
                     metrics=args.metrics, holm=args.holm, prevalence=args.prevalence)
    jobs = args.jobs if args.jobs is not None else (1 if args.fail_fast else available_cores())
    execution = Execution(jobs=jobs, executor=args.executor, address=args.address,
                          trial_timeout=args.trial_timeout, fail_fast=args.fail_fast)
    job = make_plan(exp)
    console, err = _consoles()
    thinned = ""
    if exp.prevalence:
        shares = ", ".join(f"{100 * p:.3g}%" for p in exp.prevalence)
        thinned = f"; thinned per seed to prevalence {shares}"
    for note in job.notes:
        err.print(note, markup=False, highlight=False, soft_wrap=True)
    if execution.executor == "local" and jobs > available_cores():
        err.print(f"warning: --jobs {jobs} is more than the {available_cores()} cores this "
                  "process may use: the workers share them, which is no faster, and each holds "
                  f"its own copy of the data and models in memory; --jobs {available_cores()} "
                  "uses every core.", markup=False, highlight=False, soft_wrap=True)
    for ds in job.datasets.values():
        if not args.quiet:
            err.print(f"data: {ds.describe()}{thinned}", markup=False, highlight=False,
                      soft_wrap=True)
        for note in ds.notes:
            err.print(note, markup=False, highlight=False, soft_wrap=True)
    progress = Progress(TextColumn("trials"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("[red]{task.fields[failed]} failed"), TimeRemainingColumn(),
                        console=err, disable=args.quiet, transient=False)
    task = progress.add_task("trials", total=len(job.trials), failed=0)
    failed = 0

    def on_trial(result: Any) -> None:
        nonlocal failed
        failed += not result.ok
        progress.update(task, advance=1, failed=failed)

    try:
        with progress:
            results = run(job, out=args.out, execution=execution, overwrite=args.overwrite,
                          on_trial=on_trial)
    except KeyboardInterrupt:
        (args.out / CONFIG_NAME).write_text(_folder_toml(args, file_settings, run_parser))
        err.print(f"interrupted: the finished trials are in {args.out / 'trials.csv'}")
        return 130
    (args.out / CONFIG_NAME).write_text(_folder_toml(args, file_settings, run_parser))
    code = _finish(results, console, err, args.out, html=args.report)
    held, planned = results.folder
    if held < planned:
        err.print(f"note: {args.out} holds {held} of the {planned} trials of its experiment, "
                  "whose augmenters, classifiers and seeds come from several commands; "
                  f"'augbench run --config {args.out / CONFIG_NAME}' runs the rest.",
                  markup=False, highlight=False, soft_wrap=True)
    return code


def _finish(results: Any, console: Any, err: Any, out: Path, *, plots: bool = False,
            html: bool = False) -> int:
    from augbench.reporting.terminal import print_report

    print_report(results, console)
    if plots or html:
        from augbench.reporting.plots import write_plots

        figures = write_plots(results, out / "plots")
        err.print(f"wrote {len(figures)} figures to {out / 'plots'}", markup=False)
        if html:
            from augbench.reporting.html import write_html

            err.print(f"wrote {write_html(results, out / 'report.html', figures)}", markup=False)
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
    if not console.is_terminal:
        # Files and CI logs have no width; 80 columns would squeeze the tables.
        console = Console(width=max(console.width, 120))
    return console, Console(stderr=True)


def _report(args: argparse.Namespace) -> int:
    from augbench.runner import load_results

    results = load_results(args.out)
    written = [path for fmt in (args.formats or []) for path in results.export(args.out, fmt)]
    console, err = _consoles()
    code = _finish(results, console, err, args.out, plots=args.plots, html=args.html)
    for path in written:
        err.print(f"wrote {path}", markup=False, highlight=False)
    return code


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


def _datasets() -> int:
    from rich.console import Console
    from rich.table import Table

    from augbench.registry import default_registry

    registry = default_registry()
    table = Table("dataset", "plugin", "description")
    for name in registry.names("datasets"):
        entry = registry.get("datasets", name)
        doc = (entry.factory.__doc__ or "").strip().splitlines()
        table.add_row(name, entry.plugin, doc[0] if doc else "")
    Console().print(table)
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
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command != "report":  # a report reads its metric specs from the store
            _say_skipped_plugins()
        after = argv[argv.index("run") + 1:] if "run" in argv else []
        command = {"run": lambda: _run(args, parser.run_parser, after), "report": lambda: _report(args),
                   "plugins": _plugins, "datasets": _datasets}
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
