"""Time-axis ticks: every stretch of a cut axis names its own period, in English and Arabic, checked on the
figure Plotly receives (layout.xaxis tickvals/ticktext)."""

import pandas as pd
import pytest

from marsad.ui import charts, time_ticks
from marsad.ui.time_ticks import Step


def _axis(df: pd.DataFrame, lang: str) -> tuple[list[pd.Timestamp], list[str]]:
    xaxis = charts.time_series(df, title="t", lang=lang).to_dict()["layout"]["xaxis"]
    return [pd.Timestamp(v) for v in xaxis["tickvals"]], list(xaxis["ticktext"])


def _months(*spans: tuple[str, str]) -> pd.DataFrame:
    """Monthly bins from the first span's start to the last one's end, 5 articles inside the spans, 0 outside."""
    bins = pd.date_range(spans[0][0], spans[-1][1], freq="MS")
    inside = [any(pd.Timestamp(a) <= b <= pd.Timestamp(z) for a, z in spans) for b in bins]
    return pd.DataFrame({"bin": bins, "count": [5 if i else 0 for i in inside]})


@pytest.mark.parametrize(("lang", "months", "first_labels"), [
    ("en", {"Jan", "Apr", "Jul", "Oct"}, ["Jan<br>1987", "Jan<br>2018"]),
    ("ar", {"\u2067يناير\u2069", "\u2067أبريل\u2069", "\u2067يوليو\u2069", "\u2067أكتوبر\u2069"},
     ["\u2067يناير\u2069<br>1987", "\u2067يناير\u2069<br>2018"]),
])
def test_a_cut_month_axis_names_months_and_years_on_each_stretch(lang, months, first_labels):
    """The demo's shape: a 1987 wire sample and 2018 news, thirty empty years cut out between them."""
    df = _months(("1987-01-01", "1987-10-01"), ("2018-01-01", "2018-10-01"))
    [cut] = charts.empty_stretches(df)
    values, labels = _axis(df, lang)
    before = [lbl for v, lbl in zip(values, labels, strict=True) if v < cut.lo]
    after = [lbl for v, lbl in zip(values, labels, strict=True) if v > cut.hi]
    assert len(before) >= 2 and len(after) >= 2 and len(before) + len(after) == len(values)  # none inside the cut
    assert [before[0], after[0]] == first_labels  # the year under each stretch's first tick
    assert {lbl.split("<br>")[0] for lbl in labels} <= months
    assert not any("2017" in lbl for lbl in labels)


def test_a_short_stretch_still_gets_a_tick():
    """Ten years of monthly coverage and one lone month: the lone month is named, not left bare."""
    df = _months(("2000-01-01", "2009-12-01"), ("2040-06-01", "2040-06-01"))
    values, labels = _axis(df, "en")
    assert values[-1] == pd.Timestamp("2040-06-01") and labels[-1] == "Jun<br>2040"
    assert labels[:3] == ["2000", "2002", "2004"]  # the long stretch steps by years


@pytest.mark.parametrize(("freq", "periods", "lang", "expected"), [
    ("D", 30, "en", ["Mar 5<br>2018", "Mar 12", "Mar 19", "Mar 26", "Apr 2"]),  # daily bins: Mondays
    ("D", 30, "ar", ["\u20675 مارس\u2069<br>2018", "\u206712 مارس\u2069", "\u206719 مارس\u2069", "\u206726 مارس\u2069",
                     "\u20672 أبريل\u2069"]),
    ("W-MON", 10, "en", ["Mar 5<br>2018", "Mar 19", "Apr 2", "Apr 16", "Apr 30"]),  # weekly bins: every other week
])
def test_day_and_week_axes_name_days(freq, periods, lang, expected):
    df = pd.DataFrame({"bin": pd.date_range("2018-03-05", periods=periods, freq=freq), "count": 1})
    assert _axis(df, lang)[1] == expected


def test_the_year_is_written_again_where_it_changes():
    df = pd.DataFrame({"bin": pd.date_range("2017-09-01", "2018-04-01", freq="MS"), "count": 1})
    values, labels = _axis(df, "en")
    assert labels == ["Sep<br>2017", "Oct", "Nov", "Dec", "Jan<br>2018", "Feb", "Mar", "Apr"]


def test_ticks_are_never_finer_than_the_bins():
    """Monthly points two months apart on the axis: ticks on the 2nd or 15th of a month would name no point."""
    values, _ = time_ticks.time_ticks([(pd.Timestamp("2018-01-01"), pd.Timestamp("2018-02-01"))], "en", bin_days=31)
    assert all(v.day == 1 for v in values)


@pytest.mark.parametrize(("step", "lo", "hi", "expected"), [
    (Step("day", 14), "2018-03-01", "2018-04-01", ["2018-03-05", "2018-03-19"]),
    (Step("month", 3), "2018-02-15", "2018-12-31", ["2018-03-01", "2018-06-01", "2018-09-01", "2018-12-01"]),
    (Step("year", 5), "1987-03-01", "2001-01-01", ["1990-01-01", "1995-01-01", "2000-01-01"]),
])
def test_aligned_dates(step, lo, hi, expected):
    assert time_ticks.aligned(pd.Timestamp(lo), pd.Timestamp(hi), step) == [pd.Timestamp(d) for d in expected]


def test_charts_without_dates_keep_plotlys_ticks():
    fig = charts.time_series(pd.DataFrame({"bin": [1, 2, 3], "count": [1, 2, 3]}), title="t", lang="en")
    assert fig.layout.xaxis.tickvals is None
