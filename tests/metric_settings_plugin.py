"""A plugin, in one file, whose metric takes a setting: recall at a threshold the run sets
(``--set recall_at.threshold=0.2``), checked before any trial."""

from __future__ import annotations

import augbench


def _check(settings) -> None:
    threshold = settings["threshold"]
    if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise ValueError(f"threshold is a probability between 0 and 1, got {threshold!r}")


def recall_at(inp: augbench.MetricInput) -> float:
    """The share of positive test patients whose probability reaches the threshold."""
    positives = inp.y_true == 1
    return float((inp.proba[positives] >= inp.settings["threshold"]).mean())


@augbench.hookimpl
def augbench_metrics() -> dict:
    return {"recall_at": augbench.Metric(recall_at, "recall at a set threshold", short="R@t",
                                         settings={"threshold": 0.5}, check=_check,
                                         # a library outside augbench's core, named as a
                                         # metric names what its values depend on
                                         libraries=("rich",))}
