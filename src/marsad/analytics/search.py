"""Ranked full-text search over the matching articles, with snippets whose hits are located in the ORIGINAL text.

The index (marsad.store.search, or the lake's on Spark) ranks with BM25; this module combines it with the rest of the Query and cuts
snippets. Hits are returned as character ranges, never as markup: the UI escapes the text and marks the ranges
itself (``highlight_segments``), so nothing from an article can inject HTML.
"""

from __future__ import annotations

import ibis
import pandas as pd
import pyarrow as pa

from marsad.analytics._ibis import Session, search_filters, session
from marsad.analytics.articles import ArticleRow
from marsad.analytics.query import Query
from marsad.errors import InvalidQuery
from marsad.store import Store
from marsad.store.search import HitPattern
from marsad.store.search_query import parse
from marsad.text.terms import search_spans

# Snippet length in characters: about two lines of a results list in Arabic or English.
SNIPPET_CHARS = 240
# Results per page are bounded so one request cannot pull the whole archive through snippets.
MAX_PER_PAGE = 200
_ELLIPSIS = "… "


class SearchResult(ArticleRow):
    score: float  # BM25, higher is better (NaN when there is no text query)
    snippet: str
    hits: list[tuple[int, int]]  # [start, end) character ranges of hits in ``snippet``
    title_hits: list[tuple[int, int]]  # the same in ``title``


