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
_LRI, _FSI, _PDI = "\u2066", "\u2068", "\u2069"


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


def isolate(text: object) -> str:
    """Untrusted text set apart from the line around it (FSI … PDI): it takes its direction from its own first
    letter, and an Arabic name can neither pull the "=", brackets and digits beside it into its direction nor
    be pulled into the line's ("q=ترامب كوريا" read as "ترامب كوريا=q" in an Arabic line without it). For plain
    text (option labels, summaries) where no ``<bdi>`` or ``dir`` can be written."""
    return f"{_FSI}{plain_text(text)}{_PDI}"


def ltr_isolate(text: object) -> str:
    """Text kept left to right inside any surrounding text (LRI … PDI): dates and numbers in Arabic lines. After
    Arabic letters a date's digits count as Arabic numbers, and 1987-11 would show as 11-1987; Plotly's SVG and
    WeasyPrint (which ignores CSS ``unicode-bidi: isolate``) honour these characters where CSS does not reach."""
    return f"{_LRI}{plain_text(text)}{_PDI}"


def text_direction(text: str) -> str:
    """"rtl" when Arabic-script letters outnumber Latin ones, else "ltr" (digits and punctuation are neutral)."""
    arabic = len(_ARABIC_LETTER.findall(text or ""))
    latin = len(_LATIN_LETTER.findall(text or ""))
    return "rtl" if arabic > latin else "ltr"
