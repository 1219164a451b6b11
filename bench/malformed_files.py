"""Malformed files of every format, ingested beside planted good records by ``marsad ingest`` as a user runs it.

    .venv/bin/python bench/malformed_files.py                 # 300 files → docs/benchmarks/malformed-files.md
    .venv/bin/python bench/malformed_files.py --n 45 --no-enrich --no-doc

Each malformed file is one of the kinds in ``KINDS`` (deep nesting, huge integers, lone surrogates, NUL and binary
bytes, wrong encodings, records over the size limit, bad WARC records, truncated gzip and zip, compression bombs,
unsafe archive member names, archives nested too deep, costly or broken HTML, XML entity tricks in feeds and
XHTML, impossible dates), built from real records of ``data/demo`` (ANT v2.1). Where the format has records
(JSONL, CSV, WARC, zip members, feed items), good records are planted in the same file around the bad one; the
folder also holds good files of every single-document format. Every good record carries a marker in its title
(``GOOD0001``), so the store tells which were kept.

One ``marsad ingest FOLDER --json`` subprocess reads them all (enrichment on unless ``--no-enrich``). Measured:
tracebacks printed (must be 0), rejects that are not one line naming their file (0), "unexpected error" rejects
(a reader bug, 0), malformed files that left neither an article nor a reject (0), good records lost (0), and with
enrichment, articles left unenriched (0). tests/test_malformed_files.py runs the first few dozen in CI.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.ingest.limits import MAX_ARCHIVE_MEMBERS, MAX_CONTAINER_DEPTH  # noqa: E402
from marsad.store import Store  # noqa: E402

ANT = ROOT / "data" / "demo" / "ant_v2.1_sample.jsonl.gz"
MARK = re.compile(r"GOOD\d{4}")
PLANTED_PER_FILE = 2  # good records around the bad one, in formats that have records
GOOD_FILES_PER_FORMAT = 4  # good single-document files (text, HTML, feed, JSONL) in the folder beside the bad ones
BOMB_BYTES = 1 << 30  # what a compression bomb expands to: 1 GiB of zeros (about 1 MB compressed)
TRACEBACK = "Traceback (most recent call last)"
UNEXPECTED = "unexpected error"
TIMEOUT_S = 3 * 3600


# -- good records --------------------------------------------------------------------------------------------
class Good:
    """Distinct real records (one per body), handed out once each. A good record's title starts with a marker
    (``GOOD0001``) and the store must end up holding it; one given out to be made malformed gets ``BADR0001``."""

    def __init__(self) -> None:
        with gzip.open(ANT, "rt", encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        seen: set[str] = set()
        self.pool = []
        for r in records:  # distinct bodies and links: the ingest would rightly store a repeated one once
            body = " ".join(r["text"].split())
            if len(body) > 400 and body not in seen and r["url"] not in seen:
                seen |= {body, r["url"]}
                self.pool.append(r)
        self.used = 0
        self.planted: set[str] = set()

    def take(self, *, bad: bool = False) -> dict:
        r = self.pool[self.used]
        self.used += 1
        mark = f"{'BADR' if bad else 'GOOD'}{self.used:04d}"
        if not bad:
            self.planted.add(mark)
        return {"title": f"{mark} {r['title']}", "text": r["text"], "date": r["time"], "url": r["url"]}


def _line(record: dict) -> bytes:
    """One JSONL line; lone surrogates (which UTF-8 cannot hold) go out as JSON escapes, as exports write them."""
    try:
        return json.dumps(record, ensure_ascii=False).encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record).encode() + b"\n"


def _html(record: dict) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in record["text"].split("\n") if p.strip())
    return (f'<html><head><meta charset="utf-8"><title>{record["title"]}</title></head><body><article>'
            f'<h1>{record["title"]}</h1>{paragraphs}</article></body></html>').encode()


def _text(record: dict) -> bytes:
    return f"{record['title']}\n\n{record['text']}\n".encode()


def _csv_row(values: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode()


def _csv(records: list[dict], bad: bytes = b"", *, at: int = 0) -> bytes:
    """A CSV export of ``records`` with the row(s) ``bad`` before record ``at``."""
    rows = [_csv_row([r["title"], r["text"], r["date"], r["url"]]) for r in records]
    rows.insert(at, bad)
    return _csv_row(["title", "text", "date", "url"]) + b"".join(rows)


def _rss(items: list[bytes], *, head: bytes = b"") -> bytes:
    return (head + b'<rss version="2.0"><channel><title>Feed</title><link>https://example.org/</link>'
            + b"".join(items) + b"</channel></rss>")


def _item(record: dict, *, date: str = "") -> bytes:
    from xml.sax.saxutils import escape

    return (f"<item><title>{escape(record['title'])}</title><link>{escape(record['url'])}</link>"
            f"<pubDate>{escape(date or record['date'])}</pubDate><description>{escape(record['text'])}</description>"
            "</item>").encode()


def _warc(payload: bytes, *, uri: str = "https://example.org/a", length: int | None = None) -> bytes:
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{random.Random(uri).getrandbits(64):x}>\r\n"
    if uri:
        head += f"WARC-Target-URI: {uri}\r\n"
    head += f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(payload) if length is None else length}\r\n\r\n"
    return head.encode() + payload + b"\r\n\r\n"


def _http(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


@functools.cache
def _zeros_deflated(wbits: int) -> bytes:
    """BOMB_BYTES of zeros, compressed (gzip framing for wbits 31, raw deflate for -15)."""
    squash = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = bytes(1 << 20)
    return b"".join(squash.compress(chunk) for _ in range(BOMB_BYTES >> 20)) + squash.flush()


def _zip_bomb(extra: list[tuple[str, bytes]]) -> bytes:
    """A zip whose first member expands to BOMB_BYTES, then ``extra`` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("zeros.jsonl")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(BOMB_BYTES >> 20):
                member.write(chunk)
        for name, data in extra:
            z.writestr(name, data)
    return out.getvalue()


