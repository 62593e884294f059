"""The run record: everything a results folder holds besides its trials, read and written here
only.

A folder holds the experiment's configuration (identity included), the versions and machine
it ran on, the specs of its metrics and which of them are shown, how many trials its experiment
plans, what each augmenter can do, and the paired comparisons of the trials it holds (a cache,
valid for exactly those trials). Stores written by older versions lack some of these; reading
normalises them once, here, so that no reader needs a fallback.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from augbench.defaults import DEFAULT_BASELINE
from augbench.plugin.metric import Metric

# The experiment file every run writes into its folder (augbench run --config DIR/config.toml).
CONFIG_NAME = "config.toml"


@dataclass
class RunRecord:
    """What a folder (or an in-memory run) records about its experiment."""

    config: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    # The metrics tables and figures show (default: the headline ones among ``metrics``).
    shown: tuple[str, ...] = ()
    # Trials the experiment plans (fewer are stored when a run was interrupted or commands
    # extended the folder with arms they did not all run); None where unknown.
    planned: int | None = None
    # What each augmenter declared it can do ({"adds_rows": ..., "relabels": ...}).
    capabilities: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.shown:
            headline = tuple(n for n, m in self.metrics.items() if m.headline)
            self.shown = headline or tuple(self.metrics)

    @property
    def baseline(self) -> str:
        """What every augmenter is compared with."""
        return self.config.get("baseline") or DEFAULT_BASELINE

    @property
    def family(self) -> str:
        """Holm's family: "comparison" or "run"."""
        return self.config.get("holm") or "comparison"

    @property
    def margins(self) -> dict[str, float]:
        """The margins of practical equivalence the run gave (``--rope``), by metric; the
        others take their specs' (see `augbench.results.compare.with_verdicts`)."""
        return {name: float(v) for name, v in (self.config.get("rope") or {}).items()}

    def write(self, store: Any) -> None:
        """Record what a run adds to the store's experiment (the store itself keeps the
        configuration and versions it adopted, see Store.for_experiment)."""
        store.set_meta(metrics=json.dumps({n: m.as_data() for n, m in self.metrics.items()}),
                       shown_metrics=json.dumps(list(self.shown)),
                       planned_trials=str(self.planned or 0),
                       capabilities=json.dumps(self.capabilities))

    @classmethod
    def read(cls, store: Any, installed: Callable[[], dict[str, Metric]] | None = None
             ) -> RunRecord:
        """The record a store holds. ``installed()`` gives the specs of the installed metrics,
        for stores written before runs stored their specs, or before specs had roles."""
        config = json.loads(store.meta("config") or "{}")
        metrics = {name: Metric.from_data(data)
                   for name, data in json.loads(store.meta("metrics") or "{}").items()}
        if installed is not None:
            metrics = _normalised(metrics, config, installed())
        return cls(config=config, versions=json.loads(store.meta("versions") or "{}"),
                   metrics=metrics, shown=tuple(json.loads(store.meta("shown_metrics") or "[]")),
                   planned=int(store.meta("planned_trials") or 0) or None,
                   capabilities=json.loads(store.meta("capabilities") or "{}"))


def _normalised(metrics: dict[str, Metric], config: dict[str, Any],
                installed: dict[str, Metric]) -> dict[str, Metric]:
    """Specs as this version reads them: a store written before runs stored their specs takes
    the installed ones (of the metrics its configuration names, or all), and a spec stored
    before metrics had roles takes the installed spec's role and chance level."""
    if not metrics:
        named = config.get("metrics")
        if not named:
            return dict(installed)
        found = {n: m for n, m in installed.items() if n in named}
        # A metric whose plugin is gone keeps its numbers, under its name, unbounded.
        return {**found, **{n: Metric(None, n, bounds=None) for n in named if n not in found}}
    upgraded = {}
    for name, spec in metrics.items():
        known = installed.get(name)
        if not spec.role and known is not None and known.role:
            spec = Metric.from_data({**spec.as_data(), "role": known.role,
                                     "chance": known.chance})
        upgraded[name] = spec
    return upgraded


def cached_comparisons(store: Any, digest: str) -> pd.DataFrame | None:
    """The paired comparisons stored for the trials whose digest is ``digest``, or None
    (computed for other trials: an interrupted resume, a folder extended since)."""
    if store.meta("comparisons_digest") != digest or store.meta("comparisons_csv") is None:
        return None  # (stores of older versions kept a JSON copy rounded to 10 digits: unused)
    return pd.read_csv(io.StringIO(store.meta("comparisons_csv")), float_precision="round_trip",
                       keep_default_na=False, na_values=[""],
                       dtype={"dataset": str, "augmenter": str, "classifier": str,
                              "metric": str, "baseline": str})


def cache_comparisons(store: Any, comparisons: pd.DataFrame, digest: str) -> None:
    """Store ``comparisons``, valid for exactly the trials whose digest is ``digest``: as CSV
    text, whose numbers read back to the bit (JSON keeps 10 digits)."""
    store.set_meta(comparisons_csv=comparisons.to_csv(index=False), comparisons_digest=digest)
