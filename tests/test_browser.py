"""Real-browser test: `marsad serve` on 127.0.0.1 against a seeded temp store, headless Chromium (Debian's
/usr/bin/chromium through Playwright — never Playwright's own browser download). Visits every page, waits for the charts,
checks Arabic article text is laid out right to left, that an article carrying <script>/<img onerror> runs
nothing, that a copied URL restores the same view, and saves a screenshot per page under tests/artifacts/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from local_server import free_port, open_local

from marsad.store import Store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-proxy-server",  # the server is on 127.0.0.1: never through a proxy configured in the environment
]
SERVER_START_S = 60  # generous: CI shares 2 cores with other jobs
CHART_WAIT_MS = 60_000
XSS_ID = 900_001
XSS_TITLE = "<script>window.__xss=1</script> عنوان فيه شيفرة"
XSS_BODY = (
    'أعلنت الحكومة العراقية فتح منفذ القائم الحدودي مع سوريا. <img src=x onerror="window.__xss=2">\n\n'
    "وقال مسؤول إن المنفذ سيعمل أمام حركة البضائع والمسافرين بعد إغلاق دام سنوات."
)
# page slug → number of Plotly charts the page draws on the seeded store
CHARTS = {"overview": 5, "trends": 0, "entities": 0, "topics": 3, "map": 1, "search": 0, "sources": 3, "ingest": 0}



def _add_xss_article(store: Store) -> None:
    """An article whose title and body carry markup that must stay inert, with a real mention (Syria)."""
    from marsad.store.search import index_stored

    start = XSS_BODY.index("سوريا")  # offsets count from the mention's field, here the body
    with store.write() as con:
        con.execute(
            "INSERT INTO articles (id, source_id, title, body, language, published_at, ingested_at, content_hash) "
            "VALUES (?, 1, ?, ?, 'ar', TIMESTAMP '2018-06-01 10:00:00', now(), 'xss')",
            [XSS_ID, XSS_TITLE, XSS_BODY],
        )
        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface, field) '
                    "VALUES (?, 2, ?, ?, ?, 'body')", [XSS_ID, start, start + 5, "سوريا"])
    index_stored(store, [XSS_ID])


def serve(store_path: Path):
    """`marsad serve` on a free port of 127.0.0.1 against ``store_path``: yields the base URL, stops it after."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser-deps installs it from Debian)")
    port = free_port()
    env = {**os.environ, "MARSAD_DB": str(store_path)}
    cmd = [str(Path(sys.executable).with_name("marsad")), "serve", "--port", str(port)]  # what `make run` uses
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        try:
            with open_local(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                proc.kill()
                pytest.fail(f"streamlit did not start: {out[-2000:]}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser-deps installs it from Debian)")
    from conftest import build_seeded_store

    store = build_seeded_store(tmp_path_factory.mktemp("browser") / "store.duckdb")
    _add_xss_article(store)
    yield from serve(store.path)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


def _open(page, url: str, charts: int = 0) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=CHART_WAIT_MS)
    _settled(page)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= n",
            arg=charts, timeout=CHART_WAIT_MS,
        )


def _settled(page) -> None:
    """Wait until the script run is over, no placeholder skeleton is left, every table has drawn its canvas,
    and no chart title is duplicated (a rerun draws charts anew)."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
                 && !document.querySelector('[data-testid="stSkeleton"]')
                 && [...document.querySelectorAll('[data-testid="stDataFrame"]')].every(d => d.querySelector('canvas'))""",
        timeout=CHART_WAIT_MS,
    )
    page.wait_for_function(
        """() => { const t = [...document.querySelectorAll('.gtitle')].map(e => e.textContent);
                   return new Set(t).size === t.length; }""", timeout=CHART_WAIT_MS,
    )
    page.wait_for_timeout(400)  # let plotly finish its transitions before a screenshot


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# Every page in the Arabic interface (the harder layout), and the English one for a few: the suite stays short.
VISITS = [(slug, "ar") for slug in CHARTS] + [(slug, "en") for slug in ("overview", "entities", "map", "topics")]


