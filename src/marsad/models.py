"""Shapes passed between layers: articles, mentions, reports. A leaf module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

EntityType = Literal["PER", "ORG", "LOC", "MISC"]
DatePrecision = Literal["second", "minute", "hour", "day", "month", "year"]
# The part of an article a mention was found in; its offsets count from the start of that part.
TextField = Literal["title", "body"]
# Longest body an Article keeps (ingest cuts longer ones with a note; enrichment reads no further in older
# stores). Long-form features run to ~60,000 characters; a body of a million makes the NER models fail
# (spaCy refuses texts over 1,000,000 characters) and every step slow.
MAX_BODY_CHARS = 200_000


@dataclass
class Article:
    """One news article as read from a file, record, feed item or page.

    ``published_at`` is timezone-aware when known (converted to UTC for storage; the original
    offset is kept in ``published_tz``). ``None`` means "no date found" — never the ingest time.
    """

    body: str
    title: str = ""
    lead: str = ""
    url: str = ""
    canonical_url: str = ""
    source: str = ""  # outlet key, normalised (see ingest.sources)
    source_name: str = ""  # outlet display name as found
    author: str = ""
    dateline: str = ""  # place named in the dateline, e.g. "بغداد"
    category: str = ""
    published_at: datetime | None = None
    published_tz: str = ""  # original UTC offset such as "+03:00", or a zone name
    published_precision: DatePrecision | None = None
    date_note: str = ""  # why a date was dropped (future, before 1900, unparseable)
    language: str = ""
    language_confidence: float = 0.0
    origin: str = ""  # file path and record number / URL the article came from
    extra: dict[str, object] = field(default_factory=dict)
    # Filled by the NLP steps (issue 3): entities, places, keywords.
    entities: list[Mention] = field(default_factory=list)
    keywords: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Mention:
    """An entity mention: ``start``/``end`` are character offsets into the article's ``field`` — its TITLE or its
    BODY (see nlp.pipeline) — so that a name in both is two mentions of one article."""

    text: str
    type: EntityType
    start: int
    end: int
    canonical_id: str = ""
    canonical_name_ar: str = ""
    canonical_name_en: str = ""
    field: TextField = "body"


@dataclass(frozen=True)
class Reject:
    """One line of the rejects report."""

    file: str
    record: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.record is None else f"{self.file}#{self.record}"
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    read: int = 0
    stored: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    undated: int = 0
    cut: int = 0  # bodies over MAX_BODY_CHARS, stored cut (ending with a "[…]" paragraph)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": self.near_duplicates,
            "undated": self.undated,
            "cut": self.cut,
            "rejected": self.rejected,
            "rejects": [str(r) for r in self.rejects],
        }
