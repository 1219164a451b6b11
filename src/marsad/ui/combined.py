"""Views the pages need that combine several analytics calls (no SQL: only the analytics layer's functions).

Each takes the store first like an analytics function so marsad.ui.state.call can cache it by its Query.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd

from marsad import analytics
from marsad.analytics.query import Query
from marsad.analytics.trends import auto_interval  # noqa: F401  (the pages call it from here)
from marsad.store import Store

# Volume "by language/source" draws this many lines at most; the rest would be an unreadable tangle.
MAX_SPLIT_SERIES = 6
# The kinds of "spiking now" rows the Overview lists.
SPIKE_KINDS = ("entity", "topic", "keyword")
# Top people / organisations / places on the Overview.
OVERVIEW_TOP_N = 10
# The Overview's volume chart is split by this until the visitor picks another ("language" or "source").
DEFAULT_SPLIT = "language"

Call = tuple[Callable[..., Any], tuple, dict[str, Any]]


def volume_by(store: Store, query: Query, *, by: str, interval: str) -> pd.DataFrame:
    """Articles per bin for each of the largest languages or sources in ``query``: bin, series, count, ratio."""
    if by == "language":
        groups = analytics.list_languages(store) if not query.languages else pd.DataFrame({"language": query.languages})
        keys = [str(x) for x in groups["language"].head(MAX_SPLIT_SERIES) if x]
        names = {k: k for k in keys}
        part = "languages"
    else:
        top = analytics.top_sources(store, query, n=MAX_SPLIT_SERIES)
        keys = [str(x) for x in top["source"]]
        names = dict(zip(keys, top["name"].astype(str), strict=True))
        part = "sources"
    frames = []
    for key in keys:
        df = analytics.count_over_time(store, query.replace(**{part: (key,)}), interval=interval)
        if df["count"].any():  # a language with nothing in these dates would be a flat line at zero
            frames.append(df.assign(series=names.get(key) or key, key=key))
    if not frames:
        return pd.DataFrame(columns=["bin", "count", "total", "ratio", "series", "key"])
    return pd.concat(frames, ignore_index=True)


def bin_end(start: date, interval: str) -> date:
    """Last day (inclusive) of the bin starting on ``start``."""
    if interval == "day":
        return start
    if interval == "week":
        return start + timedelta(days=6)
    next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def within_bin(query: Query, start: date, interval: str) -> Query:
    """``query`` narrowed to one bin (intersected with its own date range)."""
    end = bin_end(start, interval)
    lo = max(start, query.start) if query.start else start
    hi = min(end, query.end) if query.end else end
    return query.replace(start=lo, end=max(lo, hi))


# Every article, duplicates included: what the store holds, for its date bounds and its default period.
ALL_ARTICLES = Query(include_duplicates=True)


def default_view(store: Store) -> Query:
    """The view the dashboard opens on when the URL names no dates: the store's densest period, i.e. the stretch
    of coverage (analytics.coverage_periods) holding the most articles, the more recent on a tie; every date when
    the coverage is all one stretch. An archive of collections years apart (the demo: a 1987 wire sample, 2018
    news) would otherwise open on slivers at either end of a chart of decades of nothing, with first figures that
    mix them all; "all time" is one click away. The frame and the server's warm-up both start from this."""
    periods = analytics.coverage_periods(store, ALL_ARTICLES)
    if len(periods) < 2:
        return Query()
    densest = max(reversed(periods), key=lambda p: p["articles"])
    return Query(start=densest["start"], end=densest["end"])


def key_figures(store: Store, query: Query) -> dict[str, object]:
    """overview_figures as a plain dict (zeros and no dates when nothing matches)."""
    return dict(analytics.overview_figures(store, query))


def overview_calls(query: Query, *, by: str, interval: str) -> list[Call]:
    """The analytics calls behind the Overview's charts for ``query``, as (function, args, kwargs) for
    marsad.ui.state.prefetch: the page computes them side by side, and the server launcher computes them for the
    default view before the first visitor arrives."""
    return [
        (volume_by, (query,), {"by": by, "interval": interval}),
        *[(analytics.top_entities, (query,), {"type": etype, "n": OVERVIEW_TOP_N}) for etype in ("PER", "ORG", "LOC")],
        (analytics.top_topics, (query,), {"n": OVERVIEW_TOP_N}),
        *[(analytics.spikes, (query,), {"kind": kind}) for kind in SPIKE_KINDS],
    ]


# The entity page: co-mentioned entities in its network and ranking, its top sources and its newest articles.
ENTITY_CO_MENTIONS = 15
ENTITY_TOP_SOURCES = 10
ENTITY_ARTICLES = 20


def entity_calls(key: str, query: Query) -> list[Call]:
    """The entity page's analytics that do not depend on one another (see :func:`overview_calls`); its timeline
    waits for the chosen interval, itself defaulting from the date span in ``key_figures``."""
    scoped = query.replace(entities=(*query.entities, key))
    return [
        (key_figures, (query,), {}),
        (analytics.cooccurring_entities, (key, query), {"n": ENTITY_CO_MENTIONS}),
        (analytics.top_sources, (scoped,), {"n": ENTITY_TOP_SOURCES}),
        (analytics.sample_articles, (scoped,), {"n": ENTITY_ARTICLES, "newest": True}),
    ]
