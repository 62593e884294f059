"""No silent wrong number, no traceback: bad input is one line, odd tables are read or refused
with a reason, stored results never contradict the trials, and the bugs the suite once let
through stay caught."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator

import augbench
from augbench.cli import main
from augbench.errors import UsageError
from augbench.experiment.data import Dataset, read_table
from augbench.experiment.protocol import Trial, TrialRunner, prepare
from augbench.options import parse_settings
from augbench.options import sizes as _sizes
from augbench.registry import Registry, make_plugin_manager, make_registry
from augbench.results.compare import paired_comparisons
from augbench.runner import load_results


def _augbench(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "augbench.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    rows = "\n".join(f"{i % 7},{(i * 3) % 11},{'a' if i % 3 else 'b'},{int(i % 4 == 0)}"
                     for i in range(60))
    return {
        "header_only": _write(folder / "header.csv", "a,b,y\n"),
        "three_classes": _write(folder / "three.csv", "x,y\n" + "\n".join(
            f"{i},{'abc'[i % 3]}" for i in range(30))),
        "few_positives": _write(folder / "few.csv", "x,y\n" + "\n".join(
            f"{i},{int(i < 2)}" for i in range(40))),
        "folder": folder,
        "plain": _write(folder / "plain.csv", "a,b,c,y\n" + rows),
    }


@pytest.mark.parametrize("args, message", [
    (["--augmenters", ""], "--augmenters names nothing"),
    (["--classifiers", ""], "--classifiers names nothing"),
    (["--sizes", ""], "--sizes names nothing"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--set", "smote.k_neighbors=abc"], "'k_neighbors' parameter of SmoteAugmenter"),
    (["--set", "lr.C=-1"], "'C' parameter of LogisticRegression"),
    (["--data", "stroke", "--target", "x"], "cannot apply to it"),
])
def test_bad_options_are_one_error_line(args, message, tmp_path: Path) -> None:
    sizes = [] if "--sizes" in args else ["--sizes", "100"]
    proc = _augbench("run", "--seeds", "2", *sizes, *args, "--out", str(tmp_path), "--quiet")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]


@pytest.mark.parametrize("case, extra, message", [
    ("header_only", ["--target", "y"], "has a header but no data rows"),
    ("three_classes", ["--target", "y"], "has 3 values"),
    ("few_positives", ["--target", "y", "--positive", "1", "--test-size", "0.1"],
     "test split"),
    ("folder", ["--target", "y"], "is a folder"),
])
def test_unusable_tables_are_one_error_line(files, case, extra, message, tmp_path) -> None:
    proc = _augbench("run", "--data", str(files[case]), *extra, "--seeds", "2", "--sizes", "10",
                     "--out", str(tmp_path), "--quiet")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]


@pytest.mark.parametrize("out", ["file", "/proc/augbench-results"])
def test_an_unusable_results_folder_is_one_error_line(files, out, tmp_path) -> None:
    target = str(files["plain"]) if out == "file" else out
    proc = _augbench("run", "--seeds", "1", "--sizes", "100", "--out", target, "--quiet")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and \
        "Traceback" not in proc.stderr


def test_semicolons_tabs_and_latin1_are_read_and_said(tmp_path: Path) -> None:
    text = "âge;poids;ville;y\n" + "\n".join(
        f"{20 + i};{60 + i % 9};{'Besançon' if i % 2 else 'Lyon'};{int(i % 3 == 0)}"
        for i in range(30))
    latin = read_table(_write(tmp_path / "l.csv", text, "latin-1"), target="y")
    assert list(latin.X.columns) == ["âge", "poids", "ville"]
    assert set(latin.X["ville"].cat.categories) == {"Besançon", "Lyon"}
    assert any("not UTF-8; read as latin-1" in n for n in latin.notes)
    assert any("separated by ';'" in n for n in latin.notes)
    tabbed = read_table(_write(tmp_path / "t.tsv", text.replace(";", "\t")), target="y")
    assert tabbed.X.shape == (30, 3) and any("a tab" in n for n in tabbed.notes)


def test_a_mostly_numeric_column_stays_numeric_and_infinities_are_missing(tmp_path) -> None:
    values = [str(30 + i) for i in range(40)]
    values[3], values[7] = "unknown", "inf"
    text = "bmi,glucose,y\n" + "\n".join(f"{v},{i},{int(i % 4 == 0)}" for i, v in enumerate(values))
    ds = read_table(_write(tmp_path / "m.csv", text), target="y")
    assert ds.X["bmi"].dtype.kind == "f" and ds.X["bmi"].isna().sum() == 2
    assert any("'bmi'" in n and "'unknown'" in n for n in ds.notes)
    assert any("infinite" in n for n in ds.notes)


def test_identifier_like_columns_and_the_inferred_positive_are_announced(tmp_path) -> None:
    frame = pd.DataFrame({"patient": np.arange(100, 150), "x": np.arange(50) % 7,
                          "y": np.where(np.arange(50) % 5 == 0, "sick", "well")})
    frame.to_csv(tmp_path / "ids.csv", index=False)
    proc = _augbench("run", "--data", str(tmp_path / "ids.csv"), "--target", "y", "--seeds", "2",
                     "--sizes", "20", "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "warning: column 'patient'" in proc.stderr and "--drop patient" in proc.stderr
    assert "note: positive class of 'ids': y = sick" in proc.stderr
    with sqlite3.connect(tmp_path / "out" / "results.sqlite") as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key='config'").fetchone()[0])
    assert config["tables"]["ids"]["positive"] == "sick"


def test_a_named_dataset_takes_drop_and_its_fingerprint_changes(shared_data: Path, tmp_path: Path) -> None:
    full = augbench.load_dataset("stroke")
    dropped = augbench.load_dataset("stroke", drop=("gender", "age"))
    assert {"gender", "age"} <= set(full.X.columns) and not {"gender", "age"} & set(dropped.X)
    assert dropped.fingerprint != full.fingerprint


def test_stored_comparisons_never_contradict_the_trials(tmp_path: Path, monkeypatch) -> None:
    registry = make_registry(["misbehaving_plugin"])
    grid = {"augmenters": ("none", "flaky"), "classifiers": ("lr",), "seeds": 8,
            "sizes": (100,), "registry": registry}
    # 1. A finished run whose flaky trials failed: its comparisons are stored with it.
    monkeypatch.setenv("AUGBENCH_TEST_FAIL_SEEDS", "0,1,2,3")
    augbench.run(out=tmp_path, **grid)
    monkeypatch.delenv("AUGBENCH_TEST_FAIL_SEEDS")
    # 2. A resume reruns them, replacing rows (the count stays), and is interrupted.
    rerun = []

    def interrupt(result) -> None:
        rerun.append(result)
        if sum(r.ok and r.key.augmenter == "flaky" and r.key.seed < 4 for r in rerun) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        augbench.run(out=tmp_path, on_trial=interrupt, **grid)
    # 3. The report agrees with a fresh computation from the trials it shows (two trials are
    # still failed: exit 1).
    assert main(["report", str(tmp_path)]) == 1
    loaded = load_results(tmp_path)
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert len(trials) == len(loaded.trials) == 16
    fresh = paired_comparisons(trials, loaded.metrics, "none")
    pd.testing.assert_frame_equal(loaded.comparisons.reset_index(drop=True),
                                  fresh.reset_index(drop=True), check_dtype=False)
    assert loaded.comparisons["n_pairs"].max() == 6  # 4 old ok seeds + 2 rerun ones


def test_a_report_of_an_interrupted_run_says_what_is_missing(tmp_path: Path) -> None:
    augbench.run(out=tmp_path, augmenters=("none", "smote"), seeds=3, sizes=(100,))
    with sqlite3.connect(tmp_path / "results.sqlite") as db:
        db.execute("DELETE FROM trials WHERE seed = 2")
    for name in ("summary.csv", "comparisons.csv"):
        (tmp_path / name).unlink()
    proc = _augbench("report", str(tmp_path))
    assert proc.returncode == 0
    assert "4 of 4 trials ok; results in" in proc.stderr and "summary.csv" not in proc.stderr
    assert "warning: 4 of the 6 planned trials are stored" in proc.stderr
    # A run from Python writes the folder's experiment file as the command line does.
    assert f"running 'augbench run --config {tmp_path / 'config.toml'}' finishes them" in \
        proc.stderr.replace("\n", " ")
    assert main(["run", "--config", str(tmp_path / "config.toml"), "--quiet"]) == 0
    assert len(load_results(tmp_path).trials) == 6


class BatchSpy(BaseEstimator):
    """Records the row ids of every table it is given, one call for many seeds."""

    seen: list[np.ndarray] = []

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        return self.fit_resample_many([X], [y], [self.random_state])[0]

    def fit_resample_many(self, Xs, ys, random_states):
        out = []
        for X, y in zip(Xs, ys):
            BatchSpy.seen.append(X["row_id"].to_numpy().copy())
            n = augbench.rows_to_add(y, self.sampling_strategy)
            new = X[np.asarray(y) == 1].iloc[:1].loc[[X[np.asarray(y) == 1].index[0]] * n]
            out.append((pd.concat([X, new], ignore_index=True),
                        np.r_[y, np.ones(n, dtype=np.asarray(y).dtype)]))
        return out


def test_the_batched_path_sees_training_rows_only() -> None:
    BatchSpy.seen = []
    plugin = types.ModuleType("batch_spy")
    plugin.augbench_augmenters = augbench.hookimpl(lambda: {"batch-spy": BatchSpy})
    registry = Registry(make_plugin_manager(extra_plugins=[plugin], disabled=()))
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.3).astype(np.int8)
    ds = Dataset("toy", pd.DataFrame({"row_id": np.arange(200.0), "x": rng.normal(size=200)}), y,
                 positive="1")
    trials = [Trial("toy", seed, 60, "batch-spy", "lr") for seed in range(4)]
    results = list(TrialRunner({"toy": ds}, registry).run(trials))
    assert all(r.ok for r in results) and len(BatchSpy.seen) == 4  # one batched call, 4 tables
    for seed, seen in enumerate(BatchSpy.seen):
        data = prepare(ds, seed, 60, 0.3)
        assert set(seen) == set(data.train_rows.astype(float))
        assert set(seen).isdisjoint(data.test_rows.astype(float))


def test_a_resume_reruns_the_trials_that_failed(tmp_path: Path, monkeypatch) -> None:
    registry = make_registry(["misbehaving_plugin"])
    grid = {"augmenters": ("none", "flaky"), "classifiers": ("lr",), "seeds": 3,
            "sizes": (100,), "registry": registry}
    monkeypatch.setenv("AUGBENCH_TEST_FAIL_SEEDS", "1")
    first = augbench.run(out=tmp_path, **grid)
    assert set(first.trials.loc[first.trials.status != "ok", "seed"]) == {1}
    monkeypatch.delenv("AUGBENCH_TEST_FAIL_SEEDS")
    second = augbench.run(out=tmp_path, **grid)
    assert (second.trials["status"] == "ok").all() and len(second.trials) == 6


def test_summary_intervals_have_n_minus_one_degrees_of_freedom() -> None:
    from scipy import stats

    from augbench.builtin.classification import CLASSIFICATION_METRICS
    from augbench.results.tables import summarize

    values = [0.61, 0.70, 0.64, 0.72, 0.66]
    trials = pd.DataFrame([{"dataset": "d", "size": 50, "seed": i, "augmenter": "none",
                            "classifier": "lr", "status": "ok", "n_synthetic": 0,
                            "augment_seconds": 0.0, "fit_seconds": 0.0,
                            **{m: v for m in CLASSIFICATION_METRICS}}
                           for i, v in enumerate(values)])
    row = summarize(trials, CLASSIFICATION_METRICS).iloc[0]
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / np.sqrt(5)
    assert row["recall_ci_low"] == pytest.approx(np.mean(values) - half, abs=1e-12)
    assert row["recall_ci_high"] == pytest.approx(np.mean(values) + half, abs=1e-12)


# --- properties -------------------------------------------------------------------------------

cells = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False).map(
    lambda v: round(v, 3)), st.sampled_from(["a", "b", "ç", "z z"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(st.lists(cells, min_size=12, max_size=12), min_size=1, max_size=4),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_any_small_table_reads_back_with_its_shape(tmp_path, columns, sep, encoding) -> None:
    y = ["yes" if i % 3 == 0 else "no" for i in range(12)]
    frame = pd.DataFrame({f"c{i}": col for i, col in enumerate(columns)} | {"y": y})
    path = tmp_path / "p.csv"
    path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
    ds = read_table(path, target="y", positive="yes")
    assert ds.X.shape == (12, len(columns)) and int(ds.y.sum()) == 4
    for i, col in enumerate(columns):
        if all(isinstance(v, (int, float)) for v in col):
            assert np.allclose(ds.X[f"c{i}"].astype(float), np.asarray(col, float))


@given(st.text(max_size=30))
def test_the_option_parsers_raise_only_usage_errors(text) -> None:
    for parse in (_sizes, lambda t: parse_settings([t])):
        try:
            parse(text)
        except UsageError:
            pass


@given(st.lists(st.integers(4, 10_000), min_size=1, max_size=5))
def test_sizes_round_trip(sizes) -> None:
    assert _sizes(",".join(map(str, sizes)) + ",full") == (*sizes, "full")


def test_the_store_is_read_safely_while_it_is_being_created(tmp_path: Path) -> None:
    from augbench.results.store import Store

    path = tmp_path / "results.sqlite"
    sqlite3.connect(path).close()  # the file exists, its tables do not yet
    assert Store(path).trials().empty  # opening creates what is missing, never fails
    assert os.path.getsize(path) > 0


def test_a_majority_positive_class_is_said_before_and_after_the_run(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": np.arange(60) % 9, "z": np.arange(60) % 4,
                          "y": np.where(np.arange(60) % 4 == 0, "rare", "common")})
    frame.to_csv(tmp_path / "t.csv", index=False)
    proc = _augbench("run", "--data", str(tmp_path / "t.csv"), "--target", "y", "--positive",
                     "common", "--seeds", "2", "--sizes", "30", "--out", str(tmp_path / "o"),
                     "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "warning: the positive class of 't' (y = common) is the majority" in proc.stderr
    assert "warning: 'smote' added no row in any trial on 't'" in proc.stdout


def test_ray_that_cannot_start_is_one_error_line(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="Ray is the optional extra augbench[ray]")
    proc = _augbench("run", "--executor", "ray", "--address", "ray://127.0.0.1:1", "--seeds", "1",
                     "--sizes", "100", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 2 and proc.stderr.startswith("error: cannot start or reach Ray")
    assert "Traceback" not in proc.stderr


def test_a_rerun_with_fewer_seeds_never_leaves_its_comparisons_for_all(tmp_path: Path) -> None:
    grid = {"augmenters": ("none", "smote"), "classifiers": ("lr",), "sizes": (100,)}
    augbench.run(out=tmp_path, seeds=6, **grid)
    augbench.run(out=tmp_path, seeds=3, **grid)  # stores comparisons of 3 seeds
    loaded = load_results(tmp_path)  # shows all 6 stored seeds
    assert loaded.trials["seed"].nunique() == 6
    assert (loaded.comparisons["n_pairs"] == 6).all()


def test_a_report_draws_figures_when_one_dataset_got_no_synthetic_rows(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": np.arange(80) % 9, "z": np.arange(80) % 5,
                          "y": np.where(np.arange(80) % 4 == 0, "rare", "common")})
    frame.to_csv(tmp_path / "majority.csv", index=False)
    proc = _augbench("run", "--data", "breast-cancer", "--data", str(tmp_path / "majority.csv"),
                     "--target", "y", "--positive", "common", "--seeds", "2", "--sizes", "40",
                     "--out", str(tmp_path / "o"), "--quiet", "--report")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "o" / "plots" / "breast-cancer_privacy_utility.png").is_file()
    assert not (tmp_path / "o" / "plots" / "majority_privacy_utility.png").exists()


def test_numeric_looking_dataset_names_survive_the_store(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": np.arange(60) % 9, "y": (np.arange(60) % 3 == 0).astype(int)})
    frame.to_csv(tmp_path / "007.csv", index=False)
    data = (augbench.DataSpec(str(tmp_path / "007.csv"), target="y", positive=("1",)),)
    augbench.run(out=tmp_path / "o", data=data, seeds=3, sizes=(30,))
    assert set(load_results(tmp_path / "o").comparisons["dataset"]) == {"007"}


@pytest.mark.parametrize("args, message", [
    (["--trial-timeout", "nan"], "--trial-timeout is seconds"),
    (["--classifiers", "lr-tuned", "--set", "lr-tuned.C=-1"], "'C' parameter of Logistic"),
])
def test_more_bad_options_are_one_error_line(args, message, tmp_path: Path) -> None:
    proc = _augbench("run", "--seeds", "1", "--sizes", "100", *args, "--out", str(tmp_path),
                     "--quiet")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr


def test_a_corrupt_store_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "results.sqlite").write_text("not a database")
    for command in (["report", str(tmp_path)], ["run", "--seeds", "1", "--sizes", "100",
                                                 "--out", str(tmp_path), "--quiet"]):
        proc = _augbench(*command)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1
        assert proc.stderr.startswith("error: ") and "is damaged" in proc.stderr


def test_a_target_read_as_floats_keeps_its_labels(tmp_path: Path) -> None:
    lines = ["x,y"] + [f"{i},{'' if i == 5 else int(i % 3 == 0)}" for i in range(30)]
    ds = read_table(_write(tmp_path / "f.csv", "\n".join(lines)), target="y", positive="1")
    assert len(ds.y) == 29 and int(ds.y.sum()) == 10


def _locale_table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.3).astype(int)
    return pd.DataFrame({"ratio": rng.normal(0.10 + 0.05 * y, 0.02).round(4),
                         "count": rng.integers(1000, 5000, n) + 900 * y, "y": y})


def test_decimal_commas_and_thousands_separators_are_read_as_numbers(tmp_path: Path) -> None:
    frame = _locale_table()
    european = "ratio;count;y\n" + "\n".join(
        f"{r:.4f}".replace(".", ",") + f";{c:,};{y}".replace(",", ".")
        for r, c, y in frame.itertuples(index=False))
    english = "ratio,count,y\n" + "\n".join(f'{r:.4f},"{c:,}",{y}'
                                            for r, c, y in frame.itertuples(index=False))
    for name, text in (("eu", european), ("en", english)):
        ds = read_table(_write(tmp_path / f"{name}.csv", text), target="y")
        np.testing.assert_allclose(ds.X["ratio"], frame["ratio"])
        np.testing.assert_array_equal(ds.X["count"], frame["count"])
        assert ds.X["ratio"].dtype.kind == "f" and ds.X["count"].dtype.kind == "i"
    notes = " ".join(read_table(tmp_path / "eu.csv", target="y").notes)
    assert "column 'ratio'" in notes and "decimal commas (such as '0,1" in notes
    assert "column 'count'" in notes and "thousands with dots" in notes
    assert "thousands separators" in " ".join(read_table(tmp_path / "en.csv", target="y").notes)


def test_a_decimal_comma_table_scores_as_its_plain_twin(tmp_path: Path) -> None:
    frame = _locale_table()
    frame.to_csv(tmp_path / "plain.csv", index=False)
    (tmp_path / "comma.csv").write_text(frame.to_csv(index=False, sep=";", decimal=","))
    scores = [augbench.run(data=(augbench.DataSpec(str(tmp_path / f"{name}.csv"), target="y"),),
                           seeds=3, sizes=(100,), metrics=("roc_auc",)).trials["roc_auc"]
              for name in ("plain", "comma")]
    np.testing.assert_array_equal(scores[0], scores[1])
    assert scores[0].mean() > 0.8


def test_rows_without_a_target_are_counted_in_a_note(tmp_path: Path) -> None:
    lines = ["x,y"] + [f"{i},{'' if i % 15 == 0 else int(i % 3 == 1)}" for i in range(300)]
    ds = read_table(_write(tmp_path / "t.csv", "\n".join(lines)), target="y")
    assert len(ds.y) == 280
    assert any("20 of the 300 rows" in n and "no value in the target 'y'" in n for n in ds.notes)


def test_smote_rounds_integer_columns_instead_of_truncating() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.2).astype(int)
    X = pd.DataFrame({"flag": (rng.random(400) < np.where(y == 1, 0.45, 0.2)).astype(int),
                      "x": rng.normal(size=400)})
    X_res, _ = augbench.get_augmenter("smote", random_state=0).fit_resample(X, y)
    added = X_res.iloc[len(X):]
    assert added["flag"].dtype == X["flag"].dtype
    assert not (added["x"] == added["x"].round()).all()  # other columns are not rounded
    # Interpolating between flags keeps their share roughly; truncation would halve it.
    assert abs(added["flag"].mean() - X.loc[y == 1, "flag"].mean()) < 0.1


def test_a_run_records_the_cpu_and_the_blas_kernel(tmp_path: Path) -> None:
    augbench.run(seeds=1, sizes=(100,), out=tmp_path)
    with sqlite3.connect(tmp_path / "results.sqlite") as db:
        versions = json.loads(db.execute("SELECT value FROM meta WHERE key='versions'")
                              .fetchone()[0])
    from threadpoolctl import threadpool_info

    kernel = next(i["architecture"] for i in threadpool_info() if i["user_api"] == "blas")
    assert versions["cpu"] and kernel in versions["blas"]


def test_repeated_arms_run_once_and_too_many_jobs_are_warned(tmp_path: Path) -> None:
    proc = _augbench("run", "--augmenters", "none,smote,smote", "--seeds", "2", "--sizes", "100",
                     "--jobs", "64", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "note: --augmenters names smote more than once; each runs once." in proc.stderr
    assert "warning: --jobs 64 is more than the" in proc.stderr
    assert len(pd.read_csv(tmp_path / "trials.csv")) == 4
    assert "planned trials are stored" not in proc.stderr
