import errno
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from conftest import ANT_SAMPLE, read_records

from marsad.nlp import topics as T
from marsad.text.terms import term_key


@pytest.fixture(scope="module")
def ant_sample():
    """Every 4th article of the ANT sample (~750, all outlets and categories) with its category."""
    records = read_records(ANT_SAMPLE, step=4)
    return [f"{r['title']}\n{r['text']}" for r in records], [r["cat"] for r in records]


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


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_save_leaves_no_temp_file_and_the_saved_models_as_they_were(ant_model, tmp_path, monkeypatch, error):
    path = tmp_path / "m.topics.npz"
    ant_model.ids = list(range(1, 1 + ant_model.k))
    T.save_models(path, {"ar": ant_model}, version=1)
    before = path.read_bytes()

    def full_disk(file, **arrays):  # writes part of the archive, then the disk is full
        Path(file).write_bytes(b"PK\x03\x04" + b"\0" * 1000)
        raise error

    monkeypatch.setattr(T.np, "savez_compressed", full_disk)
    with pytest.raises(type(error)):
        T.save_models(path, {"ar": ant_model}, version=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.topics.npz"]
    assert path.read_bytes() == before and T.load_models(path)[1] == 1


def test_match_topics_recovers_a_permutation(ant_model):
    perm = [3, 0, 1, 2, 7, 6, 5, 4]
    shuffled = T.TopicModel("ar", ant_model.vocabulary, ant_model.idf, ant_model.components[perm])
    assert T.match_topics(ant_model, shuffled) == {new: old for new, old in enumerate(perm)}
