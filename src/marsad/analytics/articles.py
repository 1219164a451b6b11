"""Articles themselves: a sample of the matching ones, one article with its mentions, and the key figures."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import ibis
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import session, spread
from marsad.analytics.query import Query
from marsad.store import Store


class ArticleRow(TypedDict):
    id: int
    title: str
    source: str
    source_name: str
    published_at: datetime | None
    language: str | None
    url: str | None


class MentionRow(TypedDict):
    key: str
    type: str
    name_ar: str | None
    name_en: str | None
    field: str  # "title" or "body": the part of the article the offsets count from (see marsad.models.Mention)
    start: int
    end: int
    surface: str


class ArticleDetail(TypedDict):
    id: int
    title: str
    lead: str | None
    body: str
    url: str | None
    source: str
    source_name: str
    published_at: datetime | None
    published_tz: str | None
    language: str | None
    author: str | None
    dateline: str | None
    category: str | None
    duplicate_of: int | None
    mentions: list[MentionRow]
    topics: list[dict[str, object]]  # topic_id, label, weight
    keywords: list[str]


class Overview(TypedDict):
    articles: int
    sources: int
    languages: int
    first_date: datetime | None
    last_date: datetime | None
    undated: int
    entities: int  # distinct entities mentioned in matching articles
    mentions: int


def _listing(s, a):
    src = s.table("sources").select(sid="id", source="key", source_name="name")
    j = a.left_join(src, a.source_id == src.sid)
    return j.select(
        "id",
        title=ibis.coalesce(j.title, ""),
        source=ibis.coalesce(j.source, ""),
        source_name=ibis.coalesce(j.source_name, ""),
        published_at="published_at",
        language="language",
        url="url",
    )


def sample_articles(store: Store, query: Query, *, n: int = 20, newest: bool = False) -> pd.DataFrame:
    """``n`` matching articles: :class:`ArticleRow` rows. A deterministic spread (ordered by hashed id, so the
    same query shows the same sample), or the newest first with ``newest=True``."""
    with session(store) as s:
        a = s.articles(query)
        a = a.order_by([ibis.desc(a.published_at), ibis.desc(a.id)]) if newest else a.order_by([spread(a.id), a.id])
        return s.execute(_listing(s, a.limit(n)))


def matching_ids(store: Store, query: Query) -> list[int]:
    """Ids of every article matching ``query``, ascending (what a saved monitor compares with what it has seen)."""
    with session(store) as s:
        a = s.articles(query)
        return [int(i) for i in s.execute(a.select("id").order_by("id"))["id"]]


def articles_by_id(store: Store, ids: list[int]) -> pd.DataFrame:
    """:class:`ArticleRow` rows for ``ids``, in the given order (ids not in the store are left out)."""
    if not ids:
        return _empty_listing()
    with session(store) as s:
        a = s.table("articles")
        want = s.register(pa.table({"wid": pa.array([int(i) for i in ids], pa.int64())}), name="_marsad_by_id")
        df = s.execute(_listing(s, a.filter(a.id.isin(want.wid))))
    order = {int(i): k for k, i in enumerate(ids)}
    return df.sort_values("id", key=lambda c: c.map(order)).reset_index(drop=True)


def _empty_listing() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in ArticleRow.__annotations__})


def get_article(store: Store, article_id: int) -> ArticleDetail | None:
    """One article with its mentions (entity key, type, offsets), topics and keywords; None if no such id."""
    with session(store) as s:
        # A bound parameter: the five compiled queries are cached across articles, and DuckDB still uses the
        # primary key and zone maps for the id.
        aid = s.int_param("aid", article_id)
        a = s.table("articles")
        src = s.table("sources").select(sid="id", source="key", source_name="name")
        j = a.filter(a.id == aid).left_join(src, a.source_id == src.sid)
        rows = s.execute(j)
        if rows.empty:
            return None
        r = rows.iloc[0]
        m = s.table("mentions")
        e = s.table("entities")
        mm = m.filter(m.article_id == aid)
        mentions = s.execute(
            mm.join(e, mm.entity_id == e.id)
            .select("key", "type", "name_ar", "name_en", "field", "start", "end", "surface")
            .order_by([ibis.desc("field"), "start", "end"])
        )
        at = s.table("article_topics")
        t = s.table("topics")
        at = at.filter(at.article_id == aid)
        topics = s.execute(
            at.join(t, at.topic_id == t.id).select("topic_id", "label", "weight").order_by(ibis.desc("weight"))
        )
        k = s.table("keywords")
        kws = s.execute(k.filter(k.article_id == aid).order_by(["score", "keyword"]).select("keyword"))
    return ArticleDetail(
        id=int(r["id"]),
        title=r["title"] or "",
        lead=_none(r["lead"]),
        body=r["body"],
        url=_none(r["url"]),
        source=_none(r["source"]) or "",
        source_name=_none(r["source_name"]) or "",
        published_at=None if pd.isna(r["published_at"]) else r["published_at"].to_pydatetime(),
        published_tz=_none(r["published_tz"]),
        language=_none(r["language"]),
        author=_none(r["author"]),
        dateline=_none(r["dateline"]),
        category=_none(r["category"]),
        duplicate_of=None if pd.isna(r["duplicate_of"]) else int(r["duplicate_of"]),
        mentions=mentions.to_dict("records"),  # type: ignore[typeddict-item]
        topics=topics.to_dict("records"),
        keywords=kws["keyword"].tolist(),
    )


def _none(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def overview_figures(store: Store, query: Query) -> Overview:
    """Key figures of the matching articles (one dict, not a frame: they are shown as metrics)."""
    with session(store) as s:
        a = s.articles(query)
        figs = s.execute(
            a.aggregate(
                articles=a.count(),
                sources=a.source_id.nunique(),
                languages=a.language.nunique(),
                first_date=a.published_at.min(),
                last_date=a.published_at.max(),
                undated=a.published_at.isnull().sum(),
            )
        ).iloc[0]
        m = s.table("mentions")
        m = m.filter(s.in_articles(m.article_id, query))
        ment = s.execute(m.aggregate(entities=m.entity_id.nunique(), mentions=m.count())).iloc[0]
    return Overview(
        articles=int(figs["articles"]),
        sources=int(figs["sources"]),
        languages=int(figs["languages"]),
        first_date=None if pd.isna(figs["first_date"]) else figs["first_date"].to_pydatetime(),
        last_date=None if pd.isna(figs["last_date"]) else figs["last_date"].to_pydatetime(),
        undated=0 if pd.isna(figs["undated"]) else int(figs["undated"]),
        entities=int(ment["entities"]),
        mentions=int(ment["mentions"]),
    )
