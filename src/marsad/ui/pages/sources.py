"""Sources: articles and share of voice per outlet, languages per outlet."""

import streamlit as st

from marsad import analytics
from marsad.ui import charts, components, state
from marsad.ui.i18n import language_name, t

lang, q = state.lang(), state.query()
st.title(t("page_sources", lang))

sources = state.call(analytics.top_sources, q)
if sources.empty:
    components.no_data(lang)
    st.stop()
sources = sources.assign(outlet=sources["name"].where(sources["name"] != "", sources["source"]))
left, right = st.columns(2)
with left:
    components.chart(charts.ranked_bars(sources.head(20), label="outlet", value="articles", title=t("volume_by_source", lang),
                                        lang=lang), key="sources-volume")
with right:
    components.chart(charts.ranked_bars(sources.head(20), label="outlet", value="share", title=t("share_of_voice", lang),
                                        lang=lang, percent=True), key="sources-share")

langs = state.call(analytics.languages_by_source, q)
if not langs.empty:
    langs = langs.assign(outlet=langs["name"].where(langs["name"] != "", langs["source"]),
                         language_name=[language_name(x, lang) for x in langs["language"]])
    components.chart(charts.stacked_shares(langs, row="outlet", part="language_name", value="articles",
                                           title=t("languages_by_source", lang), lang=lang), key="sources-languages")
components.table(sources[["outlet", "source", "articles", "share"]], name="sources", lang=lang,
                 columns={"outlet": t("source", lang), "source": "key", "articles": t("articles", lang),
                          "share": t("share_of_voice", lang)})
