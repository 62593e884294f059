"""Experiment files: ``augbench run --config exp.toml``, and ``--dump-config`` to write one.

A file's top-level keys are the long option names of ``augbench run`` (``seeds = 20``,
``test-size = 0.2``, ``augmenters = ["gan", "smote"]``) and ``[params.<plugin>]`` tables hold
plugin parameters (what ``--set plugin.param=value`` gives). Values pass through the very
parsers the command line uses, so a file accepts exactly what the flags accept.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

from augbench.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, published for older Pythons
    import tomli as tomllib

# Options that say how to read or write a file rather than what to run (--set is the file's
# [params]), and --overwrite: replacing another experiment's results is decided on the command
# line each time, never left in a file to happen again.
NOT_IN_FILES = ("config", "dump_config", "settings", "help", "overwrite")


def file_options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The options a file may set, by the key it uses (the long option name without dashes)."""
    found = {}
    for action in parser._actions:  # argparse offers no public list of a parser's actions
        longs = [o for o in action.option_strings if o.startswith("--")]
        if longs and action.dest not in NOT_IN_FILES:
            found[longs[0][2:]] = action
    return found


def read_config(path: Path, parser: argparse.ArgumentParser) -> tuple[dict[str, Any], dict]:
    """The option values (by ``dest``) and the plugin parameters a file sets, checked and
    converted as their flags would be."""
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--config {path}: no such file.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--config {path} is not valid TOML: {exc}.") from None
    options = file_options(parser)
    params = table.pop("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise UsageError(f"--config {path}: 'params' must hold one table per plugin, e.g. "
                         "[params.smote] with k_neighbors = 3.")
    values = {}
    for key, value in table.items():
        action = options.get(key.replace("_", "-"))
        if action is None:
            raise UsageError(f"--config {path}: unknown key '{key}'. Valid keys: "
                             f"{', '.join(sorted(options))}, and [params.<plugin>] tables.")
        values[action.dest] = _convert(value, action, f"--config {path}: {key}")
    return values, params


def _convert(value: Any, action: argparse.Action, where: str) -> Any:
    """A file value as its flag would have parsed it."""
    if action.nargs == 0:  # a switch such as --report
        if not isinstance(value, bool):
            raise UsageError(f"{where} is true or false, got {value!r}.")
        return value
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [_one(item, action, where) for item in items]
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    return _one(value, action, where)


def _one(value: Any, action: argparse.Action, where: str) -> Any:
    if isinstance(value, (dict, list)):
        raise UsageError(f"{where} must be a value or a list of values, got {value!r}.")
    text = str(value).lower() if isinstance(value, bool) else str(value)
    try:
        converted = action.type(text) if action.type else text
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None
    except (TypeError, ValueError):
        raise UsageError(f"{where}: {value!r} is not a valid value.") from None
    if action.choices is not None and converted not in action.choices:
        raise UsageError(f"{where} is one of {', '.join(map(str, action.choices))}, "
                         f"got {value!r}.")
    return converted


def explicit_options(parser: argparse.ArgumentParser, argv: Iterable[str]) -> set[str]:
    """The ``dest`` of every option given on the command line (a file must not override it)."""
    saved = {action: action.default for action in parser._actions}
    try:
        for action in saved:
            action.default = argparse.SUPPRESS
        given, _ = parser.parse_known_args(list(argv))
    finally:
        for action, default in saved.items():
            action.default = default
    return set(vars(given))


def to_toml(values: Mapping[str, Any], params: Mapping[str, Mapping[str, Any]],
            parser: argparse.ArgumentParser) -> str:
    """The effective options and plugin parameters as a file ``--config`` reads back."""
    lines = []
    for key, action in file_options(parser).items():
        value = values.get(action.dest)
        if value is None or value == [] and isinstance(action, argparse._AppendAction):
            continue  # unset: the option's own default applies
        lines.append(f"{key} = {_toml_value(value, key)}")
    for plugin, settings in sorted(params.items()):
        if settings:
            lines += ["", f"[params.{_toml_key(plugin)}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v, f'{plugin}.{k}')}"
                      for k, v in settings.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    bare = key.replace("-", "").replace("_", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (str, Path)):
        return json.dumps(str(value))  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    raise UsageError(f"{where}: {value!r} cannot be written to a TOML file.")
