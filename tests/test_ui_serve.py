"""The dashboard's fast start: JavaScript preload hints, side-by-side analytics that do not hold the page up,
and the launcher's warm-up of the default view (marsad.ui.preload, marsad.ui.state.prefetch, marsad.ui.serve)."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from pathlib import Path

import pytest
import streamlit as st

from marsad.ui import combined, preload, serve, state


def _manifest(tmp_path: Path, entries: dict) -> Path:
    (tmp_path / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    return tmp_path


def test_element_scripts_follow_each_elements_imports(tmp_path):
    static = _manifest(tmp_path, {
        "index.html": {"file": "static/js/index.main.js", "isEntry": True, "imports": ["_core.js"]},
        "_core.js": {"file": "static/js/core.0.js"},
        "src/Plotly.tsx": {"file": "static/js/PlotlyChart.abc.js", "name": "PlotlyChart", "isDynamicEntry": True,
                           "imports": ["_shared.js", "_deep.js", "index.html", "_core.js"]},
        "_shared.js": {"file": "static/js/shared.1.js", "imports": ["_deep.js"]},
        "_deep.js": {"file": "static/js/deep.2.js"},
        "src/Other.tsx": {"file": "static/js/Other.x.js", "name": "Other", "isDynamicEntry": True},
        "font.woff2": {"file": "static/media/font.woff2"},
    })
    scripts = preload.element_scripts(("PlotlyChart", "NotInThisBuild"), static_dir=static)
    assert sorted(scripts) == ["/static/js/PlotlyChart.abc.js", "/static/js/deep.2.js", "/static/js/shared.1.js"]


def test_element_scripts_of_the_installed_streamlit_exist_on_disk():
    scripts = preload.element_scripts()
    static = Path(st.__file__).parent / "static"
    assert any(Path(s).name.startswith("PlotlyChart.") for s in scripts)
    assert all((static / s.lstrip("/")).is_file() for s in scripts)


def test_no_manifest_means_no_hints(tmp_path):
    assert preload.element_scripts(static_dir=tmp_path) == []
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert preload.element_scripts(static_dir=tmp_path) == []


def _asgi_headers(middleware, content_type: bytes) -> dict[bytes, bytes]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": b"x"})

    async def send(message):
        sent.append(message)

    asyncio.run(middleware(app)({"type": "http", "path": "/"}, None, send))
    return dict(sent[0]["headers"])


def test_html_pages_carry_the_preload_header_and_nothing_else_does():
    def hints(app):
        return preload.PreloadHints(app, ["/static/js/PlotlyChart.abc.js", "/static/js/dep.js"], base_path="/marsad/")

    html = _asgi_headers(hints, b"text/html; charset=utf-8")
    assert html[b"link"] == b"</marsad/static/js/PlotlyChart.abc.js>; rel=modulepreload, </marsad/static/js/dep.js>; rel=modulepreload"
    assert b"link" not in _asgi_headers(hints, b"application/javascript")
    assert b"link" not in _asgi_headers(lambda app: preload.PreloadHints(app, [], base_path=""), b"text/html")


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


def test_the_launchers_warm_up_computes_the_default_overview(empty_caches, monkeypatch):
    """After warm_default_view the frame's and the Overview's calls for the default view are cache hits: with
    the analytics functions broken, the same calls still answer."""
    from streamlit import runtime

    from marsad.ui import shell

    monkeypatch.setattr(runtime, "exists", lambda: True)
    serve.warm_default_view()
    view = shell.default_query()
    assert view.start and view.end  # the seeded store's 2018 news, not every date since its 1987 wire sample
    figs = state.call(combined.key_figures, view)
    interval = combined.auto_interval(figs["first_date"].date(), figs["last_date"].date())
    calls = shell.frame_calls() + combined.overview_calls(view, by="language", interval=interval)

    def broken(*args, **kwargs):
        raise AssertionError("computed again: the warm-up did not fill the cache")

    for fn, _, _ in calls:  # a cache miss looks the function up by module and name: make every one fail
        monkeypatch.setattr(sys.modules[fn.__module__], fn.__name__, broken)
    for fn, args, kwargs in calls:
        state.call(fn, *args, **kwargs)


def test_page_runs_wait_for_the_launchers_imports():
    """A run under the launcher waits until the warm-up's imports are done (racing them once gave a
    half-imported pandas); with no warm-up running it does not wait at all."""
    from marsad.ui import startup

    startup.wait_for_imports()  # nothing warming: returns at once
    startup.imports_starting()
    waited = threading.Event()
    waiter = threading.Thread(target=lambda: (startup.wait_for_imports(), waited.set()))
    waiter.start()
    try:
        assert not waited.wait(timeout=0.2)  # still held: the imports are not done
    finally:
        startup.imports_done()
    waiter.join(timeout=10)
    assert waited.is_set()
