"""The results store: an SQLite file in the output folder, one row per finished trial.

Whether a run may use a folder is decided by `augbench.results.identity`; the store records
the configuration that module adopted and the versions `augbench.results.provenance` found.

Each trial is committed the moment it finishes, so a run killed at any point (even with
SIGKILL) loses only the trials in flight, and rerunning the same command resumes it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from augbench.errors import UsageError
from augbench.results.identity import changes, config_hash, extended
from augbench.results.row import CALIBRATION, KEY_COLUMNS, SORT_COLUMNS

STORE_NAME = "results.sqlite"


def _writable(out: Path) -> Path:
    """``out``, created if need be, or a UsageError saying why results cannot go there."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; give a folder for the results.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".augbench-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write results into {out}: {exc.strerror or exc}; choose "
                         "another --out.") from None
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None  # JSON has no NaN; None reads back as NaN in a float column
    return value.item() if hasattr(value, "item") else value


# The trials table: one row per trial, keyed by its coordinates. SQLite treats NULLs in a
# key as distinct, so a trial on the table as it is has prevalence 0 here (None elsewhere).
TRIALS_TABLE = ("CREATE TABLE IF NOT EXISTS trials (dataset TEXT, size INTEGER, seed INTEGER, "
                "augmenter TEXT, classifier TEXT, prevalence REAL NOT NULL DEFAULT 0, "
                "status TEXT, row TEXT, "
                "PRIMARY KEY (dataset, size, seed, augmenter, classifier, prevalence))")
AS_IS = 0.0


def _sql_key(key: tuple) -> tuple:
    *rest, prevalence = key
    return (*rest, AS_IS if prevalence is None else float(prevalence))


def _python_key(key: tuple) -> tuple:
    *rest, prevalence = key
    return (*rest, None if prevalence == AS_IS else prevalence)


class StoreError(UsageError):
    """The store cannot be read or written: a full disk, a damaged file, a read-only folder."""


def _store_error(path: Path | str, exc: sqlite3.DatabaseError) -> StoreError:
    """One line saying what went wrong with the store at ``path`` and what to do."""
    text = " ".join(str(exc).split())
    if "full" in text:
        return StoreError(f"cannot write to {path}: the disk is full ({text}). Every trial stored "
                          "so far is kept: free some space and run the same command again to "
                          "go on from them.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"cannot write to {path}: it is read-only ({text}); give a writable "
                          "--out, or copy the folder somewhere writable.")
    if any(word in text for word in ("malformed", "not a database", "corrupt")):
        return StoreError(f"{path} is damaged ({text}); its trials cannot be read. Move it away "
                          "and run again, or restore it from a copy.")
    return StoreError(f"{path} cannot be used as an augbench store ({text}); move it away, or "
                      "choose another --out.")


class _Rows(list):
    """A query's rows, all fetched while errors are still translated."""

    def fetchone(self) -> Any:
        return self[0] if self else None


class _Connection:
    """An SQLite connection whose errors, at any statement, become one `StoreError`."""

    def __init__(self, path: Path | str, readonly: bool) -> None:
        self.path = path
        target = f"file:{path}?immutable=1" if readonly else str(path)
        try:
            # isolation_level=None: each statement commits on its own.
            self._db = sqlite3.connect(target, isolation_level=None, uri=readonly)
        except sqlite3.DatabaseError as exc:
            raise _store_error(path, exc) from None

    def execute(self, sql: str, parameters: Any = ()) -> _Rows:
        try:
            return _Rows(self._db.execute(sql, parameters).fetchall())
        except sqlite3.DatabaseError as exc:
            raise _store_error(self.path, exc) from None

    def executemany(self, sql: str, rows: list) -> None:
        try:
            self._db.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            raise _store_error(self.path, exc) from None

    def close(self) -> None:
        self._db.close()


