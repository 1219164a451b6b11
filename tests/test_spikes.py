from datetime import date, datetime, timedelta

import pyarrow as pa
import pytest

from marsad.analytics import Query, coverage_spikes, spikes
from marsad.analytics.spikes import MIN_ARTICLES
from marsad.errors import InvalidQuery
from marsad.store import Store

DAY0 = date(2020, 9, 1)


def _store(tmp_path, daily: dict[str, list[int]]) -> Store:
    """Articles per day per item ("steady", "burst", …): each article mentions its item as an entity, carries
    it as a keyword and as a topic."""
    store = Store(tmp_path / "s.duckdb")
    store.ensure_schema()
    items = sorted(daily)
    art = {"id": [], "published_at": [], "body": []}
    men = {"article_id": [], "entity_id": [], "start": [], "end": [], "surface": []}
    kw = {"article_id": [], "keyword": [], "score": []}
    top = {"article_id": [], "topic_id": [], "weight": []}
    aid = 0
    for e, item in enumerate(items, start=1):
        for d, n in enumerate(daily[item]):
            for k in range(n):
                aid += 1
                art["id"].append(aid)
                art["published_at"].append(
                    datetime.combine(DAY0 + timedelta(days=d), datetime.min.time()) + timedelta(minutes=k)
                )
                art["body"].append(f"{item} news")
                men["article_id"].append(aid), men["entity_id"].append(e)
                men["start"].append(0), men["end"].append(len(item)), men["surface"].append(item)
                kw["article_id"].append(aid), kw["keyword"].append(item), kw["score"].append(0.1)
                top["article_id"].append(aid), top["topic_id"].append(e), top["weight"].append(1.0)
    with store.write() as con:
        for e, item in enumerate(items, start=1):
            con.execute(
                "INSERT INTO entities (id, key, type, name_ar, name_en) VALUES (?, ?, 'ORG', ?, ?)",
                [e, f"org:{item}", item, item],
            )
            con.execute(
                "INSERT INTO topics (id, label, terms, language, model_version) VALUES (?, ?, ?, 'en', 1)",
                [e, item, [item]],
            )
        con.register("_a", pa.table(art))
        con.execute(
            "INSERT INTO articles (id, published_at, body, language, ingested_at, content_hash) "
            "SELECT id, published_at, body, 'en', now(), CAST(id AS VARCHAR) FROM _a"
        )
        con.register("_m", pa.table(men))
        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) SELECT * FROM _m')
        con.register("_k", pa.table(kw))
        con.execute("INSERT INTO keywords SELECT * FROM _k")
        con.register("_t", pa.table(top))
        con.execute("INSERT INTO article_topics SELECT * FROM _t")
    return store


@pytest.fixture
def bursty(tmp_path):
    steady = [2, 3, 2, 2, 3] * 8  # 40 days of ordinary coverage
    burst = [0, 1] * 18 + [0, 0, 9, 1]  # nothing much, then 9 articles on day 38
    high = [20, 22, 19, 21, 20] * 8  # busy but flat
    return _store(tmp_path, {"steady": steady, "burst": burst, "high": high})


@pytest.mark.parametrize("kind, key", [("entity", "org:burst"), ("topic", None), ("keyword", "burst")])
def test_finds_the_burst_and_only_it(bursty, kind, key):
    df = spikes(bursty, Query(), kind=kind)
    assert len(df) == 1, df
    row = df.iloc[0]
    assert row["label"] == "burst"
    if key:
        assert row["key"] == key
    assert row["day"] == DAY0 + timedelta(days=38)
    assert row["count"] == 9 and row["baseline"] <= 1 and row["z"] >= 3.5
    assert len(row["articles"]) == 5 and row["kind"] == kind


def test_since_excludes_older_bursts(bursty):
    assert spikes(bursty, Query(), since=DAY0 + timedelta(days=39)).empty
    assert len(spikes(bursty, Query(), since=DAY0 + timedelta(days=20))) == 1


def test_small_counts_are_not_spikes(tmp_path):
    store = _store(tmp_path, {"quiet": [0] * 30 + [MIN_ARTICLES - 1]})
    assert spikes(store, Query()).empty


