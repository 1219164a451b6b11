"""Untrusted text made safe for right-to-left display, and the direction a text reads in: the one cleaner behind every escaping helper (the
dashboard's ``ui.render.esc`` and the briefings' templates).

Explicit bidi embeddings and overrides (LRE RLE PDF LRO RLO): one unclosed U+202E in an outlet name reverses the
rest of its line (dates, counts, the next title: "Trojan source" spoofing). Every container sets its own
direction, so untrusted text never needs them. Isolates (LRI RLI FSI … PDI) only group text and the app writes
its own (i18n.ltr_isolate around dates): they are kept but balanced, so a stray one can neither close the app's
isolate early nor leave one open past the text. The marks LRM/RLM/ALM are kept.
"""

from __future__ import annotations

import re

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_BIDI_OVERRIDES = re.compile("[\u202a-\u202e]")
_ISOLATES = re.compile("([\u2066-\u2069])")
_PDI = "\u2069"


def _balanced_isolates(text: str) -> str:
    """``text`` with each PDI that closes nothing dropped and a PDI added for each isolate it leaves open."""
    if not _ISOLATES.search(text):
        return text
    kept: list[str] = []
    depth = 0
    for piece in _ISOLATES.split(text):
        if piece == _PDI:
            if not depth:
                continue
            depth -= 1
        elif len(piece) == 1 and _ISOLATES.fullmatch(piece):
            depth += 1
        kept.append(piece)
    return "".join(kept) + _PDI * depth


def plain_text(text: object) -> str:
    """Untrusted text as a string: bidi embeddings and overrides dropped, isolates balanced (None → "")."""
    return _balanced_isolates(_BIDI_OVERRIDES.sub("", "" if text is None else str(text)))


def text_direction(text: str) -> str:
    """"rtl" when Arabic-script letters outnumber Latin ones, else "ltr" (digits and punctuation are neutral)."""
    arabic = len(_ARABIC_LETTER.findall(text or ""))
    latin = len(_LATIN_LETTER.findall(text or ""))
    return "rtl" if arabic > latin else "ltr"
