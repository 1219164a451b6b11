"""Full-text search index: SQLite FTS5 in a sidecar file beside the DuckDB store.

Why SQLite FTS5: DuckDB's ``fts`` extension cannot be installed offline on DuckDB 2.0; FTS5 ships with Python,
is incremental (new articles are searchable as soon as they are added, no rebuild), ranks with BM25 and lives
in its own file, so the DuckDB single-writer lock is not involved. FTS5 knows no Arabic: every title and body is
reduced to search keys in Python (marsad.text.terms.search_keys: normalised words, the Arabic article and English
plurals taken off) and stored space-separated; the query's words go through the same function, then each is
read against the index vocabulary for its clitic and inflected forms (marsad.store.search_vocab). The table is
contentless (keys only, no copy of the text): snippets are cut from the ORIGINAL text in DuckDB by the
analytics layer.

The file is named after the store's full file name (``news.duckdb`` → ``news.duckdb.search.sqlite``), so
``news.duckdb`` and ``news.db`` do not share one. Its format is versioned (``PRAGMA user_version`` =
``INDEX_FORMAT``): a connection that finds an older format drops the tables and recreates them empty, and the
next catch-up (any search, any ingest batch) indexes the whole store again — once. The index is written by
whoever finds articles missing (the ingest after each batch, a search before it runs): every write checks what
is present and inserts the rest inside one ``BEGIN IMMEDIATE`` transaction, so two writers never add the same
article twice.

Only this module knows about SQLite; ``SearchEngine`` is the small interface another engine (PostgreSQL
``tsvector``, OpenSearch) would implement.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol, TypedDict

from marsad.errors import InvalidQuery, MarsadError
from marsad.store.db import Store
from marsad.store.search_query import Node, Term, parse, positive_terms, source_keys, to_fts
from marsad.store.search_vocab import Vocabulary, phrase_variants
from marsad.text.terms import search_keys

LOGGER = logging.getLogger(__name__)

_EPOCH = date(1970, 1, 1)
# BM25 column weights (INDEX_FIELDS: title, body, source, lang): a hit in the title says more about the article than one in
# the body; metadata columns only filter.
BM25_WEIGHTS = (3.0, 1.0, 0.0, 0.0)
# Articles read from DuckDB and written to SQLite per transaction while (re)indexing.
INDEX_BATCH = 2000
# How long a search/index call waits for another process writing the index before giving up.
_SQLITE_TIMEOUT_S = 10.0

# Bumped whenever the tables or the keys change (2: search keys of whole words instead of Light10 stems);
# stored in PRAGMA user_version. An index of another format is emptied and rebuilt (see the module docstring).
INDEX_FORMAT = 2
_TABLES = ("docs", "doc_meta", "index_state")
_DDL = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
    title, body, source, lang,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3', content = ''
);
CREATE TABLE IF NOT EXISTS doc_meta (
    id INTEGER PRIMARY KEY,   -- article id = FTS rowid
    day INTEGER,              -- days since 1970-01-01 of published_at (UTC), NULL when undated
    lang TEXT,
    source TEXT,              -- source key
    dup INTEGER NOT NULL      -- 1 when the article is a near-duplicate (duplicate_of set)
);
CREATE INDEX IF NOT EXISTS doc_meta_day ON doc_meta(day);
-- Documents indexed, kept beside the rows so "is the index behind the store?" is one lookup, not a count.
CREATE TABLE IF NOT EXISTS index_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO index_state VALUES ('docs', 0);
"""
# The suffix of the index file, after the store's full file name.
INDEX_SUFFIX = ".search.sqlite"


class IndexRow(TypedDict):
    id: int
    title: str
    body: str
    language: str | None
    source_key: str | None
    source_name: str | None
    published_day: int | None
    duplicate: bool


@dataclass(frozen=True)
class SearchFilters:
    """The base filters of a query that the index can apply itself (dates inclusive, UTC days)."""

    start: date | None = None
    end: date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    include_duplicates: bool = False


class SearchEngine(Protocol):
    def match(
        self, text: str, *, filters: SearchFilters, limit: int | None = None, offset: int = 0
    ) -> list[tuple[int, float]]: ...

    def count(self, text: str, *, filters: SearchFilters) -> int: ...

    def add(self, rows: Iterable[IndexRow]) -> int: ...


@dataclass(frozen=True)
class HitPattern:
    """What marks a hit of one positive query term in a text: any of ``variants`` (search keys, in order)."""

    variants: tuple[tuple[str, ...], ...]
    prefix: bool = False


