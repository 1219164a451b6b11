"""JSONL/CSV exports: ANT v2.1/v1.1 and Reuters-21578 samples, automatic and explicit field mapping, gzip, JSON arrays."""

import csv
import gzip
import io
import json
import re
from datetime import UTC
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, JAWHARAFM_SAMPLE, REUTERS_SAMPLE, read_lines, read_records, reuters_time

from marsad.config import Settings
from marsad.ingest.extract import canonical_url, clean_body, parse_date, source_from_url
from marsad.ingest.readers import read_bytes, read_path
from marsad.ingest.readers.records import resolve_mapping
from marsad.models import Article, Reject

SETTINGS = Settings()
N = 50


def _gz_sample(tmp_path: Path, sample: Path, n: int = N) -> Path:
    path = tmp_path / sample.name
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(read_lines(sample, n))
    return path


@pytest.mark.parametrize("sample", [ANT_SAMPLE, JAWHARAFM_SAMPLE], ids=["ant_v2.1", "ant_v1.1_jawharafm"])
def test_ant_sample(tmp_path: Path, sample: Path) -> None:
    path = _gz_sample(tmp_path, sample)
    records = read_records(sample, N)
    items = list(read_path(path, settings=SETTINGS))
    assert len(items) == N
    for number, (item, record) in enumerate(zip(items, records, strict=True), start=1):
        if not (record["text"] or "").strip():
            assert isinstance(item, Reject) and item.record == number and "without text" in item.reason
            continue
        assert isinstance(item, Article), item
        assert item.origin == f"{path}#{number}"
        assert item.title == " ".join(record["title"].split())
        assert item.body == clean_body(record["text"])
        assert item.url == record["url"] and item.canonical_url == canonical_url(record["url"])
        assert item.source == source_from_url(record["url"])  # the src code and the URL agree on one key
        assert item.published_at == parse_date(record["time"]).when
        assert item.published_at.tzinfo is not None and item.date_note == ""
        assert item.category == record["cat"]
        assert item.extra["docno"] == record["docno"]
        author = record["author"] or ""
        if " - " in author and not author.startswith("العربية"):
            city = re.split(r"[،,]", re.sub(r"\(.*?\)", "", author.split(" - ")[0]))[0]
            assert item.dateline == " ".join(city.split()), author


def test_ant_author_city_becomes_dateline(tmp_path: Path) -> None:
    items = [i for i in read_path(_gz_sample(tmp_path, ANT_SAMPLE), settings=SETTINGS)]
    first = items[0]  # author "الرباط - عادل الزبيري", an Al Arabiya story
    assert (first.dateline, first.author, first.source, first.source_name) == ("الرباط", "عادل الزبيري", "alarabiya.net", "العربية")
    assert first.published_tz == "+04:00" and first.published_precision == "second"


def test_reuters_sample(tmp_path: Path) -> None:
    path = _gz_sample(tmp_path, REUTERS_SAMPLE)
    records = read_records(REUTERS_SAMPLE, N)
    items = list(read_path(path, settings=SETTINGS))
    assert len(items) == N
    for item, record in zip(items, records, strict=True):
        if not record["body"]:
            assert isinstance(item, Reject) and "without text" in item.reason
            continue
        assert isinstance(item, Article)
        assert item.source == "reuters.com" and item.source_name == "Reuters"
        assert item.published_at == parse_date(record["date"]).when and item.published_at.year == 1987
        assert item.title == " ".join(record["title"].split())
        assert item.dateline == record["dateline"].split(",")[0].strip()
        assert not item.body.endswith("Reuter") and "&\\t" not in item.body
    first = items[0]
    assert first.published_at == reuters_time(records[0]).replace(tzinfo=UTC)


def _ant_rows(n: int = 20) -> list[dict]:
    return read_records(ANT_SAMPLE, n)


