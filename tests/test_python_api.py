"""The Python API takes what a notebook holds: DataFrames, (X, y) pairs, Datasets, dicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main

SMALL = {"augmenters": "none,smote", "classifiers": "lr", "seeds": 2, "sizes": (100,)}


def _table(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + rng.normal(scale=1.0, size=n) > 1.4).astype(int)
    return pd.DataFrame(X, columns=["age", "bmi", "glucose", "pressure"]).assign(y=y)


def test_a_dataframe_gives_the_numbers_of_the_same_table_read_from_a_file(tmp_path: Path) -> None:
    df = _table()
    by_frame = augbench.run(data=df, target="y", **SMALL)
    df.to_csv(tmp_path / "table.csv", index=False)
    assert main(["run", "--data", str(tmp_path / "table.csv"), "--target", "y",
                 "--augmenters", "none,smote", "--classifiers", "lr", "--seeds", "2",
                 "--sizes", "100", "--quiet", "--out", str(tmp_path / "cli")]) == 0
    by_file = augbench.load_results(tmp_path / "cli")
    assert len(by_frame.trials) == 4
    assert set(by_frame.trials["dataset"]) == {"dataframe"}
    for column in ("roc_auc", "recall", "n_train", "n_train_positive", "mia_density_auc"):
        np.testing.assert_array_equal(by_frame.trials[column], by_file.trials[column])


def test_x_y_pairs_datasets_and_dicts_run_as_the_dataframe_does() -> None:
    df = _table()
    reference = augbench.run(data=df, target="y", **SMALL).trials["roc_auc"].tolist()
    X, y = df.drop(columns="y"), df["y"]
    assert augbench.run(data=(X, y), **SMALL).trials["roc_auc"].tolist() == reference
    # A bare array and labels: columns are named x0.. and the target 'target'.
    assert augbench.run(data=(X.to_numpy(), y.to_numpy()), **SMALL)\
        .trials["roc_auc"].tolist() == reference
    dataset = augbench.prepare_table(df, target="y", name="mine")
    by_dataset = augbench.run(data=dataset, **SMALL).trials
    assert set(by_dataset["dataset"]) == {"mine"}
    assert by_dataset["roc_auc"].tolist() == reference
    both = augbench.run(data={"first": df, "second": _table(seed=1)}, target="y", **SMALL)
    assert sorted(set(both.trials["dataset"])) == ["first", "second"]
    assert both.trials.query("dataset == 'first'")["roc_auc"].tolist() == reference


def test_a_table_in_memory_beside_a_named_dataset(shared_data: Path) -> None:
    mine = augbench.prepare_table(_table(), target="y", name="mine")
    mixed = augbench.run(data=["pima-diabetes", mine], **SMALL)
    assert sorted(set(mixed.trials["dataset"])) == ["mine", "pima-diabetes"]


@pytest.mark.parametrize("keywords, keyword", [
    ({"data": 42}, "data"),
    ({"data": _table()}, "target="),
    ({"data": (np.zeros((5, 2)), np.zeros(4))}, "data=\\(X, y\\)"),
    ({"data": {"mine": "pima-diabetes"}}, "a dict names tables"),
    ({"params": {"smote": 3}}, "params"),
    ({"params": ["smote"]}, "params"),
    ({"sizes": "many"}, "sizes"),
    ({"seeds": [1, 2]}, "seeds"),
    ({"ratio": "half"}, "ratio"),
    ({"augmenters": 7}, "unknown augmenter .7.. Available"),
    ({"data": augbench.DataSpec(), "target": "y"}, "a DataSpec carries its own"),
])
def test_a_wrong_keyword_is_one_usage_error_naming_it(keywords: dict, keyword: str) -> None:
    with pytest.raises(augbench.UsageError, match=keyword):
        augbench.run(**{**SMALL, **keywords})


def test_strings_and_numbers_are_taken_as_the_command_line_takes_them() -> None:
    df = _table()
    as_text = augbench.run(data=df, target="y", augmenters="none, smote", classifiers="lr",
                           seeds="2", sizes="100", ratio="1.0").trials
    assert as_text["roc_auc"].tolist() == augbench.run(data=df, target="y", **SMALL)\
        .trials["roc_auc"].tolist()


def test_a_folder_of_a_dataframe_reuses_its_trials_and_keeps_no_options_file(
        tmp_path: Path) -> None:
    df = _table()
    first = augbench.run(data=df, target="y", out=tmp_path / "run", **SMALL)
    assert (tmp_path / "run" / "trials.csv").is_file()
    # No file of options can name a table held in memory.
    assert not (tmp_path / "run" / "config.toml").exists()
    again = augbench.run(data=df, target="y", out=tmp_path / "run", **SMALL)
    assert again.reused == len(first.trials)
    changed = df.assign(y=1 - df["y"])
    with pytest.raises(augbench.UsageError, match="another experiment \\(changed: tables\\)"):
        augbench.run(data=changed, target="y", out=tmp_path / "run", **SMALL)


@pytest.fixture(scope="module")
def small_results():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", augbench.AugbenchWarning)
        return augbench.run(data=_table(), target="y", **SMALL)


def test_results_display_as_html_and_say_what_they_hold(small_results) -> None:
    html = small_results._repr_html_()
    assert html.count("<table>") == 3  # the metrics, the synthetic rows, the differences
    # Its warnings were filtered out when run() raised them: the display lists them.
    assert not small_results.warnings_raised
    assert "with 2 seeds no difference from &#x27;none&#x27; can be significant" in html
    # Shown as warnings under the cell, the display points to them instead, once.
    pointed = dataclasses.replace(small_results, warnings_raised=True)._repr_html_()
    assert "with 2 seeds no difference" not in pointed
    assert "2 warnings above, raised as AugbenchWarning" in pointed
    assert "<b>none</b>" in html
    assert repr(small_results) == ("<augbench Results: 4 trials over 2 seeds; datasets "
                                   "dataframe; augmenters none, smote (baseline none); "
                                   "classifiers lr>")


def test_findings_are_data_with_a_kind_and_a_sentence(small_results) -> None:
    from augbench.reporting.findings import findings

    found = small_results.findings
    assert [str(f) for f in found] == findings(small_results)
    assert [f.kind for f in found] == sorted((f.kind for f in found), key=[
        "warning", "summary", "note", "finding"].index)
    assert {f.kind for f in found} == {"warning", "summary", "finding"}
    assert "summary: 'smote' on 'dataframe': better in no metric; worse in no metric." in \
        findings(small_results)
    assert any(f.text.startswith("'smote' with 'lr' on 'dataframe' is neither better nor "
                                 "worse than 'none' beyond the margins: undecided in ")
               for f in found)


@pytest.mark.parametrize("metric, kind, title", [
    (None, "levels", "ROC-AUC"), ("recall", "levels", "recall"),
    ("recall", "differences", "paired difference in recall"),
    (None, "privacy", "privacy against utility"), (None, "reliability", "reliability"),
    (None, "synthetic", "synthetic"),
])
def test_each_kind_of_figure_is_a_matplotlib_figure(small_results, metric, kind,
                                                    title) -> None:
    from matplotlib.figure import Figure

    figure = small_results.plot(metric, kind=kind)
    assert isinstance(figure, Figure)
    assert title.lower() in figure.get_suptitle().lower() + " " + " ".join(
        ax.get_ylabel().lower() for ax in figure.axes)
    assert figure.caption.startswith("dataframe")
    assert figure._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_report_and_a_notebook_draw_the_figures_of_one_table(small_results,
                                                                   tmp_path) -> None:
    from augbench.reporting.blocks import shown_metrics
    from augbench.reporting.figures import FIGURE_KINDS, write_plots

    assert all(f'"{kind.name}"' in augbench.Results.plot.__doc__ for kind in FIGURE_KINDS)
    written = [w.caption for w in write_plots(small_results, tmp_path)]
    drawn = []
    for kind in FIGURE_KINDS:
        if kind.per == "run":
            continue  # ranks need two datasets
        for metric in shown_metrics(small_results, "predictions") if kind.per == "metric" \
                else [None]:
            drawn.append(small_results.plot(metric, kind=kind.name).caption)
    # The same figures, in the table's order (a dataset's metric figures first, per metric).
    per_metric = [k for k in FIGURE_KINDS if k.per == "metric"]
    assert sorted(written) == sorted(drawn) and len(written) == len(drawn)
    assert written[:len(per_metric)] == [
        small_results.plot(shown_metrics(small_results, "predictions")[0], kind=k.name).caption
        for k in per_metric]


@pytest.mark.parametrize("keywords, message", [
    ({"metric": "nope"}, "metric 'nope' is not a metric of the predictions"),
    ({"metric": "dcr_median"}, "choose one of accuracy, recall"),
    ({"kind": "bars"}, "kind takes 'levels'"),
    ({"dataset": "stroke"}, "dataset 'stroke' is not in these results"),
    ({"kind": "ranks"}, "ranks compare methods across two or more datasets"),
    ({"kind": "reliability", "metric": "recall"}, "draws no chosen metric"),
])
def test_a_figure_that_cannot_be_drawn_is_one_usage_error(small_results, keywords,
                                                          message) -> None:
    with pytest.raises(augbench.UsageError, match=f"plot\\(\\): .*{message}"):
        small_results.plot(**keywords)


def test_run_warns_as_the_command_line_prints(recwarn) -> None:
    import warnings

    warnings.simplefilter("always", augbench.AugbenchWarning)
    augbench.run(data=_table(), target="y", **SMALL)
    said = [str(w.message) for w in recwarn if w.category is augbench.AugbenchWarning]
    assert any(s.startswith("positive class of 'dataframe': y = 1") and "positive=" in s
               for s in said)
    assert any(s.startswith("with 2 seeds no difference") for s in said)
    assert all(w.filename == __file__ for w in recwarn if w.category is augbench.AugbenchWarning)


def test_a_progress_bar_on_request(capsys) -> None:
    augbench.run(data=_table(), target="y", progress=False, **SMALL)
    assert "4/4" not in capsys.readouterr().err
    augbench.run(data=_table(), target="y", progress=True, **SMALL)
    err = capsys.readouterr().err
    assert "trials" in err and "4/4" in err and "0 failed" in err
    assert "· left" in err  # the time is labelled: the time left, not the time spent


def test_warnings_are_flushed_before_the_progress_bar_starts(monkeypatch) -> None:
    # In a notebook, the bar is an output widget that captures the cell's output while it
    # redraws: a warning still buffered when it starts would land in the bar by chance.
    import sys
    import warnings

    import augbench.runner

    class Buffered:
        """A stream like a kernel's: what is written reaches the page on flush."""

        def __init__(self) -> None:
            self.pending, self.shown = "", ""

        def write(self, text: str) -> int:
            self.pending += text
            return len(text)

        def flush(self) -> None:
            self.shown, self.pending = self.shown + self.pending, ""

    stream = Buffered()
    seen_at_start: list[str] = []
    real_progress = augbench.runner.trial_progress

    def progress(total, disable=False):
        bar, advance = real_progress(total, disable=True)

        class Watched:
            def __enter__(self):
                seen_at_start.append(stream.pending)
                return bar.__enter__()

            def __exit__(self, *exc):
                return bar.__exit__(*exc)

        return Watched(), advance

    monkeypatch.setattr(augbench.runner, "trial_progress", progress)
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(warnings, "showwarning",
                        lambda message, *args, **kw: sys.stderr.write(f"{message}\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("always", augbench.AugbenchWarning)
        augbench.run(data=_table(), target="y", progress=True, **SMALL)
    assert "positive class of 'dataframe'" in stream.shown
    assert seen_at_start == [""]


def test_check_augmenter_returns_what_passed() -> None:
    from augbench.testing import augmenter_checks, check_augmenter

    smote = augbench.get_augmenter("smote")
    report = check_augmenter(smote)
    names = [c.name for c in augmenter_checks(smote)]
    assert [c.name for c in report.passed] == names
    assert repr(report).startswith(f"SmoteAugmenter passes all {len(names)} checks")
    assert "check_reproducible: The same random_state gives the same rows" in repr(report)
    assert report._repr_html_().count("<li>") == len(names)


def test_a_warning_run_shows_is_not_listed_again_and_one_it_filters_is() -> None:
    import warnings

    with pytest.warns(augbench.AugbenchWarning, match="with 2 seeds"):
        shown = augbench.run(data=_table(), target="y", **SMALL)
    assert shown.warnings_raised
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", augbench.AugbenchWarning)
        hidden = augbench.run(data=_table(), target="y", **SMALL)
    assert not hidden.warnings_raised
    with warnings.catch_warnings():
        warnings.simplefilter("error", augbench.AugbenchWarning)
        with pytest.raises(augbench.AugbenchWarning):
            augbench.run(data=_table(), target="y", **SMALL)
