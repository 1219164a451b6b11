"""HTML news pages: boilerplate removal and metadata with trafilatura, plus the page's own declarations.

trafilatura finds the main text well. For metadata we read what the publisher declares for machines first
(``article:published_time``, JSON-LD ``datePublished``/``headline``, ``og:title``, ``<link rel=canonical>``):
dates from there, titles from the visible headline that agrees with them; htmldate and a visible date line
(Arabic month names, which htmldate does not know) fill the gaps. See docs/html-extraction.md for the
measured effect of each choice.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone

from marsad.errors import RejectedInput
from marsad.ingest.extract import (
    CALENDAR_PRECISIONS,
    Dateline,
    ParsedDate,
    canonical_url,
    clean_line,
    clean_title,
    date_fields,
    display_name,
    lead_dateline,
    paragraphs,
    parse_date,
    source_from_url,
    source_key,
    split_byline,
    without_boilerplate,
    zone_for_place,
)
from marsad.ingest.limits import markup_over_limits
from marsad.models import Article

LOGGER = logging.getLogger(__name__)

# fast=True skips trafilatura's justext/readability fallbacks: about twice the pages/s for a small loss of
# recall (measured in bench/html_extraction.py; the pipeline target is ≥ 30 pages/s on 2 cores). The few pages
# where the fast pass plainly missed the article (see _missed_article) are read again with the fallbacks on.
FAST_EXTRACTION = True
# A fast-pass body shorter than this share of the page's <p> text missed the article (a teaser, a newsletter
# intro, one section of a long page): on ../shared/html the fallbacks then found 3–20x the text.
MIN_BODY_SHARE_OF_PARAGRAPHS = 0.2
# A fast-pass body with at least this many "|" per word is a layout table (a calendar), not prose.
MAX_TABLE_CELLS_PER_WORD = 0.5
# Run trafilatura's metadata extraction on every page (slower; measured no better once page_meta exists).
TRAFILATURA_METADATA = False
# htmldate: the original publication date, no extensive (slow, error-prone) text search; keep time and offset.
_HTMLDATE_OPTIONS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
# Comments are readers' text, not the article's.
INCLUDE_COMMENTS = False
# Pages with less main text than this are index pages, error pages or paywalls, not articles.
MIN_BODY_CHARS = 40
# Share of a heading's words that must occur in the declared titles for it to be the article's headline.
MIN_HEADING_AGREEMENT = 0.5
# Headings looked at per level: the headline is near the top; later <h2>s are section titles and teasers.
MAX_HEADINGS = 5
MAX_HEADING_CHARS = 250
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# A visible date line is short (date, time, weekday) and near the top: later dates belong to other stories.
MAX_DATE_LINE_CHARS = 60
MAX_DATE_SCAN_LINES = 400
# Leading paragraphs of the extracted text checked for a repeated title or a date line.
MAX_HEAD_PARAGRAPHS = 3
# A dateline paragraph ("بغداد – ناس") is a place and an outlet: a handful of words.
MAX_DATELINE_WORDS = 6
# "By Jane Doe", "بقلم: …", "كتب …": the prefix is not part of the name.
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|بقلم|كتب|كتبت)\s*:?\s+", re.IGNORECASE)
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A day in a URL path: year, at most one section name, month, day ("/2013/middle_east/8/3/", "/2020/02/24/").
_URL_DAY = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?:[a-z_-]+/)?(?P<m>\d{1,2})/(?P<d>\d{1,2})/", re.IGNORECASE)
# The offsets of the world's clocks from UTC: where a UTC instant's local day can lie.
LOCAL_OFFSET_RANGE = (timedelta(hours=-12), timedelta(hours=14))
# Site-name suffixes publishers append to titles ("Headline | Site", "Headline - Site").
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·•»]\s+[^|\-–—:·•»]{2,60}$")
# Meta tags that carry the publication date (name/property/itemprop values, lowercased).
DATE_META_KEYS = frozenset({
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date",
    "dc.date.issued", "dcterms.date", "sailthru.date", "parsely-pub-date",
})


@dataclass
class PageMeta:
    """What the page declares for machines (meta tags, JSON-LD, canonical link)."""

    title: str = ""
    og_title: str = ""
    headline: str = ""
    date: str = ""
    author: str = ""
    site_name: str = ""
    canonical: str = ""
    description: str = ""
    section: str = ""
    headings: list[str] = field(default_factory=list)  # the first few <h1> then <h2> texts


def article_from_html(html: str, *, name: str, url: str = "", source: str | None = None) -> Article:
    """Read one HTML page. Raises :class:`RejectedInput` when it holds no article text."""
    import trafilatura  # lazy: heavy import, only HTML needs it
    from trafilatura.utils import load_html

    over = markup_over_limits(html)
    if over:
        raise RejectedInput(f"{name}: {over}")
    tree = load_html(html)
    if tree is None:
        raise RejectedInput(f"{name}: not parseable as HTML")
    meta = page_meta(tree)
    paragraph_chars = _paragraph_chars(tree)  # before trafilatura, which prunes the tree it is given
    # trafilatura's own metadata pass costs ~30% of its time and mostly re-reads what page_meta already has;
    # it runs only when the page declares no title at all (see docs/html-extraction.md).
    with_metadata = TRAFILATURA_METADATA or not (meta.og_title or meta.headline or meta.title)
    options = {"url": url or None, "include_comments": INCLUDE_COMMENTS, "with_metadata": with_metadata,
               "date_extraction_params": _HTMLDATE_OPTIONS}
    doc = trafilatura.bare_extraction(tree, fast=FAST_EXTRACTION, **options)
    body = "\n\n".join(paragraphs(doc.text if doc is not None else ""))
    if FAST_EXTRACTION and _missed_article(body, paragraph_chars):
        LOGGER.debug("%s: fast extraction missed the article, reading it again with fallbacks", name)
        second = trafilatura.bare_extraction(load_html(html), fast=False, **options)
        if second is not None and len(second.text or "") > len(body):
            doc, body = second, "\n\n".join(paragraphs(second.text))
    found_title = doc.title if doc is not None and doc.title else ""
    title = choose_title(meta, found_title)
    body, head_dateline = _split_head(body, title)
    body = "\n\n".join(without_boilerplate(body.split("\n\n")))
    if len(body) < MIN_BODY_CHARS:
        raise RejectedInput(f"{name}: no article text found in the HTML page")
    page_url = url or meta.canonical or (doc.url if doc is not None and doc.url else "")
    article = Article(body=body, title=title, url=page_url, origin=name)
    article.canonical_url = canonical_url(meta.canonical or page_url)
    article.lead = clean_line(meta.description)
    article.category = clean_line(meta.section or (", ".join(doc.categories) if doc is not None and doc.categories else ""))
    author = _BYLINE_PREFIX.sub("", clean_line(meta.author or (doc.author if doc is not None and doc.author else "")))
    byline = split_byline(author)
    # "X - Y" in a page's author tag is usually two names; only a place we know makes it a dateline.
    known_place = bool(byline.place and zone_for_place(byline.place))
    article.author = (byline.author or byline.outlet) if known_place else author
    article.dateline = byline.place if known_place else (head_dateline.place or lead_dateline(body).place)
    found = source or meta.site_name or (doc.sitename if doc is not None and doc.sitename else "") or head_dateline.outlet
    key = source_key(source) if source else (source_from_url(article.canonical_url or page_url) or source_key(found))
    article.source, article.source_name = key, display_name(key, found) if key else ""
    date_value = (meta.date or (doc.date if doc is not None and doc.date else "") or _htmldate(html, url)
                  or url_day(article.canonical_url or page_url))
    if not date_value or _DAY_ONLY.fullmatch(date_value):
        # No date, or only a day (often from the URL): a visible "25 أيلول 2020 - 21:32" line may say more.
        visible = visible_date_line(html)
        if visible and (not date_value or _same_day(date_value, visible)):
            date_value = visible
    else:
        date_value = _publisher_local(date_value, html)
    dates = date_fields(date_value, zone=zone_for_place(article.dateline) if article.dateline else "")
    article.published_at, article.published_tz = dates["published_at"], dates["published_tz"]
    article.published_precision, article.date_note = dates["published_precision"], dates["date_note"]
    return article


def _paragraph_chars(tree) -> int:
    """Characters of text in the page's <p> elements: what an article page has at least roughly as its body."""
    return sum(len(" ".join(node.text_content().split())) for node in tree.iter("p"))