def test_a_big_jump_on_a_busy_item_counts(tmp_path):
    store = _store(tmp_path, {"busy": [20, 22, 19, 21, 20] * 6 + [60]})
    df = spikes(store, Query())
    assert df["label"].tolist() == ["busy"] and df["z"].iloc[0] > 5


def test_empty_store_and_bad_arguments(tmp_path, bursty):
    empty = Store(tmp_path / "empty" / "e.duckdb")
    empty.ensure_schema()
    assert spikes(empty, Query()).empty
    with pytest.raises(InvalidQuery, match="kind"):
        spikes(bursty, Query(), kind="person")
    with pytest.raises(InvalidQuery, match="after"):
        spikes(bursty, Query(end=DAY0 + timedelta(days=5)), since=DAY0 + timedelta(days=10))


@pytest.mark.parametrize(
    "series, spike_day",
    [
        ([1, 0, 1, 0, 6], None),  # four days into the archive: no baseline yet
        ([1, 0, 1, 0, 1, 0, 6], None),  # six days of history, one short
        ([1, 0, 1, 0, 1, 0, 1, 6], 7),  # a week of history: a burst
    ],
)
def test_no_spike_without_a_week_of_archive(tmp_path, series, spike_day):
    df = spikes(_store(tmp_path, {"new": series}), Query())
    assert df["day"].tolist() == ([] if spike_day is None else [DAY0 + timedelta(days=spike_day)])


def test_history_counts_from_the_selected_sources_first_day(tmp_path):
    # An outlet added to the archive late has no history before its first article, whatever the others have.
    store = _store(tmp_path, {"old": [1] * 30, "late": [0] * 26 + [1, 0, 6, 0]})
    with store.write() as con:
        con.execute("INSERT INTO sources (id, key, name) VALUES (1, 'late-outlet', 'Late')")
        con.execute("UPDATE articles SET source_id = 1 WHERE body = 'late news'")
    assert spikes(store, Query(), kind="keyword")["key"].tolist() == ["late"]
    assert spikes(store, Query(sources=["late-outlet"]), kind="keyword").empty


@pytest.mark.parametrize("kind", ["entity", "topic", "keyword"])
def test_ties_are_broken_by_key(tmp_path, kind):
    burst = [0, 1] * 10 + [9]
    store = _store(tmp_path, {"alpha": burst, "beta": burst})  # alpha has the lower id
    with store.write() as con:  # …but the later key
        con.execute("UPDATE entities SET key = 'org:zeta' WHERE id = 1")
        con.execute("UPDATE keywords SET keyword = 'zeta' WHERE keyword = 'alpha'")
        con.execute("UPDATE article_topics SET topic_id = 10 WHERE topic_id = 1")
        con.execute("UPDATE topics SET id = 10 WHERE id = 1")
    both = spikes(store, Query(), kind=kind)
    assert both["z"].nunique() == 1 and len(both) == 2
    assert both["key"].tolist() == sorted(both["key"])
    assert spikes(store, Query(), kind=kind, n=1)["key"].tolist() == both["key"].tolist()[:1]


def test_coverage_spikes_scores_the_selection_itself(bursty):
    # the "burst" entity's own coverage: one burst day, as spikes() finds it among items
    df = coverage_spikes(bursty, Query(entities=("org:burst",)), since=DAY0 + timedelta(days=20))
    assert df["day"].tolist() == [DAY0 + timedelta(days=38)]
    row = df.iloc[0]
    assert row["count"] == 9 and row["z"] >= 3.5 and len(row["articles"]) == 5
    # the whole store's volume is steady + high + burst: 9 more articles on a ~24 a day baseline is no burst
    assert coverage_spikes(bursty, Query(), since=DAY0 + timedelta(days=20)).empty


def test_coverage_spikes_lists_every_burst_day(tmp_path):
    store = _store(tmp_path, {"twice": [1, 0] * 10 + [8, 1, 0, 9]})
    df = coverage_spikes(store, Query(), since=DAY0 + timedelta(days=15))
    assert df["day"].tolist() == [DAY0 + timedelta(days=20), DAY0 + timedelta(days=23)]
    assert coverage_spikes(store, Query(end=DAY0 + timedelta(days=19)), since=DAY0 + timedelta(days=15)).empty
    with pytest.raises(InvalidQuery, match="after"):
        coverage_spikes(store, Query(end=DAY0 + timedelta(days=5)), since=DAY0 + timedelta(days=10))
