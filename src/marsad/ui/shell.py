"""The frame around every page: styles and direction, navigation that keeps the filters, the sidebar filter set,
the empty-store panel, and the error boundary (a clear message, never a traceback)."""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from marsad import analytics
from marsad.analytics.query import Query
from marsad.errors import MarsadError
from marsad.ui import combined, components, demo_notice, monitors, render, state
from marsad.ui.i18n import UI_LANGS, language_name, layout_css, t
from marsad.ui.navigation import PAGES, WORKS_WITHOUT_DATA

# Pages that write to the store: an open reader in this process would keep their writes out.
WRITING_PAGES = frozenset({"ingest", "alerts"})

LOGGER = logging.getLogger(__name__)
_LANG_LABELS = {"en": "English", "ar": "العربية"}


def build_pages() -> dict[str, StreamlitPage]:
    lang = state.lang()
    return {
        p.slug: st.Page(p.path, title=t(p.title_key, lang), icon=p.icon, url_path=p.slug, default=p.slug == PAGES[0].slug)
        for p in PAGES
    }


def _language_switch() -> str:
    state.seed("_ui_lang", state.lang())
    choice = st.segmented_control(
        t("interface_language", state.lang()),
        UI_LANGS,
        format_func=_LANG_LABELS.get,
        key="_ui_lang",
        label_visibility="collapsed",
    )
    lang = choice or state.lang()
    state.set_params({state.UI_PARAM: None if lang == "en" else lang})
    return lang


def _nav(pages: dict[str, StreamlitPage], lang: str) -> None:
    carry = state.global_params()
    for spec in PAGES:
        st.page_link(pages[spec.slug], label=t(spec.title_key, lang), icon=spec.icon, query_params=carry)


ALL_ARTICLES = combined.ALL_ARTICLES


def frame_calls() -> list[combined.Call]:
    """The analytics calls the frame makes on every page run (the store's bounds and default period, the
    sidebar's choices)."""
    return [(combined.key_figures, (ALL_ARTICLES,), {}), (combined.default_view, (), {}),
            (analytics.list_languages, (), {}), (analytics.list_sources, (), {})]


def default_query() -> Query:
    """The view of a visitor whose URL names no dates and no filters: the store's densest period
    (combined.default_view). The server's warm-up computes this view before the first visitor arrives."""
    return state.call(combined.default_view)


def _dates(lang: str, url_q: Query, first: date, last: date) -> tuple[date | None, date | None]:
    """The date picker and the "all time" button → the view's (start, end).

    Three kinds of view, and how the URL says each: explicit dates (``from``/``to``, restored exactly as linked);
    all time (``all=1``: no date filter, undated articles included); the default, the densest period
    (combined.default_view), which is what no dates in the URL means."""
    default = default_query()
    usual = (default.start or first, default.end or last)
    linked = None
    if url_q.start or url_q.end:
        start = url_q.start or first
        linked = (start, max(start, url_q.end or last))  # a link may start after the data ends: show that, no error
    all_time = state.param(state.ALL_TIME_PARAM) == "1"
    start, end = linked or ((first, last) if all_time else usual)
    state.seed("_f_dates", (start, end))
    picked = tuple(st.date_input(t("date_range", lang), min_value=min(first, start), max_value=max(last, end),
                                 key="_f_dates"))
    f_start, f_end = picked if len(picked) == 2 else (start, end)  # one end picked so far: keep the last view
    if (f_start, f_end) == linked:
        view, dates = "linked", (url_q.start, url_q.end)
    elif (f_start, f_end) == usual:
        view, dates = "default", (default.start, default.end)
    elif (f_start, f_end) == (first, last):
        view, dates = "all", (None, None)
    else:  # a bound at the store's edge is left open, as in a link that names only the other one
        view, dates = "linked", (None if f_start == first else f_start, None if f_end == last else f_end)
    in_url = dates if view == "linked" else (None, None)
    state.set_params({"from": in_url[0] and in_url[0].isoformat(), "to": in_url[1] and in_url[1].isoformat(),
                      state.ALL_TIME_PARAM: "1" if view == "all" else None})
    if view == "default" and default.start:
        st.caption(t("default_period_note", lang))
    st.button(t("all_time", lang), key="_f_all_time", icon=":material/date_range:", on_click=_show_all_time,
              args=(first, last), disabled=(f_start, f_end) == (first, last))
    return dates


