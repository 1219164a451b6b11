"""``marsad import-parquet``: a lake (marsad.lake.layout), or the months of a date range of it, into the embedded
store, for interactive use in the dashboard.

Everything goes through the store's own writes, the paths ``marsad ingest`` takes: articles and their LSH band keys
(insert_articles, insert_bands, one transaction per batch), enrichment (marsad.store.enrichment.write_enrichment:
entities matched by key, new ones numbered after the store's), topics, then the search index (index_stored).

Idempotent: an article whose content hash or canonical URL the store already holds is skipped with everything it
carries, so importing the same lake twice adds nothing — except that a stored article never enriched (an import
killed between a batch's articles and its enrichment) gets the lake's enrichment: re-running finishes the import. Lake ids become store ids (the next free ones, in lake id
order); a near-duplicate whose original is neither imported nor stored becomes an original.

Topics: into a store without a fit, the lake's topics come along with their ids and its model file (``_models/``),
so later ingests assign with the same model. Into a store whose live fit is the lake's (same version and topic
ids: the lake was written with ``--topics-model`` of this store), the lake's weights are stored. Otherwise the
store's own model assigns the new articles (marsad.ingest.topics.assign_new), as for any ingest.

Stories (the lake's ``stories``/``article_stories``, marsad.ingest.lake_stories): into a store without stories, the
lake's assignments come along (story ids are article ids, mapped like them), so a store imported from a lake has the
stories the embedded path gives the same input. Story assignment is order-dependent: into a store that already has
stories, or for articles whose story began outside an imported date range (or a lake without story tables), the
store's own assignment places the new articles (marsad.ingest.stories.assign_new), as for any ingest.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from marsad.errors import MarsadError
from marsad.ingest.dedup import MinHasher, normalized_text
from marsad.ingest.stories import assign_new as assign_stories
from marsad.ingest.topics import assign_new
from marsad.lake.layout import months_between, present_months, read_parquet_sql, table_path
from marsad.models import Mention
from marsad.nlp.topics import load_models
from marsad.store import Store
from marsad.store import articles as store_articles
from marsad.store import stories as store_stories
from marsad.store import topics as store_topics
from marsad.store.articles import ArticleRow
from marsad.store.enrichment import AnnotatedArticle, EntityRecord, PlaceRow, write_enrichment
from marsad.store.search import index_stored

LOGGER = logging.getLogger(__name__)

# Lake articles written per store transaction (the ingest loop's batch size: short write locks).
IMPORT_BATCH = 500
LAKE_MODELS = Path("_models") / "topics.npz"


@dataclass
class ImportReport:
    months: int = 0
    read: int = 0
    stored: int = 0
    already_stored: int = 0
    finished: int = 0  # of those, articles an interrupted import had left un-enriched: their enrichment written now
    mentions: int = 0
    new_entities: int = 0
    keywords: int = 0
    topics: str = ""  # what happened to topics: "lake fit", "lake weights", "assigned by the store's model", "none"
    stories: str = ""  # "lake stories" (the lake's assignments, some completed by the store's) or "assigned"
    indexed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _rows(lake_con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    cur = lake_con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _article_row(r: dict, source: dict | None) -> ArticleRow:
    return ArticleRow(
        body=r["body"], content_hash=r["content_hash"], title=r["title"] or "", lead=r["lead"] or "",
        url=r["url"] or "", canonical_url=r["canonical_url"] or "", source_key=source["key"] if source else "",
        source_name=source["name"] if source else "", source_domain=(source["domain"] or "") if source else "",
        language=r["language"] or "", language_confidence=r["language_confidence"] or 0.0,
        published_at=r["published_at"], published_tz=r["published_tz"] or "",
        published_precision=r["published_precision"] or "", date_note=r["date_note"] or "", author=r["author"] or "",
        dateline=r["dateline"] or "", category=r["category"] or "", origin=r["origin"] or "",
    )


class _Lake:
    """Read access to one lake's tables (an in-memory DuckDB over its Parquet files)."""

    def __init__(self, lake: Path) -> None:
        self.lake = lake
        self.con = duckdb.connect()
        self.sources = {r["id"]: r for r in _rows(self.con, f"SELECT * FROM {read_parquet_sql(lake, 'sources')}")}
        self.entities = {r["id"]: r for r in _rows(self.con, f"SELECT * FROM {read_parquet_sql(lake, 'entities')}")}
        self.aliases: dict[int, list[str]] = {}
        for r in _rows(self.con, f"SELECT entity_id, alias FROM {read_parquet_sql(lake, 'aliases')} ORDER BY ALL"):
            self.aliases.setdefault(r["entity_id"], []).append(r["alias"])
        self.places = {r["entity_id"]: r for r in _rows(self.con, f"SELECT * FROM {read_parquet_sql(lake, 'places')}")}

    def of_month(self, name: str, month: str, where: str = "", params: Sequence[object] = ()) -> list[dict]:
        return _rows(self.con, f"SELECT * FROM {read_parquet_sql(self.lake, name, months=[month])} {where}", params)


