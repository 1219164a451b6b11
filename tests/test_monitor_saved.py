from datetime import date, timedelta

import pytest
from monitor_store import DAY0, DAYS, add_day, build

from marsad.analytics import Query
from marsad.config import Settings
from marsad.errors import InvalidMonitor
from marsad.monitor import create_monitor, edit_monitor, list_monitors, load_monitor, remove_monitor, run_monitors
from marsad.monitor.saved import check_name, describe, watched
from marsad.store.monitors import seen_articles, seen_keys


def test_load_returns_the_saved_query(seeded_store_copy):
    q = Query(text="الحدود", entities=("loc:العراق",), languages=("ar",), topics=(101,))
    created = create_monitor(seeded_store_copy, "  border  ", q, webhook="https://example.org/hook")
    loaded = load_monitor(seeded_store_copy, "border")
    assert loaded == created
    assert loaded.name == "border" and loaded.query == q and loaded.webhook == "https://example.org/hook"
    assert loaded.email is None and loaded.created_at is not None and loaded.id == 1


def test_the_date_range_is_not_kept(seeded_store_copy):
    q = Query(text="oil", start=date(1987, 2, 1), end=date(1987, 3, 1), sources=("reuters",))
    monitor = create_monitor(seeded_store_copy, "oil", q)
    assert monitor.query == Query(text="oil", sources=("reuters",))


@pytest.mark.parametrize("query", [Query(), Query(start=date(2020, 1, 1)), Query(include_duplicates=True)])
def test_a_query_without_filters_is_refused(query):
    with pytest.raises(InvalidMonitor, match="something to watch"):
        watched(query)


@pytest.mark.parametrize(("name", "message"), [("", "needs a name"), ("a\nb", "control characters"),
                                               ("م" * 81, "at most 80"), ("abc\u202e", "bidi")])
def test_bad_names(name, message):
    with pytest.raises(InvalidMonitor, match=message):
        check_name(name)


def test_unknown_and_removed(seeded_store_copy):
    with pytest.raises(InvalidMonitor, match="no monitor named “x”"):
        load_monitor(seeded_store_copy, "x")
    create_monitor(seeded_store_copy, "x", Query(languages=("en",)))
    create_monitor(seeded_store_copy, "مرصد الحدود", Query(text="الحدود"))
    assert [m.name for m in list_monitors(seeded_store_copy)] == ["x", "مرصد الحدود"]
    remove_monitor(seeded_store_copy, "x")
    with pytest.raises(InvalidMonitor):
        load_monitor(seeded_store_copy, "x")
    with pytest.raises(InvalidMonitor):
        remove_monitor(seeded_store_copy, "x")


def test_describe_reads_like_the_address_bar_unescaped():
    q = Query(text="الحدود OR القائم", languages=("ar",), entities=("org:a&b",))
    assert describe(q) == "q=الحدود OR القائم&lang=ar&ent=org:a&b"


# -- editing ---------------------------------------------------------------------------------------------------
@pytest.fixture
def small(tmp_path):
    return build(tmp_path / "m.duckdb")  # tests/monitor_store.py: one OPEC-and-Iraq article a day for DAYS days


def _run(store) -> dict[str, list[int]]:
    return {a["rule"]: [x["id"] for x in a["articles"]] for a in run_monitors(store, settings=Settings(db_path=store.path))}


def test_an_edit_neither_floods_nor_drops_what_was_owed(small):
    create_monitor(small, "m", Query(entities=("loc:iraq",)))  # every stored article is its baseline
    later = DAY0 + timedelta(days=DAYS)
    [owed_elsewhere] = add_day(small, later, 1, ["loc:iraq"])  # owed to the old Query only
    [owed_both] = add_day(small, later, 1, ["loc:iraq", "per:x"])  # owed, and the new Query matches it too
    old_for_new = add_day(small, later, 2, ["per:x"])  # never owed: stored before the edit, so baseline
    edited = edit_monitor(small, "m", Query(entities=("per:x",)), webhook="https://hooks.example/m")
    assert edited.query == Query(entities=("per:x",)) and edited.webhook == "https://hooks.example/m"
    assert seen_articles(small, edited.id) >= set(old_for_new) and owed_both not in seen_articles(small, edited.id)
    fired = _run(small)
    assert fired["articles"] == [owed_both]  # neither the baseline's two nor the article the new Query skips
    assert owed_elsewhere not in sum(fired.values(), [])
    [newer] = add_day(small, later + timedelta(days=1), 1, ["per:x"])
    assert _run(small)["articles"] == [newer]


def test_a_delivery_change_keeps_the_baseline(small):
    create_monitor(small, "m", Query(entities=("org:opec",)))
    [new] = add_day(small, DAY0 + timedelta(days=DAYS), 1, ["org:opec"])
    before = (seen_articles(small, 1), seen_keys(small, 1))
    edited = edit_monitor(small, "m", Query(entities=("org:opec",), start=date(2020, 1, 1)), email="desk@example.org")
    assert (edited.email, edited.webhook) == ("desk@example.org", None)
    assert (seen_articles(small, 1), seen_keys(small, 1)) == before
    assert _run(small)["articles"] == [new]  # still owed after the edit


def test_a_broader_query_adds_its_matches_to_the_baseline_once(small):
    create_monitor(small, "m", Query(entities=("per:x",)))
    edit_monitor(small, "m", Query(entities=("org:opec",)))
    edit_monitor(small, "m", Query(entities=("loc:iraq",)))  # the same articles again: not stored twice
    with small.read() as con:
        assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM monitor_articles").fetchall() == [(DAYS, DAYS)]
    assert _run(small) == {}


@pytest.mark.parametrize(("name", "query", "kwargs", "message"), [
    ("nobody", Query(text="oil"), {}, "no monitor named “nobody”"),
    ("m", Query(), {}, "something to watch"),
    ("m", Query(text="oil"), {"webhook": "ftp://example.org/"}, "not an http"),
    ("m", Query(text="oil"), {"email": "desk"}, "not an e-mail address"),
])
def test_a_bad_edit_is_refused_and_changes_nothing(small, name, query, kwargs, message):
    created = create_monitor(small, "m", Query(entities=("org:opec",)))
    with pytest.raises(InvalidMonitor, match=message):
        edit_monitor(small, name, query, **kwargs)
    assert load_monitor(small, "m") == created
