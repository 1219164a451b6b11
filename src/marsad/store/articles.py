"""Writing articles and sources, and the store-wide counts (``marsad stats``).

The write helpers take an open connection inside ONE ``Store.write()`` transaction (the ingest
pipeline calls them once per batch), so a failing batch rolls back entirely. Bulk paths only:
rows go in through marsad.store.bulk (Arrow tables, ``INSERT … SELECT``).
Counts exclude near-duplicates (``duplicate_of IS NOT NULL``) unless asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

import duckdb
import numpy as np
import pyarrow as pa

from marsad.store import bulk
from marsad.store.db import Store

LOGGER = logging.getLogger(__name__)


@dataclass
class ArticleRow:
    """One article ready for the ``articles`` table (ids and source ids are assigned on write)."""

    body: str
    content_hash: str
    title: str = ""
    lead: str = ""
    url: str = ""
    canonical_url: str = ""
    source_key: str = ""
    source_name: str = ""
    source_domain: str = ""
    language: str = ""
    language_confidence: float = 0.0
    published_at: datetime | None = None  # naive UTC
    published_tz: str = ""
    published_precision: str = ""
    date_note: str = ""
    author: str = ""
    dateline: str = ""
    category: str = ""
    origin: str = ""
    duplicate_of: int | None = None


_ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source_id", pa.int32()),
        ("title", pa.string()),
        ("lead", pa.string()),
        ("body", pa.string()),
        ("language", pa.string()),
        ("language_confidence", pa.float64()),
        ("published_at", pa.timestamp("us")),
        ("published_tz", pa.string()),
        ("published_precision", pa.string()),
        ("date_note", pa.string()),
        ("ingested_at", pa.timestamp("us")),
        ("content_hash", pa.string()),
        ("author", pa.string()),
        ("dateline", pa.string()),
        ("category", pa.string()),
        ("origin", pa.string()),
        ("duplicate_of", pa.int64()),
    ]
)


def _existing(con: duckdb.DuckDBPyConnection, column: str, values: Sequence[str]) -> set[str]:
    """Which of ``values`` already occur in ``articles.<column>`` (one join, not one query per value)."""
    values = list({v for v in values if v})
    if not values:
        return set()
    with bulk.registered(con, pa.table({"k": pa.array(values, type=pa.string())})) as view:
        sql = f"SELECT DISTINCT a.{column} FROM articles a JOIN {view} ON a.{column} = {view}.k"
        return {row[0] for row in con.execute(sql).fetchall()}


# -- writing (inside one Store.write() transaction) ------------------------------------------------
def existing_hashes(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> set[str]:
    """Which of ``hashes`` are already stored."""
    return _existing(con, "content_hash", hashes)


def existing_urls(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> set[str]:
    """Which of the canonical ``urls`` are already stored."""
    return _existing(con, "canonical_url", urls)


def article_extent(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """``(highest id, number of articles)``: both cheap (the id's min/max statistics, the table's row count)."""
    high, count = con.execute("SELECT coalesce(max(id), 0), count(*) FROM articles").fetchall()[0]
    return int(high), int(count)


def article_keys(con: duckdb.DuckDBPyConnection, *, after_id: int = 0) -> tuple[list[str], list[str]]:
    """The content hashes and (non-empty) canonical URLs of the articles with ids above ``after_id``."""
    table = con.sql("SELECT content_hash, canonical_url FROM articles WHERE id > $after", params={"after": after_id}).to_arrow_table()
    urls = table.column("canonical_url").drop_null().to_pylist()
    return table.column("content_hash").to_pylist(), [u for u in urls if u]


def next_article_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchall()[0][0])


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Ensure a row per outlet key (``key -> (display name, domain)``); return ``key -> id`` for them all.

    An existing source keeps its name; a missing domain is filled in when one becomes known.
    """
    if not sources:
        return {}
    keys = list(sources)
    with bulk.registered(con, pa.table({"k": pa.array(keys, type=pa.string())})) as view:
        found = dict(con.execute(f"SELECT s.key, s.id FROM sources s JOIN {view} ON s.key = {view}.k").fetchall())
    new = [k for k in keys if k not in found]
    if new:
        first = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM sources").fetchall()[0][0])
        ids = list(range(first, first + len(new)))
        table = pa.table(
            {
                "id": pa.array(ids, type=pa.int32()),
                "key": pa.array(new, type=pa.string()),
                "name": pa.array([sources[k][0] or k for k in new], type=pa.string()),
                "domain": pa.array([sources[k][1] or None for k in new], type=pa.string()),
            }
        )
        bulk.insert(con, "sources", table)
        found.update(zip(new, ids, strict=True))
    for key in keys:
        domain = sources[key][1]
        if domain and key in found:
            con.execute("UPDATE sources SET domain = ? WHERE id = ? AND domain IS NULL", [domain, found[key]])
    return found