def _missed_article(body: str, paragraph_chars: int) -> bool:
    """True when the fast pass plainly missed the article: far less text than the page's paragraphs hold, or a
    layout table (cells joined by "|") instead of prose."""
    words = len(body.split())
    if body and body.count("|") >= MAX_TABLE_CELLS_PER_WORD * words:
        return True
    return len(body) < MIN_BODY_SHARE_OF_PARAGRAPHS * paragraph_chars


def _split_head(body: str, title: str) -> tuple[str, Dateline]:
    """The article's <h1>, its date line and a "بغداد – ناس" dateline often sit inside the extracted block:
    they are metadata, not the first paragraphs. Returns the body without them and the dateline found."""
    paragraphs_ = body.split("\n\n")
    head, dateline = 0, Dateline()
    while head < min(MAX_HEAD_PARAGRAPHS, len(paragraphs_) - 1):
        paragraph = paragraphs_[head]
        is_title = bool(title) and _words(paragraph) == _words(title)
        is_date = len(paragraph) <= MAX_DATE_LINE_CHARS and parse_date(paragraph, fallback=False) is not None
        byline = split_byline(paragraph, bare_outlet=True) if len(paragraph.split()) <= MAX_DATELINE_WORDS else None
        is_dateline = bool(byline and byline.place and zone_for_place(byline.place))
        if not (is_title or is_date or is_dateline):
            break
        dateline = byline if is_dateline and byline else dateline
        head += 1
    return "\n\n".join(paragraphs_[head:]), dateline


