"""The notice at the top of every page while the demo corpus is still being loaded (``make run`` leaves topics,
enrichment and stories to a background process: marsad.ingest.demo). Its counts are the store's own, re-read every
few seconds. When a stage ends (the topics are fitted, say) the page runs again to show what it added; when the load
is over the notice goes. A load that was stopped (Ctrl-C, a kill) is said to be so, with the command that finishes
it."""

from __future__ import annotations

import logging

import streamlit as st

from marsad.errors import MarsadError
from marsad.ingest.demo_progress import DemoProgress, DemoStatus
from marsad.ui import state
from marsad.ui.i18n import t

LOGGER = logging.getLogger(__name__)

# Seconds between two readings of the counts while the load runs: about one enrichment batch on 2 cores.
REFRESH_S = 5
_STAGE = "_demo_notice_stage"  # the stage the page was drawn in


def demo_status() -> DemoStatus | None:
    """Where the demo load into the dashboard's store stands; None when there is none to tell of (or the store
    cannot be read just now: the next refresh tries again)."""
    try:
        return DemoProgress(state.settings().db_path).status(state.store())
    except MarsadError as exc:
        LOGGER.info("demo load status unavailable: %s", exc.message)
        return None


def notice_text(status: DemoStatus, lang: str) -> str:
    counts = {"done": f"{status.enriched:,}", "total": f"{status.articles:,}"}
    if not status.running:
        return t("demo_stopped", lang, **counts)
    return t(f"demo_stage_{status.stage}", lang, **counts)


def show(lang: str) -> DemoStatus | None:
    """The notice, when a demo load is unfinished: refreshed while it runs, a warning when it was stopped.
    Returns the load's status (None when there is none)."""
    st.session_state.pop(_STAGE, None)  # this page run draws what the store holds now
    status = demo_status()
    if status is None:
        return None
    if status.running:
        _live(lang)
    else:
        st.warning(notice_text(status, lang), icon=":material/pending:")
    return status


@st.fragment(run_every=REFRESH_S)
def _live(lang: str) -> None:
    status = demo_status()
    drawn_in = st.session_state.get(_STAGE)
    now = status.stage if status is not None and status.running else None
    if drawn_in is not None and now != drawn_in:
        st.session_state.pop(_STAGE)
        st.rerun()  # a stage ended (or the load did, or it stopped): the whole page again, on what the store holds
    if now is None:
        return
    st.session_state[_STAGE] = now
    st.info(notice_text(status, lang), icon=":material/hourglass_top:")
