"""The helpers plugin authors import: one meaning of rows to add, seeds, labels and quiet."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler

import augbench


@pytest.mark.parametrize("strategy, n_min, n_maj", [
    (1.0, 30, 90), (0.5, 30, 90), (0.37, 11, 97), (0.9, 50, 57), ("auto", 3, 10),
    ("minority", 4, 20), ("not majority", 4, 20), ({1: 12}, 4, 20)])
def test_rows_to_add_counts_as_imbalanced_learn_does(strategy, n_min, n_maj) -> None:
    y = np.r_[np.ones(n_min, int), np.zeros(n_maj, int)]
    X = pd.DataFrame({"x": np.arange(len(y), dtype=float)})
    expected = len(RandomOverSampler(sampling_strategy=strategy).fit_resample(X, y)[1]) - len(y)
    assert augbench.rows_to_add(y, strategy) == expected


def test_rows_to_add_is_zero_when_the_ratio_is_met_or_label_one_is_the_majority() -> None:
    y = np.r_[np.ones(30, int), np.zeros(60, int)]
    assert augbench.rows_to_add(y, 0.5) == 0 and augbench.rows_to_add(y, 0.4) == 0
    assert augbench.rows_to_add(1 - y, "auto") == 0
    with pytest.raises(ValueError, match="sampling_strategy"):
        augbench.rows_to_add(y, 1.5)


def test_seed_sequence_has_one_rule_for_every_kind_of_random_state() -> None:
    first = augbench.seed_sequence(7).generate_state(2)
    assert np.array_equal(first, np.random.SeedSequence(7).generate_state(2))
    # a generator or RandomState gives a reproducible draw from itself
    for make in (np.random.default_rng, np.random.RandomState):
        a = augbench.seed_sequence(make(3)).generate_state(1)
        assert np.array_equal(a, augbench.seed_sequence(make(3)).generate_state(1))
    assert not np.array_equal(augbench.seed_sequence(None).generate_state(4),
                              augbench.seed_sequence(None).generate_state(4))
    for bad in (-1, 1.5, "7", True):
        with pytest.raises(ValueError, match="random_state"):
            augbench.seed_sequence(bad)


def test_check_labels_takes_a_column_and_refuses_other_labels() -> None:
    X = pd.DataFrame({"a": [1, 2, 3]})
    assert augbench.check_labels(X, pd.DataFrame({"y": [0, 1, 0]})).tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match="one label per row"):
        augbench.check_labels(X, [0, 1])
    with pytest.raises(ValueError, match="0 \\(majority\\) and 1"):
        augbench.check_labels(X, [0, 2, 1], "mine")


def test_quiet_hides_prints_warnings_and_info_records(capsys, caplog) -> None:
    logger = logging.getLogger("chatty-library")
    with caplog.at_level(logging.INFO, logger="chatty-library"):
        with augbench.quiet("chatty-library"):
            print("hello")
            warnings.warn("noise", stacklevel=2)
            logger.info("info")
            logger.error("kept")
    assert capsys.readouterr().out == ""
    assert [r.getMessage() for r in caplog.records] == ["kept"]


def test_single_threaded_limits_blas_and_restores_it() -> None:
    from threadpoolctl import threadpool_info

    before = [p["num_threads"] for p in threadpool_info()]
    with augbench.single_threaded():
        assert all(p["num_threads"] == 1 for p in threadpool_info())
    assert [p["num_threads"] for p in threadpool_info()] == before
