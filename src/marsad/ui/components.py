"""Reusable Streamlit pieces: tables with a safe CSV export, article lists, chips, the empty-store panel.

Text from articles goes through st.dataframe/st.text (inert by construction) or through marsad.ui.render
(escaped) before any unsafe_allow_html markdown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from marsad.analytics.query import Query
from marsad.ui import charts, combined, export, render, state
from marsad.ui.i18n import display_name, is_rtl, language_name, ltr_isolate, plural, t

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
    """A table (renamed for display) with a CSV download of exactly what is shown (columns in their logical
    order), spreadsheet-safe."""
    shown = df.rename(columns=columns) if columns else df
    if columns:
        shown = shown[[c for c in columns.values() if c in shown.columns]]
    kwargs = {"height": height} if height else {}
    st.dataframe(reading_order(shown, lang), hide_index=True, width="stretch", **kwargs)
    st.download_button(
        t("download_csv", lang),
        data=export.to_csv_bytes(shown),
        file_name=f"marsad-{_SAFE_NAME.sub('-', name)}.csv",
        mime="text/csv",
        key=f"dl-{name}",
        icon=":material/download:",
    )


def reading_order(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its columns in the order st.dataframe should draw them: st.dataframe paints a canvas that lays
    columns out left to right whatever the page's direction (it does set each Arabic cell right to left itself),
    so in the Arabic interface they go in reverse and the table reads from the right like the page around it."""
    return df[df.columns[::-1]] if is_rtl(lang) else df


def meta_line(text: str) -> None:
    """A small grey line of untrusted text (outlet, author, URL, key): escaped HTML, so neither markup nor
    markdown link syntax in it does anything."""
    st.markdown(f'<div class="marsad-meta">{render.esc(text)}</div>', unsafe_allow_html=True)


def rtl_text(text: str, *, tag: str = "div", cls: str = "") -> None:
    """Untrusted text shown escaped, in a container whose direction follows its script (Arabic: rtl, right-aligned)."""
    st.markdown(render.text_block(text, tag=tag, cls=cls), unsafe_allow_html=True)


def article_href(article_id: int) -> str:
    """Link to the article reader (Search page) keeping the filters and language."""
    return render.page_href("search", {**state.global_params(), "a": str(int(article_id))})


def entity_href(key: str) -> str:
    """Link to an entity's page keeping the filters and language."""
    return render.page_href("entities", {**state.global_params(), "entity": key})


def article_list(df: pd.DataFrame, lang: str, *, name: str, export_csv: bool = True) -> None:
    """Articles as a list: each title (escaped, in its own direction) links to the reader; outlet, date and
    language under it; the search snippet with hits highlighted when there is one. Plus a CSV of the list."""
    items = []
    for row in df.to_dict("records"):
        title = str(row.get("title") or "—")
        link = f'<a href="{render.esc(article_href(row["id"]))}" target="_self">{render.esc(title)}</a>'
        when = row.get("published_at")
        meta = " · ".join(
            x for x in (str(row.get("source_name") or row.get("source") or ""), _day(when),
                        language_name(row["language"], lang) if row.get("language") else "") if x
        )
        parts = [render.directed(link, render.text_direction(title), cls="marsad-title"),
                 f'<div class="marsad-meta">{render.esc(meta)}</div>']
        if row.get("snippet"):
            parts.append(render.snippet_html(str(row["snippet"]), row.get("hits") or ()))
        items.append('<div class="marsad-item">' + "".join(parts) + "</div>")
    st.markdown("".join(items) or "—", unsafe_allow_html=True)
    if export_csv and len(df):
        st.download_button(
            t("download_csv", lang), data=export.to_csv_bytes(df.drop(columns=[c for c in ("hits",) if c in df.columns])),
            file_name=f"marsad-{_SAFE_NAME.sub('-', name)}.csv", mime="text/csv", key=f"dl-{name}", icon=":material/download:",
        )


def _day(value: object) -> str:
    """The day as 2018-04-10, kept in that order beside Arabic text (where it would otherwise show as 10-04-2018)."""
    if value is None or value != value:  # None or NaT
        return ""
    return ltr_isolate(value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)[:10])


def undated_note(query: Query, lang: str, *, label: str = "") -> None:
    """Under a time chart of ``query``: how many matching articles have no date (the chart cannot place them),
    with a link listing them on the Search page; nothing when there are none. ``label`` names the series."""
    from marsad import analytics

    n = state.call(analytics.count_undated, query)
    if n <= 0:
        return
    text = plural("n_undated", lang, n)
    if label:
        text = f"{label}: {text}"
    href = undated_href(query)
    st.markdown(f'<div class="marsad-meta marsad-undated">{render.esc(text)} · '
                f'<a href="{render.esc(href)}" target="_self">{render.esc(t("list_undated", lang))}</a></div>',
                unsafe_allow_html=True)


