"""When two runs are one experiment: the rules a folder's store applies before it adopts a run.

A configuration (`experiment_config`) is the experiment as plain data. Its identity is what
every trial depends on: seeds and arms extend an experiment rather than change it, so they are
left out, and an arm's (or a metric's) settings are compared only where both runs have that arm.
`changes` names what makes a run another experiment; `extended` merges a run into the one a
folder holds. The store (`augbench.results.store`) keeps the result; nothing here touches it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from typing import Any

from augbench.defaults import TUNING_KEYS


def experiment_config(experiment: Any) -> dict[str, Any]:
    """The experiment as plain JSON-ready data (a table held in memory is known by its name
    here and by its contents' fingerprint in the run's tables)."""
    data = tuple(replace(spec, table=None) if getattr(spec, "table", None) is not None
                 else spec for spec in experiment.data)
    config = asdict(replace(experiment, data=data))
    for spec in config["data"]:
        spec.pop("table", None)
        spec.pop("suite", None)  # recorded with the run's tables, not part of the experiment
    if not config.get("tune"):
        # An untuned experiment is what it was before tuning existed: its identity unchanged.
        for key in TUNING:
            config.pop(key, None)
    return json.loads(json.dumps(config, default=str))


# Seeds are independent: a run with more seeds extends an experiment rather than replacing it.
# Holm's family and the margins of practical equivalence change how results are read, not a
# trial's number.
EXTENSIBLE = ("seeds", "holm", "rope")
# So are the arms: a trial's seeds derive from its seed, size and classifier, never from the
# other augmenters or classifiers of the run, so a run with more of them extends an experiment
# too. Their parameters belong to them: only those of the arms both runs share must agree.
ARMS = ("augmenters", "classifiers")
# What belongs to each arm, by its name: its parameters, and the values --tune tries for them.
ARM_SETTINGS = ("params", "tune_space")
# Fields added after stores were first written: left out of the identity while unset, so that
# those stores keep theirs.
ABSENT_WHEN_UNSET = ("prevalence", "sensitive", "tune_strategy")
# How --tune tunes; none of them is part of an untuned experiment's configuration.
TUNING = TUNING_KEYS
# What a table's entry says for the reader only: the numbers do not depend on it. Its source
# (a path, an address) and notes say where it was read; its fingerprint says what was read, so
# a table moved, or downloaded into another data home, is the same table.
DESCRIPTIVE_TABLE_FIELDS = ("positive_chosen", "positive_share", "source", "notes", "licence",
                            "citation", "suite")


def identity(config: dict[str, Any]) -> dict[str, Any]:
    """What every trial of an experiment depends on: its configuration (the fingerprints of its
    tables included) less its seeds, its arms and their parameters."""
    identity = {k: v for k, v in config.items()
                if k not in (*EXTENSIBLE, *ARMS, *ARM_SETTINGS)
                and not (k in ABSENT_WHEN_UNSET and v is None)}
    if isinstance(identity.get("tables"), dict):
        identity["tables"] = {name: {k: v for k, v in table.items()
                                     if k not in DESCRIPTIVE_TABLE_FIELDS}
                              for name, table in identity["tables"].items()}
    return identity


def config_hash(config: dict[str, Any]) -> str:
    """A short, stable digest of what every trial of an experiment depends on
    (`identity`)."""
    canonical = json.dumps(identity(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# What holds settings of its own in a configuration's ``params``: the arms, and the metrics
# (``--set METRIC.PARAM=V``), whose settings change their values as an arm's parameters do.
SETTABLE = (*ARMS, "metrics")


def _arms(config: dict[str, Any]) -> list[str]:
    return [name for kind in SETTABLE for name in config.get(kind) or ()]


def _arms_with_other(setting: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The arms (and metrics) both configurations run with another ``setting`` (their
    parameters, or the values --tune tries) in one than in the other."""
    shared = set(_arms(before)) & set(_arms(after))
    found = [config.get(setting) or {} for config in (before, after)]
    return sorted(name for name in shared if found[0].get(name, {}) != found[1].get(name, {}))


def extended(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The experiment that holds both ``before``'s trials and ``after``'s: the union of their
    arms (the stored ones first), the larger number of seeds, the parameters of every arm."""
    merged = {**after, "seeds": max(after.get("seeds", 0), before.get("seeds", 0)),
              **{setting: {**(before.get(setting) or {}), **(after.get(setting) or {})}
                 for setting in ARM_SETTINGS if setting in before or setting in after}}
    for kind in ARMS:
        merged[kind] = list(dict.fromkeys([*(before.get(kind) or ()), *(after.get(kind) or ())]))
    return merged


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The top-level keys that make ``after`` another experiment than ``before``; none when
    ``after`` is the same experiment or extends it."""
    old, new = identity(before), identity(after)
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    for setting, words in (("params", "params"), ("tune_space", "tuned values")):
        if arms := _arms_with_other(setting, before, after):
            keys.append(f"{words} of {', '.join(arms)}")
    return keys
