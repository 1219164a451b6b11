"""DataFrame → Plotly Figure. No Streamlit calls: each function takes the frame an analytics call returned.

Arabic titles sit at the right (``title_x=1`` with ``title_xanchor="right"``); Plotly shapes and orders Arabic text
itself. Every chart carries its data in its traces so tests can check what is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from marsad.ui import render
from marsad.ui.i18n import ARABIC_FONT_STACK, in_direction, is_rtl, ltr_isolate, t
from marsad.ui.time_ticks import time_ticks

# Colour-blind-safe qualitative palette (Okabe–Ito): series stay distinguishable for every reader.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
ENTITY_COLOURS = {"PER": "#E69F00", "ORG": "#009E73", "LOC": "#0072B2", "MISC": "#CC79A7"}
CHART_HEIGHT = 360
# Above this many points a line carries no markers: hundreds of dots are clutter rather than information, and
# drawing them is most of a long time chart's cost in the browser. Hover and clicks still find each point.
MARKERS_UP_TO = 60
# A run of empty bins longer than this (in bins, and as a share of what the axis still shows) between two stretches
# of coverage is cut out of the time axis: two periods years apart (the demo's 1987 Reuters wire and its 2018 Arabic news)
# would otherwise shrink to slivers at either end of a chart that is mostly a flat zero.
GAP_MIN_BINS = 24
GAP_MIN_SHARE = 0.3
# Bubble area grows with mentions; the largest bubble is this many pixels across so small places stay visible.
MAX_BUBBLE_PX = 48


def plain(value: object) -> str:
    """A label from the data (entity, outlet, topic, query) as plain text for Plotly, which reads <b>, <br>,
    <a href=…> in any text it draws: escaped, such markup shows as typed (Plotly decodes the entities)."""
    return render.esc(value, quote=False)


def _plain_all(values) -> list[str]:
    return [plain(v) for v in values]


def plotly_config(**extra: object) -> dict[str, object]:
    """Config for st.plotly_chart: no Plotly logo or cloud links."""
    return {"displaylogo": False, **extra}


def _finish(fig: go.Figure, title: str, lang: str, *, height: int = CHART_HEIGHT, legend: bool = True) -> go.Figure:
    rtl = is_rtl(lang)
    fig.update_layout(
        title={"text": title, "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left"},
        font={"family": ARABIC_FONT_STACK},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        showlegend=legend,
        # Under the chart, where it can take as many rows as it needs: above it, a second row of names (eight
        # topics) ran over the title.
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0,
                "xanchor": "right" if rtl else "left", "x": 1 if rtl else 0},
        hoverlabel={"font": {"family": ARABIC_FONT_STACK}},
    )
    return fig


def empty_figure(message: str, lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, "", lang, legend=False)


def time_series(
    df: pd.DataFrame,
    *,
    x: str = "bin",
    y: str = "count",
    series: str | None = None,
    title: str,
    y_title: str = "",
    lang: str,
    percent: bool = False,
    keys: str | None = None,
    markers: bool | None = None,
) -> go.Figure:
    """Lines over time, one per value of ``series`` (or a single line). ``keys`` puts a column in customdata
    so a click can say which series a point belongs to. ``markers``: dots on the points (None: only on lines of
    up to MARKERS_UP_TO points; True where the points are what a user clicks). Long empty stretches between
    periods of coverage are left out of the axis (see :func:`empty_stretches`), marked where they were."""
    fig = go.Figure()
    # Cut where the store had no coverage at all (a "total" column, when the frame has one), not merely where
    # this series is zero: a query with no hits in a covered period is a finding, not a gap.
    gaps = empty_stretches(df, x=x, y="total" if "total" in df.columns else y)
    for cut in gaps:  # the points inside a cut are never drawn: leave them out
        df = df[~df[x].between(cut.lo, cut.hi, inclusive="left")]
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    for i, (name, part) in enumerate(groups):
        part = part.sort_values(x)
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                name="" if name is None else plain(name),
                mode="lines+markers" if (len(part) <= MARKERS_UP_TO if markers is None else markers) else "lines",
                marker={"size": 5},
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                customdata=None if keys is None else part[[keys]].to_numpy(),
            )
        )
    fig.update_yaxes(title=y_title, rangemode="tozero", tickformat=".1%" if percent else None)
    fig.update_xaxes(title="", rangebreaks=[{"bounds": [c.lo, c.hi]} for c in gaps] or None)
    if len(df) and pd.api.types.is_datetime64_any_dtype(df[x]):
        # Plotly's own date ticks ignore the cuts: each stretch between them gets its own (see time_ticks).
        edges = [df[x].min(), *(b for c in gaps for b in (c.covered_to, c.covered_from)), df[x].max()]
        ticks, labels = time_ticks(list(zip(edges[::2], edges[1::2], strict=True)), lang, bin_days=_bin_days(df[x]))
        fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=labels)
    for c in gaps:  # a dotted line where the axis jumps, labelled along it with what was left out
        fig.add_vline(x=c.hi, line={"dash": "dot", "color": "#888", "width": 1},
                      label={"text": in_direction(t("axis_gap", lang, start=ltr_isolate(f"{c.empty_from:%Y-%m}"),
                                                            end=ltr_isolate(f"{c.empty_to:%Y-%m}")), lang),
                             "textangle": -90, "textposition": "middle", "font": {"size": 10, "color": "#666"}})
    fig.update_layout(hovermode="closest")
    return _finish(fig, title, lang, legend=series is not None)


@dataclass(frozen=True)
class AxisCut:
    """A stretch left out of a time axis: ``lo``–``hi`` (rangebreak bounds, half a bin inside the empty bins at
    each end, so a zero still shows on either side), the first and last bin with nothing (for the label), and the
    bins with coverage on either side (where the ticks of the stretches around it start and end)."""

    lo: pd.Timestamp
    hi: pd.Timestamp
    empty_from: pd.Timestamp
    empty_to: pd.Timestamp
    covered_to: pd.Timestamp
    covered_from: pd.Timestamp


def empty_stretches(df: pd.DataFrame, *, x: str = "bin", y: str = "count") -> list[AxisCut]:
    """Where to cut a time axis: each stretch with nothing in any series between two bins with coverage, longer
    than GAP_MIN_BINS bins and than GAP_MIN_SHARE of what the axis would still show without it (the stretch can
    be implicit, with no rows at all, as when each series only spans its own dates). Oldest first; none for a
    chart without dates."""
    if df.empty or not pd.api.types.is_datetime64_any_dtype(df[x]):
        return []
    totals = df.groupby(x)[y].sum().sort_index()
    bins = totals.index
    if len(bins) < 3:
        return []
    step = pd.Timedelta(days=_bin_days(pd.Series(bins)))
    covered = bins[totals.to_numpy() > 0]
    candidates = sorted(zip(covered[:-1], covered[1:], strict=True), key=lambda p: p[1] - p[0], reverse=True)
    shown = bins[-1] - bins[0]  # what the axis spans, less the stretches already cut
    cuts = []
    for before, after in candidates:  # longest first: each is judged against what would remain on the axis
        gap = after - before
        if gap <= GAP_MIN_BINS * step or gap <= GAP_MIN_SHARE * (shown - gap):
            break
        cuts.append(AxisCut(before + 1.5 * step, after - 1.5 * step, before + step, after - step, before, after))
        shown -= gap
    return sorted(cuts, key=lambda c: c.lo)


def _bin_days(dates: pd.Series) -> float:
    """The bin width in days (1, 7 or about 30): the usual distance between two consecutive dates; a day when
    there is only one."""
    steps = pd.Series(dates.drop_duplicates().sort_values()).diff().dropna()
    return steps.median() / pd.Timedelta(days=1) if len(steps) else 1.0


def ranked_bars(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    lang: str,
    colour_by: str | None = None,
    percent: bool = False,
    height: int = CHART_HEIGHT,
    keys: str | None = None,
) -> go.Figure:
    """Horizontal bars, largest at the top. With Arabic the bars grow from the right (axis reversed).
    ``keys`` puts a column in customdata so a click can open what the bar stands for."""
    data = df.sort_values(value, ascending=True)
    colours = [ENTITY_COLOURS.get(str(c), PALETTE[0]) for c in data[colour_by]] if colour_by else PALETTE[0]
    fig = go.Figure(
        go.Bar(
            x=data[value],
            y=_plain_all(data[label]),
            orientation="h",
            marker={"color": colours},
            text=[f"{v:.1%}" if percent else f"{v:,}" for v in data[value]],
            textposition="auto",
            customdata=None if keys is None else data[[keys]].to_numpy(),
        )
    )
    fig.update_xaxes(autorange="reversed" if is_rtl(lang) else True, tickformat=".0%" if percent else None)
    fig.update_yaxes(side="right" if is_rtl(lang) else "left", automargin=True)
    return _finish(fig, title, lang, height=height, legend=False)


def stacked_shares(df: pd.DataFrame, *, row: str, part: str, value: str, title: str, lang: str) -> go.Figure:
    """One horizontal 100% bar per ``row`` split by ``part`` (e.g. languages per outlet, topics per source)."""
    totals = df.groupby(row)[value].transform("sum")
    data = df.assign(_share=df[value] / totals.where(totals > 0, 1))
    order = _plain_all(df.groupby(row)[value].sum().sort_values().index)
    fig = go.Figure()
    for i, (name, grp) in enumerate(data.groupby(part, sort=False)):
        fig.add_trace(
            go.Bar(
                x=grp["_share"],
                y=_plain_all(grp[row]),
                name=plain(name),
                orientation="h",
                marker={"color": PALETTE[i % len(PALETTE)]},
                customdata=grp[[value]].to_numpy(),
                hovertemplate="%{y} · " + plain(name) + ": %{x:.1%} (%{customdata[0]:,})<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=".0%", range=[1, 0] if is_rtl(lang) else [0, 1])
    fig.update_yaxes(categoryorder="array", categoryarray=order, side="right" if is_rtl(lang) else "left")
    return _finish(fig, title, lang, height=max(CHART_HEIGHT, 40 + 28 * len(order)))


def co_mention_network(
    centre: str,
    neighbours: pd.DataFrame,
    *,
    label: str,
    weight: str,
    kind: str | None = None,
    title: str,
    lang: str,
) -> go.Figure:
    """A star network: the entity in the middle, co-mentioned entities on a circle; edge width and node size
    grow with the number of shared articles. Deterministic layout (strongest tie at the top, clockwise)."""
    data = neighbours.sort_values(weight, ascending=False).reset_index(drop=True)
    n = len(data)
    top = float(data[weight].max()) if n else 1.0
    xs = [math.sin(2 * math.pi * i / max(n, 1)) for i in range(n)]
    ys = [math.cos(2 * math.pi * i / max(n, 1)) for i in range(n)]
    fig = go.Figure()
    for i in range(n):
        w = float(data.loc[i, weight])
        fig.add_trace(
            go.Scatter(
                x=[0, xs[i]],
                y=[0, ys[i]],
                mode="lines",
                line={"width": 1 + 7 * w / top, "color": "rgba(100,100,100,0.45)"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    colours = [ENTITY_COLOURS.get(str(k), PALETTE[0]) for k in data[kind]] if kind else PALETTE[0]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=_plain_all(data[label]),
            textposition="top center",
            marker={"size": [12 + 26 * float(w) / top for w in data[weight]], "color": colours, "line": {"width": 1}},
            customdata=data[[weight]].to_numpy(),
            hovertemplate="%{text}: %{customdata[0]:,}<extra></extra>",
            showlegend=False,
            name="neighbours",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers+text",
            text=[plain(centre)],
            textposition="bottom center",
            marker={"size": 40, "color": "#D55E00", "line": {"width": 1}},
            hoverinfo="text",
            showlegend=False,
            name="centre",
        )
    )
    fig.update_xaxes(visible=False, range=[-1.4, 1.4])
    fig.update_yaxes(visible=False, range=[-1.3, 1.35], scaleanchor="x")
    return _finish(fig, title, lang, height=460, legend=False)


def bubble_map(
    df: pd.DataFrame,
    *,
    name: str,
    size: str,
    key: str,
    title: str,
    lang: str,
    lat: str = "lat",
    lon: str = "lon",
) -> go.Figure:
    """Places as bubbles (area ∝ mentions) over Natural Earth outlines on a cartesian chart (x = longitude,
    y = latitude, equal scale): Streamlit reports clicks on cartesian traces only, so a click on a bubble can
    filter by the place (``key`` rides in customdata). The outlines carry no customdata and take no hover."""
    from marsad.ui import basemap

    data = df.dropna(subset=[lat, lon])
    top = float(data[size].max()) if len(data) else 1.0
    # Plotly sizes markers by diameter when sizemode="area" is given sizeref: area ∝ value.
    sizeref = 2.0 * top / (MAX_BUBBLE_PX**2) if top > 0 else 1.0
    land, borders = basemap.land(), basemap.borders()
    outline = {"mode": "lines", "hoverinfo": "skip", "showlegend": False}
    fig = go.Figure([
        go.Scatter(x=land.lon, y=land.lat, fill="toself", fillcolor="#f2efe9", line={"width": 0}, name="land",
                   hoveron="points", **outline),
        go.Scatter(x=borders.lon, y=borders.lat, line={"width": 0.6, "color": "#b0b0b0"}, name="borders", **outline),
        go.Scatter(
            x=data[lon],
            y=data[lat],
            text=_plain_all(data[name]),
            customdata=data[[key, size]].to_numpy(),
            mode="markers",
            name="places",
            marker={
                "size": data[size],
                "sizemode": "area",
                "sizeref": sizeref,
                "sizemin": 6,  # small places stay big enough to click
                "color": "#D55E00",
                "opacity": 0.75,
                "line": {"width": 0.5, "color": "#ffffff"},
            },
            hovertemplate="%{text}: %{customdata[1]:,}<extra></extra>",
            # A selected bubble keeps its look; Plotly would otherwise fade every other bubble.
            selected={"marker": {"opacity": 0.95}},
            unselected={"marker": {"opacity": 0.75}},
        ),
    ])
    lon_range, lat_range = _map_window(data[lon], data[lat])
    fig.update_xaxes(range=lon_range, visible=False, fixedrange=False)
    # Equal degrees on both axes (an equirectangular map); Plotly widens one range so the map fills the chart.
    fig.update_yaxes(range=lat_range, visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(plot_bgcolor="#e8f1f8", clickmode="event+select", dragmode="pan")
    return _finish(fig, title, lang, height=520, legend=False)


# Degrees of margin around the bubbles, and the smallest window shown (one place alone is not a zoom to a dot).
MAP_PAD_DEG = 8.0
MAP_MIN_SPAN_DEG = 40.0


def _map_window(lons: pd.Series, lats: pd.Series) -> tuple[list[float], list[float]]:
    """The lon/lat window that holds every bubble with a margin (the whole world with none)."""
    if not len(lons):
        return [-180.0, 180.0], [-60.0, 85.0]
    spans = []
    for values, lo_cap, hi_cap in ((lons, -180.0, 180.0), (lats, -90.0, 90.0)):
        lo, hi = float(values.min()) - MAP_PAD_DEG, float(values.max()) + MAP_PAD_DEG
        if hi - lo < MAP_MIN_SPAN_DEG:
            mid = (lo + hi) / 2
            lo, hi = mid - MAP_MIN_SPAN_DEG / 2, mid + MAP_MIN_SPAN_DEG / 2
        spans.append([max(lo, lo_cap), min(hi, hi_cap)])
    return spans[0], spans[1]


def heat_table(df: pd.DataFrame, *, row: str, col: str, value: str, title: str, lang: str, rows: Sequence[str] | None = None) -> go.Figure:
    """A heatmap of ``value`` by ``row`` × ``col`` (topics × time bins or topics × sources)."""
    pivot = df.pivot_table(index=row, columns=col, values=value, aggfunc="sum", fill_value=0)
    if rows is not None:
        pivot = pivot.reindex([r for r in rows if r in pivot.index])
    fig = go.Figure(
        go.Heatmap(
            z=pivot.to_numpy(),
            x=_plain_all(pivot.columns),
            y=_plain_all(pivot.index),
            colorscale="Blues",
            # The colour scale goes on the side away from the row labels (the right, in Arabic).
            colorbar={"x": -0.02, "xanchor": "right"} if is_rtl(lang) else None,
            hovertemplate="%{y} · %{x}: %{z:,}<extra></extra>",
        )
    )
    fig.update_yaxes(side="right" if is_rtl(lang) else "left", automargin=True, autorange="reversed")
    if is_rtl(lang):
        fig.update_xaxes(autorange="reversed")
    return _finish(fig, title, lang, height=max(CHART_HEIGHT, 60 + 26 * len(pivot.index)), legend=False)
