"""JSONL (and JSON arrays) and CSV/TSV exports, streamed record by record (gzip is opened by the caller).

Each record becomes an Article or a Reject with its record number: a truncated line, a record without text or a
line that does not decode stops nothing but itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from marsad.config import Settings
from marsad.errors import MarsadError, RejectedInput
from marsad.ingest.encoding import SNIFF_BYTES, detect_encoding
from marsad.ingest.readers.records import article_from_record, resolve_mapping
from marsad.ingest.readers.streams import Prefixed
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

# Delimiters we accept when sniffing a CSV dialect; anything else is more likely prose with commas.
CSV_DELIMITERS = ",;\t|"
# Keys under which JSON exports nest their list of records ({"articles": [...]}).
JSON_LIST_KEYS = ("articles", "items", "records", "data", "results", "documents", "docs")


def read_jsonl(stream: BinaryIO, *, name: str, settings: Settings, mapping: Mapping[str, str] | None = None,
               source: str | None = None) -> Iterator[Article | Reject]:
    opened = _open(stream, name=name)
    if isinstance(opened, Reject):
        yield opened
        return
    head, codec = opened
    if _is_wide(codec):
        # UTF-16/32 cannot be split on the byte b"\n": decode the whole (size-limited) file, then go line by line.
        text = (head + stream.read()).decode(codec, errors="replace")
        if _is_document(text):
            yield from _read_json_document(text, name=name, mapping=mapping, source=source)
            return
        lines: Iterator[bytes | str] = iter(text.splitlines())
    else:
        start = head.decode(codec, errors="ignore")
        if _is_document(start):
            yield from _read_json_document((head + stream.read()).decode(codec, errors="replace"), name=name,
                                           mapping=mapping, source=source)
            return
        lines = _lines(head, stream)
    decoder = codecs.getdecoder("utf-8" if codec == "utf-8-sig" else codec)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if len(raw) > settings.max_record_bytes:
            yield Reject(name, number, f"record of {len(raw):,} bytes is over the limit of {settings.max_record_bytes:,} bytes (max_record_bytes)")
            continue
        try:
            text = raw if isinstance(raw, str) else decoder(raw)[0]
            record = json.loads(text.lstrip("\ufeff"))
        except UnicodeDecodeError as exc:
            yield Reject(name, number, f"line does not decode as {codec}: {exc.reason}")
            continue
        except json.JSONDecodeError as exc:
            yield Reject(name, number, f"invalid or truncated JSON ({exc.msg} at column {exc.colno})")
            continue
        nested = _nested_records(record)
        if nested is not None:  # one line holding {"articles": [...]}
            for sub, item in enumerate(nested, start=1):
                yield _record(item, name=name, number=number, mapping=mapping, source=source, sub=sub)
            continue
        yield _record(record, name=name, number=number, mapping=mapping, source=source)


def _nested_records(record: object) -> list | None:
    """The records of a wrapper object ({"status": "ok", "articles": [...]}, a JSON Feed's "items"): a list of
    objects under a known key, in an object that has no article text of its own."""
    if not isinstance(record, dict) or "body" in resolve_mapping(tuple(record), None):
        return None
    for key in JSON_LIST_KEYS:
        value = record.get(key)
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            return value
    return None


def _is_document(start: str) -> bool:
    """A JSON array, or one pretty-printed object spanning lines, rather than one object per line."""
    text = start.lstrip("\ufeff \t\r\n")
    return text.startswith("[") or text.split("\n", 1)[0].strip() == "{"


def read_csv(stream: BinaryIO, *, name: str, settings: Settings, mapping: Mapping[str, str] | None = None,
             source: str | None = None) -> Iterator[Article | Reject]:
    opened = _open(stream, name=name)
    if isinstance(opened, Reject):
        yield opened
        return
    head, codec = opened
    text = io.TextIOWrapper(Prefixed(head, stream), encoding=codec, errors="replace", newline="")
    sample = head[:8192].decode(codec, errors="ignore")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(settings.max_record_bytes, csv.field_size_limit()))
    reader = csv.DictReader(text, dialect=dialect)
    try:
        columns = tuple(c.strip() for c in (reader.fieldnames or ()))
        fields = resolve_mapping(columns, mapping)
    except (csv.Error, RejectedInput) as exc:
        yield Reject(name, None, str(exc).removeprefix(f"{name}: "))
        return
    if "body" not in fields:
        yield Reject(name, None, f"CSV has no text column (columns: {', '.join(columns)}); name one with --map body=COLUMN")
        return
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(name, number, f"malformed CSV row: {exc}")
            return
        record = {(k or "").strip(): v for k, v in row.items()}
        yield _record(record, name=name, number=number, mapping=None, source=source, fields=fields)


def _open(stream: BinaryIO, *, name: str) -> tuple[bytes, str] | Reject:
    """The sniffed head of an export and its encoding, or why it cannot be read."""
    head = stream.read(SNIFF_BYTES)
    if not head.strip():
        return Reject(name, None, "empty file")
    try:
        return head, detect_encoding(head, name=name)
    except RejectedInput as exc:
        return Reject(name, None, exc.message.removeprefix(f"{name}: "))


def _record(record: object, *, name: str, number: int, mapping: Mapping[str, str] | None, source: str | None,
            fields: Mapping[str, str] | None = None, sub: int | None = None) -> Article | Reject:
    where = f"{name}#{number}" if sub is None else f"{name}#{number}.{sub}"
    if not isinstance(record, dict):
        return Reject(name, number, f"record is a JSON {type(record).__name__}, not an object")
    try:
        resolved = fields if fields is not None else resolve_mapping(tuple(record), mapping)
        return article_from_record(record, resolved, origin=where, source=source)
    except MarsadError as exc:
        return Reject(name, number, exc.message.removeprefix(f"{where}: "))


def _read_json_document(text: str, *, name: str, mapping, source) -> Iterator[Article | Reject]:
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        yield Reject(name, None, f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    if isinstance(document, dict):
        nested = _nested_records(document)
        document = nested if nested is not None else [document]
    if not isinstance(document, list):
        yield Reject(name, None, "JSON is neither a list of records nor an object")
        return
    for number, record in enumerate(document, start=1):
        yield _record(record, name=name, number=number, mapping=mapping, source=source)


def _is_wide(codec: str) -> bool:
    """UTF-16/32 cannot be split into lines on the byte b"\\n"."""
    return codec.replace("-", "").startswith(("utf16", "utf32"))


def _lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    yield from io.BufferedReader(Prefixed(head, stream))  # type: ignore[arg-type]
