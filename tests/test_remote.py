"""Named tables downloaded on first use: from a mirror on 127.0.0.1 (the published files of
../shared), verified by SHA-256, prepared as the project writes it, cached in the data home."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from augbench_plugins.medical_tables import CLEVELAND, PIMA, STROKE
from augbench_plugins.rare_disease import TABLES
from mirror import SHARED

import augbench
from augbench.cli import main
from augbench.plugin.remote import DATA_HOME_VARIABLE, MIRROR_VARIABLE
from augbench.registry import default_registry

pytestmark = pytest.mark.skipif(not (SHARED / "suite" / "raw").is_dir(),
                                reason=f"{SHARED / 'suite'} is absent")
SUITE = SHARED / "suite"


@pytest.fixture
def home(tmp_path: Path, monkeypatch, published_tables) -> Path:
    """An empty data home of the test's own, the session's mirror serving it."""
    monkeypatch.setenv(DATA_HOME_VARIABLE, str(tmp_path / "home"))
    published_tables.requests.clear()
    published_tables.cut_short.clear()
    published_tables.replaced.clear()
    return tmp_path / "home"


def _prepared(table) -> Path:
    """The developers' prepared copy of a table: ../shared/suite/<stem>.csv, or ../shared/data."""
    stem = Path(table.raw.name).stem
    found = SUITE / f"{stem}.csv"
    return found if found.is_file() else SHARED / "data" / f"{stem}.csv"


@pytest.mark.parametrize("table", [*TABLES, STROKE, PIMA, CLEVELAND], ids=lambda t: t.name)
def test_each_table_downloads_verifies_and_prepares_to_the_published_file(home: Path,
                                                                          table) -> None:
    file = table.file()
    assert file.is_relative_to(home)
    # Byte for byte, so every cell: the conversion written in the project gives the prepared
    # file the developers published, whose SHA-256 the table also states.
    assert file.read_bytes() == _prepared(table).read_bytes()
    assert hashlib.sha256(file.read_bytes()).hexdigest() == (table.prepared or table.raw.sha256)


def test_the_suite_is_its_fifteen_tables_with_the_documented_rows() -> None:
    suite = default_registry().get("suites", "rare-disease").provided
    assert suite.datasets == tuple(t.name for t in TABLES) and len(TABLES) == 15
    counts = {t.name: (len(d.y), int(d.y.sum())) for t in TABLES[:3]
              for d in [augbench.load_dataset(t.name)]}
    assert counts == {"thoracic-surgery": (470, 70), "mi-complications": (1700, 271),
                      "new-thyroid": (215, 35)}


def test_a_cached_table_is_read_without_a_request(home: Path, published_tables) -> None:
    first = augbench.load_dataset("new-thyroid")
    assert published_tables.requests["new_thyroid.csv"] == 1
    again = augbench.load_dataset("new-thyroid")
    assert published_tables.requests["new_thyroid.csv"] == 1
    assert again.fingerprint == first.fingerprint


def test_a_download_with_other_bytes_is_refused_and_not_kept(home: Path,
                                                             published_tables) -> None:
    published_tables.replaced["new_thyroid.csv"] = b"1,2,3\n"
    with pytest.raises(augbench.UsageError) as refused:
        augbench.load_dataset("new-thyroid")
    message = str(refused.value)
    assert hashlib.sha256(b"1,2,3\n").hexdigest() in message
    assert "b1e244cdb7764210cfbf2888c47a4a558c36acd3c5e25452c0255c09c0b2c0a0" in message
    assert not any(home.iterdir())  # nothing kept, not even a part file


def test_a_cached_file_that_was_edited_is_refused_with_both_sums(home: Path) -> None:
    augbench.load_dataset("new-thyroid")
    cached = home / "new_thyroid.csv"
    cached.write_bytes(cached.read_bytes().replace(b"107,", b"108,", 1))
    with pytest.raises(augbench.UsageError, match="SHA-256 .* should have b1e244cd.*Delete it"):
        augbench.load_dataset("new-thyroid")


