"""The first run's blank chart and table (marsad.ui.preload): drawn for the session's first run only and
gone from the page when the run ends."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from marsad.ui import preload


def _page(stop_early: bool) -> None:  # an AppTest script: its source runs on its own, so it imports here
    import streamlit as st

    from marsad.ui import preload

    runs = st.session_state.setdefault("runs", [])
    with preload.first_run():
        runs.append(st.session_state.get(preload.DONE_KEY, False))
        st.markdown("page body")
        if stop_early:
            st.stop()


def test_the_blank_elements_leave_the_page_when_the_run_ends():
    at = AppTest.from_function(_page, kwargs={"stop_early": False}, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["page body"]
    assert not at.get("plotly_chart") and not at.dataframe
    assert at.session_state[preload.DONE_KEY] is True


def test_a_run_cut_short_leaves_the_preload_for_the_next_run():
    # After st.stop Streamlit sends nothing more: the blank elements stay in their one-pixel container and the
    # next run, finding the flag unset, sends them again.
    at = AppTest.from_function(_page, kwargs={"stop_early": True}, default_timeout=60).run()
    assert not at.exception and [m.value for m in at.markdown] == ["page body"]
    assert preload.DONE_KEY not in at.session_state
    assert at.run().session_state["runs"] == [False, False]


def test_later_runs_skip_the_preload():
    at = AppTest.from_function(_page, kwargs={"stop_early": False}, default_timeout=60).run()
    at.run()
    assert at.session_state["runs"] == [False, True]
    assert not at.get("plotly_chart") and not at.dataframe


def test_the_blank_figure_draws_nothing_visible():
    layout = preload.blank_figure().layout
    assert layout.height == 10 and not layout.xaxis.visible and not layout.yaxis.visible
    assert preload.blank_table().empty
