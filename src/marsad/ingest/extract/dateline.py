"""Datelines and bylines: "بغداد – ناس", "القاهرة - أحمد الريدي", "SALVADOR, Feb 26 -", "LONDON (Reuters) -".

A dateline names the place the story was filed from and often the outlet or reporter. The place is what the
article's ``dateline`` field keeps; the other half becomes the outlet (when it is a known outlet or the line is a
bare "place – outlet" dateline) or the author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.ingest.extract.sources import clean_name, is_known_outlet
from marsad.text.normalize import normalize

# Exports repeat the same bylines ("أبوظبي - سكاي نيوز عربية" on 13,708 ANT records): parse each once.
BYLINE_CACHE_SIZE = 16384
# A place name in a dateline is short: "أبوظبي", "الدار البيضاء", "NEW YORK", "SAN JOSE, Costa Rica".
MAX_PLACE_WORDS = 3
# The other half of a dateline is an outlet or a reporter's name, never a sentence.
MAX_BYLINE_WORDS = 5
# "place - name" separators: a dash with a space on at least one side (UUIDs and hyphenated words have none),
# the en/em dash, or the Arabic tatweel used as a dash ("دبي ـ العربية.نت").
_SEPARATOR = re.compile(r"\s+[-–—ـ]\s*|\s*[–—ـ]\s+|(?<=[\u0600-\u06ff])-\s+")
# Words that mark the left half as an outlet/agency or a desk, not a place.
_NOT_PLACE_WORDS = frozenset(
    normalize(w)
    for w in ("وكالات", "وكالة", "قناة", "موقع", "مراسل", "مراسلة", "خاص", "متابعات", "نت", "agencies", "staff", "by")
)
# Wire datelines: "SALVADOR, Feb 26 -", "PORTLAND, Ore., Feb 26 -", "NEW YORK -": the city is the first part.
_REUTERS_DATELINE = re.compile(r"^\s*(?P<place>[A-Za-z][A-Za-z .'&/-]*?[A-Za-z.])\s*(?:,[^\n]{0,40})?-?\s*$")
# "LONDON (Reuters) -" / "بيروت (رويترز) -" at the start of a body: place, agency in brackets, a dash (CNN's
# "دمشق، سوريا (CNN) --" doubles it).
_LEAD_DATELINE = re.compile(r"^\s*(?P<place>[^\s()\-–—][^()\n]{0,40}?)\s*\((?P<agency>[^()\n]{2,40})\)\s*[-–—ـ]{1,2}\s+")


# Dateline places → time zone, for pages that print a local time without an offset ("2020.09.25 - 21:32" in a
# Baghdad dateline is 18:32 UTC). Capitals and big cities of the region; ambiguous names (عمان = Amman/Oman,
# طرابلس = Tripoli in Libya or Lebanon) are left out on purpose.
PLACE_ZONES: dict[str, str] = {
    normalize(place): zone
    for zone, places in {
        "Asia/Baghdad": ("بغداد", "البصرة", "الموصل", "أربيل", "السليمانية", "كركوك", "النجف", "كربلاء", "الأنبار", "Baghdad", "Basra", "Mosul", "Erbil"),
        "Asia/Damascus": ("دمشق", "حلب", "حمص", "اللاذقية", "Damascus", "Aleppo"),
        "Asia/Beirut": ("بيروت", "Beirut"),
        "Asia/Amman": ("Amman",),
        "Asia/Jerusalem": ("القدس", "تل أبيب", "Jerusalem", "Tel Aviv"),
        "Asia/Gaza": ("غزة", "رام الله", "Gaza", "Ramallah"),
        "Africa/Cairo": ("القاهرة", "الإسكندرية", "Cairo", "Alexandria"),
        "Asia/Riyadh": ("الرياض", "جدة", "مكة", "المدينة المنورة", "Riyadh", "Jeddah"),
        "Asia/Dubai": ("دبي", "أبوظبي", "أبو ظبي", "الشارقة", "Dubai", "Abu Dhabi"),
        "Asia/Qatar": ("الدوحة", "Doha"),
        "Asia/Kuwait": ("الكويت", "Kuwait"),
        "Asia/Bahrain": ("المنامة", "Manama"),
        "Asia/Muscat": ("مسقط", "Muscat"),
        "Asia/Aden": ("صنعاء", "عدن", "Sanaa", "Aden"),
        "Africa/Khartoum": ("الخرطوم", "Khartoum"),
        "Africa/Tunis": ("تونس", "صفاقس", "سوسة", "Tunis"),
        "Africa/Algiers": ("الجزائر", "Algiers"),
        "Africa/Casablanca": ("الرباط", "الدار البيضاء", "Rabat", "Casablanca"),
        "Asia/Tehran": ("طهران", "Tehran"),
        "Europe/Istanbul": ("أنقرة", "إسطنبول", "Ankara", "Istanbul"),
        "Europe/London": ("لندن", "London"),
        "Europe/Paris": ("باريس", "Paris"),
        "America/New_York": ("واشنطن", "نيويورك", "Washington", "New York"),
        "Europe/Moscow": ("موسكو", "Moscow"),
    }.items()
    for place in places
}


def zone_for_place(place: str) -> str:
    """The IANA time zone of a dateline place we know ("" otherwise)."""
    return PLACE_ZONES.get(normalize(place), "")


_LATIN = re.compile(r"[A-Za-z]")
_BRACKETS = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Dateline:
    place: str = ""
    outlet: str = ""  # the outlet named in the dateline (a known outlet, or the second half of "place – outlet")
    author: str = ""  # a reporter's name in a byline


@lru_cache(maxsize=BYLINE_CACHE_SIZE)
def split_byline(text: str, *, bare_outlet: bool = False) -> Dateline:
    """Split "PLACE - outlet/reporter" (ANT author fields, plain-text datelines).

    ``bare_outlet``: the line stands alone under the title (a dateline of the page), so an unknown right half is
    the outlet; in an author field it is the reporter.
    """
    text = " ".join(str(text or "").split())
    if not text:
        return Dateline()
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2:
        # "سانتا مونيكا (الولايات المتحدة)": the city, without the country in brackets.
        # "دبي، الإمارات العربية" / "سيؤول، كوريا الجنوبية": the city, without the country after the comma.
        left, right = clean_name(re.split(r"\s*[،,]\s*", _BRACKETS.sub(" ", parts[0]))[0]), clean_name(parts[1])
        if _is_place(left) and 0 < len(right.split()) <= MAX_BYLINE_WORDS:
            outlet, author = _outlet_or_author(right, bare_outlet=bare_outlet)
            return Dateline(place=left, outlet=outlet, author=author)
        if _is_outlet(left):
            return Dateline(outlet=left, author="" if _is_outlet(right) else right)
    name = clean_name(text)
    if _is_outlet(name):
        return Dateline(outlet=name)
    for part in re.split(r"\s*[،,]\s*", name):
        if _is_outlet(part):
            return Dateline(outlet=part)
    return Dateline(author=name if len(name.split()) <= MAX_BYLINE_WORDS and not re.search(r"\d", name) else "")


@lru_cache(maxsize=BYLINE_CACHE_SIZE)
def dateline_place(text: str) -> str:
    """The place of a dateline field: "SALVADOR, Feb 26 -", "بغداد – ناس" or a bare place name ("بغداد")."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    place = reuters_dateline(text) or split_byline(text, bare_outlet=True).place
    if place:
        return place
    name = clean_name(text)
    return name if _is_place(name) else ""


