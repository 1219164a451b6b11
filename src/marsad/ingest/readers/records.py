"""Structured records (JSONL, CSV, Parquet, feed items) → Articles: field mapping and metadata for exports.

Exports name their columns in many ways (``headline``, ``content``, ``pubDate``, ``src`` …). Common names are
mapped automatically; ``mapping`` ({field: column}, CLI ``--map field=column``) overrides them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache

from marsad.errors import MarsadError, RejectedInput
from marsad.ingest.encoding import check_text
from marsad.ingest.extract import (
    canonical_url,
    clean_body,
    clean_line,
    clean_title,
    date_fields,
    dateline_place,
    display_name,
    html_to_text,
    is_known_outlet,
    lead_dateline,
    looks_like_html,
    source_from_url,
    source_key,
    split_byline,
)
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

# Article fields a record can fill, with the column names that mean them (compared lowercased, without
# "_", "-", " " or ":"), most specific first.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "subject", "articletitle"),
    "body": ("text", "body", "content", "article", "articletext", "articlebody", "maintext", "fulltext", "story",
             "contenttext", "contenthtml"),
    "date": ("date", "time", "published", "pubdate", "publishedat", "publishdate", "datepublished", "publicationdate",
             "datetime", "dateextracted", "timestamp", "createdat", "updated", "dcdate", "issued"),
    "url": ("url", "link", "href", "uri", "sourceurl", "articleurl", "permalink"),
    "source": ("source", "src", "domain", "outlet", "publisher", "sitename", "site", "media", "newspaper", "feed"),
    "author": ("author", "authors", "byline", "creator", "writer", "dccreator"),
    "category": ("category", "cat", "section", "categories", "rubric", "desk"),
    "lead": ("abstract", "summary", "lead", "description", "excerpt", "standfirst", "teaser", "subtitle"),
    "dateline": ("dateline", "place", "location"),
}
# Names users may give the fields in --map, besides the field names themselves.
FIELD_SYNONYMS = {"text": "body", "content": "body", "published": "date", "published_at": "date", "time": "date",
                  "link": "url", "src": "source", "outlet": "source", "cat": "category", "abstract": "lead",
                  "summary": "lead", "headline": "title"}
# Keys that name a nested object ({"source": {"name": ...}}, {"author": [{"name": ...}]}).
NESTED_NAME_KEYS = ("name", "title", "value", "text", "id", "url")
# Record fields worth keeping in Article.extra (ids, wire topics); longer values are article text, not metadata.
MAX_EXTRA_CHARS = 200
_KEY_JUNK = re.compile(r"[_\-\s:.]")


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """{field: column} for these columns: the explicit mapping first, then common names.

    Raises :class:`RejectedInput` when an explicit mapping names an unknown field or a missing column.
    """
    explicit = {}
    for field, column in (mapping or {}).items():
        name = FIELD_SYNONYMS.get(field.lower(), field.lower())
        if name not in FIELD_COLUMNS:
            raise RejectedInput(f"--map {field}={column}: unknown field (use one of {', '.join(FIELD_COLUMNS)})")
        if column not in columns:
            raise RejectedInput(f"--map {field}={column}: no column {column!r} (columns: {', '.join(columns)})")
        explicit[name] = column
    return {**_auto_mapping(columns), **explicit}


@lru_cache(maxsize=256)
def _auto_mapping(columns: tuple[str, ...]) -> dict[str, str]:
    keyed = {_KEY_JUNK.sub("", c.lower()): c for c in reversed(columns)}
    result: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in FIELD_COLUMNS.items():
        for name in names:
            column = keyed.get(name)
            if column is not None and column not in taken:
                result[field] = column
                taken.add(column)
                break
    return result


def article_from_record(
    record: Mapping[str, object], fields: Mapping[str, str], *, origin: str, source: str | None = None
) -> Article:
    """Build an Article from one record. Raises :class:`RejectedInput` (record without text, mojibake)."""
    get = {field: record.get(column) for field, column in fields.items()}
    body = clean_body(check_text(_plain(_text(get.get("body"))), name=origin))
    if not body:
        raise RejectedInput(f"{origin}: record without text" + ("" if "body" in fields else " (no text column)"))
    title = clean_title(check_text(_text(get.get("title")), name=origin))
    url = clean_line(_text(get.get("url")))
    extra = {k: v for k, v in record.items() if k not in fields.values() and _is_small(v)}
    lead = clean_line(check_text(_plain(_text(get.get("lead"))), name=origin))
    article = Article(body=body, title=title, lead=lead, url=url,
                      canonical_url=canonical_url(url), category=clean_line(_text(get.get("category"))),
                      origin=origin, extra=extra)
    outlet = apply_byline(article, author=_text(get.get("author")), dateline=_text(get.get("dateline")))
    apply_source(article, record_source=_text(get.get("source")), byline_outlet=outlet, override=source)
    if outlet and not article.author and source_key(outlet) != article.source:
        article.author = outlet  # an agency credited in the byline ("لندن - رويترز") is the author
    apply_date(article, get.get("date"))
    return article


def record_item(record: object, *, name: str, number: int, mapping: Mapping[str, str] | None, source: str | None,
                fields: Mapping[str, str] | None = None, sub: int | None = None) -> Article | Reject:
    """Record ``number`` of the export ``name`` (a JSONL line, a CSV row, a Parquet row) as an Article, or a
    Reject saying why not. ``fields``: the file's resolved mapping when all its records share columns."""
    where = f"{name}#{number}" if sub is None else f"{name}#{number}.{sub}"
    if not isinstance(record, dict):
        return Reject(name, number, f"record is a JSON {type(record).__name__}, not an object")
    try:
        resolved = fields if fields is not None else resolve_mapping(tuple(record), mapping)
        return article_from_record(record, resolved, origin=where, source=source)
    except MarsadError as exc:
        return Reject(name, number, exc.message.removeprefix(f"{where}: "))


