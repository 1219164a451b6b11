"""top_stories, story_articles, story_timeline on the stories store (tests/conftest.py: STORY_ARTICLES)."""

import shutil
from datetime import date, datetime

import pandas as pd
import pytest
from conftest import STORY_ARTICLES

from marsad.analytics import Query, story_articles, story_timeline, top_stories
from marsad.store import Store

TITLE = {a[0]: a[2] for a in STORY_ARTICLES}


def test_largest_stories_first_with_their_figures(stories_store):
    df = top_stories(stories_store, Query())
    assert df["story_id"].tolist() == [1, 8]  # single-article stories (5, 6, 10) are left out
    death = df.iloc[0].to_dict()
    assert death["articles"] == 3 and death["outlets"] == 3  # the near-duplicate (4) is not counted
    assert death["sources"] == ["alarabiya.net", "cnn.com", "skynewsarabia.com"]
    assert death["languages"] == ["ar"]
    assert (death["first_seen"], death["last_seen"]) == (pd.Timestamp(2018, 10, 19, 22), pd.Timestamp(2018, 10, 21, 9))
    assert death["title"] == TITLE[1] and death["titles"] == {"ar": TITLE[1]}
    assert top_stories(stories_store, Query(), n=1)["story_id"].tolist() == [1]


@pytest.mark.parametrize(
    ("query", "min_articles", "expected"),
    [
        (Query(include_duplicates=True), 2, {1: 4, 8: 2}),
        (Query(sources=["cnn.com", "skynewsarabia.com"]), 2, {1: 2}),
        (Query(sources=["cnn.com", "skynewsarabia.com"]), 1, {1: 2, 8: 1}),
        (Query(start=date(2018, 6, 12), end=date(2018, 6, 12)), 2, {8: 2}),
        (Query(start=date(2018, 10, 20)), 1, {1: 2, 5: 1, 6: 1}),
        (Query(text="سنغافورة"), 2, {8: 2}),
        (Query(entities=["per:jamal_khashoggi"]), 1, {1: 3, 5: 1, 6: 1}),
        (Query(languages=["en"]), 1, {5: 1}),
        (Query(undated=True), 1, {}),
    ],
)
def test_every_filter_narrows_the_stories_and_their_counts(stories_store, query, min_articles, expected):
    df = top_stories(stories_store, query, min_articles=min_articles)
    assert dict(zip(df["story_id"], df["articles"], strict=True)) == expected


def test_a_title_per_language(stories_store):
    row = top_stories(stories_store, Query(languages=["en"]), min_articles=1).iloc[0]
    assert row["titles"] == {"en": TITLE[5]} and row["languages"] == ["en"]


def test_story_articles_oldest_first(stories_store):
    assert story_articles(stories_store, 1)["id"].tolist() == [1, 2, 3]
    with_copies = story_articles(stories_store, 1, Query(include_duplicates=True))
    assert with_copies["id"].tolist() == [1, 2, 4, 3]
    assert with_copies.loc[with_copies["id"] == 4, "duplicate_of"].item() == 2
    assert story_articles(stories_store, 1, Query(sources=["cnn.com"]))["source_name"].tolist() == ["CNN"]
    assert story_articles(stories_store, 12345).empty


def test_story_timeline_fills_the_days_between(stories_store):
    df = story_timeline(stories_store, 1)
    assert df["bin"].tolist() == [datetime(2018, 10, d) for d in (19, 20, 21)]
    assert df["articles"].tolist() == [1, 1, 1] and set(df["language"]) == {"ar"}
    assert story_timeline(stories_store, 1, Query(sources=["nowhere"])).empty


def test_a_store_without_stories_tables_has_no_stories(stories_store, tmp_path):
    store = Store(tmp_path / "old.duckdb")
    shutil.copy(stories_store.path, store.path)
    with store.write() as con:  # what a store made before the stories migration lacks
        con.execute("DROP TABLE article_stories")
        con.execute("DROP TABLE stories")
    assert top_stories(store, Query()).empty
    assert story_articles(store, 1).empty and story_timeline(store, 1).empty
