"""Enrichment of stored articles: entities, aliases, mentions, places and keywords into the store.

- ``enrich_stored(store, article_ids)`` is the after-batch hook ``marsad ingest`` runs on each stored batch.
- ``enrich_store(store, all=False)`` (``marsad enrich``) re-runs only articles whose ``pipeline_version`` is missing
  or older than ``pipeline.PIPELINE_VERSION``, in batches, with an optional progress bar.

Each batch is read in one read unit, enriched in memory, then written in ONE short ``Store.write()`` transaction:
old mentions/keywords of the batch are deleted first, new entities are inserted (existing ones keep their integer
id), new aliases and places are added, and ``pipeline_version`` is set — so a crash never leaves half an article.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

import pandas as pd

from marsad.models import Article
from marsad.nlp.entities import CanonicalEntity
from marsad.nlp.pipeline import PIPELINE_VERSION, enrich_batch, enrich_parallel, entity_index, warm_up
from marsad.nlp.places import gazetteer as places_gazetteer
from marsad.store.db import Store
from marsad.text.normalize import is_arabic, normalize

LOGGER = logging.getLogger(__name__)

# Articles per enrichment batch: big enough for the statistical model's batching to pay, small enough that one
# write transaction stays short (a dashboard reader waits at most for one batch).
BATCH_SIZE = 200
# Worker processes pay for themselves only on runs this long (forking and warming up take ~1 s).
PARALLEL_MIN_ARTICLES = 400
# Enrichment is CPU-bound: more processes than cores only adds switching.
MAX_AUTO_PROCESSES = 2


@dataclass
class EnrichReport:
    articles: int = 0
    mentions: int = 0
    new_entities: int = 0
    places: int = 0
    keywords: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        out = asdict(self)
        out["articles_per_second"] = round(self.articles / self.seconds, 1) if self.seconds else 0.0
        return out


def pending_ids(store: Store, *, all: bool = False) -> list[int]:
    """Ids of the stored articles to (re-)enrich: all, or those with a missing/stale pipeline version."""
    with store.read() as con:
        if all:
            rows = con.execute("SELECT id FROM articles ORDER BY id").fetchall()
        else:
            rows = con.execute(
                "SELECT id FROM articles WHERE pipeline_version < ? ORDER BY id", [PIPELINE_VERSION]
            ).fetchall()
    return [r[0] for r in rows]


def _load(store: Store, ids: Sequence[int]) -> list[tuple[int, Article]]:
    with store.read() as con:
        rows = con.execute(
            "SELECT id, coalesce(title, ''), body, coalesce(language, '') FROM articles WHERE id IN "
            "(SELECT unnest(?::BIGINT[])) ORDER BY id",
            [list(ids)],
        ).fetchall()
    return [(r[0], Article(body=r[2], title=r[1], language=r[3])) for r in rows]


def _alias_rows(entity_id: int, names: Sequence[str], lang: str = "") -> list[tuple[int, str, str, str]]:
    rows = []
    for name in names:
        norm = normalize(name)
        if norm:
            rows.append((entity_id, name, norm, "ar" if is_arabic(name) else lang))
    return rows


def _write(store: Store, enriched: list[tuple[int, Article]], report: EnrichReport) -> None:
    index = entity_index()
    places = places_gazetteer()
    ids = [article_id for article_id, _ in enriched]
    wanted: dict[str, CanonicalEntity] = {}
    for _, article in enriched:
        for m in article.entities:
            if m.canonical_id not in wanted:
                known = index.get(m.canonical_id)
                place = places.for_key(m.canonical_id)
                wanted[m.canonical_id] = known or (place.entity() if place else None) or CanonicalEntity(
                    m.canonical_id, m.type, m.canonical_name_ar, m.canonical_name_en
                )
    with store.write() as con:
        con.execute("DELETE FROM mentions WHERE article_id IN (SELECT unnest(?::BIGINT[]))", [ids])
        con.execute("DELETE FROM keywords WHERE article_id IN (SELECT unnest(?::BIGINT[]))", [ids])
        keys = list(wanted)
        existing = dict(
            con.execute("SELECT key, id FROM entities WHERE key IN (SELECT unnest(?::VARCHAR[]))", [keys]).fetchall()
        )
        next_id = (con.execute("SELECT coalesce(max(id), 0) FROM entities").fetchall()[0][0] or 0) + 1
        new_entities, alias_rows, refreshed = [], [], []
        for key, entity in wanted.items():
            if key in existing:
                if entity.curated:  # the alias file may have renamed or retyped it since it was stored
                    refreshed.append((key, entity.type, entity.name_ar or None, entity.name_en or None))
                continue
            existing[key] = next_id
            new_entities.append((next_id, key, entity.type, entity.name_ar or None, entity.name_en or None, entity.curated))
            alias_rows += _alias_rows(next_id, (*entity.names, *entity.link_only))
            next_id += 1
        mention_rows, keyword_rows = [], []
        for article_id, article in enriched:
            for m in article.entities:
                entity_id = existing[m.canonical_id]
                mention_rows.append((article_id, entity_id, m.start, m.end, m.text))
                alias_rows.append((entity_id, m.text, normalize(m.text), article.language or ""))
            keyword_rows += [(article_id, k, s) for k, s in article.keywords]
        place_rows = _place_rows(con, enriched, existing)
        _insert(con, "entities", new_entities, ["id", "key", "type", "name_ar", "name_en", "curated"])
        _refresh_curated(con, refreshed)
        _insert_new_aliases(con, alias_rows)
        _insert(con, "places", place_rows, ["entity_id", "name", "country", "lat", "lon", "geonameid", "kind"])
        _insert(con, "mentions", mention_rows, ["article_id", "entity_id", "start", "end", "surface"])
        _insert(con, "keywords", keyword_rows, ["article_id", "keyword", "score"])
        con.execute(
            "UPDATE articles SET pipeline_version = ? WHERE id IN (SELECT unnest(?::BIGINT[]))", [PIPELINE_VERSION, ids]
        )
    report.articles += len(enriched)
    report.mentions += len(mention_rows)
    report.new_entities += len(new_entities)
    report.places += len(place_rows)
    report.keywords += len(keyword_rows)


def _place_rows(con, enriched: list[tuple[int, Article]], entity_ids: dict[str, int]) -> list[tuple]:
    places = places_gazetteer()
    wanted = {}
    for _, article in enriched:
        for record in article.extra.get("places", []):  # type: ignore[union-attr]
            eid = entity_ids.get(record["entity"])
            if eid is not None:
                wanted.setdefault(eid, record)
    if not wanted:
        return []
    have = {
        r[0]
        for r in con.execute(
            "SELECT entity_id FROM places WHERE entity_id IN (SELECT unnest(?::INTEGER[]))", [list(wanted)]
        ).fetchall()
    }
    rows = []
    for eid, record in wanted.items():
        if eid in have:
            continue
        place = places.for_key(record["entity"])
        rows.append((eid, record["name"], record["country"], record["lat"], record["lon"],
                     place.geonameid if place else None, record["kind"]))
    return rows


def _insert(con, table: str, rows: list[tuple], columns: list[str]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=columns)  # noqa: F841 - DuckDB reads the local DataFrame by name
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM frame")


def _refresh_curated(con, rows: list[tuple]) -> None:
    """Bring stored curated entities' type and names in line with the alias file (only rows that differ)."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["key", "type", "name_ar", "name_en"])  # noqa: F841
    con.execute(
        "UPDATE entities SET type = f.type, name_ar = f.name_ar, name_en = f.name_en, curated = TRUE FROM frame f "
        "WHERE entities.key = f.key AND (entities.type IS DISTINCT FROM f.type OR entities.name_ar IS DISTINCT FROM "
        "f.name_ar OR entities.name_en IS DISTINCT FROM f.name_en OR NOT entities.curated)"
    )


