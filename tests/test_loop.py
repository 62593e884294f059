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


def _run(trials, deadly=(), buggy=(), jobs=2, batching=(), fail_fast=False):
    submitted: list = []
    work = chunks(trials, batching, jobs)
    results = list(_loop(work, lambda n: FakeBackend(set(deadly), set(buggy), submitted), jobs,
                         fail_fast))
    return {r.key: r for r in results}, submitted


def _seeds(chunk: list[Trial]) -> list[int]:
    return sorted({t.seed for t in chunk})


def test_without_a_batching_augmenter_each_seed_of_each_dataset_is_one_chunk() -> None:
    trials = _trials(3) + [Trial("e", 0, 100, "none", "lr")]
    found = chunks(trials, jobs=2)
    assert [sorted({(t.dataset, t.seed) for t in c}) for c in found] == [
        [("d", 0)], [("d", 1)], [("d", 2)], [("e", 0)]]
    assert [t for c in found for t in c] == trials  # every trial once, in the order given


def test_a_batching_augmenter_gets_blocks_of_its_own_that_keep_every_worker_busy() -> None:
    trials = _trials(10, augmenters=("none", "gan", "smote"))
    found = chunks(trials, {"gan"}, jobs=2)
    blocks = [c for c in found if {t.augmenter for t in c} == {"gan"}]
    # Ten seeds on two workers: two blocks of five, not one chunk of ten on one worker.
    assert [_seeds(b) for b in blocks] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    # The other augmenters reach the store seed by seed, beside the blocks.
    others = [c for c in found if c not in blocks]
    assert [_seeds(c) for c in others] == [[s] for s in range(10)]
    assert all({t.augmenter for t in c} == {"none", "smote"} for c in others)
    assert sorted(t.key for c in found for t in c) == sorted(t.key for t in trials)
    # Each block is in line before the per-seed chunk of its first seed.
    assert found.index(blocks[0]) == 0 and found.index(blocks[1]) == found.index(others[5]) - 1


def test_blocks_hold_at_most_sixteen_seeds_as_even_as_can_be_and_never_mix_tables() -> None:
    trials = _trials(40, augmenters=("gan", "ddpm")) + [Trial("e", s, 100, "gan", "lr") for s in range(3)]
    found = chunks(trials, {"gan", "ddpm"}, jobs=2)
    for chunk in found:
        assert len({(t.dataset, t.augmenter) for t in chunk}) == 1
    sizes = {key: [len(_seeds(c)) for c in found if (c[0].dataset, c[0].augmenter) == key]
             for key in [("d", "gan"), ("d", "ddpm"), ("e", "gan")]}
    # Three seeds on two workers stay one batch: a block keeps at least four seeds.
    assert sizes == {("d", "gan"): [14, 13, 13], ("d", "ddpm"): [14, 13, 13],
                     ("e", "gan"): [3]}
    # Sixteen seeds on sixteen workers: four blocks of four, not sixteen lone fits.
    many = chunks(_trials(16, augmenters=("gan",)), {"gan"}, jobs=16)
    assert [len(_seeds(c)) for c in many] == [4, 4, 4, 4]
    # One job: the fewest blocks, each as full as SEEDS_PER_BATCH allows.
    assert [len(_seeds(c)) for c in chunks(trials, {"gan", "ddpm"}, jobs=1)
            if c[0].augmenter == "gan" and c[0].dataset == "d"] == [14, 13, 13]


def test_a_small_run_with_a_batching_augmenter_is_several_chunks_of_results() -> None:
    trials = _trials(8, augmenters=("none", "gan"), classifiers=("lr",))
    results, submitted = _run(trials, batching={"gan"}, jobs=2)
    assert len(results) == len(trials)
    # Two blocks of four seeds and eight per-seed chunks, not one chunk of everything.
    assert sorted(len(keys) for keys in submitted) == [1] * 8 + [4, 4]


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


def test_the_plan_names_the_augmenters_that_batch_seeds_from_their_capabilities() -> None:
    from augbench.experiment.plan import Experiment, make_plan

    plan = make_plan(Experiment(augmenters=("smote", "gan", "ddpm"), seeds=3, sizes=(60,)))
    assert plan.batching == {"gan", "ddpm"}
