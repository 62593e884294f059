"""augbench: does synthetic minority augmentation help a classifier find the rare cases?"""

from importlib import metadata as _metadata

from augbench.hookspecs import hookimpl

try:
    __version__ = _metadata.version("augbench")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

__all__ = [
    "Dataset", "Experiment", "DataSpec", "Results", "Trial", "UsageError", "get_augmenter",
    "get_classifier", "hookimpl", "load_dataset", "prepare_table", "read_table", "run",
    "run_trial",
]

_LAZY = {
    "Dataset": "augbench.data", "read_table": "augbench.data", "prepare_table": "augbench.data",
    "get_augmenter": "augbench.api", "get_classifier": "augbench.api",
    "load_dataset": "augbench.api", "Experiment": "augbench.runner", "DataSpec": "augbench.runner",
    "run": "augbench.runner", "Results": "augbench.results", "Trial": "augbench.protocol",
    "run_trial": "augbench.protocol", "UsageError": "augbench.errors",
}


def __getattr__(name: str):
    # Lazy, so that `import augbench` (and `augbench --help`) does not pay for pandas and sklearn.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'augbench' has no attribute {name!r}")
