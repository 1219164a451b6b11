"""Ibis over the store: one read-only session per call, and the Query turned into filters on ``articles``.

Every analytics function builds Ibis expressions from ``Session.articles(query)`` so the same code can run on
another Ibis backend (the scale-out issue uses PySpark). Only the text part of a Query leaves Ibis: it goes to
the search engine (marsad.store.search), which returns matching ids that come back in as a memtable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Literal

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from marsad.analytics.query import Query
from marsad.errors import InvalidQuery
from marsad.store import Store
from marsad.store.search import SearchFilters, SqliteSearchIndex, catch_up, search_path

Interval = Literal["day", "week", "month"]
# Ibis truncation units and the matching pandas frequencies (weeks start on Monday, ISO, as DuckDB's).
_TRUNC = {"day": "D", "week": "W", "month": "M"}
_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}


def check_interval(interval: str) -> Interval:
    if interval not in _TRUNC:
        raise InvalidQuery(f"interval “{interval}” is not one of day, week, month")
    return interval  # type: ignore[return-value]


def search_filters(query: Query) -> SearchFilters:
    return SearchFilters(
        start=query.start,
        end=query.end,
        languages=query.languages,
        sources=query.sources,
        include_duplicates=query.include_duplicates,
    )


@dataclass
class Session:
    """A read-only connection to the store for one analytics call, and its tables as Ibis expressions.

    Tables are *unbound* Ibis tables with the store's schema (read once per store file): expressions compile to
    SQL for any Ibis dialect; this session runs them on its DuckDB connection.
    """

    store: Store
    con: duckdb.DuckDBPyConnection
    _registered: list[str] = field(default_factory=list)
    _param_tables: dict[Query, ir.Table] = field(default_factory=dict)
    _text_tables: dict[Query, ir.Table] = field(default_factory=dict)
    _tables_by_name: dict[str, ir.Table] = field(default_factory=dict)
    _int_params: dict[str, tuple[int, int]] = field(default_factory=dict)

    def table(self, name: str) -> ir.Table:
        return _tables(str(self.store.path), self.con)[name]

    def articles(self, query: Query, *, content: bool = True) -> ir.Table:
        """``articles`` filtered by ``query``; ``content=False`` drops the text/entity/topic part (the base).

        Filter values come in as small registered tables, not literals, so the expression (and its compiled
        SQL, which is cached) is the same for every date window, language or entity list of the same shape.
        """
        a = self.table("articles")
        p = self.params(query)
        preds: list[ir.BooleanValue] = []
        if not query.include_duplicates:
            preds.append(a.duplicate_of.isnull() | (a.duplicate_of == a.id))
        if query.start:
            preds.append(a.published_at >= p.start_ts.as_scalar())
        if query.end:
            preds.append(a.published_at < p.end_ts.as_scalar())
        if query.undated:
            preds.append(a.published_at.isnull())
        if query.languages:
            preds.append(p.langs.as_scalar().contains(a.language))
        if query.sources:
            s = self.table("sources")
            preds.append(a.source_id.isin(s.filter(p.srcs.as_scalar().contains(s.key)).id))
        if content:
            if query.text:
                preds.append(a.id.isin(self.text_ids(query).id))
            if query.entities:
                e = self.table("entities")
                m = self.table("mentions")
                for pos in range(len(query.entities)):  # each entity narrows: articles mentioning all of them
                    ids = e.filter(e.key == p.ents.as_scalar()[pos]).id
                    preds.append(a.id.isin(m.filter(m.entity_id.isin(ids)).article_id))
            if query.topics:
                t = self.table("article_topics")
                preds.append(a.id.isin(t.filter(p.topics.as_scalar().contains(t.topic_id)).article_id))
        return a.filter(*preds) if preds else a

    def in_articles(self, column: ir.IntegerColumn, query: Query) -> ir.BooleanValue:
        """``column`` (an article id) belongs to an article matching ``query``. For the unfiltered query this is
        "not a near-duplicate": an anti-join against the few duplicates instead of a semi-join against every
        article, which makes all-time rankings over millions of mentions several times cheaper."""
        if query.replace(include_duplicates=False) == Query():
            if query.include_duplicates:
                return ibis.literal(True)
            a = self.table("articles")
            dups = a.filter(a.duplicate_of.notnull() & (a.duplicate_of != a.id)).id
            return ~column.isin(dups)
        return column.isin(self.articles(query).id)

    def params(self, query: Query) -> ir.Table:
        """The query's filter values as a one-row registered table, once per distinct query in this session."""
        key = query.replace(text="")  # the text has its own table of matching ids
        if key not in self._param_tables:
            start = datetime.combine(query.start, time()) if query.start else None
            end = datetime.combine(query.end + timedelta(days=1), time()) if query.end else None
            row = pa.table(
                {
                    "start_ts": pa.array([start], pa.timestamp("us")),
                    "end_ts": pa.array([end], pa.timestamp("us")),
                    "langs": pa.array([list(query.languages)], pa.list_(pa.string())),
                    "srcs": pa.array([list(query.sources)], pa.list_(pa.string())),
                    "ents": pa.array([list(query.entities)], pa.list_(pa.string())),
                    "topics": pa.array([list(query.topics)], pa.list_(pa.int32())),
                }
            )
            self._param_tables[key] = self.register(row, name=f"_marsad_q{len(self._param_tables)}")
        return self._param_tables[key]

    def text_ids(self, query: Query) -> ir.Table:
        """Ids of articles matching the text part (within the query's base filters) as a one-column table."""
        if query in self._text_tables:
            return self._text_tables[query]
        catch_up(self.store, self.con)
        ids = SqliteSearchIndex(search_path(self.store)).match_ids(query.text, filters=search_filters(query))
        table = self.register(
            pa.table({"id": pa.array(ids, pa.int64())}), name=f"_marsad_text_ids{len(self._text_tables)}"
        )
        self._text_tables[query] = table
        return table

    def table_registered(self, name: str) -> ir.Table:
        """A table this session registered earlier (by name)."""
        return self._tables_by_name[name]

    def register(self, data: pa.Table, *, name: str) -> ir.Table:
        """An Arrow table visible to this session's queries (dropped when the session ends). The ``name`` is
        fixed by the caller so the compiled SQL is identical from call to call (and cached): use each name once
        per session."""
        self.con.register(name, data)
        self._registered.append(name)
        table = ibis.table(ibis.Schema.from_pyarrow(data.schema), name=name)
        self._tables_by_name[name] = table
        return table

    def int_param(self, name: str, value: int) -> ir.IntegerScalar:
        """An integer placeholder bound to ``value`` at execution: the compiled SQL (cached) holds a unique
        sentinel number that is swapped for a DuckDB ``$name`` parameter, so the engine still sees a constant
        (index lookups, zone-map pruning) while the SQL text stays the same for every value."""
        sentinel = _SENTINEL_BASE - len(self._int_params)
        self._int_params[name] = (sentinel, int(value))
        return ibis.literal(sentinel, type="int64")

    def _sql(self, expr: ir.Expr) -> tuple[str, dict[str, int]]:
        sql = _compiled(expr)
        values = {}
        for name, (sentinel, value) in self._int_params.items():
            if str(sentinel) in sql:
                sql = sql.replace(str(sentinel), f"${name}")
                values[name] = value
        return sql, values

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        """Run ``expr``: compiled by Ibis (cached per expression), executed and converted by DuckDB directly,
        which is several times faster than Ibis's own Arrow→pandas path for small results."""
        sql, values = self._sql(expr)
        return self.con.execute(sql, values).df() if values else self.con.execute(sql).df()

    def scalar(self, expr: ir.Expr) -> object:
        sql, values = self._sql(expr)
        return (self.con.execute(sql, values) if values else self.con.execute(sql)).fetchall()[0][0]


