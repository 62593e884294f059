"""Verdicts against a margin of practical equivalence: a significant difference too small to
matter reads "equivalent", in every place a reader meets it, never "worse"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main
from augbench.reporting.findings import findings
from augbench.reporting.html import differences_html
from augbench.results.compare import paired_comparisons, verdict
from augbench.runner import load_results


@pytest.mark.parametrize(("mean", "low", "high", "p", "expected"), [
    (0.0004, 0.0002, 0.0006, 0.001, "equivalent"),  # significant, far inside the margin
    (0.02, 0.015, 0.025, 0.001, "better"),
    (-0.02, -0.025, -0.015, 0.001, "worse"),
    (0.012, 0.002, 0.022, 0.01, "better"),  # significant, its mean beyond the margin
    (0.003, -0.004, 0.009, 0.4, "equivalent"),  # no difference, and a precise zero
    (0.003, -0.02, 0.026, 0.4, "undecided"),  # no difference found, but no precision either
    (0.05, float("nan"), float("nan"), float("nan"), "undecided"),  # one pair
])
def test_a_verdict_reads_the_test_and_the_interval_against_the_margin(
        mean: float, low: float, high: float, p: float, expected: str) -> None:
    assert verdict(mean, low, high, p, margin=0.01) == expected


def test_lower_is_better_turns_the_directions_round_and_no_margin_calls_nothing_equivalent() -> None:
    assert verdict(0.02, 0.015, 0.025, 0.001, 0.01, higher_is_better=False) == "worse"
    assert verdict(-0.02, -0.025, -0.015, 0.001, 0.01, higher_is_better=False) == "better"
    assert verdict(0.0004, 0.0002, 0.0006, 0.001, 0.0) == "better"
    assert verdict(0.0, 0.0, 0.0, 1.0, 0.0) == "equivalent"  # every pair tied


def _trials(shift: dict[str, float], seeds: int = 12) -> pd.DataFrame:
    """ROC-AUC of none and of augmenters that move it by ``shift``, with paired noise."""
    rng = np.random.default_rng(0)
    base = 0.8 + rng.normal(0, 0.02, seeds)
    rows = [{"dataset": "d", "size": 100, "classifier": "lr", "seed": s, "augmenter": a,
             "status": "ok", "roc_auc": base[s] + d + rng.normal(0, abs(d) / 10)}
            for a, d in {"none": 0.0, **shift}.items() for s in range(seeds)]
    return pd.DataFrame(rows)


def test_a_significant_tiny_difference_is_equivalent_and_a_large_one_better_or_worse() -> None:
    from augbench.registry import default_registry

    metrics = default_registry().metrics(["roc_auc"])
    compared = paired_comparisons(_trials({"tiny": -0.0004, "up": 0.03, "down": -0.03}), metrics)
    by = compared.set_index("augmenter")
    assert (by["p_adjusted"] < 0.05).all()  # every one is significant...
    assert by["verdict"].to_dict() == {"down": "worse", "tiny": "equivalent", "up": "better"}
    assert (by["margin"] == 0.01).all()  # ROC-AUC's declared margin
    # ...and a margin given for the run decides instead of the declared one.
    tighter = paired_comparisons(_trials({"tiny": -0.0004}), metrics, margins={"roc_auc": 1e-4})
    assert tighter["verdict"].tolist() == ["worse"]


@pytest.fixture(scope="module")
def tiny_loss(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stored run whose smote loses a significant but tiny amount of ROC-AUC at 100 rows."""
    out = tmp_path_factory.mktemp("equivalence")
    augbench.run(augmenters="none,smote", seeds=10, sizes=(100,), out=out)
    return out


def test_every_reader_says_equivalent_where_the_difference_is_too_small(tiny_loss: Path,
                                                                        capsys) -> None:
    results = load_results(tiny_loss)
    roc = results.comparisons.set_index(["augmenter", "metric"]).loc[("smote", "roc_auc")]
    # The case the margin is for: detectable, and far too small to matter.
    assert roc["p_adjusted"] < 0.05 and abs(roc["mean_diff"]) < 0.005
    assert roc["verdict"] == "equivalent"
    written = pd.read_csv(tiny_loss / "comparisons.csv").set_index(["augmenter", "metric"])
    assert written.loc[("smote", "roc_auc"), "verdict"] == "equivalent"
    sentences = " ".join(findings(results))
    assert "ROC-AUC (significant -0.00" in sentences and "inside the ±0.01 margin" in sentences
    assert "lowered ROC-AUC" not in sentences
    assert "≈" in differences_html(results) and "· equivalent</td>" in differences_html(results)
    assert "≈" in results._repr_html_()
    assert main(["report", str(tiny_loss)]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.lstrip().startswith("lr ")]
    assert "≈ practically equivalent" in printed and rows
    assert not any("▼" in row or "▲" in row for row in rows) and any("≈" in row for row in rows)


def test_a_report_reads_the_run_against_another_margin(tiny_loss: Path, capsys) -> None:
    assert main(["report", str(tiny_loss), "--rope", "roc_auc=0.0001"]) == 0
    assert "lowered ROC-AUC by 0.00" in capsys.readouterr().out
    # The folder keeps the run's own margins.
    assert load_results(tiny_loss).comparisons.query("metric == 'roc_auc'")["verdict"].tolist() \
        == ["equivalent"]
    assert main(["report", str(tiny_loss), "--rope", "dcr=0.1"]) == 2
    assert "error: --rope dcr=...: 'dcr' is not a metric" in capsys.readouterr().err


def test_the_margin_is_an_option_of_the_command_line_files_and_python(tmp_path: Path) -> None:
    run = augbench.run(augmenters="none,smote", seeds=10, sizes=(100,), rope={"roc_auc": 1e-4})
    assert run.comparisons.query("metric == 'roc_auc'")["verdict"].tolist() == ["worse"]
    assert run.config["rope"] == {"roc_auc": 1e-4}
    with pytest.raises(augbench.UsageError, match=r"run\(\): rope takes"):
        augbench.run(rope={"roc_auc": -1})
    with pytest.raises(ValueError, match="Metric.rope is a margin"):
        augbench.Metric(None, "x", rope=-0.1)