def _insert_new_aliases(con, rows: list[tuple[int, str, str, str]]) -> None:
    """Aliases not yet recorded for their entity (same normalised form counts as recorded)."""
    if not rows:
        return
    unique = list({(r[0], r[2]): r for r in rows}.values())
    frame = pd.DataFrame(unique, columns=["entity_id", "alias", "norm", "lang"])  # noqa: F841
    con.execute(
        "INSERT INTO entity_aliases SELECT f.entity_id, f.alias, f.norm, f.lang FROM frame f "
        "WHERE NOT EXISTS (SELECT 1 FROM entity_aliases a WHERE a.entity_id = f.entity_id AND a.norm = f.norm)"
    )


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def enrich_ids(store: Store, ids: Sequence[int], *, batch_size: int = BATCH_SIZE, n_process: int | None = 1,
               progress: bool = False) -> EnrichReport:
    """Enrich the given stored articles (whatever their version) and write the results.

    ``n_process=None`` picks: several processes (up to ``MAX_AUTO_PROCESSES``) for ``PARALLEL_MIN_ARTICLES`` or more
    articles, one otherwise (starting workers costs more than it saves on a small batch).
    """
    report = EnrichReport()
    started = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(ids), unit="article", desc="enrich", dynamic_ncols=True)
    if n_process is None:
        n_process = min(MAX_AUTO_PROCESSES, os.cpu_count() or 1) if len(ids) >= PARALLEL_MIN_ARTICLES else 1
    pool = None
    if n_process > 1:
        warm_up()  # load everything once; forked workers share it copy-on-write
        pool = ProcessPoolExecutor(max_workers=n_process, mp_context=multiprocessing.get_context("fork"))
    try:
        for chunk in _batches(list(ids), batch_size):
            loaded = _load(store, chunk)
            articles = [a for _, a in loaded]
            enriched = enrich_parallel(articles, pool, n_process) if pool else enrich_batch(articles)
            _write(store, [(i, a) for (i, _), a in zip(loaded, enriched, strict=True)], report)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if pool is not None:
            pool.shutdown()
        if bar is not None:
            bar.close()
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info("enriched %d articles: %d mentions, %d new entities", report.articles, report.mentions, report.new_entities)
    return report


def enrich_store(store: Store, *, all: bool = False, batch_size: int = BATCH_SIZE, n_process: int | None = None,
                 progress: bool = False) -> EnrichReport:
    """``marsad enrich``: (re-)enrich articles with a missing or stale pipeline version, or ``all`` of them."""
    store.ensure_schema()
    return enrich_ids(store, pending_ids(store, all=all), batch_size=batch_size, n_process=n_process, progress=progress)


def enrich_stored(store: Store, article_ids: list[int]) -> None:
    """After-batch hook for ``marsad ingest``: enrich the articles just stored."""
    enrich_ids(store, article_ids)
