"""Getting the browser's JavaScript early, so the first page is drawn sooner.

Streamlit's frontend loads the code for each kind of element (charts, multiselects, date inputs…) only when the
first element of that kind arrives: on a fresh page that is a chain of downloads and, for Plotly (about 4.7 MB),
a second of parsing, compiling and running after the script has finished. Two remedies, both used by
``marsad.ui.serve`` (what ``make run`` starts):

- :class:`PreloadHints`: every HTML page the server sends names those files in ``Link: rel=modulepreload``
  headers, so the browser fetches and compiles them alongside Streamlit's own JavaScript;
- :func:`plotly_bundle`: a blank chart sent first thing in a session's first run, so the browser runs Plotly's
  code while the server is still computing the page.

Imports only Streamlit (Plotly when the blank chart is drawn), so app.py can use it before the heavy modules load.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

# Frontend elements whose code is worth fetching before the page asks for it (names in Streamlit's build
# manifest). Only Plotly: preloading the frame's widgets too (multiselect, date input…) measured no faster, as the
# browser then has more to compile while it starts.
FIRST_PAGE_ELEMENTS = ("PlotlyChart",)
_DONE_KEY = "_marsad_plotly_preloaded"


def element_scripts(names: tuple[str, ...] = FIRST_PAGE_ELEMENTS, static_dir: Path | None = None) -> list[str]:
    """URL paths of the JavaScript files those elements need (each one's file and everything it imports, less
    what the page's own entry already preloads), read from the manifest of the installed Streamlit's frontend
    build. Empty if the manifest is missing or unreadable: the hints are an optimisation only."""
    static_dir = static_dir or Path(st.__file__).parent / "static"
    try:
        manifest = json.loads((static_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    by_name = {v.get("name"): k for k, v in manifest.items() if v.get("isDynamicEntry")}

    def closure(keys: list[str]) -> dict[str, None]:
        seen: dict[str, None] = {}
        todo = list(keys)
        while todo:
            key = todo.pop()
            entry = manifest.get(key)
            if key in seen or not entry or not str(entry.get("file", "")).endswith(".js"):
                continue
            seen[key] = None
            todo.extend(entry.get("imports", []))
        return seen

    # What the page itself already preloads (its entry, index.html, and everything that imports) is left out.
    already = closure([k for k, v in manifest.items() if v.get("isEntry")])
    wanted = closure([by_name[n] for n in names if n in by_name])
    return [f"/{manifest[k]['file']}" for k in wanted if k not in already]


class PreloadHints:
    """ASGI middleware: HTML responses carry one ``Link`` header naming ``scripts`` as module preloads."""

    def __init__(self, app, scripts: list[str], base_path: str | None = None) -> None:
        self.app = app
        if base_path is None:  # built with the app's first request, after the server's config has been read
            from streamlit import config

            base_path = str(config.get_option("server.baseUrlPath") or "")
        base = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.link = ", ".join(f"<{base}{s}>; rel=modulepreload" for s in scripts).encode() if scripts else b""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.link:
            return await self.app(scope, receive, send)

        async def send_with_hints(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message = {**message, "headers": [*headers, (b"link", self.link)]}
            await send(message)

        return await self.app(scope, receive, send_with_hints)


@contextmanager
def plotly_bundle() -> Iterator[None]:
    """Around a whole script run: a blank chart at the top of the page for the run's duration, on the session's
    first run only (later runs have Plotly's code loaded already)."""
    if st.session_state.get(_DONE_KEY):
        yield
        return
    import plotly.graph_objects as go

    slot = st.empty()
    blank = go.Figure(layout={"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                              "xaxis": {"visible": False}, "yaxis": {"visible": False},
                              "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"})
    slot.plotly_chart(blank, config={"staticPlot": True, "displayModeBar": False}, key="_marsad_plotly_preload")
    try:
        yield
        st.session_state[_DONE_KEY] = True
    finally:
        slot.empty()
