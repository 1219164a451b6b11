"""Stories of a lake: assigned over the lake's Parquet files by the store's own story code, they are the stories
``marsad stories rebuild`` gives the same articles in a store; ``import-parquet`` brings them into a store."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from marsad.ingest.lake_import import import_lake
from marsad.ingest.lake_stories import assign_lake_stories
from marsad.lake.export import export_store
from marsad.lake.layout import read_parquet_sql, table_path
from marsad.store import Store

ASSIGNMENTS = "SELECT article_id, story_id, similarity FROM {} ORDER BY article_id"


def _store_assignments(store: Store) -> list[tuple]:
    with store.read() as con:
        return con.execute(ASSIGNMENTS.format("article_stories")).fetchall()


def _lake_assignments(lake) -> list[tuple]:
    return duckdb.sql(ASSIGNMENTS.format(read_parquet_sql(lake, "article_stories"))).fetchall()


@pytest.fixture
def lake_without_stories(stories_store, tmp_path):
    """``stories_store`` exported to a lake, its story tables removed: what the Spark pipeline has written when it
    comes to stories."""
    lake = tmp_path / "lake"
    export_store(stories_store, lake)
    for name in ("stories", "article_stories"):
        shutil.rmtree(table_path(lake, name))
    return lake


def test_the_lake_gets_the_stores_stories(stories_store, lake_without_stories):
    report = assign_lake_stories(lake_without_stories)
    expected = _store_assignments(stories_store)
    assert _lake_assignments(lake_without_stories) == expected
    assert report.articles == len(expected)
    assert report.new_stories == len({story for _, story, _ in expected}) < len(expected)  # some stories grew
    stories = duckdb.sql(f"SELECT id FROM {read_parquet_sql(lake_without_stories, 'stories')} ORDER BY id").fetchall()
    assert [s for (s,) in stories] == sorted({story for _, story, _ in expected})


def test_assigning_again_replaces_the_stories(lake_without_stories):
    assign_lake_stories(lake_without_stories)
    first = _lake_assignments(lake_without_stories)
    assign_lake_stories(lake_without_stories)
    assert _lake_assignments(lake_without_stories) == first


# Assignments by content (the import numbers articles month by month: store ids differ from the lake's).
BY_CONTENT = ("SELECT a.content_hash, s.content_hash, t.similarity FROM article_stories t "
              "JOIN articles a ON a.id = t.article_id JOIN articles s ON s.id = t.story_id ORDER BY ALL")


def _by_content(store: Store) -> list[tuple]:
    with store.read() as con:
        return con.execute(BY_CONTENT).fetchall()


def test_import_brings_the_lakes_stories(stories_store, lake_without_stories, tmp_path):
    assign_lake_stories(lake_without_stories)
    store = Store(tmp_path / "imported.duckdb")
    report = import_lake(store, lake_without_stories)
    assert report.stories == "lake stories"
    assert _by_content(store) == _by_content(stories_store)


@pytest.mark.parametrize("lake_stories", [True, False])
def test_import_into_a_store_with_stories_assigns_them_there(stories_store, lake_without_stories, tmp_path,
                                                             lake_stories):
    """A store that has stories places the new articles itself (so does an import of a lake without story
    tables): here the same articles a second time, under other texts, join stories of the store's."""
    if lake_stories:
        assign_lake_stories(lake_without_stories)
    store = Store(tmp_path / "imported.duckdb")
    shutil.copyfile(stories_store.path, store.path)
    with store.write() as con:  # other texts, so that the lake's articles are new to the store
        con.execute("UPDATE articles SET content_hash = content_hash || 'x', url = url || '?x'")
    report = import_lake(store, lake_without_stories)
    assert report.stories == "assigned" and report.stored == len(_store_assignments(stories_store)) + 1
    with store.read() as con:
        joined = con.execute("SELECT count(*) FROM article_stories WHERE article_id > 10 AND story_id <= 10")
        assert joined.fetchall()[0][0] > 0  # new articles joined the stories already there
