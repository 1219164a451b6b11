"""The dashboard's cache key (marsad.ui.state.data_version) while a demo load writes in the background and after."""

from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import pytest
from apptest import assert_ok, demo_load_enriching, on_store, open_page

from marsad.store.enrichment import enrichment_counts
from marsad.ui import state


@pytest.fixture
def loading_store(seeded_store_copy, monkeypatch):
    """The seeded store as a demo load leaves it while it enriches, and a clock for the cache's time slots."""
    tracker = demo_load_enriching(seeded_store_copy.path)
    clock = SimpleNamespace(now=time.time())
    monkeypatch.setattr(state, "time", SimpleNamespace(time=lambda: clock.now))
    with on_store(monkeypatch, seeded_store_copy.path):
        yield seeded_store_copy, tracker, clock


def _add_article(store, article_id: int) -> None:
    """What a write of the load does to the store: a new article (a copy of one, a new id)."""
    with store.write() as con:
        con.execute("INSERT INTO articles (id, title, body, language, published_at, ingested_at, content_hash) "
                    "SELECT ?, title, body, language, published_at, now(), ? FROM articles WHERE id = 3",
                    [article_id, f"h{article_id}"])


def _shown(at) -> int:
    """The Overview's article count (every date)."""
    assert_ok(at)
    return int(at.metric[0].value.replace(",", ""))


def _page():
    return open_page("overview", all="1")


def test_pages_stay_cached_while_a_demo_load_writes_and_are_fresh_once_it_ends(loading_store):
    store, tracker, clock = loading_store
    with tracker.hold():  # as the background process holds it
        n = _shown(_page())
        _add_article(store, 9100)
        at = _page()
        assert _shown(at) == n  # the load's write did not empty the cache
        assert f"of {enrichment_counts(store)[0]:,} articles" in at.info[0].value  # the notice reads the store
        tracker.enter("stories")  # a stage ended: the notice reruns the page, which is drawn afresh
        assert _shown(_page()) == n + 1
        _add_article(store, 9101)
        clock.now += state.DEMO_LOAD_CACHE_S  # the time slot is over
        assert _shown(_page()) == n + 2
        _add_article(store, 9102)
        assert _shown(_page()) == n + 2
        tracker.finish()  # the last stage is done: the marker goes, then the lock
    assert _shown(_page()) == n + 3  # nothing computed during the load is served after it


def test_a_stopped_load_or_an_ordinary_store_keys_the_cache_on_every_write(loading_store):
    store, tracker, _ = loading_store
    n = _shown(_page())  # nobody holds the lock: the load was stopped
    _add_article(store, 9100)
    assert _shown(_page()) == n + 1
    tracker.finish()
    _add_article(store, 9101)
    assert _shown(_page()) == n + 2



def test_two_writes_in_one_tick_of_the_file_clock_are_told_apart(tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(b"one batch")
    tick = path.stat().st_mtime_ns
    first = state._file_version(path)
    with path.open("ab") as out:
        out.write(b", and another")
    os.utime(path, ns=(tick, tick))  # the second write's modification time is the first one's
    assert state._file_version(path) != first
    path.unlink()
    assert state._file_version(path) == (0, 0)


def test_the_version_is_read_while_checkpoints_remove_the_wal(seeded_store_copy, monkeypatch):
    """DuckDB removes its .wal at each checkpoint, whenever a writer makes one: reading the version beside that
    never fails (it checked that the file existed, then read its time: a page failed when the file went between)."""
    wal = seeded_store_copy.path.with_name(seeded_store_copy.path.name + ".wal")
    stop = threading.Event()

    def checkpoints() -> None:
        while not stop.is_set():
            wal.write_bytes(b"wal")
            wal.unlink()

    writer = threading.Thread(target=checkpoints)
    with on_store(monkeypatch, seeded_store_copy.path):
        writer.start()
        try:
            versions = {state.data_version() for _ in range(3000)}
        finally:
            stop.set()
            writer.join()
    assert len(versions) >= 2  # the file was seen there and not there
