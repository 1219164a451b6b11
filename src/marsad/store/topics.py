"""Writing topic models' results — the ``topics`` table and article weights — and reading the texts they need.

The fitted models themselves (vocabulary, projection, centres) are saved by marsad.nlp.topics to the file
:func:`model_file` names beside the store. Rows go in through marsad.store.bulk, one transaction per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from marsad.store import bulk
from marsad.store.db import Store

_TOPICS = pa.schema([("id", pa.int32()), ("label", pa.string()), ("terms", pa.list_(pa.string())),
                     ("language", pa.string()), ("model_version", pa.int32()), ("active", pa.bool_())])
_ARTICLE_TOPICS = pa.schema([("article_id", pa.int64()), ("topic_id", pa.int32()), ("weight", pa.float64())])

TopicText = tuple[int, str, str]  # article id, title + lead + start of body, source id ("" when unknown)


def model_file(store: Store) -> Path:
    """Where the fitted topic models of this store are saved (``<db>.topics.npz``)."""
    return store.path.with_suffix(".topics.npz")


def languages_to_fit(store: Store, *, min_articles: int) -> list[tuple[str, int]]:
    """``(language, articles)`` for each language with at least ``min_articles`` originals, largest first."""
    with store.read() as con:
        rows = con.execute(
            "SELECT language, count(*) FROM articles WHERE duplicate_of IS NULL AND language IS NOT NULL "
            "GROUP BY language HAVING count(*) >= ? ORDER BY 2 DESC",
            [min_articles],
        ).fetchall()
    return [(lang, int(n)) for lang, n in rows]


def next_topic_id(store: Store) -> int:
    with store.read() as con:
        return int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM topics").fetchall()[0][0])


def _texts(store: Store, where: str, params: list[object], *, max_chars: int) -> list[TopicText]:
    sql = (
        "SELECT a.id, coalesce(a.title, '') || '\n' || coalesce(a.lead, '') || '\n' || "
        "substr(a.body, 1, ?) AS text, coalesce(CAST(a.source_id AS VARCHAR), '') AS source "
        f"FROM articles a {where}"
    )
    with store.read() as con:
        return [(int(i), text, source) for i, text, source in con.execute(sql, [max_chars, *params]).fetchall()]


def sample_texts(store: Store, *, language: str, limit: int, max_chars: int) -> list[TopicText]:
    """Up to ``limit`` originals in ``language``: a deterministic sample (by id hash) to fit a model on."""
    return _texts(store, "WHERE a.duplicate_of IS NULL AND a.language = ? ORDER BY hash(a.id) LIMIT ?",
                  [language, limit], max_chars=max_chars)


def texts_to_assign(store: Store, *, language: str, max_chars: int, unassigned_only: bool,
                    ids: Sequence[int] | None = None) -> list[TopicText]:
    """Articles in ``language`` to give topic weights: all, or only those without any (``unassigned_only``),
    optionally among ``ids``."""
    where = "WHERE a.language = ?"
    params: list[object] = [language]
    if unassigned_only:
        where += " AND a.id NOT IN (SELECT article_id FROM article_topics)"
    if ids is not None:
        where += " AND a.id IN (SELECT unnest(?::BIGINT[]))"
        params.append([int(i) for i in ids])
    return _texts(store, where, params, max_chars=max_chars)


def replace_topics(store: Store, *, language: str, topics: Sequence[tuple[int, str, Sequence[str]]], version: int) -> None:
    """Make ``topics`` (id, label, terms) the active topics of ``language``; its other topics stay, inactive
    (saved views that name them still resolve)."""
    rows = [(tid, label, list(terms), language, version, True) for tid, label, terms in topics]
    with store.write() as con, bulk.registered(con, bulk.id_table([t[0] for t in topics], pa.int32())) as ids:
        con.execute("UPDATE topics SET active = FALSE WHERE language = ?", [language])
        con.execute(f"DELETE FROM topics WHERE id IN (SELECT id FROM {ids})")
        bulk.insert(con, "topics", bulk.rows_table(rows, _TOPICS))


def write_article_topics(store: Store, article_ids: Sequence[int], rows: Sequence[tuple[int, int, float]], *,
                         replace: bool) -> None:
    """Store ``(article_id, topic_id, weight)`` rows for ``article_ids`` in one transaction, first deleting those
    articles' old rows when ``replace``."""
    with store.write() as con:
        if replace:
            with bulk.registered(con, bulk.id_table(article_ids)) as batch:
                con.execute(f"DELETE FROM article_topics WHERE article_id IN (SELECT id FROM {batch})")
        bulk.insert(con, "article_topics", bulk.rows_table(rows, _ARTICLE_TOPICS))
