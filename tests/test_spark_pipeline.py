"""Parity: ``enrich --engine spark`` (local[2]) and the embedded path (ingest + enrich + topics fit) give the same
articles (ids included), near-duplicate flags, sources, entities, mentions, keywords, places and topic weights on
real articles from the demo corpus — with one exact and one near-duplicate planted, folders read in name order,
a Parquet export read a row group per task."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, SEED, read_records, write_parquet

from marsad.config import Settings
from marsad.ingest.lake_import import import_lake
from marsad.ingest.pipeline import ingest, standard_hooks
from marsad.ingest.topics import fit
from marsad.lake.export import export_store
from marsad.lake.layout import MONTH, UNDATED, present_months, read_parquet_sql
from marsad.spark import pipeline
from marsad.spark.pipeline import cluster_roots, enrich_to_lake, input_files, read_tasks
from marsad.store import Store
from marsad.store.topics import model_file

# Spark runs take a minute on an idle 2-core machine and several when it is shared: more than the suite's default.
pytestmark = pytest.mark.timeout(1500)

ANT_STEP = 55  # ~55 Arabic articles across outlets and categories: enough for a topic model (nlp.topics.MIN_DOCS)
REUTERS_N = 10

# The same rows from the store and from the lake (the lake's tables under the store's names).
PARITY = {
    "articles": "SELECT id, content_hash, title, lead, language, published_at, source_id, duplicate_of, url, origin, "
                "pipeline_version FROM articles",
    "sources": "SELECT id, key, name, domain FROM sources",
    "entities": "SELECT id, key, type, name_ar, name_en, curated FROM entities",
    "mention_counts": "SELECT article_id, entity_id, count(*) FROM mentions GROUP BY ALL",
    "mentions": "SELECT article_id, entity_id, start, \"end\", surface, field FROM mentions",
    "keywords": "SELECT article_id, keyword, score FROM keywords",
    "places": "SELECT entity_id, name, country, lat, lon, geonameid, kind FROM places",
    "article_topics": "SELECT article_id, topic_id, weight FROM article_topics",
    "topics": "SELECT id, label, array_to_string(terms, ','), language, model_version FROM topics",
    "article_stories": "SELECT article_id, story_id, similarity FROM article_stories",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    ant = read_records(ANT_SAMPLE, step=ANT_STEP)
    copy = dict(ant[3], title=ant[3]["title"] + " | نسخة", text=ant[3]["text"] + " وأضاف المصدر ذلك.",
                url=ant[3]["url"] + "?copy=1")  # a near-duplicate: same story, headline suffix, a sentence added
    records = [*ant, copy, dict(ant[5])]  # and an exact duplicate
    (folder / "ant.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    pages = folder / "pages"
    pages.mkdir()
    reuters = read_records(REUTERS_SAMPLE, REUTERS_N)
    write_parquet(reuters, pages / "b_reuters.parquet", row_group_size=4)  # three row groups, read apart on Spark
    shutil.copy(SEED, pages / "a_seed.txt")
    return [folder / "ant.jsonl", pages]


@pytest.fixture(scope="module")
def embedded(inputs, tmp_path_factory):
    path = tmp_path_factory.mktemp("embedded") / "e.duckdb"
    store = Store(path)
    report = ingest(inputs, settings=Settings.load(db_path=path), after_batch=standard_hooks(), store=store, workers=0)
    fit(store)
    return store, report


@pytest.fixture(scope="module")
def lake(spark, inputs, embedded, tmp_path_factory):
    store, _ = embedded
    path = tmp_path_factory.mktemp("lake")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "PARQUET_SHARE_BYTES", 1)  # every row group of the Parquet input a task of its own
        report = enrich_to_lake(spark, inputs, path, settings=Settings.load(db_path=store.path),
                                topics_model=model_file(store))
    return path, report


def _lake_sql(sql: str, lake) -> str:
    for table in ("articles", "sources", "entities", "mentions", "keywords", "places", "article_topics", "topics",
                  "article_stories"):
        sql = sql.replace(f"FROM {table}", f"FROM {read_parquet_sql(lake, table)}", 1)
    return sql


def _lake_rows(what: str, lake) -> list[str]:
    return sorted(map(repr, duckdb.sql(_lake_sql(PARITY[what], lake)).fetchall()))


@pytest.mark.parametrize("what", sorted(PARITY))
def test_parity(embedded, lake, what):
    store, _ = embedded
    with store.read() as con:
        expected = sorted(map(repr, con.execute(PARITY[what]).fetchall()))
    assert _lake_rows(what, lake[0]) == expected
    assert expected  # every table has rows to compare


def test_a_rerun_gives_the_same_lake(spark, inputs, embedded, lake):
    """Re-running over the same input replaces the lake's tables: the same rows, nothing added."""
    path, first_report = lake
    before = {what: _lake_rows(what, path) for what in PARITY}
    store, _ = embedded
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "PARQUET_SHARE_BYTES", 1)  # every row group of the Parquet input a task of its own
        report = enrich_to_lake(spark, inputs, path, settings=Settings.load(db_path=store.path),
                                topics_model=model_file(store))
    assert {what: _lake_rows(what, path) for what in PARITY} == before
    # Spark jobs and stages aside: a session's second run plans some steps with fewer (marsad.spark.jobs).
    unmeasured = {"seconds": 0, "articles_per_second": 0, "jobs": 0, "stages": 0, "steps": {}}
    assert report.as_dict() | unmeasured == first_report.as_dict() | unmeasured
    assert report.steps.keys() == first_report.steps.keys() and 0 < report.jobs <= first_report.jobs