def _csv_bytes(rows: list[dict], columns: dict[str, str], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([row[field] for field in columns.values()])
    return out.getvalue().encode(encoding, errors="replace")


@pytest.mark.parametrize(
    ("columns", "delimiter", "encoding"),
    [
        ({"headline": "title", "content": "text", "pubDate": "time", "link": "url", "outlet": "src"}, ",", "utf-8"),
        ({"Title": "title", "Article": "text", "published_at": "time", "URL": "url", "domain": "src"}, "\t", "utf-8-sig"),
        ({"title": "title", "body": "text", "date": "time", "url": "url", "source": "src"}, ";", "cp1256"),
    ],
    ids=["csv-utf8", "tsv-bom", "semicolon-cp1256"],
)
def test_csv_automatic_mapping(columns: dict[str, str], delimiter: str, encoding: str) -> None:
    rows = _ant_rows()
    data = _csv_bytes(rows, columns, delimiter=delimiter, encoding=encoding)
    items = list(read_bytes(data, name="export.csv", settings=SETTINGS))
    assert len(items) == len(rows) and all(isinstance(i, Article) for i in items), items[:2]
    for number, (item, row) in enumerate(zip(items, rows, strict=True), start=1):
        assert item.origin == f"export.csv#{number}"
        assert item.published_at == parse_date(row["time"]).when
        assert item.source == source_from_url(row["url"])
        if encoding != "cp1256":  # cp1256 cannot hold every character of the original (replaced by "?")
            assert item.title == " ".join(row["title"].split()) and item.body == clean_body(row["text"])


def test_explicit_mapping_overrides(tmp_path: Path) -> None:
    rows = _ant_rows(5)
    data = _csv_bytes(rows, {"h": "title", "story_text": "text", "when": "time", "x": "url", "summary": "abstract"})
    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    mapping = {"title": "h", "body": "story_text", "date": "when", "url": "x"}
    items = list(read_path(path, settings=SETTINGS, mapping=mapping, source="Sky News Arabia"))
    assert all(isinstance(i, Article) for i in items)
    assert items[0].title == " ".join(rows[0]["title"].split()) and items[0].lead == " ".join(rows[0]["abstract"].split())
    assert {i.source for i in items} == {"skynewsarabia.com"}  # --source wins over the URL


@pytest.mark.parametrize(
    ("mapping", "match"),
    [({"body": "nope"}, "no column 'nope'"), ({"colour": "h"}, "unknown field")],
)
def test_bad_explicit_mapping_is_a_reject(mapping: dict[str, str], match: str) -> None:
    data = _csv_bytes(_ant_rows(2), {"h": "title", "story_text": "text"})
    (item,) = list(read_bytes(data, name="x.csv", settings=SETTINGS, mapping=mapping))
    assert isinstance(item, Reject) and match in item.reason


def test_resolve_mapping_common_names() -> None:
    columns = ("Headline", "article_text", "pubDate", "Link", "src", "cat", "Description", "Byline", "date_extracted")
    assert resolve_mapping(columns, None) == {
        "title": "Headline", "body": "article_text", "date": "pubDate", "url": "Link", "source": "src",
        "author": "Byline", "category": "cat", "lead": "Description",
    }


def test_json_array_and_nested_list() -> None:
    rows = _ant_rows(3)
    array = json.dumps(rows, ensure_ascii=False).encode()
    nested = json.dumps({"articles": rows}, ensure_ascii=False).encode()
    for data in (array, nested):
        items = list(read_bytes(data, name="dump.json", settings=SETTINGS))
        assert [i.extra["docno"] for i in items] == [r["docno"] for r in rows]


def test_jsonl_utf16_export() -> None:
    rows = _ant_rows(3)
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-16")
    items = list(read_bytes(data, name="export.jsonl", settings=SETTINGS))
    assert [i.title for i in items] == [" ".join(r["title"].split()) for r in rows]


def test_record_without_date_has_no_date() -> None:
    data = json.dumps({"title": "عنوان", "text": "نص المقال الكامل هنا."}, ensure_ascii=False).encode()
    (item,) = list(read_bytes(data, name="one.jsonl", settings=SETTINGS))
    assert item.published_at is None and item.published_precision is None and item.date_note == ""


def test_future_date_is_dropped_with_note() -> None:
    data = json.dumps({"title": "t", "text": "نص", "date": "2199-01-01T10:00:00+03:00"}).encode()
    (item,) = list(read_bytes(data, name="one.jsonl", settings=SETTINGS))
    assert item.published_at is None and "future" in item.date_note


def test_html_in_the_text_column_becomes_paragraphs() -> None:
    record = {"title": "عنوان", "content": "<p>الفقرة الأولى من المقال.</p><p>الفقرة <b>الثانية</b>.<br>سطر ثالث.</p>"}
    (item,) = list(read_bytes(json.dumps(record, ensure_ascii=False).encode(), name="x.jsonl", settings=SETTINGS))
    assert item.body == "الفقرة الأولى من المقال.\n\nالفقرة الثانية.\n\nسطر ثالث."


def test_mojibake_record_is_repaired_and_hopeless_one_rejected() -> None:
    title = "الكاظمي يوجّه بتأمين الحدود"
    good = {"title": title.encode().decode("latin-1"), "text": "نص سليم.".encode().decode("latin-1")}
    lost = {"title": "x", "text": "نص " + "\ufffd" * 4}
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in (good, lost)).encode()
    repaired, rejected = list(read_bytes(data, name="m.jsonl", settings=SETTINGS))
    assert isinstance(repaired, Article) and repaired.title == title and repaired.body == "نص سليم."
    assert isinstance(rejected, Reject) and rejected.record == 2 and "lost characters" in rejected.reason


