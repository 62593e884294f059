"""The leaderboard's statistics against the papers' worked numbers and an independent
computation, and the command over folders of runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import augbench
from augbench.cli import main
from augbench.leaderboard.board import Board
from augbench.registry import default_registry
from augbench.results.across import (
    cliques,
    critical_difference,
    nemenyi_q,
    rank_test,
    signed_rank_posterior,
)

# Ranks of four classifiers on 14 tables whose averages are those of Demšar (2006), section 3.2.4
# (C4.5 with and without its m and cf parameters tuned: 3.143, 2.000, 2.893, 1.964).
DEMSAR_RANKS = [[1.5, 1.5, 4.0, 3.0], [3.0, 1.5, 4.0, 1.5], [3.0, 4.0, 1.5, 1.5],
                [4.0, 2.5, 1.0, 2.5], [1.5, 3.0, 4.0, 1.5], [3.0, 1.0, 4.0, 2.0],
                [4.0, 1.0, 2.5, 2.5], [4.0, 1.5, 1.5, 3.0], [4.0, 3.0, 2.0, 1.0],
                [2.5, 2.5, 4.0, 1.0], [4.0, 1.5, 3.0, 1.5], [1.5, 3.0, 4.0, 1.5],
                [4.0, 1.0, 2.5, 2.5], [4.0, 1.0, 2.5, 2.5]]


def test_friedman_and_the_critical_difference_match_demsars_worked_example() -> None:
    # Lower is better: the ranks themselves, read as a loss, rank as they are.
    scores = pd.DataFrame(DEMSAR_RANKS, columns=["C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf"])
    test = rank_test(scores, higher_is_better=False)
    assert test.ranks.round(3).tolist() == [3.143, 2.0, 2.893, 1.964]
    # Demšar: chi2_F = 9.28, F_F = 3.69 (F(3, 39) critical value 2.85), CD = 1.25 at 0.05.
    assert round(test.chi2, 2) == 9.28 and round(test.f, 2) == 3.69
    assert test.p < 0.05 and stats.f.ppf(0.95, 3, 39) == pytest.approx(2.85, abs=0.005)
    assert round(test.cd, 2) == 1.25
    # At 0.05 no pair differs by the CD (C4.5 against C4.5+m+cf: 1.18); at 0.10 the CD is 1.12
    # and those two are told apart, as Demšar concludes.
    assert cliques(test.ranks, test.cd) == [("C4.5+m+cf", "C4.5+m", "C4.5+cf", "C4.5")]
    cd_10 = critical_difference(4, 14, alpha=0.10)
    assert round(cd_10, 2) == 1.12
    assert cliques(test.ranks, cd_10) == [("C4.5+m+cf", "C4.5+m", "C4.5+cf"),
                                          ("C4.5+cf", "C4.5")]


def test_nemenyi_critical_values_are_demsars_table_5a() -> None:
    table_5a = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
    assert [nemenyi_q(k) for k in range(2, 11)] == pytest.approx(table_5a, abs=1.5e-3)
    assert critical_difference(4, 14) == pytest.approx(2.569 * np.sqrt(20 / 84), abs=1e-3)


def test_without_ties_the_statistic_is_scipys_friedman_chi_square() -> None:
    scores = pd.DataFrame(np.random.default_rng(3).random((19, 5)))
    ours = rank_test(scores)
    assert ours.chi2 == pytest.approx(stats.friedmanchisquare(*scores.to_numpy().T).statistic)


@pytest.mark.parametrize("rope", [0.01, 0.05, 0.0])
def test_the_signed_rank_posterior_is_baycomps(rope: float) -> None:
    from baycomp import SignedRankTest

    rng = np.random.default_rng(7)
    baseline = rng.uniform(0.6, 0.9, 19)
    arm = baseline + rng.normal(0.01, 0.03, 19)
    ours = signed_rank_posterior(baseline, arm, rope, samples=20_000, seed=11)
    theirs = SignedRankTest.probs(baseline, arm, rope, nsamples=20_000, random_state=11)
    if rope == 0:  # baycomp gives (P(left), P(right)) without a ROPE
        theirs = (theirs[0], 0.0, theirs[1])
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert sum(ours) == pytest.approx(1.0)
    # Lower is better turns the question round: an arm with a lower loss is better.
    flipped = signed_rank_posterior(-baseline, -arm, rope, higher_is_better=False,
                                    samples=20_000, seed=11)
    assert flipped == pytest.approx(ours, abs=1e-12)


def _board(shift: dict[str, float], tables: int = 8, seeds: int = 8) -> Board:
    rng = np.random.default_rng(0)
    rows = []
    for t in range(tables):
        level = rng.uniform(0.6, 0.9)
        for seed in range(seeds):
            noise = rng.normal(0, 0.01)
            for arm, d in {"none": 0.0, **shift}.items():
                rows.append({"setting": "untuned", "dataset": f"t{t}", "size": 100,
                             "classifier": "lr", "augmenter": arm, "seed": seed, "status": "ok",
                             "roc_auc": level + noise + d + rng.normal(0, 0.002)})
    return Board(pd.DataFrame(rows), default_registry().metrics(["roc_auc"]))


def test_a_board_reads_each_table_and_across_them() -> None:
    board = _board({"better": 0.05, "same": 0.0, "worse": -0.05})
    verdicts = board.verdicts.groupby("augmenter")["verdict"].agg(set).to_dict()
    assert verdicts == {"better": {"better"}, "same": {"equivalent"}, "worse": {"worse"}}
    ranks = board.ranks.query("point == 'largest'").set_index("augmenter")["average_rank"]
    assert ranks.sort_values().index.tolist() == ["better", "none", "same", "worse"] or \
        ranks.sort_values().index.tolist() == ["better", "same", "none", "worse"]
    bayes = board.bayes.query("point == 'largest'").set_index("augmenter")
    assert bayes.loc["better", "p_better"] > 0.9 and bayes.loc["worse", "p_worse"] > 0.9
    assert bayes.loc["same", "p_equivalent"] > 0.9
    means = board.table_means("untuned", "largest", "lr", "roc_auc")
    assert bayes.loc["better", "p_better"] == signed_rank_posterior(
        means["none"].to_numpy(), means["better"].to_numpy(), 0.01)[2]


@pytest.fixture(scope="module")
def two_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("board") / "run"
    augbench.run(data=["breast-cancer", "pima-diabetes"], augmenters="none,smote,ros",
                 classifiers="lr", seeds=4, sizes=(100,), out=out)
    return out


def test_the_command_reads_folders_into_files_a_reader_opens(two_tables: Path, tmp_path: Path,
                                                              capsys) -> None:
    out = tmp_path / "board"
    assert main(["leaderboard", str(two_tables), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "average rank · P(worse) / P(equivalent, ±0.01) / P(better)" in printed.out
    ranks = pd.read_csv(out / "ranks.csv")
    assert set(ranks["augmenter"]) == {"none", "smote", "ros"} and (ranks["n_tables"] == 2).all()
    tables = pd.read_csv(out / "tables_roc_auc.csv").set_index("dataset")
    assert tables.loc["pima-diabetes", ["rows", "positives", "features"]].tolist() == [768, 268, 8]
    assert set(tables["untuned lr smote"]) <= {"better", "equivalent", "worse", "undecided"}
    page = (out / "leaderboard.md").read_text()
    assert "Nemenyi critical difference" in page and "](plots/cd_untuned_largest_lr_roc_auc.png)" \
        in page
    assert (out / "plots" / "cd_untuned_largest_lr_roc_auc.png").stat().st_size > 5000


def test_the_command_refuses_what_it_cannot_read(two_tables: Path, tmp_path: Path,
                                                 capsys) -> None:
    assert main(["leaderboard", "--out", str(tmp_path)]) == 2
    assert "give the folders of runs to read, or --suite NAME" in capsys.readouterr().err
    assert main(["leaderboard", str(two_tables), "--augmenters", "gan"]) == 2
    assert "--augmenters runs new arms against a suite's reference" in capsys.readouterr().err
    assert main(["leaderboard", str(two_tables), "--metrics", "dcr", "--out", str(tmp_path)]) == 2
    assert "--metrics dcr: not a metric the runs compared" in capsys.readouterr().err
    assert main(["leaderboard", str(two_tables), str(two_tables), "--out", str(tmp_path)]) == 2
    assert "two folders hold the untuned trial" in capsys.readouterr().err


def test_a_board_of_folders_reads_without_the_tables_at_hand(two_tables: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    # A machine that has the runs but not the tables, and no way to download them.
    monkeypatch.setenv("AUGBENCH_DATA_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("AUGBENCH_MIRROR", str(tmp_path / "no-mirror"))
    out = tmp_path / "board"
    assert main(["leaderboard", str(two_tables), "--out", str(out)]) == 0
    tables = pd.read_csv(out / "tables_roc_auc.csv").set_index("dataset")
    # What the runs recorded stands in for what the table would say.
    assert tables.loc["pima-diabetes", "rows"] == 768
    assert np.isnan(tables.loc["pima-diabetes", "features"])
