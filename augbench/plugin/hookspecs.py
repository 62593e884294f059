"""The plugin boundary: every augmenter, classifier, dataset, suite and metric enters augbench here.

A plugin is a module (or object) with functions marked `@augbench.hookimpl` and named like the
specs below, registered under the `augbench` entry-point group:

```toml
[project.entry-points.augbench]
my-plugin = "my_package.augbench_plugin"
```

Each hook returns a `{name: factory}` dictionary. A factory is called with keyword parameters
(from the Python API or `--set NAME.PARAM=VALUE`) and returns a fresh object. A factory may be
wrapped in `augbench.declare` to state what its objects can do (see
`augbench.Capabilities`); what is not declared is read from the object itself.
"""

from __future__ import annotations

from typing import Any, Callable

import pluggy

PROJECT = "augbench"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def augbench_augmenters() -> dict[str, Callable[..., Any]]:
    """Return `{name: factory}` of augmenters.

    `factory(**params)` builds an object following imbalanced-learn's sampler protocol:
    `fit_resample(X, y) -> (X_res, y_res)` where `X` is a pandas DataFrame whose categorical
    columns have the `category` dtype and `y` holds 0 (majority) and 1 (minority).
    It must accept `random_state` and `sampling_strategy` (the target minority:majority
    ratio as a float) and store constructor arguments unchanged, as scikit-learn estimators do.
    It only adds rows: the first `len(X)` output rows are the input, unchanged, and the output
    has the input's columns and dtypes. Any imbalanced-learn over-sampler qualifies as it is.
    Whether it takes categorical columns is read from scikit-learn's tags
    (`__sklearn_tags__().input_tags.string`) unless declared; an experiment that gives a table
    with categorical columns to an augmenter that takes none is refused before it runs.

    An augmenter may also offer `fit_resample_many(Xs, ys, random_states)`: lists of training
    tables, labels and seeds in, one `(X_res, y_res)` per table out, each equal to what
    `fit_resample` gives for that table with `random_state` set to that seed. The runner then
    augments the training sets of many seeds in one call (a GAN trains them as one batched model).
    """


@hookspec
def augbench_classifiers() -> dict[str, Callable[..., Any]]:
    """Return `{name: factory}` of classifiers.

    `factory(**params)` builds a scikit-learn classifier with `predict_proba` that accepts
    `random_state` when it is random (nested `random_state` parameters get the trial's seed
    too). Its `predict`, where it has one, decides the labels that accuracy, recall and the
    other label metrics count (a threshold-tuned classifier's own threshold); else a probability
    above 0.5 does. augbench places it behind a preprocessing step
    (one-hot encoding of categorical columns, scaling of numeric ones) fitted on the training rows
    only, so the classifier receives a numeric matrix.
    """


@hookspec
def augbench_datasets() -> dict[str, Callable[..., Any]]:
    """Return `{name: factory}` of datasets.

    `factory(**options)` returns an `augbench.Dataset`; the options are those the user
    gave `augbench.load_dataset(name, ...)` (a `path`, say), none for a self-contained table.
    `augbench.read_table` turns a CSV file into a Dataset the way `--data PATH` does.
    """


@hookspec
def augbench_metrics() -> dict[str, Any]:
    """Return `{name: augbench.Metric(...)}` of per-trial metrics.

    A `augbench.Metric` declares its function, label, direction (`higher_is_better`),
    range (`bounds`, or None when unbounded) and what it needs: `"predictions"` (the test
    labels and the classifier's probabilities) or `"synthetic"` (the training rows before
    augmentation, the added rows and the test rows; such a metric is left empty for trials that
    add no row). Its function receives one `augbench.MetricInput` and returns a float.
    Tables, comparisons, figures and reports are derived from these specs; `--metrics` chooses
    which run.
    """


@hookspec
def augbench_suites() -> dict[str, Any]:
    """Return `{name: augbench.Suite(...)}` of suites: named, versioned groups of datasets.

    A `augbench.Suite` lists registered dataset names (of any plugin); `--data suite:NAME`
    runs each of them as if named one by one, with the options given for each
    (`--set stroke.path=FILE`). A suite that gains or loses a table is another version.
    """
