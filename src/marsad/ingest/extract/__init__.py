"""Metadata extraction shared by all readers: dates, datelines, outlets and URLs, title/body cleanup."""

from marsad.ingest.extract.cleanup import (
    clean_body,
    clean_line,
    clean_title,
    html_to_text,
    looks_like_html,
    paragraphs,
    unwrap_blocks,
    without_boilerplate,
)
from marsad.ingest.extract.dateline import (
    Dateline,
    dateline_place,
    lead_dateline,
    reuters_dateline,
    split_byline,
    zone_for_place,
)
from marsad.ingest.extract.dates import (
    DateFields,
    ParsedDate,
    date_fields,
    find_date,
    implausible,
    is_impossible,
    parse_date,
)
from marsad.ingest.extract.sources import (
    canonical_url,
    clean_name,
    display_name,
    domain_of,
    is_known_outlet,
    source_from_url,
    source_key,
)

__all__ = [
    "DateFields",
    "Dateline",
    "ParsedDate",
    "canonical_url",
    "clean_body",
    "clean_line",
    "clean_name",
    "clean_title",
    "date_fields",
    "dateline_place",
    "display_name",
    "domain_of",
    "find_date",
    "html_to_text",
    "implausible",
    "is_impossible",
    "is_known_outlet",
    "lead_dateline",
    "looks_like_html",
    "paragraphs",
    "parse_date",
    "reuters_dateline",
    "source_from_url",
    "source_key",
    "split_byline",
    "unwrap_blocks",
    "without_boilerplate",
    "zone_for_place",
]
