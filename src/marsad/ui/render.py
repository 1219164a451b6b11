"""Safe HTML for article text: escaping, text direction, highlighted search hits and entity spans.

Everything from an article (title, body, names, snippets) is untrusted: it is escaped here before any of it
reaches ``st.markdown(..., unsafe_allow_html=True)``, so ``<script>`` or ``<img onerror=…>`` shows as text.
No Streamlit import: these are pure functions with unit tests.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from marsad.text.bidi import plain_text, text_direction

# Paragraph breaks in stored bodies are blank lines; single newlines inside are kept as line breaks.
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")


def esc(text: object, *, quote: bool = True) -> str:
    """Untrusted text as inert HTML: the one escaping helper for ``unsafe_allow_html`` markup, Plotly labels and
    ``st.html``. Quotes are escaped by default since the result may land inside an attribute; Plotly text wants
    ``quote=False`` (it decodes ``&lt;`` ``&gt;`` ``&amp;`` and numeric references, but shows ``&quot;`` as typed)."""
    return html.escape(plain_text(text), quote=quote)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: object) -> str:
    """Untrusted text for a Streamlit markdown string (st.info/st.error, button labels): markdown, HTML, LaTeX
    and directive (``:red[…]``) syntax escaped, bidi controls dropped, so it shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain_text(text))


def directed(inner_html: str, direction: str, *, tag: str = "div", cls: str = "") -> str:
    """Wrap already-safe HTML in a container with an explicit direction (Arabic: rtl and right-aligned)."""
    classes = f"marsad-{direction} {cls}".strip()
    return f'<{tag} dir="{direction}" class="{esc(classes)}">{inner_html}</{tag}>'


def text_block(text: str, *, tag: str = "div", cls: str = "") -> str:
    """Escaped text in a container whose direction follows the text's script."""
    return directed(esc(text), text_direction(text), tag=tag, cls=cls)


@dataclass(frozen=True)
class Highlight:
    """A stretch of text to mark: [start, end) character offsets, a CSS class, an optional link and tooltip."""

    start: int
    end: int
    cls: str
    href: str = ""
    tip: str = ""


def mark_spans(text: str, spans: Iterable[Highlight]) -> str:
    """Escaped ``text`` with each span wrapped in ``<mark>`` or ``<a>``; overlapping or out-of-range spans are skipped.

    Offsets are in the ORIGINAL text, so escaping happens per segment (escaping first would shift them).
    """
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < pos or span.end <= span.start or span.end > len(text):
            continue
        out.append(esc(text[pos : span.start]))
        inner = esc(text[span.start : span.end])
        title = f' title="{esc(span.tip)}"' if span.tip else ""
        if span.href:
            out.append(f'<a class="{esc(span.cls)}" href="{esc(span.href)}" target="_self"{title}>{inner}</a>')
        else:
            out.append(f'<mark class="{esc(span.cls)}"{title}>{inner}</mark>')
        pos = span.end
    out.append(esc(text[pos:]))
    return "".join(out)


def paragraphs_html(text: str, spans: Sequence[Highlight] = (), *, offset: int = 0) -> str:
    """``text`` as ``<p>`` paragraphs with spans marked; span offsets are relative to ``text`` shifted by ``offset``."""
    parts: list[str] = []
    pos = 0
    for match in [*_PARAGRAPH_SPLIT.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        local = [
            Highlight(s.start - offset - pos, s.end - offset - pos, s.cls, s.href, s.tip)
            for s in spans
            if s.start - offset >= pos and s.end - offset <= end
        ]
        if chunk.strip():
            parts.append("<p>" + mark_spans(chunk, local).replace("\n", "<br>") + "</p>")
        if match:
            pos = match.end()
    return "".join(parts)


# Search snippets from the analytics layer mark hits with these private-use characters (never HTML), see
# marsad.store.search; they are turned into <mark> only after escaping.
HIT_OPEN = "\ue000"
HIT_CLOSE = "\ue001"


def snippet_html(snippet: str, hits: Sequence[tuple[int, int]] = ()) -> str:
    """A search snippet with its hits highlighted, from either marker characters or (start, end) hit ranges."""
    if HIT_OPEN in snippet:
        plain, ranges, pos = [], [], 0
        for piece in re.split(f"([{HIT_OPEN}{HIT_CLOSE}])", snippet):
            if piece == HIT_OPEN:
                start = pos
            elif piece == HIT_CLOSE:
                ranges.append((start, pos))
            else:
                plain.append(piece)
                pos += len(piece)
        snippet, hits = "".join(plain), ranges
    body = mark_spans(snippet, [Highlight(s, e, "marsad-hit") for s, e in hits])
    return directed(body, text_direction(snippet), cls="marsad-snippet")


def article_html(
    title: str,
    body: str,
    mentions: Iterable[tuple[int, int, str, str]],
    *,
    link: Callable[[str], str] | None = None,
    tip: Callable[[str], str] | None = None,
) -> str:
    """An article with entity mentions highlighted by type, each linking to its entity page.

    ``mentions`` are (start, end, type, entity_key) with offsets into ``title + "\\n\\n" + body`` (marsad.models.Mention).
    """
    spans = [
        Highlight(int(s), int(e), f"marsad-ent marsad-ent-{esc(kind)}", link(key) if link else "", tip(key) if tip else key)
        for s, e, kind, key in mentions
    ]
    body_offset = len(title) + 2
    title_spans = [s for s in spans if s.end <= len(title)]
    # A styled div, not <h3>: Streamlit rebuilds markdown headings (anchors) and drops their attributes.
    heading = directed(mark_spans(title, title_spans), text_direction(title), cls="marsad-headline")
    text = directed(paragraphs_html(body, spans, offset=body_offset), text_direction(body), cls="marsad-article")
    return heading + text


def page_href(url_path: str, params: dict[str, str | list[str]]) -> str:
    """A same-app relative link (``entities?ent=…``) that restores a view from its query parameters."""
    query = urlencode(params, doseq=True)
    return f"{url_path}?{query}" if query else url_path
