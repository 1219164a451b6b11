"""Search & articles: the boolean search box, ranked results with highlighted snippets, an article reader that
highlights entities by type (each a link to its entity page), CSV export of the results."""

import streamlit as st

from marsad import analytics
from marsad.errors import InvalidQuery
from marsad.ui import article_view, components, render, state
from marsad.ui.i18n import ltr_isolate, plural, t

PER_PAGE = 20
MAX_PAGE = 100_000  # 2 million results deep: beyond it a page number in a link is a typo (and would overflow the offset)
# The search box's example, in both scripts; its Latin part isolated so that, read right to left, the phrase keeps
# its quotes (unisolated, the closing quote lands at the far end of the line).
EXAMPLE = "الحدود " + ltr_isolate('OR "border crossing"')

lang, q = state.lang(), state.query()
st.title(t("page_search", lang))

text = state.text("q", label=t("search_box", lang), placeholder=EXAMPLE, help=t("search_help", lang))
try:
    searched = q.replace(text=text)
except InvalidQuery as exc:  # a malformed expression: say why, keep the page usable
    st.error(render.md_escape(exc.message))  # it quotes the search text
    searched = q

article_id = state.int_param("a", 0)
results_col, article_col = st.columns([1, 1]) if state.param("a") else (st.container(), None)

with results_col:
    page = state.int_param("p", 1, hi=MAX_PAGE)
    results = state.call(analytics.search, searched, page=max(page, 1), per_page=PER_PAGE)
    total = int(results.attrs.get("total", len(results)))
    if searched.text:
        st.caption(plural("n_results", lang, total))
    else:
        st.subheader(t("undated_articles" if searched.undated else "latest_articles", lang))
    if results.empty:
        st.info(t("no_results", lang))
    else:
        components.article_list(results.drop(columns=["title_hits"], errors="ignore"), lang, name="search-results")
        pages = max(1, -(-total // PER_PAGE))
        if pages > 1:
            state.seed(state.widget_key("p"), min(max(page, 1), pages))
            chosen = st.number_input(t("page_n", lang), min_value=1, max_value=pages, step=1, key=state.widget_key("p"))
            state.set_params({"p": None if chosen == 1 else str(chosen)})

if article_col is not None:
    with article_col:
        st.subheader(t("reader", lang))
        if st.button(t("close_reader", lang), icon=":material/close:"):
            state.set_params({"a": None})
            st.rerun()
        detail = state.call(analytics.get_article, article_id) if article_id else None
        if detail is None:
            st.warning(t("no_results", lang))
        else:
            article_view.show(detail, lang)
