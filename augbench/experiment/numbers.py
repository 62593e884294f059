"""Numbers as tables write them: how a text column of cells is read as numbers, or left as text.

A column is read as numbers by what its text cells are, never by how many there are:

- **Missing markers** (``-``, ``.``, ``NA``, ``unknown``, Excel's ``#N/A``, Stata's ``.a``,
  REDCap's ``UNK`` ...; :data:`MISSING_MARKERS`) are missing, said in one note naming the
  column, the markers and their counts. Only in a column of numbers: in a text column they are
  categories like any other text (``Unknown`` smoking status).
- **Numbers in a notation** are read, with a note that gives an example: decimal commas
  (``0,125``), thousands separated by commas (``1,234.5``), dots (``1.234,5``) or spaces,
  non-breaking or narrow ones included (``25 123,4``), a unit after the number (``120 mg``,
  ``95%``), the typographic minus (``−3``), and accounting negatives in parentheses
  (``(3.2)`` = -3.2).
- **Refused**, with one line that says how to fix it, where a reading would be a guess: several
  units in one column (``6 months`` beside ``2 years``: augbench cannot convert them); negatives
  both in parentheses and with a minus sign, or parentheses beside ``-`` (Excel's accounting
  format writes zero as ``-``); decimal dots beside decimal commas where a cell such as
  ``2.500`` could be either 2.5 or 2500.
- **Codes** are text: one-letter suffixes that differ between cells (``1a``, ``2b``, cancer
  stages) and ordinals (``1st``) are no units.
- **Other text beside numbers** (``hemolysed`` in a column of creatinine values, or ``V45``
  among diagnosis codes) is a choice only the user can make: whether it means "no value" or is
  a value. Refusing would stop every table with one stray word; so the larger side wins, and
  either way a warning names the column, the text with its counts and how to choose otherwise:
  mostly numbers are read as numbers with that text missing (``--na-values`` declares it
  missing, which silences the warning and is stored with the run's options, and
  ``--categorical`` keeps the column as categories); mostly text stays categories, with a
  warning where plain numbers stand among it (a clinic named ``1 laboratory`` is not one).

Columns that pandas read as numbers are not read again here.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from augbench.errors import UsageError

# Cell texts that mean "no value" in a column of numbers (compared case-insensitively): what
# SPSS, Stata (. and .a to .z), SAS, R, Excel (its error values), REDCap (its missing-data
# codes) and people write. Not "none", "nil" or "n.d." (zero, or "not detected", a low value).
MISSING_MARKERS = frozenset({
    "", "-", "--", "---", "\u2013", "\u2014", ".", "..", "?", "??",
    "na", "n/a", "n.a.", "n.a", "#n/a", "#na", "nan", "-nan", "<na>", "null", "#null!",
    "missing", "unknown", "unk", "not known", "not available", "not recorded", "not done",
    "#div/0!", "#value!", "#ref!", "#num!", "#name?", "sysmis",
    "ni", "inv", "nask", "asku", "nav", "navu", "msk", "np",
    *(f".{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"),
})

# Numbers as spreadsheets export them: a decimal comma (0,1257), thousands separated by commas
# (1,234,567.5) or, with a decimal comma, by dots (1.234,5).
DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+")
THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
# Dots as thousands separators: every dotted cell of the column is grouped so (3.651, 1.234,5);
# a dot followed by other than three digits (3.10), or after a lone 0 (0.912), is a decimal point.
DOTTED_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?")
# Thousands separated by a space, a no-break space or a narrow no-break space (French, SI).
SPACED = re.compile(r"[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?")
# A number, written with digits, dots, commas and spaces, a unit after it, in parentheses.
NOTATED = re.compile(
    r"(?P<open>\()?(?P<core>[+\-\u2212]?[\d.,\u00a0\u202f ]*\d)[ \u00a0\u202f]*"
    r"(?P<unit>[^\W\d_][\w/^.\u00b2\u00b3\u00b7*%-]{0,19}|%|\u2030|\u00b0\w{0,2})?(?P<close>\))?")
# "1st", "2nd": ordinals, not numbers with a unit.
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
MAX_LISTED = 6


@dataclass(frozen=True)
class Reading:
    """What a text column holds: its numbers (None: it is text, read as categories) and what a
    reader must hear of how it was read, one 'note:' or 'warning:' line each."""

    values: pd.Series | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Cell:
    """One cell text written as a number in a notation: the number's digits with its marks, the
    unit after it, and whether it stood in parentheses or had its thousands spaced."""

    core: str
    unit: str = ""
    parenthesised: bool = False
    spaced: bool = False
    glued: bool = False  # the unit follows the digits with no space between them
    typographic_minus: bool = False  # written with U+2212, the minus sign of typeset text


def counted(counts: dict[str, int]) -> str:
    """'a' (3), 'b' (1): texts with their counts, the most frequent first, the first few."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"'{text}' ({n})" for text, n in ranked[:MAX_LISTED])
    return listed + (f" and {len(ranked) - MAX_LISTED} more" if len(ranked) > MAX_LISTED else "")