@pytest.mark.parametrize(
    ("record", "key", "name"),
    [
        ({"source": "Al-Mada", "url": "https://almadapaper.net/view.php?id=1"}, "almadapaper.net", "Al-Mada"),
        ({"source": "المدى", "url": "https://www.almadapaper.net/view.php?id=2"}, "almadapaper.net", "المدى"),
        ({"source": "المدى"}, "المدي", "المدى"),  # keys are search-normalised (ى→ي): spelling variants agree
        ({"source": "skynews", "url": "https://news.google.com/x"}, "skynewsarabia.com", "سكاي نيوز عربية"),
        ({"url": "http://www.alarabiya.net/ar/x.html"}, "alarabiya.net", "العربية"),
        ({}, "", ""),
    ],
)
def test_one_outlet_one_key(record: dict, key: str, name: str) -> None:
    data = json.dumps({"text": "نص المقال.", **record}, ensure_ascii=False).encode()
    (item,) = list(read_bytes(data, name="x.jsonl", settings=SETTINGS))
    assert (item.source, item.source_name) == (key, name)


def test_newsapi_shaped_record() -> None:
    record = {
        "source": {"id": "al-jazeera-english", "name": "Al Jazeera English"},
        "author": [{"name": "Jane Doe"}],
        "title": "Iraq orders border security",
        "description": "Kadhimi orders the border with Syria secured.",
        "url": "https://www.aljazeera.com/news/2020/9/25/iraq?utm_source=newsapi",
        "publishedAt": "2020-09-25T18:32:00Z",
        "content": "Iraq's prime minister ordered the border with Syria secured on Friday.",
    }
    (item,) = list(read_bytes(json.dumps(record).encode(), name="newsapi.json", settings=SETTINGS))
    assert (item.source, item.source_name, item.author) == ("aljazeera.com", "Al Jazeera English", "Jane Doe")
    assert item.lead == record["description"] and item.canonical_url == "https://www.aljazeera.com/news/2020/9/25/iraq"
    assert item.published_at.isoformat() == "2020-09-25T18:32:00+00:00"


def test_json_feed_document() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1", "title": "Example", "home_page_url": "https://example.org/",
        "items": [
            {"id": "1", "url": "https://example.org/a", "title": "A", "content_html": "<p>First story.</p>",
             "date_published": "2020-09-25T21:32:00+03:00", "authors": [{"name": "Jane Doe"}]},
            {"id": "2", "url": "https://example.org/b", "title": "B", "content_text": "Second story."},
        ],
    }
    items = list(read_bytes(json.dumps(feed, indent=2).encode(), name="feed.json", settings=SETTINGS))
    assert [(i.title, i.body, i.author) for i in items] == [("A", "First story.", "Jane Doe"), ("B", "Second story.", "")]
    assert items[0].published_tz == "+03:00" and items[0].origin == "feed.json#1"
