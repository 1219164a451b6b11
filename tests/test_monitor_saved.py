from datetime import date

import pytest

from marsad.analytics import Query
from marsad.errors import InvalidMonitor
from marsad.monitor import create_monitor, list_monitors, load_monitor, remove_monitor
from marsad.monitor.saved import check_name, describe, watched


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
