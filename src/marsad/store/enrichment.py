"""Writing enrichment results — entities, aliases, mentions, places, keywords — and reading what to enrich.

``write_enrichment`` stores one batch in ONE ``Store.write()`` transaction: the batch's old mentions and keywords
are deleted first, new entities are inserted (existing ones keep their integer id; curated ones are brought in
line with the alias file), new aliases and places are added, and ``pipeline_version`` is set — so a crash never
leaves half an article. Rows go in through marsad.store.bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from marsad.models import Article, EntityType, Mention
from marsad.store import bulk
from marsad.store.db import Store
from marsad.text.normalize import is_arabic, normalize


@dataclass(frozen=True)
class EntityRecord:
    """An entity as the store keeps it; ``names`` are recorded as its aliases when it is new."""

    key: str
    type: EntityType
    name_ar: str = ""
    name_en: str = ""
    curated: bool = False
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceRow:
    """Coordinates of a LOC entity (one row per entity, written once)."""

    entity_key: str
    name: str
    country: str
    lat: float
    lon: float
    geonameid: int | None
    kind: str


@dataclass(frozen=True)
class AnnotatedArticle:
    """What enrichment found in one stored article: mentions linked to entity keys (``canonical_id``) and keywords."""

    article_id: int
    language: str
    mentions: Sequence[Mention]
    keywords: Sequence[tuple[str, float]]


@dataclass
class EnrichmentCounts:
    mentions: int = 0
    new_entities: int = 0
    places: int = 0
    keywords: int = 0


_ENTITIES = pa.schema([("id", pa.int32()), ("key", pa.string()), ("type", pa.string()), ("name_ar", pa.string()),
                       ("name_en", pa.string()), ("curated", pa.bool_())])
_CURATED = pa.schema([("key", pa.string()), ("type", pa.string()), ("name_ar", pa.string()), ("name_en", pa.string())])
_ALIASES = pa.schema([("entity_id", pa.int32()), ("alias", pa.string()), ("norm", pa.string()), ("lang", pa.string())])
_PLACES = pa.schema([("entity_id", pa.int32()), ("name", pa.string()), ("country", pa.string()), ("lat", pa.float64()),
                     ("lon", pa.float64()), ("geonameid", pa.int64()), ("kind", pa.string())])
_MENTIONS = pa.schema([("article_id", pa.int64()), ("entity_id", pa.int32()), ("start", pa.int32()),
                       ("end", pa.int32()), ("surface", pa.string()), ("field", pa.string())])
_KEYWORDS = pa.schema([("article_id", pa.int64()), ("keyword", pa.string()), ("score", pa.float64())])


# -- reading ------------------------------------------------------------------------------------------
def pending_ids(store: Store, *, below_version: int | None) -> list[int]:
    """Ids of stored articles enriched with a version below ``below_version`` (never enriched = 0), or all (None)."""
    with store.read() as con:
        if below_version is None:
            rows = con.execute("SELECT id FROM articles ORDER BY id").fetchall()
        else:
            rows = con.execute(
                "SELECT id FROM articles WHERE pipeline_version < ? ORDER BY id", [below_version]
            ).fetchall()
    return [r[0] for r in rows]


def enrichment_counts(store: Store) -> tuple[int, int]:
    """``(articles, enriched)``: how many articles the store holds and how many of them were ever enriched."""
    with store.read() as con:
        articles, enriched = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE pipeline_version > 0) FROM articles"
        ).fetchall()[0]
    return int(articles), int(enriched)


def load_articles(store: Store, ids: Sequence[int]) -> list[tuple[int, Article]]:
    """``(id, Article)`` with the title, body and language enrichment reads, in id order."""
    with store.read() as con, bulk.registered(con, bulk.id_table(ids)) as wanted:
        rows = con.execute(
            "SELECT id, coalesce(title, ''), body, coalesce(language, '') FROM articles "
            f"WHERE id IN (SELECT id FROM {wanted}) ORDER BY id"
        ).fetchall()
    return [(r[0], Article(body=r[2], title=r[1], language=r[3])) for r in rows]


# -- writing ------------------------------------------------------------------------------------------
def write_enrichment(
    store: Store,
    articles: Sequence[AnnotatedArticle],
    *,
    entities: Sequence[EntityRecord],
    places: Sequence[PlaceRow],
    pipeline_version: int,
) -> EnrichmentCounts:
    """Replace the enrichment of ``articles`` in one transaction; ``entities`` must cover every mention's key."""
    counts = EnrichmentCounts()
    ids = [a.article_id for a in articles]
    with store.write() as con, bulk.registered(con, bulk.id_table(ids)) as batch:
        con.execute(f"DELETE FROM mentions WHERE article_id IN (SELECT id FROM {batch})")
        con.execute(f"DELETE FROM keywords WHERE article_id IN (SELECT id FROM {batch})")
        entity_ids, new_aliases = _ensure_entities(con, entities, counts)
        alias_rows = new_aliases
        mention_rows, keyword_rows = [], []
        for article in articles:
            for m in article.mentions:
                entity_id = entity_ids[m.canonical_id]
                mention_rows.append((article.article_id, entity_id, m.start, m.end, m.text, m.field))
                alias_rows.append((entity_id, m.text, normalize(m.text), article.language or ""))
            keyword_rows += [(article.article_id, k, s) for k, s in article.keywords]
        _insert_new_aliases(con, alias_rows)
        counts.places = _insert_new_places(con, places, entity_ids)
        counts.mentions = bulk.insert(con, "mentions", bulk.rows_table(mention_rows, _MENTIONS))
        counts.keywords = bulk.insert(con, "keywords", bulk.rows_table(keyword_rows, _KEYWORDS))
        con.execute(
            f"UPDATE articles SET pipeline_version = ? WHERE id IN (SELECT id FROM {batch})", [pipeline_version]
        )
    return counts


