"""Search over a lake: the parsed query (marsad.store.search_query) run on the ``terms`` inverted table, with
the same matches and the same BM25 scores as the SQLite index of the same articles.

The lake's ``terms`` table (marsad.lake.layout) holds, per article and field (title, body), every token the SQLite
index holds (marsad.store.search.index_tokens) with its count and positions; the index's ``source`` and ``lang``
columns are derived here from ``sources`` and ``articles`` (marsad.store.search.source_tokens, lang_tokens). Together
they are the *postings*, and the index's semantics carry over exactly:

- Vocabulary (which clitic and inflected forms a query word stands for, marsad.store.search_vocab) reads the
  article count of each term from the postings; the query's likely prefixes are fetched in one pass.
- A term (a word, a phrase, a prefix) matches where one of its alternatives occurs in one of its columns. A
  one-token alternative is a lookup (its count is its occurrences); a phrase is consecutive positions in the
  same field, found by joining the exploded positions on (article_id, field, pos + 1), never by re-reading the
  text. AND / OR / NOT are intersect / union / except.
- Ranking is FTS5's ``bm25()`` with the index's column weights: per alternative (FTS5 "phrase") its IDF over
  all articles, its weighted count in the article, the article's length in tokens against the average.
  Scores are rounded to 1e-9 so that identical articles tie exactly whatever order Spark sums in (FTS5's ties
  then fall back to the id, as here). One approximation: an AND nested inside an OR that did not match as a
  whole may still have counted its present words in FTS5's score (its iterators sit on the row); here only
  whole matches of terms outside a NOT count. The matches themselves are exact.

Everything is Ibis over the engine's tables, so this runs on whichever engine reads the lake.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from marsad.store.search import (
    BM25_WEIGHTS,
    INDEX_FIELDS,
    HitPattern,
    SearchFilters,
    fts_tokens,
    hit_patterns,
    lang_tokens,
    source_tokens,
    vocabulary_variants,
)
from marsad.store.search_query import TERM_COLUMNS, Node, Not, Or, Term, alternatives, parse, to_fts
from marsad.store.search_vocab import Vocabulary
from marsad.text.normalize import is_arabic
from marsad.text.terms import CLITIC_CHAINS, inflection_stem

LOGGER = logging.getLogger(__name__)

# FTS5's bm25() constants (sqlite's fts5_aux.c) and its floor for the IDF of a term in most rows.
BM25_K1 = 1.2
BM25_B = 0.75
MIN_IDF = 1e-6
# Decimal places scores are rounded to (see the module docstring): far below any real difference of two scores.
SCORE_DECIMALS = 9
_WEIGHT = dict(zip(INDEX_FIELDS, BM25_WEIGHTS, strict=True))
# The proclitic chains a query word may carry or be given, and none.
_CHAINS = ("", *CLITIC_CHAINS)


class LakeVocabulary(Vocabulary):
    """marsad.store.search_vocab's Vocabulary read from the ``terms`` table: term → articles holding it."""

    def __init__(self, index: LakeSearchIndex) -> None:  # no SQLite connection: the lake is the vocabulary
        self._index = index
        self._cache: dict[str, dict[str, int]] = {}
        self._fetched: dict[str, dict[str, int]] = {}

    def prefetch(self, roots: set[str]) -> None:
        """Read every term starting with one of ``roots`` in one pass (see :func:`_likely_roots`)."""
        roots = {r for r in roots if r and not any(r != o and r.startswith(o) for o in roots)}
        if not roots:
            return
        found = self._counts(roots)
        for root in roots:
            self._fetched[root] = {t: n for t, n in found.items() if t.startswith(root)}

    def starting_with(self, prefix: str) -> dict[str, int]:
        if prefix not in self._cache:
            root = next((r for r in self._fetched if prefix.startswith(r)), None)
            found = self._fetched[root] if root is not None else self._counts({prefix})
            self._cache[prefix] = {t: n for t, n in found.items() if t.startswith(prefix)}
        return self._cache[prefix]

    def _counts(self, prefixes: set[str]) -> dict[str, int]:
        t = self._index.postings()
        t = t.filter(ibis.or_(*(t.term.startswith(p) for p in sorted(prefixes))))
        df = self._index.run(t.group_by("term").agg(doc=t.article_id.nunique()))
        return {str(k): int(n) for k, n in zip(df["term"], df["doc"], strict=True)}


def _likely_roots(node: Node | None) -> set[str]:
    """Prefixes the vocabulary rules will ask about for the text words of ``node``: each word with its own
    proclitic chain taken off or not, its inflection stem, each behind every chain. A prefix outside them is
    still answered (one more pass), so this only saves passes."""
    roots: set[str] = set()
    for term in _terms(node):
        if term.field not in ("", "title"):
            continue
        for key in term.keys:
            if not is_arabic(key):
                continue
            bases = {key} | {key[len(c) :] for c in CLITIC_CHAINS if key.startswith(c) and len(key) - len(c) >= 2}
            stems = bases | {inflection_stem(b) for b in bases}
            roots |= {c + s for c in _CHAINS for s in stems}
    return roots


