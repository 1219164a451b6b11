"""Write an embedded store into the lake layout (marsad.lake.layout): DuckDB ``COPY … PARTITION_BY (month)``.

The store is read, never written; every lake table is replaced whole, so exporting twice gives the same lake.
The ``terms`` table is computed here, in batches, with the search index's own key function.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.lake.layout import MONTH, MONTH_SQL, TABLES, UNDATED, schema, table_path
from marsad.store import bulk
from marsad.store.db import Store
from marsad.store.search import index_tokens

LOGGER = logging.getLogger(__name__)

# Articles whose search keys are computed and written per COPY of ``terms``: bounds memory on a big store.
TERMS_BATCH = 5000


def term_rows(article_id: int, title: str | None, body: str | None) -> Iterable[tuple[str, int, str, int, list[int]]]:
    """The ``terms`` rows of one article: (token, article id, field, occurrences, positions), title and body apart."""
    for field, text in (("title", title), ("body", body)):
        positions: dict[str, list[int]] = {}
        for pos, token in enumerate(index_tokens(text)):
            positions.setdefault(token, []).append(pos)
        for token, where in positions.items():
            yield token, article_id, field, len(where), where


def terms_table(rows: Iterable[tuple[int, str | None, str | None, str]]) -> pa.Table:
    """The ``terms`` rows (month included) of (article id, title, body, month) rows."""
    out: list[tuple] = []
    for article_id, title, body, month in rows:
        out.extend((*row, month) for row in term_rows(article_id, title, body))
    return bulk.rows_table(out, schema("terms"))


def _copy(con: duckdb.DuckDBPyConnection, select: str, dest: Path, *, partitioned: bool, append: bool = False) -> None:
    if partitioned:
        mode = "APPEND" if append else "OVERWRITE"
        con.execute(f"COPY ({select}) TO '{dest}' (FORMAT parquet, PARTITION_BY ({MONTH}), {mode})")
    else:
        dest.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({select}) TO '{dest / 'data_0.parquet'}' (FORMAT parquet)")


def _select(name: str) -> str:
    """The SELECT of lake table ``name`` from the store: its columns in the lake's order, month joined in."""
    table = TABLES[name]
    columns = ", ".join(f't."{c}"' for c in schema(name, with_month=False).names)
    if not table.by_article:
        return f"SELECT {columns} FROM {table.store_table} t"
    if name == "articles":
        return f"SELECT {columns}, {MONTH_SQL} AS {MONTH} FROM articles t"
    return (
        f"SELECT {columns}, a.{MONTH} FROM {table.store_table} t "
        f"JOIN (SELECT id, {MONTH_SQL} AS {MONTH} FROM articles) a ON a.id = t.article_id"
    )


def export_store(store: Store, lake: Path | str) -> dict[str, int]:
    """Write every lake table of ``store`` under ``lake`` (replacing what was there); rows written per table."""
    lake = Path(lake)
    lake.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with store.read() as con:
        for name in TABLES:
            if name == "terms":
                dest = table_path(lake, name)
                if dest.exists():
                    shutil.rmtree(dest)
                written[name] = _export_terms(con, dest)
                if written[name] == 0:
                    write_empty(lake, name)
                continue
            written[name] = copy_table(con, lake, name)
    LOGGER.info("lake %s: %s", lake, ", ".join(f"{k} {v}" for k, v in written.items()))
    return written


def copy_table(con: duckdb.DuckDBPyConnection, lake: Path | str, name: str) -> int:
    """Replace lake table ``name`` with the rows of its store table on ``con`` (month joined in from ``articles``
    for the tables keyed by article); rows written. A table without rows gets an empty file (:func:`write_empty`)."""
    lake = Path(lake)
    table = TABLES[name]
    dest = table_path(lake, name)
    if dest.exists():  # a table is replaced whole: no partition of an earlier export may survive
        shutil.rmtree(dest)
    _copy(con, _select(name), dest, partitioned=table.by_article)
    written = con.execute(f"SELECT count(*) FROM {table.store_table}").fetchall()[0][0]
    if written == 0 and table.by_article:
        write_empty(lake, name)
    return written


def write_empty(lake: Path, name: str) -> None:
    """An empty Parquet file (schema only) for lake table ``name`` without rows: readers then see its columns
    instead of failing on a folder without files. A partitioned table's sits in the undated partition, which
    holds no rows either."""
    folder = table_path(lake, name)
    if TABLES[name].by_article:
        folder = folder / f"{MONTH}={UNDATED}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema(name, with_month=False).empty_table(), folder / "data_0.parquet")


def _export_terms(con: duckdb.DuckDBPyConnection, dest: Path) -> int:
    total, last = 0, None
    dest.mkdir(parents=True, exist_ok=True)
    while True:
        where = "WHERE id > ? " if last is not None else ""
        rows = con.execute(
            f"SELECT id, title, body, {MONTH_SQL} FROM articles {where}ORDER BY id LIMIT {TERMS_BATCH}",
            [last] if last is not None else [],
        ).fetchall()
        if not rows:
            break
        data = terms_table(rows)
        if data.num_rows:
            with bulk.registered(con, data) as view:
                _copy(con, f"SELECT * FROM {view}", dest, partitioned=True, append=True)
        total += data.num_rows
        last = rows[-1][0]
    return total
