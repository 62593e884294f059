"""Named tables downloaded on first use: each is a public file pinned to one commit, its
SHA-256, the conversion that prepares it (where the published file needs one), how augbench
reads it, its licence and how to cite it. Shared by the medical-tables and rare-disease plugins.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import augbench

RAW = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class Table:
    """A named table: ``raw`` is the published file; ``prepared`` the SHA-256 of what
    ``convert`` makes of it (None where it is read as published); ``finish`` adjusts the read
    Dataset (zeros that mean missing, a column holding two numbers)."""

    name: str
    description: str
    raw: augbench.RemoteFile
    target: str
    positive: str
    drop: str = ""
    categorical: str = ""
    convert: Callable[[bytes], bytes] | None = None
    prepared: str | None = None
    finish: Callable[[Any], Any] | None = None
    licence: str = ""
    citation: str = ""
    url: str = ""  # the canonical page (UCI, CRAN)

    def file(self) -> Path:
        """The prepared file in the data home, downloaded, verified and converted on first use."""
        raw = augbench.fetch_file(self.raw)
        if self.convert is None:
            return raw
        return augbench.derived_file(raw, f"{Path(self.raw.name).stem}.csv", self.prepared,
                                     self.convert)

    def load(self, path: str | None = None) -> Any:
        """The Dataset: read from ``path`` (a local copy of the prepared file) where given."""
        downloading = not path and augbench.cached_file(self.raw) is None
        file = Path(path) if path else self.file()
        if path and not file.is_file():
            raise augbench.UsageError(f"{file} not found: give the path of a copy of "
                                      f"{self.name}'s table, or leave path out to download it.")
        dataset = augbench.read_table(file, target=self.target, positive=self.positive,
                                      drop=self.drop or None,
                                      categorical=self.categorical or None, name=self.name)
        # Known by its published address, wherever the data home is.
        dataset = dataclasses.replace(dataset, source=str(file) if path else self.raw.url,
                                      licence=self.licence, citation=self.citation)
        if downloading:  # said once, when the table arrives
            dataset = dataclasses.replace(dataset, notes=(
                f"note: '{self.name}' was downloaded from {self.raw.url} and verified; "
                f"licence: {self.licence or 'not stated'}; cite: {self.citation}.",
                *dataset.notes))
        return self.finish(dataset) if self.finish else dataset

    def factory(self) -> Callable[..., Any]:
        def make(path: str | None = None) -> Any:
            return self.load(path)

        make.__doc__ = self.description
        # What `augbench datasets` shows and `augbench datasets fetch` downloads.
        make.licence, make.citation, make.files = self.licence, self.citation, (self.raw,)
        return make


def github(repo: str, commit: str, path: str, name: str, sha256: str) -> augbench.RemoteFile:
    """A file of a public GitHub repository at one commit."""
    return augbench.RemoteFile(name, f"{RAW}/{repo}/{commit}/{path}", sha256)


# --- conversions from a published file to the table augbench reads ---------------------------

def with_header(*names: str) -> Callable[[bytes], bytes]:
    """Add a header line (a file published without one)."""
    return lambda raw: (",".join(names) + "\n").encode() + raw


def replacing_header(*names: str) -> Callable[[bytes], bytes]:
    """Replace the first line (R's write.csv leaves the row-name column unnamed)."""
    return lambda raw: (",".join(names) + "\n").encode() + raw.partition(b"\n")[2]


def final_newline(raw: bytes) -> bytes:
    return raw if raw.endswith(b"\n") else raw + b"\n"


def whitespace_to_commas(raw: bytes) -> bytes:
    """Space-separated lines (CRLF, no final newline) as comma-separated LF lines."""
    lines = raw.decode("utf-8").replace("\r\n", "\n").rstrip("\n").split("\n")
    return "".join(",".join(line.split()) + "\n" for line in lines).encode()


def header_codes(raw: bytes) -> bytes:
    """A descriptive header ("2. Age (AGE)") replaced by the short codes in its parentheses;
    a trailing unit of measure ("(mmHg)", "(mmol/L)") is no code."""
    first, _, rest = raw.partition(b"\n")

    def code(cell: str) -> str:
        groups = re.findall(r"\(([^()]*)\)", cell)
        while groups and ("/" in groups[-1] or not groups[-1].isascii()
                          or groups[-1] == "mmHg"):
            groups.pop()
        return groups[-1]

    cells = next(csv.reader([first.decode("utf-8")]))
    return (",".join(map(code, cells)) + "\n").encode() + rest


def without_rows(column: str, value: str) -> Callable[[bytes], bytes]:
    """Leave out the rows whose ``column`` is ``value``; every other byte as published."""
    def convert(raw: bytes) -> bytes:
        lines = raw.decode("utf-8").splitlines(keepends=True)
        index = next(csv.reader([lines[0]])).index(column)
        kept = [line for line in lines[1:] if next(csv.reader([line]))[index] != value]
        return "".join([lines[0], *kept]).encode()

    return convert


def then(*steps: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """The conversions ``steps``, one after the other."""
    def convert(raw: bytes) -> bytes:
        for step in steps:
            raw = step(raw)
        return raw

    return convert
