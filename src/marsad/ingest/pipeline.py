"""The ingest loop: read → language → exact dedup → near-dedup → store in short batches → after-batch hooks.

``ingest(paths, settings=…)`` is what ``marsad ingest``, ``marsad demo`` and the dashboard's Ingest page
call; ``Ingestor`` is the same loop fed item by item (``marsad watch`` feeds it fetched pages).

Guarantees:
- one ``Store.write()`` transaction per batch of ``settings.write_batch`` articles, the file released in
  between so the dashboard's read-only connections get in;
- a batch that fails is rolled back entirely (its articles become rejects) and the run goes on;
- exact duplicates (same canonical URL or same normalised-text hash, in the store or earlier in the run)
  are skipped and counted, so re-running an ingest adds nothing;
- near-duplicates are stored with ``duplicate_of`` = the first article of their cluster;
- an article without a date is stored undated and counted (never given the ingest time).
"""

from __future__ import annotations

import gzip
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import numpy as np

from marsad.config import Settings
from marsad.errors import MarsadError, StoreUnwritable
from marsad.ingest.dedup import (
    ClusterMember,
    Fingerprint,
    batch_shingles,
    content_hash,
    fingerprints,
    headline_words,
    is_copy,
    normalized_text,
)
from marsad.ingest.fetch import fetch, is_http_url
from marsad.ingest.json_lines import JsonLines
from marsad.ingest.known_keys import KnownKeys
from marsad.ingest.limits import MAX_BODY_CHARS, cut_body
from marsad.ingest.workers import WorkerPool, chunked
from marsad.models import Article, IngestReport, Reject
from marsad.nlp.langid import identify_article
from marsad.store import Store
from marsad.store import articles as store_articles
from marsad.store.articles import ArticleRow

LOGGER = logging.getLogger(__name__)

AfterBatch = Callable[[Store, list[int]], None]
Progress = Callable[[int, int | None], None]

# Articles sent to a worker process at a time: amortises pickling, keeps the order-preserving queue short.
WORKER_CHUNK = 64
# A worker process pays ~1 s to start (imports, fastText model): only worth it for larger inputs.
PARALLEL_MIN_RECORDS = 5000
# Report progress every this many items: often enough for a smooth bar, rarely enough to cost nothing.
PROGRESS_EVERY = 100
# Shingles and headlines of stored articles kept in memory for near-duplicate verification (bounded; a miss
# only costs one read of that article's text).
SHINGLE_CACHE_SIZE = 50_000
# Record counts are only estimated (to give progress a total) for files this small or smaller.
MAX_COUNT_BYTES = 300 * 1024 * 1024
_LINE_FORMATS = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_SINGLE_DOCUMENT_FORMATS = (".txt", ".html", ".htm")


@dataclass
class Prepared:
    """An article with what dedup needs: language set, content hash, MinHash fingerprint."""

    article: Article
    digest: str
    fingerprint: Fingerprint


def prepare(item: Article | Reject) -> Prepared | Reject:
    """Language id, normalised-text hash and fingerprint of one article (see :func:`prepare_many`)."""
    return prepare_many([item])[0]


def prepare_many(items: Sequence[Article | Reject]) -> list[Prepared | Reject]:
    """Language id, normalised-text hash and fingerprint of each article (runs in worker processes too); the
    fingerprints of the lot are computed together (marsad.ingest.dedup.fingerprints), which is what makes them
    cheap. Text that cannot be processed becomes a reject of its own article only."""
    staged = [_stage(item) for item in items]
    texts = [s[1] for s in staged if not isinstance(s, Reject)]
    try:
        prints = fingerprints(texts)
    except Exception:  # noqa: BLE001 — find the text at fault: each on its own, as prepare() would
        prints = [_fingerprint_or_reject(s) for s in staged if not isinstance(s, Reject)]
    found = iter(prints)
    out: list[Prepared | Reject] = []
    for s in staged:
        if isinstance(s, Reject):
            out.append(s)
            continue
        fingerprint = next(found)
        out.append(fingerprint if isinstance(fingerprint, Reject) else Prepared(s[0], s[2], fingerprint))
    return out


