"""SIGKILL at random points (bench/kills.py's scenarios, a few kills each): after every kill the store and its search
index open and hold only whole state; one more run completes it with nothing lost or doubled. Plus the pieces
that make a topic fit survive a kill, driven directly."""

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import kills  # noqa: E402

from marsad.ingest import topics  # noqa: E402
from marsad.store import Store  # noqa: E402
from marsad.store import topics as store_topics  # noqa: E402

RECORDS = 55  # six write batches (kills land before, between and after commits); enough for a topic model
SEED = 10  # a fixed seed: a failure replays


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    work = tmp_path_factory.mktemp("kills")
    db, windows = kills.reference(work, RECORDS, time_enrich=False)
    return work, db, windows, kills.snapshot(db)


@pytest.mark.slow
@pytest.mark.parametrize(("writer", "n_kills"), [("ingest", 5), ("enrich", 2), ("topics fit", 2)])
def test_a_killed_writer_leaves_whole_state_and_a_rerun_completes_it(reference, writer, n_kills):
    work, db, windows, want = reference
    scenario = next(s for s in kills.scenarios(work, db) if s.name == writer)
    assert want.articles and not want.unenriched and want.indexed == want.stored  # the reference is whole
    assert store_topics.model_file(Store(db)).is_file()  # and fitted
    outcome = kills.survive(scenario, work / f"{writer.replace(' ', '-')}.duckdb", want, kills=n_kills,
                            window=windows[writer], rng=random.Random(SEED))
    assert outcome.problems == []
    assert outcome.differences == []
    assert (outcome.articles, outcome.lost, outcome.doubled) == (len(want.articles), 0, 0)


@pytest.fixture
def whole_store(seeded_store_copy):
    """The seeded store as an ingest would have written it: its hand-made mentions marked as enrichment's, its
    near-duplicate copy with a hash of its own (an ingest never stores one content twice)."""
    with seeded_store_copy.write() as con:
        con.execute("UPDATE articles SET pipeline_version = 1")
        con.execute("UPDATE articles SET content_hash = content_hash || '-copy' WHERE duplicate_of IS NOT NULL")
    assert kills.problems(seeded_store_copy.path) == []
    return seeded_store_copy


def test_the_checks_see_a_half_written_store(whole_store):
    """The invariants are not vacuous: orphan rows, a doubled article and an index ahead of the store are found."""
    store = whole_store
    with store.write() as con:
        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) VALUES (999999, 1, 0, 1, \'x\')')
        con.execute("INSERT INTO article_topics VALUES (1, 424242, 1.0)")
        con.execute("INSERT INTO articles (id, body, ingested_at, content_hash, source_id) "
                    "SELECT 999998, body, now(), content_hash, source_id FROM articles WHERE id = 1")
    found = kills.problems(store.path)
    assert "1 mentions of no article" in found
    assert "1 topic weights of an inactive or unknown topic" in found
    assert "1 articles stored twice" in found
    with store.write() as con:
        con.execute("DELETE FROM articles WHERE id = 999998")
        con.execute("DELETE FROM articles WHERE id = 2")
    assert "1 indexed articles not in the store" in kills.problems(store.path)


def _fitted(store):
    topics.fit(store, k=3)
    return store_topics.fitted_version(store)


def test_a_fit_killed_after_its_commit_is_published_by_the_next_reader(whole_store):
    store = whole_store
    version = _fitted(store)
    path, pending = store_topics.model_file(store), store_topics.pending_model_file(store)
    # What a kill between the transaction and the rename leaves: the live fit's models under the pending name.
    path.replace(pending)
    models, found = topics.live_models(store)
    assert found == version and set(models) == {"ar", "en"}
    assert path.is_file() and not pending.exists()


def test_a_fit_killed_before_its_commit_leaves_the_old_fit_live(whole_store):
    store = whole_store
    version = _fitted(store)
    models, _ = topics.live_models(store)
    # A pending file of a version that never committed (the kill came before the transaction).
    from marsad.nlp.topics import save_models

    save_models(store_topics.pending_model_file(store), models, version=version + 1)
    assert topics.live_models(store)[1] == version
    assert store_topics.pending_model_file(store).exists()  # left alone: it may be a fit committing right now
    again = topics.fit(store, k=3)  # the next fit starts past it and completes
    assert again["version"] == version + 1
    assert topics.live_models(store)[1] == store_topics.fitted_version(store) == version + 1
    assert kills.problems(store.path) == []


def test_an_assign_under_a_fit_that_is_no_longer_live_writes_nothing(whole_store):
    store = whole_store
    version = _fitted(store)
    assert not store_topics.write_article_topics(store, [(1, 424242, 1.0)], model_version=version - 1)
    # Under the live fit, but article 1 has weights already: it keeps them (two assigns never double them).
    assert store_topics.write_article_topics(store, [(1, 424242, 1.0)], model_version=version)
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM article_topics WHERE topic_id = 424242").fetchall()[0][0] == 0
    assert topics.assign_new(store, [1]) == 0
