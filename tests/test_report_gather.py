from datetime import date, datetime, timedelta

import pyarrow as pa
import pytest

from marsad import analytics
from marsad.analytics import Query
from marsad.report import gather
from marsad.report.gather import ARTICLES_N, STORIES_N, STORY_ARTICLES_N, TOP_N
from marsad.store import Store

SEEDED_QUERIES = [
    Query(),
    Query(entities=["loc:العراق"]),
    Query(text="العراق OR Iraq", start="2018-01-01", end="2018-12-31"),
    Query(languages=["en"], include_duplicates=True),
]


@pytest.mark.parametrize("query", SEEDED_QUERIES, ids=lambda q: str(q.to_params()))
def test_every_figure_is_the_analytics_result_for_the_query(seeded_store, query):
    b = gather(seeded_store, query, title="t")
    assert b.figures == analytics.overview_figures(seeded_store, query)
    first, last = b.figures["first_date"], b.figures["last_date"]
    assert b.interval == analytics.trends.auto_interval(query.start or first.date(), query.end or last.date())
    assert b.coverage == analytics.count_over_time(seeded_store, query, interval=b.interval).to_dict("records")
    for rows, kind in ((b.people, "PER"), (b.organisations, "ORG"), (b.places, "LOC")):
        assert rows == analytics.top_entities(seeded_store, query, type=kind, n=TOP_N).to_dict("records")
    newest = analytics.sample_articles(seeded_store, query, n=ARTICLES_N, newest=True)
    assert [a["id"] for a in b.articles] == newest["id"].tolist()
    assert sum(p["count"] for p in b.coverage) == b.figures["articles"] - b.figures["undated"]


def test_nothing_matches(seeded_store):
    b = gather(seeded_store, Query(start="2030-01-01"), title="t")
    assert b.figures["articles"] == 0
    assert (b.people, b.stories, b.spikes, b.articles) == ([], [], [], [])


DAY0 = date(2020, 9, 1)
BURST_DAY = DAY0 + timedelta(days=20)


def _burst_store(tmp_path) -> Store:
    """A steady entity (one article a day for three weeks) and one that bursts on the last day (6 articles)."""
    store = Store(tmp_path / "burst.duckdb")
    store.ensure_schema()
    rows = {"id": [], "title": [], "published_at": [], "url": []}
    mentions = {"article_id": [], "entity_id": [], "start": [], "end": [], "surface": []}
    aid = 0
    plan = [(1, d, 1) for d in range(21)] + [(2, 20, 6)]
    for entity, day, n in plan:
        for k in range(n):
            aid += 1
            rows["id"].append(aid)
            rows["title"].append(f"خبر {aid} عن الحدود")
            rows["published_at"].append(datetime.combine(DAY0 + timedelta(days=day), datetime.min.time()) + timedelta(hours=k))
            rows["url"].append(f"https://example.org/{aid}")
            for key, v in zip(mentions, (aid, entity, 0, 3, "خبر"), strict=True):
                mentions[key].append(v)
    with store.write() as con:
        con.execute("INSERT INTO entities (id, key, type, name_ar, name_en) VALUES "
                    "(1, 'org:steady', 'ORG', 'ثابت', 'Steady'), (2, 'loc:القائم', 'LOC', 'القائم', 'Al-Qaim')")
        con.register("_a", pa.table(rows))
        con.execute("INSERT INTO articles (id, title, body, language, published_at, url, ingested_at, content_hash) "
                    "SELECT id, title, title, 'ar', published_at, url, now(), CAST(id AS VARCHAR) FROM _a")
        con.register("_m", pa.table(mentions))
        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) SELECT * FROM _m')
    return store


def test_spikes_are_the_bursts_of_the_period(tmp_path):
    store = _burst_store(tmp_path)
    query = Query(start=BURST_DAY - timedelta(days=3))
    b = gather(store, query, title="t")
    spikes = analytics.spikes(store, query, kind="entity", since=query.start)
    assert [s["key"] for s in b.spikes] == spikes["key"].tolist() == ["loc:القائم"]
    assert (b.spikes[0]["label"], b.spikes[0]["day"], b.spikes[0]["count"]) == ("القائم", BURST_DAY, 6)
    assert b.stories == []  # no stories computed in this store: the section says so, nothing fails


@pytest.mark.parametrize("query", [Query(), Query(languages=["ar"], start="2018-10-01")], ids=["all", "ar-oct"])
def test_top_stories_are_the_stories_calls(stories_store, query):
    b = gather(stories_store, query, title="t")
    top = analytics.top_stories(stories_store, query, n=STORIES_N)
    assert len(b.stories) == len(top) > 0
    assert [st.summary for st in b.stories] == top.to_dict("records")
    for st in b.stories:
        expected = analytics.story_articles(stories_store, st.summary["story_id"], query, n=STORY_ARTICLES_N)
        assert st.articles == expected.to_dict("records")
    assert b.stories[0].summary["articles"] >= 3 and "جمال خاشقجي" in b.stories[0].summary["title"]
