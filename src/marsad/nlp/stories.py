"""Stories: the articles about one real-world event or development, across outlets and languages.

Like the Europe Media Monitor's top stories, a story is grown article by article in publication order:

- A dated article is compared with every article already in a story and published within ``window_days``
  (±3 days) of it. It *links* to one when their titles and leads are alike (TF-IDF cosine of their normalised
  terms, marsad.nlp.topics.analyze, at least ``same_text``), or when they are somewhat alike (``text_with_entities``)
  and share entities and places that together weigh ``shared_entities`` — each entity weighs its inverse document
  frequency, so "loc:us" counts little and "per:jamal_khashoggi" a lot, and countries and regions count half.
  Entities are those mentioned in the first ``ENTITY_LEAD_CHARS`` of the body: the lead names the event's who and
  where, while the end of a page holds related-article links that would tie unrelated stories together. Mentions
  found in titles are left out: with them, the pairs' precision fell from 0.92 to 0.88 (docs/stories.md).
  Across languages the words differ, so an Arabic and an English report link on shared entities alone
  (``cross_language_entities``, stricter; the demo corpus has no two languages in one period to tune it on).
- It joins the story of its strongest link (the highest cosine, then the heavier shared entities, then the lower
  story id); with no link it starts a story of its own.
- A near-duplicate (``duplicate_of`` set by marsad.ingest.dedup) joins its original's story.
- An undated article cannot be placed in a window: it joins no story unless it is a near-duplicate of one that has.

Story ids are stable: a story's id is the id of the article that started it, and stories are never merged — an
article that links to two stories joins the stronger one and both keep their ids (``marsad stories rebuild``
recomputes every story from scratch, in publication order; stories that start with the same article keep their id).
Everything here is deterministic: ties fall to the lower id, and no randomness or hash order is involved.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from marsad.nlp.topics import analyze

# Characters of the body whose entity mentions count for a story (about the first two paragraphs).
ENTITY_LEAD_CHARS = 600
# Characters of the lead (or, without one, of the body) compared as text with the title.
TEXT_LEAD_CHARS = 400
# Countries and regions name where a story happens but not which one: two World Cup matches share "loc:ru" and
# "loc:de". Their weight is scaled down by this (tuned with the thresholds below; docs/stories.md).
BROAD_PLACE_WEIGHT = 0.5


@dataclass(frozen=True)
class StoryParams:
    """The thresholds of story assignment (tuned on half of tests/fixtures/story_pairs.jsonl; docs/stories.md)."""

    window_days: float = 3.0
    same_text: float = 0.4  # cosine that links on its own
    text_with_entities: float = 0.08  # cosine that links when entities are shared too
    shared_entities: float = 8.0  # summed weight (idf) of the shared entities that supports a weaker cosine
    cross_language_entities: float = 16.0  # summed idf that links articles in different languages


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class StoryInput:
    """What assignment knows of one article."""

    id: int
    published_at: datetime | None
    language: str
    text: str  # title and lead (see story_text)
    entities: frozenset[str]  # canonical keys mentioned in the lead (see ENTITY_LEAD_CHARS)
    duplicate_of: int | None = None  # the first article of its near-duplicate cluster (None for an original)


@dataclass(frozen=True)
class Assignment:
    article_id: int
    story_id: int
    similarity: float  # cosine of the link that put it there; 1.0 for a story's first article and for copies


def story_text(title: str | None, lead: str | None, body: str | None) -> str:
    """The text an article is compared on: its title and its lead (the start of the body when it has none)."""
    lead = (lead or "").strip() or (body or "")
    return f"{title or ''}\n{lead[:TEXT_LEAD_CHARS]}"


def entity_weights(document_frequency: Mapping[str, int], n_documents: int, *,
                   broad_places: frozenset[str] | set[str] = frozenset()) -> dict[str, float]:
    """Weight of each entity: its inverse document frequency ``log(N / df)``, so rare entities weigh more than
    common ones, times BROAD_PLACE_WEIGHT for ``broad_places`` (the keys of countries and regions)."""
    n = max(n_documents, 1)
    return {key: math.log(max(n / max(df, 1), 1.0)) * (BROAD_PLACE_WEIGHT if key in broad_places else 1.0)
            for key, df in document_frequency.items()}


class _Vectors:
    """L2-normalised TF-IDF vectors (sublinear tf, smoothed idf) of the texts of one run."""

    def __init__(self, texts: Sequence[str]) -> None:
        counts = [Counter(analyze(t)) for t in texts]
        df = Counter(term for c in counts for term in c)
        n = len(texts)
        idf = {term: math.log((n + 1) / (d + 1)) + 1.0 for term, d in df.items()}
        self.rows: list[dict[str, float]] = []
        for c in counts:
            row = {term: (1.0 + math.log(k)) * idf[term] for term, k in c.items()}
            norm = math.sqrt(sum(w * w for w in row.values())) or 1.0
            self.rows.append({term: w / norm for term, w in row.items()})


def _languages_differ(a: StoryInput, b: StoryInput) -> bool:
    return bool(a.language and b.language and a.language != b.language)


class _Postings:
    """Articles already in stories by term and by entity, each list in publication order. A new article's
    candidates are those sharing a term (or, across languages, an entity) with it within the window: found without
    looking at the rest of the window, which in a busy store holds thousands of articles."""

    def __init__(self) -> None:
        self.terms: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        self.entities: dict[str, list[tuple[datetime, int]]] = defaultdict(list)

    def add(self, when: datetime, article_id: int, terms: Iterable[str], entities: Iterable[str]) -> None:
        for term in terms:
            bisect.insort(self.terms[term], (when, article_id))
        for key in entities:
            bisect.insort(self.entities[key], (when, article_id))

    @staticmethod
    def within(items: list[tuple[datetime, int]] | None, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
        if not items:
            return []
        return items[bisect.bisect_left(items, (lo, -1)) : bisect.bisect_right(items, (hi, math.inf))]


def assign(new: Sequence[StoryInput], known: Sequence[tuple[StoryInput, int]], *,
           weights: Mapping[str, float], params: StoryParams = DEFAULT_PARAMS) -> list[Assignment]:
    """Stories for the ``new`` articles, given ``known`` articles already in stories (``(article, story_id)``, at
    least those within the window of the new ones). Returns one Assignment per new article that gets a story
    (undated originals and copies of story-less originals get none). ``weights``: entity key → idf."""
    everything = [*(a for a, _ in known), *new]
    rows = _Vectors([a.text for a in everything]).rows
    index = {a.id: i for i, a in enumerate(everything)}
    by_id = {a.id: a for a in everything}
    story_of: dict[int, int] = {a.id: story for a, story in known}
    postings = _Postings()
    for a, _ in known:
        if a.published_at:
            postings.add(a.published_at, a.id, rows[index[a.id]], a.entities)
    window = timedelta(days=params.window_days)
    out: list[Assignment] = []

    def strength(a: StoryInput, b: StoryInput, cos: float) -> tuple[float, float] | None:
        """(cosine, shared entity weight) when ``a`` links to ``b`` (their cosine is ``cos``), else None."""
        shared = sum(weights.get(key, 0.0) for key in a.entities & b.entities)
        if _languages_differ(a, b):
            return (0.0, shared) if shared >= params.cross_language_entities else None
        if cos >= params.same_text or (cos >= params.text_with_entities and shared >= params.shared_entities):
            return (cos, shared)
        return None

    originals = sorted((a for a in new if a.duplicate_of in (None, a.id) and a.published_at),
                       key=lambda a: (a.published_at, a.id))
    for article in originals:
        lo, hi = article.published_at - window, article.published_at + window
        row = rows[index[article.id]]
        cosines: dict[int, float] = defaultdict(float)  # the dot product over shared terms is the cosine
        for term, weight in row.items():
            for _, other in postings.within(postings.terms.get(term), lo, hi):
                cosines[other] += weight * rows[index[other]][term]
        candidates = set(cosines)
        for key in article.entities:  # across languages (no shared terms) only entities can link
            candidates.update(other for _, other in postings.within(postings.entities.get(key), lo, hi)
                              if _languages_differ(article, by_id[other]))
        best: tuple[float, float, int] | None = None  # (cosine, shared, -story) — larger is better
        for other in candidates:
            link = strength(article, by_id[other], cosines.get(other, 0.0))
            if link is not None:
                key = (link[0], link[1], -story_of[other])
                if best is None or key > best:
                    best = key
        if best is None:
            story, similarity = article.id, 1.0
        else:
            story, similarity = -best[2], round(best[0], 4)
        story_of[article.id] = story
        postings.add(article.published_at, article.id, row, article.entities)
        out.append(Assignment(article.id, story, similarity))
    for article in sorted((a for a in new if a.duplicate_of not in (None, a.id)), key=lambda a: a.id):
        story = story_of.get(article.duplicate_of)  # type: ignore[arg-type]
        if story is not None:
            story_of[article.id] = story
            out.append(Assignment(article.id, story, 1.0))
    return out
