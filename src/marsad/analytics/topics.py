"""What the coverage is about: topics (fitted by marsad.nlp.topics) across matching articles and time.

An article counts for a topic when it has an ``article_topics`` row for it (the model stores only weights
above its own threshold, so a row means "this article is substantially about that topic").
"""

from __future__ import annotations

from typing import TypedDict

import ibis
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import Interval, Session, bin_range, binned, check_interval, session
from marsad.analytics.query import Query
from marsad.store import Store


class TopicCount(TypedDict):
    topic_id: int
    label: str
    terms: list[str]
    language: str | None
    articles: int
    share: float  # of matching articles


class TopicPoint(TypedDict):
    bin: object  # pandas Timestamp, UTC bin start
    topic_id: int
    label: str
    articles: int
    share: float  # of matching articles in that bin


class TopicSource(TypedDict):
    topic_id: int
    label: str
    source: str
    name: str
    articles: int


def list_topics(store: Store, *, active_only: bool = True) -> pd.DataFrame:
    """Topics in the store: topic_id, label, terms, language, model_version, active."""
    with session(store) as s:
        t = s.table("topics")
        if active_only:
            t = t.filter(t.active)
        t = t.select(
            topic_id="id",
            label="label",
            terms="terms",
            language="language",
            model_version="model_version",
            active="active",
        )
        return s.execute(t.order_by("topic_id"))


def top_topics(store: Store, query: Query, *, n: int = 20) -> pd.DataFrame:
    """Topics carried by the most matching articles: :class:`TopicCount` rows."""
    with session(store) as s:
        return _top_topics(s, query, n)


def _top_topics(s: Session, query: Query, n: int) -> pd.DataFrame:
    a = s.articles(query).select("id")
    at = s.table("article_topics")
    at = at.filter(s.in_articles(at.article_id, query))
    per = at.group_by("topic_id").agg(articles=at.article_id.nunique())
    t = s.table("topics")
    t = t.filter(t.active)
    j = per.join(t, per.topic_id == t.id).select("topic_id", "label", "terms", "language", "articles")
    df = s.execute(j.order_by([ibis.desc("articles"), "topic_id"]).limit(n))
    total = int(s.scalar(a.count())) if len(df) else 0
    df["share"] = df["articles"] / total if total else 0.0
    return df


def _top_ids(s: Session, top: pd.DataFrame):
    return s.register(pa.table({"v": pa.array(top["topic_id"].tolist(), pa.int32())}), name="_marsad_top_topics")


def topics_over_time(store: Store, query: Query, *, interval: Interval = "week", n: int = 10) -> pd.DataFrame:
    """Articles per bin for the ``n`` top topics of the query: :class:`TopicPoint` rows, empty bins as zero."""
    interval = check_interval(interval)
    with session(store) as s:
        top = _top_topics(s, query, n)
        a = binned(s.articles(query).select("id", "published_at"), interval)
        totals = s.execute(a.group_by("bin").agg(total=a.count()))
        at = s.table("article_topics")
        at = at.filter(at.topic_id.isin(_top_ids(s, top).v))
        j = a.join(at, a.id == at.article_id)
        counts = s.execute(j.group_by("bin", "topic_id").agg(articles=j.count()))
    index = bin_range(
        query, pd.to_datetime(totals["bin"]) if len(totals) else pd.Series(dtype="datetime64[ns]"), interval
    )
    grid = pd.MultiIndex.from_product([index, top["topic_id"].tolist()], names=["bin", "topic_id"])
    counts["bin"] = pd.to_datetime(counts["bin"])
    out = counts.set_index(["bin", "topic_id"])["articles"].reindex(grid, fill_value=0).reset_index()
    tot = totals.assign(bin=pd.to_datetime(totals["bin"])).set_index("bin")["total"]
    out["share"] = (out["articles"] / out["bin"].map(tot)).fillna(0.0)
    out["label"] = out["topic_id"].map(dict(zip(top["topic_id"], top["label"], strict=True)))
    return out[["bin", "topic_id", "label", "articles", "share"]]


def topic_by_source(store: Store, query: Query, *, n: int = 10) -> pd.DataFrame:
    """Articles per (top topic, outlet): :class:`TopicSource` rows."""
    with session(store) as s:
        top = _top_topics(s, query, n)
        a = s.articles(query).select("id", "source_id")
        at = s.table("article_topics")
        at = at.filter(at.topic_id.isin(_top_ids(s, top).v))
        j = a.join(at, a.id == at.article_id)
        per = j.group_by("topic_id", "source_id").agg(articles=j.count())
        src = s.table("sources").select(sid="id", source="key", name="name")
        per = per.left_join(src, per.source_id == src.sid).select(
            "topic_id",
            source=ibis.coalesce(ibis._.source, ""),
            name=ibis.coalesce(ibis._.name, ""),
            articles="articles",
        )
        df = s.execute(per.order_by(["topic_id", ibis.desc("articles"), "source"]))
    df.insert(1, "label", df["topic_id"].map(dict(zip(top["topic_id"], top["label"], strict=True))))
    return df


def topic_articles(store: Store, topic_id: int, query: Query, *, n: int = 10) -> pd.DataFrame:
    """The matching articles most about ``topic_id`` (highest weight first): id, title, published_at, weight."""
    with session(store) as s:
        a = s.articles(query).select("id", "title", "published_at")
        at = s.table("article_topics")
        at = at.filter(at.topic_id == int(topic_id))
        j = a.join(at, a.id == at.article_id).select("id", "title", "published_at", "weight")
        return s.execute(j.order_by([ibis.desc("weight"), "id"]).limit(n))