def _in_cells(count: int) -> str:
    """'1 cell', '3 cells'."""
    return f"{count} cell{'s' if count != 1 else ''}"


def _notated(text: str) -> _Cell | None:
    """The cell as a number in a notation (spaced thousands, a unit, parentheses, the
    typographic minus), or None where it is no number."""
    match = NOTATED.fullmatch(text)
    if not match or bool(match["open"]) != bool(match["close"]):
        return None
    core, unit = match["core"].replace("\u2212", "-"), match["unit"] or ""
    if unit.casefold() in ORDINAL_SUFFIXES or (match["open"] and core[0] in "+-"):
        return None
    spaced = bool(re.search(r"[ \u00a0\u202f]", core))
    if spaced:
        if not SPACED.fullmatch(core):
            return None
        core = re.sub(r"[ \u00a0\u202f]", "", core)
    glued = bool(unit) and text[match.end("core"):match.start("unit")] == ""
    return _Cell(core, unit, bool(match["open"]), spaced, glued, "\u2212" in match["core"])


def _comma_notation(cores: list[str], comma: str | None) -> str:
    """How the cells that hold a comma write numbers: "decimal commas", "thousands separators",
    or "" (they are no numbers). "1,234" fits both: ``comma`` ("decimal" in a file separated by
    semicolons, tabs or bars; "thousands" in one separated by commas) decides, and without it
    the thousands reading does, as in English-language exports."""
    decimal = all(DECIMAL_COMMA.fullmatch(c) for c in cores)
    thousands = all(THOUSANDS_COMMA.fullmatch(c) for c in cores)
    if decimal and (not thousands or comma == "decimal"):
        return "decimal commas"
    return "thousands separators" if thousands else ""


def read_numbers(column: pd.Series, name: str, where: str, comma: str | None = None,
                 na_values: Sequence[str] = ()) -> Reading:
    """The column read as the module's docstring says: numbers, with notes, or text (values
    None, with a warning where plain numbers stand among the text); a UsageError where reading
    it would be a guess. ``na_values`` are the texts read as missing already (for the advice)."""
    texts = column.dropna().astype(str).str.strip()
    counts = texts.value_counts(sort=False)
    markers = {t: int(n) for t, n in counts.items() if t.casefold() in MISSING_MARKERS}
    rest = {t: int(n) for t, n in counts.items() if t not in markers}
    plain = pd.to_numeric(pd.Series(list(rest), dtype=object), errors="coerce").to_numpy()
    cells = {t: _Cell(t) for t, value in zip(rest, plain) if not np.isnan(value)}
    notated = _units_or_codes({t: c for t in rest if t not in cells
                               and (c := _notated(t)) is not None})
    cells.update(notated)
    marks, mixed, ambiguous = _marks(cells, comma, name, where)
    values = _values(cells, marks)
    words = {t: n for t, n in rest.items() if t not in values}
    numbers = sum(rest.values()) - sum(words.values())
    if numbers == 0:
        return Reading(None)
    if words and sum(words.values()) >= numbers:
        if not any(not cells[t].unit and not cells[t].parenthesised for t in values):
            return Reading(None)
        return Reading(None, (f"warning: column '{name}' {where} holds text in "
                              f"{_in_cells(sum(words.values()))} ({counted(words)}) and numbers in "
                              f"{_in_cells(numbers)}: read as categories. If it is a column of "
                              "numbers, name its text as missing with --na-values "
                              f"{_na_advice(na_values, words)}.",))
    if ambiguous:
        raise UsageError(ambiguous)
    _refuse_guesses(cells, values, rest, markers, name, where)
    result = pd.Series(np.nan, index=column.index, dtype=float)
    result[texts.index] = texts.map(values).astype(float)
    notes = [note] if (note := _notation_note(name, where, cells, values, marks)) else []
    if mixed:
        notes.append(mixed)
    if markers:
        notes.append(f"note: column '{name}' {where} marks missing values with "
                     f"{counted(markers)}: read as missing.")
    if words:
        notes.append(f"warning: column '{name}' {where} holds numbers, and text in "
                     f"{_in_cells(sum(words.values()))}: {counted(words)}, read as missing. Say so with "
                     f"--na-values {_na_advice(na_values, words)}, or keep the column as "
                     f"categories with --categorical {shlex.quote(name)}.")
    return Reading(plain_dtype(result), tuple(notes))


