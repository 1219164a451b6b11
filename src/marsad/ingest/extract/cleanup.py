"""Title and body cleanup: clean paragraphs joined by a blank line, whatever the source's line conventions.

Exports separate paragraphs by one newline (ANT), by blank lines (scraped pages) or hard-wrap them at ~70
columns and mark paragraph starts with an indent or tab (Reuters-21578). All become "para\\n\\npara".
"""

from __future__ import annotations

import re

from marsad.ingest.limits import markup_over_limits

# Lines this long or shorter, never followed by a blank line, are a hard-wrapped paragraph (wire copy at 65–80).
WRAP_WIDTH = 80
# Median length of wrapped lines: wire copy wraps at 65–80, so its lines run long; menus and lists do not.
MIN_WRAPPED_MEDIAN = 45
# A line of a wrapped paragraph (all but its last) nearly fills the width; a headline above its date is shorter.
MIN_WRAPPED_LINE = 55
# In a three-line text the wrapped lines must be at least this long (a short wire item: "Magma Copper Co, a
# subsidiary of Newmont / Mining Corp, said it is cutting … / 0.75 cent to 66 cents a lb, effective immediately.").
MIN_SHORT_WRAP_LINE = 30
# Share of hard-wrap-length lines above which a text is treated as hard-wrapped.
WRAPPED_SHARE = 0.8
# Wire-service signatures closing a story ("Reuter", "REUTER"): not part of the text.
_SIGNATURE = re.compile(r"\n\s*(?:&\\t|&\t)?\s*(?:reuters?|&#3;|\x03)(?:\.{3})?(?:\^M)?\s*$", re.IGNORECASE)
# The signature sits in the last few characters; searching only there keeps long bodies fast.
SIGNATURE_TAIL = 40
# Reuters-21578 SGML leftovers: "&\\t" paragraph marks (a literal backslash-t, or a real tab), "&#3;" end-of-text.
_SGML_MARKS = re.compile(r"&\\t|&\t|&#\d+;|\x03")
_ZERO_WIDTH = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SENTENCE_END = re.compile(r"[.!?؟:\"»”)]\s*$")
# Block-level tags whose end is a paragraph break when an HTML fragment is turned into text.
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote|/tr)\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?:p|br|div|span|a|strong|em|b|i|h[1-6]|ul|li|img|figure|blockquote)[\s>/]", re.IGNORECASE)
# How far into a text to look for tags when deciding whether it is HTML.
HTML_SNIFF_CHARS = 2000
# Calls to action and notices in many languages; matched in paragraphs of at most MAX_BOILERPLATE_WORDS words.
MAX_BOILERPLATE_WORDS = 30
_BOILERPLATE = re.compile(
    r"^\W*(?:read (?:more|also)|also read|related(?: articles| stories)?|see also|lea (?:también|más)|lea:|"
    r"à lire aussi|lire aussi|lesen sie auch|mehr zum thema|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|"
    r"شاهد أيضا|شاهد أيضاً|طالع أيضا|طالع أيضاً|للمزيد)"
    r"|\b(?:subscribe (?:now|today|to (?:our|the))|please subscribe|already a subscriber|"
    r"subscribers? (?:also )?(?:receive|get)|sign(?:ing)? up (?:for|to) (?:our|the)|our newsletter|"
    r"download (?:the|our) .{0,40}apps?\b|copyrighted (?:property|material)|all rights reserved|"
    r"written permission|abonnez-vous|jetzt abonnieren|"
    r"جميع الحقوق محفوظة|حقوق النشر محفوظة|اشترك الآن|اشترك في نشرتنا|حمّل تطبيق|حمل تطبيق|تابعونا على)",
    re.IGNORECASE,
)
# Comment-section notices (moderation policy, "opinions below are the readers' own") run longer than calls to
# action: matched in paragraphs of at most MAX_NOTICE_WORDS words.
MAX_NOTICE_WORDS = 60
_COMMENT_NOTICE = re.compile(
    r"\b(?:comments? (?:policy|guidelines)|community guidelines|comments are (?:moderated|reviewed))|"
    r"التعليقات قبل نشرها|(?:الآراء|التعليقات)\s+(?:الواردة|المنشورة)\s.{0,40}لا تعبر",
    re.IGNORECASE,
)
_PARA_START = re.compile(r"^(?:\t|\s{3,}|&\\t|&\t)")


def clean_line(text: str) -> str:
    """One line: no bidi/zero-width marks, single spaces (NBSP and other Unicode spaces included), trimmed."""
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
    return " ".join(text.split())  # str.split() knows every Unicode space; faster than a regex


def clean_title(text: object) -> str:
    return clean_line(str(text or ""))


