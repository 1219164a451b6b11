"""HTML pages with gold metadata, an Arabic page built from an ANT record, an RSS feed of ANT records, a WARC of
real pages, and zip archives (the fixtures are described in tests/fixtures/README.md)."""

import html
import json
import re
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, FEED, HTML_GOLD, HTML_PAGES, HTML_WARC, SEED, html_gold, read_records

from marsad.config import Settings
from marsad.ingest.extract import clean_body, parse_date, source_from_url
from marsad.ingest.readers import parse_feed, read_bytes, read_path
from marsad.models import Article, Reject

SETTINGS = Settings()
SEED_TITLE = "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"
SEED_TEXT = "\n\n".join(line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")[13:] if line.strip())
# Every fixture page: news with JSON-LD, a BBC page, a blog whose site name is the <h1>, a hash-named page, a
# Chinese page, a German one.
GOLD_PAGES = sorted(entry["file"] for entry in json.loads(HTML_GOLD.read_text(encoding="utf-8")).values())
NEWS_PAGES = ["fivethirtyeight.com.endorsement.html", "cbsnews.com.carolina.html", "bbc.com.52241221.html"]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


@pytest.mark.parametrize("file", GOLD_PAGES)
def test_real_pages_against_gold(file: str) -> None:
    gold = html_gold(file)
    (article,) = list(read_path(HTML_PAGES / file, settings=SETTINGS))
    assert isinstance(article, Article), article
    assert _norm(article.title) == _norm(gold["title"])
    assert article.published_at is not None
    body = _norm(article.body)
    assert all(_norm(snippet) in body for snippet in gold["with"])
    assert all(_norm(snippet) not in body for snippet in gold["without"])
    assert "\n\n" in article.body and article.origin == str(HTML_PAGES / file)


@pytest.mark.parametrize("file", NEWS_PAGES)
def test_news_page_metadata(file: str) -> None:
    gold = html_gold(file)
    (article,) = list(read_path(HTML_PAGES / file, settings=SETTINGS))
    assert article.source == source_from_url(gold["url"])
    assert article.canonical_url == gold["url"].rstrip("/")
    assert article.published_at.date().isoformat() == gold["date"]
    assert article.author and article.author == (gold.get("author") or article.author)


def _ant(n: int, step: int = 1) -> list[dict]:
    return read_records(ANT_SAMPLE, n, step=step)


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


def _feed_records() -> list[dict]:
    """The ANT records behind the fixture feed's items (guid = docno), in feed order."""
    guids = re.findall(r'<guid isPermaLink="false">([^<]+)</guid>', FEED.read_text(encoding="utf-8"))
    by_docno = {r["docno"]: r for r in read_records(ANT_SAMPLE)}
    return [by_docno[guid] for guid in guids]


def test_parse_feed_items_from_ant_records() -> None:
    records = _feed_records()
    assert len(records) >= 3
    items = parse_feed(FEED.read_bytes(), url="https://www.skynewsarabia.com/rss")
    assert [i.guid for i in items] == [r["docno"] for r in records]
    for item, record in zip(items, records, strict=True):
        assert item.url == record["url"] and item.title == " ".join(record["title"].split())
        assert item.published_at == parse_date(record["time"]).when
        assert item.summary == " ".join(record["abstract"].split())


def test_rss_file_becomes_articles() -> None:
    records = _feed_records()
    items = list(read_path(FEED, settings=SETTINGS))
    assert [i.origin for i in items] == [f"{FEED}#{n}" for n in range(1, len(records) + 1)]
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


def _warc_files() -> list[str]:
    """The fixture pages the WARC holds, in record order (each response's URL is https://example.org/<file>)."""
    from warcio.archiveiterator import ArchiveIterator

    with HTML_WARC.open("rb") as fh:
        return [record.rec_headers.get_header("WARC-Target-URI").rsplit("/", 1)[1] for record in ArchiveIterator(fh)
                if record.rec_type == "response" and record.http_headers.get_header("Content-Type") == "text/html"]


def test_warc_of_real_pages() -> None:
    files = _warc_files()
    items = list(read_path(HTML_WARC, settings=SETTINGS))
    assert len(items) == len(files) == 3 and all(isinstance(i, Article) for i in items), items  # the image is skipped
    for item, file in zip(items, files, strict=True):
        assert _norm(item.title) == _norm(html_gold(file)["title"])
        assert item.url == f"https://example.org/{file}"
        assert re.fullmatch(rf"{re.escape(str(HTML_WARC))}#\d+", item.origin)


def test_zip_of_mixed_documents(tmp_path: Path) -> None:
    records = _ant(3)
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SEED, "pages/nas.txt")
        archive.writestr("pages/news.html", (HTML_PAGES / NEWS_PAGES[0]).read_bytes())
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
    (tmp_path / "a" / "b" / "page.html").write_bytes((HTML_PAGES / "bbc.com.52241221.html").read_bytes())
    (tmp_path / "a" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / ".hidden.txt").write_text("not a document")
    items = list(read_path(tmp_path, settings=SETTINGS))
    assert [Path(i.origin).name for i in items] == ["page.html", "seed.txt"]
    assert all(isinstance(i, Article) for i in items)


