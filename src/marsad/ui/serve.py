"""Start the dashboard and warm it while it starts: ``python -m marsad.ui.serve [PORT]`` (what ``make run`` uses).

``streamlit run app.py`` does all first-visit work when the first browser connects: importing pandas, Plotly,
Ibis and DuckDB, compiling Streamlit's emoji pattern for the Arabic language button, reading the store's schema
and computing the default Overview. This launcher serves the same app (as an ``st.App``) and

- starts that work on a background thread as soon as the server is up, while the browser is still fetching
  Streamlit's JavaScript, so the first page's run finds the modules loaded and the default view in the cache;
- pauses garbage collection during the start-up imports and hands the GIL back to the server thread more often
  meanwhile (both measured: see below);
- sends ``Link: rel=modulepreload`` hints for Plotly's code with every HTML page (marsad.ui.preload).

It binds 127.0.0.1, like .streamlit/config.toml. Figures: docs/ui-latency.md.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import threading
import time
from pathlib import Path

from marsad.ui import startup

LOGGER = logging.getLogger(__name__)
APP = Path(__file__).resolve().parents[3] / "app.py"
DEFAULT_PORT = 8501
# How long the warm-up waits for Streamlit's runtime (whose cache the default view must land in) to exist.
RUNTIME_WAIT_S = 30.0
DEFAULT_SWITCH_INTERVAL_S = sys.getswitchinterval()
WARM_UP_SWITCH_INTERVAL_S = 0.0005


def warm_imports() -> None:
    """Load what the first page run needs, so the first visitor's run does not: the modules themselves, and
    the parts each loads lazily on first use."""
    import ibis
    import pandas as pd
    import PIL.PngImagePlugin  # noqa: F401  (st.set_page_config reads the page icon with Pillow)

    from marsad.ui import charts, components, i18n, shell  # noqa: F401  (the frame and pages import these)

    ibis.duckdb  # noqa: B018  (attribute access loads Ibis's DuckDB backend and its SQL compilers: ~0.3 s)
    # Plotly builds its figure classes (and narwhals its pandas layer) on first use.
    sample = pd.DataFrame({"bin": pd.to_datetime(["2020-01-01", "2020-02-01"]), "count": [1, 2], "name": ["a", "b"]})
    charts.time_series(sample, series="name", title="", lang="en").to_json()
    charts.ranked_bars(sample, label="name", value="count", title="", lang="ar").to_json()
    i18n.language_name("ar", "en")  # babel's locale data
    try:  # Streamlit compiles its emoji pattern the first time a label is not ASCII (the "العربية" button)
        from streamlit.string_util import extract_leading_emoji

        extract_leading_emoji("العربية")
    except ImportError:  # an internal helper: if a Streamlit release moves it, the first run compiles it instead
        pass


def warm_default_view() -> None:
    """Compute the frame's and the Overview's analytics for the default view (shell.default_query) into st.cache_data.
    A missing, empty or busy store only skips this: the first visitor's run then computes it as usual."""
    from streamlit import runtime

    from marsad.errors import MarsadError
    from marsad.ui import combined, shell, state

    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not runtime.exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.02)
    if not state.settings().db_path.exists():
        return
    try:
        # One connection, as in a page run: DuckDB 2.0 loses its Arrow scan function now and then when several
        # connections to one file register tables at once ("python_arrow_scan does not exist"), and a call that
        # failed that way left its part of the default view uncomputed.
        with state.run_connection():
            state.prefetch(shell.frame_calls())
            view = shell.default_query()
            figs = state.call(combined.key_figures, view)
            if not figs.get("articles"):
                return
            interval = combined.auto_interval(figs["first_date"].date(), figs["last_date"].date())
            state.prefetch(combined.overview_calls(view, by="language", interval=interval))
    except MarsadError as exc:
        LOGGER.warning("warm-up of the default view skipped: %s", exc.message)


def warm_up() -> float:
    """Everything above; returns the seconds spent. Turns the garbage collector back on (see :func:`main`)."""
    started = time.perf_counter()
    try:
        warm_imports()
    except Exception:  # never let the warm-up take the server down: the first run just does the work itself
        LOGGER.exception("dashboard warm-up failed")
    finally:
        # What start-up loaded lives as long as the process: keep it out of every future collection.
        gc.freeze()
        gc.enable()
        sys.setswitchinterval(DEFAULT_SWITCH_INTERVAL_S)
        startup.imports_done()
    try:
        warm_default_view()
    except Exception:
        LOGGER.exception("dashboard warm-up failed")
    return time.perf_counter() - started


@contextlib.asynccontextmanager
async def start_warm_up(_app):
    """st.App lifespan: the warm-up starts once the server is up, so the server's own start is not slowed down
    (measured: the first page about 0.25 s sooner than with the warm-up started before it)."""
    startup.imports_starting()  # page runs wait for the imports rather than race them (see marsad.ui.startup)
    threading.Thread(target=lambda: LOGGER.info("warm-up took %.1f s", warm_up()), name="marsad-warm-up",
                     daemon=True).start()
    yield


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    port = int(args[0]) if args else DEFAULT_PORT
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Start-up imports create some hundred thousand objects that all stay alive: collecting cycles among them is
    # wasted work (about a third of the import time here). Collection resumes when warm_up's imports are done.
    gc.disable()
    # While the warm-up imports, the server thread (sending Streamlit's JavaScript to the browser) gets the GIL
    # back sooner: long import bytecode would otherwise keep it for the default 5 ms at a time.
    sys.setswitchinterval(WARM_UP_SWITCH_INTERVAL_S)
    # Streamlit first, on this thread: importing it sets up Plotly's theme, and Plotly's lazily loaded validators
    # are not safe to import from two threads at once.
    import streamlit as st
    from starlette.middleware import Middleware

    from marsad.ui import preload

    app = st.App(str(APP), lifespan=start_warm_up,
                 middleware=[Middleware(preload.PreloadHints, scripts=preload.element_scripts())])
    app.run(config={"server.address": "127.0.0.1", "server.port": port, "server.headless": True,
                    "browser.gatherUsageStats": False})
    return 0


if __name__ == "__main__":
    sys.exit(main())
