"""Plain-text scraped pages: menus and app-store lines dropped; title, time, dateline and body paragraphs found.

A page saved as text keeps its navigation ("كـل الأخبار", "Shadow Shadow", "App store icon Play store icon"),
teasers of other stories and the title twice. The layout is nevertheless regular: a head of short lines (menus,
teasers, the title, the time, a "place – outlet" dateline), then the body, a run of paragraphs, then perhaps a
footer of short lines. We find the body first (the span between the first and last real paragraph), then read
the head for the metadata.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from marsad.errors import RejectedInput
from marsad.ingest.extract import (
    clean_line,
    dateline_place,
    display_name,
    implausible,
    lead_dateline,
    parse_date,
    source_key,
    split_byline,
    unwrap_blocks,
    without_boilerplate,
    zone_for_place,
)
from marsad.models import Article

LOGGER = logging.getLogger(__name__)

# A body paragraph has at least this many words (or ends a sentence and has MIN_SENTENCE_WORDS); menu items,
# teasers ("كاميرات حرارية وبناء أسيجة"), datelines and titles have fewer or no final full stop.
MIN_PARAGRAPH_WORDS = 15
MIN_SENTENCE_WORDS = 6
# A title is a line of a few words up to a long headline; shorter lines are menu items, longer ones paragraphs.
MIN_TITLE_WORDS = 2
MAX_TITLE_CHARS = 250
# A date line is short: the date, a time, a weekday, a separator; a longer line is prose that mentions a date.
MAX_DATE_LINE_CHARS = 60
MAX_DATE_LINE_WORDS = 7
# Without prose, the lines under a date line are the article when there are at least this many (a table).
MIN_TABLE_LINES = 2
# Lines at the top of a page searched for the date line of a page without prose.
MAX_HEAD_LINES = 12
# Lines between a headline and the date line under it (a repeated title, a byline).
MAX_LINES_TITLE_TO_DATE = 3
# A dateline ("بغداد – ناس") is a place and an outlet, a handful of words.
MAX_DATELINE_WORDS = 6
# Navigation, sharing and app-store chrome that scrapers keep, in Arabic and English (matched on whole lines).
NAV_LINE_PATTERNS = (
    r"shadow(\s+shadow)*",
    r"(app\s*store|play\s*store|google\s*play)(\s+icon)?(\s+(app\s*store|play\s*store|google\s*play)(\s+icon)?)*",
    r"كـ*ل\s+الأخبار",
    r"(الرئيسية|أخبار|اخبار|الأخبار|سياسة|اقتصاد|رياضة|منوعات|فيديو|صور|مقالات|ثقافة|تكنولوجيا|صحة)",
    r"(اقرأ|إقرأ|اقرا)\s+(أيضا|أيضاً|ايضا|المزيد)\s*:?",
    r"(شارك|مشاركة|تابعونا|تابعنا)(\s+(على|عبر))?.{0,30}",
    r"(share|tweet|print|email|subscribe|read more|related( articles| news)?|advertisement|إعلان)\s*:?",
    r"(facebook|twitter|whatsapp|telegram|instagram|youtube|linkedin|فيسبوك|تويتر|واتساب|تلغرام|يوتيوب)"
    r"([\s|/،,]+(facebook|twitter|whatsapp|telegram|instagram|youtube|linkedin|فيسبوك|تويتر|واتساب|تلغرام|يوتيوب))*",
    r"(©|حقوق\s+(النشر|الطبع)|all rights reserved|copyright).*",
    r"(loading|جار\s*التحميل)\.*",
)
_NAV = re.compile(r"^\s*(?:" + "|".join(NAV_LINE_PATTERNS) + r")\s*$", re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}:\d{2}")
_SENTENCE_END = re.compile(r"[.!?؟…][\"»”')]*\s*$")


def article_from_text(text: str, *, name: str, source: str | None = None, url: str = "") -> Article:
    """Read one scraped page. Raises :class:`RejectedInput` when no body paragraph is found."""
    text = unwrap_blocks(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [clean_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line and not _NAV.match(line)]
    first, last = _body_span(lines)
    if first is None:
        # No prose paragraph: a short table or list item ("Shr 17 cts vs 18 cts / Net 1.2 mln …"). Under a
        # date line it is still an article; without one it is a menu or a stub.
        dated = [i for i, line in enumerate(lines[:MAX_HEAD_LINES]) if _is_date_line(line)]
        if not dated or len(lines) - dated[0] - 1 < MIN_TABLE_LINES:
            raise RejectedInput(f"{name}: no article text found (no paragraph of {MIN_SENTENCE_WORDS}+ words)")
        first, last = dated[0] + 1, len(lines) - 1
    head, body_lines = lines[:first], lines[first : last + 1]
    date_index, date_text = _date_line(head)
    title = _title(head, body_lines, date_text=date_text)
    place, outlet = _dateline(head, title=title, date_index=date_index)
    body = without_boilerplate([line for line in body_lines if line != title and not _NAV.match(line)])
    if not place:  # "BAGHDAD (Reuters) - ..." / "بغداد (رويترز) - ..." opening the first paragraph
        opening = lead_dateline(body[0])
        place, outlet = opening.place, outlet or opening.outlet
    article = Article(body="\n\n".join(body), title=title, url=url, origin=name)
    article.dateline = place
    found = source or outlet
    article.source = source_key(found) if found else ""
    article.source_name = display_name(article.source, found) if found else ""
    _apply_date(article, date_text)
    return article


def _is_paragraph(line: str) -> bool:
    words = len(line.split())
    return words >= MIN_PARAGRAPH_WORDS or (words >= MIN_SENTENCE_WORDS and bool(_SENTENCE_END.search(line)))


def _body_span(lines: list[str]) -> tuple[int | None, int]:
    """First and last body paragraph. A long headline can pass for a paragraph: when a date line follows the
    first "paragraph" closely, that paragraph was the headline and the body starts after the date."""
    indexes = [i for i, line in enumerate(lines) if _is_paragraph(line)]
    if not indexes:
        return None, -1
    first = indexes[0]
    for j in range(first + 1, min(first + 1 + MAX_LINES_TITLE_TO_DATE, len(lines))):
        if _is_date_line(lines[j]):
            later = [i for i in indexes if i > j]
            if later:
                first = later[0]
            break
    return first, indexes[-1]


def _title(head: list[str], body: list[str], *, date_text: str) -> str:
    """The headline. One repeated on the page (scrapers keep the page title and the article heading) wins; then
    a headline-like line right above or below the date line (pages print them together); then the longest
    headline-like head line (teasers of other stories are usually shorter)."""
    candidates = [line for line in head if line != date_text and _title_like(line)]
    counts = Counter(head + body[:1])
    repeated = [line for line in candidates if counts[line] > 1]
    if repeated:
        return repeated[0]
    headlines = [line for line in candidates if len(line.split()) > MAX_DATELINE_WORDS or not _looks_dateline(line)]
    if date_text:
        at = head.index(date_text)
        for neighbour in (head[at - 1] if at > 0 else "", head[at + 1] if at + 1 < len(head) else ""):
            if neighbour in headlines:
                return neighbour
    return max(headlines, key=lambda line: len(line.split()), default=candidates[-1] if candidates else "")


def _title_like(line: str) -> bool:
    return len(line.split()) >= MIN_TITLE_WORDS and len(line) <= MAX_TITLE_CHARS


def _is_date_line(line: str) -> bool:
    if len(line) > MAX_DATE_LINE_CHARS or len(line.split()) > MAX_DATE_LINE_WORDS:
        return False
    return parse_date(line, fallback=False) is not None


def _date_line(head: list[str]) -> tuple[int, str]:
    """The page's time line. A headline may contain a date too ("أبرز أخبار يوم السبت 18 مارس 2017"): a line
    with a clock time wins, then the line with the fewest words (the least text besides the date)."""
    found = [(index, line) for index, line in enumerate(head) if _is_date_line(line)]
    if not found:
        return -1, ""
    return min(found, key=lambda item: (not _TIME.search(item[1]), len(item[1].split())))


def _looks_dateline(line: str) -> bool:
    return bool(split_byline(line, bare_outlet=True).place)


def _dateline(head: list[str], *, title: str, date_index: int) -> tuple[str, str]:
    """The "place – outlet" line: short, below the title or the date (above them, "أخبار - العراق" is a
    breadcrumb, not a dateline), the last such line before the body."""
    anchors = [i for i in (head.index(title) if title in head else -1, date_index) if i >= 0]
    if not anchors:
        return "", ""
    for line in reversed(head[min(anchors) + 1 :]):
        if line == title or len(line.split()) > MAX_DATELINE_WORDS or _is_date_line(line):
            continue
        byline = split_byline(line, bare_outlet=True)
        if byline.place:
            return byline.place, byline.outlet
        place = dateline_place(line)
        if place and zone_for_place(place):
            return place, ""
    return "", ""


def _apply_date(article: Article, date_text: str) -> None:
    if not date_text:
        return
    zone = zone_for_place(article.dateline) if article.dateline else ""
    parsed = parse_date(date_text, zone=zone)
    if parsed is None:
        return
    note = implausible(parsed.when)
    if note:
        article.date_note = note
        return
    article.published_at, article.published_tz, article.published_precision = parsed.when, parsed.tz, parsed.precision
