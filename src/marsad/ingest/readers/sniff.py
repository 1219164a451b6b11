"""Which reader a file needs: from its name first, then from its first bytes."""

from __future__ import annotations

import re

from marsad.ingest.formats import Format

_BY_SUFFIX: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html", ".php": "html", ".asp": "html", ".aspx": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "csv",
    ".parquet": "parquet", ".parq": "parquet", ".pq": "parquet",
    ".rss": "rss", ".atom": "rss", ".xml": "rss", ".rdf": "rss",
    ".warc": "warc", ".arc": "warc",
    ".zip": "zip",
}
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)[\s>/]", re.IGNORECASE)
# Binary formats people drop into an ingest folder by mistake, named in the reject reason.
BINARY_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
                b"\xd0\xcf\x11\xe0": "MS Office document", b"\x7fELF": "executable", b"MZ": "executable"}


def strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def sniff(name: str, head: bytes) -> Format:
    """The format of a (decompressed) document called ``name`` that starts with ``head``."""
    lowered = strip_gz(name.split("!")[-1]).lower()
    for suffix, fmt in _BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return _refine(fmt, head)
    return sniff_content(head)


def sniff_content(head: bytes) -> Format:
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(b"WARC/"):
        return "warc"
    start = _text_start(head)
    if start[:1] in (b"{", b"["):
        return "jsonl"
    if start[:1] == b"<":
        return "rss" if _FEED_ROOT.search(head[:2048]) else "html"
    if _HTML_START.search(head[:2048]):
        return "html"
    return "csv" if _looks_csv(start) else "text"


def binary_kind(head: bytes) -> str:
    """A name for a known binary format ("" when ``head`` is not one)."""
    return next((kind for magic, kind in BINARY_MAGIC.items() if head.startswith(magic)), "")


def _refine(fmt: Format, head: bytes) -> Format:
    """.xml may be a feed or an XHTML page, .html a feed, .txt a page with its markup; a Parquet file is one
    whatever its name (its magic cannot start a text document)."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if fmt == "rss" and not _FEED_ROOT.search(head[:4096]) and _HTML_START.search(head[:4096]):
        return "html"
    if fmt == "html" and _FEED_ROOT.search(head[:1024]) and not _HTML_START.search(head[:1024]):
        return "rss"
    if fmt == "text" and _text_start(head)[:1] == b"<" and _HTML_START.search(head[:2048]):
        return "html"  # a page saved as .txt with its markup
    return fmt


def _text_start(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if head[1:2] == b"\x00" or head[:1] == b"\x00":  # UTF-16 without BOM: look at the ASCII bytes only
        head = head.replace(b"\x00", b"")
    return head.lstrip()


def _looks_csv(start: bytes) -> bool:
    """A header line of several delimiter-separated short names, and a second line with as many delimiters."""
    lines = start.split(b"\n", 2)
    if len(lines) < 2:
        return False
    for delimiter in (b",", b";", b"\t", b"|"):
        count = lines[0].count(delimiter)
        if count >= 1 and len(lines[0]) < 300 and lines[1].count(delimiter) >= count:
            names = lines[0].split(delimiter)
            if all(0 < len(n.strip(b' "\r')) <= 40 for n in names):
                return True
    return False