def find_hits(text: str, patterns: list[HitPattern]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that match the query's positive terms (their indexed variants, the same
    search keys as the index; with a prefix term, the last word only has to start with its key)."""
    if not patterns or not text:
        return []
    spans = search_spans(text)
    keys = [k for _, _, k in spans]
    hits: list[tuple[int, int]] = []
    for pattern in patterns:
        for variant in pattern.variants:
            n = len(variant)
            for i in range(len(spans) - n + 1):
                *head, last = variant
                if tuple(keys[i : i + n - 1]) != tuple(head):
                    continue
                if keys[i + n - 1].startswith(last) if pattern.prefix else keys[i + n - 1] == last:
                    hits.append((spans[i][0], spans[i + n - 1][1]))
    return _merge(hits)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def make_snippet(
    text: str, hits: list[tuple[int, int]], *, width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """The window of ``text`` holding the most hits, cut at word boundaries, with hit ranges moved into it."""
    text = text or ""
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        start = 0
        if hits:
            best, best_n = hits[0][0], 0
            for h_start, _ in hits:
                n = sum(1 for s, e in hits if s >= h_start and e <= h_start + width * 3 // 4)
                if n > best_n:
                    best, best_n = h_start, n
            start = max(0, best - width // 4)
            if start > 0:  # begin on a word boundary
                space = text.find(" ", start, best)
                start = space + 1 if space != -1 else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start + width // 2, end)
            end = space if space != -1 else end
    body = " ".join(text[start:end].split(" "))  # same length: offsets stay valid
    body = body.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    moved = [(max(s, start) + shift, min(e, end) + shift) for s, e in hits if e > start and s < end]
    return prefix + body + suffix, moved


def highlight_segments(text: str, hits: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` split into (piece, is_hit) pairs for a UI that escapes each piece and marks the hits."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(hits):
        if start > pos:
            out.append((text[pos:start], False))
        if end > max(start, pos):
            out.append((text[max(start, pos) : end], True))
        pos = max(pos, end)
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def search(store: Store, query: Query, *, page: int = 1, per_page: int = 20) -> pd.DataFrame:
    """Matching articles ranked by BM25: :class:`SearchResult` rows for one page.

    ``df.attrs``: ``total`` (all matches), ``page``, ``per_page``. Without a text query, the newest matching
    articles are listed (score NaN) so the results page is never blank.
    """
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidQuery(f"page {page} / per_page {per_page}: page starts at 1 and per_page is 1–{MAX_PER_PAGE}")
    offset = (page - 1) * per_page
    node = parse(query.text) if query.text else None
    if node is None:
        return _newest(store, query, page=page, per_page=per_page)
    filters = search_filters(query)
    with session(store) as s:
        index = s.text_index()
        if query.entities or query.topics or query.undated:
            # Filters the index does not know: rank all matches, keep those the store's filters allow.
            ranked = index.match(query.text, filters=filters)
            mt = s.register(
                pa.table(
                    {
                        "rid": pa.array([r[0] for r in ranked], pa.int64()),
                        "score": pa.array([r[1] for r in ranked], pa.float64()),
                    }
                ),
                name="_marsad_ranked",
            )
            ok = s.articles(query.replace(text="")).select("id")
            j = mt.join(ok, mt.rid == ok.id)
            total = int(s.scalar(j.count()))
            page_rows = s.execute(j.order_by([ibis.desc("score"), "rid"]).limit(per_page, offset=offset))
            hits = list(zip(page_rows["rid"].tolist(), page_rows["score"].tolist(), strict=True))
        else:
            hits = index.match(query.text, filters=filters, limit=per_page, offset=offset)
            total = index.count(query.text, filters=filters) if hits or offset else 0
        df = _rows_with_snippets(s, hits, index.hit_patterns(node))
    df.attrs.update(total=total, page=page, per_page=per_page)
    return df


def _page_rows(s: Session, ids: list[int]) -> dict[int, dict]:
    """Title, body and listing fields of ``ids`` (one query; the id list comes in as a registered table so the
    compiled SQL is the same for every page)."""
    want = s.register(pa.table({"wid": pa.array(ids, pa.int64())}), name="_marsad_page_ids")
    a = s.table("articles")
    src = s.table("sources").select(sid="id", source="key", source_name="name")
    j = a.join(want, a.id == want.wid).left_join(src, a.source_id == src.sid)
    rows = s.execute(j.select("id", "title", "body", "source", "source_name", "published_at", "language", "url"))
    return {int(r["id"]): r for r in rows.to_dict("records")}


def _rows_with_snippets(s: Session, hits: list[tuple[int, float]], terms: list[HitPattern]) -> pd.DataFrame:
    columns = [*ArticleRow.__annotations__, "score", "snippet", "hits", "title_hits"]
    if not hits:
        return pd.DataFrame({c: [] for c in columns})
    by_id = _page_rows(s, [int(i) for i, _ in hits])
    out = []
    for article_id, score in hits:
        r = by_id.get(article_id)
        if r is None:  # indexed but no longer in the store
            continue
        title = r["title"] or ""
        snippet, snippet_hits = make_snippet(r["body"], find_hits(r["body"], terms))
        out.append(
            {
                "id": article_id,
                "title": title,
                "source": r["source"] or "",
                "source_name": r["source_name"] or "",
                "published_at": r["published_at"],
                "language": r["language"],
                "url": r["url"],
                "score": float(score),
                "snippet": snippet,
                "hits": snippet_hits,
                "title_hits": find_hits(title, terms),
            }
        )
    return pd.DataFrame(out, columns=columns)


def _newest(store: Store, query: Query, *, page: int, per_page: int) -> pd.DataFrame:
    with session(store) as s:
        a = s.articles(query)
        total = int(s.scalar(a.count()))
        newest = a.order_by([ibis.desc(a.published_at), ibis.desc(a.id)]).limit(per_page, offset=(page - 1) * per_page)
        ids = s.execute(newest.select("id"))["id"].tolist()
        by_id = _page_rows(s, [int(i) for i in ids])
    rows = []
    for i in ids:
        r = by_id[int(i)]
        rows.append(
            {
                **{k: r[k] for k in ArticleRow.__annotations__},
                "title": r["title"] or "",
                "source": r["source"] or "",
                "source_name": r["source_name"] or "",
                "score": float("nan"),
                "snippet": make_snippet(r["body"], [])[0],
                "hits": [],
                "title_hits": [],
            }
        )
    df = pd.DataFrame(rows, columns=[*ArticleRow.__annotations__, "score", "snippet", "hits", "title_hits"])
    df.attrs.update(total=total, page=page, per_page=per_page)
    return df