# -- the kinds of malformed file -------------------------------------------------------------------------------
@dataclass
class Made:
    """One file: its name (the bench numbers it) and bytes."""

    name: str
    data: bytes


Kind = Callable[[random.Random, Good], Made]


def _jsonl_around(bad: bytes, ext: str = "jsonl") -> Kind:
    """Good JSONL lines with ``bad`` (one line) among them."""
    def make(rng: random.Random, good: Good) -> Made:
        lines = [_line(good.take()) for _ in range(PLANTED_PER_FILE)]
        lines.insert(rng.randrange(len(lines) + 1), bad.rstrip(b"\n") + b"\n")
        return Made(f"x.{ext}", b"".join(lines))
    return make


def _jsonl_last(bad: bytes) -> Kind:
    """Good lines, then ``bad`` as the last (a truncation can only be last)."""
    def make(rng: random.Random, good: Good) -> Made:
        return Made("x.jsonl", b"".join(_line(good.take()) for _ in range(PLANTED_PER_FILE)) + bad)
    return make


def _jsonl_records(edit: Callable[[dict], dict], *, keep: bool = False) -> Kind:
    """Good records where one of them, edited, is the bad one (``keep``: one the store must still hold)."""
    def make(rng: random.Random, good: Good) -> Made:
        lines = [_line(good.take()) for _ in range(PLANTED_PER_FILE)]
        lines.insert(rng.randrange(len(lines) + 1), _line(edit(good.take(bad=not keep))))
        return Made("x.jsonl", b"".join(lines))
    return make


def _whole(name: str, build: Callable[[random.Random, Good], bytes]) -> Kind:
    """A file malformed as a whole (its records are taken ``bad=True``); the folder's good files stand beside it."""
    return lambda rng, good: Made(name, build(rng, good))


def _bad_date(record: dict) -> dict:
    return record | {"date": random.Random(record["title"]).choice(
        ["2020-13-45T99:99:99Z", "3 days ago 2018", "Mon, 01 Jan 0001 00:00:00 GMT", "99/99/9999", "0000-00-00"])}


def _csv_with(bad: bytes, *, last: bool = False) -> Kind:
    def make(rng: random.Random, good: Good) -> Made:
        records = [good.take() for _ in range(PLANTED_PER_FILE)]
        return Made("x.csv", _csv(records, bad, at=len(records) if last else rng.randrange(len(records) + 1)))
    return make


