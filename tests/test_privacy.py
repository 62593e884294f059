"""Privacy and fidelity metrics: constructed cases with known answers, SDMetrics' definitions,
and a run on the embedded table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from augbench_plugins import privacy
from augbench_plugins.privacy import distances, encoding

import augbench
from augbench.reporting.findings import findings

NAMES = ("exact_copy_rate", "dcr_median", "dcr_ratio", "nndr_median", "mia_auc",
         "detection_auc", "fidelity_ks_tv")


def _table(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A mixed table whose rows are all distinct; ``y`` holds a third positives."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(5, 2, n),
                      "kind": pd.Categorical(rng.choice(["p", "q", "r"], n),
                                             categories=["p", "q", "r"])})
    return X, (np.arange(n) % 3 == 0).astype(np.int8)


def _scores(X_synthetic: pd.DataFrame, n: int = 600, seed: int = 0) -> dict[str, float]:
    X_train, y_train = _table(n, seed)
    X_test, y_test = _table(n // 2, seed + 1)
    inp = augbench.MetricInput(X_train, y_train, X_test, y_test, X_synthetic=X_synthetic)
    specs = privacy.augbench_metrics()
    return {name: specs[name].function(inp) for name in NAMES}


def _positives(n: int = 600, seed: int = 0) -> pd.DataFrame:
    X, y = _table(n, seed)
    return X[y == 1].reset_index(drop=True)


def test_copies_of_the_training_patients_are_caught_by_every_metric() -> None:
    got = _scores(_positives())
    assert got["exact_copy_rate"] == 1.0 and got["dcr_median"] == 0.0
    assert got["dcr_ratio"] == 0.0 and got["nndr_median"] == 0.0
    assert got["mia_auc"] == 1.0  # every member sits at distance 0 from a synthetic row
    assert got["fidelity_ks_tv"] == 0.0  # the same marginals exactly
    assert got["detection_auc"] == pytest.approx(0.5, abs=0.05)  # copies look real


def test_rows_moved_far_away_are_distant_and_detectable() -> None:
    far = _positives().assign(a=lambda f: f["a"] + 1000.0)
    got = _scores(far)
    std_a = _table(600, 0)[0]["a"].std(ddof=0)
    assert got["exact_copy_rate"] == 0.0
    # the nearest training row is then the one with the largest 'a', about 1000 / std away
    assert got["dcr_median"] == pytest.approx(1000 / std_a, rel=0.01)
    assert got["detection_auc"] > 0.95 and got["fidelity_ks_tv"] > 0.3


def test_an_independent_sample_leaks_nothing() -> None:
    independent = _positives(n=600, seed=99)
    got = _scores(independent)
    assert got["exact_copy_rate"] == 0.0
    assert got["mia_auc"] == pytest.approx(0.5, abs=0.08)
    assert got["detection_auc"] < 0.6
    assert got["dcr_ratio"] == pytest.approx(1.0, abs=0.2)  # as far as new patients are


def test_nndr_is_one_for_a_row_midway_between_two_patients() -> None:
    X_train = pd.DataFrame({"a": [0.0, 2.0, 10.0, 12.0]})
    y_train = np.array([1, 1, 0, 0], dtype=np.int8)
    X_test, y_test = pd.DataFrame({"a": [1.5, 11.0]}), np.array([1, 0], dtype=np.int8)
    inp = augbench.MetricInput(X_train, y_train, X_test, y_test,
                               X_synthetic=pd.DataFrame({"a": [1.0]}))
    assert distances.nndr_median(inp) == pytest.approx(1.0, abs=1e-4)  # float32 distances
    assert distances.exact_copy_rate(inp) == 0.0


def test_fidelity_follows_sdmetrics_definitions() -> None:
    from sdmetrics.single_column import KSComplement, TVComplement

    real = _positives()
    synthetic = _positives(seed=5).assign(b=lambda f: f["b"] * 1.5)
    X_train, y_train = _table(600, 0)
    inp = augbench.MetricInput(X_train, y_train, *_table(300, 1), X_synthetic=synthetic)
    expected = np.mean([1 - KSComplement.compute(real["a"], synthetic["a"]),
                        1 - KSComplement.compute(real["b"], synthetic["b"]),
                        1 - TVComplement.compute(real["kind"], synthetic["kind"])])
    assert distances.fidelity_ks_tv(inp) == pytest.approx(expected, abs=1e-12)


def test_every_metric_is_computed_once_per_augmentation_and_empty_for_none(tmp_path) -> None:
    res = augbench.run(augmenters=("none", "ros", "smote", "gan"), classifiers=("lr", "dummy"),
                       seeds=3, sizes=(100, 200), params={"gan": {"steps": 50}}, out=tmp_path)
    trials = pd.read_csv(tmp_path / "trials.csv")
    none = trials[trials.augmenter == "none"]
    assert none[list(NAMES)].isna().all().all()  # empty cells, not zeros
    ros, smote = trials[trials.augmenter == "ros"], trials[trials.augmenter == "smote"]
    assert (ros["exact_copy_rate"] == 1).all() and (ros["dcr_median"] == 0).all()
    assert (smote["exact_copy_rate"] < 0.01).all() and (smote["dcr_median"] > 0).all()
    for name in ("mia_auc", "detection_auc"):
        values = trials.loc[trials.augmenter != "none", name]
        assert values.between(0, 1).all()
    # The same training set gives the same privacy figures whichever classifier follows.
    by_clf = trials[trials.augmenter == "gan"].pivot_table(index=["size", "seed"],
                                                           columns="classifier", values="mia_auc")
    assert np.allclose(by_clf["lr"], by_clf["dummy"])
    assert not math.isnan(res.summary.loc[res.summary.augmenter == "gan", "mia_auc_mean"].iloc[0])


def test_the_fast_auc_and_ks_equal_scikit_learn_and_scipy() -> None:
    from scipy.stats import ks_2samp
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = rng.integers(0, 6, rng.integers(2, 40)), rng.normal(2, 2, rng.integers(2, 40))
        b = np.round(b)  # ties across and within the samples
        labels = np.r_[np.ones(len(a)), np.zeros(len(b))]
        assert encoding.auc(a, b) == pytest.approx(roc_auc_score(labels, np.r_[a, b]), abs=1e-12)
        assert distances._ks(a, b) == pytest.approx(ks_2samp(a, b).statistic, abs=1e-12)


def test_the_logistic_fit_finds_scikit_learns_optimum() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(4)
    for n, d, shift in ((60, 5, 0.0), (300, 30, 0.8), (120, 12, 3.0)):  # separable at the last
        X = rng.normal(size=(n, d))
        y = (rng.random(n) < 0.4).astype(float)
        X[y == 1] += shift
        w, b = distances.logistic_fit(X, y)
        ref = LogisticRegression(solver="newton-cholesky", tol=1e-10, max_iter=200).fit(X, y)
        assert np.allclose(w, ref.coef_[0], atol=1e-6) and b == pytest.approx(ref.intercept_[0],
                                                                                abs=1e-6)


def _patients(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                          "c": rng.normal(size=n)})
    # A secret that is a function of the other columns.
    frame["s"] = pd.Categorical(np.where(frame["a"] + frame["b"] > 0, "high", "low"),
                                categories=["high", "low"])
    return frame


def _attack_input(synthetic: pd.DataFrame, members: pd.DataFrame, sensitive=None):
    held_out, reference = _patients(len(members), 11), _patients(len(members), 12)
    return augbench.MetricInput(members, np.ones(len(members), int), held_out,
                                np.ones(len(held_out), int), X_synthetic=synthetic,
                                X_reference=reference, settings={"sensitive": sensitive})


def test_the_density_attack_finds_copies_and_not_an_independent_sample() -> None:
    from augbench_plugins.privacy.attacks import mia_density_auc

    members = _patients(300, 10)
    assert mia_density_auc(_attack_input(members.copy(), members)) > 0.7
    assert mia_density_auc(_attack_input(_patients(300, 13), members)) == pytest.approx(
        0.5, abs=0.06)
    # Without a reference sample of the population the attack has nothing to compare with.
    no_reference = _attack_input(members.copy(), members)
    no_reference.X_reference = members.iloc[:0]
    assert math.isnan(mia_density_auc(no_reference))


def test_the_inference_risk_is_beyond_what_held_out_patients_reveal() -> None:
    from augbench_plugins.privacy.attacks import inference_risk, inference_risks

    members = _patients(300, 10)
    # Copies reveal every member's secret, far more than a held-out patient's: risk 1.
    assert inference_risks(_attack_input(members.copy(), members, ("s",))) == {"s": 1.0}
    # A secret that follows from the other columns, read from an independent sample: the
    # synthetic rows tell a member's no better than anyone's. (The risk divides by what the
    # held-out patients leave to guess, small for such a secret: thousands of patients keep
    # the estimate within 0.15.)
    many = _patients(2000, 20)
    independent = inference_risks(_attack_input(_patients(2000, 13), many, ("s",)))
    assert abs(independent["s"]) < 0.15
    # Every column by default, the worst reported.
    risks = inference_risks(_attack_input(members.copy(), members))
    assert set(risks) == {"a", "b", "c", "s"}
    assert inference_risk(_attack_input(members.copy(), members)) == max(risks.values())


def test_real_rows_adds_unseen_patients_and_sits_at_the_no_leak_level(tmp_path) -> None:
    results = augbench.run(augmenters="none,real-rows,ros", seeds=4, sizes=(100, "full"),
                           metrics=("recall", "mia_density_auc", "exact_copy_rate"))
    trials = results.trials.set_index(["augmenter", "size"]).sort_index()
    real = trials.loc[("real-rows", 100)]
    assert (real["n_synthetic"] > 0).all() and (real["exact_copy_rate"] == 0).all()
    full = trials.loc["real-rows"].loc[trials.loc["real-rows"].index.max()]
    assert (full["n_synthetic"] == 0).all()  # the whole pool is training rows: nothing to add
    density = results.summary.set_index(["augmenter", "size"])["mia_density_auc_mean"]
    assert abs(density[("real-rows", 100)] - 0.5) < 0.15 and density[("ros", 100)] > 0.7
    notes = [line for line in findings(results) if "'real-rows'" in line and "pool" in line]
    assert notes, findings(results)


def test_on_stroke_the_attacks_read_against_unseen_real_patients(shared_data, tmp_path) -> None:
    spec = augbench.DataSpec(str(shared_data / "stroke.csv"), target="stroke", drop=("id",))
    results = augbench.run(data=(spec,), augmenters="none,ros,smote,real-rows,gan", seeds=6,
                           sizes=(400,), classifiers="lr", jobs=2)
    summary = results.summary.set_index("augmenter")
    attacks = ["mia_density_auc", "inference_risk", "mia_auc"]
    assert summary.loc["none", [f"{m}_mean" for m in attacks]].isna().all()
    real = summary.loc["real-rows"]
    assert real["n_synthetic_mean"] > 0 and real["exact_copy_rate_mean"] == 0
    assert abs(real["mia_density_auc_mean"] - 0.5) < 0.1
    ros = summary.loc["ros"]
    assert ros["mia_density_auc_mean"] > 0.7
    assert ros["inference_risk_mean"] > real["inference_risk_mean"]


def test_sensitive_names_the_secret_columns_and_an_unknown_one_is_refused(capsys) -> None:
    from augbench.cli import main

    assert main(["run", "--sensitive", "no such column", "--seeds", "1", "--sizes", "100",
                 "--quiet", "--dump-config"]) == 0  # dumping checks no data
    assert main(["run", "--sensitive", "nope", "--seeds", "2", "--sizes", "100",
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "error: --sensitive 'nope' is not a feature column of dataset 'breast-cancer'" in err
    one = augbench.run(augmenters="none,ros", seeds=2, sizes=(100,), metrics="inference_risk",
                       sensitive="mean radius")
    every = augbench.run(augmenters="none,ros", seeds=2, sizes=(100,), metrics="inference_risk")
    ros = lambda r: r.trials.loc[r.trials.augmenter == "ros", "inference_risk"]  # noqa: E731
    assert (ros(one) <= ros(every) + 1e-12).all()  # one column's risk, at most the worst
    assert one.config["sensitive"] == ["mean radius"]


def test_the_inference_attack_takes_the_nearest_row_on_the_other_columns() -> None:
    from augbench_plugins.privacy import attacks
    from augbench_plugins.privacy.encoding import encoded, nearest

    members, synthetic = _patients(200, 30), _patients(150, 31)
    synthetic.loc[::7, "s"] = "high"  # categories that disagree with the other columns too
    inp = _attack_input(synthetic, members)
    rows = encoded(inp)
    patients = np.vstack([rows["train_positive"], rows["test_positive"]])
    truth = np.vstack([rows["id_train"][rows["positive_train"]], rows["id_test"]])
    for index, (column, part) in enumerate(rows["columns"].items()):
        known = np.setdiff1d(np.arange(patients.shape[1]), part)
        guesses = rows["id_synthetic"][nearest(patients[:, known], rows["synthetic"][:, known]),
                                       index]
        right = attacks._right(guesses, truth[:, index], index < rows["n_numeric"])
        held_out = right[200:].mean()
        expected = (right[:200].mean() - held_out) / (1 - held_out)
        assert attacks.inference_risks(inp)[column] == pytest.approx(expected, abs=1e-12)


def test_a_secret_every_patient_shares_has_an_undefined_risk_not_zero() -> None:
    from augbench_plugins.privacy.attacks import inference_risk, inference_risks

    # Every guess of a constant column is right, for members and held-out patients alike:
    # the risk is 0/0.
    def constant_first(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(c=7.0)[["c", "a", "b", "s"]]

    members, held_out = constant_first(_patients(120, 10)), constant_first(_patients(120, 11))
    synthetic = constant_first(_patients(90, 12))
    inp = lambda sensitive: augbench.MetricInput(  # noqa: E731
        members, np.ones(len(members), int), held_out, np.ones(len(held_out), int),
        X_synthetic=synthetic, X_reference=_patients(60, 13),
        settings={"sensitive": sensitive})
    assert math.isnan(inference_risks(inp(("c",)))["c"])
    assert math.isnan(inference_risk(inp(("c",))))
    # Among other columns the worst is taken over those it is defined for.
    risks = inference_risks(inp(None))
    defined = {column: risk for column, risk in risks.items() if column != "c"}
    assert set(risks) == {"c", "a", "b", "s"} and all(r == r for r in defined.values())
    assert inference_risk(inp(None)) == max(defined.values())


def test_a_numeric_guess_is_right_within_five_percent_of_the_true_value() -> None:
    from augbench_plugins.privacy.attacks import _right, inference_risks

    guesses, truth = np.array([103.0, 0.53, 95.1, -104.0, 0.0]), np.array([100, 0.5, 100, -100, 0])
    assert _right(guesses, truth, numeric=True).tolist() == [True, False, True, True, True]
    # Members' nearest synthetic rows hold their secret 3% off (right); held-out patients',
    # 6% off (wrong): every member's secret is revealed and no held-out one's.
    known = np.arange(1.0, 41.0)
    secret = np.where(known % 2 == 0, 100.0, 0.5)
    members = pd.DataFrame({"k": known, "s": secret})
    held_out = pd.DataFrame({"k": known + 100, "s": secret})
    synthetic = pd.DataFrame({"k": np.r_[known, known + 100],
                              "s": np.r_[secret * 1.03, secret * 1.06]})
    inp = augbench.MetricInput(members, np.ones(40, int), held_out, np.ones(40, int),
                               X_synthetic=synthetic, settings={"sensitive": ("s",)})
    assert inference_risks(inp) == {"s": 1.0}


def test_each_density_of_the_attack_takes_scotts_bandwidth_for_its_own_sample() -> None:
    from augbench_plugins.privacy.attacks import density_scores
    from augbench_plugins.privacy.encoding import encoded
    from sklearn.neighbors import KernelDensity

    # Members, synthetic rows and reference of three sizes: a bandwidth taken for the wrong
    # sample changes the scores.
    members = _patients(200, 10)
    inp = _attack_input(_patients(320, 13), members)
    inp.X_reference = _patients(40, 14)
    rows = encoded(inp)
    d = rows["synthetic"].shape[1]
    candidates = np.vstack([rows["train_positive"], rows["test_positive"]])

    def log_density(sample: np.ndarray) -> np.ndarray:
        bandwidth = 0.5 * len(sample) ** (-1 / (d + 4))  # half Scott's rule
        return KernelDensity(bandwidth=bandwidth).fit(sample).score_samples(candidates)

    expected = log_density(rows["synthetic"]) - log_density(rows["reference"])
    on_members, on_held_out = density_scores(inp)
    assert np.allclose(np.r_[on_members, on_held_out], expected, rtol=0, atol=1e-8)
    assert len(on_members) == 200


def _small_run(**options) -> augbench.Results:
    """A run on a generated 150-row table with a column every patient shares ('site')."""
    rng = np.random.default_rng(0)
    y = (np.arange(150) % 4 == 0).astype(int)
    frame = pd.DataFrame({"a": rng.normal(size=150) + y, "b": rng.normal(size=150),
                          "site": "north", "y": y})
    return augbench.run(data=frame, target="y", positive=1, seeds=2, classifiers="lr", **options)


def test_the_risk_of_a_secret_every_patient_shares_is_shown_undefined() -> None:
    from augbench.reporting.blocks import UNDEFINED_MARK, summary_blocks

    results = _small_run(augmenters="none,smote", sizes=(60,), sensitive="site",
                         metrics=("recall", "inference_risk", "exact_copy_rate"))
    smote = results.trials[results.trials.augmenter == "smote"]
    assert (smote["n_synthetic"] > 0).all() and smote["inference_risk"].isna().all()
    summary = results.summary.set_index("augmenter")
    assert summary.loc["smote", "inference_risk_undefined"] == 2
    privacy_table = summary_blocks(results)[-1]
    assert privacy_table.rows[0][2][0][0].startswith(f"-{UNDEFINED_MARK}")
    assert "attribute-inference risk (worst secret column) of smote in 2 of 2" in \
        privacy_table.caption
    assert "a risk where every guess is right anyway" in privacy_table.caption


def test_a_synthetic_row_metric_of_an_arm_that_added_no_row_is_not_undefined() -> None:
    from augbench.reporting.blocks import summary_blocks

    # none adds no row; real-rows adds none where the training rows are the whole pool.
    results = _small_run(augmenters="none,real-rows,ros", sizes=(60, "full"))
    trials = results.trials
    added_none = trials[(trials.augmenter == "none")
                        | ((trials.augmenter == "real-rows") & (trials["size"] > 60))]
    assert (added_none["n_synthetic"] == 0).all() and added_none["dcr_median"].isna().all()
    synthetic = [m for m, spec in results.metrics.items() if spec.needs == "synthetic"]
    summary = results.summary.set_index(["augmenter", "size"]).sort_index()
    for metric in synthetic:
        undefined = summary.get(f"{metric}_undefined", pd.Series(0, index=summary.index))
        assert (undefined.loc[["none"]] == 0).all(), metric
        assert (undefined.loc[("real-rows", summary.loc["real-rows"].index.max())] == 0), metric
    for block in summary_blocks(results):
        assert "of none in" not in block.caption and "of real-rows in" not in block.caption
        if "privacy" in block.title:  # only the arms that added rows have a privacy row
            assert ("none",) not in {row[0] for row in block.rows}
