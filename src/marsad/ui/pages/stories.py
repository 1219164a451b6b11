"""Stories: the largest stories in the current filters (size, outlets, languages, first and last seen), and one
story's title in each language, its timeline and its articles (each linking to the reader)."""

import streamlit as st

from marsad import analytics
from marsad.ui import charts, components, state
from marsad.ui.i18n import language_name, t

N_STORIES = 30  # stories listed; a narrower filter finds the others

lang, q = state.lang(), state.query()
st.title(t("page_stories", lang))

top = state.call(analytics.top_stories, q, n=N_STORIES)
if top.empty:
    st.info(t("no_stories", lang))
    st.stop()

top = top.assign(language_names=[" · ".join(language_name(x, lang) for x in langs) for langs in top["languages"]])
components.table(top[["title", "articles", "outlets", "language_names", "first_seen", "last_seen"]], name="stories",
                 lang=lang, columns={"title": t("story", lang), "articles": t("articles", lang),
                                     "outlets": t("outlets", lang), "language_names": t("languages", lang),
                                     "first_seen": t("first_seen", lang), "last_seen": t("last_seen", lang)})

titles = {str(i): str(title) for i, title in zip(top["story_id"], top["title"], strict=True)}
chosen = state.choice("story", list(titles), default=next(iter(titles)), label=t("story", lang), widget="select",
                      format_func=lambda k: titles.get(k, k))
story = top[top["story_id"].astype(str) == chosen].iloc[0]
for code, title in story["titles"].items():
    st.markdown(f"**{language_name(code, lang)}**")
    components.rtl_text(title, tag="h3")
components.meta_line(" · ".join([
    f"{t('articles', lang)}: {int(story['articles']):,}", f"{t('outlets', lang)}: {', '.join(story['sources'])}",
    f"{t('first_seen', lang)}: {story['first_seen']:%Y-%m-%d %H:%M}", f"{t('last_seen', lang)}: {story['last_seen']:%Y-%m-%d %H:%M}",
]))
timeline = state.call(analytics.story_timeline, int(chosen), q)
timeline = timeline.assign(language_name=[language_name(x, lang) for x in timeline["language"]])
components.chart(charts.time_series(timeline, y="articles", series="language_name", title=t("story_timeline", lang),
                                    lang=lang, y_title=t("articles", lang), markers=True), key="story-timeline")
st.markdown(f"**{t('story_articles', lang)}**")
components.article_list(state.call(analytics.story_articles, int(chosen), q), lang, name=f"story-{chosen}")
