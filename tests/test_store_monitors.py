from datetime import datetime

import pytest

from marsad.errors import InvalidMonitor
from marsad.store import Store
from marsad.store import monitors as saved

T = datetime(2026, 1, 2, 3, 4, 5)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "m.duckdb")
    store.ensure_schema()
    return store


def _alert(rule="articles", ids=(1, 2), **detail):
    return saved.NewAlert(rule=rule, article_ids=list(ids), detail=detail)


def test_monitor_with_its_baseline(store):
    row = saved.add_monitor(store, name="m", query="q=oil", webhook=None, email="a@b.org", seen_articles=[3, 1],
                            seen_keys={"entity": ["org:x"], "spike": ["2020-01-01"]})
    assert (row["id"], row["name"], row["query"], row["webhook"], row["email"]) == (1, "m", "q=oil", None, "a@b.org")
    assert saved.get_monitor(store, "m") == row and saved.list_monitors(store) == [row]
    assert saved.seen_articles(store, 1) == {1, 3}
    assert saved.seen_keys(store, 1) == {"entity": {"org:x"}, "spike": {"2020-01-01"}}
    with pytest.raises(InvalidMonitor, match="exists already"):
        saved.add_monitor(store, name="m", query="q=gas", webhook=None, email=None)


def test_alerts_read_flags_and_delivery(store):
    saved.add_monitor(store, name="a", query="q=oil", webhook="http://x.example/", email=None)
    saved.add_monitor(store, name="b", query="q=gas", webhook=None, email=None)
    first = saved.record_alerts(store, 1, [_alert(), _alert("spike", [5], day="2020-01-01", z=4.5)], fired_at=T,
                                seen_articles=[1, 2], seen_keys={"spike": ["2020-01-01"]}, deliver=True)
    second = saved.record_alerts(store, 2, [_alert(ids=[7])], fired_at=T.replace(hour=5), seen_articles=[7])
    assert first == [1, 2] and second == [3]
    alerts = saved.list_alerts(store)
    assert [a["id"] for a in alerts] == [3, 2, 1]  # newest first
    assert alerts[1]["detail"] == {"day": "2020-01-01", "z": 4.5} and alerts[1]["article_ids"] == [5]
    assert [a["delivery"] for a in alerts] == ["none", "pending", "pending"]
    assert saved.unread_counts(store) == {"a": 2, "b": 1}
    saved.mark_read(store, [1, 3])
    assert [a["id"] for a in saved.list_alerts(store, unread_only=True)] == [2]
    assert saved.unread_counts(store) == {"a": 1, "b": 0}
    saved.mark_read(store, [3], read=False)
    assert [a["id"] for a in saved.list_alerts(store, monitor="b", unread_only=True)] == [3]
    saved.set_delivery(store, 2, status="failed", error="webhook: HTTP 500")
    assert [(a["id"], a["delivery_error"]) for a in saved.list_alerts(store, delivery="failed")] == [(2, "webhook: HTTP 500")]
    assert [a["id"] for a in saved.list_alerts(store, ids=[1, 3], limit=1)] == [3]
    # the same things seen twice: the second run recorded nothing
    assert saved.record_alerts(store, 1, [_alert()], fired_at=T, seen_articles=[2]) is None
    assert saved.record_alerts(store, 1, [], fired_at=T, seen_keys={"spike": ["2020-01-01"]}) is None


def test_remove_takes_alerts_and_seen_things(store):
    saved.add_monitor(store, name="a", query="q=oil", webhook=None, email=None, seen_articles=[1])
    saved.record_alerts(store, 1, [_alert(ids=[2])], fired_at=T, seen_articles=[2])
    assert saved.remove_monitor(store, "a") and not saved.remove_monitor(store, "a")
    assert saved.list_alerts(store) == [] and saved.seen_articles(store, 1) == set()


def test_reads_on_a_store_without_monitor_tables(tmp_path):
    store = Store(tmp_path / "old.duckdb")
    with store.write() as con:
        con.execute("CREATE TABLE articles (id BIGINT)")
    assert saved.list_monitors(store) == [] and saved.list_alerts(store) == [] and saved.unread_counts(store) == {}
    assert saved.list_monitors(Store(tmp_path / "none.duckdb")) == []
