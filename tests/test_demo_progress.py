"""The demo load's marker and lock files (marsad.ingest.demo_progress)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SEED

from marsad.config import Settings
from marsad.errors import StoreBusy
from marsad.ingest.demo_progress import DemoProgress
from marsad.ingest.pipeline import ingest
from marsad.store import Store


def test_files_sit_beside_the_store_named_after_its_full_name(tmp_path):
    tracker = DemoProgress(tmp_path / "news.duckdb")
    assert [p.name for p in (tracker.marker, tracker.lock_file, tracker.log_file)] == [
        "news.duckdb.demo.json", "news.duckdb.demo.lock", "news.duckdb.demo.log"]


def test_the_marker_follows_the_stages_and_goes_when_finished(tmp_path):
    tracker = DemoProgress(tmp_path / "s.duckdb")
    assert not tracker.unfinished
    tracker.begin()
    assert tracker.unfinished and not tracker.ingested and tracker.stage == "ingest"
    tracker.mark_ingested()
    tracker.enter("enrich")
    assert tracker.ingested and tracker.stage == "enrich"
    tracker.finish()
    assert not tracker.unfinished and not tracker.marker.exists()


@pytest.mark.parametrize("content", ["", "{\"stage\": ", "\x00\xff"])
def test_a_marker_cut_short_while_written_means_start_over(tmp_path, content):
    tracker = DemoProgress(tmp_path / "s.duckdb")
    tracker.marker.write_text(content, encoding="latin-1")
    assert tracker.unfinished and not tracker.ingested and tracker.stage == "ingest"


def test_the_lock_tells_running_from_stopped_and_keeps_a_second_worker_out(tmp_path):
    tracker = DemoProgress(tmp_path / "s.duckdb")
    assert not tracker.running  # no lock file yet
    with tracker.hold():
        assert tracker.running
        with pytest.raises(StoreBusy, match="another process"), DemoProgress(tmp_path / "s.duckdb").hold():
            pass
    assert not tracker.running and tracker.lock_file.exists()


def test_a_killed_worker_leaves_the_load_stopped(tmp_path):
    tracker = DemoProgress(tmp_path / "s.duckdb")
    code = ("import sys, time; from marsad.ingest.demo_progress import DemoProgress; "
            "ctx = DemoProgress(sys.argv[1]).hold(); ctx.__enter__(); print('held', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tracker.db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert tracker.running
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert not tracker.running  # the operating system dropped the lock with the process


def test_status_counts_what_the_store_holds(tmp_path):
    settings = Settings.load(db_path=tmp_path / "s.duckdb", env={})
    store = Store(settings.db_path)
    tracker = DemoProgress(settings.db_path)
    assert tracker.status(store) is None
    tracker.begin()
    status = tracker.status(store)  # no store file yet: nothing counted, nothing created
    assert (status.stage, status.articles, status.enriched, status.running) == ("ingest", 0, 0, False)
    assert not store.exists
    ingest([SEED], settings=settings, store=store)
    tracker.enter("enrich")
    with tracker.hold():
        status = tracker.status(store)
    assert (status.stage, status.articles, status.enriched, status.running) == ("enrich", 1, 0, True)


def test_running_stage_needs_the_lock_and_the_marker(tmp_path):
    tracker = DemoProgress(tmp_path / "s.duckdb")
    with tracker.hold():
        assert tracker.running_stage() is None  # the lock is taken before the marker is written
        tracker.begin()
        assert tracker.running_stage() == "ingest"
        tracker.enter("topics")
        assert tracker.running_stage() == "topics"
        tracker.finish()
        assert tracker.running_stage() is None
    tracker.begin()
    assert tracker.running_stage() is None  # stopped
