"""The labels the dashboard and the briefings share: both languages, and neither table redefines one."""

import re

import pytest

from marsad.report import strings as report_strings
from marsad.ui import i18n
from marsad.wording import SHARED


@pytest.mark.parametrize("key", sorted(SHARED))
def test_both_languages_and_arabic_in_arabic(key):
    entry = SHARED[key]
    assert set(entry) == {"en", "ar"} and all(v.strip() for v in entry.values())
    assert re.search("[\u0600-\u06ff]", entry["ar"]) and not re.search("[\u0600-\u06ff]", entry["en"])


@pytest.mark.parametrize("table", [i18n.STRINGS, report_strings.STRINGS], ids=["ui", "report"])
@pytest.mark.parametrize("key", sorted(SHARED))
def test_a_shared_label_is_not_redefined(table, key):
    # A later entry of the same key in either table would silently replace the shared wording.
    assert table[key] is SHARED[key]

