"""The plugin manager and the registry of named augmenters, classifiers, datasets, metrics and
suites."""

from __future__ import annotations

import importlib
import inspect
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from types import ModuleType
from typing import Any, Callable, Iterable

import pluggy

from augbench.builtin import hooks as builtin
from augbench.errors import UsageError
from augbench.plugin import hookspecs
from augbench.plugin.capabilities import Capabilities, Declared, capabilities_of
from augbench.plugin.metric import Metric
from augbench.plugin.suite import Suite

DISABLE_ENV = "AUGBENCH_DISABLE_PLUGINS"
# Kinds whose objects may also be named by import path (``imblearn.over_sampling:ADASYN``).
IMPORTABLE_KINDS = ("augmenters", "classifiers")
# What the runner calls on each kind, and the constructor parameters it sets.
CONTRACT = {"augmenters": ("fit_resample", ("random_state", "sampling_strategy")),
            "classifiers": ("predict_proba", ())}
CORE_PLUGIN = "core"
KINDS = ("augmenters", "classifiers", "datasets", "metrics", "suites")
# Kinds whose hooks return specs (data), not factories, with the class each must be.
SPECS = {"metrics": Metric, "suites": Suite}


@dataclass(frozen=True)
class Entry:
    """What a plugin provides under a name, the plugin, and the capabilities it declared: for
    an augmenter, classifier or dataset a factory of the objects, for a metric or a suite its
    spec."""

    name: str
    kind: str
    provided: Callable[..., Any] | Metric | Suite
    plugin: str
    declared: dict[str, Any] = field(default_factory=dict)


def installed_plugin_names() -> list[str]:
    """Names of the plugins installed through the ``augbench`` entry-point group."""
    # Every distribution on the path, as pluggy itself looks (entry_points() would keep only the
    # first of two copies of one distribution, such as a stale build's metadata beside the code).
    return sorted({ep.name for dist in metadata.distributions() for ep in dist.entry_points
                   if ep.group == hookspecs.PROJECT})


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering which plugins came through entry points and which of those
    were skipped as broken (plugin name -> why)."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.from_entry_points: set[str] = set()
        self.skipped: dict[str, str] = {}


def make_plugin_manager(
    *, entry_points: bool = True, extra_plugins: Iterable[ModuleType | object] = (),
    disabled: Iterable[str] | None = None,
) -> PluginManager:
    """Build a plugin manager: core built-ins, installed entry points, then ``extra_plugins``.

    ``disabled`` names plugins to block (default: the ``AUGBENCH_DISABLE_PLUGINS`` variable).
    An installed plugin that fails to import, or implements a hook that does not exist (a
    misspelt name), is skipped and named in ``skipped``, so that commands that do not need it
    still work; a broken plugin in ``extra_plugins``, which the caller asked for, is an error.
    """
    pm = PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(builtin, name=CORE_PLUGIN)
    if disabled is None:
        disabled = [n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()]
    known = installed_plugin_names() + [getattr(p, "__name__", str(p)) for p in extra_plugins]
    for name in disabled:
        if name == CORE_PLUGIN:
            raise UsageError(f"{DISABLE_ENV} names '{CORE_PLUGIN}', augbench's own built-ins, "
                             "which cannot be disabled; remove it from the variable.")
        if name not in known:
            raise UsageError(f"{DISABLE_ENV} names '{name}', which is no installed plugin. "
                             f"Installed: {', '.join(known) or 'none'}.")
        pm.set_blocked(name)
    if entry_points:
        for name in installed_plugin_names():
            if pm.is_blocked(name):
                continue
            pm.from_entry_points.add(name)
            try:  # one by one, so that a plugin that fails to import is named
                pm.load_setuptools_entrypoints(hookspecs.PROJECT, name=name)
            except Exception as exc:
                _skip(pm, name, f"it failed to load: {_describe(exc)}")
    try:
        for plugin in extra_plugins:
            pm.register(plugin, name=getattr(plugin, "__name__", None))
    except pluggy.PluginValidationError as exc:
        raise UsageError(f"plugin '{pm.get_name(exc.plugin)}' is broken: {exc}. Fix it, or "
                         f"disable it with {DISABLE_ENV}={pm.get_name(exc.plugin)}.") from exc
    # A misspelt hook name would otherwise be silently ignored.
    while True:
        try:
            pm.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin)
            if name not in pm.from_entry_points:
                raise UsageError(f"plugin '{name}' is broken: {exc}. Fix it, or disable it "
                                 f"with {DISABLE_ENV}={name}.") from exc
            _skip(pm, name, f"it is broken: {exc}")
    return pm


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def _skip(pm: PluginManager, name: str, reason: str) -> None:
    """Leave an installed plugin out, saying why."""
    if pm.has_plugin(name) or pm.get_plugin(name) is not None:
        pm.unregister(name=name)
    pm.skipped.setdefault(name, reason)


