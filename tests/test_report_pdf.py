import re
import shutil
import subprocess
import sys

import pytest
from local_server import LocalServer

from marsad.analytics import Query
from marsad.report import PdfUnavailable, gather, html_to_pdf, pdf_available, render_html
from marsad.report import pdf as pdf_module

TITLE = "الحدود العراقية السورية"
# pdftotext marks right-to-left runs with embedding controls (U+202A–U+202E); the words between are in logical order.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed: `make browser-deps` installs it",
)


@pytest.fixture(scope="module")
def briefing_pdf(seeded_store, tmp_path_factory):
    if not pdf_available():
        pytest.skip("WeasyPrint cannot load Pango here: `make browser-deps` installs it")
    query = Query(entities=["loc:العراق"], start="2018-01-01")
    path = tmp_path_factory.mktemp("pdf") / "b.pdf"
    path.write_bytes(html_to_pdf(render_html(gather(seeded_store, query, title=TITLE), lang="ar")))
    return path


@needs_poppler
def test_pdf_text_has_the_arabic_in_logical_order(briefing_pdf):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(briefing_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(_BIDI_CONTROLS.sub("", text).split())
    assert TITLE in flat  # shaped glyphs map back to these letters, word order right
    assert "أرقام رئيسية" in flat and "أبرز الأماكن" in flat
    assert "العراق" in flat and "2018-" in flat


@needs_poppler
def test_pdf_pages_render(briefing_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(briefing_pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert pages and all(p.stat().st_size > 1000 for p in pages)


def _png(handler):
    # A real 1×1 PNG: were it fetched, WeasyPrint would draw it.
    body = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                         "0000000d4944415478da63f8cfc0f01f0005000201a1c0e8a90000000049454e44ae426082")
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.end_headers()
    handler.wfile.write(body)


def test_pdf_fetches_nothing(tmp_path):
    if not pdf_available():
        pytest.skip("WeasyPrint cannot load Pango here")
    server = LocalServer(_png)
    try:
        html = (f'<html><head><link rel="stylesheet" href="{server.base}/s.css"></head><body>'
                f'<img src="{server.base}/x.png"><p style="background: url({server.base}/bg.png)">نص</p></body></html>')
        assert html_to_pdf(html).startswith(b"%PDF")  # refused (and logged) resources do not stop the page
    finally:
        server.close()
    assert server.paths() == []


def test_without_weasyprint_pdf_says_what_to_install(monkeypatch):
    pdf_module._weasyprint.cache_clear()
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now raises ImportError
    with pytest.raises(PdfUnavailable) as err:
        html_to_pdf("<p>x</p>")
    assert "Pango" in err.value.message and "\n" not in err.value.message
    assert not pdf_available()
    monkeypatch.undo()
    pdf_module._weasyprint.cache_clear()