# The index's columns in order: what a word matches (title, body), what field filters match (source:, lang:).
INDEX_FIELDS = ("title", "body", "source", "lang")


def index_keys(row: IndexRow) -> tuple[list[str], list[str], list[str], list[str]]:
    """The keys the index stores for ``row``, per column of INDEX_FIELDS, in text order (space-joined, they are
    the FTS5 columns)."""
    return (
        search_keys(row["title"] or ""),
        search_keys(row["body"] or ""),
        source_keys(f"{row['source_key'] or ''} {row['source_name'] or ''}"),
        [(row["language"] or "").lower()],
    )


def index_tokens(text: str | None) -> list[str]:
    """The tokens the index holds for a title or a body, in order: its search keys as the index's tokenizer
    splits them (:func:`fts_tokens`). Another index of the same articles (the lake's ``terms`` table) holds these."""
    return fts_tokens(" ".join(search_keys(text or "")))


def source_tokens(key: str | None, name: str | None) -> list[str]:
    """The tokens of the index's ``source`` column for an outlet (what ``source:`` matches)."""
    return fts_tokens(" ".join(source_keys(f"{key or ''} {name or ''}")))


def lang_tokens(language: str | None) -> list[str]:
    """The tokens of the index's ``lang`` column (what ``lang:`` matches)."""
    return fts_tokens((language or "").lower())


def fts_tokens(text: str) -> list[str]:
    """``text`` split the way the index's tokenizer splits it (FTS5 unicode61: runs of letters, numbers and
    private-use characters, lowercased; everything else separates). A search key is almost always one token;
    an odd character inside one (an Arabic comma kept by a word's normalisation) splits it, in both engines."""
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co":
            word.append(ch)
        elif word:
            out.append("".join(word).lower())
            word = []
    if word:
        out.append("".join(word).lower())
    return out


def search_path(store: Store) -> Path:
    """Where the index of ``store`` lives: beside it, named after its full file name."""
    return store.path.with_name(store.path.name + INDEX_SUFFIX)


def _drop_legacy(store: Store) -> None:
    """Delete an index file of the naming before INDEX_FORMAT 2 (news.duckdb → news.search.sqlite), which
    news.db shared: no store reads it any more."""
    legacy = store.path.with_suffix(INDEX_SUFFIX)
    if legacy != search_path(store) and legacy.exists():
        LOGGER.info("removing %s (search indexes are now named after the store's full file name)", legacy.name)
        SqliteSearchIndex(legacy).clear()


def day_number(d: date) -> int:
    return (d - _EPOCH).days


