"""Trends: compare up to five series (keyword/boolean queries, entities, topics) over time, as article counts or
share of coverage, by day/week/month; clicking a point lists that bin's articles."""

from datetime import date

import pandas as pd
import streamlit as st

from marsad import analytics
from marsad.ui import charts, combined, components, state
from marsad.ui.i18n import display_name, t

MAX_SERIES = 5  # more lines than this cannot be told apart on one chart
ENTITY_CHOICES = 60  # the entity picker offers the most-mentioned entities in the filters (plus any already chosen)

lang, q = state.lang(), state.query()
st.title(t("page_trends", lang))
st.caption(t("series_help", lang))

c1, c2, c3 = st.columns(3)
with c1:
    state.seed(state.widget_key("sq"), "\n".join(state.param_list("sq")))
    queries = [line.strip() for line in st.text_area(t("series_queries", lang), key=state.widget_key("sq"), height=110).splitlines()]
    queries = [x for x in queries if x]
with c2:
    top = state.call(analytics.top_entities, q, n=ENTITY_CHOICES)
    names = {k: display_name(a, e, k, lang) for k, a, e in zip(top["key"], top["name_ar"], top["name_en"], strict=True)}
    chosen = state.param_list("se")
    for key in chosen:
        if key not in names:
            info = state.call(analytics.entity_info, key)
            names[key] = display_name(info["name_ar"], info["name_en"], key, lang) if info else key
    state.seed(state.widget_key("se"), chosen)
    entities = st.multiselect(t("series_entities", lang), list(names), key=state.widget_key("se"), format_func=lambda k: names.get(k, k),
                              placeholder=t("choose", lang))
with c3:
    topic_list = state.call(analytics.list_topics)
    labels = {str(i): str(lbl) for i, lbl in zip(topic_list["topic_id"], topic_list["label"], strict=True)}
    state.seed(state.widget_key("st"), [x for x in state.param_list("st") if x in labels])
    topics = st.multiselect(t("series_topics", lang), list(labels), key=state.widget_key("st"), format_func=lambda k: labels.get(k, k),
                            placeholder=t("choose", lang))
state.set_params({"sq": queries, "se": entities, "st": topics})

o1, o2 = st.columns(2)
with o1:
    measure = state.choice("m", ["count", "ratio"], default="count", label=t("measure", lang),
                           format_func=lambda v: t("absolute" if v == "count" else "relative", lang))
with o2:
    figs = state.call(combined.key_figures, q)
    first, last = figs["first_date"], figs["last_date"]
    interval = state.choice("int", ["day", "week", "month"], default=combined.auto_interval(first and first.date(), last and last.date()),
                            label=t("interval", lang), format_func=lambda v: t(f"interval_{v}", lang))

series = [("q:" + x, x, q.replace(text=x)) for x in queries]
series += [("e:" + k, names.get(k, k), q.replace(entities=(*q.entities, k))) for k in entities]
series += [("t:" + k, labels.get(k, k), q.replace(topics=(int(k),))) for k in topics]
if len(series) > MAX_SERIES:
    st.warning(t("too_many_series", lang))
    series = series[:MAX_SERIES]
if not series:
    st.info(t("add_series_hint", lang))
    st.stop()

frames = [state.call(analytics.count_over_time, sq, interval=interval).assign(series=label, skey=key) for key, label, sq in series]
data = pd.concat(frames, ignore_index=True)
fig = charts.time_series(
    data, y=measure, series="series", keys="skey", title=t("page_trends", lang), lang=lang, percent=measure == "ratio",
    y_title=t("articles" if measure == "count" else "share", lang), markers=True,  # a click on a point lists its articles
)
event = components.chart(fig, key="trends-chart", on_select=True)
for _key, label, sq in series:
    components.undated_note(sq, lang, label=label)
st.caption(t("click_point", lang))
wide = data.pivot_table(index="bin", columns="series", values=measure, aggfunc="sum", sort=False)
wide = wide[(wide != 0).any(axis=1)].reset_index()  # bins with something in them; the chart shows the gaps
wide.insert(0, t("date", lang), wide.pop("bin").dt.strftime("%Y-%m-%d"))
components.table(wide, name="trends", lang=lang)

points = event.selection.points if event is not None else []
if points:
    point = points[0]
    skey = str(components.selected_custom(event)[0])
    start = date.fromisoformat(str(point["x"])[:10])
    label, series_query = next((lbl, sq) for key, lbl, sq in series if key == skey)
    st.subheader(t("bin_articles", lang, series=label, bin=start.isoformat()))
    listing = state.call(analytics.sample_articles, combined.within_bin(series_query, start, interval), n=25, newest=True)
    components.article_list(listing, lang, name="trend-bin")
