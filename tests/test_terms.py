"""Search keys (marsad.text.terms): what the index stores for one written word."""

import pytest

from marsad.text.terms import inflection_stem, s_stem, search_key, search_keys, search_spans


@pytest.mark.parametrize(
    "word, key",
    [
        ("الحُدود", "حدود"),
        ("وبالحدود", "حدود"),
        ("للحدود", "للحدود"),  # لل is left to the vocabulary: للبنان is ل + لبنان
        ("بسوريا", "بسوريا"),  # single-letter proclitics too
        ("الله", "الله"),  # not ال + له
        ("إلى", "الي"),
        ("Migrants", "migrant"),
        ("countries", "country"),
        ("taxes", "tax"),
        ("news", "news"),
        ("crisis", "crisis"),
        ("٢٠٢٠", "2020"),
        ("", ""),
    ],
)
def test_search_key(word, key):
    assert search_key(word) == key


def test_prefix_keys_keep_plurals():
    assert search_key("Migrants", stem=False) == "migrants"


@pytest.mark.parametrize("word, singular", [("ponies", "pony"), ("boxes", "box"), ("cars", "car"), ("bus", "bus")])
def test_s_stem(word, singular):
    assert s_stem(word) == singular


@pytest.mark.parametrize(
    "key, stem", [("لاجئين", "لاجئ"), ("حكومات", "حكوم"), ("حكومه", "حكوم"), ("حسين", "حسين"), ("لبنان", "لبنان")]
)
def test_inflection_stem(key, stem):
    assert inflection_stem(key) == stem


def test_spans_split_hashtags_and_keep_offsets():
    text = "#محمد_بن_سلمان في الرياض"
    spans = search_spans(text)
    assert [k for *_, k in spans] == ["محمد", "بن", "سلمان", "في", "رياض"]
    assert [text[s:e] for s, e, _ in spans] == ["محمد", "بن", "سلمان", "في", "الرياض"]
    assert search_spans("،، — !") == []


@pytest.mark.parametrize("text", [
    "وبالحدود السورية العراقية، قال المسؤولون إنّ الحدود مغلقة",
    "#محمد_بن_سلمان يلتقي __ _x_ a__b في 2020",
    "The ministries' reports: 3 universities, Texas and Paris",
    "",
])
def test_search_keys_are_the_keys_of_search_spans(text):
    assert search_keys(text) == [key for _, _, key in search_spans(text)]