@pytest.mark.parametrize(("slug", "ui"), VISITS)
def test_every_page_renders(server, page, slug, ui):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Offline: nothing may be fetched from anywhere but the app itself (fonts, maps, icons included).
    page.on("request", lambda req: None if req.url.startswith((server, "data:", "blob:")) else errors.append(req.url))
    _open(page, f"{server}/{'' if slug == 'overview' else slug}?ui={ui}", CHARTS[slug])
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert page.locator("[data-testid='stPlotlyChart'] .main-svg").count() >= CHARTS[slug]
    if ui == "ar":
        direction = page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=\"stMainBlockContainer\"]')).direction"
        )
        assert direction == "rtl"
    _shot(page, f"{slug}-{ui}")
    assert not errors, errors


def test_map_draws_the_offline_base_map(server, page):
    _open(page, f"{server}/map", 1)
    # land, country outlines (lines from the vendored TopoJSON, no request out: see test_every_page_renders), bubbles
    page.wait_for_selector(".scatterlayer .trace .js-fill", timeout=CHART_WAIT_MS, state="attached")
    assert page.locator(".scatterlayer .trace").count() == 3
    assert page.locator(".scatterlayer .trace .js-line").count() >= 1
    assert page.locator(".scatterlayer .trace:last-child .point").count() >= 3


def test_clicking_a_bubble_filters_every_page(server, page):
    _open(page, f"{server}/map", 1)
    bubbles = page.locator("[data-testid='stPlotlyChart'] .scatterlayer .trace:last-child .point")
    assert bubbles.count() >= 3
    # The largest bubble (the seeded store's most mentioned place), clicked where a user would click.
    sizes = bubbles.evaluate_all("ps => ps.map(p => p.getBBox().width)")
    biggest = bubbles.nth(sizes.index(max(sizes)))
    box = biggest.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=CHART_WAIT_MS)
    hover = page.locator(".hoverlayer .hovertext").text_content()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("location.search.includes('ent=')", timeout=CHART_WAIT_MS)
    page.get_by_text("Filtered by place", exact=False).wait_for(timeout=CHART_WAIT_MS)
    _settled(page)
    place = hover.split(":")[0].strip()
    assert place in page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
    assert "ent=loc" in page.url
    _shot(page, "map-bubble-clicked")
    page.locator("[data-testid='stPageLink'] a").filter(has_text="Overview").first.click()
    page.wait_for_function("location.search.includes('ent=')", timeout=CHART_WAIT_MS)
    _settled(page)
    assert f"✕ {place}" in page.locator("[data-testid='stSidebar']").inner_text()


def test_reader_is_rtl_and_xss_inert(server, page):
    _open(page, f"{server}/search?a={XSS_ID}&ui=en")
    article = page.locator(".marsad-article").first
    article.wait_for(timeout=CHART_WAIT_MS)
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert article.evaluate("e => getComputedStyle(e).textAlign") in ("right", "start")
    heading = page.locator(".marsad-headline").first
    assert "<script>window.__xss=1</script>" in heading.inner_text()
    assert "onerror" in article.inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator(".marsad-article img").count() == 0
    link = page.locator(".marsad-article a.marsad-ent-LOC").first
    assert "entities?entity=" in link.get_attribute("href")
    _shot(page, "reader-xss")
    link.click()
    page.wait_for_url("**/entities?**", timeout=CHART_WAIT_MS)
    # The entity page opens in a new session, whose first run also shows a blank chart for a moment (it starts
    # Plotly's code loading): wait for the page's own content, not for any chart.
    page.wait_for_function("document.querySelector('[data-testid=\"stMainBlockContainer\"]')?.innerText.includes('Syria')",
                           timeout=CHART_WAIT_MS)
    _settled(page)
    assert page.locator("[data-testid='stPlotlyChart'] .main-svg").count() >= 3


def test_search_results_list_is_rtl_for_arabic(server, page):
    _open(page, f"{server}/search?q=%D8%AA%D8%B1%D8%A7%D9%85%D8%A8")
    snippet = page.locator(".marsad-snippet").first
    snippet.wait_for(timeout=CHART_WAIT_MS)
    assert snippet.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator(".marsad-snippet mark.marsad-hit").count() >= 1
    _shot(page, "search-results")


