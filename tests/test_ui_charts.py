"""DataFrame → Figure: data carried in traces, Arabic titles on the right, RTL axes."""

import itertools

import pandas as pd
import pytest

from marsad.errors import MarsadError
from marsad.ui import basemap, charts


@pytest.fixture
def series():
    bins = pd.date_range("2018-03-01", periods=4, freq="D")
    return pd.DataFrame(
        {"bin": list(bins) * 2, "count": [1, 0, 3, 2, 5, 5, 0, 1], "series": ["الحدود"] * 4 + ["border"] * 4}
    )


@pytest.mark.parametrize(("lang", "x", "anchor"), [("ar", 1, "right"), ("en", 0, "left")])
def test_title_placement(series, lang, x, anchor):
    fig = charts.time_series(series, series="series", title="حجم التغطية", lang=lang)
    assert fig.layout.title.text == "حجم التغطية"
    assert fig.layout.title.x == x and fig.layout.title.xanchor == anchor


def test_time_series_one_trace_per_series_with_its_data(series):
    fig = charts.time_series(series, series="series", title="t", lang="en", keys="series")
    assert [tr.name for tr in fig.data] == ["الحدود", "border"]
    assert list(fig.data[0].y) == [1, 0, 3, 2]
    assert fig.data[1].customdata[0][0] == "border"


def test_long_lines_drop_their_markers(series):
    short = charts.time_series(series, series="series", title="t", lang="en")
    assert {tr.mode for tr in short.data} == {"lines+markers"}
    bins = pd.date_range("1987-01-01", periods=charts.MARKERS_UP_TO + 1, freq="MS")
    long = charts.time_series(pd.DataFrame({"bin": bins, "count": range(len(bins))}), title="t", lang="en")
    assert long.data[0].mode == "lines" and len(long.data[0].x) == len(bins)
    clickable = charts.time_series(pd.DataFrame({"bin": bins, "count": range(len(bins))}), title="t", lang="en",
                                   markers=True)
    assert clickable.data[0].mode == "lines+markers"


def test_time_series_percent_axis(series):
    fig = charts.time_series(series.assign(ratio=series["count"] / 10), y="ratio", title="t", lang="en", percent=True)
    assert fig.layout.yaxis.tickformat == ".1%"
    assert len(fig.data) == 1 and not fig.layout.showlegend


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_ranked_bars_largest_on_top_and_rtl_axis(lang):
    df = pd.DataFrame({"name": ["بغداد", "دمشق", "أربيل"], "mentions": [5, 9, 1], "type": ["LOC", "LOC", "ORG"]})
    fig = charts.ranked_bars(df, label="name", value="mentions", title="t", lang=lang, colour_by="type")
    bar = fig.data[0]
    assert list(bar.y) == ["أربيل", "بغداد", "دمشق"]  # plotly draws the last category at the top
    assert list(bar.x) == [1, 5, 9]
    assert bar.marker.color[0] == charts.ENTITY_COLOURS["ORG"]
    assert (fig.layout.xaxis.autorange == "reversed") == (lang == "ar")


def test_stacked_shares_sum_to_one_per_row():
    df = pd.DataFrame({"source": ["a", "a", "b"], "language": ["ar", "en", "ar"], "articles": [3, 1, 2]})
    fig = charts.stacked_shares(df, row="source", part="language", value="articles", title="t", lang="en")
    shares = {}
    for tr in fig.data:
        for y, x in zip(tr.y, tr.x, strict=True):
            shares[y] = shares.get(y, 0) + x
    assert shares == pytest.approx({"a": 1.0, "b": 1.0})


def test_network_has_one_edge_per_neighbour_and_sizes_by_weight():
    df = pd.DataFrame({"name": ["x", "y", "z"], "articles": [10, 5, 1], "type": ["PER", "ORG", "LOC"]})
    fig = charts.co_mention_network("centre", df, label="name", weight="articles", kind="type", title="t", lang="ar")
    edges = [tr for tr in fig.data if tr.mode == "lines"]
    nodes = next(tr for tr in fig.data if tr.name == "neighbours")
    assert len(edges) == 3
    assert list(nodes.text) == ["x", "y", "z"]
    assert nodes.marker.size[0] > nodes.marker.size[1] > nodes.marker.size[2]