def _csv_encoded(codec: str) -> Kind:
    def make(rng: random.Random, good: Good) -> Made:
        return Made("x.csv", _csv([good.take() for _ in range(PLANTED_PER_FILE)]).decode().encode(codec, "replace"))
    return make


def _jsonl_encoded(codec: str) -> Kind:
    def make(rng: random.Random, good: Good) -> Made:
        text = b"".join(_line(good.take()) for _ in range(PLANTED_PER_FILE)).decode()
        return Made("x.jsonl", text.encode(codec, "replace"))
    return make


def _warc_with(bad: Callable[[Good], bytes], *, last: bool = False) -> Kind:
    def make(rng: random.Random, good: Good) -> Made:
        records = [_warc(_http(_html(r)), uri=f"https://example.org/{r['title'][:8]}") for r in
                   (good.take() for _ in range(PLANTED_PER_FILE))]
        records.insert(len(records) if last else rng.randrange(len(records) + 1), bad(good))
        return Made("x.warc", b"".join(records))
    return make


def _zip_with(bad: list[tuple[str, bytes]] | Callable[[Good], list[tuple[str, bytes]]]) -> Kind:
    """Good members (a JSONL and an HTML page) beside ``bad`` ones."""
    def make(rng: random.Random, good: Good) -> Made:
        members = [("good.jsonl", _line(good.take())), ("good.html", _html(good.take()))]
        members += bad(good) if callable(bad) else bad
        rng.shuffle(members)
        return Made("x.zip", _zip(members))
    return make


def _feed_with(bad: bytes = b"", *, head: bytes = b"", dated: bool = False) -> Kind:
    def make(rng: random.Random, good: Good) -> Made:
        items = [_item(_bad_date(r) if dated else r) for r in (good.take() for _ in range(PLANTED_PER_FILE))]
        if bad:
            items.insert(rng.randrange(len(items) + 1), bad)
        return Made("x.rss", _rss(items, head=head))
    return make


def _page(edit: Callable[[bytes], bytes], ext: str = "html") -> Kind:
    """A real page edited into a malformed one (a page is one document: it is the malformed one)."""
    return _whole(f"x.{ext}", lambda rng, good: edit(_html(good.take(bad=True))))


def _truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) // 4, len(data) * 3 // 4)]


