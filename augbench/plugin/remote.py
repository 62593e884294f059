"""Files a dataset downloads: fetched once into a data home, verified, and read from there.

A `RemoteFile` names a file by a public address pinned to one version (a commit) and the
SHA-256 of its bytes. `fetch_file` returns its path in the data home, downloading it first where
the home lacks it:

- the data home is ``AUGBENCH_DATA_HOME``, else a per-user cache folder (platformdirs);
- a mirror, ``AUGBENCH_MIRROR`` (a base URL, or a folder), serves every file by its name
  instead of its public address: a hospital behind a firewall, or tests on 127.0.0.1;
- a download is written beside its final name and moved there only once its SHA-256 matches,
  so an interrupted one leaves nothing that looks valid; a file whose checksum differs is
  refused with both sums, never used;
- offline, one line says which file to fetch, from where, and where to put it.

The command line's ``--data-home`` and ``--mirror`` set the two variables for one command.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from augbench.errors import UsageError

DATA_HOME_VARIABLE = "AUGBENCH_DATA_HOME"
MIRROR_VARIABLE = "AUGBENCH_MIRROR"
# Seconds a server may stay silent before a download is given up.
TIMEOUT = 60
CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """A file by its public address pinned to one version, the SHA-256 of its bytes, and the
    name it has in the data home and on a mirror."""

    name: str
    url: str
    sha256: str

    def __post_init__(self) -> None:
        if Path(self.name).name != self.name or self.name in ("", ".", ".."):
            raise ValueError(f"RemoteFile.name is a plain file name, got {self.name!r}")
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise ValueError(f"RemoteFile.sha256 is 64 lower-case hex digits, got "
                             f"{self.sha256!r}")


def data_home() -> Path:
    """Where downloaded files are kept: ``AUGBENCH_DATA_HOME``, else the user's cache folder."""
    given = os.environ.get(DATA_HOME_VARIABLE)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("augbench")) / "data"


def mirror() -> str | None:
    """The base URL (or folder) that serves every file by its name, where one is set."""
    return os.environ.get(MIRROR_VARIABLE) or None


def cached_file(remote: RemoteFile) -> Path | None:
    """The file in the data home, where it is there (not checked: `fetch_file` checks it).

    Args:
        remote: The published file.

    Returns:
        Its path in the data home, or None where it has not been fetched.
    """
    path = data_home() / remote.name
    return path if path.is_file() else None


cached = cached_file  # the name augbench's own commands use


def fetch_file(remote: RemoteFile, progress: Callable[[int, int | None], None] | None = None) -> Path:
    """The path of a published file in the data home, downloaded and verified on first use.

    A file in the home whose checksum differs (edited, or written by something else) is
    refused, not replaced.

    Args:
        remote: The published file: its name, address and SHA-256.
        progress: Called as `progress(bytes_so_far, total_or_None)` as a download goes.

    Returns:
        The file's path in the data home.

    Raises:
        UsageError: A checksum that differs, a home that cannot be made, a failed download.
    """
    home = data_home()
    path = home / remote.name
    if path.is_file():
        found = _sha256(path)
        if found != remote.sha256:
            raise UsageError(f"{path} has SHA-256 {found}, but {remote.name} should have "
                             f"{remote.sha256}: it is not the published file. Delete it to "
                             "download it again.")
        return path
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the data home {home}: {exc.strerror or exc}; set "
                         f"another with --data-home or {DATA_HOME_VARIABLE}.") from None
    source = _address(remote)
    # Written under a name no reader takes for the file, and moved into place only once
    # verified: a download cut short (or killed) leaves a stray part file, never a bad table.
    handle, part = tempfile.mkstemp(prefix=f".{remote.name}.", suffix=".part", dir=home)
    try:
        with os.fdopen(handle, "wb") as out:
            found = _download(source, out, progress, remote, path)
        if found != remote.sha256:
            raise UsageError(f"{source} served {remote.name} with SHA-256 {found}, but it should "
                             f"have {remote.sha256}; the file was not kept. Check the mirror "
                             "(or the address), or fetch the published file by hand into "
                             f"{path}.")
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.unlink(part)
    return path


def derived_file(source: Path, name: str, sha256: str,
                 convert: Callable[[bytes], bytes]) -> Path:
    """The file a conversion makes of a fetched file (a header added, rows filtered), kept in
    the data home: made on first use, read from there afterwards, and refused (never kept)
    where the conversion gives other bytes than the SHA-256 its publisher gave.

    Args:
        source: The fetched file (from `fetch_file`).
        name: The converted file's name in the data home.
        sha256: The converted file's published SHA-256.
        convert: Makes the converted file's bytes of the source's.

    Returns:
        The converted file's path.

    Raises:
        UsageError: The conversion gave other bytes.
    """
    folder = data_home() / "prepared"
    path = folder / name
    if path.is_file() and _sha256(path) == sha256:
        return path
    data = convert(source.read_bytes())
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise UsageError(f"preparing {name} from {source} gave SHA-256 {found}, not the "
                         f"published {sha256}; the table was not kept. Report this with the "
                         "augbench version.")
    folder.mkdir(parents=True, exist_ok=True)
    handle, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.unlink(part)
    return path


def _address(remote: RemoteFile) -> str:
    """Where to download ``remote`` from: the mirror's copy by name, else its public address."""
    base = mirror()
    if base is None:
        return remote.url
    if "://" not in base:  # a folder
        return Path(base).expanduser().resolve().joinpath(remote.name).as_uri()
    return base.rstrip("/") + "/" + urllib.parse.quote(remote.name)


def _download(source: str, out, progress: Callable[[int, int | None], None] | None,
              remote: RemoteFile, path: Path) -> str:
    """Copy ``source`` into ``out``; the SHA-256 of what arrived."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(source, timeout=TIMEOUT) as response:
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            if total is not None and done != total:
                raise OSError(f"the connection closed after {done} of {total} bytes")
    except (OSError, http.client.HTTPException, ValueError) as exc:  # URLError is an OSError
        reason = getattr(exc, "reason", None) or exc
        raise UsageError(f"cannot download {remote.name} from {source} ({reason}). Fetch "
                         f"{remote.url} by hand and save it as {path}, or set a mirror "
                         f"that serves it (--mirror or {MIRROR_VARIABLE}).") from None
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