def skipped_plugin_lines(skipped: dict[str, str]) -> list[str]:
    """One ``warning:`` line per plugin left out as broken, saying how to fix or silence it."""
    return [f"warning: plugin '{name}' is left out: {reason}. Reinstall or fix it, or disable it "
            f"with {DISABLE_ENV}={name}." for name, reason in sorted(skipped.items())]


def _imported(kind: str, path: str) -> Entry:
    """An entry for the class at ``package.module:Class``, checked against the contract the
    runner relies on before any trial uses it."""
    module_name, _, attribute = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attribute)
    except ImportError as exc:
        raise UsageError(f"{kind[:-1]} '{path}': cannot import module '{module_name}' ({exc}); "
                         "install its package, or check the spelling.") from None
    except AttributeError:
        raise UsageError(f"{kind[:-1]} '{path}': module '{module_name}' has no '{attribute}'.") \
            from None
    method, params = CONTRACT[kind]
    if not isinstance(cls, type) or not callable(getattr(cls, method, None)):
        raise UsageError(f"{kind[:-1]} '{path}' is not a class with {method}(); an "
                         f"{kind[:-1]} must have one (see 'Write your own augmenter' in docs/plugins.md).")
    missing = [p for p in params if p not in _constructor_parameters(cls)]
    if missing:
        raise UsageError(f"{kind[:-1]} '{path}' takes no {', '.join(missing)} parameter, which "
                         "augbench sets for every trial; give its class these constructor "
                         "parameters (scikit-learn's rules).")
    return Entry(path, kind, cls, plugin=f"import {module_name}")


