"""Tables as people write and export them: numbers with missing markers, units, percent signs,
accounting negatives and locale marks read as numbers, said in one line each, or refused with
one line where reading them would be a guess; Excel's and REDCap's file quirks; column names
of any type in the Python API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import augbench
from augbench.cli import main
from augbench.errors import UsageError
from augbench.experiment.data import read_table


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _table(tmp_path: Path, column: list[str], sep: str = ",", name: str = "t.csv") -> Path:
    """A file with the feature ``x`` written as ``column`` and a target ``y``, alternating."""
    lines = [f"x{sep}z{sep}y"] + [f"{cell}{sep}{i % 5}{sep}{i % 2}" for i, cell in enumerate(column)]
    return _write(tmp_path / name, "\n".join(lines) + "\n")


def _notes(ds, column: str = "x") -> list[str]:
    return [n for n in ds.notes if f"column '{column}'" in n]


def _dash_twins(tmp_path: Path) -> tuple[Path, Path]:
    """A 300-row table whose two informative columns have 10% of their cells written '-', and
    its twin with those cells empty."""
    rng = np.random.default_rng(7)
    y = (rng.random(300) < 0.3).astype(int)
    frame = pd.DataFrame({"a": rng.normal(1.2 * y, 1).round(2), "b": rng.normal(1.2 * y, 1).round(2),
                          "c": rng.normal(size=300).round(2), "y": y})
    dashes, empty = frame.astype({"a": object, "b": object}), frame.copy()
    for col in ("a", "b"):
        hit = rng.random(300) < 0.1
        dashes.loc[hit, col], empty.loc[hit, col] = "-", np.nan
    dashes.to_csv(tmp_path / "dashes.csv", index=False)
    empty.to_csv(tmp_path / "empty.csv", index=False)
    return tmp_path / "dashes.csv", tmp_path / "empty.csv"


# --- missing markers ---------------------------------------------------------------------------

def test_a_dash_as_missing_marker_reads_the_column_as_numbers(tmp_path: Path) -> None:
    dashes, empty = _dash_twins(tmp_path)
    ds, twin = read_table(dashes, target="y"), read_table(empty, target="y")
    for col in ("a", "b"):
        assert ds.X[col].dtype == np.float64 and twin.X[col].dtype == np.float64
        np.testing.assert_array_equal(ds.X[col], twin.X[col])
        count = int(twin.X[col].isna().sum())
        assert count > 20
        [note] = _notes(ds, col)
        assert note.startswith("note: ") and f"'-' ({count})" in note and "read as missing" in note
    assert ds.fingerprint == twin.fingerprint


def test_a_table_with_dashes_scores_as_its_twin_with_empty_cells(tmp_path: Path) -> None:
    scores = [augbench.run(data=(augbench.DataSpec(str(path), target="y"),), augmenters="none",
                           classifiers="lr", seeds=2, sizes=(100,),
                           metrics=("roc_auc", "recall")).trials[["roc_auc", "recall"]]
              for path in _dash_twins(tmp_path)]
    pd.testing.assert_frame_equal(scores[0], scores[1])
    assert scores[0]["roc_auc"].mean() > 0.75


@pytest.mark.parametrize("marker", [".", "NA", "N/A", "unknown", "Unknown", "?", "#N/A", ".a",
                                    "UNK", "NASK", "\u2013", "missing", "not done", "NaN"])
def test_markers_of_statistics_packages_and_spreadsheets_are_missing(tmp_path, marker) -> None:
    column = [str(20 + i) if i % 4 else marker for i in range(40)]
    ds = read_table(_table(tmp_path, column), target="y", na_values=("",))
    assert ds.X["x"].dtype.kind == "f" and ds.X["x"].isna().sum() == 10
    assert ds.X["x"].dropna().tolist() == [20 + i for i in range(40) if i % 4]
    [note] = _notes(ds)
    assert f"'{marker}' (10)" in note and note.startswith("note: ")


def test_a_text_column_keeps_its_markers_as_categories(tmp_path: Path) -> None:
    ds = read_table(_table(tmp_path, ["yes", "no", "-", "Unknown"] * 10), target="y")
    assert list(ds.X["x"].cat.categories) == ["-", "Unknown", "no", "yes"]
    assert not _notes(ds)


# --- numbers in a notation ---------------------------------------------------------------------

def test_numbers_with_a_unit_or_a_percent_sign_are_read_with_a_note(tmp_path: Path) -> None:
    dose = read_table(_table(tmp_path, [f"{100 + i % 10} mg" for i in range(30)]), target="y")
    assert dose.X["x"].tolist() == [100 + i % 10 for i in range(30)]
    [note] = _notes(dose)
    assert "the unit 'mg' (such as '100 mg' = 100)" in note
    share = read_table(_table(tmp_path, [f"{90 + i % 10}%" for i in range(30)]), target="y")
    assert share.X["x"].tolist() == [90 + i % 10 for i in range(30)]
    assert "the unit '%' (such as '90%' = 90)" in _notes(share)[0]


def test_numbers_in_several_units_are_refused_with_one_line(tmp_path: Path, capsys) -> None:
    path = _table(tmp_path, [f"{i} years" if i % 3 else f"{i} months" for i in range(30)])
    code = main(["run", "--data", str(path), "--target", "y", "--seeds", "2", "--sizes", "20",
                 "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: column 'x'")
    assert "different units" in err and "--categorical x" in err


def test_accounting_negatives_are_read_as_negative_numbers(tmp_path: Path) -> None:
    ds = read_table(_table(tmp_path, [f"({i}.5)" if i % 2 else f"{i}.5" for i in range(30)]),
                    target="y")
    assert ds.X["x"].tolist() == [-(i + 0.5) if i % 2 else i + 0.5 for i in range(30)]
    assert "negatives in parentheses (such as '(1.5)' = -1.5)" in _notes(ds)[0]


@pytest.mark.parametrize("other, says", [("-2.5", "a minus sign"), ("-", "writes for zero")])
def test_parentheses_beside_a_minus_sign_or_a_dash_are_refused(tmp_path, other, says) -> None:
    path = _table(tmp_path, ["(3.2)", other] + [str(i) for i in range(30)])
    with pytest.raises(UsageError, match=f"column 'x' .*parentheses.*{says}"):
        read_table(path, target="y")


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_thousands_separated_by_spaces_with_decimal_commas(tmp_path, space) -> None:
    column = [f"{20 + i}{space}{i:03d},{i % 10}" for i in range(30)]
    ds = read_table(_table(tmp_path, column, sep=";"), target="y")
    np.testing.assert_allclose(ds.X["x"], [(20 + i) * 1000 + i + (i % 10) / 10 for i in range(30)])
    [note] = _notes(ds)
    assert "decimal commas and thousands separated by spaces (such as '20" in note


def test_the_typographic_minus_sign_is_a_minus(tmp_path: Path) -> None:
    ds = read_table(_table(tmp_path, [f"\u2212{i}.5" if i % 2 else f"{i}.5" for i in range(30)]),
                    target="y")
    assert ds.X["x"].tolist() == [-(i + 0.5) if i % 2 else i + 0.5 for i in range(30)]


# --- numbers beside other text -----------------------------------------------------------------

def test_numbers_beside_a_few_words_are_numbers_with_a_warning(tmp_path: Path) -> None:
    column = [str(60 + i) for i in range(40)]
    column[3] = column[9] = "hemolysed"
    column[5] = "see notes"
    ds = read_table(_table(tmp_path, column), target="y")
    assert ds.X["x"].dtype.kind == "f" and ds.X["x"].isna().sum() == 3
    [warning] = _notes(ds)
    assert warning.startswith("warning: ") and "'hemolysed' (2), 'see notes' (1)" in warning
    assert "--na-values ',?,NA,N/A,hemolysed,see notes'" in warning
    assert "--categorical x" in warning


def test_numbers_beside_many_different_words_are_numbers_with_a_warning(tmp_path: Path) -> None:
    column = [str(60 + i) if i % 3 else f"word{i}" for i in range(300)]
    ds = read_table(_table(tmp_path, column), target="y")
    assert ds.X["x"].isna().sum() == 100 and ds.X["x"].dtype.kind == "f"
    [warning] = _notes(ds)
    assert "text in 100 cells" in warning and "and 94 more" in warning


def test_text_beside_a_few_numbers_stays_categories_with_a_warning(tmp_path: Path) -> None:
    column = [f"word{i % 7}" if i % 3 else str(i) for i in range(30)]
    ds = read_table(_table(tmp_path, column), target="y")
    assert isinstance(ds.X["x"].dtype, pd.CategoricalDtype)
    [warning] = _notes(ds)
    assert "read as categories" in warning and "numbers in 10 cells" in warning


def test_codes_such_as_cancer_stages_stay_categories(tmp_path: Path) -> None:
    for column in (["1a", "1b", "2a", "2b"] * 8, ["1st", "2nd", "3rd"] * 10):
        ds = read_table(_table(tmp_path, column), target="y")
        assert isinstance(ds.X["x"].dtype, pd.CategoricalDtype) and not _notes(ds)


# --- decimal commas and dots -------------------------------------------------------------------

def test_a_column_mixing_decimal_commas_and_dots_reads_each_by_its_own_mark(tmp_path) -> None:
    column = ["1,5", "2.5"] + [f"{i},25" for i in range(30)]
    ds = read_table(_table(tmp_path, column, sep=";"), target="y")
    assert ds.X["x"].tolist()[:3] == [1.5, 2.5, 0.25]
    assert any(n.startswith("warning: ") and "'1,5'" in n and "'2.5'" in n for n in _notes(ds))


@pytest.mark.parametrize("unclear", ["2.500", "1.234,5"])
def test_a_dot_that_could_be_either_mark_beside_decimal_commas_is_refused(tmp_path,
                                                                          unclear) -> None:
    path = _table(tmp_path, ["1,5", "2.5", unclear] + [f"{i},25" for i in range(30)], sep=";")
    with pytest.raises(UsageError, match=f"'{unclear}' could be read either way"):
        read_table(path, target="y")


def test_a_comma_with_three_digits_in_a_semicolon_file_is_a_decimal_comma(tmp_path) -> None:
    ds = read_table(_table(tmp_path, ["1,234", "2,500"] * 15, sep=";"), target="y")
    assert ds.X["x"].tolist()[:2] == [1.234, 2.5]
    english = read_table(_table(tmp_path, ['"1,234"', '"2,345"'] * 15, name="en.csv"), target="y")
    assert english.X["x"].tolist()[:2] == [1234, 2345]


def test_dots_grouping_thousands_beside_a_decimal_comma(tmp_path: Path) -> None:
    ds = read_table(_table(tmp_path, ["1.234,5", "2,5", "3.456"] * 10, sep=";"), target="y")
    assert ds.X["x"].tolist()[:3] == [1234.5, 2.5, 3456]


def test_a_dot_with_two_decimals_in_a_decimal_comma_file_is_a_decimal_point(tmp_path) -> None:
    lines = ["x;w;y"] + [f"3.{10 + i % 5};{i},5;{i % 2}" for i in range(30)]
    ds = read_table(_write(tmp_path / "t.csv", "\n".join(lines)), target="y")
    assert ds.X["x"].tolist()[:3] == [3.10, 3.11, 3.12]
    grouped = ["x;w;y"] + [f"3.{100 + i % 5};{i},5;{i % 2}" for i in range(30)]
    ds = read_table(_write(tmp_path / "g.csv", "\n".join(grouped)), target="y")
    assert ds.X["x"].tolist()[:3] == [3100, 3101, 3102]


def test_three_decimal_values_beside_one_decimal_comma_are_never_read_as_thousands(tmp_path,
                                                                                  capsys) -> None:
    # An English export (comma-separated) of creatinine values with one cell typed the other way:
    # '1.105' is a decimal here, and reading it as 1105 would be a silent wrong number.
    column = ["0.912", "1.105", "0.874", "1.250", '"1,2"', "0.955"] * 5
    path = _table(tmp_path, column)
    assert main(["run", "--data", str(path), "--target", "y", "--seeds", "2", "--sizes", "10",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: column 'x'") and "'1.105' could be read either way" in err
    frame = pd.DataFrame({"x": [c.strip('"') for c in column], "y": [i % 2 for i in range(30)]})
    with pytest.raises(UsageError, match="'1.105' could be read either way"):
        augbench.run(data=frame, target="y", seeds=2, sizes=(10,))


def test_a_lone_zero_before_the_dot_makes_it_a_decimal_point(tmp_path: Path) -> None:
    column = ["0.912", "0.874", '"1,2"', "0.955"] * 8
    ds = read_table(_table(tmp_path, column), target="y")
    assert ds.X["x"].tolist()[:4] == [0.912, 0.874, 1.2, 0.955]
    # In a file with decimal commas, a column of such numbers stays decimals too.
    lines = ["x;w;y"] + [f"0.{900 + i};{i},5;{i % 2}" for i in range(30)]
    ds = read_table(_write(tmp_path / "d.csv", "\n".join(lines)), target="y")
    assert ds.X["x"].tolist()[:2] == [0.9, 0.901]


def test_dots_read_as_thousands_are_named_in_the_note(tmp_path: Path) -> None:
    ds = read_table(_table(tmp_path, ["1.105", "1.250", "1,2"] * 10, sep=";"), target="y")
    assert ds.X["x"].tolist()[:3] == [1105, 1250, 1.2]
    [note] = _notes(ds)
    assert "thousands separated by dots (such as '1.105' = 1105)" in note


def test_a_column_with_a_marker_gets_the_numbers_of_its_twin_to_the_last_bit(tmp_path) -> None:
    # Numbers of 18 digits, as a program may write them: the column with a '-' is parsed as
    # pandas parses its twin without one, not by Python's float, which rounds some otherwise.
    rng = np.random.default_rng(3)
    values = ["0." + "".join(map(str, rng.integers(0, 10, 18))) for _ in range(400)]
    plain = _table(tmp_path, values, name="plain.csv")
    marked = _table(tmp_path, ["-"] + values[1:], name="marked.csv")
    twin, ds = read_table(plain, target="y"), read_table(marked, target="y")
    np.testing.assert_array_equal(ds.X["x"].to_numpy()[1:], twin.X["x"].to_numpy()[1:])


# --- files as tools export them ----------------------------------------------------------------

def _rows(sep: str = ",", n: int = 30) -> list[str]:
    return [f"âge{sep}poids{sep}y"] + [f"{20 + i}{sep}{60 + i % 9}{sep}{i % 3 == 0:d}"
                                       for i in range(n)]


def test_excel_sep_line_is_honoured_and_skipped(tmp_path: Path) -> None:
    # Commas in the header and in every row: without the sep= line, ',' would be guessed.
    rows = ["Weight, kg;Height, cm;died"] + [f"{70 + i},5;{170 + i % 20},2;{i % 2}"
                                            for i in range(30)]
    ds = read_table(_write(tmp_path / "excel.csv", "sep=;\n" + "\n".join(rows)), target="died")
    assert list(ds.X.columns) == ["Weight, kg", "Height, cm"]
    assert ds.X["Weight, kg"].tolist() == [70.5 + i for i in range(30)]
    comma = read_table(_write(tmp_path / "comma.csv", "sep=,\n" + "\n".join(_rows())), target="y")
    assert list(comma.X.columns) == ["âge", "poids"] and comma.X["âge"].tolist() == list(range(20, 50))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_text_from_excel_in_utf16_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path / "unicode.txt", "\r\n".join(_rows("\t")), encoding)
    ds = read_table(path, target="y")
    assert list(ds.X.columns) == ["âge", "poids"] and ds.X["âge"].tolist() == list(range(20, 50))
    assert any("read as utf-16" in n for n in ds.notes)


def test_comment_lines_at_the_top_are_skipped_with_a_note(tmp_path: Path) -> None:
    text = "# REDCap export, project 12\n#  2024-01-05, 31 records\n" + "\n".join(_rows())
    ds = read_table(_write(tmp_path / "redcap.csv", text), target="y")
    assert list(ds.X.columns) == ["âge", "poids"] and len(ds.y) == 30
    assert any("starts with 2 comment lines" in n for n in ds.notes)
    header = "\n".join(["#,âge,y"] + [f"{i},{20 + i},{i % 3 == 0:d}" for i in range(30)])
    numbered = read_table(_write(tmp_path / "numbered.csv", header), target="y", drop="#")
    assert list(numbered.X.columns) == ["âge"]


@pytest.mark.parametrize("header_ends_too", [True, False])
def test_a_separator_at_the_end_of_every_line_adds_no_feature(tmp_path, header_ends_too) -> None:
    rows = _rows()
    text = "\n".join([rows[0] + (",," if header_ends_too else "")] + [r + ",," for r in rows[1:]])
    ds = read_table(_write(tmp_path / "trailing.csv", text), target="y")
    assert list(ds.X.columns) == ["âge", "poids"] and ds.X["âge"].tolist() == list(range(20, 50))
    assert int(ds.y.sum()) == 10
    assert any(n.startswith("note: ") and ("without a name" in n or "past the header" in n)
               for n in ds.notes)


def test_positive_written_as_a_decimal_names_a_target_read_as_whole_numbers(tmp_path) -> None:
    lines = ["x,grade"] + [f"{i},{'' if i == 4 else f'{i % 4}.0'}" for i in range(40)]
    path = _write(tmp_path / "grades.csv", "\n".join(lines))
    for positive in ("3.0", "3"):
        ds = read_table(path, target="grade", positive=positive)
        assert ds.positive == "3" and int(ds.y.sum()) == 10


def test_the_suggested_drop_works_when_pasted_into_a_shell(tmp_path: Path, capsys) -> None:
    import shlex

    frame = pd.DataFrame({"x": np.arange(40) % 7, "y": np.arange(40) % 4 == 0})
    frame.to_csv(tmp_path / "indexed.csv")  # pandas writes its index under an empty header
    command = ["run", "--data", str(tmp_path / "indexed.csv"), "--target", "y", "--seeds", "2",
               "--sizes", "20", "--augmenters", "none", "--quiet"]
    assert main([*command, "--out", str(tmp_path / "a")]) == 0
    [warning] = [line for line in capsys.readouterr().err.splitlines() if "identifier" in line]
    advice = warning.split("leave it out with ", 1)[1].rstrip(".")
    assert advice == "--drop 'Unnamed: 0'"
    assert main([*command, *shlex.split(advice), "--out", str(tmp_path / "b")]) == 0
    assert "identifier" not in capsys.readouterr().err


# --- tables in the Python API ------------------------------------------------------------------

def _frame(n: int = 60) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.3).astype(int)
    return pd.DataFrame(rng.normal(y[:, None], 1, size=(n, 3))), y


@pytest.mark.parametrize("target", [3, "3"])
def test_integer_column_names_are_named_as_text(target) -> None:
    X, y = _frame()
    dataset = augbench.prepare_table(X.assign(**{"3": y}).set_axis([0, 1, 2, 3], axis=1),
                                     target=target, name="numbered")
    assert list(dataset.X.columns) == ["0", "1", "2"] and dataset.y.tolist() == y.tolist()
    results = augbench.run(data=X.assign(**{"3": y}).set_axis([0, 1, 2, 3], axis=1), target=target,
                           augmenters="none", seeds=1, sizes=(20,))
    assert (results.trials["status"] == "ok").all()


def test_column_names_that_coincide_as_text_are_refused() -> None:
    X, y = _frame()
    with pytest.raises(UsageError, match="several columns in t are named '1'"):
        augbench.prepare_table(X.set_axis([0, 1, "1"], axis=1).assign(y=y), target="y", name="t")


def test_multiindex_columns_are_joined_with_a_note() -> None:
    X, y = _frame()
    X.columns = pd.MultiIndex.from_tuples([("bp", "sys"), ("bp", "dia"), ("age", "")])
    dataset = augbench.prepare_table(X.assign(out=y), target="out", name="t")
    assert list(dataset.X.columns) == ["bp_sys", "bp_dia", "age"]
    assert any("2 levels of names, joined with '_'" in n for n in dataset.notes)


def test_target_names_y_of_an_x_y_pair() -> None:
    X, y = _frame()
    X.columns = ["a", "b", "c"]
    results = augbench.run(data=(X, y), target="died", augmenters="none", seeds=1, sizes=(20,))
    assert (results.trials["status"] == "ok").all()
    with pytest.raises(UsageError, match="takes its labels from y, and target='a' names a column"):
        augbench.run(data=(X, y), target="a", augmenters="none", seeds=1, sizes=(20,))


def test_na_values_apply_to_a_dataframe_and_silence_the_warning() -> None:
    X, y = _frame()
    cells = [f"{v:.2f}" if i % 5 else "hemolysed" for i, v in enumerate(X[0])]
    frame = X.set_axis(["a", "b", "c"], axis=1).assign(u=cells, y=y)
    with pytest.warns(augbench.AugbenchWarning, match="'hemolysed' \\(12\\).*na_values=.hemolysed"):
        augbench.run(data=frame, target="y", augmenters="none", seeds=1, sizes=(20,))
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        augbench.run(data=frame, target="y", na_values="hemolysed", augmenters="none", seeds=1,
                     sizes=(20,))
    assert not [w for w in caught if "hemolysed" in str(w.message)]


def test_the_python_api_advises_a_quoted_name_as_a_python_string() -> None:
    X, y = _frame()
    frame = X.set_axis(["a", "b", "c"], axis=1).assign(**{"Patient ID": np.arange(60), "y": y})
    with pytest.warns(augbench.AugbenchWarning, match="leave it out with drop='Patient ID'\\.$"):
        augbench.run(data=frame, target="y", augmenters="none", seeds=1, sizes=(20,))