def test_bubble_map_skips_places_without_coordinates_and_carries_keys():
    df = pd.DataFrame(
        {"name": ["بغداد", "?"], "lat": [33.3, None], "lon": [44.4, None], "mentions": [7, 3], "key": ["loc:b", "loc:q"]}
    )
    fig = charts.bubble_map(df, name="name", size="mentions", key="key", title="t", lang="en")
    bubbles = next(tr for tr in fig.data if tr.name == "places")
    assert bubbles.type == "scatter"  # cartesian: Streamlit reports clicks on it (geo traces send none)
    assert list(bubbles.y) == [33.3] and list(bubbles.x) == [44.4] and bubbles.customdata[0][0] == "loc:b"
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    lo, hi = fig.layout.xaxis.range
    assert lo < 44.4 < hi
    # the outlines take no clicks and carry no place key
    for outline in (tr for tr in fig.data if tr.name != "places"):
        assert outline.hoverinfo == "skip" and outline.customdata is None


def test_base_map_outlines_are_lon_lat_polylines():
    borders, land = basemap.borders(), basemap.land()
    assert len(borders.lon) == len(borders.lat) > 5000
    xs = [x for x in borders.lon if x is not None]
    ys = [y for y in borders.lat if y is not None]
    assert -180 <= min(xs) < -170 and 170 < max(xs) <= 180 and -90 <= min(ys) and max(ys) <= 90
    # the land coast passes by Basra (47.8E, 30.5N) at the head of the Gulf; shapes are separated by None
    assert None in land.lon and any(abs(x - 47.8) < 1 and abs(y - 30.5) < 1 for x, y in zip(land.lon, land.lat, strict=True) if x is not None)
    assert basemap.borders() is borders  # decoded once
    # nothing is drawn across the whole map where Russia, Fiji or Antarctica cross ±180°
    for outlines in (borders, land):
        steps = itertools.pairwise(outlines.lon)
        assert max(abs(b - a) for a, b in steps if a is not None and b is not None) < 180


def test_base_map_decodes_delta_arcs_and_reversed_indices():
    topo = {"transform": {"scale": [0.5, 0.5], "translate": [-10, -10]}, "arcs": [[[0, 0], [2, 0], [0, 2]]]}
    arcs = basemap._decode_arcs(topo)
    assert arcs == [[(-10.0, -10.0), (-9.0, -10.0), (-9.0, -9.0)]]
    assert basemap._arc(arcs, ~0) == arcs[0][::-1]
    assert basemap._split_at_antimeridian([(179.0, 1.0), (-179.0, 2.0), (-178.0, 3.0)]) == [[(179.0, 1.0)], [(-179.0, 2.0), (-178.0, 3.0)]]
    assert basemap._unwrap([(179.0, 1.0), (-179.0, 2.0), (179.0, 1.0)]) == [(179.0, 1.0), (181.0, 2.0), (179.0, 1.0)]


def test_unreadable_base_map_is_a_marsad_error(tmp_path):
    with pytest.raises(MarsadError, match="base map"):
        basemap.land(tmp_path / "missing.json")


def test_heat_table_pivots_and_orders_rows():
    df = pd.DataFrame({"topic": ["b", "a", "a"], "bin": ["m1", "m1", "m2"], "n": [1, 2, 3]})
    fig = charts.heat_table(df, row="topic", col="bin", value="n", title="t", lang="en", rows=["b", "a"])
    assert list(fig.data[0].y) == ["b", "a"]
    assert fig.data[0].z.tolist() == [[1, 0], [2, 3]]


def test_empty_figure_shows_message():
    fig = charts.empty_figure("لا بيانات", "ar")
    assert fig.layout.annotations[0].text == "لا بيانات"


MARKUP = '<a href="https://evil.example">x</a><br><b>y</b>'


@pytest.mark.parametrize(
    "build",
    [
        lambda df: charts.ranked_bars(df, label="name", value="n", title="t", lang="en"),
        lambda df: charts.time_series(df.assign(bin=1), y="n", series="name", title="t", lang="en"),
        lambda df: charts.co_mention_network(MARKUP, df, label="name", weight="n", title="t", lang="en"),
        lambda df: charts.bubble_map(df.assign(lat=1.0, lon=2.0, key="k"), name="name", size="n", key="key", title="t", lang="en"),
        lambda df: charts.heat_table(df.assign(col=MARKUP), row="name", col="col", value="n", title="t", lang="en"),
        lambda df: charts.stacked_shares(df.assign(part=MARKUP), row="name", part="part", value="n", title="t", lang="en"),
    ],
)
def test_labels_from_data_reach_plotly_as_plain_text(build):
    """Plotly draws <a>, <b>, <br> found in any text: names taken from articles must arrive escaped."""
    fig = build(pd.DataFrame({"name": [MARKUP], "n": [3]}))
    text = fig.to_json()
    assert "&lt;a href=" in text
    for tr in fig.data:
        for attr in ("x", "y", "text", "name"):
            values = getattr(tr, attr, None)
            values = [values] if isinstance(values, str) else list(values if values is not None else [])
            assert not any(isinstance(v, str) and "<a " in v for v in values)


