"""The store's one bulk idiom: rows go in (and key lists go to joins) as Arrow tables registered on the
connection, then ``INSERT … SELECT`` / ``JOIN`` — ``executemany`` is ~100x slower in DuckDB.

Use these inside ONE ``Store.write()`` transaction per batch (or a ``Store.read()`` unit for lookups).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

# Unique names for Arrow tables registered on a connection (several batches may share one connection).
_view_names = itertools.count()


def rows_table(rows: Sequence[Sequence[object]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of row tuples whose fields follow ``schema``'s column order."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.table([pa.array(list(col), type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema)


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, data: pa.Table) -> Iterator[str]:
    """``data`` visible to SQL under a fresh view name for the ``with`` block."""
    view = f"_marsad_rows_{next(_view_names)}"
    con.register(view, data)
    try:
        yield view
    finally:
        con.unregister(view)


def insert(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """``INSERT INTO table_name`` every row of ``data`` (its column names are the target columns); row count."""
    if data.num_rows == 0:
        return 0
    columns = ", ".join(f'"{name}"' for name in data.column_names)
    with registered(con, data) as view:
        con.execute(f"INSERT INTO {table_name} ({columns}) SELECT {columns} FROM {view}")
    return data.num_rows


def id_table(ids: Sequence[int], type_: pa.DataType | None = None) -> pa.Table:
    """One column ``id`` (BIGINT unless ``type_``): ids to join with (``… WHERE x IN (SELECT id FROM view)``)."""
    return pa.table({"id": pa.array(list(ids), type=type_ or pa.int64())})