class SqliteSearchIndex:
    """The FTS5 index file. Opened per unit of work like the DuckDB store."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Autocommit: transactions are begun explicitly (see add) rather than implicitly by the module.
            con = sqlite3.connect(self.path, timeout=_SQLITE_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise MarsadError(f"{self.path.name}: cannot open the search index", detail=str(exc)) from exc
        try:
            try:
                if con.execute("PRAGMA user_version").fetchone()[0] != INDEX_FORMAT:
                    _create(con)
            except sqlite3.OperationalError as exc:  # a read-only or full disk: say so in one line
                raise MarsadError(f"{self.path}: cannot open the search index ({exc})", detail=str(exc)) from exc
            yield con
        finally:
            con.close()

    # -- writing --------------------------------------------------------------------------------------
    def add(self, rows: Iterable[IndexRow]) -> int:
        """Index rows not yet in the index (ids already present are skipped: articles are immutable)."""
        # Keys are computed before the write lock is taken, so concurrent readers and writers wait less.
        prepared = [
            (r["id"], *(" ".join(keys) for keys in index_keys(r)), r["published_day"], r["source_key"], int(r["duplicate"]))
            for r in rows
        ]
        if not prepared:
            return 0
        with self.connect() as con, _immediate(con):
            # Inside the write lock: nobody can add these ids between this check and the inserts.
            present = _present(con, [p[0] for p in prepared])
            fresh = [p for p in prepared if p[0] not in present]
            con.executemany("INSERT INTO docs(rowid, title, body, source, lang) VALUES (?, ?, ?, ?, ?)",
                            [p[:5] for p in fresh])
            con.executemany("INSERT INTO doc_meta(id, day, lang, source, dup) VALUES (?, ?, ?, ?, ?)",
                            [(p[0], p[5], p[4], p[6], p[7]) for p in fresh])
            con.execute("UPDATE index_state SET value = value + ? WHERE name = 'docs'", [len(fresh)])
        return len(fresh)

    def clear(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def doc_count(self) -> int:
        with self.connect() as con:
            return con.execute("SELECT value FROM index_state WHERE name = 'docs'").fetchone()[0]

    def recount(self) -> int:
        """Reset the document counter from the rows (after bulk loads that bypass :meth:`add`)."""
        with self.connect() as con, _immediate(con):
            n = con.execute("SELECT count(*) FROM doc_meta").fetchone()[0]
            con.execute("UPDATE index_state SET value = ? WHERE name = 'docs'", [n])
        return n

    # -- reading --------------------------------------------------------------------------------------
    def _where(self, filters: SearchFilters) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if filters.start:
            clauses.append("m.day >= ?")
            args.append(day_number(filters.start))
        if filters.end:
            clauses.append("m.day <= ?")
            args.append(day_number(filters.end))
        if filters.languages:
            clauses.append(f"m.lang IN ({','.join('?' * len(filters.languages))})")
            args.extend(filters.languages)
        if filters.sources:
            clauses.append(f"m.source IN ({','.join('?' * len(filters.sources))})")
            args.extend(filters.sources)
        if not filters.include_duplicates:
            clauses.append("m.dup = 0")
        return "".join(" AND " + c for c in clauses), args

    def _run(self, text: str, select: str, filters: SearchFilters, tail: str = "") -> list[tuple]:
        """Rows of ``SELECT {select}`` over the matches of ``text`` within ``filters``; [] for an empty query."""
        node = parse(text)
        if node is None:
            return []
        where, args = self._where(filters)
        sql = f"SELECT {select} FROM docs d JOIN doc_meta m ON m.id = d.rowid WHERE docs MATCH ?{where}{tail}"
        with self.connect() as con:
            expr = to_fts(node, vocabulary_variants(Vocabulary(con)))
            try:
                return con.execute(sql, [expr, *args]).fetchall()
            except sqlite3.OperationalError as exc:
                raise InvalidQuery(f"search “{text}” cannot be run", detail=f"{expr}: {exc}") from exc

    def match(
        self, text: str, *, filters: SearchFilters, limit: int | None = None, offset: int = 0
    ) -> list[tuple[int, float]]:
        """(article id, BM25 score; higher is better) best first, within ``filters``."""
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        tail = " ORDER BY score DESC, d.rowid"
        if limit is not None:
            tail += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self._run(text, f"d.rowid, -bm25(docs, {weights}) AS score", filters, tail)

    def match_ids(self, text: str, *, filters: SearchFilters) -> list[int]:
        """All matching ids (unranked; cheaper than :meth:`match` for counting and charting)."""
        return [r[0] for r in self._run(text, "d.rowid", filters)]

    def count(self, text: str, *, filters: SearchFilters) -> int:
        rows = self._run(text, "count(*)", filters)
        return rows[0][0] if rows else 0

    def hit_patterns(self, node: Node | None) -> list[HitPattern]:
        """How each positive term of a parsed query shows in a text (its indexed variants), for highlighting."""
        if not positive_terms(node):
            return []
        with self.connect() as con:
            return hit_patterns(node, Vocabulary(con))


def hit_patterns(node: Node | None, vocab: Vocabulary) -> list[HitPattern]:
    """The :class:`HitPattern` of each positive term of ``node``, its variants read against ``vocab``."""
    variants = vocabulary_variants(vocab)
    return [HitPattern(tuple(variants(t)), t.prefix) for t in positive_terms(node)]


def vocabulary_variants(vocab: Vocabulary):
    """A query term's indexed alternatives as ``vocab`` has them (marsad.store.search_vocab)."""

    def variants(term: Term) -> list[tuple[str, ...]]:
        return phrase_variants(term.keys, vocab, prefix=term.prefix)

    return variants


def _create(con: sqlite3.Connection) -> None:
    """Create the tables, or empty an index of another format (re-filled by the next catch-up)."""
    _enable_wal(con)
    with _immediate(con):
        found = con.execute("PRAGMA user_version").fetchone()[0]
        if found == INDEX_FORMAT:  # another connection got here first
            return
        if found:
            LOGGER.info("search index format %s → %s: re-indexing the store", found, INDEX_FORMAT)
            for table in _TABLES:
                con.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _DDL.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute(f"PRAGMA user_version = {INDEX_FORMAT}")


