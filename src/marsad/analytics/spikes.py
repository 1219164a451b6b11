"""What is spiking: entities, topics or keywords whose daily article count jumps against their own baseline.

Method: a robust z-score per item and day, ``z = (x − median) / scale`` over the item's preceding
``BASELINE_DAYS`` days (zeros included), with ``scale = max(1.4826·MAD, √max(median, 1))``.
- Median/MAD rather than mean/stdev: the baseline window itself contains earlier bursts, which would inflate a
  standard deviation and hide the next one (Iglewicz & Hoaglin's modified z-score).
- The √median floor is the Poisson noise of a count: most news series are sparse (MAD = 0 on mostly-zero days),
  and without a floor a single article would count as an infinite spike.
- Not change-point detection (ruptures): we want "is today unusual for this item", evaluated for thousands of
  items per request in milliseconds, not the segmentation of one long series; a z-score is also easy to
  explain on the dashboard ("5× its usual daily coverage, z = 6").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, TypedDict

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import Session, session
from marsad.analytics.query import Query
from marsad.errors import InvalidQuery
from marsad.store import Store

SpikeKind = Literal["entity", "topic", "keyword"]
# A month of preceding days: long enough for a stable median, short enough to follow a story's drift.
BASELINE_DAYS = 28
# Without a week of history there is no baseline to burst against: a day is scored only when the selection's
# archive (its first dated article, whatever the date filter) began at least this many days earlier.
MIN_HISTORY_DAYS = 7
# Fewer articles than this in a day is not a spike, whatever the z-score (noise on sparse items).
MIN_ARTICLES = 3
# Modified z-score above which a day counts as a burst (Iglewicz & Hoaglin's outlier cut-off).
Z_THRESHOLD = 3.5
# The window looked at when no ``since`` is given: the last week of coverage.
DEFAULT_RECENT_DAYS = 7
# Articles listed per spike: enough to see what happened.
ARTICLES_PER_SPIKE = 5
# Median absolute deviation → standard deviation for normal data.
_MAD_SCALE = 1.4826


class Spike(TypedDict):
    kind: str
    key: str  # entity key, topic id (as text) or keyword
    label: str
    day: date  # the UTC day of the burst (the strongest day in the window)
    count: int  # matching articles that day
    baseline: float  # median daily articles over the preceding BASELINE_DAYS
    z: float  # robust z-score (size of the burst)
    articles: list[int]  # a few of that day's article ids


def _items(s: Session, kind: SpikeKind):
    """(article_id, item) pairs and item → (key, label) for one kind."""
    if kind == "entity":
        m = s.table("mentions")
        e = s.table("entities")
        pairs = m.select("article_id", item=m.entity_id.cast("int64"))
        labels = e.select(item=e.id.cast("int64"), key=e.key, label=ibis.coalesce(e.name_ar, e.name_en, e.key))
        return pairs, labels
    if kind == "topic":
        t = s.table("article_topics")
        tp = s.table("topics")
        pairs = t.select("article_id", item=t.topic_id.cast("int64"))
        labels = tp.select(item=tp.id.cast("int64"), key=tp.id.cast("string"), label=tp.label)
        return pairs, labels
    if kind == "keyword":
        k = s.table("keywords")
        pairs = k.select("article_id", item=k.keyword)
        return pairs, None
    raise InvalidQuery(f"spike kind “{kind}” is not one of entity, topic, keyword")


def spikes(
    store: Store, query: Query, *, kind: SpikeKind = "entity", since: date | None = None, n: int = 20
) -> pd.DataFrame:
    """Items of ``kind`` bursting on some day from ``since`` (default: the last week of matching coverage) to
    the end of the query: :class:`Spike` rows, one per item (its strongest day, the latest of equal ones),
    biggest z first, then most articles, then by key."""
    columns = list(Spike.__annotations__)
    with session(store) as s:
        pairs, labels = _items(s, kind)
        days = _days(s, query, since)
        if days is None:
            return pd.DataFrame({c: [] for c in columns})
        first, since, last, archive = days
        # The baseline needs the days before ``since`` even when the query starts later.
        window = s.articles(query.replace(start=first, end=last))
        a = window.select("id", day=window.published_at.date())
        j = pairs.join(a, pairs.article_id == a.id)
        # Articles (not mentions) per item and day: one long article naming an entity ten times is one article.
        series = s.execute(j.group_by("item", "day").agg(n=j.article_id.nunique()))
        # Only items that reach MIN_ARTICLES on some day of the recent window can spike.
        recent = pd.to_datetime(series["day"]) >= pd.Timestamp(since)
        hot = series.loc[recent & (series["n"] >= MIN_ARTICLES), "item"].unique()
        series = series[series["item"].isin(hot)]
        found = _score(series, first=first, since=since, last=last, archive=archive)
        if found.empty:
            return pd.DataFrame({c: [] for c in columns})
        found = _labelled(s, labels, found)
        found = found.sort_values(["z", "count", "key"], ascending=[False, False, True], kind="stable").head(n)
        found["kind"] = kind
        ids = _spike_articles(s, pairs, a, found)
        found["articles"] = [ids.get((i, d), []) for i, d in zip(found["item"], found["day"], strict=True)]
    return found[columns].reset_index(drop=True)


def _days(s: Session, query: Query, since: date | None) -> tuple[date, date, date, date] | None:
    """(first, since, last, archive): the window scored — ``since`` (default: the last week of matching coverage)
    to the query's end or last matching day — with BASELINE_DAYS before it, and the selection's first day;
    None when nothing matches."""
    last = query.end or _last_day(s, s.articles(query))
    if last is None:
        return None
    since = since or (last - timedelta(days=DEFAULT_RECENT_DAYS - 1))
    if since > last:
        raise InvalidQuery(f"since {since} is after the last day looked at ({last})")
    # Days before the archive began are no observations: the baseline and the history start there.
    archive = _first_day(s, s.articles(query.replace(start=None, end=None), content=False))
    if archive is None:
        return None
    return since - timedelta(days=BASELINE_DAYS), since, last, archive


def _labelled(s: Session, labels, found: pd.DataFrame) -> pd.DataFrame:
    """``found`` with each item's key and label (a keyword is its own key and label)."""
    if labels is None:
        return found.assign(key=found["item"], label=found["item"])
    items = s.register(pa.table({"l_item": pa.array(found["item"].tolist(), pa.int64())}), name="_marsad_spike_items")
    lab = s.execute(labels.filter(labels.item.isin(items.l_item)))
    return found.merge(lab, on="item", how="left")


