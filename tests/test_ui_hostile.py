"""Hostile content through AppTest (fast; the real-browser proof is tests/test_browser_hostile.py): on a store whose
every text field carries an XSS payload (tests/hostile_store.py), every page's HTML holds only the app's own tags
and attributes, markdown holds no live link or tag, and chart text no Plotly markup; hostile URL parameters give a
clear message, never a traceback or the generic error."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser

import pytest
from apptest import on_store
from hostile_store import PAYLOADS, article_id, build_hostile_store, entity_key
from streamlit.testing.v1 import AppTest

from marsad.ui import i18n
from marsad.ui.navigation import PAGES

# The markup the app itself writes around untrusted text (marsad.ui.render, components, article_view).
OWN_TAGS = {"div", "span", "a", "mark", "p", "br", "h1"}
OWN_ATTRS = {"class", "dir", "href", "target", "title"}
OWN_HREF = re.compile(r"^(search|entities)\?[\w%.+=&~-]*$")  # same-app relative links, every value URL-encoded
# In markdown rendered without HTML: an unescaped tag, or a link/image whose target is not the web.
LIVE_MARKDOWN = re.compile(r"(?<!\\)<[A-Za-z/!]|(?<!\\)\]\((?!https?://)")
# Plotly draws <br>, <b>, <i>, <sup>, <sub>, <span style>, <a href> in any text: only the app's own may be there.
PLOTLY_OWN = re.compile(r"<(?!/?(?:br|b|extra)>)[A-Za-z/!]")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def foreign_markup(html: str) -> list[str]:
    """Tags, attributes and link targets in ``html`` that the app's own markup never writes."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    bad = []
    for tag, attrs in parser.found:
        if tag not in OWN_TAGS:
            bad.append(f"<{tag}>")
        for name, value in attrs:
            if name not in OWN_ATTRS:
                bad.append(f"<{tag} {name}=…>")
            elif name == "href" and not OWN_HREF.match(value or ""):
                bad.append(f"<{tag} href={value!r}>")
    return bad


# Figure fields Plotly never draws as text (a click's payload, trace identity): hovertemplates refer to customdata,
# and the app's hovertemplates insert only numbers from it.
UNDRAWN = {"customdata", "ids", "meta", "uid", "selectedpoints"}


def _strings(node: object, path: str = ""):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in UNDRAWN:
                yield from _strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, path)


def live_content(at: AppTest) -> list[str]:
    """Everything on the page that could act rather than show: foreign HTML, live markdown, Plotly markup."""
    bad: list[str] = []
    for md in at.markdown:
        if md.proto.allow_html:
            bad += foreign_markup(md.value)
        elif LIVE_MARKDOWN.search(md.value):
            bad.append(f"markdown: {md.value[:120]}")
    texts = [*at.caption, *at.error, *at.warning, *at.info, *at.title, *at.header, *at.subheader]
    bad += [f"text: {e.value[:120]}" for e in texts if LIVE_MARKDOWN.search(str(e.value))]
    bad += [f"button: {b.label[:120]}" for b in at.button if LIVE_MARKDOWN.search(b.label)]
    for el in at.get("plotly_chart"):
        bad += [f"chart {path}: {s[:120]}" for path, s in _strings(json.loads(el.proto.spec)) if PLOTLY_OWN.search(s)]
    return bad


