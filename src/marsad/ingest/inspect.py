"""``marsad inspect``: read one document as the ingest would, without storing it, and its JSON record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.fetch import is_http_url
from marsad.ingest.pipeline import read_all
from marsad.models import Article, Reject
from marsad.nlp.langid import identify_article


def inspect_path(
    path: Path | str,
    *,
    settings: Settings,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    enrich: bool = True,
) -> Article:
    """The first article of ``path`` (a file, folder, archive or http(s) URL), with language (and
    entities/places/keywords when the NLP pipeline is installed), without storing anything."""
    target = path if is_http_url(path) else Path(path)
    rejects: list[Reject] = []
    for item in read_all([target], settings=settings, fmt=fmt, mapping=mapping, source=source):
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        lang = identify_article(item.title, item.lead, item.body)
        item.language, item.language_confidence = lang.code, lang.confidence
        if enrich:
            from marsad.nlp.pipeline import enrich_article  # loads NER models: only when asked

            item = enrich_article(item)
        return item
    reason = str(rejects[0]) if rejects else "no article found"
    name = str(path) if is_http_url(path) else Path(path).name
    raise RejectedInput(f"{name}: nothing to inspect ({reason})", detail="; ".join(map(str, rejects)))


def article_record(article: Article) -> dict[str, object]:
    """The full JSON-ready record of an article (what ``marsad inspect --json`` prints).

    ``published_at`` is ISO 8601 in the article's original offset. NLP results appear under
    ``entities``, ``keywords`` and ``places`` (from ``extra["places"]``); other ``extra`` keys under ``extra``.
    """
    extra = dict(article.extra)
    places = extra.pop("places", [])
    return {
        "title": article.title,
        "published_at": iso_in_original_offset(article.published_at, article.published_tz),
        "published_tz": article.published_tz,
        "published_precision": article.published_precision,
        "date_note": article.date_note,
        "source": article.source,
        "source_name": article.source_name,
        "dateline": article.dateline,
        "language": article.language,
        "language_confidence": article.language_confidence,
        "author": article.author,
        "category": article.category,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "origin": article.origin,
        "lead": article.lead,
        "body": article.body,
        "entities": [
            {
                "text": m.text,
                "type": m.type,
                "field": m.field,
                "start": m.start,
                "end": m.end,
                "canonical_id": m.canonical_id,
                "canonical_name_ar": m.canonical_name_ar,
                "canonical_name_en": m.canonical_name_en,
            }
            for m in article.entities
        ],
        "places": places,
        "keywords": [{"keyword": k, "score": s} for k, s in article.keywords],
        "extra": {k: v for k, v in extra.items() if _is_jsonable(v)},
    }


def _is_jsonable(value: object) -> bool:
    return isinstance(value, str | int | float | bool | list | dict | type(None))


def iso_in_original_offset(value: datetime | None, tz: str) -> str | None:
    """ISO 8601 of ``value`` shown in its original zone/offset ("+03:00", "Asia/Baghdad"); UTC otherwise."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    zone = parse_zone(tz)
    return value.astimezone(zone).isoformat() if zone is not None else value.isoformat()


def parse_zone(tz: str) -> timezone | ZoneInfo | None:
    """A tzinfo from "+03:00" / "-0500" / "UTC" / an IANA name; None when it is none of these."""
    tz = (tz or "").strip()
    if not tz:
        return None
    if tz.upper() in {"UTC", "GMT", "Z"}:
        return UTC
    if tz[0] in "+-":
        digits = tz[1:].replace(":", "")
        if digits.isdigit() and len(digits) in (2, 4):
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            sign = -1 if tz[0] == "-" else 1
            return timezone(sign * timedelta(hours=hours, minutes=minutes))
        return None
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError):
        return None
