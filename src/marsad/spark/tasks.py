"""What runs inside Spark's Python workers: functions from an iterator of pandas batches to an iterator of pandas
batches (``DataFrame.mapInPandas``), each calling the very functions the embedded path calls.

- :func:`read_files`: paths (or shares of a Parquet file's row groups) → read articles (marsad.ingest.readers),
  bodies cut like the ingest loop cuts them, language, content hash and MinHash fingerprint
  (marsad.ingest.pipeline.prepare), or a reject.
- :func:`verify_pairs`: LSH candidate pairs → the pairs that are near-duplicates (marsad.ingest.dedup.is_copy).
- :func:`enrich_rows`: articles → entities, mentions, places, keywords (marsad.nlp.pipeline.enrich_batch, as
  marsad.ingest.enrich batches it) and topic weights (the topic model's ``assignments``), as JSON per article.

Models are loaded once per worker process, never per row or batch: the nlp steps cache theirs (functools.cache),
and :func:`topic_models` caches the topic model file. Spark reuses its Python workers between tasks
(``spark.python.worker.reuse``, on by default), so a process loads them once for the whole run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from marsad.config import Settings
from marsad.ingest.dedup import ClusterMember, headline_words, is_copy
from marsad.ingest.enrich import BATCH_SIZE, EnrichReport, entity_records, one_by_one, place_rows
from marsad.ingest.limits import MAX_BODY_CHARS, cut_body
from marsad.ingest.pipeline import article_row, prepare
from marsad.lake.export import term_rows
from marsad.lake.layout import schema
from marsad.models import Article, Reject
from marsad.nlp.pipeline import enrich_batch
from marsad.nlp.topics import MAX_CHARS, TopicModel, load_models
from marsad.store.articles import article_values
from marsad.text.normalize import is_arabic, normalize

LOGGER = logging.getLogger(__name__)

# Rows per pandas batch handed back to Spark by the reader: bounds a worker's memory on a big export.
READ_CHUNK = 500

# Columns of what read_files yields, in order, as a Spark DDL schema (article columns as marsad.store.articles
# names them; shingles and bands as signed 64-bit views of dedup's unsigned hashes).
READ_SCHEMA = (
    "file_idx INT, rec_idx INT, origin STRING, reject STRING, cut BOOLEAN, url STRING, canonical_url STRING, "
    "source_key STRING, source_name STRING, source_domain STRING, title STRING, lead STRING, body STRING, "
    "language STRING, language_confidence DOUBLE, published_at TIMESTAMP_NTZ, published_tz STRING, "
    "published_precision STRING, date_note STRING, author STRING, dateline STRING, category STRING, "
    "content_hash STRING, shingles ARRAY<BIGINT>, bands ARRAY<BIGINT>"
)
_READ_COLUMNS = [c.split(" ")[0] for c in READ_SCHEMA.split(", ")]

PAIR_SCHEMA = "id BIGINT, candidate BIGINT"
ENRICH_SCHEMA = "article_id BIGINT, enriched BOOLEAN, payload STRING"


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns)
    if "published_at" in frame:  # all-None batches would be object columns Arrow cannot read as timestamps
        frame["published_at"] = pd.to_datetime(frame["published_at"]).astype("datetime64[us]")
    return frame


def _read_row(file_idx: int, rec_idx: int, item: Article | Reject, cut: bool) -> dict:
    prepared = prepare(item)
    if isinstance(prepared, Reject):
        return {"file_idx": file_idx, "rec_idx": rec_idx, "origin": prepared.file, "reject": str(prepared), "cut": False}
    row = article_row(prepared.article, prepared.digest)
    fingerprint = prepared.fingerprint
    values = article_values(row)
    values.pop("duplicate_of")
    return values | {
        "file_idx": file_idx, "rec_idx": rec_idx, "reject": None, "cut": cut, "source_key": row.source_key or None,
        "source_name": row.source_name or None, "source_domain": row.source_domain or None,
        "shingles": fingerprint.shingles.view(np.int64).tolist(),
        "bands": None if fingerprint.bands is None else fingerprint.bands.astype(np.int64).tolist(),
    }


def read_files(batches: Iterator[pd.DataFrame], *, settings: Settings, fmt: str = "auto",
               mapping: dict[str, str] | None = None, source: str | None = None) -> Iterator[pd.DataFrame]:
    """``(file_idx, path, row_groups, first_rec)`` rows → one row per record of each file (:data:`READ_SCHEMA`),
    ``rec_idx`` counting records in reading order; ``reject`` says why a record is no article. ``row_groups``
    (null: the whole file) is a share of a large Parquet file's row groups whose first row is record ``first_rec``
    of the file (marsad.spark.pipeline.read_tasks)."""
    from marsad.ingest.readers import read_path
    from marsad.ingest.readers.parquet import read_parquet

    rows: list[dict] = []
    for batch in batches:
        for file_idx, path, row_groups, first_rec in zip(batch["file_idx"], batch["path"], batch["row_groups"],
                                                         batch["first_rec"], strict=True):
            try:
                if row_groups is None:
                    items = read_path(Path(path), fmt=fmt, mapping=mapping, settings=settings, source=source)
                else:
                    items = read_parquet(Path(path), name=str(path), settings=settings, mapping=mapping, source=source,
                                         row_groups=[int(g) for g in row_groups])
                for rec_idx, item in enumerate(items, start=int(first_rec)):
                    cut = isinstance(item, Article) and len(item.body) > MAX_BODY_CHARS
                    if cut:
                        item.body = cut_body(item.body)
                    rows.append(_read_row(int(file_idx), rec_idx, item, cut))
                    if len(rows) >= READ_CHUNK:
                        yield _frame(rows, _READ_COLUMNS)
                        rows = []
            except Exception as exc:  # noqa: BLE001 — like the embedded loop: a file that cannot be read is one reject
                LOGGER.debug("%s cannot be read", path, exc_info=True)
                reason = f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
                rows.append({"file_idx": int(file_idx), "rec_idx": -1, "origin": str(path), "cut": False,
                             "reject": str(Reject(str(path), None, reason))})
    if rows:
        yield _frame(rows, _READ_COLUMNS)


def _member(shingles, title: str | None) -> ClusterMember:
    return ClusterMember(np.asarray(shingles, dtype=np.int64).view(np.uint64), headline_words(title or ""), 0)


def verify_pairs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Candidate pairs ``(id, candidate, shingles, title, c_shingles, c_title)`` → the pairs ``(id, candidate)``
    where article ``id`` is a near-duplicate of the earlier ``candidate`` (dedup's own test)."""
    for batch in batches:
        keep = [
            is_copy(mine.shingles, mine.headline, _member(cs, ct))
            for mine, cs, ct in (
                (_member(s, t), cs, ct)
                for s, t, cs, ct in zip(batch["shingles"], batch["title"], batch["c_shingles"], batch["c_title"], strict=True)
            )
        ]
        yield batch.loc[keep, ["id", "candidate"]].reset_index(drop=True)


