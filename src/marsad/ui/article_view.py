"""The article view (the Search page's reader pane): metadata, then the title and body with entity mentions
highlighted by type, each linking to its entity page. All article text is escaped (marsad.ui.render) and laid out in its own direction."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import streamlit as st

from marsad.ui import components, render
from marsad.ui.i18n import display_name, language_name, ltr_isolate, t, type_label

LOGGER = logging.getLogger(__name__)
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")


def placed_mentions(title: str, body: str, mentions: Sequence[Mapping[str, object]]) -> list[tuple[int, int, str, str]]:
    """Mentions as (start, end, type, key) offsets into ``title + "\\n\\n" + body`` (marsad.ui.render.article_html).

    Stored offsets count from the mention's ``field`` ("title" or "body"; body when absent, as in stores enriched
    before titles were). One whose offsets do not land on its surface form there is dropped rather than
    mis-highlighted (a store whose text changed after enrichment).
    """
    shift = len(title) + 2
    placed = []
    for m in mentions:
        start, end, surface = int(m["start"]), int(m["end"]), str(m.get("surface") or "")
        in_title = m.get("field") == "title"
        text, offset = (title, 0) if in_title else (body, shift)
        if surface and text[start:end] != surface:
            LOGGER.debug("mention %s at %d–%d does not match the text; not highlighted", m.get("key"), start, end)
            continue
        placed.append((start + offset, end + offset, str(m["type"]), str(m["key"])))
    return placed


def show(detail: Mapping[str, object], lang: str) -> None:
    title, body = str(detail.get("title") or ""), str(detail.get("body") or "")
    mentions = list(detail.get("mentions") or [])
    names = {str(m["key"]): display_name(m.get("name_ar"), m.get("name_en"), m["key"], lang) for m in mentions}
    when = detail.get("published_at")
    meta = [str(detail.get("source_name") or detail.get("source") or ""),
            ltr_isolate(when.strftime("%Y-%m-%d %H:%M UTC")) if hasattr(when, "strftime") else "",  # see components._day
            language_name(detail.get("language"), lang), str(detail.get("author") or "")]
    components.meta_line(" · ".join(x for x in meta if x))
    if detail.get("url"):
        components.meta_line(str(detail["url"]))
    legend = " ".join(
        f'<span class="marsad-ent marsad-ent-{kind}">{render.esc(type_label(kind, lang))}</span>' for kind in ENTITY_TYPES
    )
    st.markdown(f"<div>{render.esc(t('legend', lang))}: {legend}</div>", unsafe_allow_html=True)
    html = render.article_html(
        title, body, placed_mentions(title, body, mentions), link=components.entity_href, tip=lambda k: names.get(k, k)
    )
    st.markdown(html, unsafe_allow_html=True)
    if names:
        st.markdown(f"**{t('entities_in_article', lang)}**")
        kinds = {str(m["key"]): str(m["type"]) for m in mentions}
        links = " ".join(
            f'<a class="marsad-ent marsad-ent-{render.esc(kinds[k])}" href="{render.esc(components.entity_href(k))}" '
            f'target="_self">{render.esc(n)}</a>'
            for k, n in sorted(names.items(), key=lambda kv: kv[1])
        )
        st.markdown(f'<div dir="auto">{links}</div>', unsafe_allow_html=True)
