from datetime import timedelta

import pytest
from monitor_store import DAY0, DAYS, add_day, build

from marsad.analytics import Query
from marsad.config import Settings
from marsad.monitor import create_monitor, run_monitors
from marsad.monitor.rules import evaluate
from marsad.store.monitors import list_alerts


@pytest.fixture
def store(tmp_path):
    return build(tmp_path / "m.duckdb")


@pytest.fixture
def settings(store):
    return Settings(db_path=store.path)


def test_nothing_fires_on_the_baseline(store, settings):
    create_monitor(store, "opec", Query(entities=("org:opec",)))
    assert run_monitors(store, settings=settings) == []


def test_each_rule_fires_once(store, settings):
    create_monitor(store, "opec", Query(entities=("org:opec",)))
    later = DAY0 + timedelta(days=DAYS)
    new = add_day(store, later, 6, ["org:opec", "per:x"])
    alerts = run_monitors(store, settings=settings)
    assert [a["rule"] for a in alerts] == ["articles", "spike", "entity"]
    articles, spike, entity = alerts
    assert [a["id"] for a in articles["articles"]] == new and articles["detail"] == {"count": 6}
    assert articles["summary"] == "opec: 6 new articles" and articles["monitor"] == "opec"
    assert {"url", "title", "published_at", "source"} <= set(articles["articles"][0])
    assert articles["articles"][0]["url"] == f"https://wire.example/{new[0]}"
    assert articles["articles"][0]["published_at"].startswith(later.isoformat())
    assert spike["detail"]["day"] == later.isoformat() and spike["detail"]["count"] == 6
    assert spike["detail"]["z"] >= 3.5 and spike["articles"]
    assert [e["key"] for e in entity["detail"]["entities"]] == ["per:x"]  # loc:iraq was co-mentioned before
    assert entity["summary"] == "opec: newly co-mentioned: Person <X> & co"
    assert run_monitors(store, settings=settings) == []
    # one more article the next day: only the articles rule (no burst, no new entity)
    more = add_day(store, later + timedelta(days=1), 1, ["org:opec", "per:x", "loc:iraq"])
    again = run_monitors(store, settings=settings)
    assert [(a["rule"], [x["id"] for x in a["articles"]]) for a in again] == [("articles", more)]


def test_monitors_are_independent(store, settings):
    create_monitor(store, "opec", Query(entities=("org:opec",)))
    create_monitor(store, "person", Query(entities=("per:x",)))
    new = add_day(store, DAY0 + timedelta(days=DAYS), 1, ["org:opec", "per:x"])
    alerts = run_monitors(store, settings=settings)
    assert {(a["monitor"], a["rule"]) for a in alerts} == {("opec", "articles"), ("opec", "entity"),
                                                             ("person", "articles"), ("person", "entity")}
    person = next(a for a in alerts if a["monitor"] == "person" and a["rule"] == "entity")
    assert [e["key"] for e in person["detail"]["entities"]] == ["org:opec"]
    assert all(a["articles"][0]["id"] == new[0] for a in alerts)


def test_a_run_that_lost_the_race_records_nothing(store, settings):
    monitor = create_monitor(store, "opec", Query(entities=("org:opec",)))
    add_day(store, DAY0 + timedelta(days=DAYS), 1, ["org:opec"])
    from marsad.store import monitors as saved

    found = evaluate(store, monitor.query, seen_articles=saved.seen_articles(store, monitor.id), seen_keys={})
    assert len(run_monitors(store, settings=settings)) == 1  # another run got there first
    assert saved.record_alerts(store, monitor.id, found.alerts, fired_at=saved.utc_now(),
                               seen_articles=found.articles) is None
    assert len(list_alerts(store)) == 1


def test_no_monitors_on_an_old_store(tmp_path):
    from marsad.store import Store

    store = Store(tmp_path / "old.duckdb")
    with store.write() as con:  # a file without the monitors' tables
        con.execute("CREATE TABLE articles (id BIGINT)")
    assert run_monitors(store, settings=Settings(db_path=store.path)) == []
