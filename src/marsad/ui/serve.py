"""Start the dashboard with its heavy imports and the store already warm: ``python -m marsad.ui.serve [PORT]``.

``streamlit run app.py`` imports pandas, Plotly, Ibis and DuckDB only when the first browser connects, and the
first analytics query pays for DuckDB's and Ibis's start-up too: seconds on the first page. This launcher does
that work before the server accepts connections, then runs the same app in the same process (so the modules are
already loaded when Streamlit executes app.py). It binds 127.0.0.1, like .streamlit/config.toml.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

LOGGER = logging.getLogger(__name__)
APP = Path(__file__).resolve().parents[3] / "app.py"
DEFAULT_PORT = 8501


def warm_up() -> float:
    """Import what the pages use and run a few cheap analytics calls on the store (filling the OS file cache and
    Ibis's compiled paths); returns the seconds spent. A missing or locked store only skips the queries."""
    started = time.perf_counter()
    import plotly.graph_objects  # noqa: F401  (imported for its side effect: loaded once, here)

    from marsad import analytics
    from marsad.analytics.query import Query
    from marsad.config import Settings
    from marsad.errors import MarsadError
    from marsad.store import Store
    from marsad.ui import charts, components, shell  # noqa: F401  (same: the frame and pages import these)

    settings = Settings.load()
    if settings.db_path.exists():
        store = Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
        try:
            analytics.list_languages(store)
            analytics.top_entities(store, Query(), n=5)
            analytics.count_over_time(store, Query(), interval="month")
        except MarsadError as exc:
            LOGGER.warning("warm-up queries skipped: %s", exc.message)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    port = int(args[0]) if args else DEFAULT_PORT
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    LOGGER.info("warm-up took %.1f s", warm_up())
    from streamlit.web import bootstrap

    # Flag-style names (section_option), as `streamlit run --server.port …` passes them.
    flags = {"server_address": "127.0.0.1", "server_port": port, "server_headless": True,
             "browser_gatherUsageStats": False}
    bootstrap.load_config_options(flag_options=flags)
    bootstrap.run(str(APP), False, [], flags)
    return 0


if __name__ == "__main__":
    sys.exit(main())
