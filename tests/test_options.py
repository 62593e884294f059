"""One set of options for the command line, experiment files and the Python API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main
from augbench.options import OPTIONS, tomllib

SMALL = ["--augmenters", "smote", "--seeds", "2", "--sizes", "100", "--quiet"]


def _dump(capsys, *args: str) -> str:
    assert main(["run", *args, "--dump-config"]) == 0
    return capsys.readouterr().out


def test_dump_config_round_trips(tmp_path: Path, capsys) -> None:
    first = _dump(capsys, "--augmenters", "gan,smote", "--sizes", "100,full", "--prevalence",
                  "5%", "--set", "smote.k_neighbors=3", "--set", "gan.generator_dims=(32, 32)",
                  "--data", "pima-diabetes", "--permutation-control")
    table = tomllib.loads(first)
    assert table["augmenters"] == ["gan", "smote"] and table["sizes"] == [100, "full"]
    assert table["prevalence"] == [0.05] and table["permutation-control"] is True
    assert table["params"] == {"smote": {"k_neighbors": 3}, "gan": {"generator_dims": [32, 32]}}
    path = tmp_path / "exp.toml"
    path.write_text(first)
    assert _dump(capsys, "--config", str(path)) == first


def test_flags_override_the_file_and_params_merge(tmp_path: Path, capsys) -> None:
    path = tmp_path / "exp.toml"
    path.write_text('seeds = 7\nclassifiers = ["lr", "rf"]\n\n[params.smote]\n'
                    'k_neighbors = 3\nk_neighbors_extra = 1\n')
    table = tomllib.loads(_dump(capsys, "--config", str(path), "--seeds", "2",
                                "--set", "smote.k_neighbors=4"))
    assert table["seeds"] == 2 and table["classifiers"] == ["lr", "rf"]
    assert table["params"]["smote"] == {"k_neighbors": 4, "k_neighbors_extra": 1}


@pytest.mark.parametrize("text, message", [
    ("seed = 3\n", "unknown key 'seed'. Valid keys: .*seeds"),
    ('seeds = "many"\n', "seeds: 'many' is not a valid value"),
    ('holm = "family"\n', "holm is one of comparison, run"),
    ("report = 1\n", "report is true or false"),
    ('sizes = ["a"]\n', "toml: sizes: 'a' is neither a whole number"),
    ("params = 3\n", "'params' must hold one table per plugin"),
    ("seeds = [\n", "is not valid TOML"),
])
def test_a_bad_file_is_one_error_line(tmp_path: Path, capsys, text: str, message: str) -> None:
    path = tmp_path / "exp.toml"
    path.write_text(text)
    assert main(["run", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --config ") and len(err.strip().splitlines()) == 1
    assert __import__("re").search(message, err), err


def test_a_run_stores_its_options_as_a_file_that_runs_it_again(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--out", str(out)]) == 0
    stored = (out / "config.toml").read_text()
    assert tomllib.loads(stored)["seeds"] == 2
    before = pd.read_csv(out / "trials.csv")
    # The same experiment: every trial is resumed (its stored timings come back), none reruns.
    assert main(["run", "--config", str(out / "config.toml")]) == 0
    after = pd.read_csv(out / "trials.csv")
    assert len(after) == 4 and after["fit_seconds"].tolist() == before["fit_seconds"].tolist()


def test_the_folders_file_names_every_arm_of_an_extended_experiment(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--out", str(out)]) == 0
    # A second command adds an augmenter, a classifier (with a parameter) and a seed.
    assert main(["run", "--augmenters", "ros", "--classifiers", "rf", "--seeds", "3", "--sizes",
                 "100", "--set", "rf.n_estimators=20", "--quiet", "--out", str(out)]) == 0
    table = tomllib.loads((out / "config.toml").read_text())
    assert table["augmenters"] == ["none", "smote", "ros"] and table["classifiers"] == ["lr", "rf"]
    assert table["seeds"] == 3 and table["params"] == {"rf": {"n_estimators": 20}}
    # Running the file resumes the whole experiment: 3 seeds x 3 augmenters x 2 classifiers.
    assert main(["run", "--config", str(out / "config.toml")]) == 0
    assert len(pd.read_csv(out / "trials.csv")) == 18


def test_every_run_option_is_a_keyword_of_the_python_api() -> None:
    # Terminal-only switches and how files are read have no meaning for a function; --set is
    # its params= keyword.
    not_in_api = {o.name for o in OPTIONS if not o.in_api}
    assert not_in_api == {"set", "quiet", "config", "dump-config"}
    for option in OPTIONS:
        if option.in_api and option.dest != "data":
            with pytest.raises(augbench.UsageError, match=f"run\\(\\): {option.dest}"):
                augbench.run(**{option.dest: {"not": "a value"}})


def test_the_api_takes_comma_texts_and_numbers_as_the_command_line_does() -> None:
    from augbench.options import from_keywords, request

    asked = request(from_keywords({"augmenters": "none, smote", "sizes": 100, "seeds": "3",
                                   "prevalence": "5%", "classifiers": ["lr", "rf"]}))
    assert asked.experiment.augmenters == ("none", "smote")
    assert asked.experiment.sizes == (100,) and asked.experiment.seeds == 3
    assert asked.experiment.prevalence == (0.05,)
    assert asked.experiment.classifiers == ("lr", "rf")
    with pytest.raises(augbench.UsageError, match="run\\(\\): seeds: 'two' is not a valid value"):
        from_keywords({"seeds": "two"})
    with pytest.raises(augbench.UsageError, match="run\\(\\): report is true or false"):
        from_keywords({"report": "yes"})


def test_the_api_reads_options_as_the_command_line_does(shared_data: Path, tmp_path: Path) -> None:
    by_api = augbench.run(data="pima-diabetes", augmenters=("smote",), seeds=2, sizes=(100,),
                          jobs=2, permutation_control=True, params={"smote": {"k_neighbors": 3}},
                          out=tmp_path / "api", report=True)
    assert main(["run", "--data", "pima-diabetes", *SMALL, "--permutation-control",
                 "--set", "smote.k_neighbors=3", "--out", str(tmp_path / "cli")]) == 0
    by_cli = augbench.load_results(tmp_path / "cli")
    assert by_api.config == by_cli.config
    assert by_api.trials["roc_auc"].tolist() == by_cli.trials["roc_auc"].tolist()
    assert (tmp_path / "api" / "report.html").is_file()
    with pytest.raises(augbench.UsageError, match="unknown option\\(s\\) seed\\. Valid: .*seeds"):
        augbench.run(seed=3)
    with pytest.raises(augbench.UsageError, match="not both"):
        augbench.run(jobs=2, execution=augbench.Execution())


def test_a_report_of_a_partly_extended_folder_names_its_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["run", "--augmenters", "ros", *SMALL[2:], "--out", str(out)]) == 0
    assert "4 of 4 trials ok (2 of them from the store)" in capsys.readouterr().err
    # The folder now holds none, smote and ros with lr, every trial of them.
    assert main(["report", str(out)]) == 0
    assert "planned trials" not in capsys.readouterr().err
    assert main(["run", "--augmenters", "ros", "--classifiers", "rf", *SMALL[2:],
                 "--out", str(out)]) == 0
    assert (f"note: {out} holds 10 of the 12 trials of its experiment, whose augmenters, "
            "classifiers and seeds come from several commands; 'augbench run --config "
            f"{out / 'config.toml'}' runs the rest.") in capsys.readouterr().err
    assert main(["report", str(out)]) == 0  # smote with rf never ran
    assert (f"warning: 10 of the 12 planned trials are stored; running 'augbench run --config "
            f"{out / 'config.toml'}' finishes them.") in capsys.readouterr().err


def test_unnamed_dataframes_each_get_their_own_name() -> None:
    rng = np.random.default_rng(0)
    frames = []
    for shift in (0.0, 1.0, 2.0):
        x = rng.normal(size=120) + shift
        frames.append(pd.DataFrame({"x": x, "y": (x + rng.normal(size=120) > 1.5 + shift)
                                    .astype(int)}))
    results = augbench.run(data=frames, target="y", augmenters="none", seeds=1, sizes=40,
                           metrics="roc_auc")
    assert results.trials["dataset"].tolist() == ["dataframe", "dataframe-2", "dataframe-3"]
    assert results.config["tables"]["dataframe-3"]["rows"] == 120


@pytest.mark.parametrize("line, words", [
    ("--sizes 100,200 or --positive 3,4.", 'sizes="100,200" or positive="3,4".'),
    ("--ratio is already met; check --positive and --ratio.",
     "ratio= is already met; check positive= and ratio=."),
    ("sets how --tune tunes; add --tune (tune=True in Python)",
     "sets how tune= tunes; add tune= (tune=True in Python)"),
    ("leave it out with --drop 'Patient ID'.", "leave it out with drop='Patient ID'."),
])
def test_a_command_line_sentence_in_the_words_of_run(line: str, words: str) -> None:
    from augbench.options import in_api_words

    assert in_api_words(line) == words
