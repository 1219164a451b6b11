"""Bad input becomes Reject lines (file, record number, reason) and the run goes on; it never raises."""

import dataclasses
import gzip
import json
import zipfile
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, SEED, read_lines

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.readers import read_bytes, read_path
from marsad.ingest.readers.containers import unsafe_member_name
from marsad.models import Article, Reject

SETTINGS = Settings()
GOOD = {"title": "عنوان", "text": "نص المقال الكامل.", "date": "2020-09-25"}


def _only_reject(items: list) -> Reject:
    assert len(items) == 1 and isinstance(items[0], Reject), items
    return items[0]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.jsonl", b"\n \n", "empty file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "binary"),
        ("report.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8, "binary"),
        ("blob.bin", bytes(range(256)) * 8, "binary"),
        ("menu.txt", "الرئيسية\nأخبار\nرياضة".encode(), "no article text"),
        ("page.html", b"<html><body><nav>menu</nav></body></html>", "no article text"),
        ("bad.json", b'[{"title": "x", "text": ', "invalid JSON"),
        ("lost.txt", ("نص " * 50 + "\ufffd\ufffd\ufffd" + " نص" * 50).encode(), "lost characters"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    reject = _only_reject(list(read_path(path, settings=SETTINGS)))
    assert reject.file == str(path) and reject.record is None and reason in reject.reason


def test_jsonl_bad_lines_are_rejected_one_by_one(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        '{"title": "truncated", "text": "no end',
        "not json at all",
        json.dumps({"title": "no text here"}),
        json.dumps({"title": "blank text", "text": "   "}),
        json.dumps(["a", "list"]),
        json.dumps(GOOD, ensure_ascii=False),
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_path(path, settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Reject", "Reject", "Reject", "Reject", "Article"]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [r.record for r in rejects] == [2, 3, 4, 5, 6]
    assert "truncated" in rejects[0].reason and "invalid" in rejects[1].reason
    assert "without text" in rejects[2].reason and "without text" in rejects[3].reason
    assert "not an object" in rejects[4].reason
    assert items[-1].origin == f"{path}#7"


def test_line_that_does_not_decode(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps(GOOD, ensure_ascii=False).encode()
    path.write_bytes(good + b"\n" + '{"title": "x", "text": "é"}'.encode("latin-1") + b"\n" + good)
    items = list(read_path(path, settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert items[1].record == 2 and "decode" in items[1].reason


def test_csv_missing_text_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("title,date,url\nعنوان,2020-09-25,http://x.org/a\n", encoding="utf-8")
    reject = _only_reject(list(read_path(path, settings=SETTINGS)))
    assert "no text column" in reject.reason and "--map" in reject.reason


def test_csv_row_without_text(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("title,text\nأ,نص أول.\nب,\nج,نص ثالث.\n", encoding="utf-8")
    items = list(read_path(path, settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert items[1].record == 2 and "without text" in items[1].reason


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, max_file_bytes=1000)
    path = tmp_path / "big.txt"
    path.write_bytes(SEED.read_bytes())
    reject = _only_reject(list(read_path(path, settings=settings)))
    assert "over the size limit of 1,000 bytes" in reject.reason and "max_file_bytes" in reject.reason
    reject = _only_reject(list(read_bytes(SEED.read_bytes(), name="upload.txt", settings=settings)))
    assert "1,000 bytes" in reject.reason


def test_gzip_that_expands_over_the_limit(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, max_file_bytes=2000)
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a " * 100_000))
    assert path.stat().st_size < 2000
    reject = _only_reject(list(read_path(path, settings=settings)))
    assert "size limit of 2,000 bytes" in reject.reason


def test_record_over_the_record_limit(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, max_record_bytes=200)
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n" + json.dumps({"text": "x" * 500}), encoding="utf-8")
    items = list(read_path(path, settings=settings))
    assert isinstance(items[0], Article) and isinstance(items[1], Reject) and "limit of 200 bytes" in items[1].reason


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    data = gzip.compress("\n".join(json.dumps(GOOD, ensure_ascii=False) for _ in range(2000)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path, settings=SETTINGS))
    assert isinstance(items[-1], Reject) and "truncated or corrupt" in items[-1].reason
    assert sum(isinstance(i, Article) for i in items) > 0


def test_zip_with_broken_member_and_traversal_names(tmp_path: Path) -> None:
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ok/seed.txt", SEED.read_bytes())
        archive.writestr("../../etc/evil.txt", SEED.read_bytes())
        archive.writestr("/abs/evil.txt", SEED.read_bytes())
        archive.writestr("broken.txt", SEED.read_bytes())
    raw = bytearray(path.read_bytes())
    # Corrupt the compressed data of "broken.txt" (the last member) so its CRC check fails on reading.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("broken.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    raw[start : start + 40] = bytes(40)
    path.write_bytes(bytes(raw))
    items = list(read_path(path, settings=SETTINGS))
    articles = [i for i in items if isinstance(i, Article)]
    rejects = {r.file.split("!", 1)[1]: r.reason for r in items if isinstance(r, Reject)}
    assert [a.origin for a in articles] == [f"{path}!ok/seed.txt"]
    assert "path traversal" in rejects["../../etc/evil.txt"] and "path traversal" in rejects["/abs/evil.txt"]
    assert "broken archive member" in rejects["broken.txt"]


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [("a/b.txt", False), ("../x", True), ("a/../../x", True), ("/etc/passwd", True), ("C:\\x.txt", True),
     ("..\\..\\x", True), ("a/..b/c", False)],
)
def test_unsafe_member_names(name: str, unsafe: bool) -> None:
    assert unsafe_member_name(name) is unsafe


def test_a_zip_claiming_an_unknown_version_is_a_clear_reject() -> None:
    """One flipped byte in the central directory ("zip file version 8.2"): zipfile raises NotImplementedError when
    opening, which was an "unexpected error" (bench/fuzz_readers.py)."""
    import io

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "Title\n\n" + "some words here " * 20)
    data = bytearray(archive.getvalue())
    data[data.rfind(b"PK\x01\x02") + 6] = 82  # the entry's "version needed to extract"
    (reject,) = list(read_bytes(bytes(data), name="v.zip", settings=SETTINGS))
    assert reject.reason == "not a readable zip archive (zip file version 8.2)"


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    reject = _only_reject(list(read_path(path, settings=SETTINGS)))
    assert "zip" in reject.reason


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(RejectedInput, match="no such file"):
        list(read_path(tmp_path / "nope.jsonl", settings=SETTINGS))


def test_unknown_format_raises(tmp_path: Path) -> None:
    with pytest.raises(RejectedInput, match="unknown format"):
        list(read_path(SEED, fmt="docx", settings=SETTINGS))


def test_empty_folder(tmp_path: Path) -> None:
    reject = _only_reject(list(read_path(tmp_path, settings=SETTINGS)))
    assert "without files" in reject.reason


def test_bad_files_do_not_stop_a_folder(tmp_path: Path) -> None:
    (tmp_path / "1-empty.txt").write_bytes(b"")
    (tmp_path / "2-binary.dat").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "3-seed.txt").write_bytes(SEED.read_bytes())
    items = list(read_path(tmp_path, settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Reject", "Reject", "Article"]


def test_format_option_applies_to_zip_members(tmp_path: Path) -> None:
    path = tmp_path / "exports.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.dat", json.dumps(GOOD, ensure_ascii=False))
        archive.writestr("b.dat", json.dumps(GOOD, ensure_ascii=False))
    items = list(read_path(path, fmt="jsonl", settings=SETTINGS))
    assert [i.origin for i in items] == [f"{path}!a.dat#1", f"{path}!b.dat#1"]


def _samples() -> dict[str, bytes]:
    import io

    seed = SEED.read_bytes()
    jsonl = "".join(read_lines(ANT_SAMPLE, 10)).encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", seed)
        z.writestr("c.jsonl", jsonl)
    rows = b"\n".join(b'"t%d","%s",2020-01-0%d' % (i, b"body text here " * 5, i % 9 + 1) for i in range(10))
    return {"seed.txt": seed, "x.jsonl": jsonl, "x.jsonl.gz": gzip.compress(jsonl), "a.zip": archive.getvalue(),
            "x.csv": b"title,text,date\n" + rows}


def test_damaged_real_files_never_raise() -> None:
    """Truncated, bit-flipped and spliced copies of real files: only Articles and Rejects, never a crash, never
    an "unexpected error" Reject (which would mean a reader bug). Fixed seed: the same inputs every run."""
    import random

    rng = random.Random(7)
    samples = list(_samples().items())
    for _ in range(300):
        name, data = rng.choice(samples)
        damaged = bytearray(data)
        cut = rng.randrange(len(damaged))
        match rng.choice(["truncate", "flip", "delete"]):
            case "truncate":
                damaged = damaged[:cut]
            case "flip":
                for _ in range(rng.randint(1, 20)):
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            case _:
                del damaged[cut : cut + rng.randint(1, 200)]
        items = list(read_bytes(bytes(damaged), name=name, settings=SETTINGS))
        assert all(isinstance(i, Article | Reject) for i in items)
        assert not [i for i in items if isinstance(i, Reject) and "unexpected error" in i.reason], name


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [("a.txt", b"<!DOCTYPE html><html><body>x</body></html>", "html"), ("a.txt", "نص عادي".encode(), "text"),
     ("feed.xml", b'<?xml version="1.0"?><rss version="2.0">', "rss"), ("page.xml", b"<html><body>", "html"),
     ("noext", b'{"title": "x"}', "jsonl"), ("noext", b"WARC/1.0\r\n", "warc"), ("noext", b"PK\x03\x04rest", "zip"),
     ("noext", b"title,text,date\nA,B,C\n", "csv"), ("x.jsonl.gz", b'{"a": 1}', "jsonl")],
)
def test_sniff(name: str, head: bytes, fmt: str) -> None:
    from marsad.ingest.readers.sniff import sniff

    assert sniff(name, head) == fmt


# -- malformed input: one-line rejects naming the reason, good records beside them kept -----------------------
PAGE = b"<html><head><title>A headline</title></head><body><article><p>" + b"A paragraph of article text. " * 8 + b"</p></article></body></html>"


def _warc_record(payload: bytes, *, uri: bytes = b"http://example.org/a") -> bytes:
    headers = b"WARC/1.0\r\nWARC-Type: response\r\n" + (b"WARC-Target-URI: " + uri + b"\r\n" if uri else b"")
    headers += b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(payload)
    return headers + payload + b"\r\n\r\n"


def test_a_malformed_warc_record_is_a_clear_reject() -> None:
    good = _warc_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE)
    no_uri = _warc_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE, uri=b"")
    items = list(read_bytes(good + no_uri + good, name="crawl.warc", settings=SETTINGS))
    assert isinstance(items[0], Article) and isinstance(items[-1], Reject)
    assert items[-1].reason == ("broken WARC (a response record without WARC-Target-URI): the records after it "
                                "cannot be found")


def test_a_warc_header_block_that_is_no_record_is_a_reject_not_silence() -> None:
    """Without WARC-Type and Content-Length warcio reads the rest of the file as one record's content: the records
    after it used to vanish without a word (bench/malformed_files.py)."""
    good = _warc_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE)
    garbage = b"WARC/1.0\r\nnot a header line\r\n\r\n\x00\x01\x02"
    items = list(read_bytes(good + garbage + good, name="crawl.warc", settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Reject"]
    assert (items[1].file, items[1].record) == ("crawl.warc", 2)
    assert "without WARC-Type or Content-Length" in items[1].reason


def test_a_bad_character_reference_costs_only_its_feed_item() -> None:
    item = b"<item><title>%s</title><link>http://example.org/%d</link><description>%s</description></item>"
    items = [item % (b"Headline number one", 1, b"A paragraph of article text. " * 4),
             item % (b"Broken &#xD800; headline", 2, b"Text &#55296; with a surrogate reference."),
             item % (b"Headline number three", 3, b"Another paragraph of article text. " * 4)]
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>' + b"".join(items) + b"</channel></rss>"
    out = list(read_bytes(feed, name="feed.rss", settings=SETTINGS))
    assert [type(i).__name__ for i in out] == ["Article", "Reject", "Article"]
    assert out[1].record == 2 and "lost characters" in out[1].reason


def test_an_unexpected_reader_error_logs_one_line(monkeypatch, caplog, tmp_path: Path) -> None:
    import logging

    from marsad.ingest import readers

    def broken(*args, **kwargs):
        raise KeyError("a reader bug")

    monkeypatch.setattr(readers, "article_from_text", broken)
    path = tmp_path / "page.txt"
    path.write_text("نص " * 50, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="marsad.ingest.readers"):
        reject = _only_reject(list(read_path(path, settings=SETTINGS)))
    assert reject.reason == "unexpected error while reading (KeyError: 'a reader bug')"
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.INFO] == [None]  # no traceback printed


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("laughs.rss", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                       b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
                       b"<description>Item text of the feed &d; with entities.</description></item></channel></rss>"),
        ("external.rss", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0">'
                         b"<channel><title>t</title><item><title>x</title><description>Item text &x; of the feed.</description>"
                         b"</item></channel></rss>"),
        ("external.xhtml", b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                           b'<html xmlns="http://www.w3.org/1999/xhtml"><body><article><p>'
                           + b"A paragraph of article text. " * 8 + b"&x;</p></article></body></html>"),
        ("laughs.html", b'<!DOCTYPE html [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                        b"<html><body><article><p>" + b"A paragraph of article text. " * 8 + b"&b;</p></article></body></html>"),
    ],
)
def test_xml_entities_are_never_expanded_or_fetched(name: str, document: bytes) -> None:
    (article,) = read_bytes(document, name=name, settings=SETTINGS)
    text = article.title + article.body
    assert "root:" not in text and "haha" not in text


# -- limits: compression bombs, archive members and nesting, costly markup ---------------------------------
BOMB_BYTES = 300 * 1024 * 1024


def _write_gzip_bomb(path: Path) -> None:
    zeros = b"x" * (1024 * 1024)  # text, so that it is read as an export or a page rather than refused as binary
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(BOMB_BYTES // len(zeros)):
            fh.write(zeros)


def _write_zip_bomb(path: Path) -> None:
    zeros = b"x" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("good.txt", SEED.read_bytes())
        with archive.open("bomb.txt", "w") as fh:
            for _ in range(BOMB_BYTES // len(zeros)):
                fh.write(zeros)


def test_compression_bombs_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """300 MB of one letter in ~300 KB, as a streamed export, a single page and a zip member: refused after about a
    megabyte of output. Peak memory is measured in a child process (it was the bomb's full size, or more)."""
    import subprocess
    import sys

    _write_gzip_bomb(tmp_path / "bomb.jsonl.gz")
    (tmp_path / "bomb.txt.gz").write_bytes((tmp_path / "bomb.jsonl.gz").read_bytes())
    _write_zip_bomb(tmp_path / "bomb.zip")
    code = f"""
import resource
from pathlib import Path
from marsad.config import Settings
from marsad.ingest.readers import read_path
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for name in ("bomb.jsonl.gz", "bomb.txt.gz", "bomb.zip"):
    for item in read_path(Path({str(tmp_path)!r}) / name, settings=Settings()):
        print(type(item).__name__, getattr(item, "reason", ""))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith("Reject") and "compression bomb" in out[0]  # the export
    assert out[1].startswith("Reject") and "compression bomb" in out[1]  # the page
    assert out[2] == "Article " and out[3].startswith("Reject") and "compression bomb" in out[3]  # zip: good member kept
    assert int(out[-1]) < 60_000  # KiB


def test_estimate_records_stops_at_a_bomb(tmp_path: Path) -> None:
    from marsad.ingest.pipeline import estimate_records

    _write_gzip_bomb(tmp_path / "bomb.jsonl.gz")
    assert estimate_records([tmp_path / "bomb.jsonl.gz"]) is None


def test_zip_with_too_many_members_is_not_opened(tmp_path: Path, monkeypatch) -> None:
    from marsad.ingest.readers import containers

    monkeypatch.setattr(containers, "MAX_ARCHIVE_MEMBERS", 3)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(4):
            archive.writestr(f"{i}.txt", SEED.read_bytes())
    reject = _only_reject(list(read_path(path, settings=SETTINGS)))
    assert "zip archive of 4 files is over the limit of 3" in reject.reason


def _zipped(name: str, data: bytes) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_archives_nested_too_deep_are_not_opened() -> None:
    from marsad.ingest.limits import MAX_CONTAINER_DEPTH

    assert MAX_CONTAINER_DEPTH == 3
    three = _zipped("b.zip.gz", gzip.compress(_zipped("seed.txt", SEED.read_bytes())))
    (article,) = read_bytes(three, name="three.zip", settings=SETTINGS)
    assert article.origin == "three.zip!b.zip.gz!seed.txt"
    four = _zipped("b.zip.gz", gzip.compress(_zipped("seed.txt.gz", gzip.compress(SEED.read_bytes()))))
    reject = _only_reject(list(read_bytes(four, name="four.zip", settings=SETTINGS)))
    assert reject.file == "four.zip!b.zip.gz!seed.txt.gz" and "nested more than 3 deep" in reject.reason


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<div " + " ".join(f'a{i}="1"' for i in range(25_000)) + ">", "25,000 attributes"),
        ("<span>x</span>" * 31_000, "tags is over the limit of 30,000"),
    ],
)
def test_costly_html_is_rejected_before_parsing(markup: str, reason: str) -> None:
    # The reason names the limit, which is checked on a cheap count before any parser runs (no timing asserted:
    # on a loaded shared machine it would make the test flaky, not more meaningful).
    page = f"<html><body>{markup}<article><p>{'A paragraph of article text. ' * 8}</p></article></body></html>"
    reject = _only_reject(list(read_bytes(page.encode(), name="page.html", settings=SETTINGS)))
    assert reason in reject.reason and "over the limit" in reject.reason


def _feed_of(n: int) -> bytes:
    item = "<item><title>Headline {0}</title><link>http://example.org/{0}</link><description>Story {0} text.</description></item>"
    items = "".join(item.format(i) for i in range(1, n + 1))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("n", [3, 5])
def test_a_feed_over_the_item_limit_keeps_its_first_items_and_says_so(monkeypatch, n: int) -> None:
    from marsad.ingest import limits
    from marsad.ingest.readers import read_feed

    monkeypatch.setattr(limits, "MAX_FEED_ITEMS", 3)
    out = list(read_bytes(_feed_of(n), name="big.rss", settings=SETTINGS))
    articles = [i for i in out if isinstance(i, Article)]
    assert [a.title for a in articles] == ["Headline 1", "Headline 2", "Headline 3"]
    rejects = [i for i in out if isinstance(i, Reject)]
    feed = read_feed(_feed_of(n))
    if n == 3:
        assert rejects == [] and feed.note == ""
    else:
        (cut,) = rejects
        assert (cut.file, cut.record) == ("big.rss", 4)
        assert cut.reason == "feed with 5 items is over the limit of 3: the first 3 were read, the other 2 cut"
        assert len(feed.items) == 3 and feed.note == cut.reason


def test_the_feed_item_limit_is_above_real_feeds_and_below_what_watch_remembers() -> None:
    from marsad.ingest.limits import MAX_FEED_ITEMS, feed_items_cut
    from marsad.ingest.watch import SEEN_PER_FEED

    assert 500 <= MAX_FEED_ITEMS < SEEN_PER_FEED
    assert feed_items_cut(MAX_FEED_ITEMS) == ""
    assert f"the other {2:,} cut" in feed_items_cut(MAX_FEED_ITEMS + 2)
    out = list(read_bytes(_feed_of(MAX_FEED_ITEMS + 2), name="real.rss", settings=SETTINGS))
    assert sum(isinstance(i, Article) for i in out) == MAX_FEED_ITEMS
    assert [r.record for r in out if isinstance(r, Reject)] == [MAX_FEED_ITEMS + 1]
