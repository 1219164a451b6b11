"""UI-side combinations of analytics calls, and the pure date helpers behind them."""

from datetime import date

import pytest

from marsad.analytics.query import Query
from marsad.ui import combined


@pytest.mark.parametrize(
    ("first", "last", "interval"),
    [
        (date(2018, 2, 1), date(2018, 3, 1), "day"),
        (date(2018, 2, 1), date(2018, 10, 1), "week"),
        (date(1987, 2, 1), date(2018, 10, 1), "month"),
        (None, date(2018, 1, 1), "month"),
    ],
)
def test_auto_interval(first, last, interval):
    assert combined.auto_interval(first, last) == interval


@pytest.mark.parametrize(
    ("start", "interval", "end"),
    [
        (date(2018, 3, 5), "day", date(2018, 3, 5)),
        (date(2018, 3, 5), "week", date(2018, 3, 11)),
        (date(2018, 2, 1), "month", date(2018, 2, 28)),
        (date(2020, 2, 1), "month", date(2020, 2, 29)),
        (date(2018, 12, 1), "month", date(2018, 12, 31)),
    ],
)
def test_bin_end(start, interval, end):
    assert combined.bin_end(start, interval) == end


def test_within_bin_intersects_the_query_range():
    q = Query(start=date(2018, 3, 10), end=date(2018, 3, 20), languages=("ar",))
    narrowed = combined.within_bin(q, date(2018, 3, 1), "month")
    assert (narrowed.start, narrowed.end, narrowed.languages) == (date(2018, 3, 10), date(2018, 3, 20), ("ar",))
    assert combined.within_bin(Query(), date(2018, 3, 5), "week").end == date(2018, 3, 11)


def test_volume_by_language_and_source(seeded_store):
    by_lang = combined.volume_by(seeded_store, Query(), by="language", interval="month")
    assert set(by_lang["key"]) == {"ar", "en"}
    by_src = combined.volume_by(seeded_store, Query(), by="source", interval="month")
    assert "reuters" in set(by_src["key"]) and by_src["count"].sum() == by_lang["count"].sum()


def test_key_figures_are_zero_when_nothing_matches(seeded_store):
    figs = combined.key_figures(seeded_store, Query(start=date(2030, 1, 1)))
    assert figs["articles"] == 0 and figs["first_date"] is None
    assert combined.key_figures(seeded_store, Query())["articles"] > 200


def test_the_default_view_is_the_densest_period(seeded_store):
    view = combined.default_view(seeded_store)
    assert view.start.year == view.end.year == 2018 and view.start < view.end
    everything = combined.key_figures(seeded_store, combined.ALL_ARTICLES)
    assert combined.key_figures(seeded_store, view)["articles"] > everything["articles"] / 2


def test_a_store_covered_in_one_stretch_opens_on_every_date(seeded_store, monkeypatch):
    from marsad import analytics

    monkeypatch.setattr(analytics, "coverage_periods", lambda store, q: [{"start": date(2018, 1, 1), "end": date(2018, 2, 1), "articles": 9}])
    assert combined.default_view(seeded_store) == Query()


def test_volume_by_language_leaves_out_languages_without_articles_in_the_dates(seeded_store):
    spring_2018 = Query(start=date(2018, 3, 1), end=date(2018, 5, 31))  # ANT (Arabic) only: Reuters is 1987
    assert set(combined.volume_by(seeded_store, spring_2018, by="language", interval="week")["key"]) == {"ar"}