def reuters_dateline(text: str) -> str:
    """The place of a wire dateline such as "SALVADOR, Feb 26 -" ("" when it is not one)."""
    match = _REUTERS_DATELINE.match(str(text or ""))
    return clean_name(match["place"]) if match else ""


def lead_dateline(body: str) -> Dateline:
    """A dateline opening the body ("LONDON (Reuters) - ..."), or an empty one."""
    match = _LEAD_DATELINE.match(body[:120])
    if not match or len(match["place"].split()) > MAX_PLACE_WORDS:
        return Dateline()
    if _LATIN.search(match["place"]) and match["place"] != match["place"].upper():
        return Dateline()  # Latin-script datelines are capitals ("AUSTIN (KXAN) —"); "The pound (sterling) -" is prose
    return Dateline(place=clean_name(match["place"]), outlet=clean_name(match["agency"]))


def _outlet_or_author(right: str, *, bare_outlet: bool) -> tuple[str, str]:
    if _is_outlet(right) or bare_outlet:
        return right, ""
    # "outlet/reporter" and "reporter، outlet" carry both.
    for sep in ("/", "،", ","):
        if sep in right:
            a, b = (clean_name(x) for x in right.split(sep, 1))
            if _is_outlet(a):
                return a, b
            if _is_outlet(b):
                return b, a
    return "", right


def _is_outlet(name: str) -> bool:
    return is_known_outlet(name)


def _is_place(text: str) -> bool:
    """Could ``text`` be the place of a dateline? Arabic names and places look alike, so any short phrase
    that is not an outlet or desk will do (ANT's "القاهرة - أحمد الريدي"); in Latin script a place is written
    in capitals ("SALVADOR") or is one we know ("London"), so "John Smith - Jane Doe" stays two names."""
    words = text.split()
    if not 0 < len(words) <= MAX_PLACE_WORDS or re.search(r"[\d@#]", text) or _is_outlet(text):
        return False
    if any(normalize(w).strip(".") in _NOT_PLACE_WORDS or ".نت" in w for w in words):
        return False
    return not _LATIN.search(text) or text == text.upper() or bool(zone_for_place(text))
