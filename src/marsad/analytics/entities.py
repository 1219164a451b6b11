"""Who and what the coverage names: top entities, co-mentions, places for the map, one entity's card."""

from __future__ import annotations

import itertools
from typing import TypedDict

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import Session, session
from marsad.analytics.query import Query
from marsad.errors import InvalidQuery
from marsad.models import EntityType
from marsad.store import Store

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")


class EntityCount(TypedDict):
    key: str
    name_ar: str | None
    name_en: str | None
    type: str
    mentions: int  # mentions in matching articles
    articles: int  # matching articles mentioning it (the ranking key: one long article does not dominate)


class CoMention(TypedDict):
    entity: str  # the entity asked about
    key: str  # an entity mentioned in the same articles
    name_ar: str | None
    name_en: str | None
    type: str
    articles: int  # matching articles mentioning both


class PlaceCount(TypedDict):
    key: str
    name: str
    name_ar: str | None
    name_en: str | None
    country: str | None
    lat: float
    lon: float
    kind: str | None
    mentions: int
    articles: int


def _check_type(type: str | None) -> None:
    if type is not None and type not in ENTITY_TYPES:
        raise InvalidQuery(f"entity type “{type}” is not one of {', '.join(ENTITY_TYPES)}")


def _mentions_in(s: Session, query: Query, *, type: str | None = None) -> ir.Table:
    m = s.table("mentions")
    m = m.filter(s.in_articles(m.article_id, query))
    if type is not None:
        e = s.table("entities")
        m = m.filter(m.entity_id.isin(e.filter(e.type == type).id))
    return m


# Candidates examined per wanted row in the exact ranking (expanded until the ranking is provably exact).
CANDIDATE_FACTOR = 4
# Above this many mentions in the selection, distinct-article counts use HyperLogLog (DuckDB
# approx_count_distinct, ~1–2% error) instead of exact counting: exact distinct counts over ~8M mentions take
# ~400 ms on 2 cores, the estimate ~60 ms. The frame says so in df.attrs["approximate"].
EXACT_MENTIONS = 2_000_000


def _counted(s: Session, m: ir.Table, n: int) -> pd.DataFrame:
    """Top ``n`` entities of mentions ``m`` by distinct articles (then mentions, then key).

    ``df.attrs``: ``approximate`` (article counts estimated, see EXACT_MENTIONS), ``mentions_total``.
    """
    by_mentions = s.execute(m.group_by("entity_id").agg(mentions=m.count()))
    total = int(by_mentions["mentions"].sum())
    if total > EXACT_MENTIONS:
        per = m.group_by("entity_id").agg(mentions=m.count(), articles=m.article_id.approx_nunique())
        top = per.order_by([ibis.desc("articles"), ibis.desc("mentions"), "entity_id"]).limit(n)
        exact = s.execute(top)
    else:
        exact = _exact_top(s, m, by_mentions, n)
    e = s.table("entities")
    wanted = s.register(pa.table({"wid": pa.array(exact["entity_id"].tolist(), pa.int64())}), name="_marsad_top_ids")
    names = s.execute(e.filter(e.id.isin(wanted.wid)).select("id", "key", "name_ar", "name_en", "type"))
    out = exact.merge(names, left_on="entity_id", right_on="id")
    out = out.sort_values(["articles", "mentions", "key"], ascending=[False, False, True])
    out = out[["key", "name_ar", "name_en", "type", "mentions", "articles"]].reset_index(drop=True)
    out.attrs.update(approximate=total > EXACT_MENTIONS, mentions_total=total)
    return out


