"""The options of ``augbench run``, as one table that the command line, experiment files and
`augbench.run` all read.

Each `Option` names itself once (``--test-size`` on the command line, ``test-size`` in a
file, ``test_size=`` in Python), parses a value's text once, and says what it sets. The command
line's argparse parser, the keys a file may hold, the keywords ``augbench.run`` takes and the
files ``--dump-config`` and a run's ``DIR/config.toml`` write are all derived from the table, so
a value means the same thing, and is refused with the same words, wherever it is given.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import numbers
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from augbench.defaults import (
    DEFAULT_NA_VALUES,
    DEFAULT_OUT,
    DEFAULT_SEEDS,
    DEFAULT_SIZES,
    TUNING_KEYS,
)
from augbench.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, published for older Pythons
    import tomli as tomllib

# --- parsers of a value's text --------------------------------------------------------------


def names(text: str) -> tuple[str, ...]:
    """Names from "a,b" (spaces around a name are not part of it)."""
    return tuple(n.strip() for n in text.split(",") if n.strip())


def sizes(text: str) -> tuple[int | str, ...]:
    """Training sizes from "100,200,full"."""
    found: list[int | str] = []
    for part in names(text):
        if part != "full" and not (part.isascii() and part.isdigit()):
            raise UsageError(f"--sizes: '{part}' is neither a whole number nor 'full' "
                             "(for example --sizes 100,200,full).")
        found.append(part if part == "full" else int(part))
    return tuple(found)


def shares(text: str) -> tuple[float, ...]:
    """Positive shares from "0.02,0.05" or "2%,5%", in rising order."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            share = float(part.rstrip("%")) / (100 if part.endswith("%") else 1)
        except ValueError:
            raise UsageError(f"--prevalence: '{part}' is not a number (for example --prevalence "
                             "0.02,0.05 or 2%,5%).") from None
        found.append(share)
    if not found:
        raise UsageError("--prevalence names no share; give one or more, e.g. --prevalence 0.05.")
    return tuple(sorted(found))


def cell_texts(text: str) -> tuple[str, ...]:
    """Cell texts read as missing, from "NA,?,": an empty one is the empty cell."""
    return tuple(text.split(","))


def setting_value(text: str) -> Any:
    """A plugin parameter's value: a Python literal where it is one ("3", "(32, 32)",
    "true"), else the text."""
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
        params.setdefault(name, {})[param.strip()] = setting_value(value)
    return params


def tune_setting(text: str) -> tuple[str, str, tuple[Any, ...]]:
    """``"smote.k_neighbors=3,7"`` -> ``("smote", "k_neighbors", (3, 7))``: the values --tune
    tries for one parameter (each read as --set reads a value; a tuple of numbers in
    parentheses stays one value)."""
    name, dot, rest = text.partition(".")
    param, eq, values = rest.partition("=")
    if not (name and dot and param and eq and values.strip()):
        raise UsageError(f"--tune-space {text!r} is not of the form NAME.PARAM=V1,V2,... (for "
                         "example --tune-space smote.k_neighbors=3,5,7).")
    return name, param.strip(), tuple(setting_value(v) for v in _top_level_commas(values))


def margin_setting(text: str) -> tuple[str, float]:
    """``"roc_auc=0.02"`` -> ``("roc_auc", 0.02)``: a metric's margin of practical
    equivalence (--rope)."""
    name, eq, value = text.partition("=")
    try:
        margin = float(value)
    except ValueError:
        margin = float("nan")
    if not (name.strip() and eq) or not 0 <= margin < float("inf"):
        raise UsageError(f"--rope {text!r} is not of the form METRIC=MARGIN with a margin >= 0 "
                         "in the metric's units (for example --rope roc_auc=0.02).")
    return name.strip(), margin


def margins(settings: Iterable[tuple[str, float]] | Mapping[str, Any] | None) -> dict[str, float]:
    """Margins by metric from --rope settings (later ones win), or from a ``{metric: margin}``
    mapping (the ``rope`` keyword of ``augbench.run``)."""
    if not settings:
        return {}
    if isinstance(settings, Mapping):
        return dict(margin_setting(f"{name}={value}") for name, value in settings.items())
    return dict(settings)


