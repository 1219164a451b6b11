"""Enrichment of stored articles: read them from the store, run marsad.nlp on them, write the results back.

- ``enrich_stored(store, article_ids)`` is the after-batch hook ``marsad ingest`` runs on each stored batch.
- ``enrich_unenriched(store)``: the articles never enriched, which an ingest finishes before reading (a kill
  between a batch's commit and its enrichment leaves some).
- ``enrich_store(store, all=False)`` (``marsad enrich``) re-runs only articles whose ``pipeline_version`` is missing
  or older than ``nlp.pipeline.PIPELINE_VERSION``, in batches, with an optional progress bar.

This module lives in ingest/ because it is ingest's after-batch step (ingest → nlp, store): nlp/ only annotates
articles in memory and store/ owns every write (marsad.store.enrichment: one short transaction per batch).
"""

from __future__ import annotations

import logging
import os
import queue
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

from marsad.ingest.workers import WorkerPool, chunked
from marsad.models import Article
from marsad.nlp.entities import CanonicalEntity
from marsad.nlp.pipeline import PIPELINE_VERSION, enrich_batch, entity_index
from marsad.nlp.places import gazetteer as places_gazetteer
from marsad.store.db import Store
from marsad.store.enrichment import (
    AnnotatedArticle,
    EntityRecord,
    PlaceRow,
    load_articles,
    pending_ids,
    write_enrichment,
)

LOGGER = logging.getLogger(__name__)

# Articles per enrichment batch: big enough for the statistical model's batching to pay, small enough that one
# write transaction stays short (a dashboard reader waits at most for one batch).
BATCH_SIZE = 200
# Worker processes pay for themselves only on runs this long: each starts a fresh interpreter and loads its own
# models (measured ~2.5 CPU-s, 4–7 s wall on the shared 2 cores), once per run.
PARALLEL_MIN_ARTICLES = 400
# Enrichment is CPU-bound: more processes than cores only adds switching.
MAX_AUTO_PROCESSES = 2
# What the worker processes run on their part of a batch.
WORKER_TARGET = "marsad.nlp.pipeline:enrich_batch"


@dataclass
class EnrichReport:
    articles: int = 0
    mentions: int = 0
    new_entities: int = 0
    places: int = 0
    keywords: int = 0
    failed: int = 0  # articles the pipeline raised on: left un-enriched (retried on the next run), logged
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        out = asdict(self)
        out["articles_per_second"] = round(self.articles / self.seconds, 1) if self.seconds else 0.0
        return out


def entity_records(articles: Sequence[Article]) -> list[EntityRecord]:
    """The entity behind each mentioned key: curated or gazetteer entity when known, else the mention's own names."""
    index = entity_index()
    places = places_gazetteer()
    wanted: dict[str, CanonicalEntity] = {}
    for article in articles:
        for m in article.entities:
            if m.canonical_id not in wanted:
                known = index.get(m.canonical_id)
                place = places.for_key(m.canonical_id)
                wanted[m.canonical_id] = known or (place.entity() if place else None) or CanonicalEntity(
                    m.canonical_id, m.type, m.canonical_name_ar, m.canonical_name_en
                )
    return [EntityRecord(e.key, e.type, e.name_ar, e.name_en, e.curated, (*e.names, *e.link_only))
            for e in wanted.values()]


def place_rows(articles: Sequence[Article]) -> list[PlaceRow]:
    places = places_gazetteer()
    rows = []
    for article in articles:
        for record in article.extra.get("places", []):  # type: ignore[union-attr]
            place = places.for_key(record["entity"])
            rows.append(PlaceRow(record["entity"], record["name"], record["country"], record["lat"], record["lon"],
                                 place.geonameid if place else None, record["kind"]))
    return rows


def _write_batch(store: Store, enriched: list[tuple[int, Article]], report: EnrichReport) -> None:
    if not enriched:
        return
    articles = [a for _, a in enriched]
    counts = write_enrichment(
        store,
        [AnnotatedArticle(i, a.language or "", a.entities, a.keywords) for i, a in enriched],
        entities=entity_records(articles),
        places=place_rows(articles),
        pipeline_version=PIPELINE_VERSION,
    )
    report.articles += len(enriched)
    report.mentions += counts.mentions
    report.new_entities += counts.new_entities
    report.places += counts.places
    report.keywords += counts.keywords


def one_by_one(loaded: list[tuple[int, Article]], report: EnrichReport) -> list[tuple[int, Article]]:
    """A batch the pipeline raised on, enriched article by article in this process: one bad article must not
    keep the rest of its batch (and every later run) from being enriched. The failing ones are skipped."""
    out = []
    for article_id, article in loaded:
        try:
            out.append((article_id, enrich_batch([article])[0]))
        except Exception as exc:  # noqa: BLE001 — logged and counted; the article is retried on the next run
            report.failed += 1
            LOGGER.error("article %d cannot be enriched (%s: %s)", article_id, type(exc).__name__, str(exc)[:200])
            LOGGER.debug("article %d", article_id, exc_info=True)
    return out


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
    batches = (load_articles(store, chunk) for chunk in chunked(ids, batch_size))
    try:
        if n_process > 1:
            # Built here before the workers start: this process needs it to write, and the workers then read it
            # from the resource cache instead of each building it.
            places_gazetteer()
            done = _in_workers(store, batches, n_process, report)
        else:
            done = _in_this_process(store, batches, report)
        for count in done:
            if bar is not None:
                bar.update(count)
    finally:
        if bar is not None:
            bar.close()
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info("enriched %d articles: %d mentions, %d new entities", report.articles, report.mentions, report.new_entities)
    return report