@cache
def topic_models(path: str) -> dict[str, TopicModel]:
    """The topic models saved at ``path`` (once per worker process); {} for no file."""
    return load_models(Path(path))[0] if path else {}


def topic_text(title: str | None, lead: str | None, body: str) -> str:
    """What the topic model reads of an article: title, lead and the start of the body — the text
    marsad.store.topics gives it on the embedded path (``title || '\\n' || lead || '\\n' || substr(body, 1, n)``)."""
    return f"{title or ''}\n{lead or ''}\n{body[:MAX_CHARS]}"


# The JSON of one article's enrichment, as Spark parses it (from_json) to explode it into the lake's tables.
PAYLOAD_SCHEMA = (
    "mentions ARRAY<STRUCT<key: STRING, start: INT, `end`: INT, surface: STRING, field: STRING>>, "
    "keywords ARRAY<STRUCT<keyword: STRING, score: DOUBLE>>, "
    "entities ARRAY<STRUCT<key: STRING, type: STRING, name_ar: STRING, name_en: STRING, curated: BOOLEAN>>, "
    "aliases ARRAY<STRUCT<key: STRING, alias: STRING, norm: STRING, lang: STRING>>, "
    "places ARRAY<STRUCT<key: STRING, name: STRING, country: STRING, lat: DOUBLE, lon: DOUBLE, geonameid: BIGINT, "
    "kind: STRING>>, topics ARRAY<STRUCT<topic_id: INT, weight: DOUBLE>>"
)


