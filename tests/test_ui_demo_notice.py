"""The notice on every page while the demo corpus is still being loaded (marsad.ui.demo_notice), in an AppTest."""

from __future__ import annotations

import pytest
from apptest import demo_load_enriching, on_store, open_page
from streamlit.testing.v1 import AppTest

from marsad.ingest.demo_progress import DemoProgress, DemoStatus
from marsad.store import Store
from marsad.store.enrichment import enrichment_counts
from marsad.ui.demo_notice import notice_text


@pytest.fixture
def demo_store(seeded_store_copy, monkeypatch):
    """The seeded store as a demo load leaves it for the background process: stored, topics fitted, enriching."""
    tracker = demo_load_enriching(seeded_store_copy.path)
    with seeded_store_copy.write() as con:  # two thirds of the articles enriched so far
        con.execute("UPDATE articles SET pipeline_version = CASE WHEN id % 3 = 0 THEN 0 ELSE 4 END")
    with on_store(monkeypatch, seeded_store_copy.path):
        yield seeded_store_copy, tracker


def _open(page: str = "overview", **params: str) -> AppTest:
    at = open_page(page, **params)
    assert not at.exception, [e.value for e in at.exception]  # warnings and notices are what these tests read
    return at


@pytest.mark.parametrize("page", ["overview", "entities", "search", "ingest"])
def test_every_page_says_how_far_the_background_enrichment_is(demo_store, page):
    store, tracker = demo_store
    articles, enriched = enrichment_counts(store)
    assert 0 < enriched < articles
    with tracker.hold():  # as the background process holds it
        at = _open(page)
    notices = [i.value for i in at.info]
    assert f"Enriching the demo corpus: {enriched:,} of {articles:,} articles." in notices[0]
    assert "People, places and keywords cover those so far" in notices[0]


def test_the_notice_is_in_the_interface_language(demo_store):
    store, tracker = demo_store
    articles, enriched = enrichment_counts(store)
    with tracker.hold():
        at = _open(ui="ar")
    assert at.info[0].value.startswith(f"جارٍ إثراء مجموعة العرض: {enriched:,} من {articles:,} مقالة.")


def test_a_stopped_load_says_how_to_finish_it_and_a_finished_one_says_nothing(demo_store):
    store, tracker = demo_store
    articles, enriched = enrichment_counts(store)
    at = _open()  # nobody holds the lock: the background process was stopped
    assert not at.info
    assert f"only partly loaded ({enriched:,} of {articles:,} articles enriched" in at.warning[0].value
    assert "`make run`" in at.warning[0].value
    tracker.finish()
    at.run()
    assert not at.info and not any("demo corpus" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("stage", "running", "expected"),
    [
        ("ingest", True, "Loading the demo corpus: 1,234 articles stored so far."),
        ("topics", True, "fitting the topics on its 1,234 articles"),
        ("enrich", True, "Enriching the demo corpus: 56 of 1,234 articles."),
        ("stories", True, "Grouping the demo corpus into stories: all 1,234 articles are enriched"),
        ("enrich", False, "only partly loaded (56 of 1,234 articles enriched"),
        ("stories", False, "only partly loaded (56 of 1,234 articles enriched"),
    ],
)
def test_notice_text_per_stage(stage, running, expected):
    status = DemoStatus(stage=stage, running=running, articles=1234, enriched=56)
    assert expected in notice_text(status, "en")
    assert notice_text(status, "ar") != notice_text(status, "en")


def test_while_the_articles_are_stored_the_empty_store_panel_gives_way_to_the_notice(tmp_path, monkeypatch):
    store = Store(tmp_path / "empty.duckdb")
    store.ensure_schema()
    tracker = DemoProgress(store.path)
    tracker.begin()
    with on_store(monkeypatch, store.path):
        with tracker.hold():
            at = _open()
        assert at.info[0].value.startswith("Loading the demo corpus: 0 articles stored so far.")
        assert not at.button  # no "load the demo corpus" button beside a load under way
        at = _open()  # stopped: the empty store's panel and its button are back, under the warning
        assert "only partly loaded" in at.warning[0].value and at.button
