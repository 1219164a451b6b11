"""Story assignment over the store: after each ingest batch (once it is enriched), and ``marsad stories rebuild``.

- ``assign_new(store, article_ids)`` is the after-batch hook: the batch's articles join stories or start them.
- ``assign_pending(store)`` is its catch-up (and what ``marsad enrich`` runs after enriching): every enriched
  article that could be in a story and is not, oldest first.
- ``rebuild(store)`` forgets every story and assigns all articles again in publication order.

Articles are read from the store in chunks of publication time, each with the stories already stored within the
window around it (marsad.nlp.stories.assign decides, marsad.store.stories writes; one transaction per chunk).
Term weights (idf) come from the texts of one chunk and its window; entity weights from the whole store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from marsad.nlp.stories import (
    DEFAULT_PARAMS,
    ENTITY_LEAD_CHARS,
    TEXT_LEAD_CHARS,
    Assignment,
    StoryInput,
    StoryParams,
    assign,
    entity_weights,
    story_text,
)
from marsad.store import stories as store_stories
from marsad.store.db import Store
from marsad.store.stories import StoryRow

LOGGER = logging.getLogger(__name__)

# Articles assigned per read-assign-write round: a rebuild of a large store holds only one chunk and its window in
# memory (about 1 KB of text and entities per article). Term weights come from the chunk and its window, so larger
# chunks give steadier weights: on the demo corpus chunks of 2,000 cost 3 points of pair precision (docs/stories.md).
CHUNK = 20_000


@dataclass
class StoriesReport:
    articles: int = 0  # articles that got a story
    new_stories: int = 0
    seconds: float = 0.0


def _input(row: StoryRow) -> StoryInput:
    return StoryInput(row.id, row.published_at, row.language, story_text(row.title, row.lead, row.body_start),
                      row.entities, row.duplicate_of)


def _periods(days: Sequence[datetime], window: timedelta) -> list[tuple[datetime, datetime]]:
    """The sorted publication times of a batch as periods whose windows do not overlap: a batch of old and new
    articles (a backfill, a file in no date order) reads the stories around each period, not all years between."""
    periods: list[tuple[datetime, datetime]] = []
    for day in days:
        if periods and day - periods[-1][1] <= 2 * window:
            periods[-1] = (periods[-1][0], day)
        else:
            periods.append((day, day))
    return periods


def _assign_chunk(store: Store, ids: Sequence[int], params: StoryParams) -> list[Assignment]:
    rows = store_stories.story_rows(store, ids, body_chars=TEXT_LEAD_CHARS, entity_chars=ENTITY_LEAD_CHARS)
    window = timedelta(days=params.window_days)
    known: list[tuple[StoryRow, int]] = []
    for start, end in _periods(sorted(r.published_at for r in rows if r.published_at is not None), window):
        known += store_stories.rows_in_stories(store, start - window, end + window,
                                               body_chars=TEXT_LEAD_CHARS, entity_chars=ENTITY_LEAD_CHARS)
    # Copies whose original is in an older story: the original must be known to pass its story on.
    known_ids = {r.id for r, _ in known} | {r.id for r in rows}
    originals = sorted({r.duplicate_of for r in rows if r.duplicate_of not in (None, r.id)} - known_ids)
    if originals:
        known += store_stories.rows_by_id_in_stories(store, originals, body_chars=TEXT_LEAD_CHARS,
                                                     entity_chars=ENTITY_LEAD_CHARS)
    keys = sorted({k for r in rows for k in r.entities} | {k for r, _ in known for k in r.entities})
    df, n, broad = store_stories.entity_frequencies(store, keys)
    weights = entity_weights(df, n, broad_places=broad)
    return assign([_input(r) for r in rows], [(_input(r), s) for r, s in known], weights=weights, params=params)


def _assign_ids(store: Store, ids: Sequence[int], params: StoryParams) -> StoriesReport:
    report = StoriesReport()
    started = time.perf_counter()
    for at in range(0, len(ids), CHUNK):
        found = _assign_chunk(store, ids[at : at + CHUNK], params)
        report.articles += store_stories.write_assignments(store, [(a.article_id, a.story_id, a.similarity)
                                                                   for a in found])
        report.new_stories += sum(1 for a in found if a.article_id == a.story_id)
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info("stories: %d articles assigned, %d new stories", report.articles, report.new_stories)
    return report


def assign_new(store: Store, article_ids: list[int], *, params: StoryParams = DEFAULT_PARAMS) -> StoriesReport:
    """After-batch hook for ``marsad ingest``: the batch's enriched articles join stories (or start them)."""
    return _assign_ids(store, store_stories.pending_ids(store, article_ids), params)


def assign_pending(store: Store, *, params: StoryParams = DEFAULT_PARAMS) -> StoriesReport:
    """Every enriched article that could be in a story and is not yet (oldest first)."""
    return _assign_ids(store, store_stories.pending_ids(store), params)


def rebuild(store: Store, *, params: StoryParams = DEFAULT_PARAMS) -> StoriesReport:
    """``marsad stories rebuild``: forget every story and assign all articles again, in publication order (for a
    store ingested before stories existed, or after the algorithm changed)."""
    store.ensure_schema()
    store_stories.clear(store)
    return assign_pending(store, params=params)