def _ensure_entities(
    con: duckdb.DuckDBPyConnection, entities: Sequence[EntityRecord], counts: EnrichmentCounts
) -> tuple[dict[str, int], list[tuple[int, str, str, str]]]:
    """Entity ids by key (new entities inserted with the next free ids) and the alias rows of the new ones."""
    keys = [e.key for e in entities]
    with bulk.registered(con, pa.table({"key": pa.array(keys, pa.string())})) as wanted:
        existing = dict(con.execute(f"SELECT e.key, e.id FROM entities e JOIN {wanted} w ON e.key = w.key").fetchall())
    next_id = (con.execute("SELECT coalesce(max(id), 0) FROM entities").fetchall()[0][0] or 0) + 1
    new_rows, alias_rows, refreshed = [], [], []
    for entity in entities:
        if entity.key in existing:
            if entity.curated:  # the alias file may have renamed or retyped it since it was stored
                refreshed.append((entity.key, entity.type, entity.name_ar or None, entity.name_en or None))
            continue
        existing[entity.key] = next_id
        new_rows.append((next_id, entity.key, entity.type, entity.name_ar or None, entity.name_en or None, entity.curated))
        alias_rows += [(next_id, name, norm, "ar" if is_arabic(name) else "") for name in entity.names
                       if (norm := normalize(name))]
        next_id += 1
    counts.new_entities = bulk.insert(con, "entities", bulk.rows_table(new_rows, _ENTITIES))
    _refresh_curated(con, refreshed)
    return existing, alias_rows


def _refresh_curated(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Bring stored curated entities' type and names in line with the alias file (only rows that differ)."""
    if not rows:
        return
    with bulk.registered(con, bulk.rows_table(rows, _CURATED)) as f:
        con.execute(
            f"UPDATE entities SET type = f.type, name_ar = f.name_ar, name_en = f.name_en, curated = TRUE FROM {f} f "
            "WHERE entities.key = f.key AND (entities.type IS DISTINCT FROM f.type OR entities.name_ar IS DISTINCT "
            "FROM f.name_ar OR entities.name_en IS DISTINCT FROM f.name_en OR NOT entities.curated)"
        )


def _insert_new_aliases(con: duckdb.DuckDBPyConnection, rows: list[tuple[int, str, str, str]]) -> None:
    """Aliases not yet recorded for their entity (same normalised form counts as recorded)."""
    if not rows:
        return
    unique = list({(r[0], r[2]): r for r in rows}.values())
    with bulk.registered(con, bulk.rows_table(unique, _ALIASES)) as f:
        con.execute(
            f"INSERT INTO entity_aliases SELECT f.entity_id, f.alias, f.norm, f.lang FROM {f} f WHERE NOT EXISTS "
            "(SELECT 1 FROM entity_aliases a WHERE a.entity_id = f.entity_id AND a.norm = f.norm)"
        )


def _insert_new_places(con: duckdb.DuckDBPyConnection, places: Sequence[PlaceRow], entity_ids: dict[str, int]) -> int:
    """Places of entities that have none yet (the first row per entity wins); how many were added."""
    wanted: dict[int, PlaceRow] = {}
    for place in places:
        eid = entity_ids.get(place.entity_key)
        if eid is not None:
            wanted.setdefault(eid, place)
    if not wanted:
        return 0
    with bulk.registered(con, bulk.id_table(list(wanted), pa.int32())) as ids:
        have = {r[0] for r in con.execute(f"SELECT entity_id FROM places WHERE entity_id IN (SELECT id FROM {ids})").fetchall()}
    rows = [(eid, p.name, p.country, p.lat, p.lon, p.geonameid, p.kind) for eid, p in wanted.items() if eid not in have]
    return bulk.insert(con, "places", bulk.rows_table(rows, _PLACES))
