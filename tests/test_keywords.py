"""Keywords: YAKE with extended stoplists; no stopword or boilerplate among them on the seed."""

from __future__ import annotations

import re

import pytest
from conftest import REUTERS_SAMPLE, SEED, read_records

from marsad.nlp.keywords import acceptable, boilerplate, extract_keywords, stopwords
from marsad.text.normalize import is_arabic, normalize

WORD = re.compile(r"[\w\u0600-\u06ff]+")


def seed_body() -> str:
    text = SEED.read_text(encoding="utf-8")
    return text[text.index("وجّه رئيس الحكومة") :]


def check_clean(keywords: list[tuple[str, float]], lang: str) -> None:
    stops = stopwords(lang)
    single, phrases = boilerplate()
    for phrase, score in keywords:
        words = WORD.findall(normalize(phrase))
        assert words[0] not in stops and words[-1] not in stops, phrase
        assert not any(w in single for w in words), phrase
        assert not any(p in normalize(phrase) for p in phrases), phrase
        assert 0 < score <= 1


@pytest.mark.parametrize("word", ["إلى", "يتم", "وأكد", "طريق", "الجمعة", "أيلول", "عقب", "the", "de"])
def test_extended_stoplists(word):
    assert normalize(word) in stopwords("ar") | stopwords("en") | stopwords("fr")


def test_seed_keywords_are_clean_and_on_topic():
    keywords = extract_keywords(seed_body(), "ar")
    assert 5 <= len(keywords) <= 10
    check_clean(keywords, "ar")
    assert all(is_arabic(k) for k, _ in keywords)
    joined = " ".join(normalize(k) for k, _ in keywords)
    assert "الحدود" in joined and "قياده العمليات المشتركه" in joined
    assert [s for _, s in keywords] == sorted((s for _, s in keywords), reverse=True)


def test_raw_seed_page_keywords_have_no_menu_lines():
    keywords = extract_keywords(SEED.read_text(encoding="utf-8"), "ar")
    check_clean(keywords, "ar")
    assert not any(w in k.lower() for k, _ in keywords for w in ("store", "icon", "shadow", "play"))


def test_no_near_repeats():
    keywords = [normalize(k) for k, _ in extract_keywords(seed_body(), "ar")]
    assert len(set(keywords)) == len(keywords)
    assert not any(a != b and a in b for a in keywords for b in keywords)


def test_english_reuters_keywords():
    for body in [r["body"] for r in read_records(REUTERS_SAMPLE, 5)]:
        keywords = extract_keywords(body, "en")
        assert keywords
        check_clean(keywords, "en")


@pytest.mark.parametrize(
    ("phrase", "lang", "ok"),
    [
        ("قيادة العمليات", "ar", True),
        ("إلى الحدود", "ar", False),
        ("الحدود عن", "ar", False),
        ("Play store icon", "ar", False),
        ("تحميل أحدث نسخة", "ar", False),
        ("2020", "ar", False),
        ("cocoa zone", "en", True),
        ("the cocoa", "en", False),
    ],
)
def test_acceptable(phrase, lang, ok):
    assert acceptable(phrase, lang) is ok


@pytest.mark.parametrize("body", ["", "   ", "12 34 ...", "###"])
def test_empty_input(body):
    assert extract_keywords(body, "ar") == []