def _in_this_process(store: Store, batches: Iterable[list[tuple[int, Article]]], report: EnrichReport) -> Iterator[int]:
    """Enrich and write each batch here; yields the batch sizes as they are written."""
    import numpy  # noqa: F401 — threadpoolctl limits the thread pools already loaded: OpenBLAS comes with numpy
    from threadpoolctl import threadpool_limits

    # The models' matrix products are small: OpenBLAS's extra threads only spin (see workers.ONE_THREAD_ENV).
    with threadpool_limits(limits=1, user_api="blas"):
        for loaded in batches:
            _write_batch(store, _enrich_here(loaded, report), report)
            yield len(loaded)


def _enrich_here(loaded: list[tuple[int, Article]], report: EnrichReport) -> list[tuple[int, Article]]:
    try:
        return list(zip([i for i, _ in loaded], enrich_batch([a for _, a in loaded]), strict=True))
    except Exception as exc:  # noqa: BLE001 — isolated article by article
        LOGGER.warning("enrichment of a batch of %d failed (%s: %s); retrying its articles one by one",
                       len(loaded), type(exc).__name__, str(exc)[:200])
        return one_by_one(loaded, report)


def _in_workers(store: Store, batches: Iterable[list[tuple[int, Article]]], n_process: int,
                report: EnrichReport) -> Iterator[int]:
    """Enrich in ``n_process`` workers, a batch split in one part per worker, and write here. Pipelined: the
    next batch is read and handed to the workers before this one is written, so they tag while this process
    writes (it used to wait for them, and they for it). If a worker fails, the batches not yet written are
    enriched here, the failing one article by article."""
    parts: queue.Queue[list[Article] | None] = queue.Queue()
    pool = WorkerPool(WORKER_TARGET, n_process)
    results = pool.imap(iter(parts.get, None))
    in_flight: deque[tuple[list[tuple[int, Article]], int]] = deque()  # (batch, parts sent)
    failed = False

    def finish(loaded: list[tuple[int, Article]], sent: int) -> None:
        nonlocal failed
        if not failed:
            try:
                enriched = [article for _ in range(sent) for article in next(results)[1]]
                _write_batch(store, list(zip([i for i, _ in loaded], enriched, strict=True)), report)
                return
            except Exception as exc:  # noqa: BLE001 — the rest of the run goes on in this process
                failed = True
                LOGGER.warning("enrichment workers failed (%s: %s); going on in this process",
                               type(exc).__name__, str(exc)[:200])
                pool.close()
        _write_batch(store, _enrich_here(loaded, report), report)

    try:
        for loaded in batches:
            if failed:
                _write_batch(store, _enrich_here(loaded, report), report)
                yield len(loaded)
                continue
            size = -(-len(loaded) // n_process)
            chunks = list(chunked([a for _, a in loaded], size))
            for chunk in chunks:
                parts.put(chunk)
            in_flight.append((loaded, len(chunks)))
            if len(in_flight) > 1:
                loaded, sent = in_flight.popleft()
                finish(loaded, sent)
                yield len(loaded)
        parts.put(None)
        while in_flight:
            loaded, sent = in_flight.popleft()
            finish(loaded, sent)
            yield len(loaded)
    finally:
        parts.put(None)  # the pool's feeder thread waits on it
        results.close()
        pool.close()


def enrich_store(store: Store, *, all: bool = False, batch_size: int = BATCH_SIZE, n_process: int | None = None,
                 progress: bool = False) -> EnrichReport:
    """``marsad enrich``: (re-)enrich articles with a missing or stale pipeline version, or ``all`` of them."""
    store.ensure_schema()
    ids = pending_ids(store, below_version=None if all else PIPELINE_VERSION)
    return enrich_ids(store, ids, batch_size=batch_size, n_process=n_process, progress=progress)


def enrich_stored(store: Store, article_ids: list[int]) -> None:
    """After-batch hook for ``marsad ingest``: enrich the articles just stored."""
    enrich_ids(store, article_ids)


def enrich_unenriched(store: Store) -> EnrichReport:
    """Enrich the stored articles that never were (a run killed between storing a batch and enriching it, or
    an ingest with ``--no-enrich``): what an ingest with enrichment finishes first. Articles enriched by an
    older pipeline are ``marsad enrich``'s to redo, not an ingest's."""
    return enrich_ids(store, pending_ids(store, below_version=1))
