"""Connections and writer discipline for the DuckDB store.

DuckDB lets one process write a file OR many processes read it, never both at once. So:
- writers hold the file only for one short transaction (`Store.write()`), then release it;
- readers (the dashboard) open read-only per unit of work (`Store.read()`), and both sides retry
  briefly when the other holds the lock. A long ingest thus interleaves with dashboard queries.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from marsad.errors import StoreBusy
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

LOGGER = logging.getLogger(__name__)

# DuckDB reports a held file lock as an IOException mentioning the lock.
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file")


def _is_lock_error(exc: Exception) -> bool:
    return any(m in str(exc) for m in _LOCK_MARKERS)


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
        """One short write transaction: committed on success, rolled back on any error."""
        con = self._connect(read_only=False)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            if not self.keep_open:
                con.close()

    # -- schema ------------------------------------------------------------------------------
    def ensure_schema(self) -> int:
        """Create or migrate the schema forward; returns the version now in force."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
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
                    con.execute("ROLLBACK")
                    raise
            return SCHEMA_VERSION
        finally:
            if not self.keep_open:
                con.close()

    def schema_version(self) -> int:
        with self.read() as con:
            return con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0