def import_lake(store: Store, lake: Path | str, *, since: date | None = None, until: date | None = None) -> ImportReport:
    """Load lake ``lake`` (articles published in [since, until] when given, inclusive) into ``store``."""
    started = time.perf_counter()
    lake = Path(lake)
    if not table_path(lake, "articles").is_dir():
        raise MarsadError(f"{lake}: not a Marsad lake (no articles/ folder; write one with `marsad enrich --engine spark`)")
    store.ensure_schema()
    source = _Lake(lake)
    report = ImportReport()
    months = months_between(since, until, present_months(lake))
    report.months = len(months)
    topic_mode, topic_version = _topic_mode(store, source)
    with store.read() as con:
        had_stories = con.execute("SELECT count(*) FROM article_stories").fetchall()[0][0] > 0
    id_map: dict[int, int] = {}  # lake id → store id, for duplicate_of across batches
    new_ids: list[int] = []
    for month in months:
        where, params = "WHERE TRUE", []
        if since:
            where, params = where + " AND published_at >= ?", [*params, datetime.combine(since, datetime.min.time())]
        if until:
            where += " AND published_at < ?::DATE + 1"
            params.append(until)
        rows = source.of_month("articles", month, where + " ORDER BY id", params)
        report.read += len(rows)
        for start in range(0, len(rows), IMPORT_BATCH):
            batch = rows[start : start + IMPORT_BATCH]
            ids, to_enrich = _store_articles(store, source, batch, id_map, report)
            new_ids += ids
            if to_enrich:
                _store_enrichment(store, source, month, to_enrich, id_map, report, topic_mode, topic_version)
    report.topics = _finish_topics(store, lake, source, topic_mode, new_ids)
    report.stories = _finish_stories(store, source, months, id_map, had_stories)
    report.indexed = index_stored(store, new_ids) if new_ids else 0
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info("import of %s: %s", lake, report.as_dict())
    return report


def _unfinished(con, rows: list[dict]) -> dict[str, int]:
    """Store ids, by content hash, of the stored articles among ``rows`` that were never enriched: an import
    interrupted between storing a batch and writing its enrichment leaves such articles."""
    hashes = [r["content_hash"] for r in rows if r["pipeline_version"]]
    if not hashes:
        return {}
    found = con.execute("SELECT content_hash, min(id) FROM articles WHERE pipeline_version = 0 AND content_hash IN "
                        "(SELECT unnest(?::VARCHAR[])) GROUP BY content_hash", [hashes]).fetchall()
    return dict(found)


def _store_articles(store: Store, source: _Lake, batch: list[dict], id_map: dict[int, int],
                    report: ImportReport) -> tuple[list[int], list[dict]]:
    """Insert the batch's articles the store lacks, with band keys. Returns their new store ids (lake id order)
    and the lake rows whose enrichment to write: theirs, and that of stored articles an interrupted import left
    un-enriched."""
    hasher = MinHasher()
    with store.write() as con:
        known_hashes = store_articles.existing_hashes(con, [r["content_hash"] for r in batch])
        known_urls = store_articles.existing_urls(con, [r["canonical_url"] or "" for r in batch])
        fresh = [r for r in batch if r["content_hash"] not in known_hashes and (r["canonical_url"] or "") not in known_urls]
        report.already_stored += len(batch) - len(fresh)
        unfinished = _unfinished(con, [r for r in batch if r["content_hash"] in known_hashes])
        finish = [r for r in batch if r["content_hash"] in unfinished]
        id_map.update({r["id"]: unfinished[r["content_hash"]] for r in finish})
        report.finished += len(finish)
        if not fresh:
            return [], finish
        first = store_articles.next_article_id(con)
        ids = list(range(first, first + len(fresh)))
        id_map.update({r["id"]: i for r, i in zip(fresh, ids, strict=True)})
        rows = []
        for r in fresh:
            row = _article_row(r, source.sources.get(r["source_id"]))
            row.duplicate_of = id_map.get(r["duplicate_of"]) if r["duplicate_of"] is not None else None
            rows.append(row)
        sources = {}
        for row in rows:
            if row.source_key:
                sources.setdefault(row.source_key, (row.source_name, row.source_domain))
        source_ids = store_articles.upsert_sources(con, sources)
        store_articles.insert_articles(con, rows, ids, source_ids)
        # Band keys, as the ingest loop stores them: later ingests find near-duplicates of imported articles.
        prints = [(i, hasher.fingerprint(normalized_text(r.title, r.body), normalized=True).bands) for i, r in zip(ids, rows, strict=True)]
        keyed = [(i, b) for i, b in prints if b is not None]
        store_articles.insert_bands(con, [i for i, _ in keyed], [b for _, b in keyed])
    report.stored += len(ids)
    return ids, fresh + finish


