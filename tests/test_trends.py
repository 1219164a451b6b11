import itertools
from datetime import date

import pandas as pd
import pytest

from marsad.analytics import (
    Query,
    count_over_time,
    count_undated,
    coverage_periods,
    entity_timeline,
    overview_figures,
    sample_articles,
    search,
    undated_only,
)
from marsad.analytics.trends import PERIOD_GAP_DAYS
from marsad.errors import InvalidQuery

SPRING_2018 = Query(start=date(2018, 3, 1), end=date(2018, 5, 31))


@pytest.mark.parametrize("interval, bins", [("day", 92), ("week", 14), ("month", 3)])
def test_bins_cover_the_range_with_zeros(seeded_store, interval, bins):
    df = count_over_time(seeded_store, SPRING_2018, interval=interval)
    assert list(df.columns) == ["bin", "count", "total", "ratio"]
    assert len(df) == bins
    assert df["bin"].is_monotonic_increasing and df["bin"].is_unique
    if interval == "day":
        assert (df["total"] == 0).any()  # a sparse sample: empty days are there, as zeros
    if interval == "week":
        assert (df["bin"].dt.day_of_week == 0).all()  # ISO weeks start on Monday
    if interval == "month":
        assert list(df["bin"]) == list(pd.to_datetime(["2018-03-01", "2018-04-01", "2018-05-01"]))


def test_totals_add_up_to_the_overview(seeded_store):
    df = count_over_time(seeded_store, SPRING_2018, interval="day")
    assert df["total"].sum() == overview_figures(seeded_store, SPRING_2018)["articles"]
    assert (df["count"] == df["total"]).all() and (df["ratio"][df["total"] > 0] == 1.0).all()


def test_count_total_ratio_with_a_content_filter(seeded_store):
    q = Query(entities=["loc:سوريا"], languages=["ar"])
    df = count_over_time(seeded_store, q, interval="month")
    base = count_over_time(seeded_store, q.base(), interval="month")
    assert (df["total"] == base.set_index("bin").reindex(df["bin"])["count"].to_numpy()).all()
    assert (df["count"] <= df["total"]).all()
    assert df["count"].sum() > 0
    nonzero = df[df["total"] > 0]
    assert ((nonzero["count"] / nonzero["total"]) == nonzero["ratio"]).all()
    assert (df.loc[df["total"] == 0, "ratio"] == 0).all()


def test_text_filter_counts_match_search(seeded_store):
    from marsad.analytics import search

    q = Query(text="العراق OR سوريا")
    df = count_over_time(seeded_store, q, interval="month")
    assert df["count"].sum() == search(seeded_store, q).attrs["total"]


def test_entity_timeline_is_count_over_time_with_the_entity(seeded_store):
    a = entity_timeline(seeded_store, "org:isis", Query(), interval="month")
    b = count_over_time(seeded_store, Query(entities=["org:isis"]), interval="month")
    pd.testing.assert_frame_equal(a, b)


def test_duplicates_excluded_by_default(seeded_store):
    q = Query(start=date(2018, 1, 1), end=date(2018, 12, 31))
    plain = count_over_time(seeded_store, q, interval="month")["total"].sum()
    dups = count_over_time(seeded_store, q.replace(include_duplicates=True), interval="month")["total"].sum()
    assert dups == plain + 1


def test_empty_result_is_an_empty_frame(seeded_store):
    df = count_over_time(seeded_store, Query(languages=["xx"]), interval="week")
    assert df.empty and list(df.columns) == ["bin", "count", "total", "ratio"]


def test_bad_interval(seeded_store):
    with pytest.raises(InvalidQuery, match="interval"):
        count_over_time(seeded_store, Query(), interval="year")


def test_pinned_store_gives_the_same_answers(seeded_store):
    from marsad.analytics import pinned, top_entities

    with pinned(seeded_store) as s:
        a = count_over_time(s, SPRING_2018, interval="week")
        b = top_entities(s, Query(), n=3)
        with pytest.raises(TypeError):
            s.write()
    pd.testing.assert_frame_equal(a, count_over_time(seeded_store, SPRING_2018, interval="week"))
    pd.testing.assert_frame_equal(b, top_entities(seeded_store, Query(), n=3))


