"""File names made from names a user gives (a table's, a metric's): a table called
``../../escaped`` or ``sub/dir`` names a file inside the results folder, never a path."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from augbench.errors import UsageError

# Letters and digits of any script, and the three marks file names share everywhere; any run of
# other characters (a slash, a space, a colon) becomes one underscore.
UNSAFE = re.compile(r"[^\w.-]+")
# Two dots in a row, and a leading dot (a hidden file) or dash (read as an option by tools).
DOTS, LEADING = re.compile(r"\.{2,}"), re.compile(r"^[.-]+")
# Long enough for a table's name, short of any file system's 255 bytes with its suffixes.
LONGEST_BYTES = 80


def file_stem(name: object) -> str:
    """``name`` as it is where it is already a plain file name (``breast-cancer``); otherwise its
    safe letters with a short digest of the whole name, so that two names never share a file
    (``a b`` gives ``a_b-c8687a08``, apart from ``a_b`` and ``a:b``)."""
    text = str(name)
    stem = LEADING.sub("_", DOTS.sub("_", UNSAFE.sub("_", text)))
    stem = stem.encode("utf-8", "surrogatepass")[:LONGEST_BYTES].decode("utf-8", "ignore")
    if stem == text and stem:
        return stem
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{stem}-{digest}" if stem else digest


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused where it would lead out of ``folder``."""
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise UsageError(f"the file name {name!r} would be written outside {folder}; "
                         "name the table with letters, digits, '-', '_' or '.'.")
    return path