def _stage(item: Article | Reject) -> Reject | tuple[Article, str, str]:
    """An article with its language set, its normalised text and content hash; or a reject saying why not."""
    if isinstance(item, Reject):
        return item
    if not item.body.strip():
        return Reject(item.origin or "?", None, "no article text")
    try:
        if not item.language:
            lang = identify_article(item.title, item.lead, item.body)
            item.language, item.language_confidence = lang.code, lang.confidence
        normalized = normalized_text(item.title, item.body)
        return item, normalized, content_hash(item.title, item.body, normalized=normalized)
    except Exception as exc:  # noqa: BLE001 — text a reader let through must cost only its own article
        return _unprocessable(item, exc)


def _fingerprint_or_reject(staged: tuple[Article, str, str]) -> Fingerprint | Reject:
    try:
        return fingerprints([staged[1]])[0]
    except Exception as exc:  # noqa: BLE001
        return _unprocessable(staged[0], exc)


def _unprocessable(item: Article, exc: Exception) -> Reject:
    LOGGER.debug("%s: cannot be prepared", item.origin, exc_info=True)
    return Reject(item.origin or "?", None, f"text cannot be processed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")


def prepare_chunk(chunk: list[Article | Reject | JsonLines]) -> list[list]:
    """What a worker process sends back for a chunk, per input: for an article (which the parent holds, so less
    is pickled both ways) ``[reject]`` or ``[(language, confidence, digest, fingerprint)]``; for unparsed JSON
    lines, per item they hold, a reject or ``(article, digest, fingerprint, characters before a cut or None)``."""
    staged: list[tuple[int, Article | Reject, int | None, bool]] = []  # (input, item, cut from, parsed here)
    for n, item in enumerate(chunk):
        if isinstance(item, JsonLines):
            staged += [(n, read, bound_body(read) if isinstance(read, Article) else None, True) for read in item.items()]
        else:
            staged.append((n, item, None, False))
    out: list[list] = [[] for _ in chunk]
    for (n, _, cut, parsed), prepared in zip(staged, prepare_many([s[1] for s in staged]), strict=True):
        if isinstance(prepared, Reject):
            out[n].append(prepared)
        elif parsed:
            out[n].append((prepared.article, prepared.digest, prepared.fingerprint, cut))
        else:
            article = prepared.article
            out[n].append((article.language, article.language_confidence, prepared.digest, prepared.fingerprint))
    return out


def prepare_in_workers(items: Iterable[Article | Reject | JsonLines], workers: int,
                       on_cut: Callable[[Article, int], None] = lambda article, length: None) -> Iterator[Prepared | Reject]:
    """``map(prepare, items)`` computed by ``workers`` worker processes (marsad.ingest.workers), in order; JSON
    lines are parsed there too (``on_cut`` hears of the bodies cut there, see :func:`bound_body`)."""
    with WorkerPool("marsad.ingest.pipeline:prepare_chunk", workers) as pool:
        for chunk, results in pool.imap(_worker_chunks(items)):
            for item, result in zip(chunk, results, strict=True):
                if isinstance(item, JsonLines):
                    for read in result:
                        if isinstance(read, Reject):
                            yield read
                            continue
                        article, digest, fingerprint, cut = read
                        if cut is not None:
                            on_cut(article, cut)
                        yield Prepared(article, digest, fingerprint)
                elif isinstance(result[0], Reject):
                    yield result[0]
                else:
                    item.language, item.language_confidence, digest, fingerprint = result[0]
                    yield Prepared(item, digest, fingerprint)


def _worker_chunks(items: Iterable[Article | Reject | JsonLines]) -> Iterator[list[Article | Reject | JsonLines]]:
    """Items in chunks of about WORKER_CHUNK articles: read items grouped, a batch of JSON lines a chunk of its own."""
    for lines, run in groupby(items, key=lambda item: isinstance(item, JsonLines)):
        if lines:
            yield from ([batch] for batch in run)
        else:
            yield from chunked(run, WORKER_CHUNK)


def prepare_in_chunks(items: Iterable[Article | Reject]) -> Iterator[Prepared | Reject]:
    """``map(prepare, items)`` in this process, :func:`prepare_many` a chunk at a time."""
    for chunk in chunked(items, WORKER_CHUNK):
        yield from prepare_many(chunk)


def bound_body(article: Article) -> int | None:
    """Cut a very long body (see marsad.ingest.limits) before any step sees it; its length before, if cut."""
    if len(article.body) <= MAX_BODY_CHARS:
        return None
    length = len(article.body)
    article.body = cut_body(article.body)
    return length


