"""Limits that keep every ingest step bounded in time and memory whatever a file holds, in one place.

Each limit is set well above what real news input reaches (the figures are in each comment) and below what
makes a step take minutes or gigabytes. Going over one costs only that document or record: a clear reject, or
a body cut with a note. The file and record size limits are settings (``max_file_bytes``, ``max_record_bytes``).
"""

from __future__ import annotations

import logging

from marsad.models import MAX_BODY_CHARS

LOGGER = logging.getLogger(__name__)

# Marks the end of a body cut at MAX_BODY_CHARS: an editorial ellipsis, read the same in every language.
CUT_MARK = "[…]"

__all__ = ["CUT_MARK", "MAX_BODY_CHARS", "cut_body"]


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
