"""A narrow terminal gets every column of every table whole: none cropped, no header folded
inside a word, no line wider than the terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import augbench
from augbench.reporting.terminal import print_report


@pytest.fixture(scope="module")
def results() -> augbench.Results:
    return augbench.run(augmenters="none,smote", seeds=3, sizes=100, progress=False)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_narrow_terminal_gets_whole_columns(results, width: int) -> None:
    out = io.StringIO()
    print_report(results, Console(file=out, width=width, force_terminal=True, color_system=None))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width
    words = {word for line in lines for word in line.split()}
    # Each header's words whole (the privacy table's widest ones), each value whole.
    for header in ("inference", "density", "detect", "KS/TV", "Accuracy", "ROC-AUC", "Brier"):
        assert header in words, (width, header)
    for metric in ("accuracy", "roc_auc", "brier", "inference_risk", "fidelity_ks_tv"):
        mean = results.summary.query("augmenter == 'smote'")[f"{metric}_mean"].iloc[0]
        assert f"{mean:.3f}" in words, (width, metric)