def _exact_top(s: Session, m: ir.Table, by_mentions: pd.DataFrame, n: int) -> pd.DataFrame:
    """Exact top ``n`` by distinct articles, counting them for candidates only: the entities with the most
    mentions. An entity's articles never exceed its mentions, so once the n-th best article count among the
    candidates is above the mention count of the best entity left out, nobody outside can enter the top n;
    otherwise the candidate set grows and the check repeats."""
    ranked = by_mentions.sort_values(["mentions", "entity_id"], ascending=[False, True])
    limit = max(n, 1) * CANDIDATE_FACTOR
    for round_ in itertools.count():
        complete = len(ranked) <= limit
        best_left_out = 0 if complete else int(ranked["mentions"].iloc[limit])
        cand = ranked.head(limit)
        ids = s.register(
            pa.table({"cid": pa.array(cand["entity_id"].tolist(), pa.int64())}), name=f"_marsad_cand{round_}"
        )
        mm = m.filter(m.entity_id.isin(ids.cid))
        per = mm.group_by("entity_id").agg(mentions=mm.count(), articles=mm.article_id.nunique())
        exact = s.execute(per).sort_values(["articles", "mentions", "entity_id"], ascending=[False, False, True])
        exact = exact.head(n)
        if complete or (len(exact) == n and exact["articles"].iloc[-1] > best_left_out):
            return exact
        limit *= max(2, CANDIDATE_FACTOR)
    raise AssertionError("unreachable")  # pragma: no cover


def top_entities(store: Store, query: Query, *, type: EntityType | None = None, n: int = 20) -> pd.DataFrame:
    """The ``n`` entities (of ``type``, or any) mentioned in the most matching articles: :class:`EntityCount`."""
    _check_type(type)
    with session(store) as s:
        return _counted(s, _mentions_in(s, query, type=type), n)


def cooccurring_entities(
    store: Store, entity_key: str, query: Query, *, n: int = 20, type: EntityType | None = None
) -> pd.DataFrame:
    """Entities named in the same matching articles as ``entity_key``: :class:`CoMention` rows, most shared first."""
    _check_type(type)
    with session(store) as s:
        q = query.replace(entities=(*query.entities, entity_key))
        m = _mentions_in(s, q, type=type)
        e = s.table("entities")
        # Query keeps each entity once, in first-seen order, so the one asked about is not necessarily the last:
        # take it by its own position (a parameter, so the SQL is cached per position, not per key).
        asked = s.params(q).ents.as_scalar()[q.entities.index(entity_key)]
        m = m.filter(~m.entity_id.isin(e.filter(e.key == asked).id))
        df = _counted(s, m, n)
    df.insert(0, "entity", entity_key)
    return df.drop(columns=["mentions"])


class ArticleEntity(TypedDict):
    article_id: int
    key: str
    name_ar: str | None
    name_en: str | None
    type: str


def entities_of(store: Store, ids: list[int]) -> pd.DataFrame:
    """The entities each of the articles ``ids`` mentions: :class:`ArticleEntity` rows, one per article and
    entity, by article then key."""
    if not ids:
        return pd.DataFrame({c: [] for c in ArticleEntity.__annotations__})
    with session(store) as s:
        m = s.table("mentions")
        e = s.table("entities")
        want = s.register(pa.table({"wid": pa.array([int(i) for i in ids], pa.int64())}), name="_marsad_entities_of")
        m = m.filter(m.article_id.isin(want.wid))
        j = m.join(e, m.entity_id == e.id).select("article_id", "key", "name_ar", "name_en", "type").distinct()
        return s.execute(j.order_by(["article_id", "key"]))


def cooccurrence_pairs(
    store: Store, query: Query, *, n_entities: int = 20, type: EntityType | None = None
) -> pd.DataFrame:
    """Edges for a network graph among the top ``n_entities``: source, target (keys), articles naming both."""
    with session(store) as s:
        top = _counted(s, _mentions_in(s, query, type=type), n_entities)
        if top.empty:
            return pd.DataFrame({"source": pd.Series(dtype=str), "target": pd.Series(dtype=str), "articles": []})
        e = s.table("entities")
        m = _mentions_in(s, query).select("article_id", "entity_id")
        wanted = s.register(pa.table({"k": pa.array(top["key"].tolist(), pa.string())}), name="_marsad_pair_keys")
        keys = e.filter(e.key.isin(wanted.k)).select(eid="id", key="key")
        m = m.join(keys, m.entity_id == keys.eid)
        m = m.select("article_id", "key").distinct()
        right = m.select(article_id2="article_id", key2="key")
        pairs = m.join(right, (m.article_id == right.article_id2) & (m.key < right.key2))
        agg = pairs.group_by(source="key", target="key2").agg(articles=pairs.count())
        return s.execute(agg.order_by([ibis.desc("articles"), "source", "target"]))


