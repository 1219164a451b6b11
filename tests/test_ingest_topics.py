"""Topics of stored articles: fit, assign new articles, refit keeping ids."""

from marsad.analytics import Query, list_topics, top_topics
from marsad.ingest import topics


def test_fit_assign_refit_keeps_ids(seeded_store_copy):
    store = seeded_store_copy
    report = topics.fit(store, k=4)
    assert set(report["languages"]) == {"ar", "en"}
    first = list_topics(store)
    assert len(first) == 8 and set(first["language"]) == {"ar", "en"}
    assert not {100, 101, 102, 103, 104, 105} & set(first["topic_id"])  # hand-made topics retired
    with store.read() as con:
        untagged = con.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_topics)"
        ).fetchall()[0][0]
    assert untagged <= 2  # only articles without any known term may stay untagged
    # a new article is assigned to the existing topics without refitting
    with store.write() as con:
        con.execute(
            "INSERT INTO articles (id, title, body, language, published_at, ingested_at, content_hash) "
            "SELECT 9100, title, body, language, published_at, now(), 'h9100' FROM articles WHERE id = 3"
        )
    assert topics.assign_new(store, [9100]) == 1
    with store.read() as con:
        assigned = con.execute("SELECT topic_id FROM article_topics WHERE article_id = 9100").fetchall()
        original = con.execute("SELECT topic_id FROM article_topics WHERE article_id = 3").fetchall()
    assert sorted(assigned) == sorted(original)
    # refitting the same data maps every topic to its old id: saved views keep working
    again = topics.fit(store, k=4)
    assert again["version"] == report["version"] + 1
    assert all(info["kept_ids"] == 4 for info in again["languages"].values())
    assert set(list_topics(store)["topic_id"]) == set(first["topic_id"])
    assert len(top_topics(store, Query(languages=["ar"]))) == 4


def test_assign_new_without_a_model_is_a_no_op(seeded_store_copy):
    assert topics.assign_new(seeded_store_copy) == 0
