"""RSS/Atom feeds (feedparser): the items of a feed for ``marsad watch``, and feed files as Articles."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from marsad.errors import MarsadError, RejectedInput
from marsad.ingest import limits
from marsad.ingest.encoding import check_text
from marsad.ingest.extract import (
    canonical_url,
    clean_body,
    clean_line,
    clean_title,
    date_fields,
    display_name,
    html_to_text,
    is_impossible,
    parse_date,
    source_from_url,
    source_key,
)
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)


# A DOCTYPE with an internal subset, where entities are declared: <!DOCTYPE rss [ <!ENTITY a "…"> ]>.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
# A numeric character reference ("&#55296;", "&#xD800;"): feedparser raises on one that names no character.
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    """A reference to a surrogate, NUL or a code point past U+10FFFF becomes U+FFFD (as HTML parsers read it)."""
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
    return match.group(0) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


@dataclass
class FeedItem:
    url: str
    title: str
    published_at: datetime | None
    summary: str  # plain text
    guid: str
    content: str = ""  # plain text of the item's full content, when the feed carries it
    raw_date: str = ""
    author: str = ""
    category: str = ""


@dataclass
class Feed:
    title: str
    link: str
    items: list[FeedItem]  # at most limits.MAX_FEED_ITEMS
    note: str = ""  # why items were cut (limits.feed_items_cut), "" when none were


def parse_feed(data: bytes, *, url: str = "") -> list[FeedItem]:
    """The items of an RSS/Atom document (the first limits.MAX_FEED_ITEMS). Raises :class:`RejectedInput` when it is not a
    feed."""
    return read_feed(data, url=url).items


def read_feed(data: bytes, *, url: str = "") -> Feed:
    import feedparser  # lazy: only feeds need it

    # A BytesIO, never the bytes or a str: feedparser fetches strings that look like URLs or file paths.
    # feedparser never fetches external entities, but it expands entities a feed declares (expat stops only
    # billion-fold "laughs"): a feed's DTD is dropped, so no declared entity is ever expanded.
    data = _CHAR_REF.sub(_valid_char_ref, _INTERNAL_SUBSET.sub(b"", data, count=1))
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url} if url else None)
    except (UnicodeError, ValueError) as exc:
        raise RejectedInput(f"{url or 'document'}: not an RSS/Atom feed", detail=f"{type(exc).__name__}: {exc}") from exc
    if not parsed.get("version") and not parsed.entries:
        reason = str(parsed.get("bozo_exception", "")) or "no <rss>, <feed> or <rdf> root"
        raise RejectedInput(f"{url or 'document'}: not an RSS/Atom feed", detail=reason)
    items = [_item(entry) for entry in parsed.entries[: limits.MAX_FEED_ITEMS]]
    note = limits.feed_items_cut(len(parsed.entries))
    if note:
        LOGGER.warning("%s: %s", url or "feed", note)
    channel = parsed.get("feed", {})
    return Feed(title=clean_title(channel.get("title", "")), link=channel.get("link", "") or url, items=items, note=note)


def articles_from_feed(data: bytes, *, name: str, url: str = "", source: str | None = None) -> Iterator[Article | Reject]:
    """One Article per feed item (title, link, date, summary as lead, content or summary as body)."""
    try:
        feed = read_feed(data, url=url)
    except RejectedInput as exc:
        yield Reject(name, None, f"not an RSS/Atom feed ({exc.detail})")
        return
    if not feed.items:
        yield Reject(name, None, "feed without items")
        return
    feed_source = source_key(source) if source else source_from_url(feed.link)
    for number, item in enumerate(feed.items, start=1):
        origin = f"{name}#{number}"
        try:
            yield _article(item, origin=origin, source_key_=feed_source or source_from_url(item.url), found=source or feed.title)
        except MarsadError as exc:
            yield Reject(name, number, exc.message.removeprefix(f"{origin}: "))
    if feed.note:  # the items past the limit: one line in the rejects report, after the items that were read
        yield Reject(name, limits.MAX_FEED_ITEMS + 1, feed.note)


def _item(entry) -> FeedItem:
    content = ""
    if entry.get("content"):
        content = clean_body(html_to_text(entry["content"][0].get("value", "")))
    summary = clean_body(html_to_text(entry.get("summary", "")))
    raw_date = entry.get("published") or entry.get("updated") or entry.get("created") or ""
    dates = date_fields(raw_date)
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed and raw_date and parse_date(raw_date) is None and not is_impossible(raw_date):
        # A format only feedparser knows (it normalises to UTC): keep its reading rather than none. Not for an
        # impossible date in a format we know: feedparser rolls 2020-13-45 over into 2021, a guess.
        raw_date = datetime(*parsed[:6], tzinfo=UTC).isoformat()
        dates = date_fields(raw_date)
    tags = entry.get("tags") or []
    return FeedItem(
        url=entry.get("link", "").strip(),
        title=clean_title(html_to_text(entry.get("title", ""))),
        published_at=dates["published_at"],
        summary=summary,
        guid=str(entry.get("id") or entry.get("guid") or entry.get("link") or ""),
        content=content,
        raw_date=raw_date,
        author=clean_line(entry.get("author", "")),
        category=clean_line(tags[0].get("term", "")) if tags else "",
    )


def _article(item: FeedItem, *, origin: str, source_key_: str, found: str) -> Article:
    body = check_text(item.content if len(item.content) > len(item.summary) else item.summary, name=origin)
    if not body:
        raise RejectedInput(f"{origin}: feed item without text (no summary or content)")
    article = Article(body=body, title=check_text(item.title, name=origin), lead=item.summary.split("\n\n")[0],
                      url=item.url, canonical_url=canonical_url(item.url), author=item.author, category=item.category,
                      origin=origin, extra={"guid": item.guid} if item.guid else {})
    article.source = source_key_
    article.source_name = display_name(source_key_, found) if source_key_ else ""
    dates = date_fields(item.raw_date)
    article.published_at, article.published_tz = dates["published_at"], dates["published_tz"]
    article.published_precision, article.date_note = dates["published_precision"], dates["date_note"]
    return article
