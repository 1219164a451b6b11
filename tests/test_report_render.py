import re
from urllib.parse import urlsplit

import lxml.html
import pytest
from hostile_store import PAYLOADS, build_hostile_store

from marsad import analytics
from marsad.analytics import Query
from marsad.ingest.stories import rebuild as rebuild_stories
from marsad.report import gather, render_html
from marsad.report.render import safe_href, title_of
from marsad.report.strings import REPORT_LANGS, STRINGS
from marsad.text.bidi import plain_text

# Elements that load something or run something: a self-contained, inert briefing has none.
LOADING_TAGS = ("script", "img", "iframe", "object", "embed", "link", "base", "video", "audio", "source", "frame")


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory):
    store = build_hostile_store(tmp_path_factory.mktemp("hostile") / "h.duckdb")
    with store.write() as con:  # enriched, so the stories code takes the articles in: payloads in story titles too
        con.execute("UPDATE articles SET pipeline_version = 1")
    rebuild_stories(store)
    query = Query(start="2020-09-01")
    return store, query, render_html(gather(store, query, title=PAYLOADS[0]), lang="ar")


def test_no_external_asset_and_nothing_that_runs(hostile_html):
    _, _, html = hostile_html
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("|".join(f"//{tag}" for tag in LOADING_TAGS)) == []
    assert len(doc.xpath("//*[local-name()='svg']")) == 1  # the chart; a payload's <svg onload> stayed text
    for el in doc.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name.lower() not in ("src", "srcset", "xlink:href", "poster", "background"), (el.tag, name)
            if name.lower() == "href":
                parts = urlsplit(value)
                assert parts.scheme in ("http", "https") and parts.netloc, value
    style = " ".join(doc.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style


def test_every_article_text_shows_as_typed(hostile_html):
    store, query, html = hostile_html
    doc = lxml.html.document_fromstring(html)
    text = doc.text_content()
    listed = analytics.sample_articles(store, query, n=len(PAYLOADS), newest=True)
    assert len(listed) == len(PAYLOADS)
    for title, source in zip(listed["title"], listed["source_name"], strict=True):
        assert plain_text(title) in text and plain_text(source) in text
    assert plain_text(PAYLOADS[0]) in doc.xpath("//h1")[0].text_content()
    stories = doc.xpath("//section[@id='stories']/div[@class='story']")
    assert stories and all(plain_text(h) in text for h in analytics.top_stories(store, query, n=5)["title"])
    assert "\u202e" not in html and "\u202b" not in html  # bidi overrides dropped (see marsad.text.bidi)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://example.org/a?b=<c>", "https://example.org/a?b=<c>"), ("http://x.iq/", "http://x.iq/"),
     ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,<script>", None),
     ("//evil.example/x", None), ("https:///nohost", None), ("hostile-3", None), ("", None), (None, None),
     ("http://[::1", None)],
)
def test_safe_href(url, expected):
    assert safe_href(url) == expected


def _figures(doc) -> dict[str, str]:
    cells = doc.xpath("//section[@id='figures']//td[span]")
    return {c.xpath("string(span[@class='l'])"): c.xpath("string(span[contains(@class, 'n')])") for c in cells}


@pytest.mark.parametrize("query", [Query(), Query(entities=["loc:العراق"], start="2018-01-01")], ids=["all", "iraq"])
def test_figures_shown_are_the_analytics_figures(seeded_store, query):
    html = render_html(gather(seeded_store, query, title="العراق"), lang="en")
    doc = lxml.html.document_fromstring(html)
    figs = analytics.overview_figures(seeded_store, query)
    shown = _figures(doc)
    assert shown["Articles"] == f"{figs['articles']:,}" and shown["Mentions"] == f"{figs['mentions']:,}"
    assert shown["Sources"] == str(figs["sources"]) and shown["Entities"] == f"{figs['entities']:,}"
    assert shown["First article"] == figs["first_date"].date().isoformat()
    trend = analytics.count_over_time(seeded_store, query, interval=analytics.trends.auto_interval(
        query.start or figs["first_date"].date(), figs["last_date"].date()))
    bars = re.findall(r"<title>[^<:]*: ([\d,]+)</title>", html)
    assert [int(b.replace(",", "")) for b in bars] == trend["count"].tolist()
    people = analytics.top_entities(seeded_store, query, type="PER", n=10)
    assert doc.xpath("//section[@id='entities']//td/h3")[0].text == "Top people"
    for name in people["name_en"]:
        assert name in doc.xpath("string(//section[@id='entities'])")


@pytest.mark.parametrize("lang", REPORT_LANGS)
def test_language_and_direction(seeded_store, lang):
    html = render_html(gather(seeded_store, Query(start="2018-01-01"), title="x"), lang=lang)
    root = lxml.html.document_fromstring(html)
    assert root.get("lang") == lang and root.get("dir") == ("rtl" if lang == "ar" else "ltr")
    assert STRINGS["key_figures"][lang] in root.text_content()
    assert "Noto Naskh Arabic" in root.xpath("string(//style)")


def test_every_string_has_both_languages():
    assert all(set(v) == set(REPORT_LANGS) and all(v.values()) for v in STRINGS.values())


@pytest.mark.parametrize(
    ("query", "lang", "title"),
    [(Query(entities=["loc:العراق", "per:nobody"]), "ar", "العراق · per:nobody"),
     (Query(entities=["loc:العراق"]), "en", "Iraq"), (Query(text="oil OR OPEC"), "ar", "oil OR OPEC"),
     (Query(languages=["en"]), "en", "Marsad")],
)
def test_default_title(seeded_store, query, lang, title):
    b = gather(seeded_store, query)
    assert [e["key"] for e in b.entities] == list(query.entities)
    assert title_of(b, lang) == title
    assert lxml.html.document_fromstring(render_html(b, lang=lang)).xpath("string(//h1/span)") == title


@pytest.mark.parametrize("lang", REPORT_LANGS)
def test_stories_section(stories_store, lang):
    query = Query(start="2018-10-01")
    b = gather(stories_store, query)
    doc = lxml.html.document_fromstring(render_html(b, lang=lang))
    stories = doc.xpath("//section[@id='stories']/div[@class='story']")
    assert len(stories) == len(b.stories) > 0
    first, shown = b.stories[0], stories[0]
    assert shown.xpath("string(h3)") == first.summary["titles"].get(lang, first.summary["title"])
    assert f"{first.summary['articles']} " in shown.xpath("string(p[1])")
    links = shown.xpath(".//li/a/@href")
    assert links == [a["url"] for a in first.articles] and links


@pytest.mark.parametrize(("lang", "name"), [("ar", "القائم"), ("en", "Al-Qaim")])
def test_spiking_entities_are_named_in_the_briefings_language(tmp_path, lang, name):
    from test_report_gather import BURST_DAY, _burst_store

    b = gather(_burst_store(tmp_path), Query(start=BURST_DAY))
    doc = lxml.html.document_fromstring(render_html(b, lang=lang))
    assert doc.xpath("string(//section[@id='spikes']//tr[2]/td[3])") == name
