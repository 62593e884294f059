"""Paired comparisons, Holm, threshold shifts, no-signal alarm and ranks, pinned by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import augbench
from augbench.builtin.classification import CLASSIFICATION_METRICS
from augbench.reporting.findings import findings
from augbench.results.compare import average_ranks, holm, no_signal, paired_comparisons, threshold_shifts

METRICS = tuple(CLASSIFICATION_METRICS)


def test_holm_by_hand() -> None:
    adjusted = holm(np.array([0.01, 0.04, 0.03, np.nan]))
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, max(0.03, 2 x 0.03), max(0.06, 1 x 0.04)
    assert adjusted[:3] == pytest.approx([0.03, 0.06, 0.06]) and np.isnan(adjusted[3])
    assert holm(np.array([0.5, 0.9])) == pytest.approx([1.0, 1.0])


def _trials(values: dict[str, list[float]], metric: str = "recall") -> pd.DataFrame:
    rows = []
    for augmenter, per_seed in values.items():
        for seed, value in enumerate(per_seed):
            row = {"dataset": "d", "size": 50, "seed": seed, "augmenter": augmenter,
                   "classifier": "lr", "status": "ok", **{m: 0.5 for m in METRICS}}
            row[metric] = value
            rows.append(row)
    return pd.DataFrame(rows)


def test_paired_difference_interval_test_and_counts_by_hand() -> None:
    trials = _trials({"none": [0.50, 0.60, 0.70, 0.40, 0.55],
                      "smote": [0.60, 0.60, 0.90, 0.45, 0.50]})
    row = paired_comparisons(trials, CLASSIFICATION_METRICS).set_index("metric").loc["recall"]
    diffs = np.array([0.10, 0.00, 0.20, 0.05, -0.05])
    half = stats.t.ppf(0.975, 4) * diffs.std(ddof=1) / np.sqrt(5)
    assert row["mean_diff"] == pytest.approx(0.06)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.06 - half, 0.06 + half))
    assert row["p_value"] == pytest.approx(stats.wilcoxon(diffs).pvalue)
    assert (row["wins"], row["ties"], row["losses"]) == (3, 1, 1)
    assert row["baseline"] == "none" and row["n_pairs"] == 5


def test_lower_brier_is_a_win_and_failed_seeds_are_unpaired() -> None:
    trials = _trials({"none": [0.20, 0.20, 0.20], "ros": [0.10, 0.10, 0.30]}, metric="brier")
    trials.loc[(trials.augmenter == "ros") & (trials.seed == 2), "status"] = "failed"
    row = paired_comparisons(trials, CLASSIFICATION_METRICS).set_index("metric").loc["brier"]
    assert row["n_pairs"] == 2 and row["wins"] == 2 and row["losses"] == 0
    assert row["mean_diff"] == pytest.approx(-0.10)


def test_threshold_shift_is_recall_better_without_auc_better() -> None:
    comparisons = pd.DataFrame({
        "dataset": "d", "augmenter": "smote", "classifier": "lr",
        "metric": ["recall", "roc_auc"] * 3, "mean_diff": [0.2, 0.0, 0.2, 0.05, 0.3, -0.04],
        "verdict": ["better", "undecided", "better", "better", "better", "worse"]}).assign(
        size=[50, 50, 100, 100, 200, 200])
    shifts = threshold_shifts(comparisons, "recall", "roc_auc")
    assert shifts["size"].tolist() == [50, 200] and shifts["recall_diff"].tolist() == [0.2, 0.3]
    assert shifts["roc_auc_fell"].tolist() == [False, True]


def _baseline_trials(values: dict[tuple[str, int], list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"dataset": "d", "classifier": classifier, "size": size, "seed": seed,
                          "augmenter": "none", "status": "ok", "roc_auc": v}
                         for (classifier, size), vs in values.items()
                         for seed, v in enumerate(vs)])


def test_no_signal_is_the_baseline_not_significantly_above_chance_at_the_largest_size() -> None:
    trials = _baseline_trials({
        ("lr", 50): [0.60, 0.65, 0.62, 0.66], ("lr", 200): [0.49, 0.53, 0.51, 0.50],
        ("dummy", 200): [0.5] * 4, ("rf", 200): [0.61, 0.64, 0.66, 0.70],
        # Below chance in every seed, its two-sided interval clear of 0.5: no signal either.
        ("knn", 200): [0.45, 0.46, 0.47, 0.46]})
    hit = no_signal(trials, "none", "roc_auc", 0.5)
    assert hit[["classifier", "size"]].values.tolist() == [["knn", 200], ["lr", 200]]
    lr = hit.set_index("classifier").loc["lr"]
    values = np.array([0.49, 0.53, 0.51, 0.50])
    expected = stats.ttest_1samp(values, 0.5, alternative="greater")
    assert lr["p_above_chance"] == pytest.approx(expected.pvalue)
    assert lr["roc_auc_lower"] == pytest.approx(
        values.mean() - stats.t.ppf(0.95, 3) * values.std(ddof=1) / 2)


def test_a_pure_noise_table_raises_the_no_signal_alarm(tmp_path) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    frame["y"] = (rng.random(300) < 0.3).astype(int)
    frame.to_csv(tmp_path / "noise.csv", index=False)
    results = augbench.run(data=(augbench.DataSpec(str(tmp_path / "noise.csv"), target="y"),),
                           seeds=10, sizes=(150,), metrics=("recall", "roc_auc"))
    lines = findings(results)
    assert any(line.startswith("warning: no detectable signal in dataset 'noise' with "
                               "classifier 'lr'") and "not significantly above 0.5" in line
               for line in lines), lines


def test_average_ranks_and_friedman_by_hand() -> None:
    auc = {("a", "none"): 0.70, ("a", "smote"): 0.72, ("a", "gan"): 0.71,
           ("b", "none"): 0.60, ("b", "smote"): 0.65, ("b", "gan"): 0.61,
           ("c", "none"): 0.80, ("c", "smote"): 0.79, ("c", "gan"): 0.81}
    summary = pd.DataFrame([{"dataset": d, "augmenter": a, "classifier": "lr", "size": 100,
                             "roc_auc_mean": v} for (d, a), v in auc.items()])
    ranks = average_ranks(summary, "roc_auc").loc["lr"]
    assert ranks["smote"] == pytest.approx((1 + 1 + 3) / 3)
    assert ranks["none"] == pytest.approx((3 + 3 + 2) / 3)
    expected = stats.friedmanchisquare([0.70, 0.60, 0.80], [0.72, 0.65, 0.79], [0.71, 0.61, 0.81])
    assert ranks["friedman_p"] == pytest.approx(expected.pvalue) and ranks["n_datasets"] == 3


def test_comparisons_csv_agrees_with_a_recomputation_from_trials_csv(tmp_path) -> None:
    augbench.run(augmenters=("none", "smote", "ros"), classifiers=("lr", "dummy"), seeds=20,
                 sizes=(100,), out=tmp_path)
    trials = pd.read_csv(tmp_path / "trials.csv")
    comparisons = pd.read_csv(tmp_path / "comparisons.csv")
    # dummy flags no patient positive: its precision is undefined in every trial, so its two
    # augmenters have no precision pair to compare.
    assert trials.loc[trials.classifier == "dummy", "precision"].isna().all()
    assert len(comparisons) == 2 * 2 * len(METRICS) - 2
    assert not ((comparisons.classifier == "dummy") & (comparisons.metric == "precision")).any()
    for r in comparisons.itertuples():
        pick = trials[(trials.classifier == r.classifier) & (trials["size"] == r.size)]
        a = pick[pick.augmenter == r.augmenter].set_index("seed")[r.metric]
        b = pick[pick.augmenter == "none"].set_index("seed")[r.metric]
        diffs = (a - b).to_numpy().round(12)  # as augbench does, so that float noise makes no tie
        assert r.mean_diff == pytest.approx(diffs.mean())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # all-tied pairs: scipy warns and returns NaN
            expected = stats.wilcoxon(diffs).pvalue
        if np.count_nonzero(diffs) < 2:
            expected = 1.0  # the exact test's value, which scipy gives up to 13 pairs only
        assert r.p_value == pytest.approx(expected, nan_ok=True)
        assert r.ci_low <= r.mean_diff <= r.ci_high
        assert np.isnan(r.p_value) or r.p_adjusted >= r.p_value
    assert not any(line.startswith("warning: no detectable signal")
                   for line in findings(augbench.Results(trials)))


def test_heart_attack_table_raises_the_no_signal_alarm(shared_data) -> None:
    spec = augbench.DataSpec(str(shared_data / "heart_attack_risk.csv"), target="Heart Attack Risk",
                             drop=("Patient ID", "Blood Pressure"))
    results = augbench.run(data=(spec,), augmenters=("none", "smote"), classifiers=("lr",),
                           seeds=10, sizes=(1000,))
    lines = findings(results)
    assert any(line.startswith("warning: no detectable signal in dataset 'heart_attack_risk' "
                               "with classifier 'lr'") for line in lines), lines


def test_fast_sign_flip_path_equals_scipy_on_ties_and_zeros() -> None:
    from augbench.results.compare import _wilcoxon

    rng = np.random.default_rng(7)
    cases = [np.zeros(4), np.array([0.0, 0.0, 0.3]), np.array([0.1, -0.1, 0.1, 0.0, 0.2])]
    cases += [np.round(rng.integers(-3, 4, n) / 7, 12) for n in (4, 7, 10, 13)]
    for diffs in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = stats.wilcoxon(diffs).pvalue
        assert _wilcoxon(diffs) == pytest.approx(expected, nan_ok=True), diffs


def test_holm_runs_within_each_comparison_unless_the_run_is_the_family() -> None:
    from augbench.results.compare import seeds_needed, smallest_p

    rng = np.random.default_rng(0)
    rows = []
    for metric_shift, size in ((0.3, 50), (0.0, 100)):
        for augmenter, shift in (("a", metric_shift), ("b", metric_shift / 2)):
            for seed in range(12):
                rows.append({"dataset": "d", "size": size, "seed": seed, "augmenter": augmenter,
                             "classifier": "lr", "status": "ok", "recall": 0.5 + shift
                             + rng.normal(0, 0.05)})
        rows += [{"dataset": "d", "size": size, "seed": s, "augmenter": "none",
                  "classifier": "lr", "status": "ok", "recall": 0.5} for s in range(12)]
    trials = pd.DataFrame(rows)
    metrics = {"recall": CLASSIFICATION_METRICS["recall"]}
    per = paired_comparisons(trials, metrics, "none")
    for _, family in per.groupby("size"):
        assert np.allclose(family["p_adjusted"], holm(family["p_value"].to_numpy()))
    whole = paired_comparisons(trials, metrics, "none", family="run")
    assert np.allclose(whole["p_adjusted"], holm(whole["p_value"].to_numpy()))
    assert (whole["p_adjusted"] >= per["p_adjusted"]).all()
    assert smallest_p(10) == pytest.approx(2 / 1024) and seeds_needed(2) == 7


def test_every_run_has_the_original_data_as_reference_and_says_when_seeds_are_too_few() -> None:
    few = augbench.run(augmenters=("smote", "ros"), seeds=4, sizes=(100,))
    assert set(few.trials["augmenter"]) == {"none", "smote", "ros"} and few.baseline == "none"
    assert set(few.comparisons["baseline"]) == {"none"}
    warning = [line for line in findings(few) if "can be significant" in line]
    assert warning and "run at least 7 seeds" in warning[0]
    enough = augbench.run(augmenters=("smote", "ros"), seeds=8, sizes=(100,))
    assert not [line for line in findings(enough) if "can be significant" in line]


def test_smote_raises_recall_significantly_on_pima_with_ten_seeds(shared_data) -> None:
    res = augbench.run(data=(augbench.DataSpec("pima-diabetes"),),
                       augmenters=("none", "smote", "ros"), seeds=10, sizes=(200,),
                       metrics=("recall", "roc_auc"))
    row = res.comparisons.set_index(["augmenter", "metric"]).loc[("smote", "recall")]
    assert row["mean_diff"] > 0 and row["p_adjusted"] < 0.05


def test_findings_end_with_a_sentence_per_augmenter(tmp_path) -> None:
    from conftest import mixed_table

    data = (augbench.DataSpec(str(mixed_table(tmp_path / "m.csv")), target="outcome"),)
    res = augbench.run(data=data, augmenters=("smote",), seeds=10, sizes=(150,),
                       metrics=("accuracy", "recall", "roc_auc", "brier"))
    lines = [line for line in findings(res) if line.startswith("finding: 'smote' with 'lr'")
             and "in patients" not in line]
    assert len(lines) == 1
    recall = res.comparisons.set_index("metric").loc["recall"]
    assert recall["p_adjusted"] < 0.05 and recall["mean_diff"] > 0
    assert (f"raised recall (sensitivity) by {recall['mean_diff']:.3f} "
            f"[{recall['ci_low']:.3f}, {recall['ci_high']:.3f}]") in lines[0]
    # One size is named, not "every size".
    assert "at 150 training rows" in lines[0] and lines[0].endswith(".")


def test_permuted_labels_shuffle_the_labels_only_and_reproduce() -> None:
    X, y = pd.DataFrame({"a": np.arange(50.0)}), (np.arange(50) % 4 == 0).astype(np.int8)
    control = augbench.get_augmenter("permuted-labels", random_state=3)
    X_res, y_res = control.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, X)
    assert sorted(y_res) == sorted(y) and not np.array_equal(y_res, y)
    assert np.array_equal(y_res, augbench.get_augmenter("permuted-labels", random_state=3)
                          .fit_resample(X, y)[1])


def test_the_permutation_control_judges_the_signal(shared_data, tmp_path) -> None:
    from augbench.cli import main

    common = ["--permutation-control", "--seeds", "10", "--metrics", "recall,roc_auc", "--quiet"]
    embedded = augbench.run(augmenters=("none", "permuted-labels"), seeds=10, sizes=(100,),
                            metrics=("recall", "roc_auc"))
    assert "permuted-labels" in set(embedded.trials["augmenter"])
    assert not [line for line in findings(embedded) if "under the control 'permuted-labels'" in line]
    heart = augbench.run(data=(augbench.DataSpec("heart-attack-risk"),),
                         augmenters=("none", "permuted-labels"), seeds=10, sizes=(500,),
                         metrics=("recall", "roc_auc"))
    lines = [line for line in findings(heart) if "under the control 'permuted-labels'" in line]
    assert len(lines) == 1 and "indistinguishable" in lines[0]
    assert main(["run", "--data", "heart-attack-risk", "--sizes", "500", *common, "--out",
                 str(tmp_path)]) == 0


@pytest.mark.parametrize("seeds", [10, 13, 14, 20, 50])
def test_an_all_tie_comparison_has_p_1_at_any_number_of_seeds(seeds: int) -> None:
    from augbench.results.compare import _wilcoxon

    assert _wilcoxon(np.zeros(seeds)) == 1.0
    one_apart = np.zeros(seeds)
    one_apart[3] = 0.01
    assert _wilcoxon(one_apart) == 1.0


def test_a_threshold_shift_with_a_significant_ranking_loss_is_said_as_one() -> None:
    run = augbench.run(augmenters="none,ros", classifiers="lr,dummy", seeds=10,
                       sizes=(100, 120))
    trials = run.trials.copy()
    rng = np.random.default_rng(3)
    ros = trials["augmenter"] == "ros"
    # Recall up everywhere; ROC-AUC down by 0.08 with lr at 100 rows, unchanged elsewhere.
    trials["recall"] = np.where(ros, 0.5, 0.1) + rng.normal(0, 0.02, len(trials))
    base = 0.8 + rng.normal(0, 0.01, 10)
    trials["roc_auc"] = base[trials["seed"]] - np.where(
        ros & (trials["classifier"] == "lr") & (trials["size"] == 100), 0.08, 0.0)
    lines = findings(augbench.Results(trials, record=run.record))
    shifts = [line for line in lines if line.startswith("note: 'ros' raises")]
    assert shifts == [
        "note: 'ros' raises recall (sensitivity) with 'dummy' on 'breast-cancer' (at 100, 120 "
        f"training rows, by {_mean_diff(trials, 'dummy', None):+.3f} on average) without a "
        "ROC-AUC gain beyond its margin (+0.000): a threshold shift, not better ranking.",
        "note: 'ros' raises recall (sensitivity) with 'lr' on 'breast-cancer' (at 120 of the "
        f"100, 120 training rows run, by {_mean_diff(trials, 'lr', 120):+.3f} on average) "
        "without a ROC-AUC gain "
        "beyond its margin (+0.000): a threshold shift, not better ranking.",
        "note: 'ros' raises recall (sensitivity) with 'lr' on 'breast-cancer' (at 100 of the "
        f"100, 120 training rows run, by {_mean_diff(trials, 'lr', 100):+.3f} on average) "
        "while its ROC-AUC is "
        "worse (-0.080): a threshold shift, with worse ranking."]


def _mean_diff(trials: pd.DataFrame, classifier: str, size: int | None) -> float:
    """The mean recall difference of ros over none, averaged over the sizes (or at one)."""
    pick = trials[(trials["classifier"] == classifier)
                  & ((trials["size"] == size) if size else True)]
    wide = pick.pivot_table(index=["size", "seed"], columns="augmenter", values="recall")
    return float((wide["ros"] - wide["none"]).groupby("size").mean().mean())


def test_a_difference_at_the_decision_is_also_said_in_patients() -> None:
    from augbench.registry import default_registry

    rows = []
    for seed in range(10):
        noise = 0.002 * ((seed * 7) % 5)
        rows += [{"dataset": "d", "size": 100, "seed": seed, "augmenter": "none",
                  "classifier": "lr", "status": "ok", "recall": 0.60 + noise,
                  "specificity": 0.80 - noise, "n_synthetic": 0},
                 {"dataset": "d", "size": 100, "seed": seed, "augmenter": "a",
                  "classifier": "lr", "status": "ok", "recall": 0.50 + 2 * noise,
                  "specificity": 0.85 - 2 * noise, "n_synthetic": 10}]
    results = augbench.Results(
        pd.DataFrame(rows).assign(augment_seconds=0.0, fit_seconds=0.0),
        augbench.RunRecord(metrics=default_registry().metrics(["recall", "specificity"])))
    by = results.comparisons.set_index("metric")
    recall, specificity = by.loc["recall"], by.loc["specificity"]
    line = next(f for f in findings(results) if "in patients" in f)
    # Recall down by 0.1 less the mean noise 0.004: 9.6 fewer of every 100 with the disease
    # found; specificity up by 0.05 less 0.004: 4.6 fewer false alarms in every 100 without.
    assert line == (
        "finding: 'a' with 'lr' on 'd', in patients at 100 training rows: per 100 patients with "
        f"the disease, {-100 * recall['mean_diff']:.1f} fewer found "
        f"[{-100 * recall['ci_high']:.1f}, {-100 * recall['ci_low']:.1f}]; per 100 without, "
        f"{100 * specificity['mean_diff']:.1f} fewer false alarms "
        f"[{100 * specificity['ci_low']:.1f}, {100 * specificity['ci_high']:.1f}].")
    assert "9.6 fewer found" in line and "4.6 fewer false alarms" in line


def test_an_interval_across_zero_is_read_by_its_test_in_patients() -> None:
    """Across zero, only a significant change gets the rank-test reading; a change the test
    does not find reads as not significant."""
    from augbench.registry import default_registry

    rows = []
    for seed in range(3):  # 3 seeds: no paired difference can be significant
        swing = (-1) ** seed * 0.05
        rows += [{"dataset": "d", "size": 100, "seed": seed, "augmenter": "none",
                  "classifier": "lr", "status": "ok", "recall": 0.60,
                  "specificity": 0.80, "n_synthetic": 0},
                 {"dataset": "d", "size": 100, "seed": seed, "augmenter": "a",
                  "classifier": "lr", "status": "ok", "recall": 0.60 + swing,
                  "specificity": 0.80 - swing, "n_synthetic": 10}]
    results = augbench.Results(
        pd.DataFrame(rows).assign(augment_seconds=0.0, fit_seconds=0.0),
        augbench.RunRecord(metrics=default_registry().metrics(["recall", "specificity"])))
    assert (results.comparisons["p_adjusted"] >= 0.05).all()
    line = next(f for f in findings(results) if "in patients" in f)
    assert line.count("not significant]") == 2, line
    assert "rank test finds a shift" not in line


def test_each_augmenter_gets_one_summary_line_before_the_details() -> None:
    from augbench.registry import default_registry

    rows = []
    for seed in range(12):
        wobble = 0.001 * (seed % 4)
        for augmenter, recall in (("none", 0.60), ("up", 0.70), ("same", 0.60)):
            rows.append({"dataset": "d", "size": 100, "seed": seed, "augmenter": augmenter,
                         "classifier": "lr", "status": "ok", "recall": recall + wobble
                         + (0.002 * seed if augmenter == "up" else 0.0),
                         "roc_auc": 0.80 + wobble, "n_synthetic": 10 * (augmenter != "none")})
    results = augbench.Results(
        pd.DataFrame(rows).assign(augment_seconds=0.0, fit_seconds=0.0),
        augbench.RunRecord(metrics=default_registry().metrics(["recall", "roc_auc"])))
    lines = findings(results)
    summaries = [line for line in lines if line.startswith("summary:")]
    assert summaries == [
        "summary: 'same' on 'd': better in no metric; worse in no metric.",
        "summary: 'up' on 'd': better in recall (sensitivity); worse in no metric; no ROC-AUC "
        "gain beyond its margin: a threshold shift."]
    first_detail = next(i for i, line in enumerate(lines) if line.startswith("finding:"))
    assert max(lines.index(line) for line in summaries) < first_detail


def test_a_threshold_shift_at_some_sizes_says_they_are_some_of_those_run() -> None:
    from augbench.registry import default_registry

    rows = []
    for size in (100, 200):
        for seed in range(12):
            wobble = 0.001 * (seed % 4)
            for augmenter in ("none", "up"):
                up = augmenter == "up"
                rows.append({"dataset": "d", "size": size, "seed": seed, "augmenter": augmenter,
                             "classifier": "lr", "status": "ok", "n_synthetic": 10 * up,
                             "recall": 0.60 + wobble + (0.10 + 0.002 * seed) * up,
                             # Ranking improves at 200 rows only: a shift at 100 alone.
                             "roc_auc": 0.80 + wobble + (0.05 + 0.001 * seed) * up * (size == 200)})
    results = augbench.Results(
        pd.DataFrame(rows).assign(augment_seconds=0.0, fit_seconds=0.0),
        augbench.RunRecord(metrics=default_registry().metrics(["recall", "roc_auc"])))
    notes = [line for line in findings(results) if line.startswith("note: 'up' raises")]
    assert len(notes) == 1 and "(at 100 of the 100, 200 training rows run, by " in notes[0]
