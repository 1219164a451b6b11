"""The analytics layer: every chart and list of the dashboard comes from these functions.

All take the store and one :class:`Query` (filters shared by every view; ``Query.to_params()`` /
``Query.from_params()`` round-trip through URL parameters) and return a pandas DataFrame whose rows have the
shape of the named TypedDict (a few return one dict). They open the store read-only for the call only.

Volume and share of coverage (trends.py)
    count_over_time(store, q, *, interval="day"|"week"|"month")   -> TrendPoint: bin, count, total, ratio
    entity_timeline(store, entity_key, q, *, interval)            -> TrendPoint
    count_undated(store, q) -> int: articles matching q's other filters that have no date (left off every time
        chart); undated_only(q) is the Query that lists them
    coverage_periods(store, q)                                    -> [Period: start, end, articles], oldest first
        (stretches of dates split where 90+ days pass without an article)
Entities and places (entities.py)
    top_entities(store, q, *, type=None|"PER"|"ORG"|"LOC"|"MISC", n=20) -> EntityCount; df.attrs: approximate
        (article counts estimated with HyperLogLog above 2M mentions), mentions_total
    cooccurring_entities(store, entity_key, q, *, n=20, type=None)       -> CoMention
    cooccurrence_pairs(store, q, *, n_entities=20, type=None)            -> source, target, articles
    top_places(store, q, *, n=200)                                       -> PlaceCount (lat/lon for the map)
    entities_of(store, ids) -> ArticleEntity: article_id, key, name_ar, name_en, type (the entities given articles name)
    entity_info(store, entity_key) -> EntityInfo | None;  find_entities(store, text, *, type, n) -> key, names, type, mentions
Outlets (sources.py)
    top_sources(store, q, *, n=None) -> SourceShare (share of voice);  languages_by_source(store, q) -> SourceLanguage
    list_sources(store);  list_languages(store)
Keywords (keywords.py)
    top_keywords(store, q, *, n=30) -> KeywordCount; df.attrs: matched, sample_size, sampled
Topics (topics.py)
    list_topics(store);  top_topics(store, q, *, n=20) -> TopicCount
    topics_over_time(store, q, *, interval="week", n=10) -> TopicPoint;  topic_by_source(store, q, *, n=10) -> TopicSource
    topic_articles(store, topic_id, q, *, n=10) -> representative articles (id, title, published_at, weight)
Spikes (spikes.py)
    spikes(store, q, *, kind="entity"|"topic"|"keyword", since=None, n=20) -> Spike: kind, key, label, day, count,
        baseline, z, articles
    coverage_spikes(store, q, *, since=None) -> CoverageSpike: day, count, baseline, z, articles (the selection's
        own volume bursting, scored the same way)
Stories (stories.py; articles about one event across outlets and languages, marsad.nlp.stories)
    top_stories(store, q, *, n=20, min_articles=2) -> StorySummary: story_id, articles, outlets, sources, languages,
        first_seen, last_seen, title, titles (language → title); counts only articles matching q
    story_articles(store, story_id, q, *, n=200) -> StoryArticle (oldest first)
    story_timeline(store, story_id, q, *, interval="day") -> StoryPoint: bin, language, articles
Articles and search (articles.py, search.py)
    sample_articles(store, q, *, n=20, newest=False) -> ArticleRow;  articles_by_id(store, ids) -> ArticleRow
    matching_ids(store, q) -> [int]: every matching article's id (saved monitors compare them with what they saw)
    get_article(store, id) -> ArticleDetail | None (with mentions: key, type, start, end, surface; topics; keywords)
    overview_figures(store, q) -> Overview (articles, sources, languages, first/last date, undated, entities, mentions)
    search(store, q, *, page=1, per_page=20) -> SearchResult (… score, snippet, hits, title_hits); df.attrs: total
    highlight_segments(text, hits) -> [(piece, is_hit)] for the UI to escape and mark
Several calls on one connection (a page render; saves opening the store per call)
    with pinned(store) as s: top_entities(s, q); count_over_time(s, q)
On Apache Spark: pass a lake (marsad.lake's layout) instead of the store, every call gives the same result
    top_entities(SparkLake("lake/"), q)   # marsad.analytics.on_spark; search runs on the lake's terms table
"""

from marsad.analytics._ibis import pinned
from marsad.analytics.articles import articles_by_id, get_article, matching_ids, overview_figures, sample_articles
from marsad.analytics.entities import (
    cooccurrence_pairs,
    cooccurring_entities,
    entities_of,
    entity_info,
    find_entities,
    top_entities,
    top_places,
)
from marsad.analytics.keywords import top_keywords
from marsad.analytics.query import Query
from marsad.analytics.search import highlight_segments, search
from marsad.analytics.sources import languages_by_source, list_languages, list_sources, top_sources
from marsad.analytics.spikes import coverage_spikes, spikes
from marsad.analytics.stories import story_articles, story_timeline, top_stories
from marsad.analytics.topics import list_topics, top_topics, topic_articles, topic_by_source, topics_over_time
from marsad.analytics.trends import count_over_time, count_undated, coverage_periods, entity_timeline, undated_only

__all__ = [
    "Query",
    "articles_by_id",
    "cooccurrence_pairs",
    "cooccurring_entities",
    "count_over_time",
    "count_undated",
    "coverage_spikes",
    "coverage_periods",
    "entities_of",
    "entity_info",
    "entity_timeline",
    "find_entities",
    "get_article",
    "highlight_segments",
    "languages_by_source",
    "list_languages",
    "list_sources",
    "list_topics",
    "matching_ids",
    "overview_figures",
    "pinned",
    "sample_articles",
    "search",
    "spikes",
    "story_articles",
    "story_timeline",
    "top_entities",
    "top_keywords",
    "top_places",
    "top_sources",
    "top_stories",
    "top_topics",
    "topic_articles",
    "topic_by_source",
    "topics_over_time",
    "undated_only",
]
