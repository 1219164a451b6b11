"""Sources, keywords, topics, articles: the list-shaped analytics on the seeded store."""

from datetime import date

import pytest

from marsad.analytics import (
    Query,
    articles_by_id,
    get_article,
    languages_by_source,
    list_languages,
    list_sources,
    list_topics,
    matching_ids,
    overview_figures,
    sample_articles,
    top_keywords,
    top_sources,
    top_topics,
    topic_articles,
    topic_by_source,
    topics_over_time,
)


def test_share_of_voice(seeded_store):
    df = top_sources(seeded_store, Query())
    assert list(df.columns) == ["source", "name", "articles", "share"]
    assert df["share"].sum() == pytest.approx(1.0)
    assert df["articles"].sum() == overview_figures(seeded_store, Query())["articles"]
    top2 = top_sources(seeded_store, Query(), n=2)
    assert len(top2) == 2 and top2["share"].sum() < 1.0
    assert top_sources(seeded_store, Query(sources=["reuters"]))["source"].tolist() == ["reuters"]


def test_languages_by_source(seeded_store):
    df = languages_by_source(seeded_store, Query())
    assert set(df.loc[df["source"] == "reuters", "language"]) == {"en"}
    assert set(df.loc[df["source"] != "reuters", "language"]) == {"ar"}
    assert list_languages(seeded_store)["language"].tolist() == ["ar", "en"]
    assert "reuters" in set(list_sources(seeded_store)["source"])


def test_top_keywords_and_sampling(seeded_store):
    df = top_keywords(seeded_store, Query(), n=3)
    assert df.attrs == {
        "matched": overview_figures(seeded_store, Query())["articles"],
        "sample_size": df.attrs["matched"],
        "sampled": False,
    }
    assert list(df["articles"]) == sorted(df["articles"], reverse=True)
    small = top_keywords(seeded_store, Query(), n=3, sample=50)
    assert small.attrs["sampled"] and 30 <= small.attrs["sample_size"] <= 75  # ≈ 50, counted exactly
    assert small["articles"].max() <= small.attrs["sample_size"]
    assert small["share"].max() <= 1.0


def test_topics(seeded_store):
    topics = list_topics(seeded_store)
    assert len(topics) == 6 and set(topics["language"]) == {"ar"}
    df = top_topics(seeded_store, Query(languages=["ar"]))
    assert df["share"].sum() == pytest.approx(1.0)  # every Arabic article has exactly one topic here
    sport = int(topics.loc[topics["label"] == "sport", "topic_id"].iloc[0])
    reps = topic_articles(seeded_store, sport, Query(), n=3)
    assert len(reps) == 3 and (reps["weight"] == 1.0).all()
    q = Query(topics=[sport])
    assert overview_figures(seeded_store, q)["articles"] == df.loc[df["topic_id"] == sport, "articles"].iloc[0]


def test_topics_over_time_and_by_source(seeded_store):
    q = Query(start=date(2018, 2, 1), end=date(2018, 10, 31))
    df = topics_over_time(seeded_store, q, interval="month", n=3)
    assert len(df) == 9 * 3  # every month × every top topic, zeros included
    assert df["share"].between(0, 1).all()
    by_source = topic_by_source(seeded_store, q, n=3)
    assert (
        by_source.groupby("topic_id")["articles"].sum().to_dict() == df.groupby("topic_id")["articles"].sum().to_dict()
    )


def test_sample_articles_is_deterministic(seeded_store):
    a = sample_articles(seeded_store, Query(languages=["ar"]), n=5)
    b = sample_articles(seeded_store, Query(languages=["ar"]), n=5)
    assert a["id"].tolist() == b["id"].tolist()
    newest = sample_articles(seeded_store, Query(), n=5, newest=True)
    assert list(newest["published_at"]) == sorted(newest["published_at"], reverse=True)
    assert articles_by_id(seeded_store, newest["id"].tolist()[::-1])["id"].tolist() == newest["id"].tolist()[::-1]


@pytest.mark.parametrize("query", [Query(languages=["en"]), Query(text="الحدود"), Query(entities=["org:opec"]),
                                   Query(include_duplicates=True)])
def test_matching_ids_are_every_match(seeded_store, query):
    ids = matching_ids(seeded_store, query)
    total = overview_figures(seeded_store, query)["articles"]
    assert len(ids) == total > 0 and ids == sorted(set(ids))
    assert set(sample_articles(seeded_store, query, n=5)["id"]) <= set(ids)


def test_get_article_with_mentions(seeded_store):
    art = get_article(seeded_store, 3)
    assert art["language"] == "ar" and art["topics"] and art["keywords"]
    for m in art["mentions"]:
        assert art["body" if m["field"] == "body" else "title"][m["start"] : m["end"]] == m["surface"]
    assert get_article(seeded_store, 10**9) is None


def test_overview_figures(seeded_store):
    figs = overview_figures(seeded_store, Query())
    assert figs["languages"] == 2 and figs["sources"] == 6
    assert figs["first_date"].year == 1987 and figs["last_date"].year == 2018
    assert figs["entities"] == 8 and figs["mentions"] > figs["entities"]
