"""Starting the dashboard (marsad.ui.serve): the shipped Streamlit settings, the warm-up of the default view
while the server starts, a real server from outside the repository; and side-by-side analytics that do not hold
the page up (marsad.ui.state.prefetch)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import streamlit as st
from local_server import free_port, open_local

from marsad.ui import combined, serve, shell, state

# How long a test waits for the warm-up's event at most: it normally takes a second or two.
WARM_UP_WAIT_S = 120
SERVER_START_S = 60  # generous: CI shares 2 cores with other jobs


def test_server_options_come_from_the_shipped_streamlit_settings(tmp_path):
    options = serve.server_options(8642)
    assert options["server.port"] == 8642 and options["server.address"] == "127.0.0.1"
    assert options["browser.gatherUsageStats"] is False and options["server.headless"] is True
    for key in options:  # every one a real Streamlit option (st.App.run refuses unknown ones)
        st.get_option(key)
    exposed = tmp_path / "config.toml"
    exposed.write_text('[server]\naddress = "0.0.0.0"\nport = 9000\n', encoding="utf-8")
    assert serve.server_options(config_file=exposed) == {"server.address": "127.0.0.1", "server.port": 9000}


# -- prefetch: started side by side, waited for by the call that needs it -------------------------------------
GATE = threading.Event()
CALLS: list[int] = []


def gated_double(store, x):  # module level: state.call finds analytics functions by module and name
    GATE.wait(timeout=30)
    CALLS.append(x)
    return 2 * x


@pytest.fixture
def empty_caches(seeded_store, monkeypatch):
    """Settings on the seeded store, nothing cached, no call recorded."""
    monkeypatch.setenv("MARSAD_DB", str(seeded_store.path))
    st.cache_resource.clear()
    state.clear_caches()
    CALLS.clear()


def test_prefetch_returns_before_its_calls_finish_and_the_run_waits_for_them(empty_caches):
    GATE.clear()
    with state.run_connection():
        state.prefetch([(gated_double, (1,), {}), (gated_double, (2,), {}), (gated_double, (3,), {})])
        assert CALLS == []  # prefetch did not wait: every call is still held at the gate
        GATE.set()
        assert state.call(gated_double, 2) == 4  # waits for (or computes) this one result
    # leaving the run's block waited for every started call, so each was computed exactly once
    assert sorted(CALLS) == [1, 2, 3]
    assert [state.call(gated_double, x) for x in (1, 2, 3)] == [2, 4, 6] and sorted(CALLS) == [1, 2, 3]


def test_prefetch_outside_a_page_run_waits_for_its_calls(empty_caches):
    GATE.set()
    state.prefetch([(gated_double, (5,), {}), (gated_double, (6,), {})])
    assert sorted(CALLS) == [5, 6]


def _default_overview_calls() -> list[combined.Call]:
    """The frame's and the Overview's calls for a visitor without a shared link, as a page run makes them."""
    query = shell.default_query()
    assert query.start and query.end  # the seeded store's 2018 news, not every date since its 1987 wire sample
    figs = state.call(combined.key_figures, query)
    interval = combined.auto_interval(figs["first_date"].date(), figs["last_date"].date())
    return shell.frame_calls() + combined.overview_calls(query, by=combined.DEFAULT_SPLIT, interval=interval)


def _assert_cached(calls: list[combined.Call], monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise AssertionError("computed again: the warm-up did not fill the cache")

    for fn, _, _ in calls:  # a cache miss looks the function up by module and name: make every one fail
        monkeypatch.setattr(sys.modules[fn.__module__], fn.__name__, broken)
    for fn, args, kwargs in calls:
        state.call(fn, *args, **kwargs)


def test_the_warm_up_computes_the_default_overview(empty_caches, monkeypatch):
    """Once its event is set, the frame's and the Overview's calls for the default view are cache hits: with the
    analytics functions broken, the same calls still answer."""
    warm = serve.start_default_view_warm_up()
    assert warm.done.wait(WARM_UP_WAIT_S), "the warm-up did not finish"
    assert warm.skipped == ""
    _assert_cached(_default_overview_calls(), monkeypatch)


def test_the_lifespan_imports_first_then_signals_the_default_view_in_app_state(empty_caches, monkeypatch):
    async def start() -> dict:
        async with serve.warm_up(None) as app_state:
            return app_state

    app_state = asyncio.run(start())
    assert app_state["default_view_done"].wait(WARM_UP_WAIT_S)
    _assert_cached(shell.frame_calls(), monkeypatch)


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_the_warm_up_says_why_it_had_nothing_to_compute(kind, tmp_path, monkeypatch):
    from marsad.store import Store

    db = tmp_path / "store.duckdb"
    if kind == "empty":
        Store(db).ensure_schema()
    monkeypatch.setenv("MARSAD_DB", str(db))
    st.cache_resource.clear()
    state.clear_caches()
    warm = serve.start_default_view_warm_up()
    assert warm.done.wait(WARM_UP_WAIT_S)
    assert warm.skipped == ("the store is empty" if kind == "empty" else f"no store at {db}")



def _get(url: str) -> tuple[int, str]:
    with open_local(url, timeout=10) as r:
        return r.status, r.read().decode("utf-8", errors="replace")


@pytest.mark.slow
def test_marsad_serve_starts_from_any_directory(seeded_store, tmp_path):
    """`marsad serve --db X` from a folder outside the repository: the page and the health check answer on
    127.0.0.1 (the shipped settings travel with the code, not the working directory)."""
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("marsad")), "-v", "serve", "--db", str(seeded_store.path), "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "MARSAD_DB"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
                time.sleep(0.3)
        assert (status, body) == (200, "ok")
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in body.lower()
        while "default view computed" not in log.read_text(errors="replace"):  # the warm-up reports its end
            assert proc.poll() is None and time.monotonic() < deadline + WARM_UP_WAIT_S, log.read_text(errors="replace")
            time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
