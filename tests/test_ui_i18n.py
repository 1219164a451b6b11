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
    assert i18n.t("results", "ar", n=3) == "3 نتيجة"


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
