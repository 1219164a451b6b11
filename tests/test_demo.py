"""The demo load's stages (marsad.ingest.demo): what runs, what is skipped when done, resuming a load cut short."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, SEED, read_lines

from marsad.config import Settings
from marsad.errors import StoreBusy
from marsad.ingest.demo import STAGES, demo_files, load_demo
from marsad.ingest.demo_progress import DemoProgress
from marsad.ingest.pipeline import ingest
from marsad.store import Store
from marsad.store.enrichment import enrichment_counts
from marsad.store.topics import fitted_version

# Enough Arabic articles for a topic model (marsad.nlp.topics.MIN_DOCS is 50), few enough to enrich in a second.
N_ARTICLES = 60


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data folder whose demo corpus is the first ANT records and the seed page."""
    data = tmp_path_factory.mktemp("data")
    (data / "demo").mkdir()
    with gzip.open(data / "demo" / "ant.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(read_lines(ANT_SAMPLE, N_ARTICLES))
    shutil.copy(SEED, data / "demo" / SEED.name)
    return data


@pytest.fixture
def settings(data_dir, tmp_path) -> Settings:
    return Settings.load(db_path=tmp_path / "s.duckdb", env={}, data_dir=data_dir)


def _stories(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM article_stories").fetchall()[0][0]


def test_a_full_load_runs_every_stage_once_and_a_second_run_does_nothing(settings):
    report = load_demo(settings=settings)
    assert [s.stage for s in report.stages] == list(STAGES) and not any(s.skipped for s in report.stages)
    assert report.finished and report.ingest.stored == N_ARTICLES + 1
    assert all(s.seconds >= 0 and s.cpu_seconds > 0 for s in report.stages)
    store = Store(settings.db_path)
    assert enrichment_counts(store) == (N_ARTICLES + 1, N_ARTICLES + 1)
    assert fitted_version(store) == 1 and _stories(store) > 0
    assert not DemoProgress(settings.db_path).marker.exists()  # an ordinary store from now on
    assert load_demo(settings=settings) is None


def test_a_load_until_a_stage_leaves_the_rest_marked_and_the_next_run_skips_what_is_done(settings):
    first = load_demo(settings=settings, until="ingest")
    assert [s.stage for s in first.stages] == ["ingest"] and not first.finished
    store = Store(settings.db_path)
    tracker = DemoProgress(settings.db_path)
    assert tracker.unfinished and tracker.ingested and tracker.stage == "topics"
    assert enrichment_counts(store) == (N_ARTICLES + 1, 0) and fitted_version(store) == 0
    status = tracker.status(store)
    assert (status.stage, status.running, status.articles, status.enriched) == ("topics", False, N_ARTICLES + 1, 0)

    seen = []
    rest = load_demo(settings=settings, before_stage=lambda stage: seen.append((stage, tracker.stage, tracker.running)),
                     after_stage=lambda done: seen.append(done.stage))
    # told as each starts (the marker saying the same) and as it ends
    assert seen == [x for stage in STAGES for x in ((stage, stage, True), stage)]
    assert rest.ingest is None and rest.finished
    assert [(s.stage, s.skipped) for s in rest.stages] == [("ingest", True), ("topics", False), ("enrich", False),
                                                             ("stories", False)]
    assert enrichment_counts(store) == (N_ARTICLES + 1, N_ARTICLES + 1) and fitted_version(store) == 1
    assert tracker.status(store) is None


def test_a_resumed_load_skips_the_topics_once_fitted(settings):
    load_demo(settings=settings, until="topics")
    again = load_demo(settings=settings, until="topics")
    assert [(s.stage, s.skipped) for s in again.stages] == [("ingest", True), ("topics", True)]
    assert fitted_version(Store(settings.db_path)) == 1


def test_an_ingest_cut_short_is_completed_without_storing_anything_twice(settings):
    store = Store(settings.db_path)
    DemoProgress(settings.db_path).begin()  # as a run killed during its ingest leaves it: part of the corpus stored
    ingest(demo_files(settings)[:1], settings=settings, store=store)
    report = load_demo(settings=settings, enrich=False)
    assert report.finished and [s.stage for s in report.stages] == ["ingest"]
    assert (report.ingest.stored, report.ingest.exact_duplicates) == (1, N_ARTICLES)
    assert enrichment_counts(store) == (N_ARTICLES + 1, 0)  # --no-enrich: articles only


def test_a_store_with_other_articles_is_left_alone(settings, tmp_path):
    store = Store(settings.db_path)
    ingest([SEED], settings=settings, store=store)
    assert load_demo(settings=settings) is None
    assert enrichment_counts(store) == (1, 0)
    assert not DemoProgress(settings.db_path).marker.exists()


def test_a_load_another_process_works_on_is_not_touched(settings):
    tracker = DemoProgress(settings.db_path)
    with tracker.hold():
        assert tracker.running
        with pytest.raises(StoreBusy, match="being loaded"):
            load_demo(settings=settings)
    assert not tracker.running and not Store(settings.db_path).exists
