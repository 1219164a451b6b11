"""Writing topic models' results — the ``topics`` table and article weights — and reading the texts they need.

The fitted models themselves (vocabulary, projection, centres) are saved by marsad.nlp.topics to the file
:func:`model_file` names beside the store. Rows go in through marsad.store.bulk.

A fit and its file are published together (see marsad.ingest.topics.fit): the store is the record of which fit is
live — ``fitted_version`` is the model version of its newest topics — and a fit's topics and ALL its article
weights are one transaction (:func:`replace_fit`), so a kill leaves the old fit or the new one, never a mix.
Weights of new articles are written only while the fit they were computed under is still the live one
(:func:`write_article_topics` checks inside its transaction).
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


MODEL_SUFFIX = ".topics.npz"
PENDING_SUFFIX = ".topics.next.npz"


def model_file(store: Store) -> Path:
    """Where the fitted topic models of this store are saved: named after the store's full file name
    (``news.duckdb.topics.npz``), so ``news.duckdb`` and ``news.db`` never share one."""
    return store.path.with_name(store.path.name + MODEL_SUFFIX)


def pending_model_file(store: Store) -> Path:
    """Where a fit saves its models before its transaction commits (``news.duckdb.topics.next.npz``)."""
    return store.path.with_name(store.path.name + PENDING_SUFFIX)


def legacy_model_files(store: Store) -> list[Path]:
    """The pending and the saved model file of the naming before :func:`model_file` (``news.topics.npz``, which
    ``news.duckdb`` and ``news.db`` shared), pending first (see marsad.ingest.topics.live_models)."""
    return [store.path.with_suffix(PENDING_SUFFIX), store.path.with_suffix(MODEL_SUFFIX)]


def active_topics(store: Store) -> dict[str, list[tuple[int, str]]]:
    """``(id, label)`` of the active topics per language, by id: what the live fit's model file must hold."""
    with store.read() as con:
        rows = con.execute("SELECT language, id, label FROM topics WHERE active ORDER BY id").fetchall()
    out: dict[str, list[tuple[int, str]]] = {}
    for lang, tid, label in rows:
        out.setdefault(lang, []).append((int(tid), label))
    return out


def fitted_version(store: Store) -> int:
    """The model version of the live fit: that of the newest topics stored (0 when none were)."""
    with store.read() as con:
        return int(con.execute("SELECT coalesce(max(model_version), 0) FROM topics").fetchall()[0][0])


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


def replace_fit(store: Store, *, version: int, topics: dict[str, Sequence[tuple[int, str, Sequence[str]]]],
                weights: Sequence[tuple[int, int, float]]) -> None:
    """Make a fit live in ONE transaction: per language, ``topics`` (id, label, terms) become its active topics (its
    other topics stay, inactive, so saved views that name them still resolve), and every article in these
    languages loses its old weights for ``weights`` (article id, topic id, weight) — also articles stored since
    the fit read its texts, which get theirs from the next assign."""
    rows = [(tid, label, list(terms), lang, version, True) for lang, found in topics.items() for tid, label, terms in found]
    with store.write() as con, bulk.registered(con, bulk.id_table([r[0] for r in rows], pa.int32())) as ids, \
            bulk.registered(con, pa.table({"language": pa.array(list(topics), pa.string())})) as langs:
        con.execute(f"UPDATE topics SET active = FALSE WHERE language IN (SELECT language FROM {langs})")
        con.execute(f"DELETE FROM topics WHERE id IN (SELECT id FROM {ids})")
        bulk.insert(con, "topics", bulk.rows_table(rows, _TOPICS))
        con.execute(f"DELETE FROM article_topics WHERE article_id IN (SELECT id FROM articles WHERE language IN "
                    f"(SELECT language FROM {langs}))")
        bulk.insert(con, "article_topics", bulk.rows_table(weights, _ARTICLE_TOPICS))


def write_article_topics(store: Store, rows: Sequence[tuple[int, int, float]], *, model_version: int) -> bool:
    """Store ``(article_id, topic_id, weight)`` rows computed under the fit of ``model_version``, in one transaction,
    for articles that have no weights yet (two assigns of the same articles never double them); False (nothing
    written) when another fit went live since: those ids may be retired, the articles stay for the next assign."""
    with store.write() as con:
        live = con.execute("SELECT coalesce(max(model_version), 0) FROM topics").fetchall()[0][0]
        if live != model_version:
            return False
        with bulk.registered(con, bulk.rows_table(rows, _ARTICLE_TOPICS)) as new:
            con.execute(f"INSERT INTO article_topics SELECT * FROM {new} WHERE article_id NOT IN "
                        "(SELECT article_id FROM article_topics)")
    return True
