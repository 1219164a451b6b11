import gzip
import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from marsad.analytics import Query, list_topics, top_topics
from marsad.nlp import topics as T
from marsad.text.terms import term_key

ANT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "ant_v2.1_multisource.jsonl.gz"


@pytest.fixture(scope="module")
def ant_sample():
    """Every 40th ANT v2.1 article (~790, all categories) with its category."""
    texts, cats = [], []
    with gzip.open(ANT, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % 40 == 0:
                r = json.loads(line)
                texts.append(f"{r['title']}\n{r['text']}")
                cats.append(r["cat"])
    return texts, cats


@pytest.fixture(scope="module")
def ant_model(ant_sample):
    texts, _ = ant_sample
    return T.fit_texts(texts, language="ar", k=8)


@pytest.mark.parametrize("word", ["في", "إلى", "التي", "وقال", "أكد", "يتم", "طريق"])
def test_stopwords_never_become_terms(word):
    assert term_key(word) in T.stopword_keys()
    assert T.analyze(f"{word} الحدود") == [term_key("الحدود")]


def test_topics_are_readable_distinct_and_clean(ant_model):
    stop = T.stopword_keys() | T.BOILERPLATE
    assert ant_model.k == 8
    for terms, label in zip(ant_model.terms, ant_model.labels, strict=True):
        assert len(terms) == T.TOP_TERMS
        assert label == " · ".join(terms[: T.LABEL_TERMS])
        assert not {term_key(t) for t in terms} & stop
    keys = ant_model.top_term_keys()
    assert max(len(set(a) & set(b)) for a, b in combinations(keys, 2)) < 2  # < 20% of 10 terms
    # labels show words as written, not stems: at least one top term keeps its article ال
    assert any(t.startswith("ال") for terms in ant_model.terms for t in terms)


def test_dominant_topic_follows_the_category(ant_model, ant_sample):
    from sklearn.metrics import normalized_mutual_info_score

    texts, cats = ant_sample
    weights = ant_model.transform(texts)
    assert np.allclose(weights.sum(axis=1)[weights.any(axis=1)], 1.0)
    # a small sample: the full-corpus figure (bench/topics_quality.py) is the one held to 0.45
    assert normalized_mutual_info_score(cats, weights.argmax(axis=1)) > 0.3


def test_save_and_load_round_trip(ant_model, tmp_path, ant_sample):
    ant_model.ids = list(range(10, 10 + ant_model.k))
    T.save_models(tmp_path / "m.topics.npz", {"ar": ant_model}, version=3)
    models, version = T.load_models(tmp_path / "m.topics.npz")
    assert version == 3 and models["ar"].ids == ant_model.ids and models["ar"].labels == ant_model.labels
    texts = ant_sample[0][:20]
    assert np.allclose(models["ar"].transform(texts), ant_model.transform(texts), atol=1e-6)
    assert T.load_models(tmp_path / "missing.npz") == ({}, 0)


def test_match_topics_recovers_a_permutation(ant_model):
    perm = [3, 0, 1, 2, 7, 6, 5, 4]
    shuffled = T.TopicModel("ar", ant_model.vocabulary, ant_model.idf, ant_model.components[perm])
    assert T.match_topics(ant_model, shuffled) == {new: old for new, old in enumerate(perm)}


def test_fit_assign_refit_keeps_ids(seeded_store_copy):
    store = seeded_store_copy
    report = T.fit(store, k=4)
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
    assert T.assign_new(store, [9100]) == 1
    with store.read() as con:
        assigned = con.execute("SELECT topic_id FROM article_topics WHERE article_id = 9100").fetchall()
        original = con.execute("SELECT topic_id FROM article_topics WHERE article_id = 3").fetchall()
    assert sorted(assigned) == sorted(original)
    # refitting the same data maps every topic to its old id: saved views keep working
    again = T.fit(store, k=4)
    assert again["version"] == report["version"] + 1
    assert all(info["kept_ids"] == 4 for info in again["languages"].values())
    assert set(list_topics(store)["topic_id"]) == set(first["topic_id"])
    assert len(top_topics(store, Query(languages=["ar"]))) == 4


def test_assign_new_without_a_model_is_a_no_op(seeded_store_copy):
    assert T.assign_new(seeded_store_copy) == 0
