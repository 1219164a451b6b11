"""DDL and forward migrations. ``MIGRATIONS[i]`` takes the schema from version i to i+1.

Timestamps are naive UTC (DuckDB TIMESTAMP); the original offset and precision are kept beside them. A date
without a clock time (precision day/month/year) is its calendar day at 00:00, never shifted by an offset, so
that day bins and day filters on ``published_at`` count it on the day it names (marsad.ingest.extract.dates).
Entity ids are integers (10M-row mention tables stay small and joins fast); ``entities.key`` is the
stable canonical id shown to users ("org:isis", "per:مصطفى_الكاظمي").
"""

from __future__ import annotations

V1 = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,        -- normalised outlet key: "alarabiya.net", "ناس"
    name VARCHAR NOT NULL,              -- display name
    domain VARCHAR
);
CREATE TABLE articles (
    id BIGINT PRIMARY KEY,
    url VARCHAR,
    canonical_url VARCHAR,
    source_id INTEGER,
    title VARCHAR,
    lead VARCHAR,
    body VARCHAR NOT NULL,
    language VARCHAR,
    language_confidence DOUBLE,
    published_at TIMESTAMP,             -- UTC; a time-less date is its calendar day at 00:00; NULL when undated
    published_tz VARCHAR,               -- original offset, e.g. "+03:00"; NULL for a time-less date
    published_precision VARCHAR,        -- second/minute/hour/day/month/year
    date_note VARCHAR,                  -- why a found date was rejected
    ingested_at TIMESTAMP NOT NULL,
    content_hash VARCHAR NOT NULL,      -- hash of normalised title+body
    author VARCHAR,
    dateline VARCHAR,
    category VARCHAR,
    origin VARCHAR,                     -- file#record or URL it came from
    duplicate_of BIGINT,                -- first article of a near-duplicate cluster
    pipeline_version INTEGER NOT NULL DEFAULT 0   -- NLP enrichment version applied (0 = none)
);
CREATE INDEX articles_hash ON articles(content_hash);
CREATE INDEX articles_curl ON articles(canonical_url);
-- MinHash LSH bands for near-duplicate detection across runs.
CREATE TABLE article_bands (
    band SMALLINT NOT NULL,
    hash UBIGINT NOT NULL,
    article_id BIGINT NOT NULL
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,
    type VARCHAR NOT NULL,              -- PER / ORG / LOC / MISC
    name_ar VARCHAR,
    name_en VARCHAR,
    curated BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE entity_aliases (
    entity_id INTEGER NOT NULL,
    alias VARCHAR NOT NULL,
    norm VARCHAR NOT NULL,
    lang VARCHAR
);
CREATE TABLE mentions (
    article_id BIGINT NOT NULL,
    entity_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface VARCHAR NOT NULL
);
CREATE TABLE places (
    entity_id INTEGER PRIMARY KEY,
    name VARCHAR,
    country VARCHAR,                    -- ISO 3166-1 alpha-2
    lat DOUBLE,
    lon DOUBLE,
    geonameid BIGINT,
    kind VARCHAR                        -- country / admin1 / city / region
);
CREATE TABLE keywords (
    article_id BIGINT NOT NULL,
    keyword VARCHAR NOT NULL,
    score DOUBLE NOT NULL
);
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,             -- stable across refits (mapped by similarity)
    label VARCHAR NOT NULL,
    terms VARCHAR[] NOT NULL,
    language VARCHAR,
    model_version INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE article_topics (
    article_id BIGINT NOT NULL,
    topic_id INTEGER NOT NULL,
    weight DOUBLE NOT NULL
);
"""

# Saved monitors (marsad.monitor): a named Query in its URL form, where to deliver its alerts, and what each rule
# has already seen so that every alert fires once (see docs/monitors.md).
V2_MONITORS = """
CREATE TABLE monitors (
    id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    query VARCHAR NOT NULL,             -- the Query's URL form: "q=...&ent=org:isis&lang=ar"
    webhook VARCHAR,                    -- http(s) URL receiving a JSON POST per alert
    email VARCHAR,                      -- address receiving a mail per alert
    created_at TIMESTAMP NOT NULL       -- UTC; the baseline: what matched then never alerts
);
-- Articles a monitor has seen (matched at creation or alerted on since): the "new articles" rule skips them.
CREATE TABLE monitor_articles (
    monitor_id INTEGER NOT NULL,
    article_id BIGINT NOT NULL
);
-- Other things a rule has seen: co-mentioned entity keys ("entity"), burst days ("spike", ISO dates).
CREATE TABLE monitor_keys (
    monitor_id INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    key VARCHAR NOT NULL
);
CREATE TABLE alerts (
    id BIGINT PRIMARY KEY,
    monitor_id INTEGER NOT NULL,
    rule VARCHAR NOT NULL,              -- articles / spike / entity
    fired_at TIMESTAMP NOT NULL,        -- UTC
    article_ids BIGINT[] NOT NULL,
    detail VARCHAR NOT NULL DEFAULT '{}',   -- JSON: the rule's facts (burst day and z; the new entities)
    read BOOLEAN NOT NULL DEFAULT FALSE,
    delivery VARCHAR NOT NULL DEFAULT 'none',  -- none (nowhere to send) / pending / sent / failed
    delivery_error VARCHAR              -- why the last attempt failed, per channel
);
"""

# Mentions in titles: ``field`` says which part of the article a mention's offsets count from ("title" or
# "body"); mentions stored before it were all found in the body.
V3_TITLE_MENTIONS = """
ALTER TABLE mentions ADD COLUMN field VARCHAR NOT NULL DEFAULT 'body';
"""

# Stories (marsad.nlp.stories): which story each article is in. A story's id is the id of the article that started
# it, so it stays the same as the story grows.
V4_STORIES = """
CREATE TABLE stories (
    id BIGINT NOT NULL,                 -- the id of the article that started it
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE article_stories (
    article_id BIGINT NOT NULL,
    story_id BIGINT NOT NULL,
    similarity DOUBLE NOT NULL          -- cosine of the link that put it there; 1 for a story's first article and copies
);
CREATE INDEX article_stories_article ON article_stories(article_id);
CREATE INDEX article_stories_story ON article_stories(story_id);
"""

MIGRATIONS: list[str] = [V1, V2_MONITORS, V3_TITLE_MENTIONS, V4_STORIES]
SCHEMA_VERSION = len(MIGRATIONS)
