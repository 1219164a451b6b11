"""Monitors in the dashboard: the sidebar's "Save this view as a monitor" form (on every page, from the URL's
view) and an alert as safe HTML for the Alerts page (its localized summary, articles linked to the reader)."""

from __future__ import annotations

import functools
import logging
import shlex
from collections.abc import Mapping

import streamlit as st

from marsad.analytics.query import Query
from marsad.errors import MarsadError
from marsad.monitor import atom_feed, create_monitor
from marsad.monitor.saved import MAX_NAME_CHARS
from marsad.ui import components, render, state
from marsad.ui.i18n import display_name, plural, t

LOGGER = logging.getLogger(__name__)

# Articles listed under one alert; the monitor's view lists them all.
ARTICLES_SHOWN = 10


def save_view_form(lang: str) -> None:
    """A sidebar popover saving the current view (the URL's filters and search, not its dates) as a monitor.
    Render it outside the page run's read connection: saving writes the store."""
    with st.popover(t("save_as_monitor", lang), icon=":material/notifications_active:", use_container_width=True):
        with st.form("save-monitor", clear_on_submit=False, border=False):
            name = st.text_input(t("monitor_name", lang), max_chars=MAX_NAME_CHARS, key="_mon_name")
            webhook = st.text_input(t("monitor_webhook", lang), placeholder="https://…", key="_mon_webhook")
            email = st.text_input(t("monitor_email", lang), placeholder="analyst@example.org", key="_mon_email")
            st.caption(t("monitor_save_help", lang))
            submitted = st.form_submit_button(t("monitor_save", lang), type="primary")
        if not submitted:
            return
        try:
            monitor = create_monitor(state.store(), name, state.url_query(), webhook=webhook, email=email)
        except MarsadError as exc:
            LOGGER.info("monitor not saved: %s", exc.message)
            st.error(render.md_escape(exc.message))
            return
        href = render.page_href("alerts", {**_ui(), "monitor": monitor.name})
        st.markdown(f'{render.esc(t("monitor_saved", lang, name=monitor.name))} '
                    f'<a href="{render.esc(href)}" target="_self">{render.esc(t("open_alerts", lang))}</a>',
                    unsafe_allow_html=True)


def _ui() -> dict[str, str]:
    ui = state.param(state.UI_PARAM)
    return {state.UI_PARAM: ui} if ui else {}


def with_unread(name: str, unread: int, lang: str) -> str:
    """A monitor's name for the chooser, with its unread count: "border (2 unread)". The name is isolated
    (FSI … PDI) so an Arabic name does not pull the count's brackets and digits into its own direction."""
    isolated = f"\u2068{name}\u2069"
    return f"{isolated} ({plural('n_unread', lang, unread)})" if unread else isolated


def view_href(query_url: str) -> str:
    """The monitor's view: the Search page with its Query, every date (a monitor has no date range)."""
    params = Query.from_url(query_url).to_params()
    return render.page_href("search", {**params, state.ALL_TIME_PARAM: "1", **_ui()})


def alert_summary(alert: Mapping[str, object], lang: str) -> str:
    """What fired, in the interface language (plain text: escape it to show it)."""
    detail: Mapping[str, object] = alert["detail"]  # type: ignore[assignment]
    if alert["rule"] == "spike":
        return t("alert_spike", lang, day=detail.get("day"), count=detail.get("count"),
                 baseline=f"{float(detail.get('baseline') or 0):g}")  # type: ignore[arg-type]
    if alert["rule"] == "entity":
        names = [display_name(e.get("name_ar"), e.get("name_en"), e.get("key"), lang)
                 for e in detail.get("entities", [])]  # type: ignore[union-attr]
        return t("alert_entities", lang, names="، ".join(names) if lang == "ar" else ", ".join(names))
    return plural("alert_new_articles", lang, len(alert["article_ids"]))  # type: ignore[arg-type]


def articles_html(articles: list[Mapping[str, object]], lang: str) -> str:
    """The alert's articles: titles (escaped, each in its own direction) linking to the reader, outlet and day."""
    items = []
    for a in articles[:ARTICLES_SHOWN]:
        title = str(a.get("title") or "—")
        link = f'<a href="{render.esc(components.article_href(int(a["id"])))}" target="_self">{render.esc(title)}</a>'  # type: ignore[call-overload]
        meta = " · ".join(x for x in (str(a.get("source_name") or a.get("source") or ""),
                                      str(a.get("published_at") or "")[:10]) if x)
        items.append('<div class="marsad-item">' + render.directed(link, render.text_direction(title), cls="marsad-title")
                     + f'<div class="marsad-meta">{render.esc(meta)}</div></div>')
    if len(articles) > ARTICLES_SHOWN:
        items.append(f'<div class="marsad-meta">{render.esc(t("more_articles", lang, n=len(articles) - ARTICLES_SHOWN))}</div>')
    return "".join(items)


def feed_command(name: str) -> str:
    """The shell command that prints monitor ``name``'s Atom feed, its name quoted for the shell."""
    return f"marsad monitors feed {shlex.quote(name)}"


def feed_button(name: str, lang: str) -> None:
    """The monitor's Atom feed as a download (built on click) and the command that writes it, for a feed reader
    that polls a file or a cron job: the dashboard serves no feed address of its own."""
    st.download_button(t("monitor_feed_download", lang), data=functools.partial(atom_feed, state.store(), name),
                       file_name="monitor.atom.xml", mime="application/atom+xml", on_click="ignore",
                       icon=":material/rss_feed:", key=f"feed-{name}")
    st.caption(t("monitor_feed", lang))
    st.code(feed_command(name), language="bash")  # st.code shows any name verbatim: no markdown to escape
