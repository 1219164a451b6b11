"""Attention over time: matching articles per day/week/month, with the base total and the share."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

import pandas as pd

from marsad.analytics._ibis import Interval, Session, bin_range, binned, check_interval, session
from marsad.analytics.query import Query
from marsad.store import Store


class TrendPoint(TypedDict):
    bin: datetime  # start of the UTC day / ISO week (Monday) / month
    count: int  # articles matching the whole query
    total: int  # articles matching the base (same filters without text/entities/topics)
    ratio: float  # count / total; 0 when total is 0


def _counts(s: Session, query: Query, interval: Interval, *, content: bool) -> pd.Series:
    t = binned(s.articles(query, content=content), interval)
    df = s.execute(t.group_by("bin").agg(n=t.count()))
    return df.set_index(pd.to_datetime(df["bin"]))["n"] if len(df) else pd.Series(dtype="int64")


# Span thresholds (days) for the automatic interval: keep a chart between roughly 20 and 150 points.
DAY_MAX_SPAN = 120
WEEK_MAX_SPAN = 3 * 365


def auto_interval(first: date | None, last: date | None) -> Interval:
    """A readable bin size for a date span: days for a few months, weeks up to three years, else months."""
    if first is None or last is None:
        return "month"
    span = (last - first).days
    return "day" if span <= DAY_MAX_SPAN else "week" if span <= WEEK_MAX_SPAN else "month"


def count_over_time(store: Store, query: Query, *, interval: Interval = "day") -> pd.DataFrame:
    """Rows shaped like :class:`TrendPoint`, one per bin, empty bins filled with zero."""
    interval = check_interval(interval)
    with session(store) as s:
        total = _counts(s, query, interval, content=False)
        count = _counts(s, query, interval, content=True) if query.has_content else total
    return _frame(query, interval, count, total)


def _frame(query: Query, interval: Interval, count: pd.Series, total: pd.Series) -> pd.DataFrame:
    index = bin_range(query, total.index.to_series() if len(total) else count.index.to_series(), interval)
    out = pd.DataFrame(index=index)
    out["count"] = count.reindex(index, fill_value=0).astype("int64")
    out["total"] = total.reindex(index, fill_value=0).astype("int64")
    out["ratio"] = (out["count"] / out["total"].where(out["total"] > 0)).fillna(0.0)
    return out.reset_index()


def count_undated(store: Store, query: Query) -> int:
    """How many articles match ``query``'s other filters (outlets, languages, text, entities, topics, duplicates)
    but have no publication date: every time chart of the query leaves them out, whatever its date range, so the
    dashboard says how many there are beside it (and lists them with ``query.replace(start=None, end=None,
    undated=True)``)."""
    with session(store) as s:
        return int(s.scalar(s.articles(undated_only(query)).count()))


def undated_only(query: Query) -> Query:
    """The articles of ``query`` that no time chart shows: its filters without the dates, undated ones only."""
    return query.replace(start=None, end=None, undated=True)


def entity_timeline(store: Store, entity_key: str, query: Query, *, interval: Interval = "day") -> pd.DataFrame:
    """Articles mentioning ``entity_key`` (within ``query``) per bin, as :class:`TrendPoint` rows."""
    return count_over_time(store, query.replace(entities=(*query.entities, entity_key)), interval=interval)


class Period(TypedDict):
    start: date  # first and last day (inclusive) with a matching article
    end: date
    articles: int


# Days without a single article before coverage counts as broken: a quarter. An archive put together from several
# collections has islands of dates (the demo: a 1987 wire sample, a few stray 2012–2014 pages, 2018 news, a 2020
# seed) with years between them; a daily or weekly feed with a holiday or an outage of some weeks is one period.
PERIOD_GAP_DAYS = 90


def coverage_periods(store: Store, query: Query, *, max_gap_days: int = PERIOD_GAP_DAYS) -> list[Period]:
    """The stretches of time with articles matching ``query``, split wherever more than ``max_gap_days`` days
    pass without one; oldest first (none when nothing dated matches)."""
    with session(store) as s:
        days = _counts(s, query, "day", content=True).sort_index()
    periods: list[Period] = []
    for day, n in days.items():
        if periods and (day.date() - periods[-1]["end"]).days <= max_gap_days + 1:
            periods[-1]["end"] = day.date()
            periods[-1]["articles"] += int(n)
        else:
            periods.append(Period(start=day.date(), end=day.date(), articles=int(n)))
    return periods

