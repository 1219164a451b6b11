"""The input formats the readers (marsad.ingest.readers) read: what ``--format`` accepts.

Kept apart from the readers package so the CLI can offer the list without importing the readers at start-up.
"""

from __future__ import annotations

from typing import Literal

Format = Literal["text", "html", "jsonl", "csv", "parquet", "rss", "warc", "zip"]
# "auto" (detect), then every format a reader reads; a zip is a container, never a --format.
FORMATS: tuple[str, ...] = ("auto", "text", "html", "jsonl", "csv", "parquet", "rss", "warc")