def undated_href(query: Query) -> str:
    """Link to the Search page listing the undated articles of ``query`` (its filters and text, every date)."""
    from marsad import analytics

    listed = analytics.undated_only(query).to_params()
    ui = state.param(state.UI_PARAM)
    return render.page_href("search", {**listed, state.ALL_TIME_PARAM: "1", **({state.UI_PARAM: ui} if ui else {})})


def active_filter_chips(query: Query, lang: str) -> None:
    """Entity/topic filters set from other pages (a map click, a link), each removable."""
    from marsad import analytics

    for key in query.entities:
        info = state.call(analytics.entity_info, key)
        name = display_name(info["name_ar"], info["name_en"], key, lang) if info else key
        if st.button(f"✕ {render.md_escape(name)}", key=f"chip-ent-{key}", help=t("clear_place", lang)):
            state.set_params({"ent": [e for e in query.entities if e != key]})
            st.rerun()
    for topic in query.topics:
        if st.button(f"✕ {t('topic', lang)} {topic}", key=f"chip-topic-{topic}"):
            state.set_params({"topic": [str(x) for x in query.topics if x != topic]})
            st.rerun()
    if query.undated:
        if st.button(f"✕ {t('undated_only', lang)}", key="chip-undated"):
            state.set_params({"undated": None})
            st.rerun()


def empty_store_panel(lang: str) -> None:
    """What to do when the store has no articles, with a button that loads the bundled demo corpus: in a background
    process, as ``make run`` does (marsad.ingest.demo_background), so the page answers meanwhile and every page's
    notice (marsad.ui.demo_notice) says how far the load is."""
    st.header(t("empty_title", lang))
    st.markdown(t("empty_body", lang))
    if st.button(t("load_demo", lang), type="primary", icon=":material/download:"):
        from marsad.ingest.demo_background import start_background_load

        with st.spinner(t("starting_demo", lang)):  # a second or two: the process starts a fresh interpreter
            started = start_background_load(state.settings())
        LOGGER.info("demo load from the dashboard: %s (process %s)", started.outcome, started.pid)
        state.clear_caches()
        st.rerun()  # the notice takes over while the load runs; the pages fill as its stages end


def no_data(lang: str) -> None:
    st.info(t("no_data_filters", lang))


def selected_custom(event) -> list[object]:
    """The customdata of the first point selected in a Plotly chart event (empty when nothing is selected)."""
    try:
        points = event.selection.points if event is not None else []
    except AttributeError:
        return []
    for point in points or []:
        data = point.get("customdata")
        if data is not None:
            return list(data) if isinstance(data, list | tuple) else [data]
    return []


def follow_entity_click(event) -> None:
    """A click on an entity bar opens that entity's page (keeping the filters)."""
    custom = selected_custom(event)
    if custom:
        state.switch_to("entities", entity=str(custom[0]))


def spikes_table(query: Query, lang: str) -> None:
    """What is bursting against its own baseline, for entities, topics and keywords together."""
    from marsad import analytics

    frames = []
    for kind in combined.SPIKE_KINDS:
        df = state.call(analytics.spikes, query, kind=kind)
        if len(df):
            frames.append(df.assign(kind=kind))
    if not frames:
        st.caption(t("no_spikes", lang))
        return
    spikes = pd.concat(frames, ignore_index=True).sort_values("z", ascending=False).head(15)
    spikes = spikes.assign(kind=[t(f"spike_{k}", lang) for k in spikes["kind"]], z=spikes["z"].round(1),
                           baseline=spikes["baseline"].round(1))
    table(spikes, name="spikes", lang=lang, columns={
        "kind": t("spike_kind", lang), "label": t("spike_what", lang), "day": t("spike_when", lang),
        "count": t("articles", lang), "baseline": t("spike_baseline", lang), "z": t("spike_size", lang),
    })


def download(df: pd.DataFrame, *, name: str, lang: str) -> None:
    """A spreadsheet-safe CSV download of ``df`` (for tables shown some other way)."""
    st.download_button(t("download_csv", lang), data=export.to_csv_bytes(df), file_name=f"marsad-{_SAFE_NAME.sub('-', name)}.csv",
                       mime="text/csv", key=f"dl-{name}", icon=":material/download:")
