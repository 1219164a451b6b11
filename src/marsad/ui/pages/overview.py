"""Overview: key figures, volume over time by language or source, top people/organisations/places, top topics,
and what is spiking now."""

import streamlit as st

from marsad import analytics
from marsad.ui import charts, combined, components, state
from marsad.ui.i18n import display_name, language_name, t

lang, q = state.lang(), state.query()
st.title(t("page_overview", lang))

figs = state.call(combined.key_figures, q)
if figs["articles"] == 0:
    components.no_data(lang)
    st.stop()

cols = st.columns([1, 1, 1, 1, 2])
cols[0].metric(t("articles", lang), f"{figs['articles']:,}")
cols[1].metric(t("sources_count", lang), f"{figs['sources']:,}")
cols[2].metric(t("languages_count", lang), f"{figs['languages']:,}")
cols[3].metric(t("entities", lang), f"{figs['entities']:,}")
first, last = figs["first_date"], figs["last_date"]
auto_int = combined.auto_interval(first and first.date(), last and last.date())
# Everything below is independent of everything else: started side by side, it costs the slowest call rather
# than the sum of about ten (a new filter at 100k+ articles), and each section below draws as soon as its own
# result is in.
state.prefetch(combined.overview_calls(q, by=state.param("by", combined.DEFAULT_SPLIT), interval=state.param("int", auto_int)))
# Plain text rather than a metric: at metric size "1987-02-26 – 2018-10-19" does not fit its column.
cols[4].markdown(f"{t('date_range', lang)}  \n**{first:%Y-%m-%d} – {last:%Y-%m-%d}**" if first and last else "—")



@st.fragment
def volume_section() -> None:
    """Split and interval only change this chart: as a fragment, toggling them reruns this part alone."""
    left, right = st.columns([3, 1])
    with right:
        by = state.choice("by", ["language", "source"], default=combined.DEFAULT_SPLIT, label=t("split_by", lang),
                          format_func=lambda v: t(f"by_{v}", lang))
        interval = state.choice("int", ["day", "week", "month"], default=auto_int, label=t("interval", lang),
                                format_func=lambda v: t(f"interval_{v}", lang))
    with left:
        volume = state.call(combined.volume_by, q, by=by, interval=interval)
        if by == "language":
            volume = volume.assign(series=[language_name(x, lang) for x in volume["key"]])
        components.chart(
            charts.time_series(volume, series="series", title=t("volume_over_time", lang), y_title=t("articles", lang),
                               lang=lang),
            key="overview-volume",
        )
        components.undated_note(q, lang)


volume_section()

columns = st.columns(3)
for col, (etype, title_key) in zip(columns, [("PER", "top_people"), ("ORG", "top_orgs"), ("LOC", "top_places")], strict=True):
    with col:
        top = state.call(analytics.top_entities, q, type=etype, n=combined.OVERVIEW_TOP_N)
        if top.empty:
            st.subheader(t(title_key, lang))
            st.caption("—")
            continue
        top = top.assign(name=[display_name(a, e, k, lang) for a, e, k in zip(top["name_ar"], top["name_en"], top["key"], strict=True)])
        event = components.chart(
            charts.ranked_bars(top, label="name", value="articles", title=t(title_key, lang), lang=lang, colour_by="type",
                               keys="key"),
            key=f"overview-top-{etype}", on_select=True,
        )
        components.follow_entity_click(event)

# The spikes table has six columns: at half the width its last ones (in Arabic, where the columns run from the
# right, its first: what spiked) would be scrolled out of sight.
left, right = st.columns([1, 2])
with left:
    topics = state.call(analytics.top_topics, q, n=combined.OVERVIEW_TOP_N)
    if topics.empty:
        st.subheader(t("top_topics", lang))
        st.caption(t("no_topics", lang))
    else:
        event = components.chart(
            charts.ranked_bars(topics, label="label", value="share", title=t("top_topics", lang), lang=lang, percent=True,
                               keys="topic_id"),
            key="overview-topics", on_select=True,
        )
        clicked = components.selected_custom(event)
        if clicked:  # a click on a topic bar opens it on the Topics page
            state.switch_to("topics", t=str(clicked[0]))
with right:
    st.subheader(t("spiking_now", lang))
    spikes = components.spikes_table(q, lang)
