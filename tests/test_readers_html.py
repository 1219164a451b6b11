"""HTML pages with gold metadata, an Arabic page built from an ANT record, RSS built from ANT records, a WARC
written with warcio from real pages, and zip archives."""

import gzip
import html
import io
import itertools
import json
import re
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.ingest.extract import clean_body, parse_date
from marsad.ingest.readers import parse_feed, read_bytes, read_path
from marsad.models import Article, Reject

SHARED = Path(__file__).resolve().parents[2] / "shared"
PAGES = SHARED / "html" / "pages"
GOLD = json.loads((SHARED / "html" / "gold.json").read_text(encoding="utf-8"))
SETTINGS = Settings()
# Pages of different kinds (news with JSON-LD, a BBC page, a blog whose site name is the <h1>, a hash-named page).
SEED_TITLE = "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"
SEED_TEXT = "\n\n".join(
    line.strip() for line in (SHARED / "seed" / "nas_2020-09-25_iraq-syria-border.txt").read_text(encoding="utf-8")
    .split("\n")[13:] if line.strip()
)
GOLD_PAGES = ["nytimes.com.blackouts.html", "bbc.com.52241221.html", "fouryears.eu.interning.html",
              "0a3108e507c54157a95fe7a1338f5e9c.html", "latimes.com.bloomberg.html"]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


def _gold(file: str) -> dict:
    return next(entry for entry in GOLD.values() if entry["file"] == file)


@pytest.mark.parametrize("file", GOLD_PAGES)
def test_real_pages_against_gold(file: str) -> None:
    gold = _gold(file)
    (article,) = list(read_path(PAGES / file, settings=SETTINGS))
    assert isinstance(article, Article), article
    assert _norm(article.title) == _norm(gold["title"])
    assert article.published_at is not None
    body = _norm(article.body)
    assert all(_norm(snippet) in body for snippet in gold["with"])
    assert all(_norm(snippet) not in body for snippet in gold["without"])
    assert "\n\n" in article.body and article.origin == str(PAGES / file)


def test_nytimes_page_metadata() -> None:
    (article,) = list(read_path(PAGES / "nytimes.com.blackouts.html", settings=SETTINGS))
    assert article.source == "nytimes.com"
    assert article.canonical_url.startswith("https://www.nytimes.com/")
    assert article.published_at.date().isoformat() == _gold("nytimes.com.blackouts.html")["date"]
    assert article.author


