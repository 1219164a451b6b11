import subprocess
import sys

import duckdb
import pytest

from marsad.errors import StoreBusy
from marsad.store import Store
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_schema_created_and_idempotent(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    assert store.ensure_schema() == SCHEMA_VERSION
    assert store.ensure_schema() == SCHEMA_VERSION
    assert store.schema_version() == SCHEMA_VERSION
    with store.read() as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"articles", "sources", "entities", "mentions", "places", "keywords", "topics"} <= tables


def test_mentions_stored_before_title_mentions_are_body_mentions(tmp_path):
    path = tmp_path / "v1.duckdb"
    with duckdb.connect(str(path)) as con:  # a store written at schema version 1
        con.execute(MIGRATIONS[0])
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)")
        con.execute("INSERT INTO schema_version VALUES (1, now())")
        con.execute("INSERT INTO mentions VALUES (1, 1, 0, 5, 'بغداد')")
    store = Store(path)
    assert store.ensure_schema() == SCHEMA_VERSION
    with store.read() as con:
        assert con.execute('SELECT field, start, "end" FROM mentions').fetchall() == [("body", 0, 5)]


def test_write_rolls_back_on_error(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ensure_schema()
    with pytest.raises(RuntimeError):
        with store.write() as con:
            con.execute("INSERT INTO sources VALUES (1, 'a', 'A', NULL)")
            raise RuntimeError("boom")
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM sources").fetchall()[0][0] == 0


def test_reader_gives_clear_error_when_locked_too_long(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).ensure_schema()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreBusy, match="s.duckdb"):
            with Store(path, lock_retry_seconds=0.3).read():
                pass
    finally:
        holder.kill()
        holder.wait()
    with Store(path).read() as con:  # released: readable again
        assert isinstance(con, duckdb.DuckDBPyConnection)
