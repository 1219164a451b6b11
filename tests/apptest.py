"""What every AppTest of the dashboard shares: pointing app.py at a store, opening a page with URL parameters,
reading what it shows and checking the run was clean. Imported by the ``test_ui_*`` files (not a conftest: only
they need Streamlit)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from marsad.ingest.demo_progress import DemoProgress

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60  # seconds per run: the first run imports pandas/plotly/ibis; CI machines are slow and shared


def clear_caches() -> None:
    # Settings (read from MARSAD_DB) are a cached resource; cached data is keyed by the store path and its
    # modification time, so it can stay between tests on the same store (that keeps the suites fast).
    st.cache_resource.clear()


@contextmanager
def on_store(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> Iterator[Callable[..., AppTest]]:
    """The dashboard on the store at ``path``: yields :func:`open_page`. Streamlit's caches live in this process,
    so settings are reloaded on the way in and out."""
    monkeypatch.setenv("MARSAD_DB", str(path))
    clear_caches()
    try:
        yield open_page
    finally:
        clear_caches()


def demo_load_enriching(path: Path | str) -> DemoProgress:
    """The marker of a demo load into the store at ``path`` as it stands while it enriches (stored, topics fitted);
    hold the returned tracker's lock to play the background process at work."""
    tracker = DemoProgress(Path(path))
    tracker.begin()
    tracker.mark_ingested()
    tracker.enter("enrich")
    return tracker


def open_page(page: str = "overview", *, timeout: float = TIMEOUT, **params: str | list[str]) -> AppTest:
    """A run of the app with ``params`` in the URL, switched to ``page`` (a slug of marsad.ui.navigation)."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.query_params.update(params)
    at.run()
    if page != "overview":
        at.switch_page(f"src/marsad/ui/pages/{page}.py").run()
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def markdown(at: AppTest) -> str:
    """Every markdown block's source, one a line: the HTML the page wrote."""
    return "\n".join(m.value for m in at.markdown)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def values(data: object) -> list:
    """A trace's array as a list: Plotly 6 sends numeric arrays as {"dtype", "bdata"(base64)}."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])).tolist()
    return list(data or [])