def test_visible_arabic_date_when_the_page_declares_none() -> None:
    record = _ant(1)[0]
    page = _arabic_page(record)
    # Neither the metadata nor the canonical URL (/2018/02/27/…) gives a date: only the text does.
    page = re.sub(r'<meta property="article:published_time"[^>]*>|<link rel="canonical"[^>]*>', "", page)
    page = page.replace("<article>", "<article><span class='date'>الأحد 18 شباط 2018 - 21:35</span>")
    (article,) = list(read_bytes(page.encode(), name="p.html", settings=SETTINGS))
    assert article.published_at == datetime(2018, 2, 18, 21, 35, tzinfo=UTC)
    assert article.published_precision == "minute"
    assert article.body.startswith(clean_body(record["text"])[:40])  # neither the date line nor the title


def test_warc_page_over_the_record_limit() -> None:
    import dataclasses

    sizes = [(HTML_PAGES / file).stat().st_size for file in _warc_files()]
    settings = dataclasses.replace(SETTINGS, max_record_bytes=max(sizes) - 1)
    items = list(read_bytes(HTML_WARC.read_bytes(), name="c.warc.gz", settings=settings))
    rejected = [i for i in items if isinstance(i, Reject)]
    assert len(items) == len(sizes) and len(rejected) == 1 and "over the limit" in rejected[0].reason


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


@pytest.mark.parametrize(
    "block",
    [
        b"[" * 100_000,  # unclosed: json recurses before it finds the array open (found by bench/fuzz_readers.py)
        b'{"a":' * 990,
        # well-formed, as deep as json reads: the walk over authors is as deep again
        b'{"@type": "NewsArticle", "author": ' + b"[" * 950 + b'{"name": "x"}' + b"]" * 950 + b"}",
    ],
    ids=["unclosed-arrays", "unclosed-objects", "deep-author"],
)
def test_json_ld_nested_too_deep_costs_only_itself(block: bytes) -> None:
    page = (HTML_PAGES / "cbsnews.com.carolina.html").read_bytes()
    start = page.index(b">", page.index(b"application/ld+json")) + 1
    damaged = page[:start] + block + page[page.index(b"</script>", start):]
    (article,) = list(read_bytes(damaged, name="page.html", settings=SETTINGS))
    assert isinstance(article, Article), article
    assert _norm(article.title) == _norm(html_gold("cbsnews.com.carolina.html")["title"])


def _english_page(*, head: str = "", top: str = "", paragraphs: int = 4) -> bytes:
    body = "".join(f"<p>The council voted on the budget on Monday, paragraph {i}, after a long debate about schools "
                   "and roads in the district.</p>" for i in range(paragraphs))
    return (f"<html><head><meta charset='utf-8'>{head}</head><body><header>{top}</header>"
            f"<article><h2>Council passes the budget after long debate</h2>{body}</article></body></html>").encode()


def test_site_logo_heading_is_not_the_headline() -> None:
    # politico.com (a page of the shared HTML set; this test builds its own copy): the logo <h1> and a section <h2> carry the site's name, which every declared
    # title ends with; the headline itself is not among the first headings.
    head = ('<title>Council passes the budget after long debate - POLITICO</title><meta property="og:site_name" '
            'content="POLITICO"><meta property="og:title" content="Council passes the budget after long debate">')
    page = _english_page(head=head, top="<h1>POLITICO</h1><h2>POLITICO LIVE</h2>")
    (article,) = list(read_bytes(page.replace(b"<h2>Council", b"<div>Council").replace(b"debate</h2>", b"debate</div>"),
                                 name="p.html", settings=SETTINGS))
    assert article.title == "Council passes the budget after long debate"