def _flip_member(rng: random.Random, good: Good) -> Made:
    """A zip whose one member's compressed bytes are damaged (its CRC fails), beside good members."""
    data = bytearray(_zip([("a.jsonl", _line(good.take())), ("bad.txt", _text(good.take(bad=True)) * 3),
                           ("b.html", _html(good.take()))]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("bad.txt")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(60, info.compress_size - 1)):
        data[i] ^= 0x5A
    return Made("x.zip", bytes(data))


def _nested(depth: int, good: Good) -> bytes:
    data = _zip([("inner.jsonl", _line(good.take(bad=True)))])
    for level in range(depth):
        data = _zip([(f"level{level}.zip", data)])
    return data


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
          b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
          b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
XHTML_BOMB = LAUGHS.replace(b"rss", b"html") + b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>&h;</title></head>'


KINDS: dict[str, Kind] = {
    # JSONL: one bad line costs only itself
    "jsonl: 100,000-deep nesting": _jsonl_around(b"[" * 100_000),
    "jsonl: 1,000-deep objects": _jsonl_around(b'{"a":' * 1_000 + b"1" + b"}" * 1_000),
    "jsonl: 5,000-digit integer": _jsonl_around(b'{"title": "big", "text": "' + b"text " * 80 + b'", "views": '
                                                + b"9" * 5_000 + b"}"),
    "jsonl: 100,000-digit integer as the title": _jsonl_around(b'{"title": ' + b"7" * 100_000 + b', "text": "t"}'),
    "jsonl: lone surrogates (JSON escapes)": _jsonl_records(lambda r: r | {"title": r["title"] + " \ud800",
                                                                           "text": "\udfff " + r["text"]}),
    "jsonl: lone surrogate (UTF-8 bytes)": _jsonl_around(b'{"title": "x \xed\xa0\x80", "text": "body \xed\xb0\x80 text"}'),
    "jsonl: NUL bytes in a record": _jsonl_around(b'{"title": "nul\x00\x00", "text": "a\x00b ' + b"word " * 80 + b'"}'),
    "jsonl: binary garbage line": _jsonl_around(bytes(range(256)) * 4),
    "jsonl: invalid UTF-8": _jsonl_around(b'{"title": "\xff\xfe bad", "text": "\xc3\x28 ' + b"text " * 80 + b'"}'),
    "jsonl: truncated last record": _jsonl_last(b'{"title": "cut", "text": "the record stops he'),
    "jsonl: wrong types": _jsonl_around(b'{"title": [1, 2], "text": {"a": 1}, "date": 5}'),
    "jsonl: not an object": _jsonl_around(b'"just a string"'),
    "jsonl: body of 1.2 million characters": _jsonl_records(lambda r: r | {"text": (r["text"] + "\n\n") * 1_200}),
    "jsonl: record over the 5 MB limit": _jsonl_around(b'{"title": "huge", "text": "' + b"x " * 3_000_000 + b'"}'),
    "jsonl: impossible dates (records kept, undated)": _jsonl_records(_bad_date, keep=True),
    "jsonl: UTF-16 with BOM": _jsonl_encoded("utf-16"),
    "json: a document nested 100,000 deep": _whole("x.json", lambda rng, good: b"[" * 100_000),
    # CSV: a bad row costs only itself (an unclosed quote can only take the rows after it: it is last)
    "csv: field over the 5 MB limit": _csv_with(b'"huge","' + b"x " * 3_000_000 + b'",2020-01-01,\n'),
    "csv: unclosed quote in the last row": _csv_with(b'"cut,"the row never ends\n', last=True),
    "csv: NUL bytes in a row": _csv_with(b'"nul\x00","a\x00b ' + b"text " * 60 + b'",2020-01-01,\n'),
    "csv: lone surrogate bytes in a row": _csv_with(b'"sur \xed\xa0\x80","' + b"text " * 60 + b'",2020-01-01,\n'),
    "csv: invalid UTF-8 in a row": _csv_with(b'"\xff\xfe bad","\xc3\x28 ' + b"text " * 60 + b'",2020-01-01,\n'),
    "csv: ragged rows": _csv_with(b'only one field\n"a","b","c","d","e","f","g"\n'),
    "csv: cp1256 (Arabic Windows) encoding": _csv_encoded("cp1256"),
    "csv: impossible date in a row": _csv_with(b'"bad date","' + "نص ".encode() * 60 + b'","2020-13-45T99:99:99Z",\n'),
    # WARC: a bad record costs only itself. Records are found by their Content-Length alone, so one whose header
    # breaks that chain (a wrong length, a cut, no length, or no target URI, on which warcio stops) can only cost
    # the records after it too: those are last, and their reject says so.
    "warc: record that is not HTTP": _warc_with(lambda good: _warc(b"this is no HTTP response at all")),
    "warc: record without a target URI (last)": _warc_with(lambda good: _warc(_http(b"<html><body>x</body></html>"),
                                                                              uri=""), last=True),
    "warc: binary payload": _warc_with(lambda good: _warc(_http(bytes(range(256)) * 64), uri="https://example.org/b")),
    "warc: wrong Content-Length (last)": _warc_with(lambda good: _warc(_http(_html(good.take(bad=True))), length=99_999),
                                                    last=True),
    "warc: truncated record (last)": _warc_with(lambda good: _warc(_http(_html(good.take(bad=True))))[:300], last=True),
    "warc: garbage header (last)": _warc_with(lambda good: b"WARC/1.0\r\nnot a header line\r\n\r\n\x00\x01\x02",
                                              last=True),
    # containers
    "gz: truncated": _whole("x.jsonl.gz", lambda rng, good: _truncated(gzip.compress(
        b"".join(_line(good.take(bad=True)) for _ in range(4))), rng)),
    "gz: 1 GiB bomb": _whole("x.jsonl.gz", lambda rng, good: _zeros_deflated(31)),
    "gz: not gzip": _whole("x.txt.gz", lambda rng, good: _text(good.take(bad=True))),  # each its own text: no duplicates
    "zip: truncated": _whole("x.zip", lambda rng, good: _truncated(_zip([("a.jsonl", _line(good.take(bad=True))),
                                                                          ("b.html", _html(good.take(bad=True)))]), rng)),
    "zip: 1 GiB bomb member beside a good one": lambda rng, good: Made("x.zip", _zip_bomb([("good.jsonl", _line(good.take()))])),
    "zip: path-traversal member names": _zip_with([("../../etc/evil.txt", b"evil " * 50), ("/abs/evil.txt", b"x " * 50),
                                                    ("C:\\evil.txt", b"y " * 50)]),
    "zip: damaged member beside good ones": _flip_member,
    "zip: nested too deep": _whole("x.zip", lambda rng, good: _nested(MAX_CONTAINER_DEPTH + 1, good)),
    "zip: too many members": _whole("x.zip", lambda rng, good: _zip([(f"m{i}.txt", b"x") for i in
                                                                    range(MAX_ARCHIVE_MEMBERS + 1)])),
    "zip: a member in UTF-16 without BOM": _zip_with(lambda good: [("utf16.jsonl", _line(good.take(bad=True)).decode()
                                                                    .encode("utf-16-le"))]),
    # HTML (a page is one document: the page itself is the malformed one)
    "html: 100,000 nested <div>": _page(lambda page: page.replace(b"<article>", b"<div>" * 100_000 + b"<article>")),
    "html: 80,000 attributes": _page(lambda page: page.replace(b"<article>", b"<article " + b" ".join(
        b'a%d="1"' % i for i in range(80_000)) + b">")),
    "html: 40,000 tags": _page(lambda page: page.replace(b"</article>", b"<b>x</b>" * 40_000 + b"</article>")),
    "html: JSON-LD 100,000 deep": _page(lambda page: page.replace(
        b"</head>", b'<script type="application/ld+json">' + b"[" * 100_000 + b"</script></head>")),
    "html: surrogate character references": _page(lambda page: page.replace(b"<h1>", b"<h1>&#xD800;&#55296;&#x110000;")),
    "html: NUL bytes": _page(lambda page: page.replace(b"<p>", b"<p>\x00\x00", 3)),
    "html: truncated mid-tag": _page(lambda page: page[: len(page) // 2] + b"<p class=\"unfinished"),
    "html: binary garbage": _whole("x.html", lambda rng, good: bytes(rng.randrange(256) for _ in range(5000))),
    "html: declared UTF-8, written in cp1256": _page(lambda page: page.decode().encode("cp1256", "replace")),
    "xhtml: entity expansion bomb": _whole("x.xhtml", lambda rng, good: XHTML_BOMB + _html(good.take(bad=True)).split(
        b"</head>", 1)[1]),
    # feeds
    "rss: billion laughs": _feed_with(_item({"title": "&h;", "text": "&h;", "date": "", "url": "https://e.org/l"}),
                                      head=LAUGHS),
    "rss: external entity": _feed_with(b"<item><title>&x;</title><link>https://e.org/x</link><description>&x; "
                                       + b"text " * 40 + b"</description></item>", head=EXTERNAL),
    "rss: bad character references": _feed_with(b"<item><title>bad &#xD800;</title><link>https://e.org/s</link>"
                                                b"<description>&#55296; text</description></item>"),
    "rss: impossible dates": _feed_with(dated=True),
    "rss: truncated": _whole("x.rss", lambda rng, good: _truncated(_rss([_item(good.take(bad=True)) for _ in range(3)]), rng)),
    "rss: not XML": _whole("x.rss", lambda rng, good: b"<rss><channel><item><title>unclosed" + bytes(range(32)) * 20),
    # text
    "text: NUL bytes": _whole("x.txt", lambda rng, good: _text(good.take(bad=True)).replace(b" ", b" \x00", 5)),
    "text: binary garbage": _whole("x.txt", lambda rng, good: bytes(rng.randrange(256) for _ in range(4000))),
    "text: 100,000 brackets by the title": _whole("x.txt", lambda rng, good: b"[" * 100_000 + b"\n" + _text(good.take(bad=True))),
    "text: UTF-16 without BOM": _whole("x.txt", lambda rng, good: _text(good.take(bad=True)).decode().encode("utf-16-le")),
    "text: cp1256": _whole("x.txt", lambda rng, good: _text(good.take(bad=True)).decode().encode("cp1256", "replace")),
    "text: lone surrogate bytes": _whole("x.txt", lambda rng, good: _text(good.take(bad=True)).replace(b" ", b" \xed\xa0\x80 ", 3)),
    "text: empty": _whole("x.txt", lambda rng, good: b""),
}


def good_files(good: Good) -> list[Made]:
    """Good files of every single-document format (and JSONL and RSS), beside the malformed ones."""
    out = []
    for i in range(GOOD_FILES_PER_FORMAT):
        out.append(Made(f"good-{i}.txt", _text(good.take())))
        out.append(Made(f"good-{i}.html", _html(good.take())))
        out.append(Made(f"good-{i}.jsonl", b"".join(_line(good.take()) for _ in range(2))))
        out.append(Made(f"good-{i}.rss", _rss([_item(good.take()) for _ in range(2)])))
    return out


@dataclass
class Built:
    folder: Path
    malformed: dict[str, str] = field(default_factory=dict)  # file name → kind
    planted: set[str] = field(default_factory=set)  # markers of the good records the store must hold


def build(folder: Path, n: int, *, seed: int = 0) -> Built:
    """``n`` malformed files (the kinds in turn, so the first len(KINDS) are one of each) and the good files."""
    folder.mkdir(parents=True, exist_ok=True)
    good, rng = Good(), random.Random(seed)
    built = Built(folder)
    kinds = list(KINDS.items())
    for i in range(n):
        kind, make = kinds[i % len(kinds)]
        made = make(rng, good)
        ext = made.name.partition(".")[2]
        name = f"bad-{i:03d}-{re.sub(r'[^a-z0-9]+', '-', kind.lower()).strip('-')[:40]}.{ext}"
        (folder / name).write_bytes(made.data)
        built.malformed[name] = kind
    for made in good_files(good):
        (folder / made.name).write_bytes(made.data)
    built.planted = set(good.planted)
    return built


# -- running and checking --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    files: int
    planted: int
    returncode: int = 0
    seconds: float = 0.0
    tracebacks: int = 0
    rejects: int = 0
    bad_rejects: list[str] = field(default_factory=list)  # not one line naming its file, or "unexpected error"
    silent: list[str] = field(default_factory=list)  # malformed files with no article and no reject
    kept: int = 0
    lost: list[str] = field(default_factory=list)  # good-record markers not in the store
    unenriched: int | None = None
    stored: int = 0
    per_kind: dict[str, list[str]] = field(default_factory=dict)  # kind → its files' reject reasons


def ingest(built: Built, db: Path, *, enrich: bool) -> tuple[subprocess.CompletedProcess, float]:
    args = [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))",
            "ingest", str(built.folder), "--db", str(db), "--json", *([] if enrich else ["--no-enrich"])]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, errors="replace")
    return done, time.perf_counter() - start