def apply_byline(article: Article, *, author: str, dateline: str) -> str:
    """Set the dateline place and author from a dateline field, an author field ("CITY - outlet/reporter") or
    the body's opening ("LONDON (Reuters) -"); return the outlet the byline names ("" if none)."""
    byline = split_byline(author)
    opening = lead_dateline(article.body) if not (dateline or byline.place) else None
    article.dateline = dateline_place(dateline) or byline.place or (opening.place if opening else "")
    article.author = byline.author
    return byline.outlet or (opening.outlet if opening else "")


def apply_source(article: Article, *, record_source: str = "", byline_outlet: str = "", override: str | None = None) -> None:
    """Outlet key and name. --source wins; then a known outlet named by the record; then the URL's domain (the
    surest identity: "Al-Mada" in one export and "المدى" in another are both almadapaper.net); then the name."""
    found = override or record_source or byline_outlet
    domain = source_from_url(article.canonical_url or article.url) if article.url else ""
    if override or (found and is_known_outlet(found)) or not domain:
        key = source_key(found) if found else ""
    else:
        key = domain
    article.source = key
    article.source_name = display_name(key, found) if key else ""


def apply_date(article: Article, value: object) -> None:
    # A record's date field is a machine timestamp, not the local time printed under a dateline: no zone is
    # guessed from the dateline place (Reuters' WASHINGTON stories are stamped on the wire's clock).
    fields = date_fields(value)
    article.published_at = fields["published_at"]
    article.published_tz = fields["published_tz"]
    article.published_precision = fields["published_precision"]
    article.date_note = fields["date_note"]


def _plain(text: str) -> str:
    return html_to_text(text) if looks_like_html(text) else text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # {"source": {"id": "bbc-news", "name": "BBC News"}} (NewsAPI and friends)
        return _text(next((value[k] for k in NESTED_NAME_KEYS if value.get(k)), ""))
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value if v not in (None, ""))
    return str(value)


def _is_small(value: object) -> bool:
    if isinstance(value, str | int | float | bool):
        return len(str(value)) <= MAX_EXTRA_CHARS
    if isinstance(value, list):
        return all(isinstance(v, str | int | float) for v in value) and len(str(value)) <= MAX_EXTRA_CHARS
    return False