def _terms(node: Node | None) -> Iterator[Term]:
    if node is None:
        return
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _terms(node.child)
    else:
        for child in node.children:
            yield from _terms(child)


def _meta_rows(field: str, rows: pd.DataFrame) -> pa.Table:
    """The ``field`` column's postings per outlet id (``source``) or language code (``lang``)."""
    out: dict[str, list] = {"m_key": [], "m_field": [], "m_term": [], "m_count": [], "m_positions": []}
    for r in rows.to_dict("records"):
        key, tokens = (r["id"], source_tokens(r["key"], r["name"])) if field == "source" else (r["lang"], lang_tokens(r["lang"]))
        where: dict[str, list[int]] = {}
        for pos, token in enumerate(tokens):
            where.setdefault(token, []).append(pos)
        for token, positions in where.items():
            for column, value in zip(out, (key, field, token, len(positions), positions), strict=True):
                out[column].append(value)
    return pa.table(
        {
            "m_key": pa.array(out["m_key"], pa.int64() if field == "source" else pa.string()),
            "m_field": pa.array(out["m_field"], pa.string()),
            "m_term": pa.array(out["m_term"], pa.string()),
            "m_count": pa.array(out["m_count"], pa.int32()),
            "m_positions": pa.array(out["m_positions"], pa.list_(pa.int32())),
        }
    )


@dataclass
class _Plan:
    """A parsed query on the lake: its match set and, per term outside a NOT, its instances."""

    ids: ir.Table  # article_id of every article matching the query (no filters yet)
    scored: list[ir.Table]  # per positive term: article_id, field, vid (one row per occurrence)
    names: list[str]  # the small tables registered for it (dropped when the plan ends)


