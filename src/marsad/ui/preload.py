"""Getting the browser's code for charts and tables loading at the start of a session's first run, so the first
page is drawn sooner.

Streamlit's frontend fetches the code for each kind of element when the first one arrives: for Plotly charts
about 4.7 MB, for data grids (st.dataframe) the grid's own bundle, each then parsed and compiled on these cores.
The Overview's first chart and its spikes table arrive at the end of the run (after the frame and the analytics),
so on a first visit the browser only then starts that work and the page waits for it: measured 1.9 s between the
end of the run and the Overview drawn, against 0.15 s when the code was already loaded (docs/ui-latency.md).
:func:`first_run` puts a blank chart and an empty table on the page at the start of a session's first run, in a
container one pixel high, and removes them at the end, so the browser loads that code while the server imports
and computes.

Imports only Streamlit (Plotly and pandas when the blank elements are drawn), so the dashboard script can use it
before its own imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

# Session-state flag: set once a run has gone through to its end with the blank elements (later runs need none).
DONE_KEY = "_marsad_preloaded"
CHART_KEY = "_marsad_preload_chart"


def blank_figure():
    """A chart of nothing, 10 px high and transparent: what the browser must draw to load Plotly's code."""
    import plotly.graph_objects as go

    return go.Figure(layout={"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                             "xaxis": {"visible": False}, "yaxis": {"visible": False},
                             "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"})


def blank_table():
    """A table of nothing: what the browser must draw to load the data grid's code."""
    import pandas as pd

    return pd.DataFrame({"": []})


@contextmanager
def first_run() -> Iterator[None]:
    """Around a whole script run: on the session's first run, the blank chart (first: Plotly's code is the larger)
    and table at the top of the page for the run's duration; on later runs nothing. A run cut short (st.stop, st.rerun)
    leaves them in their one-pixel container (Streamlit sends nothing more for it) and the next run sends them
    again."""
    if st.session_state.get(DONE_KEY):
        yield
        return
    slot = st.empty()
    with slot.container(height=1, border=False):
        st.plotly_chart(blank_figure(), config={"staticPlot": True, "displayModeBar": False}, key=CHART_KEY)
        st.dataframe(blank_table(), height=35)
    try:
        yield
        st.session_state[DONE_KEY] = True
    finally:
        slot.empty()
