"""Attention over time: matching articles per day/week/month, with the base total and the share."""

from __future__ import annotations

from datetime import datetime
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


def entity_timeline(store: Store, entity_key: str, query: Query, *, interval: Interval = "day") -> pd.DataFrame:
    """Articles mentioning ``entity_key`` (within ``query``) per bin, as :class:`TrendPoint` rows."""
    return count_over_time(store, query.replace(entities=(*query.entities, entity_key)), interval=interval)
