"""augbench: does synthetic minority augmentation help a classifier find the rare cases?"""

from importlib import metadata as _metadata

from augbench.plugin.hookspecs import hookimpl as hookimpl

try:
    __version__ = _metadata.version("augbench")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

# Public names, and the module that defines each: loaded on first use, so that
# `import augbench` (and `augbench --help`) does not pay for pandas and scikit-learn.
_LAZY = {
    # running experiments
    "Experiment": "augbench.experiment.plan", "DataSpec": "augbench.experiment.datasets",
    "make_plan": "augbench.experiment.plan", "Execution": "augbench.execution.settings",
    "run": "augbench.runner", "load_results": "augbench.runner",
    "Results": "augbench.notebook", "RunRecord": "augbench.results.record",
    "TrialResult": "augbench.results.row",
    "TrialKey": "augbench.results.row", "Trial": "augbench.experiment.protocol",
    "run_trial": "augbench.experiment.protocol", "UsageError": "augbench.errors",
    "AugbenchWarning": "augbench.errors", "Finding": "augbench.reporting.findings",
    # data and named objects
    "Dataset": "augbench.experiment.data", "read_table": "augbench.experiment.data",
    "prepare_table": "augbench.experiment.data", "get_augmenter": "augbench.api",
    "get_classifier": "augbench.api", "load_dataset": "augbench.api",
    # for plugin authors
    "Metric": "augbench.plugin.metric", "MetricInput": "augbench.plugin.metric",
    "Suite": "augbench.plugin.suite",
    "calibration_bins": "augbench.plugin.metric",
    "Capabilities": "augbench.plugin.capabilities", "declare": "augbench.plugin.capabilities",
    "rows_to_add": "augbench.plugin.kit", "seed_sequence": "augbench.plugin.kit",
    "check_labels": "augbench.plugin.kit", "quiet": "augbench.plugin.kit",
    "single_threaded": "augbench.plugin.kit", "TableOverSampler": "augbench.plugin.sampler",
    "RowRequest": "augbench.plugin.sampler", "RemoteFile": "augbench.plugin.remote",
    "fetch_file": "augbench.plugin.remote", "derived_file": "augbench.plugin.remote",
    "cached_file": "augbench.plugin.remote",
}

__all__ = sorted([*_LAZY, "hookimpl", "__version__"])


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'augbench' has no attribute {name!r}")