def _last_day(s: Session, a) -> date | None:
    last = s.scalar(a.published_at.max())
    return None if last is None or pd.isna(last) else pd.Timestamp(last).date()


def _first_day(s: Session, a) -> date | None:
    first = s.scalar(a.published_at.min())
    return None if first is None or pd.isna(first) else pd.Timestamp(first).date()


def _score(series: pd.DataFrame, *, first: date, since: date, last: date, archive: date) -> pd.DataFrame:
    """Per item, its strongest day in [since, last] with z ≥ Z_THRESHOLD and at least MIN_ARTICLES, scored
    against the days from ``archive`` (the selection's first day) on only."""
    df = _burst_days(series, first=first, since=since, last=last, archive=archive)
    return df.sort_values(["z", "count", "day"], ascending=False, kind="stable").drop_duplicates("item")


def _burst_days(series: pd.DataFrame, *, first: date, since: date, last: date, archive: date) -> pd.DataFrame:
    """Every (item, day) in [since, last] with z ≥ Z_THRESHOLD and at least MIN_ARTICLES (``series``: item, day,
    n articles), scored against the days from ``archive`` on only."""
    empty = pd.DataFrame({"item": [], "day": [], "count": [], "baseline": [], "z": []})
    if series.empty:
        return empty
    days = pd.date_range(first, last, freq="D")
    series = series.assign(day=pd.to_datetime(series["day"]))
    grid = series.pivot_table(index="item", columns="day", values="n", aggfunc="sum").reindex(columns=days).fillna(0)
    x = grid.to_numpy(dtype=float)  # items × days
    start = (pd.Timestamp(since) - days[0]).days
    # The grid starts BASELINE_DAYS before ``since``; before the archive's first day its zeros are padding.
    opened = max(0, (pd.Timestamp(archive) - days[0]).days)
    rows = []
    for d in range(max(start, opened + MIN_HISTORY_DAYS), x.shape[1]):
        window = x[:, max(opened, d - BASELINE_DAYS) : d]
        med = np.median(window, axis=1)
        mad = np.median(np.abs(window - med[:, None]), axis=1)
        scale = np.maximum(_MAD_SCALE * mad, np.sqrt(np.maximum(med, 1.0)))
        z = (x[:, d] - med) / scale
        ok = (z >= Z_THRESHOLD) & (x[:, d] >= MIN_ARTICLES)
        for i in np.flatnonzero(ok):
            rows.append((grid.index[i], days[d].date(), int(x[i, d]), float(med[i]), round(float(z[i]), 2)))
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=["item", "day", "count", "baseline", "z"])


