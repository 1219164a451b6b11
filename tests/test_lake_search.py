"""Search on a lake (marsad.analytics.lake_search) finds, orders and scores what the SQLite index finds, orders
and scores on the same articles: words with their clitic forms, phrases, prefixes, fields, AND/OR/NOT, filters."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.analytics.lake_search import LakeSearchIndex
from marsad.errors import InvalidQuery
from marsad.store.search import SearchFilters, SqliteSearchIndex, search_path

FILTERS = [
    SearchFilters(),
    SearchFilters(languages=("ar",), start=date(2018, 3, 1), end=date(2018, 9, 30), sources=("alarabia", "BBC")),
    SearchFilters(include_duplicates=True),
]
# Each query under one set of filters (CI time), chosen so that it still finds something.
QUERIES = [
    ("رئيس الوزراء", FILTERS[1]),  # words and their clitic/inflected forms, read against each index's vocabulary
    ('"قوات سوريا"', FILTERS[0]),  # a phrase: consecutive positions
    ("سوري*", FILTERS[1]),  # a prefix
    ("title:سوريا", FILTERS[1]),
    ("source:reuters oil OR trade", FILTERS[2]),  # a field, OR
    ('lang:en "vice president"', FILTERS[2]),
    ("الرئيس -ترامب", FILTERS[1]),  # NOT
]


@pytest.fixture(scope="module")
def indexes(seeded_store, seeded_lake):
    with seeded_lake.open_engine() as engine:
        yield SqliteSearchIndex(search_path(seeded_store)), LakeSearchIndex(engine)


@pytest.mark.parametrize(("text", "filters"), QUERIES, ids=[q for q, _ in QUERIES])
def test_same_matches_order_and_scores(indexes, text, filters):
    sqlite, lake = indexes
    want = sqlite.match(text, filters=filters)
    got = lake.match(text, filters=filters)
    assert [i for i, _ in got] == [i for i, _ in want] and want  # a query that finds nothing proves little
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-8)
    assert lake.match_ids(text, filters=FILTERS[0]) == sorted(sqlite.match_ids(text, filters=FILTERS[0]))


def test_pages_and_counts(indexes):
    sqlite, lake = indexes
    f = SearchFilters()
    assert lake.count("الرئيس", filters=f) == sqlite.count("الرئيس", filters=f) > 10
    got, want = lake.match("الرئيس", filters=f, limit=5, offset=5), sqlite.match("الرئيس", filters=f, limit=5, offset=5)
    assert [i for i, _ in got] == [i for i, _ in want] and len(want) == 5
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-8)


def test_hit_patterns_are_the_index_variants(indexes):
    from marsad.store.search_query import parse

    sqlite, lake = indexes
    node = parse('سوريا "vice president" -ترامب')
    assert lake.hit_patterns(node) == sqlite.hit_patterns(node)


@pytest.mark.parametrize("text", ["NOT سوريا", "-oil"])
def test_the_index_refusals(indexes, text):
    _, lake = indexes
    with pytest.raises(InvalidQuery, match="positive"):
        lake.match_ids(text, filters=SearchFilters())


def test_an_empty_query_matches_nothing(indexes):
    _, lake = indexes
    assert lake.match_ids("  ..  ", filters=SearchFilters()) == []
    assert lake.count("", filters=SearchFilters()) == 0