def test_a_store_imported_from_the_lake_has_the_embedded_stories(embedded, lake, tmp_path):
    """import-parquet renumbers articles month by month: stories are compared by their articles' texts."""
    store, _ = embedded
    imported = Store(tmp_path / "imported.duckdb")
    assert import_lake(imported, lake[0]).stories == "lake stories"
    sql = ("SELECT a.content_hash, s.content_hash, t.similarity FROM article_stories t "
           "JOIN articles a ON a.id = t.article_id JOIN articles s ON s.id = t.story_id ORDER BY ALL")
    with store.read() as con, imported.read() as icon:
        expected = con.execute(sql).fetchall()
        assert icon.execute(sql).fetchall() == expected
    assert lake[1].stories == len({story for _, story, _ in expected}) > 0


def test_the_reports_agree(embedded, lake):
    _, ingested = embedded
    _, report = lake
    assert (report.read, report.stored, report.exact_duplicates, report.near_duplicates, report.undated) == (
        ingested.read, ingested.stored, ingested.exact_duplicates, ingested.near_duplicates, ingested.undated)
    assert report.exact_duplicates == 1 and report.near_duplicates == 1
    assert report.enriched == report.stored and report.failed == 0 and report.topics > 0


def test_lake_layout(embedded, lake):
    store, _ = embedded
    with store.read() as con:
        months = sorted({m for (m,) in con.execute("SELECT strftime(published_at, '%Y-%m') FROM articles").fetchall() if m})
    assert [m for m in present_months(lake[0]) if m != UNDATED] == months
    terms = duckdb.sql(f"SELECT count(DISTINCT article_id), min({MONTH}) FROM {read_parquet_sql(lake[0], 'terms')}")
    assert terms.fetchall()[0][0] == lake[1].stored


def test_terms_are_those_the_store_exports(embedded, lake, tmp_path):
    """The inverted search table Spark writes is the one export_store writes from the embedded store."""
    store, _ = embedded
    export_store(store, tmp_path)
    sql = "SELECT term, article_id, field, count, array_to_string(positions, ','), month FROM {}"
    expected = sorted(duckdb.sql(sql.format(read_parquet_sql(tmp_path, "terms"))).fetchall())
    assert sorted(duckdb.sql(sql.format(read_parquet_sql(lake[0], "terms"))).fetchall()) == expected and expected


@pytest.mark.parametrize(
    ("first", "roots"),
    [
        ({}, {}),
        ({5: 2}, {5: 2}),
        ({5: 2, 9: 5}, {5: 2, 9: 2}),  # a copy of a copy joins the first article's cluster
        ({3: 1, 4: 2, 7: 4, 8: 3}, {3: 1, 4: 2, 7: 2, 8: 1}),
    ],
)
def test_cluster_roots(first, roots):
    assert cluster_roots(first) == roots


def test_input_files(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/b.txt", "d/sub/a.txt", "d/.hidden", "f.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    files, rejects = input_files([tmp_path / "d", tmp_path / "f.jsonl", tmp_path / "empty", tmp_path / "missing"])
    assert files == [tmp_path / "d" / "b.txt", tmp_path / "d" / "sub" / "a.txt", tmp_path / "f.jsonl"]
    assert rejects == [f"{tmp_path / 'empty'}: folder without files", f"{tmp_path / 'missing'}: no such file or directory"]


def test_read_tasks_split_a_large_parquet_file_by_row_groups(tmp_path):
    records = [{"title": f"t{n}", "text": "نص الخبر " * 40} for n in range(9)]
    big = write_parquet(records, tmp_path / "big.parquet", row_group_size=3)
    small = tmp_path / "a.jsonl"
    small.write_text(json.dumps(records[0], ensure_ascii=False) + "\n", encoding="utf-8")
    named = tmp_path / "big.txt"  # not Parquet by its first bytes: one task, whatever its size
    named.write_text("نص " * 2000, encoding="utf-8")
    settings = Settings.load()
    assert read_tasks([small, big, named], settings=settings, share_bytes=1) == [
        (0, str(small), None, 0), (1, str(big), [0], 0), (1, str(big), [1], 3), (1, str(big), [2], 6),
        (2, str(named), None, 0)]
    assert read_tasks([big], settings=settings) == [(0, str(big), None, 0)]  # under PARQUET_SHARE_BYTES
    assert read_tasks([big], settings=settings, fmt="jsonl", share_bytes=1) == [(0, str(big), None, 0)]



def test_a_topic_model_fitted_on_spark(spark, inputs, embedded, tmp_path):
    """Without a model given, Spark fits one per language on the driver (its own Spark step), numbers its topics
    1, 2, … and assigns them. (Its topics are not those ``marsad topics fit`` gives the store on this input; that
    was so before the fit's rows came in one collect too.)"""
    store, _ = embedded
    report = enrich_to_lake(spark, inputs, tmp_path, settings=Settings.load(db_path=store.path))
    assert report.topic_model == "fitted on this input" and report.steps["topic fit"]["jobs"] > 0
    topics = duckdb.sql(f"SELECT id, language FROM {read_parquet_sql(tmp_path, 'topics')} ORDER BY id").fetchall()
    assert [i for i, _ in topics] == list(range(1, len(topics) + 1)) and {lang for _, lang in topics} == {"ar"}
    assigned = duckdb.sql(f"SELECT DISTINCT topic_id FROM {read_parquet_sql(tmp_path, 'article_topics')}").fetchall()
    assert {t for (t,) in assigned} <= {i for i, _ in topics} and report.topics > 0
