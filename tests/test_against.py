"""A run beside another (``augbench report DIR --against OTHER``, ``results.against``): the
verdicts are read on what both runs ran, and the sentence says so where they share fewer
seeds, share nothing, or are the same trials."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import hard_table

import augbench
from augbench.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")


def small(**options) -> augbench.Results:
    """A run of the hard table: ``none`` and ``ros`` with ``lr`` at 80 rows, unless told."""
    return augbench.run(**{"data": {"t": hard_table()}, "target": "y", "augmenters": "none,ros",
                           "classifiers": "lr", "seeds": 6, "sizes": (80,), **options})


# Fitted another way: a twin whose arms change, as a tuned run's do.
STRONGER = {"params": {"lr": {"C": 0.05}}}


def test_runs_with_no_size_in_common_say_so_instead_of_finding_nothing_significant() -> None:
    against = small(seeds=8).against(small(seeds=8, sizes=(100,), **STRONGER))
    assert against.sentence.startswith(
        "note: this run and other run have no training size in common (this run: 80; other "
        "run: 100), so no difference from none is compared")
    assert against.differences.empty and against.arms.empty
    assert "no training size in common" in against.html


def test_runs_with_no_augmenter_in_common_but_the_baseline_say_so(tmp_path: Path,
                                                                   capsys) -> None:
    run = ["run", "--data", str(tmp_path / "t.csv"), "--target", "y", "--classifiers", "lr",
           "--seeds", "6", "--sizes", "80", "--quiet"]
    hard_table().to_csv(tmp_path / "t.csv", index=False)
    assert main([*run, "--augmenters", "none,ros", "--out", str(tmp_path / "a")]) == 0
    assert main([*run, "--augmenters", "none,smote", "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), "--against", str(tmp_path / "b")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("note: a and b have no augmenter compared with the baseline in common (a: ros; b: "
            "smote), so no difference from none is compared; the arms both ran are compared "
            "arm by arm") in out
    arms = pd.read_csv(tmp_path / "a" / "against_arms.csv")
    assert set(arms["augmenter"]) == {"none"}


def test_against_a_twin_with_fewer_seeds_compares_the_seeds_both_ran() -> None:
    from augbench.results.compare import paired_comparisons

    here, there = small(seeds=8), small(seeds=6, **STRONGER)
    against = here.against(there)
    assert against.sentence.startswith("note: on the 6 seeds both ran (this run ran 8, other "
                                       "run 6), of the ")
    found = against.differences
    assert not found.empty and set(found["verdict"]) != {"appears"}
    on_six = paired_comparisons(here.trials[here.trials["seed"] < 6], here.metrics)
    expected = found.merge(on_six, on=["dataset", "size", "classifier", "augmenter", "metric"])
    assert len(expected) == len(found)
    np.testing.assert_allclose(expected["p_adjusted_here"], expected["p_adjusted"])
    np.testing.assert_allclose(expected["mean_diff_here"], expected["mean_diff"])
    assert (against.arms["n_pairs"] == 6).all()
    titles = [str(table.title) for table in against.tables]
    assert titles and all("on the 6 seeds both ran" in t and "same seeds" not in t
                          for t in titles)
    assert "same seeds" not in against.html and "on the 6 seeds both ran" in against.html


def test_a_twin_with_four_seeds_makes_nothing_appear() -> None:
    against = small(seeds=8).against(small(seeds=4, **STRONGER))
    # Four pairs cannot reach p < 0.05 in either run: no verdict, rather than all "appears".
    assert against.differences.empty
    assert against.sentence == ("note: on the 4 seeds both ran (this run ran 8, other run 4), no "
                                "difference from none is significant in either run (this run, "
                                "other run) in the metrics shown.")


NOTICE = "hold the same trials, to the last digit (a run compared with itself, or run again alike)"


def test_a_run_against_itself_or_its_stored_copy_gives_a_notice(tmp_path: Path, capsys) -> None:
    results = small(out=tmp_path / "run")
    assert NOTICE in results.against(results).sentence
    assert NOTICE in results.against(augbench.load_results(tmp_path / "run")).sentence
    assert NOTICE not in results.against(small(**STRONGER)).sentence
    capsys.readouterr()
    assert main(["report", str(tmp_path / "run"), "--against", str(tmp_path / "run")]) == 0
    assert NOTICE in " ".join(capsys.readouterr().out.split())


def test_an_arm_only_one_run_ran_gets_no_verdict() -> None:
    from augbench.results.against import verdicts

    def comparisons(augmenters: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"dataset": "t", "size": 100, "classifier": "lr",
                             "augmenter": augmenters, "metric": "recall", "mean_diff": 0.1,
                             "ci_low": 0.05, "ci_high": 0.15, "p_adjusted": 0.01})

    found = verdicts(comparisons(["a", "only-here"]), comparisons(["a", "only-there"]))
    assert found.set_index("augmenter")["verdict"].to_dict() == {"a": "holds"}


def test_arm_changes_are_holm_adjusted_within_each_classifier() -> None:
    from augbench.results.compare import holm

    here = small(classifiers="lr,dummy")
    changes = here.against(small(classifiers="lr,dummy", **STRONGER)).arms
    family = ["dataset", "size", "classifier", "metric"]
    within = changes.groupby(family)["p_value"].transform(lambda p: holm(p.to_numpy()))
    np.testing.assert_allclose(changes["p_adjusted"], within)
    across = changes.groupby(["dataset", "size", "metric"])["p_value"].transform(
        lambda p: holm(p.to_numpy()))
    assert not np.allclose(within, across)  # the two readings differ on these runs


@pytest.mark.parametrize("prevalences", [(0.1, None), (0.1, 0.12)])
def test_runs_at_other_prevalences_are_not_twins(prevalences) -> None:
    here, there = (small(seeds=3, sizes=(60,), **({"prevalence": p} if p else {}))
                   for p in prevalences)
    with pytest.raises(augbench.UsageError, match=r"do not split the same rows \(different: "
                                                  r"prevalence\)"):
        here.against(there)