_BAGHDAD_PAGE = """كل الأخبار

الكاظمي يوجه بتأمين الحدود العراقية مع سوريا

{date}

بغداد – ناس

{body}
"""
_BODIES = [
    "وجّه رئيس الحكومة، مصطفى الكاظمي، قيادة العمليات المشتركة، بضرورة إنهاء ملف أمن الحدود، وذلك عقب تحذيرات"
    " دولية تحدثت عن نشاط ملحوظ لتنظيم داعش على الحدود العراقية السورية خلال الأسابيع الماضية.",
    "قال المتحدث باسم قيادة العمليات المشتركة إن القيادة بصدد إقامة أسيجة وكاميرات حرارية على طول الحدود مع"
    " سوريا، في خطوة تتضمن تكتيكات جديدة لإنهاء ملف الحدود المشتركة بالتنسيق مع الجانب السوري.",
]


def test_a_day_without_a_time_is_counted_on_its_day(tmp_path):
    # A Baghdad page dated "27 أيلول 2020" (no time) beside one timed 01:30 Baghdad time on the 27th, which
    # is 22:30 UTC on the 26th: the calendar date stays on the 27th, the instant goes to its UTC day.
    from marsad.config import Settings
    from marsad.ingest.pipeline import ingest
    from marsad.store import Store

    for n, date_line in enumerate(["27 أيلول 2020", "2020.09.27 - 01:30"]):
        (tmp_path / f"page{n}.txt").write_text(_BAGHDAD_PAGE.format(date=date_line, body=_BODIES[n]), encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    report = ingest(sorted(tmp_path.glob("page*.txt")), settings=Settings(), store=store, workers=0)
    assert report.stored == 2
    the_27th = date(2020, 9, 27)
    days = count_over_time(store, Query(), interval="day").set_index("bin")["total"]
    assert days.to_dict() == {pd.Timestamp("2020-09-26"): 1, pd.Timestamp("2020-09-27"): 1}
    assert overview_figures(store, Query(start=the_27th, end=the_27th))["articles"] == 1
    only_27th = Query(text="الحدود", start=the_27th, end=the_27th)  # the search index filters days itself
    assert count_over_time(store, only_27th)["count"].tolist() == [1]


@pytest.mark.parametrize(("query", "years"), [
    (Query(include_duplicates=True), [1987, 2018]),  # the Reuters sample, then the ANT news
    (Query(languages=("ar",)), [2018]),
    (Query(start=date(2030, 1, 1)), []),
])
def test_coverage_periods_split_where_months_pass_without_an_article(seeded_store, query, years):
    periods = coverage_periods(seeded_store, query)
    assert [p["start"].year for p in periods] == years
    assert all(p["start"] <= p["end"] for p in periods)
    assert all((b["start"] - a["end"]).days > PERIOD_GAP_DAYS for a, b in itertools.pairwise(periods))
    assert sum(p["articles"] for p in periods) == overview_figures(seeded_store, query)["articles"]


def test_a_shorter_allowed_gap_splits_coverage_further(seeded_store):
    loose = coverage_periods(seeded_store, Query())
    strict = coverage_periods(seeded_store, Query(), max_gap_days=0)  # every day without an article splits
    assert len(strict) > len(loose)
    assert sum(p["articles"] for p in strict) == sum(p["articles"] for p in loose)


# -- undated articles: left off every time chart, counted beside it, listed on their own ---------------------------
WIRE = Query(sources=["wire"])


@pytest.mark.parametrize(
    "query, charted, undated",
    [
        (WIRE, 6, 4),
        (WIRE.replace(include_duplicates=True), 6, 5),  # the undated near-duplicate counts only when asked for
        (WIRE.replace(text="harbour"), 6, 4),
        (WIRE.replace(start=date(2020, 3, 6), end=date(2020, 3, 31)), 5, 4),  # the count ignores the dates
        (Query(sources=["daily"]), 3, 0),
        (Query(languages=["ar"]), 0, 0),
    ],
)
def test_undated_articles_are_counted_beside_the_chart(undated_store, query, charted, undated):
    assert count_over_time(undated_store, query, interval="day")["count"].sum() == charted
    assert count_undated(undated_store, query) == undated


@pytest.mark.parametrize("text", ["", "harbour"])
def test_undated_only_lists_exactly_those_articles(undated_store, text):
    listed = undated_only(WIRE.replace(text=text, start=date(2020, 3, 6)))
    assert listed.start is None and listed.undated
    rows = sample_articles(undated_store, listed, n=50)
    assert sorted(rows["id"]) == [1, 2, 3, 4]
    assert rows["published_at"].isna().all()
    found = search(undated_store, listed, per_page=50)
    assert sorted(found["id"]) == [1, 2, 3, 4] and found.attrs["total"] == 4