@dataclass
class _BatchResult:
    """What one batch transaction did; applied to the report only after it commits."""

    ids: list[int] = field(default_factory=list)
    exact_duplicates: int = 0
    near_duplicates: int = 0
    undated: int = 0
    members: dict[int, ClusterMember] = field(default_factory=dict)  # this batch's articles, for later verification


@dataclass
class _Pending:
    row: ArticleRow
    fingerprint: Fingerprint
    undated: bool


class Ingestor:
    """Feeds articles (and rejects) into the store in batches; use as a context manager or call ``close()``.

    ``after_batch`` callables run after each committed batch with the new article ids (search index,
    NLP enrichment); a failing hook is logged and does not undo the stored batch (re-run it later).
    """

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings,
        after_batch: Sequence[AfterBatch] = (),
        progress: Progress | None = None,
        total: int | None = None,
        report: IngestReport | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.after_batch = list(after_batch)
        self.progress = progress
        self.total = total
        self.report = report or IngestReport()
        self.new_ids: list[int] = []
        self._pending: list[_Pending] = []
        self._seen_hashes: set[str] = set()
        self._seen_urls: set[str] = set()
        self._shingle_cache: dict[int, ClusterMember] = {}
        self._stored_keys = KnownKeys()  # the store's articles from before this ingest (or by another writer)
        self._items = 0
        self.store.ensure_schema()

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- feeding --------------------------------------------------------------------------------
    def add(self, item: Article | Reject) -> None:
        self._consume(prepare(self._bounded(item)))

    def add_all(self, items: Iterable[Article | Reject | JsonLines], *, workers: int = 0) -> None:
        """Feed every item; with ``workers`` > 0, language id and fingerprints (and the parsing of JSON lines)
        are computed in that many worker processes while this one reads and writes (order is kept)."""
        if workers > 0:
            prepared = prepare_in_workers(map(self._bounded, items), workers, on_cut=self._note_cut)
        else:
            prepared = prepare_in_chunks(self._bounded(read) for item in items
                                         for read in (item.items() if isinstance(item, JsonLines) else (item,)))
        for item in prepared:
            self._consume(item)

    def close(self) -> IngestReport:
        self.flush()
        if self.progress is not None:
            self.progress(self._items, self.total)
        return self.report

    def _bounded(self, item: Article | Reject | JsonLines) -> Article | Reject | JsonLines:
        """Cut a very long body here, before workers or any step see it (JSON lines: where they are parsed)."""
        if isinstance(item, Article) and (length := bound_body(item)) is not None:
            self._note_cut(item, length)
        return item

    def _note_cut(self, article: Article, length: int) -> None:
        LOGGER.warning("%s: body of %d characters cut to %d (MAX_BODY_CHARS)", article.origin, length, MAX_BODY_CHARS)
        self.report.cut += 1

    def _consume(self, item: Prepared | Reject) -> None:
        self._items += 1
        if isinstance(item, Reject):
            self.report.rejects.append(item)
        else:
            self.report.read += 1
            self._add_prepared(item)
        if self.progress is not None and self._items % PROGRESS_EVERY == 0:
            self.progress(self._items, self.total)

    def _add_prepared(self, prepared: Prepared) -> None:
        article, digest = prepared.article, prepared.digest
        url = article.canonical_url or ""
        if digest in self._seen_hashes or (url and url in self._seen_urls):
            self.report.exact_duplicates += 1
            return
        self._seen_hashes.add(digest)
        if url:
            self._seen_urls.add(url)
        self._pending.append(_Pending(article_row(article, digest), prepared.fingerprint, article.published_at is None))
        if len(self._pending) >= self.settings.write_batch:
            self.flush()

    # -- writing --------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write the pending articles in ONE transaction, then run the after-batch hooks."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        try:
            with self.store.write() as con:
                result = self._write(con, batch)
        except StoreUnwritable as exc:  # every later batch would fail alike: stop, saying what is stored
            raise StoreUnwritable(f"{exc.message} ({self.report.stored} articles stored before it, whole; re-run "
                                  "the same ingest once it can write: nothing is stored twice)", detail=exc.detail) from exc
        except duckdb.Error as exc:
            LOGGER.error("batch of %d articles rolled back: %s", len(batch), exc)
            reason = f"not stored (batch rolled back): {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            self.report.rejects.extend(Reject(p.row.origin or "?", None, reason) for p in batch)
            return
        # Only now, with the batch committed, does anything it computed count.
        ids = result.ids
        self._stored_keys.wrote(ids)
        self.report.stored += len(ids)
        self.report.exact_duplicates += result.exact_duplicates
        self.report.near_duplicates += result.near_duplicates
        self.report.undated += result.undated
        for article_id, member in result.members.items():
            self._remember(article_id, member)
        self.new_ids.extend(ids)
        LOGGER.info("stored %d articles (%d near-duplicates)", len(ids), result.near_duplicates)
        if not ids:
            return
        for hook in self.after_batch:
            try:
                hook(self.store, ids)
            except Exception as exc:  # the batch is committed; a hook can be re-run later (marsad enrich / reindex)
                LOGGER.error("after-batch step %s failed for %d articles (%s: %s); the next ingest catches up",
                             getattr(hook, "__name__", hook), len(ids), type(exc).__name__, str(exc).splitlines()[0][:200])
                LOGGER.debug("after-batch step failed", exc_info=True)

    def _write(self, con: duckdb.DuckDBPyConnection, batch: list[_Pending]) -> _BatchResult:
        self._stored_keys.refresh(con)
        known_hashes, known_urls = self._stored_keys.hashes, self._stored_keys.urls
        fresh = [p for p in batch if p.row.content_hash not in known_hashes and p.row.canonical_url not in known_urls]
        result = _BatchResult(exact_duplicates=len(batch) - len(fresh), undated=sum(p.undated for p in fresh))
        if not fresh:
            return result
        first_id = store_articles.next_article_id(con)
        result.ids = list(range(first_id, first_id + len(fresh)))
        ids = result.ids
        result.near_duplicates = self._mark_near_duplicates(con, fresh, ids, result.members)
        sources = {}
        for p in fresh:
            if p.row.source_key:
                name, domain = sources.get(p.row.source_key, ("", ""))
                sources[p.row.source_key] = (name or p.row.source_name, domain or p.row.source_domain)
        source_ids = store_articles.upsert_sources(con, sources)
        store_articles.insert_articles(con, [p.row for p in fresh], ids, source_ids)
        # Near-duplicates keep band keys too: a later copy of a copy is found through them.
        keyed = [(i, p.fingerprint.bands) for i, p in zip(ids, fresh, strict=True) if p.fingerprint.bands is not None]
        store_articles.insert_bands(con, [i for i, _ in keyed], [b for _, b in keyed])
        return result

    def _mark_near_duplicates(self, con: duckdb.DuckDBPyConnection, fresh: list[_Pending], ids: list[int],
                              members: dict[int, ClusterMember]) -> int:
        """Set ``duplicate_of`` (the cluster's first article) for articles that copy an earlier article, stored
        or in this batch, original or near-duplicate itself (see marsad.ingest.dedup for what a copy is);
        collects this batch's articles in ``members`` (remembered once committed)."""
        keyed = [(i, p) for i, p in zip(ids, fresh, strict=True) if p.fingerprint.bands is not None]
        if not keyed:
            return 0
        keys = np.stack([p.fingerprint.bands for _, p in keyed])  # one row of BANDS keys per article
        stored = store_articles.band_matches(con, np.tile(np.arange(keys.shape[1], dtype=np.int16), len(keyed)), keys.ravel())
        wanted = {c for cands in stored.values() for c in cands} - self._shingle_cache.keys()
        texts = store_articles.cluster_texts(con, wanted)
        stored_shingles = batch_shingles([normalized_text(title, body) for title, body, _ in texts.values()])
        for (article_id, (title, _, root)), shingles in zip(texts.items(), stored_shingles, strict=True):
            self._remember(article_id, ClusterMember(shingles, headline_words(title), root))
        # Most articles share no key with anything: found in numpy, they skip the per-key work below. A key value
        # seen twice in the batch or among the stored matches (in any band: a superset) marks the articles to check.
        values, counts = np.unique(keys, return_counts=True)
        shared = values[counts > 1]
        if stored:
            shared = np.union1d(shared, np.fromiter((h for _, h in stored), dtype=np.uint64, count=len(stored)))
        checked = np.isin(keys, shared).any(axis=1)
        in_batch: dict[tuple[int, int], list[int]] = {}
        near = 0
        for (article_id, p), row_keys, check in zip(keyed, keys, checked.tolist(), strict=True):
            root = article_id
            if check:
                pairs = list(enumerate(row_keys.tolist()))
                # Gather only the lists that exist, then their ids, once each, oldest first.
                found = [stored[k] for k in pairs if k in stored] + [in_batch[k] for k in pairs if k in in_batch]
                candidates = sorted(set().union(*found)) if found else ()
                headline = headline_words(p.row.title) if candidates else frozenset()
                for cand in candidates:
                    member = members.get(cand) or self._shingle_cache.get(cand)
                    if member is not None and is_copy(p.fingerprint.shingles, headline, member):
                        root = p.row.duplicate_of = member.root
                        near += 1
                        break
                for k in pairs:  # later articles in this batch compare against it, copy or not
                    in_batch.setdefault(k, []).append(article_id)
            members[article_id] = ClusterMember.of_title(p.fingerprint.shingles, p.row.title, root)
        return near

    def _remember(self, article_id: int, member: ClusterMember) -> None:
        if len(self._shingle_cache) >= SHINGLE_CACHE_SIZE:
            self._shingle_cache.pop(next(iter(self._shingle_cache)))  # oldest first
        self._shingle_cache[article_id] = member


