"""Golden runs: every trial gives the numbers it gave before, on any CPU.

The files in tests/golden/ were written on another machine (trial coordinates, status,
synthetic row count, and each metric as a float.hex string). They are compared at tolerances
that catch a real change and not the last-bit noise of another CPU's kernels
(``benchmarks/cpu_drift.py`` measures that noise under several BLAS and torch kernels):

- rows made by augbench's and scikit-learn's own arithmetic (``none``, ``smote``, ``ros``)
  move by at most 1e-16 between kernels, through the BLAS calls of logistic regression's
  solver; a real change moves a label metric by a whole test row (1/171 here) and a
  probability metric far above 1e-9;
- rows from a trained generator (``gan``: torch's float32 Adam; ``copula``: SciPy's optimiser
  fitting each column's distribution) carry that noise, amplified, into every synthetic row.
  A smooth classifier (``lr``) passes it on as it is: at most 2.1e-6 measured, against a
  tolerance of 1e-4 and at least 2e-4 moved in every trial by another step count of the GAN
  (40 to 60) or another distribution of the copula. A tree cuts at thresholds between rows and
  turns the noise into a moved split: up to 0.016 measured for the copula with ``rf`` under
  OpenBLAS's Sandybridge kernel, as much as a real change. So a generator's rows are checked
  through ``lr``, a tree's arithmetic through the rows of the first kind, and a generator's
  trials with a tree by their status and row counts only.

Counts and statuses are compared exactly. A deliberate change of the numbers rewrites the files
with ``python tests/test_golden.py --rewrite`` and says why in its commit.

Before a refactor, ``python tests/test_golden.py --snapshot`` records this machine's numbers in
tests/golden/this-machine/ (ignored by git); while that snapshot exists, the test also demands
that every trial be bit-identical to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import mixed_table

import augbench

GOLDEN = Path(__file__).parent / "golden"
SNAPSHOT = GOLDEN / "this-machine"
NAMES = ("breast_cancer", "mixed")
METRICS = ("accuracy", "recall", "precision", "specificity", "f1", "balanced_accuracy",
           "roc_auc", "pr_auc", "brier")
AUGMENTERS = ("none", "smote", "ros", "gan", "copula")
EXACT = ("dataset", "size", "seed", "augmenter", "classifier", "status", "n_synthetic")
# Augmenters whose rows come from arithmetic with no optimiser in it.
OWN_ARITHMETIC = ("none", "smote", "ros")
# Classifiers whose probabilities move smoothly with their training rows.
SMOOTH = ("lr",)


def tolerance(augmenter: str, classifier: str) -> float:
    """The largest difference of a metric from the golden files accepted as CPU noise."""
    if augmenter in OWN_ARITHMETIC:
        return 1e-9
    return 1e-4 if classifier in SMOOTH else float("inf")


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


def differences(got: list[dict], expected: list[dict]) -> list[str]:
    """What differs beyond the tolerances, one line per trial and field."""
    if [[g[k] for k in EXACT] for g in got] != [[e[k] for k in EXACT] for e in expected]:
        return [f"trial coordinates, statuses or row counts differ: {len(got)} trials vs "
                f"{len(expected)}, first {next((g, e) for g, e in zip(got, expected) if g != e)}"]
    found = []
    for g, e in zip(got, expected):
        allowed = tolerance(e["augmenter"], e["classifier"])
        for m in METRICS:
            diff = abs(float.fromhex(g[m]) - float.fromhex(e[m]))
            if not diff <= allowed:  # NaN on one side only is a difference too
                if float.fromhex(g[m]) != float.fromhex(e[m]):
                    found.append(f"{e['augmenter']}/{e['classifier']} size {e['size']} seed "
                                 f"{e['seed']}: {m} {float.fromhex(g[m])!r} vs "
                                 f"{float.fromhex(e[m])!r} (tolerance {allowed:g})")
    return found


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> dict[str, list[dict]]:
    folder = tmp_path_factory.mktemp("golden")
    return {name: golden_rows(name, folder) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_trials_match_the_golden_run_within_cpu_noise(name: str, computed) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text())
    assert len(expected) == 60
    assert differences(computed[name], expected) == []


@pytest.mark.parametrize("name", NAMES)
def test_trials_are_bit_identical_to_this_machines_snapshot(name: str, computed) -> None:
    snapshot = SNAPSHOT / f"{name}.json"
    if not snapshot.is_file():
        pytest.skip("no snapshot of this machine's numbers; 'python tests/test_golden.py "
                    "--snapshot' records one before a refactor")
    assert computed[name] == json.loads(snapshot.read_text())


def test_the_tolerances_catch_a_real_change_and_not_the_last_bit() -> None:
    expected = json.loads((GOLDEN / "breast_cancer.json").read_text())
    last_bit = [dict(e, brier=(float.fromhex(e["brier"]) * (1 + 2e-16)).hex()) for e in expected]
    assert differences(last_bit, expected) == []
    # One test row classified otherwise in one trial of each kind.
    for augmenter in ("smote", "gan"):
        moved = [dict(e) for e in expected]
        i = next(i for i, e in enumerate(moved)
                 if (e["augmenter"], e["classifier"]) == (augmenter, "lr"))
        moved[i]["accuracy"] = (float.fromhex(moved[i]["accuracy"]) + 1 / 171).hex()
        assert len(differences(moved, expected)) == 1
    recount = [dict(e) for e in expected]
    recount[0]["n_synthetic"] += 1
    assert differences(recount, expected)


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] not in (["--rewrite"], ["--snapshot"]):
        sys.exit("usage: python tests/test_golden.py --snapshot | --rewrite")
    target = SNAPSHOT if sys.argv[1] == "--snapshot" else GOLDEN
    target.mkdir(exist_ok=True)
    for name in NAMES:
        with tempfile.TemporaryDirectory() as folder:
            rows = golden_rows(name, Path(folder))
        (target / f"{name}.json").write_text(json.dumps(rows, indent=0))
        print(f"wrote {len(rows)} rows to {target / name}.json", file=sys.stderr)
