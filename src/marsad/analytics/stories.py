"""Stories (marsad.nlp.stories) under the current filters: the largest ones, one story's articles and its timeline.

A story's figures count only its articles that match the Query (sources, languages, dates, text, entities, topics,
near-duplicates): "the largest stories in Arabic last week" ranks stories by their Arabic articles of last week.
A store made before stories existed has no stories tables until it is migrated (any write, e.g. ``marsad stories
rebuild``); these calls then return no rows rather than fail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import ibis
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import Interval, Session, bin_range, binned, check_interval, session
from marsad.analytics.query import Query
from marsad.store import Store


class StorySummary(TypedDict):
    story_id: int
    articles: int  # matching articles in the story
    outlets: int
    sources: list[str]  # source keys, most articles first
    languages: list[str]  # most articles first
    first_seen: datetime | None
    last_seen: datetime | None
    title: str  # the first matching article's title
    titles: dict[str, str]  # language → the first matching article's title in that language


class StoryArticle(TypedDict):
    id: int
    title: str
    source: str
    source_name: str
    language: str | None
    published_at: datetime | None
    url: str | None
    duplicate_of: int | None
    similarity: float


class StoryPoint(TypedDict):
    bin: object  # pandas Timestamp, UTC bin start
    language: str
    articles: int


_SUMMARY_COLUMNS = list(StorySummary.__annotations__)


def _has_stories(s: Session) -> bool:
    return s.has_table("article_stories")


def _story_articles(s: Session, query: Query):
    """Matching articles with their story id and source key."""
    a = s.articles(query).select("id", "title", "language", "published_at", "source_id", "url", "duplicate_of")
    st = s.table("article_stories")
    j = a.join(st, a.id == st.article_id)
    src = s.table("sources").select(sid="id", source="key", source_name="name")
    j = j.left_join(src, j.source_id == src.sid)
    return j.select("id", "story_id", "similarity", "published_at", "url", "duplicate_of",
                    title=ibis.coalesce(j.title, ""), language=ibis.coalesce(j.language, ""),
                    source=ibis.coalesce(j.source, ""), source_name=ibis.coalesce(j.source_name, ""))


def top_stories(store: Store, query: Query, *, n: int = 20, min_articles: int = 2) -> pd.DataFrame:
    """The stories with the most matching articles (at least ``min_articles``), largest first: :class:`StorySummary`
    rows. Ties: more outlets, then the latest last seen, then the lower story id."""
    with session(store) as s:
        if not _has_stories(s):
            return pd.DataFrame(columns=_SUMMARY_COLUMNS)
        t = _story_articles(s, query)
        per = t.group_by("story_id").agg(articles=t.count(), outlets=t.source.nunique(),
                                          first_seen=t.published_at.min(), last_seen=t.published_at.max())
        per = per.filter(per.articles >= min_articles)
        per = per.order_by([ibis.desc("articles"), ibis.desc("outlets"), ibis.desc("last_seen"), "story_id"])
        top = s.execute(per.limit(n))
        if top.empty:
            return pd.DataFrame(columns=_SUMMARY_COLUMNS)
        ids = s.register(pa.table({"id": pa.array(top["story_id"].astype("int64").to_list(), pa.int64())}),
                         name="_marsad_top_stories")
        members = s.execute(t.filter(t.story_id.isin(ids.id))
                            .select("story_id", "id", "title", "language", "source", "published_at"))
    return _summaries(top, members)


def _summaries(top: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Add each story's outlets, languages and titles (from its matching ``members``) to its figures."""
    members = members.sort_values(["published_at", "id"], na_position="last", kind="stable")
    out = []
    for row in top.itertuples(index=False):
        mine = members[members["story_id"] == row.story_id]
        titled = mine[mine["title"] != ""]
        titles = {lang: group["title"].iloc[0] for lang, group in titled.groupby("language", sort=True)}
        out.append({
            "story_id": int(row.story_id),
            "articles": int(row.articles),
            "outlets": int(row.outlets),
            "sources": _by_count(mine["source"]),
            "languages": _by_count(mine["language"]),
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
            "title": titled["title"].iloc[0] if len(titled) else "",
            "titles": titles,
        })
    return pd.DataFrame(out, columns=_SUMMARY_COLUMNS)


def _by_count(values: pd.Series) -> list[str]:
    """Distinct non-empty values, the most frequent first (ties alphabetical)."""
    counts = values[values != ""].value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], v))


def story_articles(store: Store, story_id: int, query: Query | None = None, *, n: int = 200) -> pd.DataFrame:
    """The story's articles matching ``query`` (all but near-duplicates without one), oldest first:
    :class:`StoryArticle` rows."""
    query = query or Query()
    with session(store) as s:
        if not _has_stories(s):
            return pd.DataFrame(columns=list(StoryArticle.__annotations__))
        t = _story_articles(s, query)
        t = t.filter(t.story_id == s.int_param("story", story_id))
        t = t.select(*StoryArticle.__annotations__).order_by([t.published_at, t.id]).limit(n)
        return s.execute(t)


def story_timeline(store: Store, story_id: int, query: Query | None = None, *,
                   interval: Interval = "day") -> pd.DataFrame:
    """The story's articles matching ``query`` per time bin and language: :class:`StoryPoint` rows (every bin from
    its first to its last article, zero where none)."""
    query = query or Query()
    interval = check_interval(interval)
    with session(store) as s:
        if not _has_stories(s):
            return pd.DataFrame(columns=list(StoryPoint.__annotations__))
        t = _story_articles(s, query)
        t = binned(t.filter(t.story_id == s.int_param("story", story_id)), interval)
        df = s.execute(t.group_by("bin", "language").agg(articles=t.count()).order_by(["bin", "language"]))
    if df.empty:
        return pd.DataFrame(columns=list(StoryPoint.__annotations__))
    bins = bin_range(Query(), df["bin"], interval)
    full = pd.MultiIndex.from_product([bins, sorted(df["language"].unique())], names=["bin", "language"])
    df = df.set_index(["bin", "language"]).reindex(full, fill_value=0).reset_index()
    df["articles"] = df["articles"].astype(int)
    return df[list(StoryPoint.__annotations__)]
