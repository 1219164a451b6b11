"""Hostile content in a real browser: `marsad serve` on a store whose every text field carries an XSS payload
(tests/hostile_store.py, payloads in tests/fixtures/hostile/xss_payloads.txt), visited in headless Chromium on every
page with payloads in the URL parameters too. Nothing may run (no dialog, ``window.__xss`` never set, no page
error), no element may carry an event-handler attribute or a script URL (so nothing could run on a hover or
click either), and no payload may cover or hide the page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hostile_store import PAYLOADS, article_id, build_hostile_store, entity_key
from test_browser import CHART_WAIT_MS, _settled, _shot, browser, serve  # noqa: F401  (browser is a fixture used here)

pytestmark = pytest.mark.browser

# Attributes that run script or name a script URL; what our own markup writes is never among them.
LIVE_DOM = """() => {
  const bad = [];
  for (const doc of [document, ...[...document.querySelectorAll('iframe')].map(f => f.contentDocument).filter(Boolean)]) {
    for (const el of doc.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
        if (a.name.startsWith('on') || /^(javascript|vbscript|data:text\\/html)/.test(v) && /(href|src|action|formaction|data)$/.test(a.name))
          bad.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 60)}">`);
      }
    }
  }
  return bad;
}"""
# What a page leads with: its title, or the message when a link is refused (a bad search) or names nothing.
LEAD = "[data-testid='stMainBlockContainer'] h1, [data-testid='stMainBlockContainer'] [data-testid='stAlert']"
# That lead is on top at its centre (no payload overlay covers it) and the body is shown.
IN_SIGHT = """lead => {
  const h = document.querySelector(lead);
  if (!h || getComputedStyle(document.body).display === 'none') return false;
  const r = h.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && (h.contains(top) || top.contains(h));
}"""


def _q(**params: str | list[str]) -> str:
    return urlencode({"ui": "ar", "all": "1", **params}, doseq=True)


# (page, URL parameters): every page with payloads in the parameters it reads, the reader on articles of each kind
# of payload, result lists, entity and topic pages, and a search the parser refuses (its message quotes it).
VISITS = [
    ("", _q(q=PAYLOADS[0], ent=entity_key(5), src=PAYLOADS[3])),
    ("search", _q(q="عنوان")),
    ("search", _q(q="عنوان", p="2")),
    ("search", _q(q="عنوان", p="3")),
    ("search", _q(q='"' + PAYLOADS[1])),
    *[("search", _q(a=str(article_id(i)))) for i in range(0, len(PAYLOADS), 5)],
    ("entities", _q(eq=PAYLOADS[4])),
    ("entities", _q(entity=entity_key(2))),
    ("entities", _q(entity=entity_key(12))),
    ("entities", _q(entity=PAYLOADS[6])),
    ("topics", _q(t="1")),
    ("topics", _q(t="8", int=PAYLOADS[9])),
    ("trends", _q(sq=["عنوان", PAYLOADS[12]], se=[entity_key(1), entity_key(44)], st=["2", "5"], m=PAYLOADS[13])),
    ("map", _q(win=[PAYLOADS[0], PAYLOADS[2]])),
    ("map", _q(ent=entity_key(2))),
    ("sources", _q(src=[f"{PAYLOADS[21]} 21"])),
    ("ingest", _q(q=PAYLOADS[22])),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_hostile_store(tmp_path_factory.mktemp("hostile-browser") / "hostile.duckdb")
    yield from serve(store.path)


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ar")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize(("slug", "query"), VISITS, ids=[f"{s or 'overview'}-{i}" for i, (s, _) in enumerate(VISITS)])
def test_payloads_stay_inert(server, page, slug, query):
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: None if req.url.startswith((server, "data:", "blob:")) else errors.append(req.url))
    page.goto(f"{server}/{slug}?{query}")
    page.wait_for_selector(LEAD, timeout=CHART_WAIT_MS)
    _settled(page)
    assert page.locator("[data-testid='stException']").count() == 0
    executed = [f.url for f in page.frames if f.evaluate("typeof window.__xss !== 'undefined'")]
    assert (dialogs, executed, errors) == ([], [], [])
    assert page.evaluate(LIVE_DOM) == []
    assert page.evaluate(IN_SIGHT, LEAD)
    if slug == "search" and "a=" in query:
        # the reader shows the article's payload as text
        shown = page.locator(".marsad-headline").first.inner_text()
        assert any(p.replace("\u202e", "").replace("\u2067", "").replace("\u202b", "")[:12] in shown for p in PAYLOADS)
    _shot(page, f"hostile-{slug or 'overview'}-{abs(hash(query)) % 1000}")