def insert_articles(
    con: duckdb.DuckDBPyConnection, rows: Sequence[ArticleRow], ids: Sequence[int], source_ids: dict[str, int],
    *, ingested_at: datetime | None = None,
) -> None:
    """Insert ``rows`` with the given ids in one bulk statement."""
    if not rows:
        return
    now = (ingested_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    values = [article_values(r) for r in rows]
    cols: dict[str, list] = {"id": list(ids), "ingested_at": [now] * len(rows),
                             "source_id": [source_ids.get(r.source_key) if r.source_key else None for r in rows]}
    for name in values[0]:  # column by column: one list comprehension each, not one append per cell
        cols[name] = [v[name] for v in values]
    bulk.insert(con, "articles", pa.table({name: cols[name] for name in _ARTICLE_SCHEMA.names}, schema=_ARTICLE_SCHEMA))


def article_values(r: ArticleRow) -> dict[str, object]:
    """The ``articles`` columns a row fills itself (all but id, source_id, ingested_at): empty strings are NULL
    except in the title and body. The Spark pipeline writes its lake rows with it too."""
    return {
        "url": r.url or None,
        "canonical_url": r.canonical_url or None,
        "title": r.title,
        "lead": r.lead or None,
        "body": r.body,
        "language": r.language or None,
        "language_confidence": r.language_confidence,
        "published_at": r.published_at,
        "published_tz": r.published_tz or None,
        "published_precision": r.published_precision or None,
        "date_note": r.date_note or None,
        "content_hash": r.content_hash,
        "author": r.author or None,
        "dateline": r.dateline or None,
        "category": r.category or None,
        "origin": r.origin or None,
        "duplicate_of": r.duplicate_of,
    }


def insert_bands(con: duckdb.DuckDBPyConnection, article_ids: Sequence[int], band_keys: Sequence[Sequence[int]]) -> None:
    """Store the LSH band keys of articles (``band_keys[i]`` are the keys of ``article_ids[i]``)."""
    bands: list[int] = []
    hashes: list[int] = []
    owners: list[int] = []
    for article_id, keys in zip(article_ids, band_keys, strict=True):
        keys = keys.tolist() if hasattr(keys, "tolist") else list(keys)  # numpy arrays -> Python ints at C speed
        bands.extend(range(len(keys)))
        hashes.extend(keys)
        owners.extend([article_id] * len(keys))
    if not owners:
        return
    table = pa.table(
        {
            "band": pa.array(bands, type=pa.int16()),
            "hash": pa.array(hashes, type=pa.uint64()),
            "article_id": pa.array(owners, type=pa.int64()),
        }
    )
    bulk.insert(con, "article_bands", table)


def band_matches(con: duckdb.DuckDBPyConnection, bands: Sequence[int] | np.ndarray,
                 hashes: Sequence[int] | np.ndarray) -> dict[tuple[int, int], list[int]]:
    """Stored articles sharing an LSH band key: ``(band, hash) -> [article ids, oldest first]``."""
    if len(bands) == 0:
        return {}
    keys = pa.table({"band": pa.array(bands, type=pa.int16()), "hash": pa.array(hashes, type=pa.uint64())})
    with bulk.registered(con, keys) as view:
        rows = con.execute(
            f"SELECT DISTINCT b.band, b.hash, b.article_id FROM article_bands b "
            f"JOIN {view} n ON b.band = n.band AND b.hash = n.hash ORDER BY b.article_id"
        ).fetchall()
    out: dict[tuple[int, int], list[int]] = {}
    for band, key, article_id in rows:
        out.setdefault((int(band), int(key)), []).append(int(article_id))
    return out


def cluster_texts(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, tuple[str, str, int]]:
    """``id -> (title, body, cluster)`` for the given ids; ``cluster`` is the first article of the article's
    near-duplicate cluster (``duplicate_of``, or its own id for an original)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    with bulk.registered(con, bulk.id_table(ids)) as view:
        rows = con.execute(
            f"SELECT a.id, a.title, a.body, coalesce(a.duplicate_of, a.id) FROM articles a JOIN {view} ON a.id = {view}.id"
        ).fetchall()
    return {int(i): (t or "", b or "", int(root)) for i, t, b, root in rows}


# -- reading ------------------------------------------------------------------------------------------
def _where(include_duplicates: bool) -> str:
    return "" if include_duplicates else "WHERE duplicate_of IS NULL"


def count_articles(store: Store, *, include_duplicates: bool = False) -> int:
    with store.read() as con:
        return int(con.execute(f"SELECT count(*) FROM articles {_where(include_duplicates)}").fetchall()[0][0])


def is_empty(store: Store) -> bool:
    """True when the store has no articles at all (or does not exist yet)."""
    if not store.exists:
        return True
    with store.read() as con:
        return not con.execute("SELECT 1 FROM articles LIMIT 1").fetchall()


class StoreStats(TypedDict):
    articles: int  # excluding near-duplicates unless include_duplicates
    sources: int  # outlets with at least one counted article
    languages: dict[str, int]  # ISO 639-1 code ("" = unknown) -> articles
    undated: int
    duplicates: int  # near-duplicates stored (always reported)
    first_date: str | None  # ISO 8601, UTC
    last_date: str | None


def _iso_utc(value: datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=UTC).isoformat()


def stats(store: Store, *, include_duplicates: bool = False) -> StoreStats:
    """Store-wide counts; near-duplicates are left out of every count but ``duplicates`` unless asked."""
    where = _where(include_duplicates)
    with store.read() as con:
        articles, sources, undated, first, last = con.execute(
            f"SELECT count(*), count(DISTINCT source_id), count(*) FILTER (WHERE published_at IS NULL), "
            f"min(published_at), max(published_at) FROM articles {where}"
        ).fetchall()[0]
        languages = con.execute(
            f"SELECT coalesce(language, ''), count(*) AS n FROM articles {where} GROUP BY 1 ORDER BY n DESC, 1"
        ).fetchall()
        duplicates = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchall()[0][0]
    return StoreStats(
        articles=int(articles),
        sources=int(sources),
        languages={lang: int(n) for lang, n in languages},
        undated=int(undated),
        duplicates=int(duplicates),
        first_date=_iso_utc(first),
        last_date=_iso_utc(last),
    )
