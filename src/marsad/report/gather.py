"""What a briefing says, gathered from the analytics calls for one Query (no counting of its own).

Every figure, list and chart point of a briefing is the result of the same analytics function the dashboard
calls for that Query, on one pinned read-only connection, so a briefing and the dashboard's view of the same
filters agree to the article.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from marsad import analytics
from marsad.analytics.articles import Overview
from marsad.analytics.query import Query
from marsad.analytics.trends import auto_interval
from marsad.store import Store

LOGGER = logging.getLogger(__name__)

# People, organisations and places listed each: a page's worth, the Overview shows ten.
TOP_N = 10
# Spike kinds, as the Overview lists them (see marsad.analytics.spikes).
SPIKE_KINDS = ("entity", "topic", "keyword")
SPIKES_N = 10
# The largest stories (articles about one event across outlets and languages, marsad.nlp.stories), each with
# its first articles: the event at a glance, the full list is in the dashboard's Stories page.
STORIES_N = 5
STORY_ARTICLES_N = 6
# Articles listed with links, newest first: a briefing is read, not searched; the total is always stated.
ARTICLES_N = 100


@dataclass(frozen=True)
class Story:
    summary: dict[str, Any]  # a StorySummary row: story_id, articles, outlets, sources, languages, first/last seen, titles
    articles: list[dict[str, Any]]  # its first StoryArticle rows matching the query, oldest first


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, as plain rows (dicts shaped like the analytics TypedDicts)."""

    title: str
    query: Query
    generated_at: datetime
    figures: Overview
    interval: str  # "day" | "week" | "month": the chart's bins
    coverage: list[dict[str, Any]]  # TrendPoint rows
    people: list[dict[str, Any]]  # EntityCount rows
    organisations: list[dict[str, Any]]
    places: list[dict[str, Any]]  # EntityCount rows of LOC entities
    stories: list[Story]
    spikes: list[dict[str, Any]]  # Spike rows of every kind, biggest z first (entities with name_ar/name_en)
    articles: list[dict[str, Any]]  # ArticleRow rows, newest first
    entities: list[dict[str, Any]]  # the Query's entities (EntityInfo, or just the key when unknown) for the header


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [] if df is None or df.empty else df.to_dict("records")


def gather(store: Store, query: Query, *, title: str = "", now: datetime | None = None) -> Briefing:
    """The briefing of ``query`` (its dates are the briefing's period), from the analytics calls alone. Without a
    ``title`` the rendering makes one from the search expression or the query's entities."""
    started = datetime.now(UTC)
    with analytics.pinned(store) as s:
        entities = [analytics.entity_info(s, key) or {"key": key} for key in query.entities]
        figures = analytics.overview_figures(s, query)
        first = query.start or (figures["first_date"] and figures["first_date"].date())
        last = query.end or (figures["last_date"] and figures["last_date"].date())
        interval = auto_interval(first, last)
        coverage = analytics.count_over_time(s, query, interval=interval)
        people, organisations, places = (
            _records(analytics.top_entities(s, query, type=kind, n=TOP_N)) for kind in ("PER", "ORG", "LOC")
        )
        spikes = _all_spikes(s, query)
        # A spike's label is Arabic first; the entity's names let an English briefing name it in English.
        for r in spikes:
            if r["kind"] == "entity" and (info := analytics.entity_info(s, str(r["key"]))):
                r.update(name_ar=info["name_ar"], name_en=info["name_en"])
        stories = [
            Story(summary=row, articles=_records(analytics.story_articles(s, row["story_id"], query, n=STORY_ARTICLES_N)))
            for row in _records(analytics.top_stories(s, query, n=STORIES_N))
        ]
        articles = _records(analytics.sample_articles(s, query, n=ARTICLES_N, newest=True))
    LOGGER.info("briefing %r gathered in %.2f s", title, (datetime.now(UTC) - started).total_seconds())
    return Briefing(
        title=title,
        query=query,
        generated_at=now or datetime.now(UTC).replace(microsecond=0),
        figures=figures,
        interval=interval,
        coverage=_records(coverage),
        people=people,
        organisations=organisations,
        places=places,
        stories=stories,
        spikes=spikes,
        articles=articles,
        entities=entities,
    )


def _all_spikes(s: Store, query: Query) -> list[dict[str, Any]]:
    """Bursts of every kind inside the briefing's period (from its first day; the last week of coverage when it
    has none), biggest z first."""
    rows: list[dict[str, Any]] = []
    for kind in SPIKE_KINDS:
        rows.extend(_records(analytics.spikes(s, query, kind=kind, since=query.start, n=SPIKES_N)))
    rows.sort(key=lambda r: (-r["z"], -r["count"], str(r["key"])))
    return rows[:SPIKES_N]

