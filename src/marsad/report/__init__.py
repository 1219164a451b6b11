"""Briefings: a self-contained HTML or PDF summary of one Query (a monitor's, or any filters) over a period.

    briefing = gather(store, query, title="…")        # gather.py: the analytics calls, nothing counted here
    html = render_html(briefing, lang="ar")           # render.py + templates/: Jinja2, autoescaped, inline SVG chart
    pdf = html_to_pdf(html)                           # pdf.py: WeasyPrint (Pango shapes Arabic); PdfUnavailable
    write_briefing(store, query, path, title="…")     # all three, by the file's suffix (.html / .pdf)

See docs/briefings.md.
"""

from __future__ import annotations

import logging
from pathlib import Path

from marsad.analytics.query import Query
from marsad.errors import MarsadError
from marsad.report.gather import Briefing, Story, gather
from marsad.report.pdf import PdfUnavailable, check_pdf, html_to_pdf, pdf_available
from marsad.report.render import render_html
from marsad.report.strings import REPORT_LANGS, ReportLang
from marsad.store import Store

LOGGER = logging.getLogger(__name__)

FORMATS = ("html", "pdf")

__all__ = [
    "FORMATS",
    "REPORT_LANGS",
    "Briefing",
    "PdfUnavailable",
    "ReportLang",
    "Story",
    "briefing_bytes",
    "check_pdf",
    "gather",
    "html_to_pdf",
    "pdf_available",
    "render_html",
    "write_briefing",
]


def briefing_bytes(store: Store, query: Query, *, fmt: str, title: str = "", lang: ReportLang = "ar") -> bytes:
    """The briefing of ``query`` as a file's content: ``fmt`` "html" (UTF-8) or "pdf" (see :func:`gather` for
    ``title``)."""
    if fmt not in FORMATS:
        raise MarsadError(f"a briefing is written as .html or .pdf, not .{fmt}")
    if fmt == "pdf":
        check_pdf()  # on a machine without Pango, fail before gathering anything
    html = render_html(gather(store, query, title=title), lang=lang)
    return html_to_pdf(html) if fmt == "pdf" else html.encode("utf-8")


def write_briefing(store: Store, query: Query, out: Path, *, title: str = "", lang: ReportLang = "ar") -> int:
    """Write the briefing to ``out`` (HTML or PDF by its suffix); returns the bytes written."""
    data = briefing_bytes(store, query, title=title, fmt=out.suffix.lower().lstrip("."), lang=lang)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)  # a reader never sees half a briefing, a failed run never leaves one
    return len(data)
