"""Plain-text scraped pages: the seed page exactly, and renderings of real ANT/Reuters records for generality."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, JAWHARAFM_SAMPLE, REUTERS_SAMPLE, SEED, read_records

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.extract import clean_body, clean_title, parse_date
from marsad.ingest.readers import read_bytes, read_path
from marsad.ingest.readers.text import article_from_text
from marsad.models import Article

SETTINGS = Settings()


@pytest.fixture(scope="module")
def seed() -> Article:
    (article,) = list(read_path(SEED, settings=SETTINGS))
    assert isinstance(article, Article)
    return article


def test_seed_metadata(seed: Article) -> None:
    assert seed.title == "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"
    assert seed.published_at == datetime(2020, 9, 25, 18, 32, tzinfo=UTC)  # 21:32 in Baghdad (UTC+3)
    assert (seed.published_tz, seed.published_precision) == ("+03:00", "minute")
    assert (seed.dateline, seed.source, seed.source_name) == ("بغداد", "ناس", "ناس")
    assert seed.origin == str(SEED)
    assert seed.date_note == ""


def test_seed_body_is_exactly_the_article_paragraphs(seed: Article) -> None:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")]
    first = next(i for i, line in enumerate(lines) if line.startswith("وجّه رئيس الحكومة"))
    expected = [" ".join(line.replace("\u00a0", " ").split()) for line in lines[first:]]
    expected = [line for line in expected if line]
    paragraphs = seed.body.split("\n\n")
    assert paragraphs == expected
    assert paragraphs[-1].startswith('ويسعى "داعش" كذلك')
    assert len(paragraphs) == 22


@pytest.mark.parametrize(
    "chrome",
    ["Shadow Shadow", "كـل الأخبار", "App store icon Play store icon", "كاميرات حرارية وبناء أسيجة", "بغداد – ناس",
     "2020.09.25 - 21:32"],
)
def test_seed_navigation_and_metadata_lines_are_not_body(seed: Article, chrome: str) -> None:
    assert chrome not in seed.body.split("\n\n")
    assert seed.title not in seed.body


def _render(title: str, date: str, body: str, *, dateline: str = "") -> str:
    """A page as a scraper saves it: menus, the title, the time, perhaps a dateline, paragraphs, app-store line."""
    lines = ["Shadow Shadow", "كـل الأخبار", "", title, "", date, ""]
    if dateline:
        lines += [dateline, ""]
    for paragraph in body.split("\n\n"):
        lines += [paragraph, ""]
    return "\n".join([*lines, "App store icon Play store icon", "© جميع الحقوق محفوظة"])


def _sample(path: Path, fields: tuple[str, str, str], n: int) -> list[tuple[str, str, str]]:
    """About ``n`` records spread over the whole file, as (title, date, body)."""
    out = []
    records = read_records(path)
    for record in records[:: max(1, len(records) // n)][:n]:
        title, date, body = (record[f] or "" for f in fields)
        body = clean_body(body)
        paragraphs = body.split("\n\n")
        # Prose stories only: Reuters also has one-line earnings tables, which are not what a scraped page holds.
        if title and body and len(paragraphs[0].split()) >= 15 and len(paragraphs[-1].split()) >= 6:
            out.append((clean_title(title), date, body))
    return out


@pytest.mark.parametrize(
    ("sample", "fields", "min_share"),
    [
        (ANT_SAMPLE, ("title", "time", "text"), 0.95),
        (JAWHARAFM_SAMPLE, ("title", "time", "text"), 0.95),
        (REUTERS_SAMPLE, ("title", "date", "body"), 0.9),
    ],
    ids=["ant_v2.1", "ant_v1.1_jawharafm", "reuters"],
)
def test_renderings_of_real_records(sample: Path, fields: tuple[str, str, str], min_share: float) -> None:
    samples = _sample(sample, fields, n=40)
    assert len(samples) >= 20
    exact = 0
    for title, date, body in samples:
        article = article_from_text(_render(title, date, body), name="page.txt")
        assert article.published_at == parse_date(date).when
        exact += article.title == title and article.body == body
    assert exact >= min_share * len(samples)


def test_dateline_with_outlet_in_a_rendered_page() -> None:
    title, date, body = _sample(ANT_SAMPLE, ("title", "time", "text"), n=3)[0]
    article = article_from_text(_render(title, "2018.02.18 - 21:35", body, dateline="القاهرة – العربية.نت"), name="p")
    assert (article.dateline, article.source, article.title) == ("القاهرة", "alarabiya.net", title)
    assert article.published_tz == "+02:00"  # Cairo in February


def test_source_override_and_undated_page() -> None:
    text = "عنوان الخبر المهم اليوم\n\n" + "هذه فقرة طويلة بما يكفي لتكون نص المقال الأساسي وفيها كلمات كثيرة جدا. " * 3
    (article,) = list(read_bytes(text.encode(), name="x.txt", settings=SETTINGS, source="Alarabia"))
    assert article.source == "alarabiya.net" and article.title == "عنوان الخبر المهم اليوم"
    assert article.published_at is None and article.date_note == ""


def test_page_without_paragraphs_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="no article text"):
        article_from_text("Shadow Shadow\nكـل الأخبار\nرياضة\nاقتصاد", name="menu.txt")


@pytest.mark.parametrize(
    ("page", "title", "place", "source", "tz"),
    [
        (
            "Skip to main content\nHome | World | Business\nIraq orders tighter security on Syrian border\n"
            "September 25, 2020 9:32 PM\nBAGHDAD (Reuters) - Iraq's prime minister on Friday ordered the joint "
            "operations command to finish securing the border with Syria, after international warnings.\n"
            "A military spokesman said coordination took place through a joint security centre in Baghdad.\n"
            "Reporting by Ahmed Rasheed; Editing by Jane Doe\nShare this article\n",
            "Iraq orders tighter security on Syrian border", "BAGHDAD", "reuters.com", "+03:00",
        ),
        (
            "الرئيسية\nسياسة\nالجمعة 25 أيلول 2020 - 21:32\nعقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود\n"
            "بيروت (رويترز) - وجّه رئيس الحكومة اليوم الجمعة قيادة العمليات المشتركة بضرورة إنهاء ملف أمن الحدود "
            "وذلك عقب تحذيرات دولية.\nوقال المتحدث إن التنسيق مع الجانب السوري يتم عن طريق المركز الأمني المشترك.\n"
            "اقرأ أيضاً\nمواضيع ذات صلة\n",
            "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود", "بيروت", "reuters.com", "+03:00",
        ),
    ],
    ids=["english-wire-page", "arabic-date-above-title"],
)
def test_other_layouts(page: str, title: str, place: str, source: str, tz: str) -> None:
    article = article_from_text(page, name="p.txt")
    assert (article.title, article.dateline, article.source, article.published_tz) == (title, place, source, tz)
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 2 and not any(p.startswith(("Reporting by", "Share", "اقرأ", "مواضيع")) for p in paragraphs)


@pytest.mark.parametrize("codec", ["cp1256", "utf-16", "utf-8-sig"])
def test_seed_in_other_encodings(tmp_path: Path, seed: Article, codec: str) -> None:
    path = tmp_path / f"seed-{codec}.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(codec))
    (article,) = list(read_path(path, settings=SETTINGS))
    assert (article.title, article.body, article.published_at) == (seed.title, seed.body, seed.published_at)


def test_breadcrumb_above_the_title_is_not_a_dateline() -> None:
    paragraph = "وجّه رئيس الحكومة اليوم الجمعة قيادة العمليات المشتركة بضرورة إنهاء ملف أمن الحدود عقب تحذيرات دولية."
    page = f"الرئيسية - سياسة\nالكاظمي يوجه بتأمين الحدود مع سوريا\n2020.09.25 - 21:32\n{paragraph}\n{paragraph}\n"
    article = article_from_text(page, name="x.txt")
    assert (article.title, article.dateline, article.source) == ("الكاظمي يوجه بتأمين الحدود مع سوريا", "", "")
    assert article.published_tz == "" and article.published_precision == "minute"  # no place: zone unknown, UTC


def test_title_next_to_the_date_beats_a_longer_teaser() -> None:
    paragraph = "وجّه رئيس الحكومة اليوم الجمعة قيادة العمليات المشتركة بضرورة إنهاء ملف أمن الحدود عقب تحذيرات دولية."
    teaser = "مقتل ثلاثة أشخاص وإصابة عشرة آخرين في حادث سير مروع على الطريق الدولي السريع"
    page = f"{teaser}\nالكاظمي يوجّه بتأمين الحدود\n2020.09.25 - 21:32\n{paragraph}\n{paragraph}\n"
    assert article_from_text(page, name="x.txt").title == "الكاظمي يوجّه بتأمين الحدود"


def test_hard_wrapped_wire_copy_is_unwrapped() -> None:
    import textwrap

    samples = _sample(REUTERS_SAMPLE, ("title", "date", "body"), n=40)[:10]
    for title, date, body in samples:
        wrapped = "\n\n".join(textwrap.fill(paragraph, width=70, break_on_hyphens=False) for paragraph in body.split("\n\n"))
        article = article_from_text(f"{title}\n{date}\n\n{wrapped}\n", name="wire.txt")
        assert (article.title, article.body) == (title, body)


def test_wire_table_under_a_date_line_is_an_article() -> None:
    body = "Shr 17 cts vs 18 cts\n\nNet 1,232,000 vs 834,000\n\nSales 24.1 mln vs 20.9 mln"
    article = article_from_text(_render("ACME CORP <ACM> 4TH QTR NET", "2-MAR-1987 03:58:32.30", body), name="t.txt")
    assert (article.title, article.body) == ("ACME CORP <ACM> 4TH QTR NET", body)
    assert article.published_at == datetime(1987, 3, 2, 3, 58, 32, tzinfo=UTC)