def article_row(article: Article, digest: str) -> ArticleRow:
    """The store row of a read article: published_at as naive UTC, the source's display name and web domain."""
    published = article.published_at
    if published is not None:
        published = (published if published.tzinfo else published.replace(tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
    return ArticleRow(
        body=article.body,
        content_hash=digest,
        title=article.title,
        lead=article.lead,
        url=article.url,
        canonical_url=article.canonical_url,
        source_key=article.source,
        source_name=article.source_name or article.source,
        source_domain=source_domain(article.source, article.url),
        language=article.language,
        language_confidence=article.language_confidence,
        published_at=published,
        published_tz=article.published_tz,
        published_precision=article.published_precision or "",
        date_note=article.date_note,
        author=article.author,
        dateline=article.dateline,
        category=article.category,
        origin=article.origin,
    )


def source_domain(key: str, url: str) -> str:
    """The outlet's web domain: the key itself when it is one ("alarabiya.net"), else the URL's host."""
    if key and "." in key and " " not in key and key.isascii():
        return key.lower()
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


# -- entry points ------------------------------------------------------------------------------------
def ingest(
    paths: Sequence[Path | str],
    *,
    settings: Settings,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Progress | None = None,
    after_batch: Sequence[AfterBatch] = (),
    store: Store | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Read every path (file, directory, zip) and store its articles; see the module docstring.

    ``workers``: processes for language id and fingerprints beside this one (reading and writing);
    ``None`` picks one per core for inputs of ``PARALLEL_MIN_RECORDS`` or more (or of unknown size): this
    process (reading, writing) is idle about a third of the time, so workers = cores keeps all cores busy.
    """
    store = store or Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    # http(s) URLs (feeds, pages) stay strings: Path() would fold their "//".
    paths = [p if is_http_url(p) else Path(p) for p in paths]
    total = estimate_records(paths)
    if workers is None:
        big = total is None or total >= PARALLEL_MIN_RECORDS
        workers = (os.cpu_count() or 1) if big and (os.cpu_count() or 1) > 1 else 0
    started = time.perf_counter()
    with Ingestor(store, settings=settings, after_batch=after_batch, progress=progress, total=total) as ingestor:
        finish_interrupted(store, after_batch)
        # With workers, JSON lines are parsed there too: reading and metadata are a third of an article's cost.
        items = read_all(paths, settings=settings, fmt=fmt, mapping=mapping, source=source,
                         defer=WORKER_CHUNK if workers > 0 else 0)
        ingestor.add_all(items, workers=workers)
    report = ingestor.report
    LOGGER.info("ingest of %d path(s) with %d worker(s): %s in %.1f s", len(paths), workers,
                report.as_dict() | {"rejects": report.rejected}, time.perf_counter() - started)
    return report


def read_all(paths: Sequence[Path | str], *, settings: Settings, fmt: str, mapping: dict[str, str] | None,
              source: str | None, defer: int = 0) -> Iterator[Article | Reject | JsonLines]:
    """Every path's items in order; a path that cannot be read at all becomes one reject line. ``defer``: JSON
    lines files give :class:`JsonLines` of that many lines, for workers to parse (see ``read_path``).

    An http(s) URL is fetched (with the watcher's time and size limits) and read like a file: a feed
    gives its items, a page its article.
    """
    from marsad.ingest.readers import read_bytes, read_path  # the readers pull in trafilatura etc.: load on use

    for path in paths:
        try:
            if is_http_url(path):
                page = fetch(str(path), settings=settings)
                yield from read_bytes(page.data, name=str(path), fmt=fmt, url=page.url or str(path),
                                      settings=settings, mapping=mapping, source=source)
            else:
                yield from read_path(path, fmt=fmt, mapping=mapping, settings=settings, source=source, defer=defer)
        except MarsadError as exc:  # a missing path, a failed fetch: the other paths go on
            LOGGER.debug("rejected %s: %s", path, exc.detail)
            yield Reject(str(path), None, exc.message)


def estimate_records(paths: Sequence[Path | str]) -> int | None:
    """How many records the paths hold, when that is cheap to know (line files, single pages, Parquet footers);
    else None."""
    total = 0
    for path in paths:
        if is_http_url(path) or not Path(path).is_file():
            return None
        path = Path(path)
        name = path.name.lower()
        if name.endswith(_SINGLE_DOCUMENT_FORMATS):
            total += 1
        elif name.endswith(".parquet"):
            from marsad.ingest.readers.parquet import row_count

            rows = row_count(path)
            if rows is None:
                return None
            total += rows
        elif name.endswith(_LINE_FORMATS) and path.stat().st_size <= MAX_COUNT_BYTES:
            from marsad.ingest.readers.streams import Unbombed

            try:
                with path.open("rb") as raw:
                    fh = Unbombed(gzip.GzipFile(fileobj=raw), raw, name=str(path)) if name.endswith(".gz") else raw
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""))
            except (OSError, EOFError, MarsadError):  # corrupt gzip, a bomb: the reader reports it; progress has no total
                return None
        else:
            return None
    return total


# The catch-up of each standard after-batch step ("module:function" taking the store): the step's work on every
# stored article it has not done yet (the articles of a batch whose steps a kill cut short).
_CATCH_UPS = {
    "marsad.store.search.index_stored": "marsad.store.search:catch_up",
    "marsad.ingest.enrich.enrich_stored": "marsad.ingest.enrich:enrich_unenriched",
    "marsad.ingest.topics.assign_new": "marsad.ingest.topics:assign_new",
    "marsad.ingest.stories.assign_new": "marsad.ingest.stories:assign_pending",
}


def finish_interrupted(store: Store, hooks: Sequence[AfterBatch]) -> None:
    """Run the catch-up of each standard step among ``hooks``, in their order, so re-running an ingest that was
    killed completes it even when every article it reads is stored already. Cheap when nothing is left (a
    count or one lookup per step). Other hooks have no catch-up and are left alone."""
    import importlib

    for hook in hooks:
        target = _CATCH_UPS.get(f"{getattr(hook, '__module__', '')}.{getattr(hook, '__qualname__', '')}")
        if target is None:
            continue
        module, name = target.split(":")
        try:
            getattr(importlib.import_module(module), name)(store)
        except Exception as exc:  # like a failing hook: logged; the ingest goes on and the step can be re-run
            LOGGER.error("catching up %s failed (%s: %s)", target, type(exc).__name__, str(exc).splitlines()[0][:200])
            LOGGER.debug("catch-up failed", exc_info=True)


def standard_hooks(*, enrich: bool = True) -> list[AfterBatch]:
    """The after-batch steps a normal ingest runs, each ``(store, article_ids)``: search indexing, then (unless
    ``enrich=False``) entities/places/keywords, topic assignment and stories — in that order, since topic and
    story assignment read the enriched articles. Imported here, not at module level, so plain reading stays light.
    """
    from marsad.store.search import index_stored

    hooks: list[AfterBatch] = [index_stored]
    if enrich:
        from marsad.ingest.enrich import enrich_stored
        from marsad.ingest.stories import assign_new as assign_stories
        from marsad.ingest.topics import assign_new

        hooks += [enrich_stored, assign_new, assign_stories]
    return hooks
