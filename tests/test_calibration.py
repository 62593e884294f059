"""Calibration bins of every trial's predictions, stored and drawn as reliability diagrams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import augbench
from augbench.reporting.figures import write_plots
from augbench.reporting.html import write_html


def test_bins_pool_to_scikit_learns_calibration_curve() -> None:
    rng = np.random.default_rng(0)
    proba = rng.random(500) ** 2
    y = (rng.random(500) < proba).astype(int)
    rows, sums, positives = augbench.calibration_bins(y, proba)
    assert rows.sum() == 500 and positives.sum() == y.sum()
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(y, proba, n_bins=10, strategy="uniform")
    filled = rows > 0
    np.testing.assert_allclose(positives[filled] / rows[filled], observed)
    np.testing.assert_allclose(sums[filled] / rows[filled], predicted)
    # A probability of exactly 1 falls in the last bin, not past it.
    assert augbench.calibration_bins([1], [1.0])[0, -1] == 1


def test_every_trial_stores_its_bins_and_the_report_draws_them(tmp_path: Path) -> None:
    results = augbench.run(augmenters=("smote",), classifiers=("lr",), seeds=3,
                           sizes=(80, 160), out=tmp_path)
    calibration = results.calibration
    per_trial = calibration.groupby(["size", "seed", "augmenter"])
    assert per_trial.ngroups == len(results.trials) == 12
    # Every test row is in one bin; the bins' positives are the trial's test positives.
    merged = per_trial[["rows", "positives"]].sum().join(
        results.trials.set_index(["size", "seed", "augmenter"])[["n_test", "n_test_positive"]])
    assert (merged["rows"] == merged["n_test"]).all()
    assert (merged["positives"] == merged["n_test_positive"]).all()
    # ECE is the bins' weighted gap.
    trial = calibration[(calibration["seed"] == 0) & (calibration["size"] == 80)
                        & (calibration["augmenter"] == "smote")]
    ece = np.abs(trial["proba_sum"] - trial["positives"]).sum() / trial["rows"].sum()
    stored = results.trials.query("seed == 0 and size == 80 and augmenter == 'smote'")["ece"]
    assert float(stored.iloc[0]) == pytest.approx(ece)
    # Kept out of trials.csv; read back for a report.
    assert "calibration" not in results.trials and "calibration" not in open(
        tmp_path / "trials.csv").readline()
    loaded = augbench.load_results(tmp_path)
    assert loaded.calibration.equals(calibration)
    page = write_html(loaded, tmp_path / "report.html", write_plots(loaded, tmp_path / "plots"))
    assert (tmp_path / "plots" / "breast-cancer_reliability.png").is_file()
    assert "breast-cancer_reliability" in page.read_text()
