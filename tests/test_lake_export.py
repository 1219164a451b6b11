"""export_store writes a store into the lake layout: every row once, in its month, terms from the search keys."""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest

from marsad.lake.export import export_store, term_rows
from marsad.lake.layout import MONTH, TABLES, UNDATED, present_months, read_parquet_sql
from marsad.text.terms import search_keys


def _read(lake, name):
    return duckdb.sql(f"SELECT * FROM {read_parquet_sql(lake, name)}")


@pytest.fixture(scope="module")
def lake(seeded_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("lake")
    export_store(seeded_store, path)
    return path


def test_every_table_row_by_row(seeded_store, lake):
    with seeded_store.read() as con:
        for name, table in TABLES.items():
            if table.store_table is None:
                continue
            stored = con.sql(f"SELECT * FROM {table.store_table}").fetchall()
            columns = ", ".join(f'"{c}"' for c in con.sql(f"SELECT * FROM {table.store_table}").columns)
            exported = _read(lake, name).select(columns).fetchall()
            assert sorted(map(repr, exported)) == sorted(map(repr, stored)), name


def test_rows_sit_in_their_articles_month(seeded_store, lake):
    with seeded_store.read() as con:
        months = dict(con.execute("SELECT id, strftime(published_at, '%Y-%m') FROM articles").fetchall())
    for name in ("articles", "mentions", "keywords", "article_topics"):
        key = "id" if name == "articles" else "article_id"
        for article_id, month in _read(lake, name).select(f"{key}, {MONTH}").fetchall():
            assert month == (months[article_id] or UNDATED), (name, article_id)
    assert present_months(lake) == sorted({m for m in months.values() if m})


def test_terms_are_the_search_keys(seeded_store, lake):
    with seeded_store.read() as con:
        article_id, title, body = con.execute("SELECT id, title, body FROM articles ORDER BY id LIMIT 1").fetchall()[0]
    rows = _read(lake, "terms").filter(f"article_id = {article_id}").select("field, term, count").fetchall()
    assert Counter({t: c for f, t, c in rows if f == "body"}) == Counter(search_keys(body))
    assert Counter({t: c for f, t, c in rows if f == "title"}) == Counter(search_keys(title))


def test_term_rows():
    assert sorted(term_rows(7, "Iraq talks", "Talks on Iraq, talks again.")) == [
        ("again", 7, "body", 1, [4]),
        ("iraq", 7, "body", 1, [2]),
        ("iraq", 7, "title", 1, [0]),
        ("on", 7, "body", 1, [1]),
        ("talk", 7, "body", 2, [0, 3]),
        ("talk", 7, "title", 1, [1]),
    ]
    assert list(term_rows(1, None, "")) == []


def test_undated_articles_and_a_second_export(undated_store, tmp_path):
    export_store(undated_store, tmp_path)
    first = {name: _read(tmp_path, name).count("*").fetchall()[0][0] for name in ("articles", "terms")}
    assert UNDATED in present_months(tmp_path)
    export_store(undated_store, tmp_path)  # replaces, never appends
    assert {name: _read(tmp_path, name).count("*").fetchall()[0][0] for name in first} == first


def test_spark_reads_the_lake(spark, seeded_store, lake):
    articles = spark.read.parquet(str(lake / "articles"))
    assert dict(articles.dtypes)[MONTH] == "string"
    assert dict(articles.dtypes)["published_at"] == "timestamp_ntz"
    with seeded_store.read() as con:
        assert articles.count() == con.execute("SELECT count(*) FROM articles").fetchall()[0][0]


def test_reading_some_months(seeded_store, lake):
    month = present_months(lake, "mentions")[-1]
    assert month != UNDATED
    got = duckdb.sql(f"SELECT DISTINCT {MONTH} FROM {read_parquet_sql(lake, 'mentions', months=[month])}").fetchall()
    assert got == [(month,)]


def test_an_empty_store_gives_readable_empty_tables(tmp_path):
    from marsad.store import Store

    store = Store(tmp_path / "empty.duckdb")
    store.ensure_schema()
    written = export_store(store, tmp_path / "lake")
    assert set(written.values()) == {0}
    for name in TABLES:
        assert _read(tmp_path / "lake", name).count("*").fetchall() == [(0,)], name
    empty = duckdb.sql(f"SELECT * FROM {read_parquet_sql(tmp_path / 'lake', 'mentions', months=['2020-01'])}")
    assert empty.fetchall() == [] and MONTH in empty.columns
