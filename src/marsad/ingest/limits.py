"""Limits that keep every ingest step bounded in time and memory whatever a file holds, in one place.

Each limit is set well above what real news input reaches (the figures are in each comment) and below what
makes a step take minutes or gigabytes. Going over one costs only that document or record: a clear reject, or
a body cut with a note. The file and record size limits are settings (``max_file_bytes``, ``max_record_bytes``).
"""

from __future__ import annotations

import logging
import re

from marsad.models import MAX_BODY_CHARS

LOGGER = logging.getLogger(__name__)

# A compressed stream (gzip, a zip member) may expand to at most this many times the compressed bytes read so far,
# plus COMPRESSION_SLACK_BYTES. News text (JSONL, CSV, HTML) compresses 3-12x; a run of zeros ~1,000x: a
# "bomb" is refused after about a megabyte of output instead of filling memory or disk with gigabytes.
MAX_COMPRESSION_RATIO = 100
COMPRESSION_SLACK_BYTES = 1024 * 1024
# Files in one zip archive: an export split per article can hold thousands; 42.zip-style archives hold millions.
MAX_ARCHIVE_MEMBERS = 20_000
# Containers inside containers (a .gz inside a zip inside a zip): real exports nest two deep at most.
MAX_CONTAINER_DEPTH = 3
# Items read from one RSS/Atom feed: news feeds carry 10-100 items (the Sky News Arabia fixture 5, big outlets'
# "latest" feeds 20-50), archives a few hundred. Each item read costs HTML-to-text and date parsing and, in
# `marsad watch`, a page fetch of up to fetch_timeout_s: a feed listing 100,000 links would hold a cycle for
# days. Items past the limit are cut with a note (the first ones are kept). Below watch.SEEN_PER_FEED, so every
# item read is remembered as seen.
MAX_FEED_ITEMS = 1_000
# HTML pages: the 112 real news pages of ../shared/html have at most 5,535 tags and 6,248 attributes.
# trafilatura needs ~0.2-0.5 ms per tag, and libxml2 checks an element's attributes pairwise (20k attributes on
# one element take 1.8 s, 80k take 72 s): beyond these limits a page is generated or hostile and is rejected
# before parsing, which bounds a page to a few seconds. (Rejected, not cut: a cut page would lose its end
# and the page's structure, which is what boilerplate removal reads.)
MAX_HTML_TAGS = 30_000
MAX_HTML_ATTRIBUTES = 20_000
_TAG = re.compile(r"<[A-Za-z]")
# An attribute name followed by "=": counts `<p class="x">` once; text such as "x = 5" counts too (harmless).
_ATTRIBUTE = re.compile(r"\s[\w:.-]+\s*=")
# Marks the end of a body cut at MAX_BODY_CHARS: an editorial ellipsis, read the same in every language.
CUT_MARK = "[…]"

__all__ = ["CUT_MARK", "MAX_BODY_CHARS", "MAX_FEED_ITEMS", "cut_body", "expansion_allowed", "feed_items_cut",
           "markup_over_limits"]


def markup_over_limits(html: str) -> str:
    """Why this markup is too costly to parse ("" when it is within the limits). Two linear regex counts."""
    tags = len(_TAG.findall(html))
    if tags > MAX_HTML_TAGS:
        return f"HTML with {tags:,} tags is over the limit of {MAX_HTML_TAGS:,} (a generated or hostile page)"
    attributes = len(_ATTRIBUTE.findall(html))
    if attributes > MAX_HTML_ATTRIBUTES:
        return f"HTML with {attributes:,} attributes is over the limit of {MAX_HTML_ATTRIBUTES:,} (a generated or hostile page)"
    return ""


def feed_items_cut(total: int) -> str:
    """The note for a feed of ``total`` items when it is over :data:`MAX_FEED_ITEMS` ("" when it is not)."""
    if total <= MAX_FEED_ITEMS:
        return ""
    return (f"feed with {total:,} items is over the limit of {MAX_FEED_ITEMS:,}: the first {MAX_FEED_ITEMS:,} "
            f"were read, the other {total - MAX_FEED_ITEMS:,} cut")


def expansion_allowed(compressed: int) -> int:
    """Bytes a compressed stream may have expanded to once ``compressed`` of its bytes were read."""
    return COMPRESSION_SLACK_BYTES + MAX_COMPRESSION_RATIO * compressed


def cut_body(body: str) -> str:
    """``body`` cut to at most :data:`MAX_BODY_CHARS` characters, at a paragraph (else a word) boundary, ending
    with :data:`CUT_MARK`; unchanged when it is short enough."""
    if len(body) <= MAX_BODY_CHARS:
        return body
    room = MAX_BODY_CHARS - len(CUT_MARK) - 2
    end = body.rfind("\n\n", 0, room)
    if end < room // 2:  # no paragraph break in the second half: cut at a space
        end = body.rfind(" ", 0, room)
    if end < room // 2:
        end = room
    return body[:end].rstrip() + "\n\n" + CUT_MARK