def _ant(n: int, step: int = 1) -> list[dict]:
    with gzip.open(SHARED / "corpora" / "ant_v2.1_multisource.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in itertools.islice(fh, 0, n * step, step)]


def _arabic_page(record: dict, *, charset: str = "utf-8") -> str:
    """A news page as Arabic sites serve it: menus, share bar, related links, the article, a footer."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n") if p.strip())
    published = parse_date(record["time"]).when.isoformat()
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="{charset}">
<title>{html.escape(record['title'])} | العربية</title>
<meta property="og:title" content="{html.escape(record['title'])}">
<meta property="og:site_name" content="العربية">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{record['url']}?utm_source=rss#top">
</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/sport">رياضة</a></li></ul></nav>
<div class="share">شارك على فيسبوك تويتر واتساب</div>
<article><h1>{html.escape(record['title'])}</h1><div class="byline">{html.escape(record['author'] or '')}</div>
{paragraphs}</article>
<aside><h3>اقرأ أيضاً</h3><ul><li><a href="/a">خبر آخر لا علاقة له بالمقال</a></li></ul></aside>
<footer>جميع الحقوق محفوظة © 2018 العربية</footer></body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "windows-1256"])
def test_arabic_page_from_ant_record(charset: str) -> None:
    record = _ant(1)[0]
    data = _arabic_page(record, charset=charset).encode("utf-8" if charset == "utf-8" else "cp1256", errors="replace")
    (article,) = list(read_bytes(data, name="alarabiya.html", settings=SETTINGS))
    assert isinstance(article, Article), article
    assert article.title == " ".join(record["title"].split())
    assert article.published_at == parse_date(record["time"]).when
    assert article.source == "alarabiya.net" and article.source_name == "العربية"
    assert article.canonical_url.startswith("http://www.alarabiya.net/ar/") and "utm_source" not in article.canonical_url
    first_paragraph = clean_body(record["text"]).split("\n\n")[0]
    assert article.body.startswith(first_paragraph[:60])
    for chrome in ("الرئيسية", "شارك على", "خبر آخر لا علاقة", "جميع الحقوق"):
        assert chrome not in article.body


def _rss(records: list[dict]) -> bytes:
    items = "".join(
        f"""<item><title>{html.escape(r['title'])}</title><link>{html.escape(r['url'])}</link>
<guid isPermaLink="false">{r['docno']}</guid><pubDate>{r['time']}</pubDate><category>{r['cat']}</category>
<description>{html.escape('<p>' + r['abstract'] + '</p>')}</description></item>"""
        for r in records
    )
    return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sky News Arabia</title>
<link>https://www.skynewsarabia.com/</link><description>feed</description>{items}</channel></rss>""".encode()


def test_parse_feed_items_from_ant_records() -> None:
    records = [r for r in _ant(40, step=700) if r["src"] == "skynews" and r["abstract"]][:5]
    assert len(records) >= 3
    items = parse_feed(_rss(records), url="https://www.skynewsarabia.com/rss")
    assert [i.guid for i in items] == [r["docno"] for r in records]
    for item, record in zip(items, records, strict=True):
        assert item.url == record["url"] and item.title == " ".join(record["title"].split())
        assert item.published_at == parse_date(record["time"]).when
        assert item.summary == " ".join(record["abstract"].split())


def test_rss_file_becomes_articles(tmp_path: Path) -> None:
    records = [r for r in _ant(40, step=700) if r["abstract"]][:5]
    path = tmp_path / "feed.rss"
    path.write_bytes(_rss(records))
    items = list(read_path(path, settings=SETTINGS))
    assert [i.origin for i in items] == [f"{path}#{n}" for n in range(1, len(records) + 1)]
    assert all(isinstance(i, Article) and i.source == "skynewsarabia.com" and i.lead for i in items)
    assert items[0].published_at == parse_date(records[0]["time"]).when


def test_atom_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<link href="https://example.org/"/><updated>2020-09-25T21:32:00+03:00</updated><id>urn:x</id>
<entry><title>A story</title><link href="https://example.org/a"/><id>urn:a</id>
<updated>2020-09-25T21:32:00+03:00</updated><summary>The summary of the story.</summary></entry></feed>"""
    (item,) = parse_feed(atom)
    assert (item.url, item.title, item.guid) == ("https://example.org/a", "A story", "urn:a")
    assert item.published_at == datetime(2020, 9, 25, 18, 32, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"<rss><oops", "feed without items"), (b"plain words, no XML at all", "not an RSS/Atom feed")],
)
def test_not_a_feed(data: bytes, reason: str) -> None:
    (item,) = list(read_bytes(data, name="bad.rss", fmt="rss", settings=SETTINGS))
    assert isinstance(item, Reject) and reason in item.reason


def _warc(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, payload in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers))
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://x.org/i.png", "response", payload=io.BytesIO(b"\x89PNG"),
                                                  http_headers=image))
    return out.getvalue()


def test_warc_written_from_real_pages(tmp_path: Path) -> None:
    files = GOLD_PAGES[:3]
    pages = [(f"https://example.org/{f}", (PAGES / f).read_bytes()) for f in files]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_warc(pages))
    items = list(read_path(path, settings=SETTINGS))
    assert len(items) == 3 and all(isinstance(i, Article) for i in items), items
    for item, file in zip(items, files, strict=True):
        assert _norm(item.title) == _norm(_gold(file)["title"])
        assert item.url == f"https://example.org/{file}"
        assert re.fullmatch(rf"{re.escape(str(path))}#\d+", item.origin)


def test_zip_of_mixed_documents(tmp_path: Path) -> None:
    records = _ant(3)
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SHARED / "seed" / "nas_2020-09-25_iraq-syria-border.txt", "pages/nas.txt")
        archive.writestr("pages/nyt.html", (PAGES / "nytimes.com.blackouts.html").read_bytes())
        archive.writestr("exports/ant.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
        archive.writestr("__MACOSX/._nas.txt", b"\x00\x05\x16\x07")
    items = list(read_path(path, settings=SETTINGS))
    assert all(isinstance(i, Article) for i in items), items
    origins = [i.origin for i in items]
    assert f"{path}!exports/ant.jsonl#1" in origins and f"{path}!pages/nas.txt" in origins
    assert len(items) == 5
    seed = next(i for i in items if i.origin.endswith("nas.txt"))
    assert seed.dateline == "بغداد" and seed.published_tz == "+03:00"


def test_folder_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "page.html").write_bytes((PAGES / "bbc.com.52241221.html").read_bytes())
    (tmp_path / "a" / "seed.txt").write_bytes((SHARED / "seed" / "nas_2020-09-25_iraq-syria-border.txt").read_bytes())
    (tmp_path / ".hidden.txt").write_text("not a document")
    items = list(read_path(tmp_path, settings=SETTINGS))
    assert [Path(i.origin).name for i in items] == ["page.html", "seed.txt"]
    assert all(isinstance(i, Article) for i in items)


def test_visible_arabic_date_when_the_page_declares_none() -> None:
    record = _ant(1)[0]
    page = _arabic_page(record)
    page = re.sub(r'<meta property="article:published_time"[^>]*>', "", page)
    page = page.replace("<article>", "<article><span class='date'>الأحد 18 شباط 2018 - 21:35</span>")
    (article,) = list(read_bytes(page.encode(), name="p.html", settings=SETTINGS))
    assert article.published_at == datetime(2018, 2, 18, 21, 35, tzinfo=UTC)
    assert article.published_precision == "minute"
    assert article.body.startswith(clean_body(record["text"])[:40])  # neither the date line nor the title


def test_warc_page_over_the_record_limit() -> None:
    import dataclasses

    page = (PAGES / GOLD_PAGES[0]).read_bytes()
    settings = dataclasses.replace(SETTINGS, max_record_bytes=len(page) - 1)
    items = list(read_bytes(_warc([("https://example.org/big", page)]), name="c.warc.gz", settings=settings))
    assert len(items) == 1 and isinstance(items[0], Reject) and "over the limit" in items[0].reason


def test_dateline_paragraph_in_an_arabic_page() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in SEED_TEXT.split("\n\n")[:6])
    page = f"""<html><head><meta charset="utf-8"><title>{SEED_TITLE}</title></head><body>
<nav><a href="/">الرئيسية</a> <a href="/iraq">العراق</a></nav><article><h1>{SEED_TITLE}</h1>
<p>2020.09.25 - 21:32</p><p>بغداد – ناس</p>{paragraphs}</article><footer>جميع الحقوق محفوظة لموقع ناس</footer>
</body></html>"""
    (article,) = list(read_bytes(page.encode(), name="nas.html", settings=SETTINGS))
    assert (article.title, article.dateline, article.source) == (SEED_TITLE, "بغداد", "ناس")
    assert article.published_at == datetime(2020, 9, 25, 18, 32, tzinfo=UTC) and article.published_tz == "+03:00"
    assert article.body.startswith("وجّه رئيس الحكومة")


@pytest.mark.parametrize(("declared", "author"), [("By Aaron Humes", "Aaron Humes"), ("بقلم: أحمد الريدي", "أحمد الريدي")])
def test_byline_prefix_is_not_part_of_the_author(declared: str, author: str) -> None:
    page = _arabic_page(_ant(1)[0]).replace("<title>", f'<meta name="author" content="{declared}"><title>', 1)
    (article,) = list(read_bytes(page.encode(), name="p.html", settings=SETTINGS))
    assert article.author == author


def _feed_with_date(date: str) -> bytes:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://example.org/</link>
<item><title>A story</title><link>https://example.org/a</link><pubDate>{date}</pubDate>
<description>The summary of the story, long enough to be a body.</description></item></channel></rss>""".encode()


@pytest.mark.parametrize(
    ("date", "note"),
    [
        ("2020-13-45T99:99:99Z", "impossible date"),
        ("Mon, 32 Jan 2020 10:00:00 GMT", "impossible date"),
        ("Mon, 01 Jan 0001 00:00:00 GMT", "before 1900"),
        ("3 days ago 2018", "unparsed"),
    ],
)
def test_feed_dates_that_are_no_dates_stay_undated(date: str, note: str) -> None:
    # feedparser rolls 2020-13-45 over into 2021 and reads year 0001 as 2001: its reading must not stand in.
    (item,) = parse_feed(_feed_with_date(date))
    assert item.published_at is None
    (article,) = list(read_bytes(_feed_with_date(date), name="f.rss", fmt="rss", settings=SETTINGS))
    assert article.published_at is None and note in article.date_note


def test_feed_dates_only_feedparser_reads_are_kept() -> None:
    (item,) = parse_feed(_feed_with_date("Κυρ, 27 Σεπ 2020 10:00:00 +0300"))  # Greek RFC 822: feedparser knows it
    assert item.published_at == datetime(2020, 9, 27, 7, 0, tzinfo=UTC)
