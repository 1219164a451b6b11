"""Who is covering it: share of voice per outlet, languages per outlet, and the lists the sidebar offers."""

from __future__ import annotations

from typing import TypedDict

import ibis
import pandas as pd

from marsad.analytics._ibis import session
from marsad.analytics.query import Query
from marsad.store import Store


class SourceShare(TypedDict):
    source: str  # source key ("" for articles without a source)
    name: str
    articles: int
    share: float  # of all matching articles (share of voice)


class SourceLanguage(TypedDict):
    source: str
    name: str
    language: str
    articles: int


def _with_source(s, t):
    src = s.table("sources").select(sid="id", source="key", name="name")
    j = t.left_join(src, t.source_id == src.sid)
    return j.mutate(source=ibis.coalesce(j.source, ""), name=ibis.coalesce(j.name, ""))


def top_sources(store: Store, query: Query, *, n: int | None = None) -> pd.DataFrame:
    """Matching articles per outlet, largest first: :class:`SourceShare` rows."""
    with session(store) as s:
        a = s.articles(query).select("id", "source_id")
        per = a.group_by("source_id").agg(articles=a.count())
        j = _with_source(s, per).select("source", "name", "articles")
        j = j.order_by([ibis.desc("articles"), "source"])
        df = s.execute(j.limit(n) if n else j)
        total = int(s.scalar(a.count())) if n else int(df["articles"].sum())
    df["share"] = df["articles"] / total if total else 0.0
    return df


def languages_by_source(store: Store, query: Query) -> pd.DataFrame:
    """Matching articles per outlet and language: :class:`SourceLanguage` rows."""
    with session(store) as s:
        a = s.articles(query).select("id", "source_id", "language")
        per = a.group_by("source_id", "language").agg(articles=a.count())
        j = _with_source(s, per).mutate(language=ibis.coalesce(ibis._.language, ""))
        j = j.select("source", "name", "language", "articles")
        return s.execute(j.order_by(["source", ibis.desc("articles"), "language"]))


def list_sources(store: Store) -> pd.DataFrame:
    """Every outlet in the store: source (key), name, articles (originals only), for filter widgets."""
    return top_sources(store, Query())


def list_languages(store: Store) -> pd.DataFrame:
    """Languages in the store with article counts (originals only), largest first: language, articles."""
    with session(store) as s:
        a = s.articles(Query())
        per = a.group_by("language").agg(articles=a.count()).mutate(language=ibis.coalesce(ibis._.language, ""))
        return s.execute(per.order_by([ibis.desc("articles"), "language"]))
