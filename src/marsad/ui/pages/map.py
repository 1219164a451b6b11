"""Map: places mentioned in the current filters as bubbles (size = mentions) on an offline base map, a time slider,
and a click on a bubble (or the picker under the map) filters every page by that place."""

import hashlib

import pandas as pd
import streamlit as st

from marsad import analytics
from marsad.ui import charts, combined, components, render, state
from marsad.ui.i18n import display_name, t

MAX_PLACES = 300  # bubbles drawn; beyond this the map is a carpet

lang, q = state.lang(), state.query()
st.title(t("page_map", lang))

figs = state.call(combined.key_figures, q)
first, last = figs["first_date"], figs["last_date"]
window = q
if first and last and first.date() < last.date():
    interval = combined.auto_interval(first.date(), last.date())
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[interval]
    starts = [d.date() for d in pd.date_range(pd.Timestamp(first.date()).to_period(freq[0]).start_time, last.date(), freq=freq)]
    steps = starts or [first.date()]
    wanted = state.date_list_param("win")
    lo, hi = sorted(wanted) if len(wanted) == 2 else (steps[0], steps[-1])
    lo = min(steps, key=lambda d: abs((d - lo).days))
    hi = min(steps, key=lambda d: abs((d - hi).days))
    # The slider's options depend on the filters; a new set of options is a new widget (seeded from the URL)
    # rather than one whose stored position no longer exists.
    key = state.widget_key(f"win-{steps[0]}-{steps[-1]}-{len(steps)}")
    if len(steps) > 1:
        picked = st.select_slider(t("time_window", lang), options=steps, value=(lo, hi), key=key,
                                  format_func=lambda d: d.isoformat())
        lo, hi = picked if isinstance(picked, tuple | list) else (picked, picked)
    full = (lo, hi) == (steps[0], steps[-1])
    state.set_params({"win": None if full else [lo.isoformat(), hi.isoformat()]})
    if not full:
        window = combined.within_bin(q, lo, "day").replace(end=max(lo, min(combined.bin_end(hi, interval), q.end or last.date())))

places = state.call(analytics.top_places, window, n=MAX_PLACES)
if places.empty:
    st.info(t("no_places", lang))
    st.stop()
places = places.assign(label=[display_name(a, e, n, lang) for a, e, n in zip(places["name_ar"], places["name_en"], places["name"], strict=True)])
# A click on a bubble filters every page by that place. The chart's key follows the place filters: once a click
# has been applied (or a chip removed) the chart starts afresh, so a stale selection cannot put a filter back.
event = components.chart(
    charts.bubble_map(places, name="label", size="mentions", key="key", title=t("places_map", lang), lang=lang),
    key=state.widget_key("map-" + hashlib.sha1("|".join(q.entities).encode()).hexdigest()[:10]),
    on_select=True, selection_mode="points",
)
st.caption(t("map_hint", lang))
# The picker does the same from the keyboard (and for screen readers, which cannot aim at a bubble).
names = dict(zip(places["key"].astype(str), places["label"].astype(str), strict=True))
picked = st.selectbox(t("click_place", lang), [""] + [k for k in names if k not in q.entities],
                      format_func=lambda k: names.get(k, "—") if k else "—", key=state.widget_key("place"))
clicked = components.selected_custom(event)
chosen = str(clicked[0]) if clicked else picked
if chosen and chosen not in q.entities:
    state.set_params({"ent": [*q.entities, chosen]})
    st.session_state.pop(state.widget_key("place"), None)
    st.rerun()

for key in q.entities:
    name = places.loc[places["key"] == key, "label"]
    st.info(t("place_filter", lang, name=render.md_escape(name.iloc[0] if len(name) else key)))
left, right = st.columns(2)
with left:
    components.table(places[["label", "country", "mentions", "articles", "lat", "lon", "key"]], name="places", lang=lang,
                     columns={"label": t("top_places", lang), "country": "ISO", "mentions": t("mentions", lang),
                              "articles": t("articles", lang), "lat": "lat", "lon": "lon"}, height=400)
with right:
    st.subheader(t("latest_articles", lang))
    components.article_list(state.call(analytics.sample_articles, window, n=15, newest=True), lang, name="map-articles")