def _show_all_time(first: date, last: date) -> None:
    """The "all time" button: the picker spans the store and the URL names no dates (a callback, so the picker's
    value can change before it is drawn)."""
    st.session_state["_f_dates"] = (first, last)
    state.set_params({"from": None, "to": None})


def _filters(lang: str) -> Query:
    """The sidebar filter set → Query (without the text part, which belongs to the Search and Trends pages)."""
    url_q = state.url_query()
    bounds = state.call(combined.key_figures, ALL_ARTICLES)
    first, last = _as_day(bounds.get("first_date")), _as_day(bounds.get("last_date"))
    st.subheader(t("filters", lang))
    f_start, f_end = _dates(lang, url_q, first, last) if first and last else (url_q.start, url_q.end)
    lang_df = state.call(analytics.list_languages)
    src_df = state.call(analytics.list_sources)
    languages = [str(x) for x in lang_df["language"] if x]
    source_names = dict(zip(src_df["source"].astype(str), src_df["name"].astype(str), strict=True))
    state.seed("_f_lang", [x for x in url_q.languages if x in languages])
    chosen_langs = st.multiselect(
        t("languages", lang), languages, key="_f_lang", placeholder=t("all", lang),
        format_func=lambda code: language_name(code, lang),
    )
    state.seed("_f_src", [x for x in url_q.sources if x in source_names])
    chosen_src = st.multiselect(
        t("sources", lang), list(source_names), key="_f_src", placeholder=t("all", lang),
        format_func=lambda key: source_names.get(key) or key,
    )
    state.seed("_f_dups", url_q.include_duplicates)
    dups = st.toggle(t("include_duplicates", lang), key="_f_dups")
    query = Query(
        start=f_start,
        end=f_end,
        languages=tuple(chosen_langs),
        sources=tuple(chosen_src),
        entities=url_q.entities,
        topics=url_q.topics,
        include_duplicates=bool(dups),
        # Undated articles have no place in a date range: picking dates ends the undated-only listing.
        undated=url_q.undated and f_start is None and f_end is None,
    )
    components.active_filter_chips(query, lang)
    st.caption(t("share_hint", lang))
    return query


def _as_day(value: object) -> date | None:
    if value is None or value != value:  # None or NaN/NaT
        return None
    if hasattr(value, "date"):
        return value.date()  # type: ignore[no-any-return, union-attr]
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _store_is_empty() -> bool:
    return int(state.call(combined.key_figures, ALL_ARTICLES).get("articles", 0)) == 0


def run(current: StreamlitPage, pages: dict[str, StreamlitPage]) -> None:
    """Render the frame and run ``current`` inside the error boundary."""
    slug = current.url_path or PAGES[0].slug  # the default page is served at "/" with an empty url_path
    state.set_page(slug)
    lang = state.lang()
    with st.sidebar:
        lang = _language_switch()
    st.html(layout_css(lang))
    with st.sidebar:
        st.markdown(f"### {t('app_title', lang)}")
        st.caption(t("tagline", lang))
        _nav(pages, lang)
        st.divider()
    demo_load = demo_notice.show(lang)  # while `make run` still loads the demo corpus in the background
    try:
        with state.run_connection():
            state.prefetch(frame_calls())
            empty = _store_is_empty()
            if not empty:
                with st.sidebar:
                    state.set_query(_filters(lang))
        if empty and slug not in WORKS_WITHOUT_DATA:
            if demo_load is None or not demo_load.running:  # while the demo is being stored, its notice says so
                components.empty_store_panel(lang)  # its demo button writes: no reader may be open
            return
        if not empty:
            with st.sidebar:  # between the read blocks: saving writes the store (the URL holds the page's search too)
                monitors.save_view_form(lang)
        if slug in WRITING_PAGES:
            current.run()
        else:
            with state.run_connection():
                current.run()
    except MarsadError as exc:
        LOGGER.warning("page %s: %s (%s)", slug, exc.message, exc.detail)
        st.error(render.md_escape(exc.message))  # messages quote the URL or search text they refuse
    except Exception:
        LOGGER.exception("page %s failed", slug)
        st.error(t("error_generic", lang))