def top_places(store: Store, query: Query, *, n: int = 200) -> pd.DataFrame:
    """Places mentioned in matching articles, with coordinates for the map: :class:`PlaceCount` rows."""
    with session(store) as s:
        p = s.table("places").filter(ibis._.lat.notnull() & ibis._.lon.notnull())
        m = _mentions_in(s, query)
        m = m.filter(m.entity_id.isin(p.entity_id))
        per = m.group_by("entity_id").agg(mentions=m.count(), articles=m.article_id.nunique())
        top = per.order_by([ibis.desc("articles"), "entity_id"]).limit(n)
        e = s.table("entities")
        out = top.join(p, "entity_id").join(e, top.entity_id == e.id)
        out = out.select("key", "name", "name_ar", "name_en", "country", "lat", "lon", "kind", "mentions", "articles")
        return s.execute(out.order_by([ibis.desc("articles"), "key"]))


class EntityInfo(TypedDict):
    key: str
    type: str
    name_ar: str | None
    name_en: str | None
    aliases: list[str]  # curated/linked aliases
    surfaces: list[tuple[str, int]]  # forms found in text (near-duplicates left out), most frequent first
    place: dict[str, object] | None  # country/lat/lon when it is a place


# Surface forms shown on an entity card: enough to see the variants, few enough to read.
_MAX_SURFACES = 15


def entity_info(store: Store, entity_key: str) -> EntityInfo | None:
    """Names, aliases and found variants of one entity; None when no entity has this key."""
    with session(store) as s:
        e = s.table("entities")
        row = s.execute(e.filter(e.key == entity_key).select("id", "key", "type", "name_ar", "name_en"))
        if row.empty:
            return None
        eid = int(row["id"].iloc[0])
        al = s.table("entity_aliases")
        aliases = s.execute(al.filter(al.entity_id == eid).select("alias").distinct())["alias"].tolist()
        m = s.table("mentions")
        mm = m.filter((m.entity_id == eid) & s.in_articles(m.article_id, Query()))  # near-duplicates left out
        surf = s.execute(
            mm.group_by("surface").agg(n=mm.count()).order_by([ibis.desc("n"), "surface"]).limit(_MAX_SURFACES)
        )
        p = s.table("places")
        place = s.execute(p.filter(p.entity_id == eid).select("name", "country", "lat", "lon", "kind"))
    return EntityInfo(
        key=entity_key,
        type=str(row["type"].iloc[0]),
        name_ar=row["name_ar"].iloc[0],
        name_en=row["name_en"].iloc[0],
        aliases=sorted(aliases),
        surfaces=[(str(a), int(b)) for a, b in zip(surf["surface"], surf["n"], strict=True)],
        place=place.iloc[0].to_dict() if len(place) else None,
    )


def find_entities(store: Store, text: str = "", *, type: EntityType | None = None, n: int = 50) -> pd.DataFrame:
    """Entities whose key, names or aliases contain ``text`` (normalised), most-mentioned first:
    key, name_ar, name_en, type, mentions (outside near-duplicates). For the entity list's search box."""
    from marsad.text.normalize import normalize

    _check_type(type)
    needle = normalize(text)
    with session(store) as s:
        e = s.table("entities")
        if type is not None:
            e = e.filter(e.type == type)
        if needle:
            al = s.table("entity_aliases")
            hit = al.filter(al.norm.contains(needle)).entity_id
            e = e.filter(
                e.id.isin(hit)
                | e.key.lower().contains(needle)
                | e.name_ar.contains(text.strip())
                | e.name_en.lower().contains(needle)
            )
        m = _mentions_in(s, Query())  # near-duplicates left out, as in every other count
        m = m.filter(m.entity_id.isin(e.id))
        counts = m.group_by("entity_id").agg(mentions=m.count())
        out = e.left_join(counts, e.id == counts.entity_id).select(
            "key", "name_ar", "name_en", "type", mentions=ibis.coalesce(ibis._.mentions, 0)
        )
        return s.execute(out.order_by([ibis.desc("mentions"), "key"]).limit(n))
