"""marsad.ingest.stories over a real store: assignment after a batch, its catch-up, and the rebuild."""

import shutil
from datetime import datetime

import pytest
from conftest import STORY_ARTICLES

from marsad.ingest.stories import assign_new, assign_pending, rebuild
from marsad.store import Store
from marsad.store.stories import pending_ids

EXPECTED = {1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 6, 8: 8, 9: 8, 10: 10}


def assignments(store: Store) -> dict[int, int]:
    with store.read() as con:
        return dict(con.execute("SELECT article_id, story_id FROM article_stories").fetchall())


@pytest.fixture
def store(stories_store, tmp_path) -> Store:
    shutil.copy(stories_store.path, tmp_path / stories_store.path.name)
    return Store(tmp_path / stories_store.path.name)


def add_article(store: Store, aid: int, title: str, body: str, when: datetime | None, *, enriched: bool = True):
    with store.write() as con:
        con.execute(
            "INSERT INTO articles (id, source_id, title, body, language, published_at, ingested_at, content_hash, "
            "pipeline_version) VALUES (?, 1, ?, ?, 'ar', ?, TIMESTAMP '2026-01-01', md5(?), ?)",
            [aid, title, body, when, body, int(enriched)],
        )


def test_the_stories_of_the_built_store(stories_store):
    # the copy (4) joins its original's story; the undated report (7) joins none; three weeks on (6) is a new story
    assert assignments(stories_store) == EXPECTED
    with stories_store.read() as con:
        assert sorted(i for (i,) in con.execute("SELECT id FROM stories").fetchall()) == [1, 5, 6, 8, 10]


def test_a_new_batch_joins_the_existing_story_and_ids_stay(store):
    title, body = STORY_ARTICLES[2][2], STORY_ARTICLES[2][3]
    add_article(store, 11, "تركيا: " + title, body, datetime(2018, 10, 22, 8))
    add_article(store, 12, "خبر لم يثر بعد", "نص خبر لم يثر بعد.", datetime(2018, 10, 22, 9), enriched=False)
    report = assign_new(store, [11, 12])
    assert (report.articles, report.new_stories) == (1, 0)  # 12 is not enriched yet: the catch-up takes it later
    assert assignments(store) == EXPECTED | {11: 1}
    assert assign_new(store, [11]).articles == 0  # an article gets its story once
    assert pending_ids(store) == []


def test_the_catch_up_takes_what_a_killed_run_left(store):
    add_article(store, 11, "قمة سنغافورة: ترامب وكيم يوقعان وثيقة مشتركة", "وثيقة مشتركة في ختام قمة سنغافورة.",
                datetime(2018, 6, 13, 8))
    assert pending_ids(store) == [11]
    assert assign_pending(store).articles == 1
    assert assignments(store)[11] == 8


def test_rebuild_recomputes_with_the_same_ids(store):
    with store.write() as con:
        con.execute("UPDATE article_stories SET story_id = 99")  # as if an older algorithm had merged everything
    report = rebuild(store)
    assert assignments(store) == EXPECTED
    assert (report.articles, report.new_stories) == (len(EXPECTED), 5)


def test_a_rerun_ingest_catches_up_on_stories(store):
    from marsad.ingest.pipeline import finish_interrupted

    add_article(store, 11, "قمة سنغافورة: ترامب وكيم يوقعان وثيقة مشتركة", "وثيقة مشتركة في ختام قمة سنغافورة.",
                datetime(2018, 6, 13, 8))
    finish_interrupted(store, [assign_new])  # what `marsad ingest` runs first with the standard hooks
    assert assignments(store)[11] == 8 and pending_ids(store) == []


def test_a_batch_reads_the_stories_around_its_own_dates_only(store, monkeypatch):
    from marsad.store import stories as store_stories

    read = []
    real = store_stories.rows_in_stories

    def recording(s, lo, hi, **kw):
        read.append((lo, hi))
        return real(s, lo, hi, **kw)

    monkeypatch.setattr(store_stories, "rows_in_stories", recording)
    add_article(store, 11, "قمة سنغافورة: ترامب وكيم يوقعان وثيقة مشتركة", "وثيقة مشتركة في ختام قمة سنغافورة.",
                datetime(2018, 6, 13, 8))
    add_article(store, 12, "تركيا: " + STORY_ARTICLES[2][2], STORY_ARTICLES[2][3], datetime(2018, 10, 22, 8))
    assign_new(store, [11, 12])
    assert read == [(datetime(2018, 6, 10, 8), datetime(2018, 6, 16, 8)),  # not the four months between
                    (datetime(2018, 10, 19, 8), datetime(2018, 10, 25, 8))]
    assert assignments(store)[11] == 8 and assignments(store)[12] == 1