def _store_enrichment(store: Store, source: _Lake, month: str, fresh: list[dict], id_map: dict[int, int],
                      report: ImportReport, topic_mode: str, topic_version: int) -> None:
    lake_ids = [r["id"] for r in fresh]
    where = "WHERE article_id IN (SELECT unnest(?::BIGINT[])) ORDER BY article_id"
    mention_rows = source.of_month("mentions", month, where, [lake_ids])
    mentions: dict[int, list[Mention]] = {}
    for m in mention_rows:
        e = source.entities[m["entity_id"]]
        mentions.setdefault(m["article_id"], []).append(Mention(m["surface"], e["type"], m["start"], m["end"], e["key"],
                                                                e["name_ar"] or "", e["name_en"] or "", field=m["field"]))
    keywords: dict[int, list[tuple[str, float]]] = {}
    for k in source.of_month("keywords", month, where, [lake_ids]):
        keywords.setdefault(k["article_id"], []).append((k["keyword"], k["score"]))
    used = sorted({m["entity_id"] for m in mention_rows})
    entities = [EntityRecord(e["key"], e["type"], e["name_ar"] or "", e["name_en"] or "", bool(e["curated"]),
                             tuple(source.aliases.get(eid, ()))) for eid in used if (e := source.entities[eid])]
    places = [PlaceRow(source.entities[eid]["key"], p["name"], p["country"], p["lat"], p["lon"], p["geonameid"], p["kind"])
              for eid in used if (p := source.places.get(eid))]
    # Each article keeps its lake pipeline version (0: the lake could not enrich it; `marsad enrich` will).
    by_version: dict[int, list[AnnotatedArticle]] = {}
    for r in fresh:
        by_version.setdefault(r["pipeline_version"], []).append(
            AnnotatedArticle(id_map[r["id"]], r["language"] or "", mentions.get(r["id"], []), keywords.get(r["id"], [])))
    for version, annotated in sorted(by_version.items()):
        counts = write_enrichment(store, annotated, entities=entities, places=places, pipeline_version=version)
        report.mentions += counts.mentions
        report.new_entities += counts.new_entities
        report.keywords += counts.keywords
    if topic_mode in ("lake fit", "lake weights"):
        weights = [(id_map[t["article_id"]], t["topic_id"], t["weight"])
                   for t in source.of_month("article_topics", month, where, [lake_ids])]
        if weights:
            store_topics.write_article_topics(store, weights, model_version=topic_version)


def _lake_topics(source: _Lake) -> list[dict]:
    return _rows(source.con, f"SELECT * FROM {read_parquet_sql(source.lake, 'topics')} ORDER BY id")


def _topic_mode(store: Store, source: _Lake) -> tuple[str, int]:
    """How the import treats topics (see the module docstring), and the model version weights are written under.
    A store without a fit gets the lake's topics now, so the weights written per batch belong to a live fit."""
    topics = _lake_topics(source)
    if not topics:
        return "none", 0
    version = int(topics[0]["model_version"])
    if store_topics.fitted_version(store) == 0:
        by_lang: dict[str, list[tuple[int, str, list[str]]]] = {}
        for t in topics:
            by_lang.setdefault(t["language"], []).append((t["id"], t["label"], list(t["terms"])))
        store_topics.replace_fit(store, version=version, topics=by_lang, weights=[])
        return "lake fit", version
    with store.read() as con:
        live = {(r[0], r[1]) for r in con.execute("SELECT id, label FROM topics WHERE active").fetchall()}
    if store_topics.fitted_version(store) == version and live == {(t["id"], t["label"]) for t in topics}:
        return "lake weights", version
    return "assigned by the store's model", 0


def _finish_topics(store: Store, lake: Path, source: _Lake, mode: str, new_ids: list[int]) -> str:
    if mode == "lake fit":
        target = store_topics.model_file(store)
        if (lake / LAKE_MODELS).is_file() and not target.exists():
            models, version = load_models(lake / LAKE_MODELS)
            if models and version == store_topics.fitted_version(store):
                shutil.copyfile(lake / LAKE_MODELS, target)
    elif mode == "assigned by the store's model" and new_ids:
        assign_new(store, new_ids)
    return mode


def _finish_stories(store: Store, source: _Lake, months: list[str], id_map: dict[int, int], had_stories: bool) -> str:
    """The imported articles' stories: the lake's, mapped to store ids, when the store had none (and the lake has
    them); then the store's own assignment for every imported article still without one."""
    mode = "assigned"
    if not had_stories and table_path(source.lake, "article_stories").is_dir():
        rows = [(id_map[r["article_id"]], id_map[r["story_id"]], r["similarity"])
                for month in months for r in source.of_month("article_stories", month)
                if r["article_id"] in id_map and r["story_id"] in id_map]
        store_stories.write_assignments(store, rows)
        mode = "lake stories"
    if id_map:
        assign_stories(store, sorted(id_map.values()))
    return mode
