"""Reading what story assignment needs and writing which story each article is in (``stories``, ``article_stories``).

The assignment itself is marsad.nlp.stories; marsad.ingest.stories runs it after each ingest batch. Writes are one
short transaction per batch; an article gets its story once (a second write of the same article is ignored), so a
batch assigned twice (a hook and its catch-up) never doubles a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from marsad.store import bulk
from marsad.store.db import Store

_ASSIGNMENTS = pa.schema([("article_id", pa.int64()), ("story_id", pa.int64()), ("similarity", pa.float64())])


@dataclass(frozen=True)
class StoryRow:
    """An article as story assignment reads it."""

    id: int
    published_at: datetime | None
    language: str
    title: str
    lead: str
    body_start: str
    duplicate_of: int | None
    entities: frozenset[str]  # keys of the entities mentioned in the first ``entity_chars`` of the body


_ROW_SQL = """
SELECT a.id, a.published_at, coalesce(a.language, ''), coalesce(a.title, ''), coalesce(a.lead, ''),
       substr(a.body, 1, $body_chars), a.duplicate_of,
       list(DISTINCT e.key ORDER BY e.key) FILTER (WHERE e.key IS NOT NULL) AS keys{story}
FROM articles a{join}
LEFT JOIN mentions m ON m.article_id = a.id AND m.field = 'body' AND m.start < $entity_chars
LEFT JOIN entities e ON e.id = m.entity_id
WHERE {where}
GROUP BY ALL
ORDER BY a.id
"""


def _rows(store: Store, where: str, params: dict[str, object], *, ids: Sequence[int] | None, in_stories: bool,
          body_chars: int, entity_chars: int) -> list[tuple]:
    sql = _ROW_SQL.format(where=where, story=", s.story_id" if in_stories else "",
                          join=" JOIN article_stories s ON s.article_id = a.id" if in_stories else "")
    params = {**params, "body_chars": body_chars, "entity_chars": entity_chars}
    with store.read() as con:
        if ids is None:
            return con.execute(sql, params).fetchall()
        with bulk.registered(con, bulk.id_table(ids)) as wanted:
            return con.execute(sql.replace("$ids", f"(SELECT id FROM {wanted})"), params).fetchall()


def _story_row(r: tuple) -> StoryRow:
    return StoryRow(int(r[0]), r[1], r[2], r[3], r[4], r[5] or "", r[6], frozenset(r[7] or ()))


def story_rows(store: Store, ids: Sequence[int], *, body_chars: int, entity_chars: int) -> list[StoryRow]:
    """The articles ``ids`` (in id order)."""
    if not ids:
        return []
    rows = _rows(store, "a.id IN $ids", {}, ids=ids, in_stories=False, body_chars=body_chars, entity_chars=entity_chars)
    return [_story_row(r) for r in rows]


def rows_in_stories(store: Store, start: datetime, end: datetime, *, body_chars: int,
                    entity_chars: int) -> list[tuple[StoryRow, int]]:
    """``(article, story id)`` for every article in a story published from ``start`` to ``end`` (inclusive)."""
    rows = _rows(store, "a.published_at BETWEEN $start AND $end", {"start": start, "end": end}, ids=None,
                 in_stories=True, body_chars=body_chars, entity_chars=entity_chars)
    return [(_story_row(r), int(r[8])) for r in rows]


def rows_by_id_in_stories(store: Store, ids: Sequence[int], *, body_chars: int,
                          entity_chars: int) -> list[tuple[StoryRow, int]]:
    """``(article, story id)`` for those of the articles ``ids`` that are in a story."""
    if not ids:
        return []
    rows = _rows(store, "a.id IN $ids", {}, ids=ids, in_stories=True, body_chars=body_chars, entity_chars=entity_chars)
    return [(_story_row(r), int(r[8])) for r in rows]


def entity_frequencies(store: Store, keys: Sequence[str]) -> tuple[dict[str, int], int, set[str]]:
    """For ``keys``: how many articles mention each, how many articles were enriched (the ``N`` of an idf), and
    which of them are countries or regions (places of kind country/region)."""
    if not keys:
        return {}, 0, set()
    table = pa.table({"key": pa.array(sorted(set(keys)), pa.string())})
    with store.read() as con, bulk.registered(con, table) as wanted:
        df = dict(con.execute(
            f"SELECT e.key, count(DISTINCT m.article_id) FROM entities e JOIN mentions m ON m.entity_id = e.id "
            f"WHERE e.key IN (SELECT key FROM {wanted}) GROUP BY e.key").fetchall())
        n = con.execute("SELECT count(*) FROM articles WHERE pipeline_version > 0").fetchall()[0][0]
        broad = {k for (k,) in con.execute(
            f"SELECT e.key FROM entities e JOIN places p ON p.entity_id = e.id "
            f"WHERE e.key IN (SELECT key FROM {wanted}) AND p.kind IN ('country', 'region')").fetchall()}
    return {k: int(v) for k, v in df.items()}, int(n), broad


def pending_ids(store: Store, ids: Sequence[int] | None = None) -> list[int]:
    """Enriched articles (among ``ids``, or all) that could join a story and have none yet: dated articles and
    near-duplicates, oldest publication first (undated originals never join one; see marsad.nlp.stories)."""
    where = ("a.pipeline_version > 0 AND (a.published_at IS NOT NULL OR a.duplicate_of IS NOT NULL) "
             "AND a.id NOT IN (SELECT article_id FROM article_stories)")
    with store.read() as con:
        if ids is None:
            rows = con.execute(f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.published_at NULLS LAST, a.id")
            return [int(i) for (i,) in rows.fetchall()]
        with bulk.registered(con, bulk.id_table(ids)) as wanted:
            rows = con.execute(f"SELECT a.id FROM articles a WHERE {where} AND a.id IN (SELECT id FROM {wanted}) "
                               "ORDER BY a.published_at NULLS LAST, a.id")
            return [int(i) for (i,) in rows.fetchall()]


def write_assignments(store: Store, rows: Sequence[tuple[int, int, float]]) -> int:
    """Store ``(article_id, story_id, similarity)`` rows in one transaction, for articles that have no story yet;
    stories not yet known are created. Returns how many articles got their story."""
    if not rows:
        return 0
    with store.write() as con, bulk.registered(con, bulk.rows_table(rows, _ASSIGNMENTS)) as new:
        con.execute(f"INSERT INTO stories SELECT DISTINCT story_id, now() FROM {new} "
                    "WHERE story_id NOT IN (SELECT id FROM stories)")
        written = con.execute(f"INSERT INTO article_stories SELECT * FROM {new} "
                              "WHERE article_id NOT IN (SELECT article_id FROM article_stories)").fetchall()[0][0]
    return int(written)


def clear(store: Store) -> None:
    """Forget every story (``marsad stories rebuild`` then assigns them all again)."""
    with store.write() as con:
        con.execute("DELETE FROM article_stories")
        con.execute("DELETE FROM stories")