@pytest.mark.parametrize(
    ("shown", "when", "tz", "precision"),
    [
        # pagesix.com (a page of the shared HTML set): 02:25Z on the 25th is the evening of the 24th in New York.
        ("February 24, 2020", datetime(2020, 2, 24, tzinfo=UTC), "", "day"),
        ("February 24, 2020 9:25 pm", datetime(2020, 2, 25, 2, 25, tzinfo=UTC), "-05:00", "minute"),
        # the same day, or a day the instant cannot fall on anywhere: the declared instant stands.
        ("February 25, 2020", datetime(2020, 2, 25, 2, 25, 54, tzinfo=UTC), "+00:00", "second"),
        ("February 26, 2020", datetime(2020, 2, 25, 2, 25, 54, tzinfo=UTC), "+00:00", "second"),
    ],
)
def test_declared_utc_instant_on_the_publishers_day(shown: str, when: datetime, tz: str, precision: str) -> None:
    head = ('<title>Council passes the budget after long debate</title>'
            '<meta property="article:published_time" content="2020-02-25T02:25:54Z">')
    page = _english_page(head=head, top=f"<span>{shown}</span>")
    (article,) = list(read_bytes(page, name="p.html", settings=SETTINGS))
    assert (article.published_at, article.published_tz, article.published_precision) == (when, tz, precision)


@pytest.mark.parametrize(
    ("body", "paragraph_chars", "missed"),
    [
        ("A teaser of forty characters, no more...", 5000, True),  # vergleich.de: 278 of ~9,700 characters
        ("x" * 3000, 5000, False),
        ("| Su | Mo | Tu | We | Th | Fr | Sa | | 1 | 2 | 3 |", 0, True),  # villacc.de: a calendar table
        ("Shares rose 3% | Reuters reported on Monday that trading was heavy.", 0, False),
        ("", 0, False),
    ],
)
def test_fast_pass_missed_the_article(body: str, paragraph_chars: int, missed: bool) -> None:
    from marsad.ingest.readers.html import _missed_article

    assert _missed_article(body, paragraph_chars) is missed


HTML_AR = Path(__file__).parent / "fixtures" / "html_ar"
AR_GOLD = list(json.loads((HTML_AR / "gold.json").read_text(encoding="utf-8")).values())


@pytest.mark.parametrize("gold", AR_GOLD, ids=[g["file"] for g in AR_GOLD])
def test_arabic_outlet_page_exactly(gold: dict) -> None:
    (article,) = list(read_path(HTML_AR / "pages" / gold["file"], settings=SETTINGS))
    assert article.title == gold["title"]
    assert article.body == gold["body"]  # every paragraph, nothing else (no comment notices, no related titles)
    assert (article.published_at.date().isoformat(), article.published_precision) == (gold["date"], "day")
    assert article.canonical_url == gold["url"]
    assert article.dateline == gold["dateline"]


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html", "2013-08-03"),
        ("https://pagesix.com/2020/02/24/former-wh-press-secretary/", "2020-02-24"),
        ("https://example.org/2020/13/45/x/", ""),  # no such day
        ("https://example.org/news/12345/story", ""),
        ("https://example.org/2020/politics/world/02/24/x/", ""),  # two sections: not a date path we trust
    ],
)
def test_url_day(url: str, day: str) -> None:
    from marsad.ingest.readers.html import url_day

    assert url_day(url) == day


def test_update_stamp_of_another_day_does_not_replace_the_url_day() -> None:
    # The CNN Arabic page shows only "last updated Sunday 4 August 02:21 (GMT+0400)"; its URL files it on the 3rd.
    page = (HTML_AR / "pages" / AR_GOLD[0]["file"]).read_text(encoding="utf-8")
    same_day = page.replace("الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21", "السبت، 03 آب/اغسطس 2013، 21:10")
    (article,) = list(read_bytes(same_day.encode(), name="p.html", settings=SETTINGS))
    assert (article.published_at, article.published_tz) == (datetime(2013, 8, 3, 17, 10, tzinfo=UTC), "+04:00")
