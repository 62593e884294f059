"""Golden runs: every trial gives bit-identical numbers across refactors.

The files in tests/golden/ were written by the code before the extension-point refactor (trial
coordinates, status, synthetic row count, and each metric as a float.hex string). A change that
moves any number by one bit fails here; a deliberate change of the numbers rewrites them with
``python tests/test_golden.py`` and says why in its commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import mixed_table

import augbench

GOLDEN = Path(__file__).parent / "golden"
METRICS = ("accuracy", "recall", "precision", "specificity", "f1", "balanced_accuracy",
           "roc_auc", "pr_auc", "brier")
AUGMENTERS = ("none", "smote", "ros", "gan", "copula")


def golden_rows(name: str, folder: Path) -> list[dict]:
    """The rows of golden run ``name``, computed now."""
    common = dict(augmenters=AUGMENTERS, seeds=3, params={"gan": {"steps": 40}})
    if name == "breast_cancer":
        results = augbench.run(classifiers=("lr", "rf"), sizes=(60, 150), **common)
    else:
        spec = augbench.DataSpec(source=str(mixed_table(folder / "mixed.csv")), target="outcome")
        results = augbench.run(data=(spec,), classifiers=("lr", "hgb"), sizes=(80, 200), **common)
    return [{"dataset": r.dataset, "size": int(r.size), "seed": int(r.seed),
             "augmenter": r.augmenter, "classifier": r.classifier, "status": r.status,
             "n_synthetic": int(r.n_synthetic), **{m: float(getattr(r, m)).hex() for m in METRICS}}
            for r in results.trials.itertuples()]


@pytest.mark.parametrize("name", ["breast_cancer", "mixed"])
def test_trials_are_bit_identical_to_the_golden_run(name: str, tmp_path: Path) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text())
    got = golden_rows(name, tmp_path)
    assert len(got) == len(expected) == 60
    for g, e in zip(got, expected):
        assert g == e, f"trial {e['augmenter']}/{e['classifier']} size {e['size']} seed {e['seed']}"


if __name__ == "__main__":  # rewrite the golden files (a deliberate change of the numbers)
    import tempfile

    for name in ("breast_cancer", "mixed"):
        with tempfile.TemporaryDirectory() as folder:
            rows = golden_rows(name, Path(folder))
        (GOLDEN / f"{name}.json").write_text(json.dumps(rows, indent=0))
        print(f"wrote {len(rows)} rows to {GOLDEN / name}.json", file=sys.stderr)
