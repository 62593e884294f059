"""The results store on its own: trials by key, replacement, digests, the experiment it holds,
extension and refusal, and reading a store without writing to it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from augbench.errors import UsageError
from augbench.results.row import TrialKey, TrialResult
from augbench.results.store import STORE_NAME, Store

CONFIG = {"augmenters": ["none", "smote"], "classifiers": ["lr"], "seeds": 2, "ratio": 1.0,
          "holm": "comparison", "params": {}, "prevalence": None}


def _row(seed: int, augmenter: str = "none", status: str = "ok", recall: float = 0.5,
         prevalence: float | None = None) -> dict:
    key = TrialKey("d", 100, seed, augmenter, "lr", prevalence)
    return TrialResult(key, status=status, metrics={"recall": recall}).as_row(("recall",))


def test_a_trial_is_stored_once_by_its_key_and_a_rerun_replaces_it(tmp_path: Path) -> None:
    store = Store.for_experiment(tmp_path, CONFIG, {})
    store.add(_row(0, status="failed"))
    store.add(_row(1))
    assert store.count() == 2 and store.finished_ok() == {("d", 100, 1, "none", "lr", None)}
    store.add(_row(0, recall=0.7))  # the rerun of the failed trial
    assert store.count() == 2 and len(store.finished_ok()) == 2
    assert store.trials()["recall"].tolist() == [0.7, 0.5]
    store.close()


def test_a_prevalence_key_reads_back_and_the_table_as_it_is_has_none(tmp_path: Path) -> None:
    store = Store.for_experiment(tmp_path, CONFIG, {})
    store.add(_row(0, prevalence=0.05))
    store.add(_row(0))
    assert store.finished_ok() == {("d", 100, 0, "none", "lr", 0.05),
                                   ("d", 100, 0, "none", "lr", None)}
    prevalences = store.trials()["prevalence"].tolist()
    assert 0.05 in prevalences and any(math.isnan(p) for p in prevalences)
    store.close()


def test_the_digest_follows_the_rows_it_summarises(tmp_path: Path) -> None:
    store = Store.for_experiment(tmp_path, CONFIG, {})
    store.add(_row(0))
    store.add(_row(1))
    whole, first = store.trials_digest(), store.trials_digest([("d", 100, 0, "none", "lr", None)])
    assert whole != first
    store.add(_row(1, recall=0.9))
    assert store.trials_digest() != whole
    assert store.trials_digest([("d", 100, 0, "none", "lr", None)]) == first
    store.close()


def test_more_seeds_and_arms_extend_and_another_experiment_is_refused(tmp_path: Path) -> None:
    Store.for_experiment(tmp_path, CONFIG, {}).close()
    more = {**CONFIG, "seeds": 5, "augmenters": ["ros"], "params": {"ros": {"shrinkage": 1}}}
    store = Store.for_experiment(tmp_path, more, {})
    held = json.loads(store.meta("config"))
    assert held["seeds"] == 5 and held["augmenters"] == ["none", "smote", "ros"]
    store.add(_row(0))
    store.close()
    with pytest.raises(UsageError, match=r"another experiment \(changed: ratio\)"):
        Store.for_experiment(tmp_path, {**CONFIG, "ratio": 0.5}, {})
    with pytest.raises(UsageError, match="changed: params of ros"):
        Store.for_experiment(tmp_path, {**more, "params": {"ros": {"shrinkage": 2}}}, {})
    replaced = Store.for_experiment(tmp_path, {**CONFIG, "ratio": 0.5}, {}, overwrite=True)
    assert replaced.count() == 0
    replaced.close()


def test_a_store_read_as_it_is_creates_and_changes_nothing(tmp_path: Path) -> None:
    store = Store.for_experiment(tmp_path, CONFIG, {})
    store.add(_row(0))
    store.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    reader = Store(tmp_path / STORE_NAME, readonly=True)
    assert len(reader.trials()) == 1
    with pytest.raises(UsageError, match="read-only|cannot be used"):
        reader.add(_row(1))
    reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