@pytest.mark.parametrize(
    ("html", "foreign"),
    [
        ('<div dir="rtl" class="marsad-rtl">&lt;script&gt;</div>', []),
        ('<a href="entities?entity=per%3A%3Cb%3E" target="_self">x</a>', []),
        ("<script>alert(1)</script>", ["<script>"]),
        ('<div onclick="x">', ["<div onclick=…>"]),
        ('<a href="javascript:alert(1)">x</a>', ["<a href='javascript:alert(1)'>"]),
        ('<a href="search?a=1&quot; onmouseover=&quot;x">x</a>', ["<a href='search?a=1\" onmouseover=\"x'>"]),
    ],
)
def test_foreign_markup_is_found(html, foreign):
    assert foreign_markup(html) == foreign


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    return build_hostile_store(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


@pytest.fixture
def app(hostile_store, monkeypatch):
    with on_store(monkeypatch, hostile_store.path) as open_on_it:
        yield open_on_it


# Page-local parameters that make each page show the hostile rows: an article in the reader, an entity page, a
# topic, series of payload entities/topics/queries, every date ("all=1": the default period is only a few days).
SHOWING = {
    "search": {"a": str(article_id(0)), "all": "1"},
    "entities": {"entity": entity_key(2), "all": "1"},
    "topics": {"t": "2", "all": "1"},
    "trends": {"se": [entity_key(1), entity_key(3)], "st": ["1", "4"], "sq": ["عنوان", "سوريا"], "all": "1"},
}


@pytest.mark.parametrize("slug", [p.slug for p in PAGES])
@pytest.mark.parametrize("ui", ["en", "ar"])
def test_hostile_data_shows_inert_on_every_page(app, slug, ui):
    at = app(slug, ui=ui, **SHOWING.get(slug, {"all": "1"}))
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert live_content(at) == []
    if slug == "search":  # the reader did show the payload article, as text
        shown = "\n".join(md.value for md in at.markdown)
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in shown


# Hostile values for every parameter a page reads from the URL (analytics Query keys and page-local ones).
PARAM_KEYS = ("q", "from", "to", "lang", "src", "ent", "topic", "dups", "a", "p", "entity", "eq", "sq", "se", "st", "t",
              "int", "m", "by", "win", "type", "ui", "all")
ODD_VALUES = [
    "", " ", "0", "-1", "99999999999999999999999999", "1e309", "NaN", "²", "١٢", "٣", "2020-02-30", "2020-13-45",
    "9999-12-31", "0001-01-01", ",", ",,,", "a,b", "2020-01-01,2020-01-02,2020-01-03", "\x00", "\ufffd", "%00", "\u202e",
    '"', "'", "(", ")", "NOT", "OR", "-", '-"', "*", "title:", "NEAR(a b)", "a" * 5000, "ترامب -(", "\\", "{}", "[]",
]


def _hostile_params(rng: random.Random) -> dict[str, str | list[str]]:
    keys = rng.sample(PARAM_KEYS, k=rng.randint(3, 8))
    return {k: [rng.choice(ODD_VALUES + PAYLOADS) for _ in range(rng.randint(1, 2))] for k in keys}


@pytest.mark.parametrize("slug", [p.slug for p in PAGES])
@pytest.mark.parametrize("seed", range(3))
def test_hostile_url_params_give_clear_messages(app, slug, seed):
    rng = random.Random(f"{slug}-{seed}")
    params = _hostile_params(rng)
    at = app(slug, **params)
    assert not at.exception, (params, [e.value for e in at.exception])
    generic = {i18n.t("error_generic", lang) for lang in i18n.UI_LANGS}
    assert not [e.value for e in at.error if e.value in generic], params
    assert live_content(at) == [], params


@pytest.mark.parametrize(
    ("slug", "params"),
    [
        ("map", {"win": ["2020-09-01", "<b>"]}),
        ("map", {"win": ["0", "0"]}),
        ("map", {"win": ["2020-09-20", "2020-09-02"]}),
        ("search", {"a": "²"}),
        ("search", {"a": "99999999999999999999999999"}),
        ("search", {"p": "99999999999999999999999999"}),
        ("search", {"p": "١٢"}),
    ],
)
def test_malformed_page_values_fall_back(app, slug, params):
    at = app(slug, **params)
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]


@pytest.mark.parametrize("slug", ["search", "overview"])
def test_refused_search_is_quoted_inert(app, slug):
    at = app(slug, q='"[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    messages = [e.value for e in at.error]
    assert messages and all("\\[x\\]\\(javascript:alert\\(1\\)\\) \\<img" in m for m in messages)
    assert live_content(at) == []


@pytest.mark.parametrize("params", [{"from": "0001-01-01"}, {"to": "9999-12-31"}])
def test_dates_beyond_what_charts_hold_are_refused_with_a_message(app, params):
    at = app("overview", **params)
    assert not at.exception
    assert [e.value for e in at.error] and all("outside the days" in e.value for e in at.error)
