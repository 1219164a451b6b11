"""Topics of stored articles: fit, assign new articles, refit keeping ids."""

import dataclasses
import shutil

import pytest

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


def test_the_model_file_is_named_after_the_store_file(tmp_path):
    from marsad.store import Store
    from marsad.store.topics import model_file, pending_model_file

    a, b = Store(tmp_path / "news.duckdb"), Store(tmp_path / "news.db")
    assert (model_file(a).name, model_file(b).name) == ("news.duckdb.topics.npz", "news.db.topics.npz")
    assert pending_model_file(a).name == "news.duckdb.topics.next.npz"


@pytest.fixture(scope="module")
def fitted_store(seeded_store, tmp_path_factory):
    """A copy of the seeded store with a fit (k=4), and the models of that fit."""
    from marsad.store import Store

    folder = tmp_path_factory.mktemp("fitted")
    for src in seeded_store.path.parent.iterdir():
        shutil.copy(src, folder / src.name)
    store = Store(folder / seeded_store.path.name)
    topics.fit(store, k=4)
    return store, topics.live_models(store)


@pytest.fixture
def old_store(fitted_store, tmp_path):
    """A private copy of ``fitted_store`` whose model file has the naming before it followed the store's full file
    name (``store.topics.npz``)."""
    from marsad.store import Store
    from marsad.store.topics import model_file

    store, _ = fitted_store
    copy = Store(tmp_path / store.path.name)
    shutil.copy(store.path, copy.path)
    shutil.copy(model_file(store), copy.path.with_suffix(".topics.npz"))
    return copy


def _same(found, expected) -> bool:
    (models, version), (want, want_version) = found, expected
    return version == want_version and {k: (m.ids, m.labels) for k, m in models.items()} == {
        k: (m.ids, m.labels) for k, m in want.items()}


def test_an_old_stores_model_file_is_adopted(old_store, fitted_store):
    from marsad.store.topics import model_file

    legacy = old_store.path.with_suffix(".topics.npz")
    assert not model_file(old_store).exists()
    assert _same(topics.live_models(old_store), fitted_store[1])
    assert model_file(old_store).read_bytes() == legacy.read_bytes()
    assert legacy.exists()  # left in place: news.db may be the store it belongs to


def test_an_old_model_file_that_cannot_be_copied_is_read_where_it_is(old_store, fitted_store, monkeypatch):
    from marsad.store.topics import model_file

    def read_only(src, dst):
        raise PermissionError(13, "Read-only file system", str(dst))

    monkeypatch.setattr(shutil, "copyfile", read_only)
    assert _same(topics.live_models(old_store), fitted_store[1])
    assert not model_file(old_store).exists() and not list(old_store.path.parent.glob("*.copy"))


@pytest.mark.parametrize("change", ["version", "label"])
def test_an_old_model_file_of_another_fit_is_left_alone(old_store, fitted_store, change):
    """``news.topics.npz`` was shared by ``news.duckdb`` and ``news.db``: a file whose fit is not this store's is
    never read as its models."""
    from marsad.nlp.topics import save_models
    from marsad.store.topics import model_file

    models, version = fitted_store[1]
    models = {lang: dataclasses.replace(m, labels=list(m.labels)) for lang, m in models.items()}
    if change == "label":
        models["ar"].labels[0] = "another store's topic"
    else:
        version += 1
    save_models(old_store.path.with_suffix(".topics.npz"), models, version=version)
    assert topics.live_models(old_store) == ({}, 0)
    assert not model_file(old_store).exists()


@pytest.mark.parametrize("fit_limit", [None, 40])  # every original in the fit, or a sample (the rest assigned only)
def test_a_fit_analyses_each_text_once_with_the_same_topics_and_weights(seeded_store_copy, monkeypatch, fit_limit):
    from collections import Counter

    from marsad.nlp import topics as nlp_topics
    from marsad.store import topics as store_topics

    store = seeded_store_copy
    if fit_limit:
        monkeypatch.setattr(topics, "MAX_FIT_DOCS", fit_limit)
    analysed: Counter = Counter()
    real = nlp_topics.analyze

    def counting(text):
        analysed[text] += 1
        return real(text)

    monkeypatch.setattr(topics, "analyze", counting)
    monkeypatch.setattr(nlp_topics, "analyze", counting)
    report = topics.fit(store, k=4)
    monkeypatch.undo()
    with store.read() as con:
        n_articles = con.execute("SELECT count(*) FROM articles WHERE language IN ('ar', 'en')").fetchall()[0][0]
    assert set(report["languages"]) == {"ar", "en"}
    assert sum(analysed.values()) == n_articles  # once each (a near-duplicate has its original's text: that twice)

    # The two passes it replaces: fit on the sample's texts, then analyse and assign every article's text again.
    models, _ = topics.live_models(store)
    with store.read() as con:
        stored = con.execute("SELECT article_id, topic_id, weight FROM article_topics").fetchall()
    expected = []
    for lang, model in models.items():
        sample = store_topics.sample_texts(store, language=lang, limit=fit_limit or topics.MAX_FIT_DOCS,
                                           max_chars=topics.MAX_CHARS)
        again = nlp_topics.fit_texts([r[1] for r in sample], language=lang, k=4, sources=[r[2] for r in sample])
        assert again.labels == model.labels and again.terms == model.terms
        rows = store_topics.texts_to_assign(store, language=lang, max_chars=topics.MAX_CHARS, unassigned_only=False)
        assert len(rows) > len(sample) or not fit_limit  # some articles were only assigned, never fitted on
        expected += [(r[0], tid, w) for r, pairs in zip(rows, model.assignments([r[1] for r in rows]), strict=True)
                     for tid, w in pairs]
    assert sorted(stored) == sorted(expected)
