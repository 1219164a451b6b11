"""Connections and writer discipline for the DuckDB store.

DuckDB lets one process write a file OR many processes read it, never both at once. So:
- writers hold the file only for one short transaction (`Store.write()`), then release it;
- readers (the dashboard) open read-only per unit of work (`Store.read()`), and both sides retry
  briefly when the other holds the lock. A long ingest thus interleaves with dashboard queries.

A disk that is full or read-only, or a folder one may not write to, is no reason to retry: the write fails as
``StoreUnwritable``, one line saying why. The transaction it interrupted never committed, so the store holds
exactly what earlier transactions committed (DuckDB replays or drops its write-ahead log on the next open).
"""

from __future__ import annotations

import errno
import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from marsad.errors import StoreBusy, StoreUnwritable
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

LOGGER = logging.getLogger(__name__)

# DuckDB reports a held file lock as an IOException mentioning the lock; inside one process, a writer opening the
# file while another thread holds it read-only (a dashboard session saving a monitor beside another session's page
# run) hears of a "different configuration": both pass once the other side closes.
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file", "different configuration")


# What the operating system says (in DuckDB's message, or as an errno) when the store's disk or folder refuses
# writes, and how to say it to a person.
_UNWRITABLE = {
    "No space left on device": (errno.ENOSPC, "the disk is full"),
    "Disk quota exceeded": (errno.EDQUOT, "the disk quota is used up"),
    "Read-only file system": (errno.EROFS, "its file system is read-only"),
    "Permission denied": (errno.EACCES, "no permission for its file or folder"),
    "Not a directory": (errno.ENOTDIR, "a file stands where its folder should be"),
    "File exists": (errno.EEXIST, "a file stands where its folder should be"),
}


def _is_lock_error(exc: Exception) -> bool:
    return any(m in str(exc) for m in _LOCK_MARKERS)


def unwritable_error(path: Path, exc: Exception, *, reading: bool = False) -> StoreUnwritable | None:
    """``exc`` (DuckDB's, or an OSError writing a file beside the store at ``path``) as a one-line error when it
    says the disk or folder refuses writes; else None."""
    code = getattr(exc, "errno", None)
    for marker, (number, reason) in _UNWRITABLE.items():
        if code == number or marker in str(exc):
            action = "cannot open the store" if reading else "cannot write the store"
            return StoreUnwritable(f"{path}: {action}: {reason}", detail=str(exc))
    return None


class Store:
    """A DuckDB article store at ``path``.

    ``keep_open=True`` keeps one read-write connection for the Store's life (benchmarks, single-process
    batch jobs); the default opens per unit of work so other processes can get in between.
    """

    def __init__(self, path: Path | str, *, lock_retry_seconds: float = 10.0, keep_open: bool = False) -> None:
        self.path = Path(path)
        self.lock_retry_seconds = lock_retry_seconds
        self.keep_open = keep_open
        self._con: duckdb.DuckDBPyConnection | None = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- connections -------------------------------------------------------------------------
    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if self.keep_open:
            if self._con is None:
                self._con = self._open(read_only=False)
            return self._con
        return self._open(read_only)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_retry_seconds
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as exc:
                if (unwritable := unwritable_error(self.path, exc, reading=read_only)) is not None:
                    raise unwritable from exc
                if not _is_lock_error(exc) or time.monotonic() > deadline:
                    if _is_lock_error(exc):
                        raise StoreBusy(
                            f"{self.path.name}: the store is busy (another process is writing); try again shortly",
                            detail=str(exc),
                        ) from exc
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.25)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one unit of work (a page's queries)."""
        if not self.exists:
            self.ensure_schema()
        con = self._connect(read_only=True)
        try:
            yield con
        finally:
            if not self.keep_open:
                con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One short write transaction: committed on success, rolled back on any error (a full or read-only disk:
        ``StoreUnwritable``)."""
        con = self._connect(read_only=False)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                _rollback(con)
                raise
            con.execute("COMMIT")
        except duckdb.Error as exc:
            if (unwritable := unwritable_error(self.path, exc)) is not None:
                raise unwritable from exc
            raise
        finally:
            if not self.keep_open:
                con.close()

    # -- schema ------------------------------------------------------------------------------
    def ensure_schema(self) -> int:
        """Create or migrate the schema forward; returns the version now in force."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if (unwritable := unwritable_error(self.path, exc)) is None:
                raise
            raise unwritable from exc
        con = self._connect(read_only=False)
        try:
            con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)")
            row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
            current = row[0] or 0
            for version in range(current, SCHEMA_VERSION):
                LOGGER.info("migrating %s to schema version %s", self.path, version + 1)
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(MIGRATIONS[version])
                    con.execute("INSERT INTO schema_version VALUES (?, now())", [version + 1])
                    con.execute("COMMIT")
                except BaseException:
                    _rollback(con)
                    raise
            return SCHEMA_VERSION
        except duckdb.Error as exc:
            if (unwritable := unwritable_error(self.path, exc)) is not None:
                raise unwritable from exc
            raise
        finally:
            if not self.keep_open:
                con.close()

    def schema_version(self) -> int:
        with self.read() as con:
            return con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, keeping the error that got us here: a transaction a failed write already aborted cannot be
    rolled back again, and closing the connection discards it anyway."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as exc:
        LOGGER.debug("rollback: %s", exc)