def _top_level_commas(text: str) -> list[str]:
    """``"(32, 32),(64, 64)"`` -> ``["(32, 32)", "(64, 64)"]``: commas inside brackets stay."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [p.strip() for p in [*parts, text[start:]] if p.strip()]


def tune_spaces(settings: Iterable[tuple[str, str, tuple[Any, ...]]] | Mapping[str, Any] | None,
                where: str = "--tune-space") -> dict[str, dict[str, tuple[Any, ...]]]:
    """The values to try by augmenter or classifier and parameter, from --tune-space settings
    (later ones win), or from a ``{name: {param: values}}`` mapping (a file's [tune] tables,
    the ``tune_space`` keyword)."""
    if not settings:
        return {}
    if isinstance(settings, Mapping):
        if not all(isinstance(v, Mapping) for v in settings.values()):
            raise UsageError(f"{where} takes one table of parameters per augmenter or "
                             "classifier, e.g. {'smote': {'k_neighbors': [3, 7]}}.")
        settings = [(name, param, values) for name, table in settings.items()
                    for param, values in table.items()]
    spaces: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name, param, values in settings:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = (values,)
        values = tuple(values)
        if not values:
            raise UsageError(f"{where}: no value to try for {name}.{param}.")
        spaces.setdefault(str(name), {})[str(param)] = values
    return spaces


# --- the table -------------------------------------------------------------------------------

# What an option sets: the data read, the experiment (its numbers), how trials run, where
# results go, or the command itself.
TARGETS = ("data", "experiment", "execution", "output", "command")


@dataclass(frozen=True)
class Option:
    """One option of ``augbench run``."""

    name: str
    target: str
    help: str
    parse: Callable[[str], Any] | None = None
    default: Any = None
    metavar: str | None = None
    switch: bool = False  # a flag without a value; true or false in a file or a keyword
    repeat: bool = False  # given once per value (--data, --set)
    choices: tuple[str, ...] | None = None
    # Read from and written to experiment files (not: how to read or write a file, --set,
    # which a file's [params] tables hold, and --overwrite, decided on the command line).
    in_files: bool = True
    # A keyword of augbench.run (not: terminal-only switches and what files are made of).
    in_api: bool = True

    @property
    def dest(self) -> str:
        """The Python name: ``test_size`` for ``--test-size``."""
        return self.name.replace("-", "_")

    def read(self, value: Any, where: str) -> Any:
        """A value from a file or a keyword of ``augbench.run`` as the command line would parse
        its text; a comma-separated text where the option takes several, or a list."""
        if self.switch:
            if not isinstance(value, bool):
                raise UsageError(f"{where} is true or false, got {value!r}.")
            return value
        if isinstance(value, Path):
            value = str(value)
        if isinstance(value, (list, tuple)):
            if any(isinstance(v, (list, tuple, dict)) for v in value):
                raise UsageError(f"{where} must be a value or a list of values, got {value!r}.")
            if self.repeat:
                return [self._one(v, where) for v in value]
            value = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            raise UsageError(f"{where} must be a value or a list of values, got {value!r}.")
        elif isinstance(value, bool) or not isinstance(value, (str, numbers.Real)):
            raise UsageError(f"{where}: {value!r} is not a valid value.")
        return [self._one(value, where)] if self.repeat else self._one(value, where)

    def _one(self, value: Any, where: str) -> Any:
        text = str(value)
        try:
            converted = self.parse(text) if self.parse else text
        except UsageError as exc:
            message = str(exc).removeprefix(f"--{self.name}: ")
            if where.startswith(API):
                message = in_api_words(message)
            raise UsageError(f"{where}: {message}") from None
        except (TypeError, ValueError):
            raise UsageError(f"{where}: {value!r} is not a valid value.") from None
        if self.choices is not None and converted not in self.choices:
            raise UsageError(f"{where} is one of {', '.join(self.choices)}, got {value!r}.")
        return converted


OPTIONS: tuple[Option, ...] = (
    Option("data", "data", "a dataset name, suite:NAME for a suite of them (see 'augbench "
           "datasets'), or a CSV path; repeatable (default: breast-cancer, embedded)",
           metavar="NAME|PATH", repeat=True),
    Option("target", "data", "target column of a CSV file"),
    Option("positive", "data", "target values that count as positive (default: the rarest "
           "value)", names, metavar="LABEL[,LABEL...]"),
    Option("drop", "data", "columns to leave out, such as identifiers", names, (),
           "COL[,COL...]"),
    Option("categorical", "data", "numeric columns to treat as categories (text columns always "
           "are)", names, (), "COL[,COL...]"),
    Option("na-values", "data", "cell texts read as missing (default: empty, ?, NA, N/A)",
           cell_texts, DEFAULT_NA_VALUES, "TOKEN[,...]"),
    Option("augmenters", "experiment", "augmenters to compare (default: none,smote)", names,
           ("none", "smote"), "A[,A...]"),
    Option("classifiers", "experiment", "classifiers to fit (default: lr)", names, ("lr",),
           "C[,C...]"),
    Option("sizes", "experiment", "training-set sizes drawn from the training pool "
           "(default: 100,200,400,full, keeping those that fit)", sizes, DEFAULT_SIZES,
           "N[,N...|full]"),
    Option("seeds", "experiment", f"number of seeds, 0..N-1 (default {DEFAULT_SEEDS})", int,
           DEFAULT_SEEDS),
    Option("ratio", "experiment", "minority:majority ratio after augmentation (default 1.0, "
           "i.e. 1:1)", float, 1.0),
    Option("test-size", "experiment", "fraction of each seed's rows held out for testing "
           "(default 0.3)", float, 0.3),
    Option("prevalence", "experiment", "thin every table to these positive shares (a random "
           "subset of its positive rows per seed, train and test alike), e.g. 0.02,0.05,0.1; "
           "results are reported per prevalence (default: the tables as they are)", shares,
           metavar="P[,P...]"),
    Option("metrics", "experiment", "metrics to compute, and show in tables and figures "
           "(default: every registered metric, showing the headline ones; see 'augbench "
           "plugins')", names, metavar="M[,M...]"),
    Option("sensitive", "experiment", "columns an attribute-inference attack treats as secret "
           "(default: every column)", names, metavar="COL[,COL...]"),
    Option("baseline", "experiment", "what every augmenter is compared with, seed by seed "
           "(default: none, the original data, which then always runs)", metavar="AUGMENTER"),
    Option("permutation-control", "experiment", "also fit each classifier on shuffled "
           "training labels (the 'permuted-labels' arm): what chance gives, for the no-signal "
           "alarm", switch=True),
    Option("holm", "experiment", "Holm's family: the augmenters compared with the baseline on "
           "one dataset, prevalence, size, classifier and metric (default), or the whole run",
           default="comparison", choices=("comparison", "run")),
    Option("rope", "experiment", "a metric's margin of practical equivalence, in its units: "
           "a significant difference smaller than it reads 'equivalent', not better or worse; "
           "repeatable (default: each metric's own, 0.01 for ROC-AUC, PR-AUC, recall and the "
           "other shares, 0.002 for the Brier score)", margin_setting, metavar="METRIC=MARGIN",
           repeat=True),
    Option("set", "experiment", "a parameter of an augmenter or classifier, or a metric's "
           "setting; repeatable",
           metavar="NAME.PARAM=VALUE", repeat=True, in_files=False, in_api=False),
    Option("tune", "experiment", "choose each augmenter's and classifier's parameters per trial "
           "by cross-validation on its training rows only, from their declared search spaces "
           "(see --tune-*)", switch=True),
    Option("tune-folds", "experiment", "folds of the inner cross-validation of --tune "
           "(default 3)", int, metavar="K"),
    Option("tune-metric", "experiment", "what --tune optimises on the inner folds, the "
           "lowest of a loss such as brier (default: roc_auc, which no threshold moves)",
           metavar="METRIC"),
    Option("tune-budget", "experiment", "at most N configurations per trial for --tune, drawn "
           "at random (seeded) from the grid (default: the whole grid)", int, metavar="N"),
    Option("tune-strategy", "experiment", "how --tune searches the configurations: grid "
           "(every one on every inner fold), random (as many as --tune-budget, each on every "
           "fold) or halving (successive halving: all on one fold, the best third on the next, "
           "...; of the grid or of a budget's draw) (default: grid, or random with a budget)",
           choices=("grid", "random", "halving")),
    Option("tune-space", "experiment", "the values --tune tries for a parameter, replacing "
           "the declared ones; repeatable ([tune.<name>] tables in experiment files)",
           tune_setting, metavar="NAME.PARAM=V1,V2,...", repeat=True, in_files=False),
    Option("jobs", "execution", "trials run in N processes, one thread each (default: all "
           "cores)", int, metavar="N"),
    Option("executor", "execution", "local processes, or Ray tasks (pip install "
           "'augbench[ray]')", default="local", choices=("local", "ray")),
    Option("address", "execution", "address of an existing Ray cluster (default: start one "
           "here)", metavar="ADDR"),
    Option("trial-timeout", "execution", "fail a trial whose augmentation (per seed) or fit "
           "takes longer", float, metavar="SECONDS"),
    Option("fail-fast", "execution", "stop at the first failing trial and show its traceback "
           "(one job)", switch=True),
    Option("cpu-paths", "execution", "torch's code paths on the CPU: native (this machine's "
           "own, fastest) or portable (pinned to give the neural augmenters' rows the same on "
           "every x86-64 CPU, slower)", default="native", choices=("native", "portable")),
    Option("out", "output", f"results folder: store, CSV exports, report (default: "
           f"{DEFAULT_OUT})", Path, Path(DEFAULT_OUT)),
    Option("report", "output", "also write the figures (DIR/plots/) and DIR/report.html",
           switch=True),
    Option("overwrite", "output", "replace another experiment's results in --out", switch=True,
           in_files=False),
    Option("quiet", "command", "no progress bar", switch=True, in_api=False),
    Option("config", "command", "read options from a TOML file: long option names as keys, "
           "[params.<plugin>] tables for plugin parameters; flags override it", Path,
           metavar="FILE", in_files=False, in_api=False),
    Option("dump-config", "command", "print the effective options as such a file, and run "
           "nothing", switch=True, in_files=False, in_api=False),
)
BY_DEST = {o.dest: o for o in OPTIONS}
BY_NAME = {o.name: o for o in OPTIONS}
FILE_KEYS = {o.name: o for o in OPTIONS if o.in_files}
GROUPS = {"data": "data", "experiment": "experiment", "execution": "execution",
          "output": "output", "command": "experiment files"}


def add_run_options(parser: argparse.ArgumentParser,
                    default: Callable[[Option], Any] | None = None) -> None:
    """Every option, in its group, on ``parser`` (``default`` overrides each option's default:
    argparse.SUPPRESS tells which options a command line gave)."""
    groups: dict[str, Any] = {}
    for option in OPTIONS:
        title = GROUPS[option.target]
        if title not in groups:
            groups[title] = parser.add_argument_group(title)
        kwargs: dict[str, Any] = {"help": option.help,
                                  "default": default(option) if default else option.default}
        if option.switch:
            kwargs["action"] = "store_true"
        else:
            kwargs.update(type=option.parse, metavar=option.metavar, choices=option.choices)
            if option.repeat:
                kwargs["action"] = "append"
        groups[title].add_argument("--" + option.name, dest="settings" if option.name == "set"
                                   else option.dest, **kwargs)


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors are one ``error:`` line as every other bad input's."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def given_options(argv: Iterable[str]) -> set[str]:
    """The ``dest`` of every option a command line gave (a file's value must not win over it)."""
    parser = Parser(prog="augbench run", add_help=False)
    add_run_options(parser, default=lambda option: argparse.SUPPRESS)
    given, _ = parser.parse_known_args(list(argv))
    return set(vars(given))


# --- experiment files -------------------------------------------------------------------------


def read_file(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The option values (by ``dest``) and the plugin parameters an experiment file sets,
    checked and converted as their flags would be."""
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--config {path}: no such file.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--config {path} is not valid TOML: {exc}.") from None
    params = table.pop("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise UsageError(f"--config {path}: 'params' must hold one table per plugin, e.g. "
                         "[params.smote] with k_neighbors = 3.")
    params = {name: {k: _from_toml(v) for k, v in settings.items()}
              for name, settings in params.items()}
    values = {}
    if isinstance(table.get("tune"), dict):
        # [tune.<name>] tables: the values --tune tries, which switch it on (TOML cannot hold
        # both `tune = true` and [tune.smote]; `tune = true` alone tunes the declared spaces).
        spaces = {name: {param: [_from_toml(v) for v in tried] if isinstance(tried, list)
                         else _from_toml(tried) for param, tried in space.items()}
                  if isinstance(space, dict) else space
                  for name, space in table.pop("tune").items()}
        values["tune_space"] = tune_spaces(spaces, f"--config {path}: [tune]")
        values["tune"] = True
    for key, value in table.items():
        option = FILE_KEYS.get(key.replace("_", "-"))
        if option is None:
            raise UsageError(f"--config {path}: unknown key '{key}'. Valid keys: "
                             f"{', '.join(sorted(FILE_KEYS))}, and [params.<plugin>] tables.")
        values[option.dest] = option.read(value, f"--config {path}: {key}")
    return values, params


def to_toml(values: Mapping[str, Any], params: Mapping[str, Mapping[str, Any]]) -> str:
    """Option values (by ``dest``) and plugin parameters as an experiment file."""
    lines = []
    spaces = tune_spaces(values.get("tune_space"))
    for key, option in FILE_KEYS.items():
        value = values.get(option.dest)
        if value is None or (option.repeat and not value):
            continue  # unset: the option's own default applies
        if key == "tune" and spaces:
            continue  # said by the [tune.<name>] tables below
        lines.append(f"{key} = {_toml_value(value, key)}")
    for plugin, space in sorted(spaces.items()):
        lines += ["", f"[tune.{_toml_key(plugin)}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(list(v), f'{plugin}.{k}')}"
                  for k, v in space.items()]
    for plugin, settings in sorted(params.items()):
        if settings:
            lines += ["", f"[params.{_toml_key(plugin)}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v, f'{plugin}.{k}')}"
                      for k, v in settings.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    bare = key.replace("-", "").replace("_", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _from_toml(value: Any) -> Any:
    """A plugin parameter as a file holds it, as --set would give it: TOML has no null, so
    "none" is None, and its arrays are tuples (a parameter such as (32, 32) stays hashable)."""
    if isinstance(value, str) and value.strip().lower() in ("none", "null"):
        return None
    if isinstance(value, list):
        return tuple(_from_toml(v) for v in value)
    return value


def _toml_value(value: Any, where: str) -> str:
    if value is None:
        return '"none"'  # TOML has no null; _from_toml reads it back
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (str, Path)):
        return json.dumps(str(value))  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    raise UsageError(f"{where}: {value!r} cannot be written to a TOML file.")


# --- from options to what runs ----------------------------------------------------------------


# How messages about keywords of augbench.run() begin.
API = "run(): "


# Words that go on a sentence after an option's name, never a value given to it.
SENTENCE_WORDS = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in",
                            "is", "it", "of", "on", "or", "the", "to", "was", "which", "with"})


def in_api_words(text: str) -> str:
    """A message of the command line in the words of ``augbench.run()``: ``--sizes 100,200``
    becomes ``sizes="100,200"`` and ``--positive`` becomes ``positive=``, for its options."""
    def keyword(match: re.Match) -> str:
        option = BY_NAME.get(match[1])
        if option is None or not option.in_api:
            return match[0]
        if not match[2] or option.switch or match[2].rstrip(".,") in SENTENCE_WORDS:
            # "check --positive and --ratio", "--tune tunes": the word after it is no value.
            return f"{option.dest}={match[0][len(match[1]) + 2:]}"
        if match[2].startswith("'"):  # a value quoted for the shell is a Python string too
            return f"{option.dest}={match[2]}"
        value = match[2].rstrip(".,")
        return f'{option.dest}="{value}"{match[2][len(value):]}'

    return re.sub(r"--([a-z][a-z-]*)(?: ('[^']*'|[^\s()'\-;][^\s)';]*))?", keyword, text)


def from_keywords(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Keywords of ``augbench.run`` read as the command line reads its options: a comma text
    where a list is taken, a number where a number is; an unknown keyword or a bad value is one
    UsageError naming it."""
    values = {}
    for key, value in fields.items():
        option = BY_DEST.get(key)
        if option is None or not option.in_api:
            valid = sorted({o.dest for o in OPTIONS if o.in_api} | {"params", "registry",
                                                                   "execution", "on_trial"})
            raise UsageError(f"run() got unknown option(s) {key}. Valid: {', '.join(valid)}.")
        if key == "data" or value is None:
            values[key] = value  # names, paths or DataSpecs: read by data_specs below
            continue
        if key == "tune_space":
            values[key] = _tune_space_keyword(value)
            continue
        if key == "rope" and isinstance(value, Mapping):
            try:
                values[key] = list(margins(value).items())
            except UsageError as exc:
                raise UsageError(f"{API}rope takes {{metric: margin}}, e.g. {{'roc_auc': 0.02}}: "
                                 f"{in_api_words(str(exc))}") from None
            continue
        values[key] = option.read(value, f"{API}{key}")
    return values


def _tune_space_keyword(value: Any) -> dict[str, dict[str, tuple[Any, ...]]]:
    """``tune_space=`` of ``augbench.run``: the command line's text (``"lr.C=0.1,1"``), a list
    of such texts, or a ``{name: {param: values}}`` mapping."""
    texts = [value] if isinstance(value, str) else value
    forms = ("takes \"NAME.PARAM=V1,V2,...\" texts as --tune-space does, one or a list, or a "
             "dict such as {'lr': {'C': [0.1, 1]}}")
    if isinstance(texts, (list, tuple)) and all(isinstance(t, str) for t in texts):
        try:
            return tune_spaces([tune_setting(text) for text in texts])
        except UsageError as exc:  # what is wrong with the text, then what the keyword takes
            raise UsageError(f"{API}tune_space {forms}: {exc}") from None
    if isinstance(value, Mapping):
        return tune_spaces(value, f"{API}tune_space")
    raise UsageError(f"{API}tune_space {forms}; got {value!r}.")


@dataclass(frozen=True)
class Request:
    """What a set of options asks for: an experiment, how to run it, and where its results go."""

    experiment: Any
    execution: Any
    out: Path | None = None
    overwrite: bool = False
    report: bool = False


def request(values: Mapping[str, Any], params: Mapping[str, Mapping[str, Any]] | None = None,
            registry: Any = None) -> Request:
    """The experiment, execution and output that option values (by ``dest``, parsed) and plugin
    parameters describe; options left out take their defaults."""
    from augbench.execution.settings import Execution
    from augbench.experiment.datasets import data_specs_of
    from augbench.experiment.plan import Experiment, with_permutation_control

    if params is not None and (not isinstance(params, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in params.items())):
        raise UsageError(f"run(): params takes one dict of parameters per augmenter or "
                         f"classifier, e.g. params={{'smote': {{'k_neighbors': 3}}}}; got "
                         f"{params!r}.")
    params = {name: dict(p) for name, p in (params or {}).items()}
    given = {k: v for k, v in values.items() if v is not None}
    data = given.pop("data", None)
    labels = {o.dest: given.pop(o.dest) for o in OPTIONS if o.target == "data" and o.dest in given}
    specs = data_specs_of(data, labels, params, registry)
    given["tune_space"] = tune_spaces(given.get("tune_space"))
    given["rope"] = margins(given.get("rope"))
    # Given at all (a budget of 0 too) without --tune: a setting that would be ignored.
    untuned = [o for o in TUNING_KEYS[1:]
               if (given[o] if o == "tune_space" else o in given) and not given.get("tune")]
    if untuned:
        raise UsageError(f"--{untuned[0].replace('_', '-')} sets how --tune tunes; add --tune "
                         "(tune=True in Python), or leave it out.")
    if given.pop("permutation_control", False):
        given["augmenters"] = with_permutation_control(given.get("augmenters",
                                                                 Experiment.augmenters))
    fields = {f.name for f in dataclasses.fields(Experiment)}
    experiment = Experiment(data=specs, params=params,
                            **{k: v for k, v in given.items() if k in fields})
    how = {o.dest: given[o.dest] for o in OPTIONS if o.target == "execution" and o.dest in given}
    return Request(experiment, Execution(**how), given.get("out"),
                   bool(given.get("overwrite")), bool(given.get("report")))


def experiment_options(config: Mapping[str, Any], shown: Sequence[str],
                       out: Path | None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """The option values and plugin parameters that run the experiment a folder holds (its
    stored configuration) into ``out`` again: what ``DIR/config.toml`` says. None where the
    options cannot say it: datasets read with different targets or labels (a Python run's
    DataSpecs)."""
    specs = config.get("data") or []
    reading = ("target", "positive", "drop", "categorical", "na_values")
    common = {key: {json.dumps(spec.get(key)) for spec in specs} for key in reading}
    if any(len(v) > 1 for v in common.values()):
        return None
    values: dict[str, Any] = {"data": [spec["source"] for spec in specs]}
    if specs:
        values.update({key: specs[0].get(key) for key in reading})
    for key in ("augmenters", "classifiers", "sizes", "seeds", "ratio", "test_size",
                "prevalence", "sensitive", "baseline", "holm", *TUNING_KEYS):
        values[key] = config.get(key)
    values["rope"] = [f"{name}={margin!r}" for name, margin in (config.get("rope") or {}).items()]
    # The metrics asked for are the ones shown; a run that asked for none shows the headline ones.
    computed = list(config.get("metrics") or [])
    if list(shown) == computed:
        values["metrics"] = computed
    values["out"] = None if out is None else str(out)
    params = {name: dict(p) for name, p in (config.get("params") or {}).items()}
    for spec in specs:
        if spec.get("options"):
            params.setdefault(spec["source"], {}).update(spec["options"])
    return values, params