def test_long_empty_stretch_between_two_periods_is_cut_out_of_the_axis():
    bins = pd.date_range("1987-01-01", "2018-12-01", freq="MS")
    counts = [5 if b.year in (1987, 2018) else 0 for b in bins]
    df = pd.DataFrame({"bin": bins, "count": counts})
    [cut] = charts.empty_stretches(df)
    assert pd.Timestamp("1988-01-01") < cut.lo < pd.Timestamp("1988-03-01")  # a zero stays on each side
    assert pd.Timestamp("2017-11-01") < cut.hi < pd.Timestamp("2017-12-01")
    fig = charts.time_series(df, title="t", lang="ar")
    assert [tuple(pd.Timestamp(b) for b in rb.bounds) for rb in fig.layout.xaxis.rangebreaks] == [(cut.lo, cut.hi)]
    shown = pd.to_datetime(pd.Series(fig.data[0].x))
    assert not shown.between(cut.lo, cut.hi).any() and len(shown) == 24 + 2
    assert shown.isin([pd.Timestamp("1988-01-01"), pd.Timestamp("2017-12-01")]).sum() == 2
    label = fig.layout.shapes[0].label.text
    assert label.startswith("\u2067") and "\u20661988-01\u2069" in label and "\u20662017-12\u2069" in label


@pytest.mark.parametrize("counts", [
    [5] * 10 + [0] * 20 + [5] * 10,  # shorter than GAP_MIN_BINS
    [0] * 100 + [5] * 10,  # empty before the data starts: the range the user chose, kept
    [5] * 10 + [0] * 100,  # empty after the data ends: kept
])
def test_short_or_leading_or_trailing_empty_runs_stay(counts):
    bins = pd.date_range("2000-01-01", periods=len(counts), freq="W-MON")
    df = pd.DataFrame({"bin": bins, "count": counts})
    assert charts.empty_stretches(df) == []
    assert not charts.time_series(df, title="t", lang="en").layout.xaxis.rangebreaks


def test_gap_between_series_that_each_span_only_their_own_dates_is_cut():
    """The demo's volume by language: English rows only in 1987, Arabic only in 2018, no rows in between."""
    en = pd.DataFrame({"bin": pd.date_range("1987-01-01", periods=4, freq="MS"), "count": [60, 2, 0, 1], "series": "English"})
    ar = pd.DataFrame({"bin": pd.date_range("2018-01-01", periods=10, freq="MS"), "count": range(10), "series": "Arabic"})
    df = pd.concat([en, ar], ignore_index=True)
    [cut] = charts.empty_stretches(df)
    assert pd.Timestamp("1987-04-01") < cut.lo < cut.hi < pd.Timestamp("2018-01-01")  # 2018-01 (a zero) stays
    fig = charts.time_series(df, series="series", title="t", lang="en")
    assert sum(len(tr.x) for tr in fig.data) == len(df)  # no rows fell inside the cut


def test_several_stretches_are_cut_each_judged_against_what_remains():
    """The demo corpus: Reuters in 1987, a few ANT articles 2012–2014, the bulk in 2018, the seed in 2020."""
    months = pd.date_range("1987-01-01", "2020-12-01", freq="MS")
    busy = {1987: 30, 2012: 2, 2013: 2, 2014: 2, 2018: 300, 2020: 1}
    df = pd.DataFrame({"bin": months, "count": [busy.get(m.year, 0) if m.month <= 10 else 0 for m in months]})
    cuts = charts.empty_stretches(df)
    # 2018-11 – 2019-12 (14 months) is shorter than GAP_MIN_BINS: it stays
    assert [(c.empty_from.year, c.empty_to.year) for c in cuts] == [(1987, 2011), (2014, 2017)]


def test_cuts_follow_coverage_not_the_series_own_zeros():
    """Trends frames carry the coverage per bin ("total"): zero hits in a covered year stay on the axis."""
    months = pd.date_range("1987-01-01", "2018-12-01", freq="MS")
    total = [50 if m.year in (1987, 2018) else 0 for m in months]
    hits = [3 if m.year == 2018 else 0 for m in months]
    df = pd.DataFrame({"bin": months, "count": hits, "total": total})
    [cut] = charts.empty_stretches(df, y="total")
    assert cut.empty_from == pd.Timestamp("1988-01-01") and cut.empty_to == pd.Timestamp("2017-12-01")
    fig = charts.time_series(df, title="t", lang="en", markers=True)
    assert len(fig.layout.xaxis.rangebreaks) == 1 and pd.Timestamp(fig.data[0].x[0]).year == 1987
