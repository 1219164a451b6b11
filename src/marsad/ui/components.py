"""Reusable Streamlit pieces: tables with a safe CSV export, article lists, chips, the empty-store panel.

Text from articles goes through st.dataframe/st.text (inert by construction) or through marsad.ui.render
(escaped) before any unsafe_allow_html markdown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from marsad.analytics.query import Query
from marsad.ui import charts, export, render, state
from marsad.ui.i18n import t

LOGGER = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^\w-]+")


def chart(fig: go.Figure, *, key: str, on_select: bool = False, selection_mode: str | Sequence[str] = "points"):
    """st.plotly_chart with the app's config; with ``on_select`` returns the selection event."""
    if on_select:
        return st.plotly_chart(
            fig, width="stretch", key=key, on_select="rerun", selection_mode=selection_mode, config=charts.plotly_config()
        )
    st.plotly_chart(fig, width="stretch", key=key, config=charts.plotly_config())
    return None


def table(df: pd.DataFrame, *, name: str, lang: str, columns: dict[str, str] | None = None, height: int | None = None) -> None:
    """A table (renamed for display) with a CSV download of exactly what is shown, spreadsheet-safe."""
    shown = df.rename(columns=columns) if columns else df
    if columns:
        shown = shown[[c for c in columns.values() if c in shown.columns]]
    kwargs = {"height": height} if height else {}
    st.dataframe(shown, hide_index=True, width="stretch", **kwargs)
    st.download_button(
        t("download_csv", lang),
        data=export.to_csv_bytes(shown),
        file_name=f"marsad-{_SAFE_NAME.sub('-', name)}.csv",
        mime="text/csv",
        key=f"dl-{name}",
        icon=":material/download:",
    )


def rtl_text(text: str, *, tag: str = "div", cls: str = "") -> None:
    """Untrusted text shown escaped, in a container whose direction follows its script (Arabic: rtl, right-aligned)."""
    st.markdown(render.text_block(text, tag=tag, cls=cls), unsafe_allow_html=True)


def article_cards(df: pd.DataFrame, lang: str, *, open_in: Callable[[int], None] | None = None, key: str = "art") -> None:
    """Articles as cards: title and snippet in their own direction, outlet and date, and a "Read" button."""
    for row in df.itertuples(index=False):
        data = row._asdict()
        with st.container(border=True):
            rtl_text(str(data.get("title") or "—"), tag="h5")
            meta = " · ".join(str(data[c]) for c in ("source", "date", "published_at", "language") if data.get(c) not in (None, ""))
            st.caption(meta)
            if data.get("snippet"):
                st.markdown(render.snippet_html(str(data["snippet"]), data.get("hits") or ()), unsafe_allow_html=True)
            if open_in is not None and "id" in data:
                st.button(t("read", lang), key=f"{key}-{data['id']}", on_click=open_in, args=(int(data["id"]),))


def active_filter_chips(query: Query, lang: str) -> None:
    """Entity/topic filters set from other pages (a map click, a link), each removable."""
    for key in query.entities:
        if st.button(f"✕ {key}", key=f"chip-ent-{key}", help=t("clear_place", lang)):
            state.set_params({"ent": [e for e in query.entities if e != key]})
            st.rerun()
    for topic in query.topics:
        if st.button(f"✕ {t('topic', lang)} {topic}", key=f"chip-topic-{topic}"):
            state.set_params({"topic": [str(x) for x in query.topics if x != topic]})
            st.rerun()


def empty_store_panel(lang: str) -> None:
    """What to do when the store has no articles, with a button that loads the bundled demo corpus."""
    st.header(t("empty_title", lang))
    st.markdown(t("empty_body", lang))
    if st.button(t("load_demo", lang), type="primary", icon=":material/download:"):
        from marsad.ui import loading  # the ingestion pipeline is heavy: import on use

        with st.status(t("loading_demo", lang), expanded=True) as status:
            bar = st.progress(0.0)
            report = loading.load_demo(state.settings(), progress=loading.progress_to(bar))
            status.update(label=t("demo_loaded", lang, stored=report.stored), state="complete")
        state.clear_caches()
        st.rerun()


def no_data(lang: str) -> None:
    st.info(t("no_data_filters", lang))