def _units_or_codes(notated: dict[str, _Cell]) -> dict[str, _Cell]:
    """The notated cells that are numbers: all of them, unless several one-letter suffixes are
    glued to the digits (1a, 2b: codes such as cancer stages, no units)."""
    glued_letters = {c.unit for c in notated.values() if c.glued and len(c.unit) == 1}
    if len(glued_letters) > 1:
        return {t: c for t, c in notated.items() if c.unit not in glued_letters}
    return notated


def _marks(cells: dict[str, _Cell], comma: str | None, name: str,
           where: str) -> tuple[str, str, str]:
    """How the column's cells write decimals and thousands ("": plain numbers; "thousands
    separators": commas group thousands; "decimal commas", with dots grouping thousands, or
    "decimal marks", commas and dots both decimal points), a warning for the last, and why
    reading the column as numbers is refused, if it is.

    With decimal commas, dots group thousands where every dotted cell groups thousands (3.651,
    1.234,5) and the file says so: it writes decimal commas (``comma`` "decimal"), or a cell
    holds both marks (1.234,5) or several groups (1.234.567). Else a dot is a decimal point
    (2.5), which no cell with a comma may hold beside it (1.234,5) and no dotted cell may leave
    ambiguous (1.105, 2.500): refused."""
    with_comma = [t for t, c in cells.items() if "," in c.core]
    notation = _comma_notation([cells[t].core for t in with_comma], comma) if with_comma else ""
    dotted = [t for t, c in cells.items() if "." in c.core]
    if notation != "decimal commas" or not dotted:
        return notation, "", ""
    grouped = all(DOTTED_THOUSANDS.fullmatch(cells[t].core) for t in dotted)
    surely = comma == "decimal" or any("," in cells[t].core or cells[t].core.count(".") > 1
                                       for t in dotted)
    if grouped and surely:
        return notation, "", ""
    decimal_dot = next((t for t in dotted if not DOTTED_THOUSANDS.fullmatch(cells[t].core)),
                       dotted[0])
    unclear = next((t for t in dotted if "," in cells[t].core
                    or DOTTED_THOUSANDS.fullmatch(cells[t].core)), None)
    both = f"with commas (such as '{with_comma[0]}') and with dots (such as '{decimal_dot}')"
    if unclear:
        return "decimal marks", "", (
            f"column '{name}' {where} writes decimals {both}, so '{unclear}' could be read "
            "either way: write the column with one decimal mark, or keep it as categories "
            f"with --categorical {shlex.quote(name)}.")
    return "decimal marks", (f"warning: column '{name}' {where} writes decimals both {both}: "
                             "each cell is read with its own mark; check the column."), ""


def _values(cells: dict[str, _Cell], marks: str) -> dict[str, float]:
    """The number each cell writes, read with the column's marks, for the cells that write one.

    Parsed by pandas, as ``read_csv`` parses a plain column: Python's ``float`` rounds some
    17-digit texts to the neighbouring double, so a column with one marker would otherwise get
    other numbers than its twin without it."""
    cores = {t: _plain_core(c.core, marks) for t, c in cells.items()}
    parsed = pd.to_numeric(pd.Series(list(cores.values()), dtype=object), errors="coerce")
    return {t: -value if cells[t].parenthesised else value
            for t, value in zip(cores, parsed.to_numpy(dtype=float))
            if not np.isnan(value)}