def check(built: Built, db: Path, done: subprocess.CompletedProcess, *, enrich: bool) -> Outcome:
    out = Outcome(files=len(built.malformed), planted=len(built.planted), returncode=done.returncode)
    out.tracebacks = (done.stdout + done.stderr).count(TRACEBACK)
    try:
        report = json.loads(done.stdout[done.stdout.index("{"):])
    except ValueError:
        report = {"rejects": [], "stored": 0}
        out.bad_rejects.append(f"no JSON report (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    out.stored = int(report.get("stored", 0))
    named: set[str] = set()
    prefix = str(built.folder) + "/"
    for line in report["rejects"]:
        out.rejects += 1
        where, _, reason = line.partition(": ")
        file = where.removeprefix(prefix).split("!")[0].split("#")[0]
        named.add(file)
        if "\n" in line or not reason.strip() or not where.startswith(prefix) or not (built.folder / file).exists():
            out.bad_rejects.append(f"not one line naming its file: {line[:300]!r}")
        elif UNEXPECTED in reason:
            out.bad_rejects.append(line[:300])
        if file in built.malformed:
            out.per_kind.setdefault(built.malformed[file], []).append(reason[:160])
    store = Store(db)
    with store.read() as con:
        # The marker is looked for in the body's start too: a reader may not take a plain text's first line as its
        # title (and leave it in the body), which is no loss.
        rows = con.execute("SELECT coalesce(title, '') || ' ' || substr(body, 1, 200), origin, pipeline_version "
                           "FROM articles").fetchall()
    titles = [t or "" for t, _, _ in rows]
    origins = {(o or "").removeprefix(prefix).split("!")[0].split("#")[0] for _, o, _ in rows}
    out.silent = sorted(f for f in built.malformed if f not in named and f not in origins)
    found = {m for t in titles for m in MARK.findall(t)}
    out.kept = len(built.planted & found)
    out.lost = [f"{mark}: {_holder(built, mark)}" for mark in sorted(built.planted - found)]
    if enrich:
        out.unenriched = sum(1 for _, _, v in rows if not v)
    return out


def _holder(built: Built, mark: str) -> str:
    """The file (and its kind) a good record was planted in: where to look when it was lost."""
    for path in sorted(built.folder.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".zip":
            data += b"".join(_members(path))
        if any(mark.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be", "cp1256")):
            return f"{path.name} ({built.malformed.get(path.name, 'a good file')})"
    return "?"


def _members(path: Path) -> Iterator[bytes]:
    """The readable, small members of a zip (the malformed ones may have none)."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.file_size < 1 << 24:
                    try:
                        yield z.read(info)
                    except (zipfile.BadZipFile, zlib.error):
                        continue
    except zipfile.BadZipFile:
        return


def run(n: int, *, seed: int = 0, enrich: bool = True, work: Path | None = None) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="marsad-malformed-") as tmp:
        base = work or Path(tmp)
        built = build(base / "in", n, seed=seed)
        done, seconds = ingest(built, base / "s.duckdb", enrich=enrich)
        out = check(built, base / "s.duckdb", done, enrich=enrich)
        out.seconds = seconds
        return out


def _body(out: Outcome, n: int, *, enrich: bool) -> str:
    lines = [
        f"{out.files} malformed files ({len(KINDS)} kinds, in turn) beside good records: {out.planted} good records "
        f"planted (in the malformed files where the format has records, and in {GOOD_FILES_PER_FORMAT * 4} good "
        f"files), read by one `marsad ingest FOLDER --json`{'' if enrich else ' --no-enrich'} in {out.seconds:.0f} s "
        f"(exit status {out.returncode}).",
        "",
        "| check | found | must be |",
        "|---|---:|---:|",
        f"| Python tracebacks printed | {out.tracebacks} | 0 |",
        f"| rejects that are not one line naming their file, or an \"unexpected error\" | {len(out.bad_rejects)} | 0 |",
        f"| malformed files that left no article and no reject | {len(out.silent)} | 0 |",
        f"| good records lost | {len(out.lost)} of {len(out.lost) + out.kept} | 0 |",
    ]
    if out.unenriched is not None:
        lines.append(f"| articles left unenriched | {out.unenriched} of {out.stored} stored | 0 |")
    lines += ["", f"Rejects: {out.rejects} in all. What each kind's files were told (first reason, files):", "",
              "| kind | rejects | first reason |", "|---|---:|---|"]
    for kind in KINDS:
        reasons = out.per_kind.get(kind, [])
        shown = reasons[0].replace("|", "\\|") if reasons else "— (read: no reject)"
        lines.append(f"| {kind} | {len(reasons)} | {shown} |")
    for title, items in (("Bad rejects", out.bad_rejects), ("Silent files", out.silent), ("Lost (marker: file)", out.lost)):
        if items:
            lines += ["", f"{title}:", *[f"- {x}" for x in items[:20]]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="malformed files (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-enrich", action="store_true", help="ingest without enrichment (faster)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/malformed-files.md")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the files and the store in DIR and keep them")
    args = parser.parse_args(argv)
    page = ReportPage("malformed_files", "Malformed files", stem="malformed-files")
    out = run(args.n, seed=args.seed, enrich=not args.no_enrich, work=args.keep)
    body = _body(out, args.n, enrich=not args.no_enrich)
    if args.no_doc:
        print(body)
        print_load()
    else:
        page.write(body)
        print(body)
    failed = out.tracebacks or out.bad_rejects or out.silent or out.lost or out.unenriched
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
