"""Ibis over the store: one read-only session per call, and the Query turned into filters on ``articles``.

Every analytics function builds Ibis expressions from ``Session.articles(query)``: the expressions are the single
source of truth, whatever runs them. A :class:`Session` compiles them for its :class:`Engine`, which is all that
differs per backend: how tables are bound (the DuckDB store's own tables, or a Parquet lake's tables as Spark
views), how small tables are registered and integer parameters passed (``$name`` / ``:name``), how results are
fetched, and which search index answers the text part of a Query (the SQLite index beside the store, or the lake's
``terms`` table). :func:`session` picks the engine from what it is given: a Store, or a lake
(marsad.analytics.on_spark.SparkLake), which opens its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Literal, Protocol

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from marsad.analytics.query import Query
from marsad.errors import InvalidQuery
from marsad.store import Store
from marsad.store.search import HitPattern, SearchFilters, SqliteSearchIndex, catch_up, search_path
from marsad.store.search_query import Node

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


class TextIndex(Protocol):
    """What the analytics ask of a search index (marsad.store.search.SqliteSearchIndex, or the lake's)."""

    def match(
        self, text: str, *, filters: SearchFilters, limit: int | None = None, offset: int = 0
    ) -> list[tuple[int, float]]: ...

    def match_ids(self, text: str, *, filters: SearchFilters) -> list[int]: ...

    def count(self, text: str, *, filters: SearchFilters) -> int: ...

    def hit_patterns(self, node: Node | None) -> list[HitPattern]: ...


class Engine(Protocol):
    """One backend under a :class:`Session`: it binds, runs and fetches; it holds no analytics logic."""

    dialect: str  # the sqlglot dialect Ibis compiles to

    def tables(self) -> dict[str, ir.Table]:
        """The store's tables as unbound Ibis tables (names as in marsad.store.schema)."""
        ...

    def register(self, name: str, data: pa.Table) -> None: ...

    def unregister(self, name: str) -> None: ...

    def placeholder(self, name: str) -> str:
        """How the SQL text names a bound parameter ``name``."""
        ...

    def fetch(self, sql: str, params: dict[str, int]) -> pd.DataFrame: ...

    def fetch_scalar(self, sql: str, params: dict[str, int]) -> object: ...

    def text_index(self) -> TextIndex:
        """The search index, up to date with the data this engine reads."""
        ...


class DuckDBEngine:
    """The embedded store: a read-only DuckDB connection, Arrow tables registered on it, ``$name`` parameters,
    DuckDB's own DataFrame conversion (several times faster than Ibis's Arrow→pandas path for small results)."""

    dialect = "duckdb"

    def __init__(self, store: Store, con: duckdb.DuckDBPyConnection) -> None:
        self.store = store
        self.con = con

    def tables(self) -> dict[str, ir.Table]:
        return _tables(str(self.store.path), self.con)

    def register(self, name: str, data: pa.Table) -> None:
        self.con.register(name, data)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def placeholder(self, name: str) -> str:
        return f"${name}"

    def fetch(self, sql: str, params: dict[str, int]) -> pd.DataFrame:
        return self.con.execute(sql, params).df() if params else self.con.execute(sql).df()

    def fetch_scalar(self, sql: str, params: dict[str, int]) -> object:
        return (self.con.execute(sql, params) if params else self.con.execute(sql)).fetchall()[0][0]

    def text_index(self) -> SqliteSearchIndex:
        catch_up(self.store, self.con)
        return SqliteSearchIndex(search_path(self.store))


@dataclass
class Session:
    """One analytics call's view of the data: its tables as Ibis expressions, run on ``engine``.

    Tables are *unbound* Ibis tables with the store's schema (read once per store or lake): expressions compile
    to SQL for the engine's dialect (compiled SQL cached per expression and dialect).
    """

    engine: Engine
    _registered: list[str] = field(default_factory=list)
    _param_tables: dict[Query, ir.Table] = field(default_factory=dict)
    _text_tables: dict[Query, ir.Table] = field(default_factory=dict)
    _tables_by_name: dict[str, ir.Table] = field(default_factory=dict)
    _int_params: dict[str, tuple[int, int]] = field(default_factory=dict)
    _text_index: TextIndex | None = None

    def table(self, name: str) -> ir.Table:
        return self.engine.tables()[name]

    def has_table(self, name: str) -> bool:
        """Whether the data has table ``name`` (a store made before the migration that adds it has not; the
        tables are read once per store, so a process that read them before the migration does not see it)."""
        return name in self.engine.tables()

    def text_index(self) -> TextIndex:
        """The engine's search index (brought up to date once per session)."""
        if self._text_index is None:
            self._text_index = self.engine.text_index()
        return self._text_index

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
        ids = self.text_index().match_ids(query.text, filters=search_filters(query))
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
        self.engine.register(name, data)
        self._registered.append(name)
        table = ibis.table(ibis.Schema.from_pyarrow(data.schema), name=name)
        self._tables_by_name[name] = table
        return table

    def int_param(self, name: str, value: int) -> ir.IntegerScalar:
        """An integer placeholder bound to ``value`` at execution: the compiled SQL (cached) holds a unique
        sentinel number that is swapped for the engine's parameter (``$name``, ``:name``), so it still sees a constant
        (index lookups, zone-map pruning) while the SQL text stays the same for every value."""
        sentinel = _SENTINEL_BASE - len(self._int_params)
        self._int_params[name] = (sentinel, int(value))
        return ibis.literal(sentinel, type="int64")

    def _sql(self, expr: ir.Expr) -> tuple[str, dict[str, int]]:
        sql = _compiled(expr, self.engine.dialect)
        values = {}
        for name, (sentinel, value) in self._int_params.items():
            if str(sentinel) in sql:
                sql = sql.replace(str(sentinel), self.engine.placeholder(name))
                values[name] = value
        return sql, values

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        """Run ``expr``: compiled by Ibis (cached per expression), executed and fetched by the engine."""
        return self.engine.fetch(*self._sql(expr))

    def scalar(self, expr: ir.Expr) -> object:
        return self.engine.fetch_scalar(*self._sql(expr))

    def close(self) -> None:
        for name in self._registered:
            self.engine.unregister(name)
        self._registered.clear()


# Placeholder numbers for Session.int_param: far outside any id, count or offset the store holds.
_SENTINEL_BASE = -7_340_991_003_100_000_001
# Compiled SQL per expression (Ibis expressions compare structurally): the dashboard re-runs the same views.
_COMPILE_CACHE = 512


def _compiled(expr: ir.Expr, dialect: str) -> str:
    # Keyed on the operation tree: expressions overload == (it builds a comparison), nodes compare structurally.
    return _compiled_node(expr.op(), dialect)


@lru_cache(maxsize=_COMPILE_CACHE)
def _compiled_node(node, dialect: str) -> str:
    return ibis.to_sql(node.to_expr(), dialect=dialect)


def spread(column: ir.IntegerValue) -> ir.IntegerValue:
    """A deterministic scatter of a non-negative integer id over [0, 2**32) (Knuth's multiplicative hash), the
    same number on every backend: ``hash()`` is the engine's own function (DuckDB's and Spark's differ), so a
    sample ordered or cut by it would not be the same sample. The id is folded below 2**31 first so that the
    product stays inside int64."""
    return ((column % _FOLD) * _KNUTH) % _WORD


_FOLD = 2**31
_KNUTH = 2_654_435_761  # ⌊2**32 / φ⌋, odd
_WORD = 2**32


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
    """A Session for one call on ``store``: a Store (or :func:`pinned` one) runs on DuckDB; an object with an
    ``open_engine()`` context manager (a lake, marsad.analytics.on_spark.SparkLake) runs on the engine it opens."""
    opener = getattr(store, "open_engine", None)
    with opener() if opener is not None else _duckdb(store) as engine:
        s = Session(engine)
        try:
            yield s
        finally:
            s.close()


@contextmanager
def _duckdb(store: Store) -> Iterator[DuckDBEngine]:
    with store.read() as con:
        yield DuckDBEngine(store, con)  # type: ignore[arg-type]  # a pinned store stands in for its Store


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