def payload(article: Article | None, topics: list[tuple[int, float]]) -> str:
    """One article's enrichment (None: it failed) and topic weights as JSON (:data:`PAYLOAD_SCHEMA`): what
    marsad.ingest.enrich writes to the store — entities as ``entity_records`` gives them, their names and the
    mention surfaces as aliases (marsad.store.enrichment), places as ``place_rows``."""
    out: dict[str, list] = {"topics": [{"topic_id": t, "weight": w} for t, w in topics]}
    if article is None:
        return json.dumps(out)
    entities = entity_records([article])
    aliases = [(e.key, name, norm, "ar" if is_arabic(name) else "") for e in entities for name in e.names
               if (norm := normalize(name))]
    aliases += [(m.canonical_id, m.text, normalize(m.text), article.language or "") for m in article.entities]
    out |= {
        "mentions": [{"key": m.canonical_id, "start": m.start, "end": m.end, "surface": m.text, "field": m.field}
                     for m in article.entities],
        "keywords": [{"keyword": k, "score": s} for k, s in article.keywords],
        "entities": [{"key": e.key, "type": e.type, "name_ar": e.name_ar or None, "name_en": e.name_en or None,
                      "curated": e.curated} for e in entities],
        "aliases": [{"key": k, "alias": a, "norm": n, "lang": lang} for k, a, n, lang in aliases],
        "places": [{"key": p.entity_key, "name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
                    "geonameid": p.geonameid, "kind": p.kind} for p in place_rows([article])],
    }
    return json.dumps(out, ensure_ascii=False)


def enrich_rows(batches: Iterator[pd.DataFrame], *, topics_file: str = "") -> Iterator[pd.DataFrame]:
    """Articles ``(id, title, lead, body, language)`` → ``(article_id, enriched, payload)``: the enrichment of
    each (marsad.nlp, in batches of marsad.ingest.enrich.BATCH_SIZE like the embedded path, an article the
    pipeline raises on isolated and left un-enriched) and its topic weights, as JSON."""
    models = topic_models(topics_file)
    for batch in batches:
        out: list[dict] = []
        for start in range(0, len(batch), BATCH_SIZE):
            part = batch.iloc[start : start + BATCH_SIZE]
            loaded = [(int(i), Article(body=b, title=t or "", language=lang or ""))
                      for i, t, b, lang in zip(part["id"], part["title"], part["body"], part["language"], strict=True)]
            try:
                done = list(zip([i for i, _ in loaded], enrich_batch([a for _, a in loaded]), strict=True))
            except Exception as exc:  # noqa: BLE001 — isolated article by article, as marsad.ingest.enrich does
                LOGGER.warning("enrichment of a batch of %d failed (%s); retrying one by one", len(loaded), exc)
                done = one_by_one(loaded, EnrichReport())
            enriched = dict(done)
            texts = {int(i): topic_text(t, ld, b) for i, t, ld, b in zip(part["id"], part["title"], part["lead"],
                                                                           part["body"], strict=True)}
            weights: dict[int, list[tuple[int, float]]] = {}
            for lang, model in models.items():
                ids = [i for i, lg in zip(part["id"], part["language"], strict=True) if lg == lang]
                for i, found in zip(ids, model.assignments([texts[int(i)] for i in ids]), strict=True):
                    weights[int(i)] = found
            for article_id, _ in loaded:
                article = enriched.get(article_id)
                out.append({"article_id": article_id, "enriched": article is not None,
                            "payload": payload(article, weights.get(article_id, []))})
        yield pd.DataFrame.from_records(out, columns=["article_id", "enriched", "payload"])


def term_frames(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Articles ``(article_id, title, body, month)`` → the lake's ``terms`` rows (marsad.lake.export.term_rows:
    the search index's own tokens), in the lake's column order (marsad.lake.layout.schema)."""
    columns = schema("terms").names
    for batch in batches:
        rows = [(*row, month) for i, t, b, month in zip(batch["article_id"], batch["title"], batch["body"],
                                                        batch["month"], strict=True)
                for row in term_rows(int(i), t, b)]
        yield pd.DataFrame.from_records(rows, columns=columns)
