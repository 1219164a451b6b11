"""Readers: files, folders, archives, exports, feeds and crawls → Articles (or Rejects, and the run goes on).

    read_path(path, *, fmt="auto", mapping=None, settings, source=None)   files, folders (recursive), .zip, .gz
                                                                          (JSONL, CSV, Parquet, HTML, text, RSS, WARC)
    read_bytes(data, *, name, fmt="auto", url="", settings, mapping=None, source=None)   uploads, fetched pages
    parse_feed(data, *, url="") -> list[FeedItem]                          items of an RSS/Atom feed
    read_feed(data, *, url="") -> Feed                                     the same with the feed's title, link, note

Every document or record yields one :class:`~marsad.models.Article` (``origin`` = "<file>", "<file>#<record>" or
"<zip>!<member>#<record>") or one :class:`~marsad.models.Reject` (file, record number, reason). Bad input never
raises; only a path that does not exist does (:class:`~marsad.errors.RejectedInput`). Language is not set here.
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from marsad.config import Settings
from marsad.errors import MarsadError, RejectedInput
from marsad.ingest.encoding import SNIFF_BYTES, decode_bytes
from marsad.ingest.formats import FORMATS
from marsad.ingest.json_lines import JsonLines
from marsad.ingest.limits import MAX_CONTAINER_DEPTH
from marsad.ingest.readers.containers import read_warc, read_zip
from marsad.ingest.readers.feeds import Feed, FeedItem, articles_from_feed, parse_feed, read_feed
from marsad.ingest.readers.html import article_from_html
from marsad.ingest.readers.parquet import read_parquet
from marsad.ingest.readers.sniff import GZIP_MAGIC, ZIP_MAGIC, binary_kind, sniff
from marsad.ingest.readers.streams import Prefixed, Unbombed
from marsad.ingest.readers.tabular import read_csv, read_jsonl
from marsad.ingest.readers.text import article_from_text
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

__all__ = ["FORMATS", "Feed", "FeedItem", "JsonLines", "parse_feed", "read_bytes", "read_feed", "read_path"]

# Hidden files and editor/OS leftovers in an ingest folder are not documents: ".DS_Store", ".git/",
# "~$report.docx" (Office lock files), "page.txt~" (editor backups), Windows thumbnails.
_HIDDEN_PREFIXES = (".", "~$")
_JUNK_NAMES = frozenset({"Thumbs.db", "desktop.ini"})
# Bytes read per step when a whole document is read into memory.
_READ_STEP = 1024 * 1024


def read_path(path: Path, *, fmt: str = "auto", mapping: dict[str, str] | None = None, settings: Settings,
              source: str | None = None, defer: int = 0) -> Iterator[Article | Reject | JsonLines]:
    """Read a file, a folder (recursively, in name order) or an archive. Raises only for a missing path.

    ``defer`` > 0: the lines of JSONL files come unparsed, as :class:`JsonLines` of that many lines (their
    ``items()`` are what would have come), for a caller that parses them in worker processes."""
    path = Path(path)
    _check_format(fmt)
    if not path.exists():
        raise RejectedInput(f"{path}: no such file or directory")
    if path.is_dir():
        files = folder_files(path)
        if not files:
            yield Reject(str(path), None, "folder without files")
        for file in files:
            yield from _guarded(_read_file(file, fmt=fmt, mapping=mapping, settings=settings, source=source, defer=defer),
                                str(file))
        return
    yield from _guarded(_read_file(path, fmt=fmt, mapping=mapping, settings=settings, source=source, defer=defer), str(path))


def read_bytes(data: bytes, *, name: str, fmt: str = "auto", url: str = "", settings: Settings,
               mapping: dict[str, str] | None = None, source: str | None = None) -> Iterator[Article | Reject]:
    """Read a document held in memory (an upload, a fetched page or feed); ``name`` is used in messages and
    for format sniffing."""
    _check_format(fmt)
    yield from _guarded(_read_data(data, name=name, fmt=fmt, url=url, settings=settings, mapping=mapping, source=source), name)


def folder_files(folder: Path) -> list[Path]:
    """The documents of a folder, recursively, in the order :func:`read_path` reads them (name order), without
    hidden files and OS/editor leftovers."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not _skipped(p.relative_to(folder)))


def _read_file(path: Path, *, fmt: str, mapping, settings: Settings, source, defer: int = 0) -> Iterator[Article | Reject | JsonLines]:
    name = str(path)
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        yield Reject(name, None, _too_big(size, settings))
        return
    if size == 0:
        yield Reject(name, None, "empty file")
        return
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = io.BufferedReader(Unbombed(gzip.GzipFile(fileobj=raw), raw, name=name)) if compressed else raw  # type: ignore[assignment]
        head = stream.read(SNIFF_BYTES)
        kind = fmt if fmt != "auto" else sniff(name, head)
        if kind == "parquet" and not compressed:
            # Read from the file itself, row group by row group: pyarrow seeks to the footer first.
            yield from read_parquet(raw, name=name, settings=settings, mapping=mapping, source=source)
            return
        if kind in ("jsonl", "csv", "warc") and not head.startswith(ZIP_MAGIC):
            # Exports and crawls are streamed record by record: they can be far larger than memory allows.
            body = Prefixed(head, stream)
            if kind == "warc":
                yield from read_warc(body, name=name, settings=settings, source=source)
            elif kind == "jsonl":
                yield from read_jsonl(body, name=name, settings=settings, mapping=mapping, source=source, defer=defer)
            else:
                yield from read_csv(body, name=name, settings=settings, mapping=mapping, source=source)
            return
        data = head + _read_limited(stream, settings.max_file_bytes - len(head), name=name, settings=settings)
    yield from _read_data(data, name=name, fmt=fmt if head.startswith(ZIP_MAGIC) else kind, url="", settings=settings,
                          mapping=mapping, source=source)


