"""The lake layout: tables and their schemas (the store's, plus month), partition values, date ranges."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from marsad.lake.layout import (
    BY_ARTICLE,
    MONTH,
    TABLES,
    UNDATED,
    month_of,
    months_between,
    parquet_glob,
    present_months,
    schema,
    table_path,
)


def test_the_tables_of_the_issue():
    assert set(TABLES) == {"articles", "sources", "mentions", "entities", "aliases", "places", "keywords", "topics",
                           "article_topics", "stories", "article_stories", "terms"}
    assert set(BY_ARTICLE) == {"articles", "mentions", "keywords", "article_topics", "article_stories", "terms"}


def test_schemas_follow_the_store(seeded_store):
    with seeded_store.read() as con:
        for name, table in TABLES.items():
            if table.store_table is None:
                continue
            store_schema = con.sql(f"SELECT * FROM {table.store_table} LIMIT 0").to_arrow_table().schema
            assert schema(name, with_month=False) == store_schema, name
            assert (schema(name).names[-1] == MONTH) is table.by_article


def test_terms_schema():
    assert schema("terms").names == ["term", "article_id", "field", "count", "positions", MONTH]
    assert schema("terms").field("article_id").type == pa.int64()


@pytest.mark.parametrize(
    ("when", "month"),
    [(datetime(2018, 3, 31, 23, 59), "2018-03"), (date(1987, 2, 26), "1987-02"), (datetime(900, 1, 1), "0900-01"),
     (None, UNDATED)],
)
def test_month_of(when, month):
    assert month_of(when) == month


PRESENT = ["2018-01", "2018-02", "2018-03", "2019-01", UNDATED]


@pytest.mark.parametrize(
    ("since", "until", "months"),
    [
        (None, None, PRESENT),
        (date(2018, 2, 15), date(2018, 3, 1), ["2018-02", "2018-03"]),
        (date(2018, 3, 1), None, ["2018-03", "2019-01"]),
        (None, date(2018, 1, 31), ["2018-01"]),
        (date(2020, 1, 1), None, []),
    ],
)
def test_months_between(since, until, months):
    assert months_between(since, until, PRESENT) == months


def test_paths(tmp_path):
    assert table_path(tmp_path, "aliases") == tmp_path / "aliases"
    assert parquet_glob(tmp_path, "terms").endswith("terms/**/*.parquet")
    with pytest.raises(KeyError, match="not a lake table"):
        table_path(tmp_path, "article_bands")


def test_present_months(tmp_path):
    assert present_months(tmp_path) == []
    for month in ("2019-01", UNDATED, "2018-12"):
        (tmp_path / "articles" / f"month={month}").mkdir(parents=True)
    assert present_months(tmp_path) == ["2018-12", "2019-01", UNDATED]
