"""Monitors in the dashboard: the sidebar's "Save this view as a monitor" form (on every page, from the URL's
view); on the Alerts page, a monitor's Query line, the forms that edit and remove it (through marsad.monitor, which
keeps the baseline rule), and an alert as safe HTML (its localized summary, articles linked to the reader).
Every text a person typed or an outlet wrote is isolated (``dir="auto"``, or FSI … PDI in plain text), so Arabic
beside Latin reads in its own direction wherever it is shown."""

from __future__ import annotations

import functools
import logging
import shlex
from collections.abc import Mapping

import streamlit as st

from marsad import analytics
from marsad.analytics.query import Query
from marsad.errors import MarsadError
from marsad.monitor import Monitor, atom_feed, create_monitor, edit_monitor, remove_monitor
from marsad.monitor.saved import MAX_NAME_CHARS
from marsad.text.bidi import isolate, ltr_isolate
from marsad.ui import components, render, state
from marsad.ui.i18n import display_name, language_name, plural, t

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
        st.markdown(f'{render.esc(t("monitor_saved", lang, name=isolate(monitor.name)))} '
                    f'<a href="{render.esc(href)}" target="_self">{render.esc(t("open_alerts", lang))}</a>',
                    unsafe_allow_html=True)


def _ui() -> dict[str, str]:
    ui = state.param(state.UI_PARAM)
    return {state.UI_PARAM: ui} if ui else {}


def with_unread(name: str, unread: int, lang: str) -> str:
    """A monitor's name for the chooser, with its unread count: "border (2 unread)". The name is isolated
    (FSI … PDI) so an Arabic name does not pull the count's brackets and digits into its own direction."""
    isolated = isolate(name)
    return f"{isolated} ({plural('n_unread', lang, unread)})" if unread else isolated


def view_href(query: Query) -> str:
    """The monitor's view: the Search page with its Query, every date (a monitor has no date range)."""
    params = query.to_params()
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
        names = [isolate(n) for n in names]  # an English name in an Arabic sentence, or the other way round
        return t("alert_entities", lang, names="، ".join(names) if lang == "ar" else ", ".join(names))
    return plural("alert_new_articles", lang, len(alert["article_ids"]))  # type: ignore[arg-type]


def articles_html(articles: list[Mapping[str, object]], lang: str) -> str:
    """The alert's articles: titles (escaped, each in its own direction) linking to the reader, outlet and day."""
    items = []
    for a in articles[:ARTICLES_SHOWN]:
        title = str(a.get("title") or "—")
        link = f'<a href="{render.esc(components.article_href(int(a["id"])))}" target="_self">{render.esc(title)}</a>'  # type: ignore[call-overload]
        outlet, day = str(a.get("source_name") or a.get("source") or ""), str(a.get("published_at") or "")[:10]
        meta = " · ".join(x for x in (isolate(outlet) if outlet else "", ltr_isolate(day) if day else "") if x)
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


def query_html(query: Query) -> str:
    """A monitor's Query as the address bar holds it (``q=…&lang=ar``), left to right, each value in its own
    direction (``dir="auto"`` isolates it): "q=ترامب كوريا" rather than "ترامب كوريا=q" in the Arabic interface."""
    parts = []
    for key, values in query.to_params().items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(f'{render.esc(key)}=<span dir="auto">{render.esc(value)}</span>')
    return f'<span dir="ltr">{"&amp;".join(parts)}</span>'


def _options(available: object, chosen: tuple[str, ...]) -> list[str]:
    """The store's values for a filter widget, with the monitor's own first (kept even when no article has them)."""
    return list(dict.fromkeys([*chosen, *(str(x) for x in available if x)]))  # type: ignore[attr-defined]


