"""Start the dashboard: ``marsad serve`` (what ``make run`` uses) serves the package's Streamlit script
(marsad/ui/dashboard/app.py) as an ``st.App``, with the shipped Streamlit settings (.streamlit/config.toml: bound
to 127.0.0.1, no usage statistics), wherever it is started from.

While it starts it warms up, with public API only (the ``st.App`` lifespan and ``st.cache_data``):

- before the server accepts a connection, it imports what a page run needs (pandas, Plotly, Ibis and DuckDB, the
  frame and its charts), so no page run can race those imports and the first one does not pay for them;
- then, on a background thread, it computes the frame's and the Overview's analytics for the default view
  (shell.default_query: the store's densest period) into the cache; ``default_view_done`` (a ``threading.Event`` in ``app.state``) is set when that is over. A visitor who
  arrives earlier waits for the same computation rather than repeating it (``st.cache_data`` computes a key once).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import tomllib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.config import STREAMLIT_CONFIG

LOGGER = logging.getLogger(__name__)
SCRIPT = Path(__file__).resolve().parent / "dashboard" / "app.py"
# The server binds the loopback interface only, whatever a config file says: the dashboard has no login.
ADDRESS = "127.0.0.1"


def server_options(port: int | None = None, *, config_file: Path = STREAMLIT_CONFIG) -> dict[str, Any]:
    """The Streamlit settings shipped with the code, as ``st.App.run`` options (``"section.option": value``)."""
    with open(config_file, "rb") as fh:
        tables: Mapping[str, Mapping[str, Any]] = tomllib.load(fh)
    options = {f"{section}.{name}": value for section, table in tables.items() for name, value in table.items()}
    options["server.address"] = ADDRESS
    if port is not None:
        options["server.port"] = port
    return options


def import_page_modules() -> None:
    """Load what a page run needs, and the parts each loads lazily on first use, so the first run does not."""
    import ibis
    import pandas as pd
    import PIL.PngImagePlugin  # noqa: F401  (st.set_page_config reads the page icon with Pillow)

    from marsad import analytics  # noqa: F401
    from marsad.ui import charts, components, i18n, shell  # noqa: F401  (the frame and the pages import these)

    ibis.duckdb  # noqa: B018  (attribute access loads Ibis's DuckDB backend and its SQL compilers)
    # Plotly builds its figure classes (and narwhals its pandas layer) on first use.
    sample = pd.DataFrame({"bin": pd.to_datetime(["2020-01-01", "2020-02-01"]), "count": [1, 2], "name": ["a", "b"]})
    charts.time_series(sample, series="name", title="", lang="en").to_json()
    charts.ranked_bars(sample, label="name", value="count", title="", lang="ar").to_json()
    i18n.language_name("ar", "en")  # Babel's locale data


@dataclass
class DefaultViewWarmUp:
    """The background computation of the default view: ``done`` is set when it is over, whatever the outcome;
    ``skipped`` then says why nothing (or not everything) was computed, empty when everything was."""

    done: threading.Event = field(default_factory=threading.Event)
    skipped: str = ""
    seconds: float = 0.0


def warm_default_view() -> str:
    """Compute the frame's and the Overview's analytics for the default view into st.cache_data, through the
    functions the frame and the Overview use. Returns why it stopped short ("" when it did not): a missing or
    empty store, or a failing call, which the first visitor's own run then reports."""
    from marsad.errors import MarsadError
    from marsad.ui import combined, shell, state

    if not state.settings().db_path.exists():
        return f"no store at {state.settings().db_path}"
    try:
        with state.run_connection():  # one connection, as in a page run
            state.prefetch(shell.frame_calls())
            query = shell.default_query()
            figs = state.call(combined.key_figures, query)
            if not figs.get("articles"):
                return "the store is empty"
            interval = combined.auto_interval(figs["first_date"].date(), figs["last_date"].date())
            calls = combined.overview_calls(query, by=combined.DEFAULT_SPLIT, interval=interval)
            state.prefetch(calls)
            for fn, args, kwargs in shell.frame_calls() + calls:  # prefetch leaves errors to these calls
                state.call(fn, *args, **kwargs)
    except MarsadError as exc:
        return exc.message
    return ""


def start_default_view_warm_up() -> DefaultViewWarmUp:
    """:func:`warm_default_view` on a background thread."""
    warm = DefaultViewWarmUp()

    def run() -> None:
        started = time.perf_counter()
        try:
            warm.skipped = warm_default_view()
        except Exception as exc:  # never take the server down: the first visitor's run does the work instead
            LOGGER.exception("warm-up of the default view failed")
            warm.skipped = f"failed: {exc}"
        finally:
            warm.seconds = time.perf_counter() - started
            if warm.skipped:
                LOGGER.warning("warm-up of the default view stopped: %s", warm.skipped)
            else:
                LOGGER.info("default view computed in %.1f s", warm.seconds)
            warm.done.set()

    threading.Thread(target=run, name="marsad-warm-up", daemon=True).start()
    return warm


@contextlib.asynccontextmanager
async def warm_up(_app: Any) -> AsyncIterator[dict[str, Any]]:
    """st.App lifespan: runs after Streamlit's runtime has started and before the server accepts connections."""
    started = time.perf_counter()
    import_page_modules()
    LOGGER.info("page modules imported in %.1f s", time.perf_counter() - started)
    warm = start_default_view_warm_up()
    yield {"default_view_done": warm.done}


def serve(*, port: int | None = None) -> None:
    """Run the dashboard until interrupted. The store comes from the settings (``MARSAD_DB``, marsad.toml)."""
    import streamlit as st

    app = st.App(str(SCRIPT), lifespan=warm_up)
    app.run(config=server_options(port))
