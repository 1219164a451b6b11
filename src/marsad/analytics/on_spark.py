"""The analytics on Apache Spark: a Parquet lake (marsad.lake's layout) as the "store" every analytics call takes.

``analytics.top_entities(SparkLake(dir), q)`` runs the very Ibis expressions it runs on DuckDB: the lake's tables
are Spark temporary views named like the store's tables, so the compiled SQL (Spark dialect) reads them; small
tables a call registers (filter values, id lists) become views too; integer parameters are Spark's named
``:name`` markers; results come back through Arrow. The text part of a Query goes to the lake's ``terms`` table
(marsad.analytics.lake_search) instead of the SQLite index.

Spark is a batch engine: a call costs seconds, not milliseconds (figures in docs/scale.md). Calls on one
SparkSession are serialised (a lock): the views a call registers have fixed names, so that its SQL is the same
from call to call, and two calls at once would replace each other's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from marsad.errors import MarsadError

LOGGER = logging.getLogger(__name__)

def analytics_source(settings, store):
    """What analytics calls should read under ``settings`` (marsad.config.Settings): ``store`` for the "duckdb"
    backend, the lake ``settings.lake`` on ``settings.spark_master`` for "spark"."""
    if settings.backend != "spark":
        return store
    if settings.lake is None:
        raise MarsadError("the spark backend reads a lake: set MARSAD_LAKE (or lake in marsad.toml, --lake)")
    return SparkLake(settings.lake, master=settings.spark_master)


# One call at a time per process (see the module docstring); re-entrant so a call may nest another.
_LOCK = threading.RLock()


@dataclass(frozen=True)
class SparkLake:
    """A lake directory read by Spark on ``master``: pass it to any analytics call in place of a Store."""

    path: Path
    master: str = "local[2]"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path).expanduser().resolve())

    @property
    def exists(self) -> bool:
        from marsad.lake import layout

        return layout.table_path(self.path, "articles").is_dir()

    def __repr__(self) -> str:
        return f"SparkLake({str(self.path)!r}, master={self.master!r})"

    def version(self) -> tuple[float, ...]:
        """Modification times of the lake's folders: an export or a pipeline run replaces partitions, which
        changes them (a cache of results keys on this, as the dashboard's does on the store file's)."""
        from marsad.lake import layout

        folders = [self.path, *(layout.table_path(self.path, name) for name in layout.TABLES)]
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in folders)

    @contextmanager
    def open_engine(self) -> Iterator[SparkEngine]:
        with _LOCK:
            engine = SparkEngine(self, _bound(self))
            try:
                yield engine
            finally:
                engine.close()


@dataclass
class _Views:
    """The lake's tables as views of one SparkSession, and their Ibis schemas."""

    spark: object  # pyspark.sql.SparkSession
    tables: dict[str, ir.Table]
    memo: dict[str, object] = field(default_factory=dict)  # what holds while the lake is unchanged (lake_search)


# The lake whose tables are the session's views now: switching lakes re-creates them (a file listing each).
_current: dict[str, object] = {}


def _bound(lake: SparkLake) -> _Views:
    """Register ``lake``'s tables as Spark views (once while the same lake stays in use)."""
    from marsad.lake import layout
    from marsad.spark.session import spark_session

    if not lake.exists:
        raise MarsadError(f"{lake.path}: no lake there (write one with `marsad enrich --engine spark` or export a store)")
    spark = spark_session(lake.master)
    # Views list the lake's files when made: a rewritten lake (new folders) is bound again.
    key = (id(spark), str(lake.path), lake.version())
    views = _current.get("views")
    if _current.get("key") == key and views is not None:
        return views  # type: ignore[return-value]
    backend = ibis.pyspark.connect(spark)
    tables: dict[str, ir.Table] = {}
    for name, table in layout.TABLES.items():
        path = layout.table_path(lake.path, name)
        if not path.exists():
            continue
        view = table.store_table or name  # the store's name (entity_aliases, not the lake's aliases folder)
        spark.read.parquet(str(path)).createOrReplaceTempView(view)
        tables[view] = ibis.table(backend.table(view).schema(), name=view)
    views = _Views(spark, tables)
    _current.update(key=key, views=views)
    LOGGER.info("lake %s bound to Spark (%s tables)", lake.path, len(tables))
    return views


class SparkEngine:
    """marsad.analytics._ibis.Engine on Spark (see the module docstring)."""

    dialect = "pyspark"

    def __init__(self, lake: SparkLake, views: _Views) -> None:
        self.lake = lake
        self.spark = views.spark
        self._tables = views.tables
        self.memo = views.memo
        self._registered: set[str] = set()

    def tables(self) -> dict[str, ir.Table]:
        return self._tables

    def register(self, name: str, data: pa.Table) -> None:
        self.spark.createDataFrame(data).createOrReplaceTempView(name)  # type: ignore[attr-defined]
        self._registered.add(name)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)  # type: ignore[attr-defined]
        self._registered.discard(name)

    def close(self) -> None:
        """Drop what is still registered (tables the search index keeps for its life)."""
        for name in list(self._registered):
            self.unregister(name)

    def placeholder(self, name: str) -> str:
        return f":{name}"

    def fetch(self, sql: str, params: dict[str, int]) -> pd.DataFrame:
        return _naive_utc(self.spark.sql(sql, args=params or None).toArrow()).to_pandas()  # type: ignore[attr-defined]

    def fetch_scalar(self, sql: str, params: dict[str, int]) -> object:
        # Through Arrow too: collect() would turn a timestamp into the Python process's local time.
        value = self.fetch(sql, params).iat[0, 0]
        return value.item() if hasattr(value, "item") else value

    def text_index(self):
        from marsad.analytics.lake_search import LakeSearchIndex

        return LakeSearchIndex(self)


def _naive_utc(table: pa.Table) -> pa.Table:
    """Timestamps as the store holds them, naive UTC: Spark hands its (session time zone UTC) timestamps to Arrow
    marked UTC, and pandas would keep the mark, which the analytics never expect."""
    fields = [
        f.with_type(pa.timestamp(f.type.unit)) if pa.types.is_timestamp(f.type) and f.type.tz else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields)) if fields != list(table.schema) else table