class LakeSearchIndex:
    """marsad.analytics._ibis.TextIndex over an engine's ``terms`` table (see the module docstring)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._vocab = LakeVocabulary(self)
        self._names = itertools.count()
        self._own: list[str] = []  # tables kept for the index's life (the engine drops them at its end)
        self._postings: ir.Table | None = None
        # Figures that hold while the lake is unchanged, kept by the engine across calls (a plain dict otherwise).
        self._memo: dict[str, object] = getattr(engine, "memo", {})

    # -- plumbing ---------------------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.engine.tables()[name]

    def run(self, expr: ir.Expr) -> pd.DataFrame:
        return self.engine.fetch(ibis.to_sql(expr, dialect=self.engine.dialect), {})

    def postings(self) -> ir.Table:
        """term, article_id, field, count, positions of every column the SQLite index has (see the module
        docstring): the lake's ``terms`` for title and body, the outlet's and the language's tokens per article."""
        if self._postings is None:
            a = self.table("articles")
            if "meta" not in self._memo:  # the outlets' and languages' tokens, once per lake
                self._memo["meta"] = (
                    _meta_rows("source", self.run(self.table("sources").select("id", "key", "name"))),
                    _meta_rows("lang", self.run(a.select(lang=ibis.coalesce(a.language, "")).distinct())),
                )
            src, langs = (self._register(data, self._own) for data in self._memo["meta"])  # type: ignore[union-attr]
            by_source = a.join(src, a.source_id == src.m_key)
            by_lang = a.join(langs, ibis.coalesce(a.language, "") == langs.m_key)
            t = self.table("terms")
            self._postings = ibis.union(
                t.select("term", "article_id", "field", "count", "positions"),
                *(
                    j.select(term=j.m_term, article_id=j.id, field=j.m_field, count=j.m_count, positions=j.m_positions)
                    for j in (by_source, by_lang)
                ),
                distinct=False,
            )
        return self._postings

    @contextmanager
    def _plan(self, text: str) -> Iterator[_Plan | None]:
        """The query's plan, its small tables registered for the duration."""
        node = parse(text)
        if node is None:
            yield None
            return
        to_fts(node)  # the index's own refusals (a query with nothing positive) with its own message
        self._vocab.prefetch(_likely_roots(node))
        names: list[str] = []
        try:
            scored: list[ir.Table] = []
            ids = self._ids(node, names, scored, negated=False)
            yield _Plan(ids, scored, names)
        finally:
            for name in names:
                self.engine.unregister(name)

    def _register(self, data: pa.Table, names: list[str]) -> ir.Table:
        name = f"_marsad_lake_search{next(self._names)}"
        self.engine.register(name, data)
        names.append(name)
        return ibis.table(ibis.Schema.from_pyarrow(data.schema), name=name)

    # -- matching ---------------------------------------------------------------------------------------
    def _ids(self, node: Node, names: list[str], scored: list[ir.Table], *, negated: bool) -> ir.Table:
        if isinstance(node, Term):
            found = self._instances(node, names)
            if not negated:
                scored.append(found)
            return found.select("article_id").distinct()
        if isinstance(node, Not):  # only under an And (to_fts refused the rest)
            return self._ids(node.child, names, scored, negated=True)
        if isinstance(node, Or):
            parts = [self._ids(c, names, scored, negated=negated) for c in node.children]
            return ibis.union(*parts, distinct=True)
        positives = [self._ids(c, names, scored, negated=negated) for c in node.children if not isinstance(c, Not)]
        out = positives[0] if len(positives) == 1 else ibis.intersect(*positives)
        for c in node.children:
            if isinstance(c, Not):
                out = out.difference(self._ids(c, names, scored, negated=True))
        return out

    def _instances(self, term: Term, names: list[str]) -> ir.Table:
        """Every occurrence of one of ``term``'s alternatives in its columns: article_id, field, vid (the
        alternative's number: FTS5 scores each alternative as a phrase of its own)."""
        phrases = [fts_tokens(" ".join(keys)) for keys in alternatives(term, vocabulary_variants(self._vocab))]
        by_length: dict[int, list[tuple[int, list[str]]]] = {}
        for vid, tokens in enumerate(phrases):
            if tokens:  # an alternative with no token matches nothing (FTS5: an empty phrase)
                by_length.setdefault(len(tokens), []).append((vid, tokens))
        t = self.postings()
        t = t.filter(t.field.isin(list(TERM_COLUMNS[term.field])))
        parts = []
        for length, group in sorted(by_length.items()):
            rows = [(vid, j, tok) for vid, tokens in group for j, tok in enumerate(tokens)]
            v = self._register(
                pa.table(
                    {
                        "vid": pa.array([r[0] for r in rows], pa.int64()),
                        "j": pa.array([r[1] for r in rows], pa.int64()),
                        "token": pa.array([r[2] for r in rows], pa.string()),
                    }
                ),
                names,
            )
            parts.append(self._occurrences(t, v, length, prefix=term.prefix))
        if not parts:
            return t.filter(ibis.literal(False)).select(
                "article_id", "field", vid=ibis.literal(0, type="int64"), n=t["count"]
            )
        return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)

    @staticmethod
    def _occurrences(t: ir.Table, v: ir.Table, length: int, *, prefix: bool) -> ir.Table:
        """article_id, field, vid, n (occurrences) of the alternatives ``v`` (vid, j, token) of ``length`` tokens."""

        def step(j: int) -> ir.Table:
            vj = v.filter(v.j == j)
            hit = t.term.startswith(vj.token) if prefix and j == length - 1 else t.term == vj.token
            return t.join(vj, hit).select(t.article_id, t.field, t["count"], t.positions, vj.vid)

        if length == 1:  # one token: its count is its occurrences
            one = step(0)
            return one.select("article_id", "field", "vid", n=one["count"])
        chain = None
        for j in range(length):
            s = step(j)
            s = s.select("article_id", "field", "vid", pos=s.positions.unnest())
            if chain is None:
                chain = s
                continue
            chain = chain.join(
                s,
                [chain.article_id == s.article_id, chain.field == s.field, chain.vid == s.vid, s.pos == chain.pos + 1],
            ).select(chain.article_id, chain.field, chain.vid, s.pos)
        return chain.select("article_id", "field", "vid", n=ibis.literal(1, type="int32"))

    def _filtered(self, ids: ir.Table, filters: SearchFilters) -> ir.Table:
        """``ids`` within the filters the SQLite index applies itself (marsad.store.search.SearchFilters)."""
        a = self.table("articles")
        preds = []
        day = a.published_at.date()
        if filters.start:
            preds.append(day >= filters.start)
        if filters.end:
            preds.append(day <= filters.end)
        if filters.languages:
            preds.append(ibis.coalesce(a.language.lower(), "").isin(list(filters.languages)))
        if filters.sources:
            s = self.table("sources")
            preds.append(a.source_id.isin(s.filter(s.key.isin(list(filters.sources))).id))
        if not filters.include_duplicates:
            preds.append(a.duplicate_of.isnull() | (a.duplicate_of == a.id))
        return ids.filter(ids.article_id.isin(a.filter(*preds).id)) if preds else ids

    # -- the TextIndex interface ---------------------------------------------------------------------------
    def match_ids(self, text: str, *, filters: SearchFilters) -> list[int]:
        with self._plan(text) as plan:
            if plan is None:
                return []
            df = self.run(self._filtered(plan.ids, filters).order_by("article_id"))
        return [int(i) for i in df["article_id"]]

    def count(self, text: str, *, filters: SearchFilters) -> int:
        with self._plan(text) as plan:
            if plan is None:
                return 0
            found = self._filtered(plan.ids, filters)
            return int(self.run(found.aggregate(n=found.count()))["n"].iloc[0])

    def match(
        self, text: str, *, filters: SearchFilters, limit: int | None = None, offset: int = 0
    ) -> list[tuple[int, float]]:
        """(article id, BM25 score; higher is better) best first, within ``filters``."""
        with self._plan(text) as plan:
            if plan is None:
                return []
            ranked = self._scores(plan, self._filtered(plan.ids, filters))
            ranked = ranked.order_by([ibis.desc("score"), "article_id"])
            if limit is not None:
                ranked = ranked.limit(int(limit), offset=int(offset))
            df = self.run(ranked)
        return [(int(i), float(s)) for i, s in zip(df["article_id"], df["score"], strict=True)]

    def hit_patterns(self, node: Node | None) -> list[HitPattern]:
        self._vocab.prefetch(_likely_roots(node))
        return hit_patterns(node, self._vocab)

    # -- BM25 ---------------------------------------------------------------------------------------------
    def _scores(self, plan: _Plan, matched: ir.Table) -> ir.Table:
        """article_id, score of every ``matched`` article (FTS5's bm25 with the index's column weights)."""
        rows, avgdl = self._corpus()
        weight = ibis.cases(*((ibis._.field == f, w) for f, w in _WEIGHT.items()), else_=0.0)
        freqs = []
        idf_rows: list[tuple[int, int, float]] = []
        if plan.scored:  # articles holding each alternative, over the whole lake: one job for every term
            per_term = [
                inst.group_by("vid").agg(n=inst.article_id.nunique()).mutate(tid=ibis.literal(tid, type="int64"))
                for tid, inst in enumerate(plan.scored)
            ]
            hits = self.run(ibis.union(*per_term, distinct=False) if len(per_term) > 1 else per_term[0])
            for tid, vid, n in zip(hits["tid"], hits["vid"], hits["n"], strict=True):
                idf = math.log((rows - n + 0.5) / (n + 0.5))
                idf_rows.append((int(tid), int(vid), idf if idf > 0 else MIN_IDF))
            idf_rows.sort()
        for tid, inst in enumerate(plan.scored):
            mine = inst.filter(inst.article_id.isin(matched.article_id))
            freqs.append(
                mine.mutate(w=weight * mine.n)
                .group_by("article_id", "vid")
                .agg(f=ibis._.w.sum())
                .mutate(tid=ibis.literal(tid))
            )
        if not idf_rows:
            return matched.select("article_id", score=ibis.literal(0.0))
        idf = self._register(
            pa.table(
                {
                    "i_tid": pa.array([r[0] for r in idf_rows], pa.int64()),
                    "i_vid": pa.array([r[1] for r in idf_rows], pa.int64()),
                    "idf": pa.array([r[2] for r in idf_rows], pa.float64()),
                }
            ),
            plan.names,
        )
        f = freqs[0] if len(freqs) == 1 else ibis.union(*freqs, distinct=False)
        f = f.join(idf, [f.tid == idf.i_tid, f.vid == idf.i_vid])
        t = self.postings()
        length = t.filter(t.article_id.isin(matched.article_id)).group_by("article_id").agg(dl=t["count"].sum())
        f = f.join(length, "article_id")
        # Constants as doubles: Spark reads a bare 0.75 as a DECIMAL and would compute in decimal precision.
        k1, b, avg = (ibis.literal(x).cast("float64") for x in (BM25_K1, BM25_B, avgdl))
        norm = k1 * (1.0 - b + b * f.dl.cast("float64") / avg)
        part = f.idf * (f.f * (k1 + 1.0)) / (f.f + norm)
        per = f.mutate(part=part).group_by("article_id").agg(score=ibis._.part.sum())
        return matched.left_join(per, matched.article_id == per.article_id).select(
            matched.article_id, score=ibis.coalesce(per.score, 0.0).round(SCORE_DECIMALS)
        )

    def _corpus(self) -> tuple[int, float]:
        """Rows and average tokens per row over the whole lake (FTS5: the whole table, not the filtered part)."""
        if "corpus" not in self._memo:
            a = self.table("articles")
            t = self.postings()
            rows = int(self.run(a.aggregate(n=a.count()))["n"].iloc[0])
            tokens = int(self.run(t.aggregate(n=t["count"].sum()))["n"].iloc[0] or 0)
            self._memo["corpus"] = (rows, tokens / rows if rows else 1.0)
        return self._memo["corpus"]  # type: ignore[return-value]
