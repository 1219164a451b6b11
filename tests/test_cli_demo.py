"""``marsad demo``: the stages in the foreground, --background handing enrichment and stories to another process."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, REPO, SEED, read_lines

from marsad.cli import main
from marsad.cli.demo import BACKGROUND_NICENESS
from marsad.ingest.demo_progress import DemoProgress
from marsad.store import Store
from marsad.store.enrichment import enrichment_counts

# Enough Arabic articles for a topic model (marsad.nlp.topics.MIN_DOCS is 50).
N_ARTICLES = 60
BACKGROUND_TIMEOUT_S = 240  # the background process enriches 61 articles; the test machine is shared


@pytest.fixture
def demo_env(tmp_path, monkeypatch) -> str:
    """A data folder whose demo corpus is the first ANT records and the seed page, its other resources (models,
    entities, places) those of the repository; returns the store path."""
    demo = tmp_path / "data" / "demo"
    demo.mkdir(parents=True)
    for shipped in (REPO / "data").iterdir():
        if shipped.is_dir() and shipped.name != "demo":
            (tmp_path / "data" / shipped.name).symlink_to(shipped)
    with gzip.open(demo / "ant.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(read_lines(ANT_SAMPLE, N_ARTICLES))
    shutil.copy(SEED, demo / SEED.name)
    monkeypatch.setenv("MARSAD_DATA_DIR", str(tmp_path / "data"))  # reaches the background process too
    return str(tmp_path / "stores" / "s.duckdb")  # a folder not made yet, as a new --db may name


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_loads_once(demo_env, capsys):
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--no-enrich")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("ingest: 61 articles stored") and lines[0].endswith("CPU-s)")
    assert lines[1].startswith(f"read {N_ARTICLES + 1}, stored ")
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--no-enrich")
    assert code == 0 and "already has articles" in out
    code, out, _ = _run(capsys, "stats", "--db", demo_env, "--json")
    assert json.loads(out)["languages"].keys() == {"ar"}


def _wait_for_background(tracker: DemoProgress) -> None:
    deadline = time.monotonic() + BACKGROUND_TIMEOUT_S
    while tracker.running or tracker.unfinished:
        assert tracker.running, f"the background process stopped early: {tracker.log_file.read_text()}"
        assert time.monotonic() < deadline, "the background demo load did not finish in time"
        time.sleep(0.2)


def test_background_returns_at_once_and_the_background_process_loads_everything(demo_env, capsys):
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    tracker = DemoProgress(Path(demo_env))
    assert code == 0 and "being loaded in the background (process " in out and str(tracker.log_file) in out
    assert tracker.running and tracker.unfinished  # the dashboard started next finds it at work
    store = Store(demo_env)
    # A second `make run` while it works neither waits nor starts another.
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    assert code == 0 and ("in the background already" in out or "already has articles" in out)
    _wait_for_background(tracker)
    assert enrichment_counts(store) == (N_ARTICLES + 1, N_ARTICLES + 1)
    log = tracker.log_file.read_text(encoding="utf-8")
    assert "\ningest: 61 articles stored" in log and "\ntopics: " in log and "\nenrich: 61 articles enriched" in log
    assert "\nstories: " in log and f"read {N_ARTICLES + 1}, stored " in log
    assert "demo load finished" in log
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    assert code == 0 and "already has articles" in out and "being loaded" not in out


def test_the_background_process_lowers_its_priority_for_the_long_stages_only():
    # In a child process: a niceness cannot be lowered back, and this one would slow the rest of the suite.
    code = ("import os; from marsad.cli.demo import _lower_priority_for_long_stages as lower; seen = []\n"
            "for stage in ('ingest', 'topics', 'enrich', 'stories'):\n"
            "    lower(stage); seen.append(os.getpriority(os.PRIO_PROCESS, 0))\n"
            "print(seen)")
    start = os.getpriority(os.PRIO_PROCESS, 0)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    low = max(start, BACKGROUND_NICENESS)
    assert done.stdout.strip() == str([start, start, low, low])


def test_background_leaves_a_store_of_other_articles_alone(demo_env, capsys):
    code, out, _ = _run(capsys, "ingest", str(SEED), "--db", demo_env, "--no-enrich")
    assert code == 0
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    tracker = DemoProgress(Path(demo_env))
    assert code == 0 and "already has articles" in out
    assert not tracker.running and not tracker.unfinished and not tracker.log_file.exists()


@pytest.fixture
def ctrl_c_not_ignored():
    """SIGINT handled as in make run's terminal. A suite started in the background (`make test &`, nohup) inherits
    SIGINT ignored, and so would the background process this test stops with it: an ignored signal stays ignored
    across exec, as Unix programs expect, so it would finish its load instead."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_background_load_stopped_by_ctrl_c_is_resumed_by_the_next_run(demo_env, capsys, ctrl_c_not_ignored):
    tracker = DemoProgress(Path(demo_env))
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    pid = int(out.split("(process ")[1].split(",")[0])
    # The process holds the lock before it marks the load begun: a Ctrl-C in between leaves nothing to resume
    # (CI's idle machine sent it there), so wait for the mark, as a user's Ctrl-C seconds later would find it.
    deadline = time.monotonic() + BACKGROUND_TIMEOUT_S
    while not tracker.unfinished:
        assert time.monotonic() < deadline, "the background process never marked the load begun"
        time.sleep(0.01)
    os.kill(pid, signal.SIGINT)  # what Ctrl-C in make run's terminal sends it
    while tracker.running:
        assert time.monotonic() < deadline, "the background process did not stop on SIGINT"
        time.sleep(0.1)
    assert tracker.unfinished  # stopped part way: the dashboard says so, and the next run finishes it
    code, out, _ = _run(capsys, "demo", "--db", demo_env, "--background")
    assert code == 0 and "being loaded in the background" in out
    _wait_for_background(tracker)
    assert enrichment_counts(Store(demo_env)) == (N_ARTICLES + 1, N_ARTICLES + 1)
    assert "interrupted" in tracker.log_file.read_text(encoding="utf-8")
