"""Entities: a searchable list by type; an entity's page with its Arabic and English names and variants, mentions
over time, co-mentioned entities (network and ranked bar), the sources that mention it most, and its articles."""

import streamlit as st

from marsad import analytics
from marsad.ui import charts, combined, components, render, state
from marsad.ui.i18n import display_name, t, type_label

TYPES = ["ALL", "PER", "ORG", "LOC", "MISC"]
LIST_SIZE = 100  # rows in the entity list; the search box finds the rest

lang, q = state.lang(), state.query()
selected = state.param("entity")


def _names(df):
    return [display_name(a, e, k, lang) for a, e, k in zip(df["name_ar"], df["name_en"], df["key"], strict=True)]


def entity_list() -> None:
    st.title(t("page_entities", lang))
    c1, c2 = st.columns([1, 2])
    with c1:
        etype = state.choice("type", TYPES, default="ALL", label=t("entity_type", lang), widget="select",
                             format_func=lambda v: t("all", lang) if v == "ALL" else t(f"type_{v}", lang))
    with c2:
        needle = state.text("eq", label=t("find_entity", lang))
    kind = None if etype == "ALL" else etype
    if needle:
        df = state.call(analytics.find_entities, needle, type=kind, n=LIST_SIZE)
        value = "mentions"
    else:
        df = state.call(analytics.top_entities, q, type=kind, n=LIST_SIZE)
        value = "articles"
    if df.empty:
        components.no_data(lang)
        return
    df = df.assign(name=_names(df), type_label=[type_label(x, lang) for x in df["type"]])
    shown = df[["name", "type_label", value, "name_ar", "name_en", "key"]].rename(
        columns={"name": t("entity", lang), "type_label": t("entity_type", lang), value: t(value, lang),
                 "name_ar": t("name_ar", lang), "name_en": t("name_en", lang)}
    )
    event = st.dataframe(components.reading_order(shown, lang), hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="entity-table", column_config={"key": None})
    rows = event.selection.rows if event is not None else []
    if rows:
        state.switch_to("entities", entity=str(df.iloc[rows[0]]["key"]))
    components.download(shown, name="entities", lang=lang)


def entity_page(key: str) -> None:
    # Side by side while the names are drawn; each section below then waits for its own result only.
    state.prefetch(combined.entity_calls(key, q))
    info = state.call(analytics.entity_info, key)
    if info is None:
        st.warning(t("unknown_entity", lang, key=render.md_escape(key)))
        if st.button(t("back_to_list", lang)):
            state.set_params({"entity": None})
            st.rerun()
        return
    name = display_name(info["name_ar"], info["name_en"], key, lang)
    if st.button(t("back_to_list", lang), icon=":material/arrow_back:"):
        state.set_params({"entity": None})
        st.rerun()
    components.rtl_text(name, tag="h1")
    components.meta_line(f"{type_label(info['type'], lang)} · {key}")
    n1, n2 = st.columns(2)
    with n1:
        st.markdown(f"**{t('name_ar', lang)}**")
        components.rtl_text(info["name_ar"] or "—")
    with n2:
        st.markdown(f"**{t('name_en', lang)}**")
        components.rtl_text(info["name_en"] or "—")
    variants = [f"{s} ({n:,})" for s, n in info["surfaces"]] or list(info["aliases"])
    if variants:
        st.markdown(f"**{t('variants', lang)}**")
        components.rtl_text(" · ".join(variants[:30]))

    figs = state.call(combined.key_figures, q)
    first, last = figs["first_date"], figs["last_date"]
    interval = state.choice("int", ["day", "week", "month"], default=combined.auto_interval(first and first.date(), last and last.date()),
                            label=t("interval", lang), format_func=lambda v: t(f"interval_{v}", lang))
    timeline = state.call(analytics.entity_timeline, key, q, interval=interval)
    components.chart(charts.time_series(timeline, title=t("mentions_over_time", lang), y_title=t("articles", lang), lang=lang),
                     key="entity-timeline")
    components.undated_note(q.replace(entities=(*q.entities, key)), lang)

    co = state.call(analytics.cooccurring_entities, key, q, n=combined.ENTITY_CO_MENTIONS)
    left, right = st.columns(2)
    if co.empty:
        left.caption(t("co_mentioned", lang) + ": —")
    else:
        co = co.assign(name=_names(co))
        with left:
            components.chart(charts.co_mention_network(name, co, label="name", weight="articles", kind="type",
                                                       title=t("co_network", lang), lang=lang), key="entity-network")
        with right:
            event = components.chart(charts.ranked_bars(co, label="name", value="articles", colour_by="type", keys="key",
                                                        title=t("co_mentioned", lang), lang=lang, height=460),
                                     key="entity-co-bars", on_select=True)
            components.follow_entity_click(event)

    scoped = q.replace(entities=(*q.entities, key))
    left, right = st.columns([1, 2])
    with left:
        sources = state.call(analytics.top_sources, scoped, n=combined.ENTITY_TOP_SOURCES)
        if not sources.empty:
            components.chart(charts.ranked_bars(sources.assign(name=sources["name"].where(sources["name"] != "", sources["source"])),
                                                label="name", value="articles", title=t("top_sources_for", lang), lang=lang),
                             key="entity-sources")
    with right:
        st.subheader(t("its_articles", lang))
        articles = state.call(analytics.sample_articles, scoped, n=combined.ENTITY_ARTICLES, newest=True)
        components.article_list(articles, lang, name=f"articles-{key}")


if selected:
    entity_page(selected)
else:
    entity_list()
