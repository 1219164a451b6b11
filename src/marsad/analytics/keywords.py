"""What words the coverage uses: keywords (extracted per article by the NLP step) across matching articles."""

from __future__ import annotations

from typing import TypedDict

import ibis
import pandas as pd

from marsad.analytics._ibis import session, spread
from marsad.analytics.query import Query
from marsad.store import Store

# Keywords are counted over at most this many matching articles (a deterministic sample by hashed id beyond
# it): the ranking of the top keywords is stable well below this, and it bounds the cost at millions of
# articles. The sample size used is returned in ``df.attrs`` so the UI can say "based on N of M articles".
KEYWORD_SAMPLE = 20_000


# Resolution of the hash sample (buckets of the id hash).
_HASH_BUCKETS = 1_000_000


class KeywordCount(TypedDict):
    keyword: str
    articles: int  # sampled articles carrying the keyword
    share: float  # articles / sample size


def top_keywords(store: Store, query: Query, *, n: int = 30, sample: int = KEYWORD_SAMPLE) -> pd.DataFrame:
    """The ``n`` keywords found in the most matching articles: :class:`KeywordCount` rows.

    ``df.attrs``: ``matched`` (matching articles), ``sample_size`` (articles counted), ``sampled`` (bool).
    """
    with session(store) as s:
        a = s.articles(query).select("id")
        matched = int(s.scalar(a.count()))
        size = matched
        if matched > sample:
            # A deterministic sample by hashed id (no sort of the whole match set); its size is close to
            # ``sample`` and counted exactly.
            threshold = s.int_param("kw_threshold", _HASH_BUCKETS * sample // matched)
            a = a.filter(spread(a.id) % _HASH_BUCKETS < threshold)
            size = int(s.scalar(a.count()))
        k = s.table("keywords")
        k = k.filter(k.article_id.isin(a.id))
        per = k.group_by("keyword").agg(articles=k.article_id.nunique())
        df = s.execute(per.order_by([ibis.desc("articles"), "keyword"]).limit(n))
    df["share"] = df["articles"] / size if size else 0.0
    df.attrs.update(matched=matched, sample_size=size, sampled=size < matched)
    return df
