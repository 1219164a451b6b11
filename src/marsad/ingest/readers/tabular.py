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
import re
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import BinaryIO

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.encoding import SNIFF_BYTES, detect_lines_encoding
from marsad.ingest.json_lines import JsonLines
from marsad.ingest.readers.records import record_item, resolve_mapping
from marsad.ingest.readers.streams import Prefixed
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

# Delimiters we accept when sniffing a CSV dialect; anything else is more likely prose with commas.
CSV_DELIMITERS = ",;\t|"
# Keys under which JSON exports nest their list of records ({"articles": [...]}).
JSON_LIST_KEYS = ("articles", "items", "records", "data", "results", "documents", "docs")
# Integers with more digits stay strings: Python refuses to convert over 4,300 digits (a ValueError that used
# to end the whole file), and no id or count in a real export comes near this.
MAX_INT_DIGITS = 100
# A \uD800-\uDFFF escape: JSON may carry a lone surrogate, which no UTF-8 text (nor the store) can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bytes read per step while skipping the rest of an over-long line (bounded memory whatever its length).
_SKIP_CHUNK = 1024 * 1024


def read_jsonl(stream: BinaryIO, *, name: str, settings: Settings, mapping: Mapping[str, str] | None = None,
               source: str | None = None, defer: int = 0) -> Iterator[Article | Reject | JsonLines]:
    """The records of a JSON lines export (or JSON document); with ``defer`` > 0, JSON lines come as
    :class:`JsonLines` of up to that many lines for the caller to parse (rejects for over-long lines stay
    in their place between them)."""
    opened = _open(stream, name=name)
    if isinstance(opened, Reject):
        yield opened
        return
    head, codec = opened
    if _is_wide(codec) or _is_document(head.decode(codec, errors="ignore")):
        # A JSON array or pretty-printed object is one document; UTF-16/32 cannot be split on the byte b"\n".
        # Both are read whole, within the file size limit (a stream may be a decompressing one).
        data = head + stream.read(max(settings.max_file_bytes - len(head), 0) + 1)
        if len(data) > settings.max_file_bytes:
            yield Reject(name, None, f"JSON document over the size limit of {settings.max_file_bytes:,} bytes "
                                     "(max_file_bytes); split it into JSON lines")
            return
        text = data.decode(codec, errors="replace")
        if _is_document(text) and not _lines_of_records(text):
            yield from _read_json_document(text, name=name, mapping=mapping, source=source)
            return
        lines: Iterator[bytes | str | int] = iter(text.splitlines())
    else:
        lines = _lines(head, stream, limit=settings.max_record_bytes)
    decoder = line_decoder(codec)
    pending: list[tuple[int, bytes | str]] = []
    for number, raw in enumerate(lines, start=1):
        size = raw if isinstance(raw, int) else len(raw)
        if size > settings.max_record_bytes:
            if pending:
                yield JsonLines(name, codec, mapping, source, pending)
                pending = []
            yield Reject(name, number, f"record of {size:,} bytes is over the limit of {settings.max_record_bytes:,} bytes (max_record_bytes)")
            continue
        if isinstance(raw, int) or not raw.strip():
            continue
        if defer:
            pending.append((number, raw))
            if len(pending) >= defer:
                yield JsonLines(name, codec, mapping, source, pending)
                pending = []
        else:
            yield from line_items(raw, number, decoder=decoder, codec=codec, name=name, mapping=mapping, source=source)
    if pending:
        yield JsonLines(name, codec, mapping, source, pending)


def line_decoder(codec: str) -> Callable[[bytes], tuple[str, int]]:
    """The decoder of one line of an export in ``codec`` (a BOM only starts the file)."""
    return codecs.getdecoder("utf-8" if codec == "utf-8-sig" else codec)


def line_items(raw: bytes | str, number: int, *, decoder, codec: str, name: str, mapping: Mapping[str, str] | None,
                source: str | None) -> Iterator[Article | Reject]:
    """The item (or items, for a line holding {"articles": [...]}) of one JSON line."""
    try:
        text = raw if isinstance(raw, str) else decoder(raw)[0]
        record = load_json(text.lstrip("\ufeff"))
        nested = _nested_records(record)
        if nested is None:
            yield record_item(record, name=name, number=number, mapping=mapping, source=source)
            return
    except UnicodeDecodeError as exc:
        yield Reject(name, number, f"line does not decode as {codec}: {exc.reason}")
        return
    except json.JSONDecodeError as exc:
        yield Reject(name, number, f"invalid or truncated JSON ({exc.msg} at column {exc.colno})")
        return
    except RecursionError:
        yield Reject(name, number, "JSON nested too deeply")
        return
    for sub, item in enumerate(nested, start=1):  # one line holding {"articles": [...]}
        yield record_item(item, name=name, number=number, mapping=mapping, source=source, sub=sub)


