"""The execution loop on its own: chunks, crash retries down to single trials, failed chunks,
with a backend that stands in for worker processes."""

from __future__ import annotations

from concurrent.futures import Future

import pytest

from augbench.execution.loop import CRASH, _loop, _parts, chunks
from augbench.experiment.protocol import Trial
from augbench.results.row import TrialResult


class Died(Exception):
    """What a backend raises when its worker died."""


class FakeBackend:
    """Runs a chunk at once; its worker dies on a chunk holding an augmenter of ``deadly``,
    and a chunk holding an augmenter of ``buggy`` raises (a bug outside any one trial)."""

    crash_errors = (Died,)

    def __init__(self, deadly: set[str], buggy: set[str], submitted: list) -> None:
        self.deadly, self.buggy, self.submitted = deadly, buggy, submitted

    def submit(self, chunk: list[Trial]) -> Future:
        self.submitted.append([t.key for t in chunk])
        future: Future = Future()
        augmenters = {t.augmenter for t in chunk}
        if augmenters & self.deadly:
            future.set_exception(Died())
        elif augmenters & self.buggy:
            future.set_exception(RuntimeError("a bug in the chunk"))
        else:
            future.set_result([TrialResult(t.key, status="ok") for t in chunk])
        return future

    def close(self) -> None:
        pass


def _trials(seeds: int, augmenters=("none", "smote", "bad"), classifiers=("lr", "rf")):
    return [Trial("d", seed, 100, a, c) for seed in range(seeds) for a in augmenters
            for c in classifiers]


def _run(trials, deadly=(), buggy=(), jobs=2, seeds_per_chunk=1, fail_fast=False):
    submitted: list = []
    work = list(chunks(trials, seeds_per_chunk))
    results = list(_loop(work, lambda n: FakeBackend(set(deadly), set(buggy), submitted), jobs,
                         fail_fast))
    return {r.key: r for r in results}, submitted


def test_chunks_hold_consecutive_seeds_of_one_dataset() -> None:
    trials = _trials(5) + [Trial("e", 0, 100, "none", "lr")]
    found = list(chunks(trials, 2))
    assert [sorted({(t.dataset, t.seed) for t in c}) for c in found] == [
        [("d", 0), ("d", 1)], [("d", 2), ("d", 3)], [("d", 4)], [("e", 0)]]
    assert sum(len(c) for c in found) == len(trials)


def test_a_dying_augmenter_fails_its_own_trials_only() -> None:
    trials = _trials(3)
    results, submitted = _run(trials, deadly={"bad"})
    assert len(results) == len(trials)
    for t in trials:
        result = results[t.key]
        if t.augmenter == "bad":
            assert not result.ok and result.error == CRASH
        else:
            assert result.ok
    # Each seed's chunk: in the pool, alone, each augmenter apart, then each bad trial alone.
    assert sum(len(keys) == 1 for keys in submitted) == 3 * 2


def test_a_chunk_that_raises_fails_its_trials_with_the_error_and_fail_fast_re_raises() -> None:
    trials = _trials(2, augmenters=("none", "buggy"))
    results, _ = _run(trials, buggy={"buggy"})
    assert all(not r.ok and r.error == "error: RuntimeError: a bug in the chunk"
               for r in results.values())
    with pytest.raises(RuntimeError, match="a bug in the chunk"):
        _run(trials, buggy={"buggy"}, fail_fast=True)


def test_a_crashed_chunk_is_split_by_augmenter_then_by_trial() -> None:
    chunk = _trials(2)
    by_augmenter = _parts(chunk)
    assert [{t.augmenter for t in part} for part in by_augmenter] == [{"none"}, {"smote"},
                                                                      {"bad"}]
    assert [len(part) for part in _parts(by_augmenter[2])] == [1, 1, 1, 1]