def _publisher_local(declared: str, html: str) -> str:
    """A declared instant in UTC ("…T02:25:54Z", as many CMSs normalise it) falls on the next or previous day
    of the publisher's own calendar when the newsroom is west or east of Greenwich. When the page shows its date
    line for a neighbouring day that the instant can fall on somewhere (UTC-12 to UTC+14), that line is the
    publisher's day: with its clock time, the offset follows from the two clocks; without one, the day is kept
    (day precision). Any other declared value is returned as it is."""
    found = parse_date(declared, fallback=False)
    if found is None or found.tz != "+00:00" or found.precision in CALENDAR_PRECISIONS:
        return declared
    shown = parse_date(visible_date_line(html) or "", fallback=False)
    if shown is None:
        return declared
    shown_local = shown.when.replace(tzinfo=None)
    utc = found.when.replace(tzinfo=None)
    days = (shown_local.date() - utc.date()).days
    if abs(days) != 1:
        return declared
    if shown.precision in CALENDAR_PRECISIONS:
        lowest, highest = utc + LOCAL_OFFSET_RANGE[0], utc + LOCAL_OFFSET_RANGE[1]
        return shown_local.date().isoformat() if lowest.date() <= shown_local.date() <= highest.date() else declared
    offset = shown_local - utc.replace(second=shown_local.second)  # a shown clock often has no seconds
    minutes = round(offset.total_seconds() / 60)
    if shown.tz or minutes % 15 or not LOCAL_OFFSET_RANGE[0] <= offset <= LOCAL_OFFSET_RANGE[1]:
        return declared  # the shown clock is not the same instant in a local zone
    sign = "-" if minutes < 0 else "+"
    clock = shown_local.isoformat(timespec="seconds" if shown.precision == "second" else "minutes")
    return f"{clock}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _same_day(a: str, b: str) -> bool:
    """Whether two date strings name the same calendar day, each on its own clock ("2013-08-03" is not the day
    of "04 آب 2013 02:21 (GMT+0400)", although that is 22:21 UTC on the 3rd)."""
    first, second = parse_date(a), parse_date(b)
    return first is not None and second is not None and _local_day(first) == _local_day(second)


def _local_day(parsed: ParsedDate) -> date:
    if not parsed.tz:
        return parsed.when.date()
    sign = -1 if parsed.tz.startswith("-") else 1
    hours, minutes = parsed.tz[1:].split(":")
    return parsed.when.astimezone(timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))).date()


def url_day(url: str) -> str:
    """The day a news URL is filed under ("/2013/middle_east/8/3/…", "/2020/02/24/…"), "" when none: htmldate
    reads only zero-padded dates with no section between year and month."""
    match = _URL_DAY.search(url)
    if not match:
        return ""
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return ""


def visible_date_line(html: str) -> str:
    """A short text line of the page that is only a date ("الجمعة 25 أيلول 2020 - 21:32"), for pages with no
    machine-readable date: htmldate does not know Arabic month names. "" when none is found."""
    from lxml import html as lxml_html  # lazy

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    seen = 0
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript", "template"):
            continue
        for text in (node.text, node.tail):
            line = " ".join((text or "").split())
            if not line:
                continue
            seen += 1
            if seen > MAX_DATE_SCAN_LINES:
                return ""
            if len(line) <= MAX_DATE_LINE_CHARS and _DIGIT.search(line) and parse_date(line, fallback=False):
                return line
    return ""


def _htmldate(html: str, url: str) -> str:
    """htmldate's publication date for a page that declares none in its meta tags ("" when none found)."""
    from htmldate import find_date  # lazy

    try:
        found = find_date(html, url=url or None, **_HTMLDATE_OPTIONS) or ""
        # htmldate pads a bare day with midnight: keep it a day so precision says "day", not "second".
        return found[:10] if found[10:19] == "T00:00:00" else found
    except (ValueError, TypeError) as exc:
        LOGGER.debug("htmldate failed: %s", exc)
        return ""


