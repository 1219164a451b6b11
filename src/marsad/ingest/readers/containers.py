"""Containers of documents: zip archives and WARC crawls. Each member/record is handed back to the readers."""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.ingest.encoding import decode_bytes
from marsad.ingest.limits import MAX_ARCHIVE_MEMBERS, MAX_COMPRESSION_RATIO, expansion_allowed
from marsad.ingest.readers.html import article_from_html
from marsad.models import Article, Reject

LOGGER = logging.getLogger(__name__)

# Zip members under these names are metadata of the archiving tool, not documents.
_ZIP_JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)")
# HTTP Content-Type of WARC responses we extract; everything else (images, scripts, CSS) is skipped.
HTML_TYPES = ("text/html", "application/xhtml+xml")

ReadBytes = Callable[..., Iterator[Article | Reject]]


def unsafe_member_name(member: str) -> bool:
    """A member that would land outside the extraction folder: absolute, a drive, or climbing with "..".

    We never extract to disk, but such names mark a hostile or broken archive and would also make misleading
    origins; they are rejected, as the issue requires.
    """
    name = member.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in posixpath.normpath(name).split("/") or ".." in name.split("/")


def read_zip(stream: BinaryIO, *, name: str, settings: Settings, read_bytes: ReadBytes, **options) -> Iterator[Article | Reject]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        # ValueError: a cut central directory; NotImplementedError: an entry claiming a zip version past what
        # zipfile reads ("zip file version 8.2", one flipped byte: found by bench/fuzz_readers.py).
        yield Reject(name, None, f"not a readable zip archive ({exc})")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _ZIP_JUNK.search(m.filename)]
        if not members:
            yield Reject(name, None, "zip archive without files")
        if len(members) > MAX_ARCHIVE_MEMBERS:
            yield Reject(name, None, f"zip archive of {len(members):,} files is over the limit of {MAX_ARCHIVE_MEMBERS:,}: not opened")
            return
        for member in members:
            where = f"{name}!{member.filename}"
            if unsafe_member_name(member.filename):
                yield Reject(where, None, "unsafe member name (absolute path or '..' path traversal): skipped")
                continue
            if member.file_size > settings.max_file_bytes:
                yield Reject(where, None, f"member of {member.file_size} bytes is over the limit of {settings.max_file_bytes} bytes (max_file_bytes)")
                continue
            if member.file_size > expansion_allowed(member.compress_size):
                # zipfile never gives more than the declared size, so checking it up front bounds the member.
                yield Reject(where, None, f"member expands more than {MAX_COMPRESSION_RATIO}-fold (a compression bomb?): refused")
                continue
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
                yield Reject(where, None, f"broken archive member ({exc})")
                continue
            yield from read_bytes(data, name=where, settings=settings, **options)


def read_warc(stream: BinaryIO, *, name: str, settings: Settings, source: str | None = None) -> Iterator[Article | Reject]:
    """HTML responses of a WARC (gzipped or not) → Articles; other records are skipped. A page over
    ``settings.max_record_bytes`` is rejected unread (a crawl can hold anything)."""
    from warcio.archiveiterator import ArchiveIterator  # lazy: only WARC input needs it
    from warcio.bufferedreaders import ChunkedDataException
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    number = 0
    found = False
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type is None or record.rec_headers.get_header("Content-Length") is None:
                # Not a record (a garbage header block): warcio takes the rest of the file as its content.
                yield Reject(name, number, "WARC record without WARC-Type or Content-Length: the records after it "
                                           "cannot be found")
                return
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if not content_type.startswith(HTML_TYPES):
                continue
            found = True
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            try:
                payload = record.content_stream().read(settings.max_record_bytes + 1)
                if len(payload) > settings.max_record_bytes:
                    yield Reject(name, number, f"{url}: page over the limit of {settings.max_record_bytes:,} bytes (max_record_bytes)")
                    continue
                html = decode_bytes(_with_charset(payload, content_type), name=f"{name}#{number}")
                yield article_from_html(html, name=f"{name}#{number}", url=url, source=source)
            except MarsadError as exc:
                yield Reject(name, number, f"{url}: {exc.message.removeprefix(f'{name}#{number}: ')}")
    except (ArchiveLoadFailed, ChunkedDataException, StatusAndHeadersParserException, zlib.error, EOFError, OSError,
            ValueError, AttributeError) as exc:
        # warcio cannot find the next record after a broken one: the records before it are kept.
        if isinstance(exc, AttributeError):  # what warcio raises reading a response without WARC-Target-URI
            reason = "a response record without WARC-Target-URI"
        else:
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        yield Reject(name, number or None, f"broken WARC ({reason}): the records after it cannot be found")
        return
    if not found:
        yield Reject(name, None, "WARC without HTML responses")


def _with_charset(payload: bytes, content_type: str) -> bytes:
    """Carry the HTTP charset into the document when the page itself declares none (decode_bytes reads meta)."""
    match = re.search(r"charset=([\w.:-]+)", content_type)
    if not match or b"charset" in payload[:4096].lower():
        return payload
    return f'<meta charset="{match.group(1)}">'.encode("ascii") + payload

