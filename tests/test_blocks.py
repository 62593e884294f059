"""The report's blocks on their own: what each table shows, in which order, marked how, from
results built by hand (no trial runs)."""

from __future__ import annotations

import pandas as pd

import augbench
from augbench.reporting.blocks import difference_blocks, summary_blocks


def _results(recall: dict[tuple[str, str], list[float]], synthetic: bool = False
             ) -> augbench.Results:
    rows = []
    for (augmenter, classifier), values in recall.items():
        for seed, value in enumerate(values):
            rows.append({"dataset": "d", "size": 100, "seed": seed, "augmenter": augmenter,
                         "classifier": classifier, "status": "ok", "recall": value,
                         "copies": (0.1 * seed if augmenter != "none" else float("nan")),
                         "n_synthetic": 0 if augmenter == "none" else 5,
                         "augment_seconds": 0.0, "fit_seconds": 0.0})
    metrics = {"recall": augbench.Metric(None, "recall", headline=True, short="Recall")}
    if synthetic:
        metrics["copies"] = augbench.Metric(None, "copies", higher_is_better=False,
                                            needs="synthetic", headline=True)
    return augbench.Results(pd.DataFrame(rows), augbench.RunRecord(metrics=metrics))


UP = [0.5 + 0.01 * s for s in range(8)]


def test_each_classifier_lists_the_baseline_first_and_marks_its_best_mean() -> None:
    results = _results({("smote", "rf"): [v + 0.2 for v in UP], ("none", "rf"): UP,
                        ("none", "lr"): UP, ("ros", "lr"): [v - 0.1 for v in UP]})
    block = summary_blocks(results)[0]
    assert block.title.startswith("d · 100 training rows · mean ± 95% CI over 8 seeds")
    assert [labels for labels, _, _ in block.rows] == [("lr", "none"), ("lr", "ros"),
                                                       ("rf", "none"), ("rf", "smote")]
    best = {labels: cells[0][1] for labels, _, cells in block.rows}
    assert best == {("lr", "none"): True, ("lr", "ros"): False, ("rf", "none"): False,
                    ("rf", "smote"): True}
    marks = {labels: cells[0][0][-1] for labels, _, cells in block.rows}
    assert marks[("rf", "smote")] == "▲" and marks[("lr", "ros")] == "▼"
    assert marks[("lr", "none")] == " "  # the baseline is not compared with itself


def test_the_synthetic_rows_have_a_table_of_their_own_without_the_baseline() -> None:
    results = _results({("none", "lr"): UP, ("smote", "lr"): UP}, synthetic=True)
    blocks = summary_blocks(results)
    assert len(blocks) == 2 and blocks[1].label_names == ["augmenter"]
    assert [labels for labels, _, _ in blocks[1].rows] == [("smote",)]
    assert "lower: copies" in blocks[1].caption


def test_difference_blocks_hold_each_augmenters_paired_difference() -> None:
    results = _results({("none", "lr"): UP, ("smote", "lr"): [v + 0.05 for v in UP]})
    where, headers, rows = difference_blocks(results)[0]
    assert where == "d · 100 training rows" and headers == ["Recall"]
    (row,) = rows
    mean, low, high, p, wins, ties, losses, verdict = row.cells[0]
    assert (row.augmenter, wins, ties, losses, verdict) == ("smote", 8, 0, 0, "better")
    assert abs(mean - 0.05) < 1e-12 and low <= mean <= high and p < 0.05


def test_a_control_is_never_the_bold_best_mean() -> None:
    results = _results({("none", "lr"): UP, ("smote", "lr"): [v - 0.05 for v in UP],
                        ("permuted-labels", "lr"): [v + 0.2 for v in UP]})
    results.record.capabilities = {"permuted-labels": {"relabels": True}}
    block = summary_blocks(results)[0]
    best = {labels: bool(cells[0][1]) for labels, _, cells in block.rows}
    # The control's mean is the highest, but it is a reference: none is the best choice.
    assert best == {("lr", "none"): True, ("lr", "permuted-labels"): False,
                    ("lr", "smote"): False}
    assert "(permuted-labels: a reference, never bold)" in block.caption