def test_shared_url_restores_the_view(server, browser, page):
    _open(page, f"{server}/trends")
    box = page.get_by_label("Keyword queries, one per line")
    box.fill("ترامب")
    box.press("Control+Enter")
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= 1",
                           timeout=CHART_WAIT_MS)
    page.get_by_text("Share of coverage", exact=True).first.click()
    page.wait_for_function("location.search.includes('m=ratio')", timeout=CHART_WAIT_MS)
    _settled(page)
    url = page.url
    legend = page.locator(".legendtext").all_text_contents()
    ticks = page.locator(".ytick text").all_text_contents()
    assert "sq=" in url and legend == ["ترامب"]
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _open(other, url, 1)
    assert other.get_by_label("Keyword queries, one per line").input_value() == "ترامب"
    assert other.locator(".ytick text").all_text_contents() == ticks
    assert any("%" in t for t in ticks)
    _shot(other, "trends-restored")
    other.context.close()


def test_clicking_a_trend_point_lists_that_bins_articles(server, page):
    _open(page, f"{server}/trends?sq=%D8%AA%D8%B1%D8%A7%D9%85%D8%A8&int=month", 1)
    page.locator("[data-testid='stPlotlyChart'] .scatterlayer .point").last.click(force=True)
    page.get_by_text("Articles for ترامب in the period starting", exact=False).wait_for(timeout=CHART_WAIT_MS)
    _settled(page)
    _shot(page, "trends-clicked")


def test_picking_a_place_filters_every_page(server, page):
    _open(page, f"{server}/map", 1)
    page.get_by_label("Filter every page by a place").click()
    page.get_by_role("option", name="Syria").click()
    page.wait_for_function("location.search.includes('ent=')", timeout=CHART_WAIT_MS)
    page.get_by_text("Filtered by place", exact=False).wait_for(timeout=CHART_WAIT_MS)
    _settled(page)
    _shot(page, "map-clicked")
    page.locator("[data-testid='stPageLink'] a").filter(has_text="Overview").first.click()
    page.wait_for_function("location.search.includes('ent=')", timeout=CHART_WAIT_MS)
    _settled(page)
    assert "✕ Syria" in page.locator("[data-testid='stSidebar']").inner_text()


# st.dataframe paints its cells on a canvas: record what it draws, and how (direction, alignment, position).
RECORD_CANVAS_TEXT = """
window.__marsadDrawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  window.__marsadDrawn.push({text: String(text), x, y, align: this.textAlign, direction: this.direction});
  return fillText.call(this, text, x, y, ...rest);
};
"""


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_arabic_table_cells_are_drawn_right_to_left(server, browser, ui):
    """The entity list's Arabic names are laid out right to left and right-aligned in either interface; in the
    Arabic one the columns run from the right (the entity's name rightmost, its type to its left)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(RECORD_CANVAS_TEXT)
    _open(page, f"{server}/entities?ui={ui}")
    drawn = {d["text"]: d for d in page.evaluate("window.__marsadDrawn")}
    context.close()
    arabic, latin = drawn["دونالد ترامب"], drawn["Donald Trump"]
    assert arabic["direction"] == "rtl" and arabic["align"] in ("right", "end")
    assert latin["direction"] == "ltr"
    entity, kind = (drawn["الكيان"], drawn["النوع"]) if ui == "ar" else (drawn["Entity"], drawn["Type"])
    assert (entity["x"] > kind["x"]) == (ui == "ar")


def _ink_starts(png: bytes) -> float:
    """Where the text in a screenshot of a text box starts: its first dark column, as a share of the width."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    return next(x for x in range(width) if any(image.getpixel((x, y)) < 160 for y in range(4, height - 4))) / width


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_text_boxes_take_the_direction_of_their_text(server, page, ui):
    """The search box's example (Arabic first) starts at the right in either interface; a query typed in English
    starts at the left, one in Arabic at the right (Streamlit's "Press Enter to apply" is at the right too: only
    where the text starts tells)."""
    _open(page, f"{server}/search?ui={ui}")
    box = page.locator("[data-testid='stTextInput'] input").first
    assert _ink_starts(box.screenshot()) > 0.5
    box.fill("border crossing")
    assert _ink_starts(box.screenshot()) < 0.1
    box.fill("الحدود العراقية")
    assert _ink_starts(box.screenshot()) > 0.5