def _read_data(data: bytes, *, name: str, fmt: str, url: str, settings: Settings, mapping, source,
               depth: int = 0) -> Iterator[Article | Reject]:
    """``depth``: containers (zip, gzip) this document sits in; each one opened here adds one."""
    if len(data) > settings.max_file_bytes:
        yield Reject(name, None, _too_big(len(data), settings))
        return
    if (data[:2] == GZIP_MAGIC or data[:4] == ZIP_MAGIC) and depth >= MAX_CONTAINER_DEPTH:
        yield Reject(name, None, f"archives nested more than {MAX_CONTAINER_DEPTH} deep: not opened")
        return
    if data[:2] == GZIP_MAGIC:
        depth += 1
        try:
            data = _gunzip(data, name=name, settings=settings)
        except RejectedInput as exc:
            yield Reject(name, None, exc.message.removeprefix(f"{name}: "))
            return
    if not data.strip():
        yield Reject(name, None, "empty file")
        return
    kind = fmt if fmt != "auto" else sniff(name, data[:SNIFF_BYTES])
    if kind == "zip" or data[:4] == ZIP_MAGIC:
        # --format names the members' format (a zip of JSONL exports), never the archive's.
        yield from read_zip(io.BytesIO(data), name=name, settings=settings, read_bytes=_read_data,
                            fmt="auto" if kind == "zip" else fmt, url="", mapping=mapping, source=source, depth=depth + 1)
        return
    if kind == "warc":
        yield from read_warc(io.BytesIO(data), name=name, settings=settings, source=source)
        return
    if kind == "parquet":
        yield from read_parquet(io.BytesIO(data), name=name, settings=settings, mapping=mapping, source=source)
        return
    if kind in ("jsonl", "csv"):
        reader = read_jsonl if kind == "jsonl" else read_csv
        yield from reader(io.BytesIO(data), name=name, settings=settings, mapping=mapping, source=source)
        return
    if kind == "rss":
        yield from articles_from_feed(data, name=name, url=url, source=source)
        return
    magic = binary_kind(data)
    if magic:
        yield Reject(name, None, f"binary file ({magic}), not a news document")
        return
    try:
        text = decode_bytes(data, name=name)
        if kind == "html":
            yield article_from_html(text, name=name, url=url, source=source)
        else:
            yield article_from_text(text, name=name, source=source, url=url)
    except MarsadError as exc:
        yield Reject(name, None, exc.message.removeprefix(f"{name}: "))


def _guarded(items: Iterator[Article | Reject | JsonLines], name: str) -> Iterator[Article | Reject | JsonLines]:
    """Turn a broken file (truncated gzip, I/O error, a reader bug) into a Reject instead of ending the run."""
    count = 0
    try:
        for item in items:
            count += len(item.lines) if isinstance(item, JsonLines) else 1
            yield item
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Reject(name, None, f"truncated or corrupt compressed data after {count} records ({exc})")
    except OSError as exc:
        yield Reject(name, None, f"cannot read file ({exc.strerror or exc})")
    except Exception as exc:  # noqa: BLE001 — one unreadable file must not stop an ingest of thousands
        yield read_failure(name, exc)


def read_failure(name: str, exc: Exception) -> Reject:
    """The reject for reading that failed (a MarsadError, or a reader bug); also for JSON lines parsed in a worker."""
    if isinstance(exc, MarsadError):
        return Reject(name, None, exc.message.removeprefix(f"{name}: "))
    # One line for the person (the reject and this log line); the traceback only with --verbose / DEBUG.
    reason = f"unexpected error while reading ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
    LOGGER.error("%s: %s", name, reason)
    LOGGER.debug("%s: traceback", name, exc_info=True)
    return Reject(name, None, reason)


def _gunzip(data: bytes, *, name: str, settings: Settings) -> bytes:
    try:
        compressed = io.BytesIO(data)
        with gzip.GzipFile(fileobj=compressed) as stream:
            return _read_limited(Unbombed(stream, compressed, name=name), settings.max_file_bytes, name=name, settings=settings)
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedInput(f"{name}: truncated or corrupt gzip data ({exc})") from exc


def _read_limited(stream: BinaryIO, limit: int, *, name: str, settings: Settings) -> bytes:
    """All of ``stream``, read in steps (a decompressing stream checks itself between them), at most ``limit`` bytes."""
    chunks, size = [], 0
    while chunk := stream.read(_READ_STEP):
        size += len(chunk)
        if size > limit:
            raise RejectedInput(f"{name}: {_too_big(None, settings)}")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(size: int | None, settings: Settings) -> str:
    limit = settings.max_file_bytes
    what = f"file of {size:,} bytes" if size is not None else "file (decompressed)"
    return f"{what} is over the size limit of {limit:,} bytes (setting max_file_bytes / MARSAD_MAX_FILE_BYTES)"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise RejectedInput(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def _skipped(relative: Path) -> bool:
    return any(p.startswith(_HIDDEN_PREFIXES) or p.endswith("~") or p in _JUNK_NAMES for p in relative.parts)