class CoverageSpike(TypedDict):
    day: date  # a UTC day on which the selection's own coverage burst
    count: int  # matching articles that day
    baseline: float  # median daily matching articles over the preceding BASELINE_DAYS
    z: float
    articles: list[int]  # a few of that day's article ids


def coverage_spikes(store: Store, query: Query, *, since: date | None = None) -> pd.DataFrame:
    """Days from ``since`` (default: the last week of matching coverage) to the end of the query on which the
    number of articles matching ``query`` bursts against its own baseline — the method of :func:`spikes`, the
    selection taken as one item: :class:`CoverageSpike` rows, by day (a saved monitor's volume rule)."""
    columns = list(CoverageSpike.__annotations__)
    empty = pd.DataFrame({c: [] for c in columns})
    with session(store) as s:
        days = _days(s, query, since)
        if days is None:
            return empty
        first, since, last, archive = days
        window = s.articles(query.replace(start=first, end=last))
        a = window.select("id", day=window.published_at.date())
        series = s.execute(a.group_by("day").agg(n=a.id.count())).assign(item=0)
        found = _burst_days(series, first=first, since=since, last=last, archive=archive)
        if found.empty:
            return empty
        found = found.sort_values("day").reset_index(drop=True)
        days = s.register(pa.table({"w_day": pa.array(found["day"].tolist(), pa.date32())}),
                          name="_marsad_coverage_days")
        rows = s.execute(a.filter(a.day.isin(days.w_day)).group_by("day").agg(ids=a.id.collect()))
    ids = {pd.Timestamp(d).date(): sorted(int(i) for i in v)[:ARTICLES_PER_SPIKE]
           for d, v in zip(rows["day"], rows["ids"], strict=True)}
    found["articles"] = [ids.get(d, []) for d in found["day"]]
    return found[columns]


def _want_items(s: Session, found: pd.DataFrame):
    """The spikes' (item, day) pairs as a registered table (one per session)."""
    if "_marsad_spike_want" in s._registered:
        return s.table_registered("_marsad_spike_want")
    items = found["item"].tolist()
    return s.register(
        name="_marsad_spike_want",
        data=pa.table(
            {
                "w_item": pa.array(items, pa.string() if isinstance(items[0], str) else pa.int64()),
                "w_day": pa.array(found["day"].tolist(), pa.date32()),
            }
        ),
    )


def _spike_articles(s: Session, pairs, a, found: pd.DataFrame) -> dict[tuple[object, date], list[int]]:
    want = _want_items(s, found)
    # Narrow both sides to the spikes' items and days before joining: a few hundred rows, not the window.
    p = pairs.filter(pairs.item.isin(want.w_item))
    d = a.filter(a.day.isin(want.w_day))
    j = p.join(d, p.article_id == d.id)
    j = j.join(want, (j.item == want.w_item) & (j.day == want.w_day))
    rows = s.execute(j.group_by("item", "day").agg(ids=j.article_id.collect()))
    out: dict[tuple[object, date], list[int]] = {}
    for item, day, ids in zip(rows["item"], rows["day"], rows["ids"], strict=True):
        out[(item, pd.Timestamp(day).date())] = sorted({int(i) for i in ids})[:ARTICLES_PER_SPIKE]
    return out