def _constructor_parameters(cls: type) -> set[str]:
    """The keyword parameters ``cls(...)`` takes: scikit-learn's own list where the class is an
    estimator, else its ``__init__`` signature (a plain class with the right constructor)."""
    names = getattr(cls, "_get_param_names", None)
    if callable(names):
        return set(names())
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return set()
    return {name for name, p in signature.parameters.items()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


@dataclass
class Registry:
    """Every named augmenter, classifier, dataset, metric and suite the registered plugins provide.

    ``recipe`` (extra plugin module names, disabled names) lets worker processes build the same
    registry; it is None for a plugin manager assembled by hand, which stays in this process.
    """

    pm: pluggy.PluginManager
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    recipe: tuple[tuple[str, ...], tuple[str, ...] | None] | None = None
    _imported: dict[tuple[str, str], Entry] = field(default_factory=dict, repr=False)

    # Installed plugins left out as broken: plugin name -> why (see skipped_plugin_lines).
    skipped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.skipped = dict(getattr(self.pm, "skipped", {}))
        tolerated = getattr(self.pm, "from_entry_points", set())
        provided: dict[str, list[tuple[str, dict[str, Entry]]]] = {kind: [] for kind in KINDS}
        for kind in KINDS:
            hook = getattr(self.pm.hook, f"augbench_{kind}")
            # Hook implementations are called one by one so that each name keeps its provider.
            for impl in hook.get_hookimpls():
                plugin = impl.plugin_name
                try:
                    entries = {name: _entry(name, kind, factory, plugin)
                               for name, factory in (impl.function() or {}).items()}
                except Exception as exc:
                    if plugin not in tolerated:
                        if isinstance(exc, UsageError):
                            raise
                        raise UsageError(f"plugin '{plugin}': its augbench_{kind} hook raised "
                                         f"{_describe(exc)}. Fix it, or disable it with "
                                         f"{DISABLE_ENV}={plugin}.") from exc
                    self.skipped.setdefault(plugin, f"its augbench_{kind} hook raised "
                                                    f"{_describe(exc)}")
                    continue
                provided[kind].append((plugin, entries))
        for kind in KINDS:
            found: dict[str, Entry] = {}
            # A plugin with one broken hook is left out whole: half a plugin misleads.
            for plugin, entries in provided[kind]:
                if plugin in self.skipped:
                    continue
                for name, entry in entries.items():
                    if name in found:
                        raise UsageError(
                            f"two plugins provide the {kind[:-1]} '{name}': "
                            f"'{found[name].plugin}' and '{plugin}'. Disable one with "
                            f"{DISABLE_ENV}={plugin}.")
                    found[name] = entry
            self.entries[kind] = found

    def names(self, kind: str) -> list[str]:
        """The sorted names of one kind ('augmenters', 'classifiers', 'datasets', 'metrics' or
        'suites')."""
        return sorted(self.entries[kind])

    def get(self, kind: str, name: str) -> Entry:
        """The entry called ``name`` (an augmenter or classifier may also be named by import
        path, ``package.module:Class``), or a UsageError that lists the available names."""
        try:
            return self.entries[kind][name]
        except KeyError:
            if ":" in name and kind in IMPORTABLE_KINDS:
                # Kept apart from the registered names, which listings and messages show.
                key = (kind, name)
                if key not in self._imported:
                    self._imported[key] = _imported(kind, name)
                return self._imported[key]
            available = ", ".join(self.names(kind)) or "none"
            left_out = "".join(f" Plugin '{p}', which may provide it, is left out: {why}."
                               for p, why in sorted(self.skipped.items()))
            by_path = "; or name a class by its import path, package.module:Class" \
                if kind in IMPORTABLE_KINDS else ""
            raise UsageError(f"unknown {kind[:-1]} '{name}'. Available: {available}{by_path}."
                             f"{left_out}") from None

    def metrics(self, names: Iterable[str] | None = None) -> dict[str, Metric]:
        """The metric specs called ``names`` (default: every registered metric), in that order."""
        chosen = list(self.entries["metrics"]) if names is None else list(names)
        return {name: self.get("metrics", name).provided for name in chosen}

    def capabilities(self, kind: str, name: str, obj: Any) -> Capabilities:
        """What ``obj``, built by the factory called ``name``, can do: declared, else read."""
        return capabilities_of(obj, self.get(kind, name).declared)

    def create(self, kind: str, name: str, **params: Any) -> Any:
        """Call the factory of ``name`` with ``params``, turning a bad parameter into a UsageError."""
        entry = self.get(kind, name)
        try:
            return entry.provided(**params)
        except TypeError as exc:
            # Constructors following scikit-learn's rules only raise TypeError for unknown names.
            raise UsageError(f"{kind[:-1]} '{name}' rejected its parameters: {exc}. "
                             f"Check the names given with --set {name}.PARAM=VALUE.") from exc

    def provider(self, plugin_name: str) -> tuple[str, str]:
        """(distribution, version) that installed a plugin, or augbench's own for built-ins."""
        plugin = self.pm.get_plugin(plugin_name)
        for registered, dist in self.pm.list_plugin_distributions():
            if registered is plugin:
                return dist.metadata["name"], dist.version
        if plugin_name == CORE_PLUGIN:
            from augbench import __version__
            return "augbench", __version__
        return "-", "-"


def _entry(name: str, kind: str, provided: Any, plugin: str) -> Entry:
    """An Entry for what a hook returned under ``name``, checked for its kind."""
    declared: dict[str, Any] = {}
    if isinstance(provided, Declared):
        provided, declared = provided.factory, provided.declared
    if kind in SPECS and not isinstance(provided, SPECS[kind]):
        raise UsageError(f"plugin '{plugin}' registers the {kind[:-1]} '{name}' as "
                         f"{type(provided).__name__}, not an augbench.{SPECS[kind].__name__}; fix "
                         f"the plugin, or disable it with {DISABLE_ENV}={plugin}.")
    if kind not in SPECS and not callable(provided):
        raise UsageError(f"plugin '{plugin}' registers the {kind[:-1]} '{name}' as "
                         f"{type(provided).__name__}, which is not callable; fix the plugin, or "
                         f"disable it with {DISABLE_ENV}={plugin}.")
    return Entry(name, kind[:-1], provided, plugin, declared)


def make_registry(plugins: Iterable[str] = (), disabled: Iterable[str] | None = None) -> Registry:
    """A registry of the installed plugins plus ``plugins``, importable module names.

    Unlike a hand-made plugin manager, it can be rebuilt in worker processes (``--jobs``, Ray).
    """
    names = tuple(plugins)
    blocked = tuple(disabled) if disabled is not None else None
    modules = [importlib.import_module(name) for name in names]
    return Registry(make_plugin_manager(extra_plugins=modules, disabled=blocked),
                    recipe=(names, blocked))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry of every installed plugin, built once per process; a warning names each
    installed plugin left out as broken."""
    registry = make_registry()
    for line in skipped_plugin_lines(registry.skipped):
        warnings.warn(line.removeprefix("warning: "), stacklevel=2)
    return registry
