"""Interface strings: both languages everywhere, RTL rules."""

import re

import pytest

from marsad.ui import i18n
from marsad.ui.navigation import PAGES


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key):
    entry = i18n.STRINGS[key]
    assert set(entry) == set(i18n.UI_LANGS)
    assert all(entry[lang].strip() for lang in i18n.UI_LANGS)
    fields = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in i18n.UI_LANGS}
    assert fields["en"] == fields["ar"]


def test_arabic_strings_are_arabic():
    assert re.search("[\u0600-\u06ff]", i18n.t("page_overview", "ar"))
    assert i18n.t("page_overview", "en") == "Overview"


@pytest.mark.parametrize(("value", "expected"), [("ar", "ar"), ("en", "en"), ("fr", "en"), (None, "en"), ("", "en")])
def test_as_ui_lang(value, expected):
    assert i18n.as_ui_lang(value) == expected


def test_layout_css_rtl_only_for_arabic():
    assert "[data-testid='stMain'] .block-container, [data-testid='stSidebarContent'] { direction: rtl" in i18n.layout_css("ar")
    assert "stMain" not in i18n.layout_css("en")
    assert "marsad-rtl" in i18n.layout_css("en")  # article text is rtl whatever the interface language


def test_every_page_has_a_title_and_a_script():
    for page in PAGES:
        assert page.title_key in i18n.STRINGS
        assert page.path.endswith(".py")


def test_labels_keep_their_direction_in_plotly():
    """Plotly's SVG lays labels out left to right: an Arabic label is wrapped in RLI…PDI, its dates in LRI…PDI."""
    assert i18n.in_direction("abc", "en") == "abc"
    assert i18n.in_direction("لا مقالات", "ar") == "\u2067لا مقالات\u2069"
    assert i18n.ltr_isolate("1987-11") == "\u20661987-11\u2069"


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 0, "0 results"), ("en", 1, "1 result"), ("en", 2, "2 results"), ("en", 1200, "1,200 results"),
    ("ar", 0, "لا نتائج"), ("ar", 1, "نتيجة واحدة"), ("ar", 2, "نتيجتان"),
    ("ar", 3, "3 نتائج"), ("ar", 10, "10 نتائج"),  # few: the noun in the plural
    ("ar", 11, "11 نتيجة"), ("ar", 99, "99 نتيجة"),  # many: the noun in the singular
    ("ar", 100, "100 نتيجة"), ("ar", 103, "103 نتائج"), ("ar", 1011, "1,011 نتيجة"),
    ("fr", 1, "1 result"),  # an unknown interface language falls back to English
])
def test_counts_follow_each_languages_plural_rules(lang, n, expected):
    assert i18n.plural("n_results", lang, n) == expected


@pytest.mark.parametrize("key", sorted(i18n.PLURALS))
@pytest.mark.parametrize("lang", i18n.UI_LANGS)
def test_every_count_string_has_each_plural_form_of_its_language(key, lang):
    from babel import Locale

    categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
    forms = i18n.PLURALS[key][lang]
    assert set(forms) == categories
    assert all(set(re.findall(r"{(\w+)}", text)) <= {"n"} for text in forms.values())
    assert "{n}" in forms["other"]
