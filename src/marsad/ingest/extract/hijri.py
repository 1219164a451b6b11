"""Hijri (Islamic lunar calendar) dates in Arab outlets' text, converted to Gregorian days.

Gulf and other outlets print "8 صفر 1442 هـ", "1442/02/08 هـ" or "12/2/1439هـ", often beside the Gregorian date
("10 شوال 1439 هـ (24 يونيو 2018)"). The conversion uses the Umm al-Qura calendar (``hijridate``, MIT), the civil
calendar Saudi Arabia publishes; countries that start months by moon sighting can differ from it by a day, which
is why marsad.ingest.extract.dates reads a Gregorian date printed beside a Hijri one first and converts the Hijri
date only when it stands alone.

Strings here are already in the dates module's normalised form (``normalize_arabic``, lower case): no tatweel, so
"هـ" is "ه"; "جمادى الآخرة" is "جمادي الاخره"; digits are ASCII.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from hijridate import Hijri

from marsad.text.normalize import normalize_arabic

LOGGER = logging.getLogger(__name__)

# Hijri years on today's pages (1300 AH = 1882 CE, 1500 AH = 2077 CE): a four-digit year in this range beside a
# day and a month is Hijri, never a Gregorian date from the 14th or 15th century.
HIJRI_YEARS = range(1300, 1500)

_MONTHS_RAW: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع أول"),
    4: ("ربيع الآخر", "ربيع الثاني", "ربيع آخر", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادى أولى"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر", "جمادى الثاني", "جمادى ثانية"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة", "ذا القعدة"),
    12: ("ذو الحجة", "ذي الحجة", "ذا الحجة"),
}
MONTHS = {normalize_arabic(name): month for month, names in _MONTHS_RAW.items() for name in names}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_YEAR = r"(?P<y>1[34]\d\d)(?!\d)"
# The era mark after the year: "هـ" (normalised "ه"), "هجري", "هجريه", "للهجره".
_ERA = r"(?:\s*(?:ه(?:جريه?)?|للهجره)(?![^\W\d_]))?"
# "8 صفر 1442 هـ", "29 من شهر شعبان 1438 هـ", "الخميس 20 رمضان 1438".
_WORDY = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<mon>{_MONTH_ALT})\s*[,،]?\s*(?:(?:من\s+)?(?:عام|سنه)\s+)?{_YEAR}{_ERA}"
)
# "1442/02/08", "12/2/1439هـ", "30 / 9 / 1439هـ" (slashes, dots or hyphens; spaces around them as printed).
_NUMERIC = re.compile(
    r"(?<!\d)(?:(?P<y1>1[34]\d\d)\s*(?P<s1>[/.-])\s*(?P<m1>\d{1,2})\s*(?P=s1)\s*(?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})\s*(?P<s2>[/.-])\s*(?P<m2>\d{1,2})\s*(?P=s2)\s*(?P<y2>1[34]\d\d))(?!\d)" + _ERA
)


@dataclass(frozen=True)
class HijriDate:
    """A Hijri date found in a string, and where (``span``, to find a clock time beside it)."""

    year: int
    month: int
    day: int
    span: tuple[int, int]


def find_hijri(raw: str) -> HijriDate | None:
    """The first Hijri day-month-year in ``raw`` (normalised as the dates module does), written with a Hijri
    month name or as numbers with a Hijri-range year; None when there is none."""
    found = []
    match = _WORDY.search(raw)
    if match:
        found.append(HijriDate(int(match["y"]), MONTHS[match["mon"]], int(match["d"]), match.span()))
    match = _NUMERIC.search(raw)
    if match:
        if match["y1"]:
            year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
        else:
            year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
        found.append(HijriDate(year, month, day, match.span()))
    found = [h for h in found if h.year in HIJRI_YEARS]
    return min(found, key=lambda h: h.span[0]) if found else None


def to_gregorian(date: HijriDate) -> datetime | None:
    """The Gregorian day (naive, 00:00) of ``date`` in the Umm al-Qura calendar; None for a year the calendar
    does not cover (before 1343 AH = 1924 CE). Raises ValueError for a day or month that does not exist
    (30 in a 29-day month, month 13)."""
    try:
        day = Hijri(date.year, date.month, date.day).to_gregorian()
    except OverflowError:
        LOGGER.debug("Hijri year %d is outside the Umm al-Qura tables: left unparsed", date.year)
        return None
    return datetime(day.year, day.month, day.day)