def paragraphs(text: object) -> list[str]:
    """The paragraphs of a body, cleaned; hard-wrapped text is unwrapped."""
    raw = str(text or "").rstrip()
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    signature = _SIGNATURE.search(raw, max(0, len(raw) - SIGNATURE_TAIL))
    if signature:
        raw = raw[: signature.start()]
    if _ZERO_WIDTH.search(raw):
        raw = _ZERO_WIDTH.sub("", raw)
    lines = raw.split("\n")
    if _hard_wrapped(lines):
        return _unwrap(lines)
    if "&" in raw or "\x03" in raw:
        lines = _SGML_MARKS.sub(" ", raw).split("\n")
    return [cleaned for cleaned in (" ".join(line.split()) for line in lines) if cleaned]


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries, exports that store HTML), paragraph breaks kept."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    from lxml import html as lxml_html  # lazy

    marked = _BLOCK_END.sub("\n\n", fragment)
    if not markup_over_limits(marked):  # else too costly to parse (see marsad.ingest.limits): tags dropped by pattern
        try:
            return lxml_html.fromstring(f"<div>{marked}</div>").text_content()
        except (ValueError, TypeError, lxml_html.etree.ParserError):
            pass
    return re.sub(r"<[^>]+>", " ", marked)


def looks_like_html(text: str) -> bool:
    """Exports sometimes store the article's HTML in the text column."""
    return "<" in text and bool(_HTML_TAG.search(text[:HTML_SNIFF_CHARS]))


def without_boilerplate(paragraphs_: list[str]) -> list[str]:
    """Drop short paragraphs that are calls to action, not article text: "Read more: …", "Lea también: …",
    "اقرأ أيضاً", subscription/app/newsletter prompts, copyright notices, and comment-section notices
    ("الآراء الواردة أدناه لا تعبر عن رأي الموقع"). Long paragraphs are kept whatever they say (an article may
    well discuss subscriptions)."""
    kept = []
    for paragraph in paragraphs_:
        words = len(paragraph.split())
        if words <= MAX_BOILERPLATE_WORDS and _BOILERPLATE.search(paragraph):
            continue
        if words <= MAX_NOTICE_WORDS and _COMMENT_NOTICE.search(paragraph):
            continue
        kept.append(paragraph)
    return kept


def clean_body(text: object) -> str:
    """Clean paragraphs joined by a blank line (the ``Article.body`` convention)."""
    return "\n\n".join(paragraphs(text))


def unwrap_blocks(text: str) -> str:
    """Join hard-wrapped lines (wire copy, e-mails, old text exports) within each blank-line-separated block;
    text that is not hard-wrapped comes back unchanged. Wrapped lines all fit the wrap width, are mostly long
    (a menu's lines are short) and mostly end mid-sentence; scraped pages (one paragraph per line) pass."""
    blocks = [block.split("\n") for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    inner = [line.strip() for block in blocks if len(block) > 1 for line in block[:-1] if line.strip()]
    total = sum(1 for block in blocks for line in block if line.strip())
    if len(inner) < 3 or len(inner) < 0.5 * total:
        return text
    lengths = sorted(len(line) for line in inner)
    fits = sum(1 for n in lengths if n <= WRAP_WIDTH) >= WRAPPED_SHARE * len(inner)
    long_enough = lengths[len(lengths) // 2] >= MIN_WRAPPED_MEDIAN
    mid_sentence = sum(1 for line in inner if _SENTENCE_END.search(line)) < 0.5 * len(inner)
    if not (fits and long_enough and mid_sentence):
        return text
    return "\n\n".join(_join_block(block) for block in blocks)


def _join_block(block: list[str]) -> str:
    """One wrapped paragraph → one line; a block of short lines (a title above its date) stays as it is."""
    lines = [line.strip() for line in block if line.strip()]
    if all(len(line) >= MIN_WRAPPED_LINE for line in lines[:-1]):
        return " ".join(lines)
    return "\n".join(lines)


def _hard_wrapped(lines: list[str]) -> bool:
    """Wire-style text: most lines fit the wrap width and most end mid-sentence (one-line paragraphs end with
    a full stop); blank lines, if any, come with indented paragraph starts."""
    if len(lines) < 3:
        return False
    content = [line for line in lines[:-1] if line.strip()]
    if len(content) < 2 or sum(1 for line in content if len(line) <= WRAP_WIDTH) < WRAPPED_SHARE * len(content):
        return False
    if len(content) == 2 and min(len(line) for line in content) < MIN_SHORT_WRAP_LINE:
        return False  # two short lines are a list, not a wrapped paragraph
    short = sum(1 for line in content if len(line) <= WRAP_WIDTH)
    ended = sum(1 for line in content if _SENTENCE_END.search(line))
    marked = any(_PARA_START.match(line) for line in content)
    blank = any(not line.strip() for line in lines)
    return short >= WRAPPED_SHARE * len(content) and ended < 0.5 * len(content) and (marked or not blank)


def _unwrap(lines: list[str]) -> list[str]:
    result: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip() or _PARA_START.match(line):
            if current:
                result.append(clean_line(" ".join(current)))
                current = []
        cleaned = clean_line(_SGML_MARKS.sub(" ", line))
        if cleaned:
            current.append(cleaned)
    if current:
        result.append(clean_line(" ".join(current)))
    return [p for p in result if p]