def _plain_core(core: str, marks: str) -> str:
    """``core`` with the column's thousands separators removed and a decimal point."""
    if marks == "thousands separators":
        return core.replace(",", "")
    if marks == "decimal commas":
        return core.replace(".", "").replace(",", ".")
    if marks == "decimal marks":
        return core.replace(",", ".")
    return core


def _refuse_guesses(cells: dict[str, _Cell], values: dict[str, float], counts: dict[str, int],
                    markers: dict[str, int], name: str, where: str) -> None:
    """A UsageError where reading the column as numbers would be a guess: several units, or
    parentheses that may not mean a negative number."""
    quoted = shlex.quote(name)
    units: dict[str, int] = {}
    for text in values:
        if cells[text].unit:
            units[cells[text].unit] = units.get(cells[text].unit, 0) + counts[text]
    if len(units) > 1:
        raise UsageError(f"column '{name}' {where} writes numbers with different units, "
                         f"{counted(units)}, which augbench cannot convert: "
                         "write the column in one unit, or keep it as categories with "
                         f"--categorical {quoted}.")
    bracketed = [t for t in values if cells[t].parenthesised]
    if not bracketed:
        return
    minus = [t for t in values if cells[t].core.startswith("-")]
    dashes = [t for t in markers if t in ("-", "\u2013", "\u2014")]
    if minus or dashes:
        also = (f"negatives with a minus sign (such as '{minus[0]}')" if minus else
                f"'{dashes[0]}', which the accounting format writes for zero")
        raise UsageError(f"column '{name}' {where} writes numbers in parentheses (such as "
                         f"'{bracketed[0]}', a negative number in accounting formats) and "
                         f"{also}: write its numbers as plain numbers (-3.2, 0), or keep it as "
                         f"categories with --categorical {quoted}.")


def _notation_note(name: str, where: str, cells: dict[str, _Cell], values: dict[str, float],
                   marks: str) -> str:
    """One note naming the notations the column's numbers are written in, with an example of
    each; empty for plain numbers."""
    kinds = {"decimal commas": lambda c: "," in c.core and marks != "thousands separators",
             "thousands separators": lambda c: "," in c.core and marks == "thousands separators",
             "thousands separated by dots": lambda c: "." in c.core and marks == "decimal commas",
             "thousands separated by spaces": lambda c: c.spaced,
             "negatives in parentheses": lambda c: c.parenthesised,
             "the minus sign '\u2212'": lambda c: c.typographic_minus}
    examples = {kind: next((t for t in values if fits(cells[t])), None)
                for kind, fits in kinds.items()}
    units = {cells[t].unit for t in values if cells[t].unit}
    for unit in units:
        examples[f"the unit '{unit}'"] = next(t for t in values if cells[t].unit == unit)
    by_example: dict[str, list[str]] = {}
    for kind, text in examples.items():
        if text is not None:
            by_example.setdefault(text, []).append(kind)
    parts = [f"{' and '.join(named)} (such as '{text}' = {values[text]:g})"
             for text, named in by_example.items()]
    if not parts:
        return ""
    return f"note: column '{name}' {where} writes numbers with {' and '.join(parts)}, read as numbers."


def _na_advice(na_values: Sequence[str], words: dict[str, int]) -> str:
    """The --na-values value that reads ``words`` as missing beside the texts read so already."""
    return shlex.quote(",".join(dict.fromkeys([*na_values, *sorted(words)])))


def plain_dtype(numbers: pd.Series) -> pd.Series:
    """Numbers in the numpy dtype pandas gives a numeric column it reads itself: int64 when
    every cell is a whole number int64 holds, float64 (missing as NaN) otherwise."""
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    whole = bool(np.isfinite(values).all() and (values == np.round(values)).all()
                 and (np.abs(values) < 2.0**63).all())
    return pd.Series(values.astype(np.int64) if whole else values, index=numbers.index)