def load_json(text: str) -> object:
    """``json.loads`` for untrusted exports: integers over :data:`MAX_INT_DIGITS` digits kept as strings, lone
    surrogates replaced by U+FFFD. Raises ``json.JSONDecodeError``, or ``RecursionError`` for nesting deeper
    than Python's recursion limit."""
    value = json.loads(text, parse_int=_parse_int)
    return _without_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def _parse_int(digits: str) -> int | str:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


def _without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


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


def _lines_of_records(text: str, *, sample: int = 50) -> bool:
    """Most of the first ``sample`` lines after the first are one whole object each ("{…}"): JSON lines whose
    first line is damaged into a "[" run, not a document (whose lines are fragments, or end in commas)."""
    lines = [line.strip() for line in islice((ln for ln in text.splitlines() if ln.strip()), 1, sample + 1)]
    return bool(lines) and 2 * sum(ln.startswith("{") and ln.endswith("}") for ln in lines) > len(lines)


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
        # The sniffer says "no doubled quotes" whenever its pattern finds none in the sample: when one long field
        # fills it, and even for '""' inside an Arabic field ("قال ""المثقف"""); then a '""' ends its field and
        # the rows after it fall apart (found by bench/malformed_files.py). A quote inside a field is doubled by
        # every CSV writer we know (RFC 4180) and the sniffer never finds the escape character that would replace
        # doubling: keep it on.
        dialect.doublequote = True
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(settings.max_record_bytes, csv.field_size_limit()))
    overlong: list[int] = []
    reader = csv.DictReader(_bounded_lines(text, settings.max_record_bytes, overlong), dialect=dialect)
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
    broken = 0  # the last bad row: lines after it may be the rest of its field, until a row fits the header
    while True:
        row: dict | csv.Error | None
        try:
            row = next(reader)
        except StopIteration:
            row = None
        except csv.Error as exc:  # a field over the limit, a stray quote: that row only, the next line goes on
            row = exc
        for size in overlong:  # physical lines skipped while reading this row (see _bounded_lines)
            number += 1
            broken = number
            yield Reject(name, number, f"row of {size:,} characters is over the limit of {settings.max_record_bytes:,} (max_record_bytes)")
        overlong.clear()
        if row is None:
            return
        number += 1
        if isinstance(row, csv.Error):
            broken = number
            yield Reject(name, number, f"malformed CSV row: {row}")
            continue
        if broken and (None in row or None in row.values()):
            yield Reject(name, number, f"malformed CSV row (not {len(columns)} fields, after the bad row {broken})")
            continue
        broken = 0
        record = {(k or "").strip(): v for k, v in row.items()}
        yield record_item(record, name=name, number=number, mapping=None, source=source, fields=fields)


def _open(stream: BinaryIO, *, name: str) -> tuple[bytes, str] | Reject:
    """The sniffed head of an export and its encoding, or why it cannot be read."""
    head = stream.read(SNIFF_BYTES)
    if not head.strip():
        return Reject(name, None, "empty file")
    try:
        return head, detect_lines_encoding(head, name=name)
    except RejectedInput as exc:
        return Reject(name, None, exc.message.removeprefix(f"{name}: "))


def _read_json_document(text: str, *, name: str, mapping, source) -> Iterator[Article | Reject]:
    try:
        document = load_json(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        yield Reject(name, None, f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    except RecursionError:
        yield Reject(name, None, "JSON nested too deeply")
        return
    if isinstance(document, dict):
        nested = _nested_records(document)
        document = nested if nested is not None else [document]
    if not isinstance(document, list):
        yield Reject(name, None, "JSON is neither a list of records nor an object")
        return
    for number, record in enumerate(document, start=1):
        yield record_item(record, name=name, number=number, mapping=mapping, source=source)


def _is_wide(codec: str) -> bool:
    """UTF-16/32 cannot be split into lines on the byte b"\\n"."""
    return codec.replace("-", "").startswith(("utf16", "utf32"))


def _lines(head: bytes, stream: BinaryIO, *, limit: int) -> Iterator[bytes | int]:
    """The lines of a stream, each of at most ``limit`` bytes; a longer line is skipped unread and given as its
    length (an int): a line of gigabytes (a decompression bomb, a dump without newlines) never sits in memory."""
    buffered = io.BufferedReader(Prefixed(head, stream))  # type: ignore[arg-type]
    while line := buffered.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            yield len(line) + _skip_line(buffered)
        else:
            yield line


def _bounded_lines(text: io.TextIOBase, limit: int, overlong: list[int]) -> Iterator[str]:
    """The lines of a text stream for the csv module; a line over ``limit`` characters is skipped unread and its
    length appended to ``overlong`` (the reader reports it as a rejected row)."""
    while line := text.readline(limit + 1):
        if len(line) > limit and not line.endswith("\n"):
            overlong.append(len(line) + _skip_line(text))
        else:
            yield line


def _skip_line(stream) -> int:
    """Read past the end of the current line in bounded chunks; the number of bytes or characters skipped."""
    skipped = 0
    while chunk := stream.readline(_SKIP_CHUNK):
        skipped += len(chunk)
        if chunk[-1:] in ("\n", b"\n"):
            break
    return skipped
