"""The Parquet lake: one folder of Parquet files per store table, what the Spark pipeline writes and the Spark
analytics backend and ``marsad import-parquet`` read (docs/scale.md).

Layout of a lake folder ``DIR``::

    DIR/articles/month=2018-03/part-….parquet      tables keyed by article: partitioned by publication month
    DIR/articles/month=__undated__/part-….parquet  articles without a publication date (and their rows)
    DIR/mentions/month=2018-03/…                    … likewise keywords, article_topics, terms
    DIR/sources/….parquet                           the small tables: one unpartitioned folder each
    DIR/entities/… DIR/aliases/… DIR/places/… DIR/topics/… DIR/stories/… (article_stories by month)

Columns are the store's (marsad.store.schema, read from the DDL itself so the two never drift), plus ``month``
('YYYY-MM' of ``published_at`` in UTC, or ``__undated__``) on the tables keyed by article: a date range reads only
its months' folders. ``terms`` is the lake's own: the search index's keys (marsad.text.terms.search_keys, the very
function the SQLite index uses) as an inverted table (term, article id, field, count), for boolean search on Spark.

Readers must take ``month`` as a string (Spark: ``spark.sql.sources.partitionColumnTypeInference.enabled=false``,
which marsad.spark.session sets; DuckDB: ``hive_types``), else '2018-03' folders are read as dates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from marsad.store.schema import MIGRATIONS

MONTH = "month"
UNDATED = "__undated__"
# DuckDB SQL for the month of an article (``published_at`` naive UTC), the partition value.
MONTH_SQL = f"coalesce(strftime(published_at, '%Y-%m'), '{UNDATED}')"


@dataclass(frozen=True)
class LakeTable:
    name: str  # the lake folder
    store_table: str | None  # the store table it mirrors; None for the lake's own (terms)
    by_article: bool  # carries article_id (or is articles) and so the month partition


TERMS_SCHEMA = pa.schema(
    [
        ("term", pa.string()),  # a token of the search index (marsad.store.search.index_tokens)
        ("article_id", pa.int64()),
        ("field", pa.string()),  # "title" or "body": a title hit ranks higher, as in the SQLite index
        ("count", pa.int32()),  # occurrences of the key in that field
        ("positions", pa.list_(pa.int32())),  # where (token numbers in the field, from 0): phrases and their counts
    ]
)

TABLES: dict[str, LakeTable] = {
    t.name: t
    for t in (
        LakeTable("articles", "articles", True),
        LakeTable("sources", "sources", False),
        LakeTable("mentions", "mentions", True),
        LakeTable("entities", "entities", False),
        LakeTable("aliases", "entity_aliases", False),
        LakeTable("places", "places", False),
        LakeTable("keywords", "keywords", True),
        LakeTable("topics", "topics", False),
        LakeTable("article_topics", "article_topics", True),
        # Stories (marsad.nlp.stories): the analytics' story calls read them on Spark as on DuckDB.
        LakeTable("stories", "stories", False),
        LakeTable("article_stories", "article_stories", True),
        LakeTable("terms", None, True),
    )
}
BY_ARTICLE = tuple(name for name, t in TABLES.items() if t.by_article)


@functools.cache
def _store_schemas() -> dict[str, pa.Schema]:
    """Arrow schemas of the store's tables, from the migrations run on an empty in-memory database."""
    con = duckdb.connect()
    try:
        for ddl in MIGRATIONS:
            con.execute(ddl)
        return {
            t.store_table: con.sql(f"SELECT * FROM {t.store_table}").to_arrow_table().schema
            for t in TABLES.values()
            if t.store_table
        }
    finally:
        con.close()


def schema(name: str, *, with_month: bool = True) -> pa.Schema:
    """The Arrow schema of lake table ``name``; ``month`` last on tables keyed by article (unless ``with_month``
    is False: the columns inside a Parquet file of a partitioned table)."""
    table = TABLES[name]
    base = _store_schemas()[table.store_table] if table.store_table else TERMS_SCHEMA
    return base.append(pa.field(MONTH, pa.string())) if table.by_article and with_month else base


def table_path(lake: Path | str, name: str) -> Path:
    if name not in TABLES:
        raise KeyError(f"{name}: not a lake table ({', '.join(TABLES)})")
    return Path(lake) / name


def parquet_glob(lake: Path | str, name: str) -> str:
    """A glob of every Parquet file of table ``name`` (partitions included), for DuckDB's read_parquet."""
    return str(table_path(lake, name) / "**" / "*.parquet")


def read_parquet_sql(lake: Path | str, name: str, *, months: list[str] | None = None) -> str:
    """A DuckDB FROM item reading lake table ``name`` (``month`` as a string on tables keyed by article); only the
    partitions ``months`` when given (the others' files are never opened; months the table lacks are skipped)."""
    if not TABLES[name].by_article:
        return f"read_parquet('{parquet_glob(lake, name)}')"
    every = f"read_parquet('{parquet_glob(lake, name)}', hive_partitioning = true, hive_types = {{'{MONTH}': VARCHAR}})"
    if months is None:
        return every
    root, present = table_path(lake, name), set(present_months(lake, name))
    wanted = [m for m in months if m in present]
    if not wanted:
        return f"(SELECT * FROM {every} LIMIT 0)"
    files = "[" + ", ".join(f"'{root / f'{MONTH}={m}' / '*.parquet'}'" for m in wanted) + "]"
    return f"read_parquet({files}, hive_partitioning = true, hive_types = {{'{MONTH}': VARCHAR}})"


def month_of(published_at: datetime | date | None) -> str:
    """The partition value of an article published at ``published_at`` (naive UTC)."""
    return UNDATED if published_at is None else f"{published_at.year:04d}-{published_at.month:02d}"


def months_between(since: date | None, until: date | None, present: list[str]) -> list[str]:
    """The partition values of ``present`` that a date range [since, until] (inclusive, either open) touches.
    Undated articles belong to no range: they are kept only when the range is fully open."""
    if since is None and until is None:
        return list(present)
    low = month_of(since) if since else "0000-00"
    high = month_of(until) if until else "9999-99"
    return [m for m in present if m != UNDATED and low <= m <= high]


def present_months(lake: Path | str, name: str = "articles") -> list[str]:
    """The month partitions a lake table has on disk, sorted (``__undated__`` last)."""
    root = table_path(lake, name)
    prefix = f"{MONTH}="
    found = [p.name[len(prefix) :] for p in root.glob(f"{prefix}*") if p.is_dir()] if root.is_dir() else []
    return sorted(found, key=lambda m: (m == UNDATED, m))
