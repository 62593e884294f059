"""The real-rows control: where its rows come from, the reference the attacks compare with, and
what a run says when the unused patients cannot top the training rows up to the ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd

import augbench
from augbench.builtin.baseline import RealRows
from augbench.experiment.data import Dataset
from augbench.experiment.protocol import Trial, TrialRunner, prepare, split_unused
from augbench.reporting.findings import findings


def _table(n: int, positives: int) -> pd.DataFrame:
    """A generated table of ``n`` patients, ``positives`` of them with outcome 1."""
    rng = np.random.default_rng(0)
    y = (np.arange(n) < positives).astype(int)
    return pd.DataFrame({"a": rng.normal(size=n) + y, "b": rng.normal(size=n), "outcome": y})


def _numbered(n: int = 200, positives_every: int = 4) -> Dataset:
    """A table whose column 'row' is each row's number, so that any frame of its rows says
    which rows it holds."""
    rng = np.random.default_rng(0)
    y = (np.arange(n) % positives_every == 0).astype(int)
    X = pd.DataFrame({"row": np.arange(n, dtype=float), "x": rng.normal(size=n) + y})
    return Dataset("numbered", X, y, positive="1")


def _rows(frame: pd.DataFrame) -> set[int]:
    return set(frame["row"].astype(int))


def test_reserve_and_reference_share_no_row_and_together_are_the_unused_pool() -> None:
    dataset = _numbered()
    data = prepare(dataset, seed=3, size=60, test_size=0.3)
    train, test = _rows(data.X_train), _rows(data.X_test)
    reserve, reference = _rows(data.X_reserve), _rows(data.X_reference)
    assert train == set(data.train_rows) and test == set(data.test_rows)
    assert reserve and reference and not reserve & reference
    assert reserve | reference == set(range(200)) - train - test  # the pool the draw left out
    assert (data.y_reserve == dataset.y[data.X_reserve["row"].astype(int)]).all()
    assert (data.y_reference == dataset.y[data.X_reference["row"].astype(int)]).all()
    assert _rows(data.X_reserve_raw) == reserve
    for label in (0, 1):  # each class halved
        assert abs(int(np.sum(data.y_reserve == label))
                   - int(np.sum(data.y_reference == label))) <= 1


def test_the_split_of_the_unused_rows_into_reserve_and_reference_follows_the_seed() -> None:
    y = (np.arange(200) % 4 == 0).astype(int)
    unused = np.arange(0, 200, 2)
    splits = {seed: split_unused(y, unused, seed) for seed in range(4)}
    reserves = {tuple(reserve) for reserve, _ in splits.values()}
    assert len(reserves) == 4  # every seed its own split
    again = split_unused(y, unused, 2)
    assert all((a == b).all() for a, b in zip(again, splits[2]))  # the same seed, the same


def test_real_rows_draws_positive_rows_of_its_reserve_at_random_with_its_random_state() -> None:
    dataset = _numbered()
    X, y = dataset.X.iloc[:40], dataset.y[:40]  # 10 positives, 30 negatives: 20 to add
    X_reserve, y_reserve = dataset.X.iloc[40:], dataset.y[40:]  # 40 positives

    def added(random_state: int) -> set[int]:
        control = RealRows(sampling_strategy=1.0, random_state=random_state)
        X_res, y_res = control.with_reserve(X_reserve, y_reserve).fit_resample(X, y)
        assert len(X_res) == 60 and (y_res[40:] == 1).all()
        return _rows(X_res.iloc[40:])

    positives = _rows(X_reserve[y_reserve == 1])
    drawn = {frozenset(added(seed)) for seed in range(5)}
    assert all(len(rows) == 20 and rows <= positives for rows in drawn)
    assert len(drawn) == 5  # each random state draws other rows
    assert added(3) == added(3)


def test_a_trial_adds_reserve_rows_and_the_attacks_compare_with_positive_reference_rows() -> None:
    dataset = _numbered()
    seen: dict[str, pd.DataFrame] = {}

    def probe(inp: augbench.MetricInput) -> float:
        seen.update(synthetic=inp.X_synthetic, reference=inp.X_reference)
        return 0.0

    metric = augbench.Metric(probe, "probe", needs="synthetic")
    runner = TrialRunner({"numbered": dataset}, metrics={"probe": metric})
    trial = Trial("numbered", seed=5, size=60, augmenter="real-rows", classifier="lr")
    result = next(runner.run([trial]))
    assert result.ok, result.error
    data = prepare(dataset, seed=5, size=60, test_size=trial.test_size)
    assert result.n_synthetic == len(seen["synthetic"]) > 0
    assert _rows(seen["synthetic"]) <= _rows(data.X_reserve[data.y_reserve == 1])
    assert (data.y_reference == 0).any()  # negatives there, left out of the attacks' sample
    assert _rows(seen["reference"]) == _rows(data.X_reference[data.y_reference == 1])


def _span(counts: pd.Series) -> str:
    return f"{counts.min()}" if counts.min() == counts.max() else f"{counts.min()} to {counts.max()}"


def test_a_real_rows_shortfall_is_noted_with_the_rows_asked_and_given(tmp_path, capsys) -> None:
    from augbench.cli import main

    # 40 patients, 8 positive: at 20 training rows --ratio 1 asks for 12 rows, and the unused
    # patients' reserve holds one or two positives.
    _table(40, 8).to_csv(tmp_path / "small.csv", index=False)
    assert main(["run", "--data", str(tmp_path / "small.csv"), "--target", "outcome",
                 "--positive", "1", "--augmenters", "none,smote,real-rows", "--seeds", "3",
                 "--sizes", "20", "--classifiers", "lr", "--metrics", "recall,exact_copy_rate",
                 "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    trials = pd.read_csv(tmp_path / "out" / "trials.csv")
    real, smote = (trials[trials.augmenter == name] for name in ("real-rows", "smote"))
    asked = real["n_train"] - 2 * real["n_train_positive"]
    assert (smote["n_synthetic"] == asked.to_numpy()).all()
    assert (real["n_synthetic"] < asked).all()
    note = (f"note: 'real-rows' added {_span(real['n_synthetic'])} of the {_span(asked)} rows "
            "--ratio asks for at 20 training rows on 'small': the unused real patients it draws "
            "from hold too few positives")
    assert note in printed.replace("\n", " "), printed
    assert "'smote' added" not in printed


def test_real_rows_that_reach_the_ratio_get_no_note_and_a_whole_pool_gets_its_own() -> None:
    results = augbench.run(data=_table(300, 60), target="outcome", positive=1,
                           augmenters="none,real-rows", seeds=2, sizes=(20, "full"),
                           classifiers="lr", metrics="recall", ratio=0.5)

    def asked(trials: pd.DataFrame) -> pd.Series:  # positives up to half the negatives
        return ((trials["n_train"] - trials["n_train_positive"]) * 0.5
                - trials["n_train_positive"]).astype(int)

    real = results.trials[results.trials.augmenter == "real-rows"].set_index("size")
    small, full = real.loc[20], real.loc[real.index.max()]
    assert (small["n_synthetic"] == asked(small)).all() and (asked(small) > 0).all()
    assert (full["n_synthetic"] == 0).all()
    notes = [line for line in findings(results) if line.startswith("note: 'real-rows' added")]
    expected = _span(asked(full))
    assert notes == [f"note: 'real-rows' added 0 of the {expected} rows --ratio asks for at "
                     f"{real.index.max()} training rows on 'dataframe': the training rows are the "
                     "whole pool, so no real patient is left unused; attacks that compare with "
                     "unused patients are empty there too."]