class Store:
    """Finished trials of one experiment, keyed by (dataset, size, seed, augmenter, classifier,
    prevalence).

    ``readonly`` opens a store in a folder this process cannot write (a report of results on a
    read-only share): nothing is created or changed.
    """

    def __init__(self, path: Path | str, readonly: bool = False) -> None:
        self.path = path
        self.db = _Connection(path, readonly)
        if readonly:
            return
        try:
            # WAL keeps readers and a killed writer safe.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._upgrade()
            self.db.execute(TRIALS_TABLE)
        except StoreError:
            self.db.close()
            raise

    def _upgrade(self) -> None:
        """Give a store written before trials had a prevalence that key column; its trials
        were all on the tables as they are."""
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(trials)")]
        if not columns or "prevalence" in columns:
            return
        self.db.execute("BEGIN")
        self.db.execute("ALTER TABLE trials RENAME TO trials_before_prevalence")
        self.db.execute(TRIALS_TABLE)
        self.db.execute("INSERT INTO trials (dataset, size, seed, augmenter, classifier, status, "
                        "row) SELECT dataset, size, seed, augmenter, classifier, status, row "
                        "FROM trials_before_prevalence")
        self.db.execute("DROP TABLE trials_before_prevalence")
        self.db.execute("COMMIT")

    @classmethod
    def for_experiment(cls, out: Path | None, config: dict[str, Any], versions: dict[str, str],
                       overwrite: bool = False) -> "Store":
        """Open (or create) the store in ``out`` for this experiment; in memory without ``out``.

        A folder that holds another experiment's results is refused unless ``overwrite``.
        """
        if out is None:
            store = cls(":memory:")
        else:
            store = cls(_writable(out) / STORE_NAME)
        # One write transaction from reading the stored configuration to writing the merged
        # one: two commands extending one folder at once must not drop each other's arms.
        store.db.execute("BEGIN IMMEDIATE")
        try:
            config = store._adopt(out, config, versions, overwrite)
        except BaseException:
            store.db.execute("ROLLBACK")
            store.close()
            raise
        store.db.execute("COMMIT")
        return store

    def _adopt(self, out: Path | None, config: dict[str, Any], versions: dict[str, str],
               overwrite: bool) -> dict[str, Any]:
        """Make ``config`` this store's experiment, or extend the stored one with it; returns
        the experiment the store now holds."""
        # Compared by content, not by the stored hash, so that a store keeps its identity when
        # the hash's definition changes (as when arms became extensible).
        stored = self.meta("config")
        if stored is not None:
            before = json.loads(stored)
            if changed := changes(before, config):
                if not overwrite:
                    raise UsageError(
                        f"{out} holds the results of another experiment (changed: "
                        f"{', '.join(changed)}); choose another --out, or add --overwrite to "
                        "replace them.")
                self.db.execute("DELETE FROM trials")
            else:
                # More seeds or arms extend the experiment; the stored configuration names all.
                config = extended(before, config)
        self.set_meta(config_hash=config_hash(config), config=json.dumps(config, sort_keys=True),
                      versions=json.dumps(versions, sort_keys=True))
        if self.meta("created") is None:
            self.set_meta(created=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        return config

    @classmethod
    def open_existing(cls, out: Path) -> "Store":
        """The store of a finished or interrupted run, for reporting."""
        path = Path(out) / STORE_NAME
        if not path.is_file():
            raise UsageError(f"no augbench results in {out} (no {STORE_NAME}); give the folder "
                             "that 'augbench run --out' wrote.")
        # In a folder this process cannot write, SQLite cannot make the files a reader of a
        # WAL store needs; nobody else can be writing there either, so it is read as it is.
        return cls(path, readonly=not os.access(path.parent, os.W_OK))

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, **values: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def finished_ok(self) -> set[tuple]:
        """Keys of the trials that finished without error (a resumed run skips them)."""
        rows = self.db.execute(f"SELECT {', '.join(KEY_COLUMNS)} FROM trials WHERE status = 'ok'")
        return {_python_key(r) for r in rows}

    def count(self) -> int:
        """How many trials are stored, whatever their status."""
        return self.db.execute("SELECT COUNT(*) FROM trials").fetchone()[0]

    def add(self, row: dict[str, Any]) -> None:
        """Record one finished trial, replacing an earlier attempt at the same trial."""
        self.db.execute(
            f"INSERT OR REPLACE INTO trials ({', '.join(KEY_COLUMNS)}, status, row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*_sql_key(tuple(row[k] for k in KEY_COLUMNS)), row["status"],
             json.dumps({k: _json_value(v) for k, v in row.items()})))

    def trials_digest(self, keys: Iterable[tuple] | None = None) -> str:
        """A digest of the stored trial rows (only ``keys`` when given): cached summaries are
        valid only for the rows they were computed from."""
        digest = hashlib.sha256()
        order = ", ".join(KEY_COLUMNS)
        wanted = None if keys is None else set(keys)
        for (*key, row) in self.db.execute(f"SELECT {order}, row FROM trials ORDER BY {order}"):
            if wanted is None or _python_key(key) in wanted:
                digest.update(row.encode())
        return digest.hexdigest()[:16]

    def trials(self, keys: Iterable[tuple] | None = None) -> pd.DataFrame:
        """Stored trials as a DataFrame (only ``keys`` when given), sorted by their key (their
        calibration bins come with `trials_and_calibration`)."""
        return self.trials_and_calibration(keys)[0]

    def trials_and_calibration(self, keys: Iterable[tuple] | None = None
                               ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """`trials` and their calibration bins, one row per trial and bin (the trial's
        key columns, ``bin``, ``rows``, ``proba_sum``, ``positives``), from one read."""
        frame = self._rows(keys)
        trials = frame.drop(columns=CALIBRATION) if CALIBRATION in frame else frame
        return trials, _calibration(frame)

    def _rows(self, keys: Iterable[tuple] | None = None) -> pd.DataFrame:
        wanted = None if keys is None else set(keys)
        rows = [json.loads(row) for (*key, row) in self.db.execute(
            f"SELECT {', '.join(KEY_COLUMNS)}, row FROM trials")
            if wanted is None or _python_key(key) in wanted]
        frame = pd.DataFrame(rows)
        if not len(frame):
            return frame
        # A float column (NaN on the tables as they are), placed where trials.csv has it.
        prevalence = pd.to_numeric(frame.pop("prevalence"), errors="coerce") \
            if "prevalence" in frame else float("nan")
        frame.insert(1, "prevalence", prevalence)
        return frame.sort_values(list(SORT_COLUMNS), kind="stable", ignore_index=True)

    def close(self) -> None:
        self.db.close()


def _calibration(frame: pd.DataFrame) -> pd.DataFrame:
    """The calibration bins of stored trial rows, one row per trial and bin."""
    columns = [*SORT_COLUMNS, "bin", "rows", "proba_sum", "positives"]
    if CALIBRATION not in frame:
        return pd.DataFrame(columns=columns)
    frame = frame[frame[CALIBRATION].notna()]
    records = [(*key, b, *bins) for key, table in zip(
        frame[list(SORT_COLUMNS)].itertuples(index=False), frame[CALIBRATION])
        for b, bins in enumerate(zip(*table))]
    return pd.DataFrame(records, columns=columns)
