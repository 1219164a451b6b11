"""import-parquet: a lake (here the seeded store exported) into a store — the same articles, enrichment, topics and
search index, a date range of it, and nothing added the second time."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.errors import MarsadError
from marsad.ingest.lake_import import import_lake
from marsad.lake.export import export_store
from marsad.store import Store
from marsad.store.search import SearchFilters, SqliteSearchIndex, search_path

# Rows compared between the seeded store and the store imported from its lake, by content (ids may differ).
CONTENT = {
    "articles": "SELECT a.content_hash, a.title, a.language, a.published_at, s.key, d.content_hash FROM articles a "
                "LEFT JOIN sources s ON s.id = a.source_id LEFT JOIN articles d ON d.id = a.duplicate_of",
    "mentions": "SELECT a.content_hash, e.key, m.start, m.\"end\", m.surface, m.field FROM mentions m "
                "JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id",
    "entities": "SELECT key, type, name_ar, name_en, curated FROM entities "
                "WHERE id IN (SELECT entity_id FROM mentions)",
    "keywords": "SELECT a.content_hash, k.keyword, k.score FROM keywords k JOIN articles a ON a.id = k.article_id",
    "article_topics": "SELECT a.content_hash, t.topic_id, t.weight FROM article_topics t JOIN articles a ON a.id = t.article_id",
    "topics": "SELECT id, label, language FROM topics",
    "places": "SELECT e.key, p.country, p.lat, p.lon FROM places p JOIN entities e ON e.id = p.entity_id "
              "WHERE p.entity_id IN (SELECT entity_id FROM mentions)",
}


@pytest.fixture(scope="module")
def lake(seeded_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("lake")
    export_store(seeded_store, path)
    return path


@pytest.fixture(scope="module")
def imported(lake, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("imported") / "imported.duckdb")
    first = import_lake(store, lake)
    second = import_lake(store, lake)
    return store, first, second


def _rows(store: Store, sql: str) -> list[tuple]:
    with store.read() as con:
        return sorted(map(repr, con.execute(sql).fetchall()))


@pytest.mark.parametrize("what", sorted(CONTENT))
def test_the_store_comes_back(seeded_store, imported, what):
    store, _, _ = imported
    assert _rows(store, CONTENT[what]) == _rows(seeded_store, CONTENT[what])


def test_reports_and_a_second_import_adds_nothing(seeded_store, imported):
    store, first, second = imported
    with seeded_store.read() as con:
        n = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    assert (first.read, first.stored, first.already_stored, first.topics) == (n, n, 0, "lake fit")
    assert (second.read, second.stored, second.already_stored) == (n, 0, n)
    assert second.topics == "lake weights" and second.mentions == 0
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == n


@pytest.mark.parametrize("query", ["oil", "العراق", "sugar OR wheat"])
def test_search_finds_the_same(seeded_store, imported, query):
    store, first, _ = imported
    assert first.indexed == first.stored == SqliteSearchIndex(search_path(store)).doc_count()
    found = SqliteSearchIndex(search_path(store)).count(query, filters=SearchFilters())
    assert found == SqliteSearchIndex(search_path(seeded_store)).count(query, filters=SearchFilters()) > 0


def test_band_keys(imported):
    store, first, _ = imported
    with store.read() as con:  # later ingests find near-duplicates of imported articles through these
        assert con.execute("SELECT count(DISTINCT article_id) FROM article_bands").fetchall()[0][0] > 0.9 * first.stored


@pytest.mark.parametrize(
    ("since", "until"),
    [(date(2018, 3, 1), date(2018, 4, 30)), (date(2018, 9, 1), None), (None, date(1987, 12, 31))],
)
def test_a_date_range(seeded_store, lake, tmp_path, since, until):
    where = " AND ".join(
        [f"published_at >= DATE '{since}'"] * bool(since) + [f"published_at < DATE '{until}' + 1"] * bool(until)
    )
    with seeded_store.read() as con:
        wanted = sorted(r[0] for r in con.execute(f"SELECT content_hash FROM articles WHERE {where}").fetchall())
    store = Store(tmp_path / "range.duckdb")
    report = import_lake(store, lake, since=since, until=until)
    with store.read() as con:
        got = sorted(r[0] for r in con.execute("SELECT content_hash FROM articles").fetchall())
    assert got == wanted and report.stored == len(wanted) > 0


def test_not_a_lake(tmp_path):
    with pytest.raises(MarsadError, match="not a Marsad lake"):
        import_lake(Store(tmp_path / "s.duckdb"), tmp_path)


def test_a_rerun_finishes_an_interrupted_import(seeded_store_copy, tmp_path):
    """Killed between a batch's articles and its enrichment: the articles are stored, un-enriched; importing again
    writes their enrichment (and nothing else)."""
    with seeded_store_copy.write() as con:  # a lake of enriched articles
        con.execute("UPDATE articles SET pipeline_version = 3")
    lake = tmp_path / "lake"
    export_store(seeded_store_copy, lake)
    store = Store(tmp_path / "killed.duckdb")
    import_lake(store, lake)
    with store.write() as con:
        cut = [r[0] for r in con.execute("SELECT DISTINCT article_id FROM mentions ORDER BY 1 LIMIT 5").fetchall()]
        con.execute("DELETE FROM mentions WHERE article_id IN (SELECT unnest(?::BIGINT[]))", [cut])
        con.execute("DELETE FROM keywords WHERE article_id IN (SELECT unnest(?::BIGINT[]))", [cut])
        con.execute("UPDATE articles SET pipeline_version = 0 WHERE id IN (SELECT unnest(?::BIGINT[]))", [cut])
    assert len(cut) == 5
    again = import_lake(store, lake)
    assert (again.stored, again.finished) == (0, 5)
    assert _rows(store, CONTENT["mentions"]) == _rows(seeded_store_copy, CONTENT["mentions"])
    assert _rows(store, CONTENT["keywords"]) == _rows(seeded_store_copy, CONTENT["keywords"])
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles WHERE pipeline_version = 0").fetchall() == [(0,)]
