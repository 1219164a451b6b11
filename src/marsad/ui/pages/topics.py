"""Topics: readable labels and top terms, topics over time, topics by source, representative articles."""

import streamlit as st

from marsad import analytics
from marsad.ui import charts, combined, components, state
from marsad.ui.i18n import t

N_TOPICS = 12  # topics charted; the table lists them all

lang, q = state.lang(), state.query()
st.title(t("page_topics", lang))

top = state.call(analytics.top_topics, q, n=50)
if top.empty:
    st.info(t("no_topics", lang))
    st.stop()

top = top.assign(terms_text=[" · ".join(map(str, terms[:10])) for terms in top["terms"]])
left, right = st.columns([2, 3])
with left:
    components.chart(charts.ranked_bars(top.head(N_TOPICS), label="label", value="share", title=t("top_topics", lang),
                                        lang=lang, percent=True, height=420), key="topics-bars")


@st.fragment
def topic_detail() -> None:
    """Choosing a topic only changes this column: as a fragment, the charts around it are not redrawn."""
    labels = {str(i): str(lbl) for i, lbl in zip(top["topic_id"], top["label"], strict=True)}
    chosen = state.choice("t", list(labels), default=next(iter(labels)), label=t("topic", lang), widget="select",
                          format_func=lambda k: labels.get(k, k))
    row = top[top["topic_id"].astype(str) == chosen].iloc[0]
    st.markdown(f"**{t('top_terms', lang)}**")
    components.rtl_text(row["terms_text"])
    st.caption(f"{t('articles', lang)}: {int(row['articles']):,} · {t('share', lang)}: {row['share']:.1%}")
    st.markdown(f"**{t('representative_articles', lang)}**")
    reps = state.call(analytics.topic_articles, int(chosen), q, n=8)
    components.article_list(reps, lang, name=f"topic-{chosen}")


with right:
    topic_detail()

figs = state.call(combined.key_figures, q)
first, last = figs["first_date"], figs["last_date"]
interval = state.choice("int", ["day", "week", "month"], default=combined.auto_interval(first and first.date(), last and last.date()),
                        label=t("interval", lang), format_func=lambda v: t(f"interval_{v}", lang))
over_time = state.call(analytics.topics_over_time, q, interval=interval, n=8)
components.chart(charts.time_series(over_time, y="share", series="label", title=t("topics_over_time", lang), lang=lang,
                                    percent=True, y_title=t("share", lang)), key="topics-time")
if not over_time.empty:  # the undated articles carrying the topics charted
    components.undated_note(q.replace(topics=tuple(int(x) for x in over_time["topic_id"].unique())), lang)
by_source = state.call(analytics.topic_by_source, q, n=N_TOPICS)
if not by_source.empty:
    by_source = by_source.assign(outlet=by_source["name"].where(by_source["name"] != "", by_source["source"]))
    components.chart(charts.heat_table(by_source, row="label", col="outlet", value="articles", title=t("topic_by_source", lang),
                                       lang=lang, rows=list(top["label"].head(N_TOPICS))), key="topics-sources")
components.table(top[["topic_id", "label", "terms_text", "articles", "share"]], name="topics", lang=lang,
                 columns={"topic_id": "id", "label": t("topic", lang), "terms_text": t("top_terms", lang),
                          "articles": t("articles", lang), "share": t("share", lang)})