def _enable_wal(con: sqlite3.Connection) -> None:
    """Put the file in WAL mode, so readers keep reading while ingest adds articles (the mode is kept by the file).

    Changing the journal mode needs the file to itself, and SQLite answers "database is locked" at once, without
    waiting the connect timeout, when another connection is creating the same new index (CI: 1 run in 30 of
    four concurrent writers). So wait here, up to the same timeout, with a short growing pause."""
    deadline = time.monotonic() + _SQLITE_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


@contextmanager
def _immediate(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction that takes SQLite's write lock at once (waiting up to the connect timeout)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _present(con: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[i : i + 900]
        found.update(
            r[0] for r in con.execute(f"SELECT id FROM doc_meta WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        )
    return found


# -- the store side: read articles from DuckDB, index them ----------------------------------------------
_ROWS_SQL = """
SELECT a.id, coalesce(a.title, '') AS title, a.body, a.language, s.key AS source_key, s.name AS source_name,
       CASE WHEN a.published_at IS NULL THEN NULL
            ELSE datediff('day', DATE '1970-01-01', a.published_at::DATE) END AS published_day,
       (a.duplicate_of IS NOT NULL AND a.duplicate_of <> a.id) AS duplicate
FROM articles a LEFT JOIN sources s ON s.id = a.source_id
"""


def _rows(con, where: str, params: list[object]) -> list[IndexRow]:
    cur = con.execute(_ROWS_SQL + where, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]  # type: ignore[misc]


def _index_ids(store: Store, ids: Sequence[int]) -> int:
    index = SqliteSearchIndex(search_path(store))
    added = 0
    for i in range(0, len(ids), INDEX_BATCH):
        with store.read() as con:
            rows = _rows(con, "WHERE a.id IN (SELECT unnest(?::BIGINT[]))", [list(ids[i : i + INDEX_BATCH])])
        added += index.add(rows)
    return added


def index_stored(store: Store, article_ids: Sequence[int]) -> int:
    """Ingest hook ``(store, article_ids) -> None``-compatible: make just-stored articles searchable, and any
    stored article the index still lacks (a batch whose hook a kill interrupted), so the index never stays
    behind the store past the next batch.

    Returns how many were added (already indexed ids are skipped, so calling it twice is harmless)."""
    ids = [int(i) for i in article_ids]
    if not ids:
        return 0
    added = _index_ids(store, ids)
    LOGGER.info("search index: %s of %s articles added", added, len(ids))
    return added + catch_up(store)


def rebuild(store: Store, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop and rebuild the whole index from the store (``marsad reindex``). Returns articles indexed."""
    index = SqliteSearchIndex(search_path(store))
    index.clear()
    _drop_legacy(store)
    with store.read() as con:
        total = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    done, last = 0, None
    while True:
        with store.read() as con:
            where = "WHERE a.id > ? " if last is not None else ""
            rows = _rows(con, where + f"ORDER BY a.id LIMIT {INDEX_BATCH}", [last] if last is not None else [])
        if not rows:
            break
        done += index.add(rows)
        last = rows[-1]["id"]
        if progress:
            progress(done, total)
    LOGGER.info("search index rebuilt: %s articles", done)
    return done


def catch_up(store: Store, con=None) -> int:
    """Index stored articles the index does not have yet (e.g. ingested without the hook, or all of them after a
    format change). Cheap when in sync: a count on the store (``con``, an open connection to it, saves opening
    another) and one lookup in the index."""
    index = SqliteSearchIndex(search_path(store))
    if con is None:
        with store.read() as own:
            stored = own.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    else:
        stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    indexed = index.doc_count()
    if stored == indexed:
        return 0
    if indexed == 0:
        _drop_legacy(store)
    with index.connect() as scon:
        have = [r[0] for r in scon.execute("SELECT id FROM doc_meta")]
    from marsad.store import bulk  # pyarrow: only needed when out of sync

    with store.read() as rcon, bulk.registered(rcon, bulk.id_table(have)) as present:
        missing = [r[0] for r in rcon.execute(f"SELECT id FROM articles ANTI JOIN {present} USING (id)").fetchall()]
    if not missing:  # the counter was off (a bulk load bypassed add()): fix it so the check stays cheap
        index.recount()
        return 0
    LOGGER.info("search index was %s articles behind the store; catching up", len(missing))
    return _index_ids(store, missing)
