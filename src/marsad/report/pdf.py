"""A briefing's HTML as a PDF with WeasyPrint, which lays text out with the system's Pango and HarfBuzz: Arabic
comes out shaped and right to left, as in a browser.

WeasyPrint is imported on first use (it loads Pango through cffi, ~0.3 s): an HTML briefing and the rest of
Marsad work on a machine without Pango; asking for a PDF there fails with one clear line.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import time

from marsad.errors import MarsadError

LOGGER = logging.getLogger(__name__)

# What a fresh Debian/Ubuntu machine needs (the Makefile's browser-deps target installs it for `make test`).
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(MarsadError):
    """WeasyPrint or the Pango library it needs is missing: PDF briefings cannot be made on this machine."""


@functools.cache
def _weasyprint():
    # WeasyPrint prints a multi-line troubleshooting banner to stdout when it cannot load Pango: it goes to the
    # log detail instead, and the user reads one line.
    banner = io.StringIO()
    try:
        with contextlib.redirect_stdout(banner):
            import weasyprint
    except (ImportError, OSError) as exc:  # OSError: cffi found no libpango/libpangoft2 to load
        raise PdfUnavailable(
            f"PDF briefings need WeasyPrint and the Pango library (Debian: apt-get install {PANGO_PACKAGES}); "
            "an .html briefing works without them",
            detail=f"{type(exc).__name__}: {exc} {banner.getvalue().strip()}",
        ) from exc
    return weasyprint


def check_pdf() -> None:
    """Raise :class:`PdfUnavailable` (a one-line message saying what to install) unless PDFs can be made here."""
    _weasyprint()


def pdf_available() -> bool:
    """True when :func:`html_to_pdf` can work here (the Alerts page offers the PDF button only then)."""
    try:
        check_pdf()
    except PdfUnavailable:
        return False
    return True


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document. Nothing is fetched: the fetcher accepts data: URLs only, so a
    stray URL in the document cannot reach the network or the local files."""
    weasyprint = _weasyprint()
    started = time.perf_counter()
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    LOGGER.info("PDF laid out in %.2f s (%d bytes)", time.perf_counter() - started, len(pdf))
    return pdf