def choose_title(meta: PageMeta, extracted: str) -> str:
    """The visible headline (an <h1>/<h2>) that agrees with what the page declares as its title; else the
    declared title (og:title, trafilatura's, <title>) without a site-name suffix.

    Declared titles are SEO variants or carry the site name; the gold data of ../shared/html (and readers) take
    the headline shown on the page. "Agrees": at least :data:`MIN_HEADING_AGREEMENT` of the heading's words occur
    in the declared titles; among agreeing headings the one sharing most words wins (not the site's logo <h1>).
    """
    # The site's name (og:site_name, JSON-LD publisher) agrees with every declared title that carries it: its
    # words do not count, or a logo <h1> ("POLITICO") or a section heading ("POLITICO LIVE") would pass for the
    # headline. (Not the <title>'s last segment: in "Site » Blog » Headline" that is the headline.)
    site = _words(meta.site_name)
    declared = (_words(meta.og_title) | _words(meta.headline) | _words(meta.title) | _words(extracted)) - site
    best, best_shared = "", 0
    for heading in meta.headings:
        words = _words(heading) - site
        shared = len(words & declared)
        if words and shared / len(words) >= MIN_HEADING_AGREEMENT and shared > best_shared:
            best, best_shared = heading, shared
    if best:
        return best
    for candidate in (meta.og_title, meta.headline, extracted, meta.title):
        title = clean_title(candidate)
        if title:
            return strip_site_suffix(title, meta.site_name)
    return ""


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def strip_site_suffix(title: str, site_name: str = "") -> str:
    if site_name and title.endswith(site_name) and len(title) > len(site_name) + 3:
        return _TITLE_SUFFIX.sub("", title) if _TITLE_SUFFIX.search(title) else title
    match = _TITLE_SUFFIX.search(title)
    if match and len(match.group(0).split()) <= 4 and len(title) - len(match.group(0)) >= 15:
        return title[: match.start()]
    return title


def page_meta(tree) -> PageMeta:
    """Read meta tags, JSON-LD and the canonical link from a parsed page."""
    meta = PageMeta()
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if not key or not value:
            continue
        if key == "og:title" and not meta.og_title:
            meta.og_title = value
        elif key in ("og:site_name", "application-name") and not meta.site_name:
            meta.site_name = value
        elif key in ("og:description", "description") and not meta.description:
            meta.description = value
        elif key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author") and not meta.author:
            meta.author = value if not value.startswith("http") else ""
        elif key in ("article:section", "section") and not meta.section:
            meta.section = value
        elif not meta.date and key in DATE_META_KEYS:
            meta.date = value
    for node in tree.iter("link"):
        if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
            meta.canonical = node.get("href").strip()
            break
    title = tree.find(".//title")
    meta.title = title.text_content() if title is not None else ""
    for tag in ("h1", "h2"):
        texts = (clean_title(node.text_content()) for node in tree.iter(tag))
        meta.headings += [text for text in texts if 0 < len(text) <= MAX_HEADING_CHARS][:MAX_HEADINGS]
    _read_json_ld(tree, meta)
    return meta


def _read_json_ld(tree, meta: PageMeta) -> None:
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
            continue
        try:
            if _read_ld_block(node.text, meta):
                return
        except (json.JSONDecodeError, ValueError, RecursionError):
            # Damaged or hostile metadata costs only itself, never the page. RecursionError: "[" or "{" nested
            # deeper than Python's stack, raised by json (even before it finds the array unclosed) or by the walks
            # below; found by bench/fuzz_readers.py.
            continue


def _read_ld_block(text: str, meta: PageMeta) -> bool:
    """Fill ``meta`` from the first article-like item of one JSON-LD block; False when it has none."""
    for item in _ld_items(json.loads(text)):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(isinstance(k, str) and ("Article" in k or k in ("BlogPosting", "Report")) for k in kinds):
            continue
        if isinstance(item.get("headline"), str) and not meta.headline:
            meta.headline = item["headline"]
        if isinstance(item.get("datePublished"), str) and item["datePublished"].strip():
            meta.date = item["datePublished"]
        if not meta.author:
            meta.author = _ld_name(item.get("author"))
        if not meta.site_name:
            meta.site_name = _ld_name(item.get("publisher"))
        return True
    return False


def _ld_items(data: object) -> list[dict]:
    if isinstance(data, list):
        return [x for d in data for x in _ld_items(d)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph", []))]
    return []


def _ld_name(value: object) -> str:
    if isinstance(value, list):
        names = [_ld_name(v) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        value = value.get("name", "")
    return value.strip() if isinstance(value, str) else ""