# Placeholder numbers for Session.int_param: far outside any id, count or offset the store holds.
_SENTINEL_BASE = -7_340_991_003_100_000_001
# Compiled SQL per expression (Ibis expressions compare structurally): the dashboard re-runs the same views.
_COMPILE_CACHE = 512


def _compiled(expr: ir.Expr) -> str:
    # Keyed on the operation tree: expressions overload == (it builds a comparison), nodes compare structurally.
    return _compiled_node(expr.op())


@lru_cache(maxsize=_COMPILE_CACHE)
def _compiled_node(node) -> str:
    return ibis.to_sql(node.to_expr(), dialect="duckdb")


_schema_cache: dict[str, dict[str, ir.Table]] = {}


def _tables(path: str, con: duckdb.DuckDBPyConnection) -> dict[str, ir.Table]:
    """Unbound Ibis tables for the store at ``path`` (schemas read from ``con`` the first time)."""
    tables = _schema_cache.get(path)
    if tables is None:
        backend = ibis.duckdb.from_connection(con)
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        ]
        tables = {name: ibis.table(backend.table(name).schema(), name=name) for name in names}
        _schema_cache[path] = tables
    return tables


@contextmanager
def session(store: Store) -> Iterator[Session]:
    with store.read() as con:
        s = Session(store, con)
        try:
            yield s
        finally:
            for name in s._registered:
                con.unregister(name)


def binned(table: ir.Table, interval: Interval) -> ir.Table:
    """Dated rows of ``table`` with a ``bin`` column: the UTC day/week/month their article was published in."""
    dated = table.filter(table.published_at.notnull())
    return dated.mutate(bin=dated.published_at.truncate(_TRUNC[interval]))


def bin_range(query: Query, found: pd.Series, interval: Interval) -> pd.DatetimeIndex:
    """Every bin from the query's start (or the first bin found) to its end (or the last found), so empty bins
    show as zero rather than vanishing from a chart."""
    first = pd.Timestamp(query.start) if query.start else (found.min() if len(found) else None)
    last = pd.Timestamp(query.end) if query.end else (found.max() if len(found) else None)
    if first is None or last is None:
        return pd.DatetimeIndex([], name="bin")
    if interval == "week":
        first = first - pd.Timedelta(days=first.weekday())
    elif interval == "month":
        first = first.replace(day=1)
    return pd.date_range(first.normalize(), last, freq=_FREQ[interval], name="bin")


class _PinnedStore:
    """A Store stand-in whose ``read()`` hands out one already-open read-only connection (see :func:`pinned`)."""

    def __init__(self, store: Store, con: duckdb.DuckDBPyConnection) -> None:
        self._store = store
        self._con = con
        self.path = store.path
        self.exists = True

    def __repr__(self) -> str:
        return f"pinned({self._store!r})"

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con

    def write(self):
        raise TypeError("a pinned store is read-only; use the Store itself to write")


@contextmanager
def pinned(store: Store) -> Iterator[Store]:
    """Run several analytics calls on ONE read-only connection (a dashboard page: figures, chart, lists):
    ``with analytics.pinned(store) as s: top_entities(s, q); count_over_time(s, q)``. Opening the store costs
    10–50 ms per call; keep the block short, since an open reader keeps ingest from writing."""
    with store.read() as con:
        yield _PinnedStore(store, con)  # type: ignore[misc]
