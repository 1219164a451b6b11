"""Alerts: an inbox per monitor (unread first or all), each alert linking to its articles in the reader and to the
monitor's view; delivery failures shown; mark read/unread; the monitor's briefing (HTML/PDF, marsad.ui.briefing);
the monitor's search, filters and delivery edited, or the monitor removed (after a confirmation).
Monitors come from the sidebar's "Save this view as a monitor" or `marsad monitors add`."""

import streamlit as st

from marsad.monitor import alert_records, load_monitor
from marsad.monitor.deliver import deliver_pending
from marsad.store import monitors as saved
from marsad.ui import briefing, monitors, render, state
from marsad.ui.i18n import ltr_isolate, t

lang = state.lang()
st.title(t("page_alerts", lang))
monitors.done_message()
store = state.store()

unread = saved.unread_counts(store)
if not unread:
    st.info(t("no_monitors", lang))
    st.stop()
names = list(unread)
name = state.choice("monitor", names, default=names[0], label=t("monitor", lang), widget="selectbox",
                    format_func=lambda n: monitors.with_unread(n, unread[n], lang))
monitor = load_monitor(store, name)
show = state.choice("show", ["all", "unread"], default="all", label=t("alerts_show", lang),
                    format_func=lambda v: t(f"alerts_{v}", lang))

links = f'<a href="{render.esc(monitors.view_href(monitor.query))}" target="_self">{render.esc(t("monitor_view", lang))}</a>'
st.markdown(f'<div class="marsad-meta">{monitors.query_html(monitor.query)}</div>{links}', unsafe_allow_html=True)
monitors.edit_form(monitor, lang)
monitors.remove_buttons(monitor, len(saved.list_alerts(store, monitor=name)), lang)
monitors.feed_button(name, lang)
briefing.briefing_buttons(name, monitor.query, lang)  # before the inbox: a briefing needs no alert

rows = saved.list_alerts(store, monitor=name, unread_only=show == "unread", limit=200)
if not rows:
    st.info(t("no_alerts", lang))
    st.stop()
if unread[name] and st.button(t("mark_all_read", lang), key="alerts-all-read", icon=":material/done_all:"):
    saved.mark_read(store, [r["id"] for r in rows if not r["read"]])
    st.rerun()

for alert in alert_records(store, rows):
    with st.container(border=True):
        head = monitors.alert_summary(next(r for r in rows if r["id"] == alert["id"]), lang)
        mark = "" if alert["read"] else f'<span class="marsad-new">{render.esc(t("alert_unread", lang))}</span> '
        st.markdown(f'<div class="marsad-title">{mark}{render.esc(head)}</div>'
                    f'<div class="marsad-meta">{render.esc(ltr_isolate(alert["fired_at"][:16].replace("T", " ") + " UTC"))}</div>',
                    unsafe_allow_html=True)
        if alert["delivery"] == "failed":
            failure = t("delivery_failed", lang, error=alert["delivery_error"] or "")
            st.markdown(render.directed(render.esc(failure), render.text_direction(failure), cls="marsad-failed"),
                        unsafe_allow_html=True)
            if st.button(t("retry_delivery", lang), key=f"alert-retry-{alert['id']}", icon=":material/send:"):
                saved.set_delivery(store, alert["id"], status="pending")
                with st.spinner(t("delivering", lang)):  # bounded: settings.delivery_deadline_s
                    deliver_pending(store, settings=state.settings())
                st.rerun()
        elif alert["delivery"] != "none":
            st.caption(t(f"delivery_{alert['delivery']}", lang))
        st.markdown(monitors.articles_html(alert["articles"], lang), unsafe_allow_html=True)
        label, read = (t("mark_unread", lang), False) if alert["read"] else (t("mark_read", lang), True)
        if st.button(label, key=f"alert-read-{alert['id']}"):
            saved.mark_read(store, [alert["id"]], read=read)
            st.rerun()
