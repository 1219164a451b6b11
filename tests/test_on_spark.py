"""Every public analytics call gives the same result on DuckDB (the seeded store) and on Spark (the same store
exported to a lake, local[2]): one parametrised case per call, and a check that no public call lacks one."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from conftest import lake_of

from marsad import analytics
from marsad.analytics import Query
from marsad.cli.query import public_calls
from marsad.errors import MarsadError

AR_SPRING = Query(languages=["ar"], start="2018-03-01", end="2018-09-30")
SYRIA = Query(text="سوريا")
# Each call: (store fixture, arguments after the store, keyword arguments); a callable argument is given the
# DuckDB store (for ids only the data knows, such as a story's).
CASES: dict[str, list[tuple[str, tuple, dict]]] = {
    "articles_by_id": [("seeded", ([5, 3, 99999, 1],), {})],
    "cooccurrence_pairs": [("seeded", (Query(languages=["ar"]),), {"n_entities": 5})],
    "cooccurring_entities": [("seeded", ("loc:سوريا", AR_SPRING), {})],
    "count_over_time": [("seeded", (SYRIA.replace(languages=["ar"]),), {"interval": "week"})],
    "count_undated": [("seeded", (Query(include_duplicates=True),), {})],
    "coverage_periods": [("seeded", (Query(sources=["reuters"]),), {})],
    "coverage_spikes": [("seeded", (Query(),), {"since": date(2018, 2, 1)})],
    "entities_of": [("seeded", ([1, 2, 3, 61, 62],), {})],
    "entity_info": [("seeded", ("loc:العراق",), {})],
    "entity_timeline": [("seeded", ("per:ترامب", Query(start="2018-01-01")), {"interval": "month"})],
    "find_entities": [("seeded", ("سوريا",), {})],
    "get_article": [("seeded", (7,), {})],
    "languages_by_source": [("seeded", (Query(entities=["loc:العراق"]),), {})],
    "list_languages": [("seeded", (), {})],
    "list_sources": [("seeded", (), {})],
    "list_topics": [("seeded", (), {})],
    "matching_ids": [("seeded", (Query(text='"vice president" OR oil', sources=["reuters"]),), {})],
    "overview_figures": [("seeded", (AR_SPRING.replace(topics=[101, 102]),), {})],
    "sample_articles": [("seeded", (Query(languages=["ar"]),), {"n": 7})],
    "search": [
        ("seeded", (Query(text="الرئيس -ترامب", languages=["ar"]),), {"page": 2, "per_page": 5}),
        ("seeded", (Query(text="سوري*", entities=["loc:سوريا"]),), {}),
    ],
    "spikes": [
        ("burst", (Query(),), {"kind": "entity"}),
        ("burst", (Query(languages=["en"]),), {"kind": "keyword", "since": date(2020, 2, 1)}),
    ],
    "story_articles": [("stories", (lambda store: _first_story(store), Query()), {})],
    "story_timeline": [("stories", (lambda store: _first_story(store),), {"interval": "day"})],
    "top_entities": [("seeded", (SYRIA,), {"type": "LOC"})],
    "top_keywords": [("seeded", (Query(sources=["reuters"], include_duplicates=True),), {"n": 5})],
    "top_places": [("seeded", (Query(),), {})],
    "top_sources": [("seeded", (Query(text="العراق OR Iraq"),), {"n": 3})],
    "top_stories": [("stories", (Query(),), {})],
    "top_topics": [("seeded", (AR_SPRING,), {})],
    "topic_articles": [("seeded", (101, Query(languages=["ar"])), {"n": 5})],
    "topic_by_source": [("seeded", (Query(undated=False, start="2018-01-01"),), {})],
    "topics_over_time": [("seeded", (AR_SPRING,), {"interval": "month", "n": 3})],
}


def _first_story(store) -> int:
    return int(analytics.top_stories(store, Query())["story_id"].iloc[0])


def test_every_public_call_has_a_parity_case():
    assert set(public_calls()) == set(CASES)  # the calls taking a store, as `marsad query` lists them


def build_burst_store(path):
    """One outlet, an article a day for 40 days naming "per:a" (keyword "daily"), then a day with six articles
    naming "per:b" (keyword "burst"): a spike of each kind of item."""
    from marsad.store import Store

    store = Store(path)
    store.ensure_schema()
    with store.write() as con:
        con.execute("INSERT INTO sources (id, key, name) VALUES (1, 'wire', 'Wire')")
        con.execute("INSERT INTO entities (id, key, type) VALUES (1, 'per:a', 'PER'), (2, 'per:b', 'PER')")
        rows = [(i, datetime(2020, 1, 1, 9) + pd.Timedelta(days=i), 1, "daily") for i in range(1, 41)]
        rows += [(40 + i, datetime(2020, 2, 10, 8 + i), 2, "burst") for i in range(1, 7)]
        for aid, when, entity, keyword in rows:
            con.execute(
                "INSERT INTO articles (id, source_id, title, body, language, published_at, ingested_at, content_hash) "
                "VALUES (?, 1, ?, ?, 'en', ?, TIMESTAMP '2026-01-01', md5(?))",
                [aid, f"report {aid}", f"The {keyword} report number {aid}.", when, str(aid)],
            )
            con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) VALUES (?, ?, 0, 3, ?)',
                        [aid, entity, "The"])
            con.execute("INSERT INTO keywords VALUES (?, ?, 0.1)", [aid, keyword])
    return store


@pytest.fixture(scope="session")
def lakes(seeded_store, seeded_lake, stories_store, stories_lake, spark, tmp_path_factory):
    burst = build_burst_store(tmp_path_factory.mktemp("burst") / "burst.duckdb")
    return {
        "seeded": (seeded_store, seeded_lake),
        "stories": (stories_store, stories_lake),
        "burst": (burst, lake_of(burst, spark, tmp_path_factory.mktemp("burst_lake"))),
    }


def _plain(value: object) -> object:
    """A result reduced to plain Python values, floats to 9 decimals, for comparing two backends' output."""
    if isinstance(value, pd.DataFrame):
        return {"rows": [_plain(r) for r in value.to_dict("records")], "columns": list(value.columns),
                "attrs": _plain(dict(value.attrs))}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp | datetime):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 9)
    return value


@pytest.mark.parametrize(
    ("call", "fixture", "args", "kwargs"),
    [(call, *case) for call, cases in sorted(CASES.items()) for case in cases],
    ids=[f"{call}-{i}" for call, cases in sorted(CASES.items()) for i in range(len(cases))],
)
def test_spark_gives_what_duckdb_gives(lakes, call, fixture, args, kwargs):
    store, lake = lakes[fixture]
    args = tuple(a(store) if callable(a) else a for a in args)
    fn = getattr(analytics, call)
    expected = fn(store, *args, **kwargs)
    assert _plain(fn(lake, *args, **kwargs)) == _plain(expected)
    if isinstance(expected, pd.DataFrame | list):  # a case that finds nothing would prove little
        assert len(expected), f"{call}: pick a case with results"


def test_a_missing_lake_is_refused(tmp_path):
    from marsad.analytics.on_spark import SparkLake

    with pytest.raises(MarsadError, match="no lake"):
        analytics.list_sources(SparkLake(tmp_path / "nowhere"))