def edit_form(monitor: Monitor, lang: str) -> None:
    """An expander with the monitor's search, filters and delivery in a form, saved through
    :func:`marsad.monitor.edit_monitor` (what the changed Query matches now joins the baseline, docs/monitors.md).
    A refused change is said in one line and the form keeps what was typed."""
    q, key = monitor.query, f"_mon_edit_{monitor.id}"
    src_df = state.call(analytics.list_sources)
    source_names = dict(zip(src_df["source"].astype(str), src_df["name"].astype(str), strict=True))
    topic_df = state.call(analytics.list_topics)
    topic_labels = {str(i): str(label) for i, label in zip(topic_df["topic_id"], topic_df["label"], strict=True)}
    with st.expander(t("monitor_edit", lang), icon=":material/edit:"), st.form(key, border=False):
        text = st.text_input(t("search_box", lang), value=q.text, key=f"{key}_q")
        languages = st.multiselect(t("languages", lang), _options(state.call(analytics.list_languages)["language"], q.languages),
                                   default=list(q.languages), key=f"{key}_lang", placeholder=t("all", lang),
                                   format_func=lambda code: language_name(code, lang))
        sources = st.multiselect(t("sources", lang), _options(source_names, q.sources), default=list(q.sources),
                                 key=f"{key}_src", placeholder=t("all", lang),
                                 format_func=lambda k: source_names.get(k) or k)
        entities = st.multiselect(t("entities", lang), list(q.entities), default=list(q.entities), key=f"{key}_ent",
                                  accept_new_options=True, help=t("monitor_entities_help", lang))
        topics = st.multiselect(t("series_topics", lang), _options(topic_labels, tuple(str(x) for x in q.topics)),
                                default=[str(x) for x in q.topics], key=f"{key}_topic",
                                format_func=lambda k: f"{k} · {topic_labels[k]}" if k in topic_labels else k)
        dups = st.checkbox(t("include_duplicates", lang), value=q.include_duplicates, key=f"{key}_dups")
        webhook = st.text_input(t("monitor_webhook", lang), value=monitor.webhook or "", placeholder="https://…",
                                key=f"{key}_webhook")
        email = st.text_input(t("monitor_email", lang), value=monitor.email or "", placeholder="analyst@example.org",
                              key=f"{key}_email")
        st.caption(t("monitor_edit_help", lang))
        submitted = st.form_submit_button(t("monitor_edit_save", lang), type="primary")
    if not submitted:
        return
    try:
        edit_monitor(state.store(), monitor.name, Query(text=text, languages=languages, sources=sources,
                                                        entities=entities, topics=topics, include_duplicates=dups),
                     webhook=webhook, email=email)
    except MarsadError as exc:
        LOGGER.info("monitor %s not changed: %s", monitor.name, exc.message)
        st.error(render.md_escape(exc.message))
        return
    st.session_state["_mon_done"] = t("monitor_edited", lang, name=isolate(monitor.name))
    st.rerun()


def remove_buttons(monitor: Monitor, alerts: int, lang: str) -> None:
    """"Remove this monitor", then a confirmation naming it and its number of alerts (Remove / Cancel)."""
    asking = f"_mon_remove_{monitor.id}"
    if not st.session_state.get(asking):
        if st.button(t("monitor_remove", lang), key=f"monitor-remove-{monitor.id}", icon=":material/delete:"):
            st.session_state[asking] = True
            st.rerun()
        return
    st.warning(render.md_escape(t("monitor_remove_confirm", lang, name=isolate(monitor.name), alerts=alerts)))
    yes, no = st.columns(2)
    if yes.button(t("monitor_remove_yes", lang), key=f"monitor-remove-yes-{monitor.id}", type="primary"):
        remove_monitor(state.store(), monitor.name)
        del st.session_state[asking]
        st.session_state.pop(state.widget_key("monitor"), None)  # the chooser held the removed name
        for widget in [k for k in st.session_state if str(k).startswith(f"_mon_edit_{monitor.id}_")]:
            del st.session_state[widget]  # a monitor made later may get this id: its form starts from its own values
        state.set_params({"monitor": None})
        st.session_state["_mon_done"] = t("monitor_removed", lang, name=isolate(monitor.name))
        st.rerun()
    if no.button(t("cancel", lang), key=f"monitor-remove-no-{monitor.id}"):
        del st.session_state[asking]
        st.rerun()


def done_message() -> None:
    """What the last edit or removal did, once, after the rerun that shows its result."""
    done = st.session_state.pop("_mon_done", None)
    if done:
        st.success(render.md_escape(done))