def test_an_interrupted_download_leaves_nothing_and_the_next_one_recovers(
        home: Path, published_tables) -> None:
    published_tables.cut_short.add("mgus2.csv")
    with pytest.raises(augbench.UsageError, match="connection closed after"):
        augbench.load_dataset("mgus-progression")
    assert not any(home.iterdir())
    published_tables.cut_short.clear()
    assert len(augbench.load_dataset("mgus-progression").y) == 1384


def test_offline_one_line_says_which_file_to_fetch_and_where(home: Path, monkeypatch,
                                                             capsys) -> None:
    monkeypatch.setenv(MIRROR_VARIABLE, "http://127.0.0.1:9")  # nothing listens there
    assert main(["run", "--data", "wilms-relapse", "--seeds", "1",
                 "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: cannot download nwtco.csv")
    assert "raw.githubusercontent.com/vincentarelbundock/Rdatasets" in err
    assert str(home / "nwtco.csv") in err


def test_a_folder_serves_as_a_mirror(home: Path, monkeypatch) -> None:
    monkeypatch.setenv(MIRROR_VARIABLE, str(SUITE / "raw"))
    assert len(augbench.load_dataset("blood-storage").y) == 316


def test_a_suite_runs_every_table_from_an_empty_home_and_counts_across_them(
        home: Path, tmp_path: Path, capsys) -> None:
    assert main(["run", "--data", "suite:rare-disease", "--augmenters", "none,smote",
                 "--classifiers", "lr", "--seeds", "5", "--sizes", "200", "--quiet",
                 "--out", str(tmp_path / "run")]) == 0
    out, err = capsys.readouterr()
    trials = augbench.load_results(tmp_path / "run").trials
    assert trials["dataset"].nunique() == 15 and trials["status"].eq("ok").all()
    assert len(trials) == 15 * 5 * 2
    assert "across 15 tables: on how many each method is better / equivalent / worse / undecided" in out
    assert "dataset 'new-thyroid' has a training pool of 151 rows" in err
    # Each table's licence and citation travel with the run into the report's data section.
    from augbench.reporting.html import data_html

    results = augbench.load_results(tmp_path / "run")
    assert results.config["tables"]["thoracic-surgery"]["licence"] == "CC BY 4.0"
    assert results.config["tables"]["thoracic-surgery"]["suite"] == "rare-disease 1"
    # Said once, as each table arrives: where from, its licence and how to cite it.
    assert err.count("note: 'thoracic-surgery' was downloaded from https://raw.githubuser") == 1
    assert "licence: CC BY 4.0; cite: Zięba M. et al. (2013)" in err
    section = data_html(results)
    assert section.count("<tr>") == 16 and "Elmunzer B. J. et al. (2012)" in section


def test_augbench_datasets_says_which_tables_are_here_and_fetch_brings_them(
        home: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["datasets"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "new-thyroid " in line)
    assert "│ no " in row and "CC BY 4.0" in row
    assert main(["datasets", "fetch", "new-thyroid", "suite:shared"]) == 0
    said = capsys.readouterr().err
    assert "new-thyroid: 215 rows, 35 positive; licence: CC BY 4.0; cite: Quinlan R." in said
    assert "stroke: 5,110 rows, 249 positive" in said
    assert main(["datasets"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "new-thyroid " in line)
    assert "│ yes " in row and " 215 │" in row and " 35 │" in row
    assert main(["datasets", "fetch"]) == 2
    assert capsys.readouterr().err.startswith("error: augbench datasets fetch needs the names")


def test_a_server_that_answers_no_http_is_one_line_too(home: Path, monkeypatch) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        connection, _ = listener.accept()
        connection.recv(1024)
        connection.sendall(b"this is no HTTP\r\n\r\n")
        connection.close()

    threading.Thread(target=answer, daemon=True).start()
    monkeypatch.setenv(MIRROR_VARIABLE, f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        with pytest.raises(augbench.UsageError, match="cannot download new_thyroid.csv from"):
            augbench.load_dataset("new-thyroid")
    finally:
        listener.close()
    assert not any(home.iterdir())
