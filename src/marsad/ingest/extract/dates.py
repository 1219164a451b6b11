"""Publication dates from the strings news material really carries.

Fast explicit formats first (RFC-822, ISO 8601 incl. the basic ``T185600`` form, dd/mm/yyyy, dotted
``2020.09.25 - 21:32``, Reuters ``26-FEB-1987 15:01:01.79``, Arabic and English month names with Eastern Arabic
digits, then Hijri dates converted to Gregorian — marsad.ingest.extract.hijri — when no Gregorian date is beside them); ``dateparser`` only as a cached fallback, because it costs milliseconds per call and returns None for the
Levantine/Iraqi month names anyway. A date in the future or before 1900 is not a publication date: it is dropped
with a note, and a missing date stays missing (never the ingest time).

Never guessed:
- an impossible date in a format we recognise (2020-13-45T99:99:99Z, 31/02/2020, "Mon, 32 Jan 2020") is undated
  with the note "impossible date …", and no other parser (nor feedparser's roll-over) gets to reinterpret it;
- a relative date ("3 days ago", "منذ 3 أيام", "yesterday") is relative to a crawl time we do not know: undated;
- a four-digit year is read as written ("0001" is year 1, not 2001 as RFC 2822's two-digit rule would make it).

A date without a clock time (precision day/month/year) names a calendar day, not an instant: it is kept as that
day at 00:00 UTC with no offset (see :func:`_finish`), so every UTC day bin and day filter counts it on its day.
"""

from __future__ import annotations

import email.utils
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import TypedDict
from zoneinfo import ZoneInfo

from marsad.ingest.extract.hijri import HIJRI_YEARS, find_hijri, to_gregorian
from marsad.models import DatePrecision
from marsad.text.normalize import normalize_arabic

LOGGER = logging.getLogger(__name__)

# Clocks differ and feeds announce items minutes early: a date up to a day ahead is still "now", beyond is wrong.
FUTURE_TOLERANCE = timedelta(days=1)
# Nothing Marsad monitors predates this; earlier years are misparsed numbers (e.g. "1000 قتيل").
MIN_YEAR = 1900
# dateparser is slow (ms per call) but one export repeats the same few date strings: cache them.
FALLBACK_CACHE_SIZE = 65536
# Longer strings are prose, not a date field; the fallback parser would find spurious dates in them.
MAX_FALLBACK_CHARS = 80

_MONTHS_EN = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january", "janvier"),
            ("feb", "february", "fevrier", "février"),
            ("mar", "march", "mars"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juillet"),
            ("aug", "august", "aout", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre", "décembre"),
        ]
    )
    for m in names
}
# Arabic month names in their normalised form (see text.normalize.normalize_arabic): Levantine/Iraqi (Syriac),
# Egyptian/MSA (from Latin), Maghrebi (Tunisia/Algeria from French, Morocco from Latin/Spanish).
_MONTHS_AR_RAW: dict[int, tuple[str, ...]] = {
    1: ("كانون الثاني", "يناير", "جانفي", "جانفييه"),
    2: ("شباط", "فبراير", "فيفري", "فبرير"),
    3: ("آذار", "مارس"),
    4: ("نيسان", "أبريل", "إبريل", "ابريل", "أفريل"),
    5: ("أيار", "مايو", "ماي"),
    6: ("حزيران", "يونيو", "يونية", "جوان"),
    7: ("تموز", "يوليو", "يولية", "جويلية", "يوليوز"),
    8: ("آب", "أغسطس", "اغسطس", "أوت", "غشت"),
    9: ("أيلول", "سبتمبر", "شتنبر"),
    10: ("تشرين الأول", "أكتوبر", "اكتوبر"),
    11: ("تشرين الثاني", "نوفمبر", "نونبر"),
    12: ("كانون الأول", "ديسمبر", "دجنبر"),
}
_MONTHS_AR = {normalize_arabic(name): month for month, names in _MONTHS_AR_RAW.items() for name in names}
# Longest names first so "كانون الثاني" wins over a bare prefix.
_AR_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS_AR), key=len, reverse=True))
_EN_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS_EN), key=len, reverse=True))

_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[صم]|am|pm|a\.m\.|p\.m\.)?(?![\d:])"
# Also in parentheses, as CNN Arabic prints it: "02:21 (GMT+0400)".
_OFFSET = re.compile(
    r"(?:\(\s*)?(?:\b(?:gmt|utc)\s*)?(?P<sign>[+-])(?P<oh>\d{1,2}):?(?P<om>\d{2})?\s*\)?\s*$|\(?\b(?P<utc>gmt|utc|z)\)?\s*$"
)
_RFC822 = re.compile(rf"^\s*(?:[a-z]{{3}},?\s+)?\d{{1,2}}\s+(?:{_EN_MONTH_ALT})\s+\d{{2,4}}\s+\d{{1,2}}:\d{{2}}")
_REUTERS = re.compile(
    r"^\s*(?P<d>\d{1,2})-(?P<mon>[a-z]{3})-(?P<y>\d{4})\s+(?:(?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2})(?:\.\d+)?)?"
)
_NUMERIC = re.compile(
    r"(?<!\d)(?:(?P<y1>\d{4})[./-](?P<m1>\d{1,2})[./-](?P<d1>\d{1,2})|(?P<d2>\d{1,2})[./-](?P<m2>\d{1,2})[./-](?P<y2>\d{4}))(?!\d)"
)
_WORDY_AR = re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?(?P<mon>{_AR_MONTH_ALT})(?:\s*[/(-]\s*(?:{_AR_MONTH_ALT})\s*\)?)?\s*[,،]?\s*(?P<y>\d{{4}})(?!\d)")
_WORDY_EN_DMY = re.compile(rf"(?<![\w\d])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_EN_MONTH_ALT})\.?,?\s+(?P<y>\d{{4}})(?!\d)")
_WORDY_EN_MDY = re.compile(rf"(?<![\w\d])(?P<mon>{_EN_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)")
# "مارس/آذار 2017", "February 2021": a month without a day (precision "month"); only for a whole short string.
_MONTH_YEAR = re.compile(
    rf"^(?:[^\d\s]+\s+)?(?P<mon>{_AR_MONTH_ALT}|{_EN_MONTH_ALT})(?:\s*[/(-]\s*(?:{_AR_MONTH_ALT})\s*\)?)?\.?,?\s+(?P<y>\d{{4}})$"
)
_TIME_RE = re.compile(_TIME)
_EPOCH = re.compile(r"(?P<int>\d{10}|\d{13})(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|2\d)\d\d(?!\d)")
# A whole string in ISO 8601 shape (what feeds, APIs and <time datetime> carry): if it does not make a valid
# date-time, it is a corrupt timestamp, not some other format to try.
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?\s*(?:z|[+-]\d{2}(?::?\d{2})?)?)?")
_RFC822_YEAR = re.compile(rf"\d{{1,2}}\s+(?:{_EN_MONTH_ALT})\s+(?P<y>\d{{2,4}})\s")
# Only absolute readings from dateparser: its "relative-time" parser counts "3 days ago 2018" back from the
# clock of the machine running the ingest, and "timestamp" readings are handled by _epoch.
_FALLBACK_PARSERS = ["custom-formats", "absolute-time"]
# Precisions without a clock time: the value names a calendar day (or month, year), not an instant.
CALENDAR_PRECISIONS = frozenset({"day", "month", "year"})


class ImpossibleDate(ValueError):
    """A string in a date format we recognise whose fields make no date (month 13, 31 February, hour 99)."""


@dataclass(frozen=True)
class ParsedDate:
    when: datetime  # timezone-aware; UTC when the source gave no zone
    tz: str  # the offset as found ("+03:00"), "" when unknown
    precision: DatePrecision


class DateFields(TypedDict):
    """The Article fields a date decides (see :func:`date_fields`)."""

    published_at: datetime | None
    published_tz: str
    published_precision: DatePrecision | None
    date_note: str


def date_fields(value: object, *, zone: str = "", now: datetime | None = None) -> DateFields:
    """Parse ``value`` and apply the plausibility rules: the dict to ``Article`` fields.

    ``zone`` (an IANA name such as "Asia/Baghdad", or "+03:00") is used when the string carries no offset.
    """
    empty = DateFields(published_at=None, published_tz="", published_precision=None, date_note="")
    text = "" if value is None else str(value).strip()
    if not text:
        return empty
    try:
        parsed = _epoch(text) or _parse(text, zone=zone)
    except ImpossibleDate:
        return {**empty, "date_note": f"impossible date {text[:40]!r}: left undated"}
    if parsed is None:
        return {**empty, "date_note": f"unparsed date {text[:40]!r}"}
    note = implausible(parsed.when, now=now)
    if note:
        return {**empty, "date_note": note}
    return DateFields(published_at=parsed.when, published_tz=parsed.tz, published_precision=parsed.precision, date_note="")


def _epoch(text: str) -> ParsedDate | None:
    """Unix time in seconds (10 digits) or milliseconds (13), as APIs and scrapers export it."""
    match = _EPOCH.fullmatch(text)
    if not match:
        return None
    seconds = float(text) / (1000 if len(match["int"]) == 13 else 1)
    return ParsedDate(datetime.fromtimestamp(seconds, UTC), "+00:00", "second")


def implausible(when: datetime, *, now: datetime | None = None) -> str:
    """Why ``when`` cannot be a publication date ("" when it can)."""
    now = now or datetime.now(UTC)
    if when > now + FUTURE_TOLERANCE:
        return f"date {when.date().isoformat()} is in the future: dropped"
    if when.year < MIN_YEAR:
        return f"date {when.date().isoformat()} is before {MIN_YEAR}: dropped"
    return ""


def parse_date(text: str, *, zone: str = "", fallback: bool = True) -> ParsedDate | None:
    """The date in a short date string (a field value or a date line), or None (also for an impossible date).

    ``fallback=False`` skips dateparser: for guessing whether a line is a date at all, where its fuzziness
    would take a headline ending in "2017" for a date.
    """
    try:
        return _parse(text, zone=zone, fallback=fallback)
    except ImpossibleDate:
        return None


def is_impossible(text: str) -> bool:
    """True when ``text`` is in a date format we recognise but names no possible date (see ImpossibleDate)."""
    try:
        _parse(str(text or "").strip())
    except ImpossibleDate:
        return True
    return False


@lru_cache(maxsize=FALLBACK_CACHE_SIZE)
def _parse(text: str, *, zone: str = "", fallback: bool = True) -> ParsedDate | None:
    """:func:`parse_date`, raising ImpossibleDate for an impossible date (not cached: rare)."""
    raw = " ".join(normalize_arabic(text).split()).lower()
    if not raw:
        return None
    result = _first(raw, zone, (_parse_iso, _parse_rfc822, _parse_reuters, _parse_numeric, _parse_wordy, _parse_hijri))
    if result is not None:
        return result
    # Without a four-digit year the string is relative ("منذ 3 ساعات", "yesterday"): relative to a crawl time we
    # do not know, so it is no date at all.
    usable = fallback and len(raw) <= MAX_FALLBACK_CHARS and _YEAR.search(raw)
    return _parse_fallback(raw, zone) if usable else None


def find_date(text: str, *, zone: str = "") -> ParsedDate | None:
    """The first date in a longer text (a date line with other words around it), or None."""
    try:
        return _first(" ".join(normalize_arabic(text).split()).lower(), zone, (_parse_numeric, _parse_wordy, _parse_hijri))
    except ImpossibleDate:
        return None


def _first(raw: str, zone: str, parsers) -> ParsedDate | None:
    """The first parser's result. A parser that recognises its format but finds an impossible date ends the
    search (ImpossibleDate): another parser would only read part of the string and guess; other errors (a
    format misread) let the next parser try."""
    for parser in parsers:
        try:
            result = parser(raw, zone)
        except ImpossibleDate:
            raise
        except (ValueError, OverflowError, TypeError, KeyError):
            continue
        if result is not None:
            return result
    return None


def _parse_iso(raw: str, zone: str) -> ParsedDate | None:
    if not (len(raw) >= 8 and raw[:4].isdigit() and raw[4] == "-") or int(raw[:4]) in HIJRI_YEARS:
        return None  # "1442-02-08" is Hijri (_parse_hijri)
    value = raw.upper().replace(" ", "T", 1)
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        if _ISO_SHAPE.fullmatch(raw):
            raise ImpossibleDate(raw) from exc
        raise
    if "T" not in value:
        precision: DatePrecision = "day"
    else:
        clock = re.split(r"[+-]|Z", value.split("T", 1)[1])[0]
        digits = clock.replace(":", "").split(".")[0]
        precision = "second" if len(digits) >= 6 else "minute" if len(digits) >= 4 else "hour"
    return _finish(when, zone, precision)


def _parse_rfc822(raw: str, zone: str) -> ParsedDate | None:
    if not _RFC822.match(raw):
        return None
    has_zone = bool(_OFFSET.search(raw))
    try:
        when = email.utils.parsedate_to_datetime(raw)
        written = _RFC822_YEAR.search(raw)
        if written and len(written["y"]) > 2 and int(written["y"]) != when.year:
            when = when.replace(year=int(written["y"]))  # "0001" is year 1: email.utils made it 2001
    except ValueError as exc:  # day 32, 29 February 2021, year 0
        raise ImpossibleDate(raw) from exc
    precision: DatePrecision = "second" if re.search(r"\d:\d{2}:\d{2}", raw) else "minute"
    if when.tzinfo is not None:  # an offset, GMT/UT, or a US zone name email.utils knows (EST, EDT, PST …)
        return ParsedDate(when.astimezone(UTC), _offset_text(when), precision)
    if has_zone:
        return None  # an offset email.utils cannot read ("+02:00"): the wordy parser reads it
    return _finish(when.replace(tzinfo=None), zone, precision)


def _parse_reuters(raw: str, zone: str) -> ParsedDate | None:
    match = _REUTERS.match(raw)
    if not match or match["mon"] not in _MONTHS_EN:
        return None
    day = _day(int(match["y"]), _MONTHS_EN[match["mon"]], int(match["d"]))
    if match["h"] is not None and int(match["h"]) < 24:
        return _finish(day.replace(hour=int(match["h"]), minute=int(match["mi"]), second=int(match["s"])), zone, "second")
    # A garbled clock ("605:12:19.12") still leaves a good day.
    return _finish(day, zone, "day")


def _parse_numeric(raw: str, zone: str) -> ParsedDate | None:
    match = _NUMERIC.search(raw)
    if not match:
        return None
    if match["y1"]:
        year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
    else:
        year, first, second = int(match["y2"]), int(match["d2"]), int(match["m2"])
        # Arab and European exports write day first; only an impossible month says it is US order.
        day, month = (second, first) if second > 12 >= first else (first, second)
    if year in HIJRI_YEARS:
        # "1442/02/08 هـ": a Hijri date, not a Gregorian one from the 15th century. Pages often print the
        # Gregorian date beside it, which is read first; a Hijri date alone is converted by _parse_hijri.
        return _parse_numeric(raw[match.end() :], zone) if match.end() < len(raw) else None
    return _with_time(_day(year, month, day), raw, match.span(), zone)


def _parse_wordy(raw: str, zone: str) -> ParsedDate | None:
    for pattern, table in ((_WORDY_AR, _MONTHS_AR), (_WORDY_EN_DMY, _MONTHS_EN), (_WORDY_EN_MDY, _MONTHS_EN)):
        match = pattern.search(raw)
        if match:
            day = _day(int(match["y"]), table[match["mon"]], int(match["d"]))
            return _with_time(day, raw, match.span(), zone)
    match = _MONTH_YEAR.match(raw)
    if match:
        month = _MONTHS_AR.get(match["mon"]) or _MONTHS_EN[match["mon"]]
        return _finish(datetime(int(match["y"]), month, 1), zone, "month")
    return None


def _parse_hijri(raw: str, zone: str) -> ParsedDate | None:
    """A Hijri date ("8 صفر 1442 هـ", "1442/02/08") as its Umm al-Qura Gregorian day, with a clock time if one is
    beside it. Last in the chain: a Gregorian date printed beside the Hijri one is what the outlet meant."""
    found = find_hijri(raw)
    if found is None:
        return None
    try:
        day = to_gregorian(found)
    except ValueError as exc:  # 30 in a 29-day month, month 13
        raise ImpossibleDate(raw) from exc
    return None if day is None else _with_time(day, raw, found.span, zone)


def _day(year: int, month: int, day: int) -> datetime:
    try:
        return datetime(year, month, day)
    except ValueError as exc:
        raise ImpossibleDate(f"{year}-{month}-{day}") from exc


def _with_time(day: datetime, raw: str, span: tuple[int, int], zone: str) -> ParsedDate:
    """Attach a clock time found after the date (or before it, as in "21:32 - 25/09/2020")."""
    match = _TIME_RE.search(raw, span[1]) or _TIME_RE.search(raw[: span[0]])
    if not match or int(match["h"]) > 23 or int(match["mi"]) > 59:
        return _finish(day, zone, "day")
    hour = int(match["h"])
    if match["ampm"] in ("م", "pm", "p.m.") and hour < 12:
        hour += 12
    elif match["ampm"] in ("ص", "am", "a.m.") and hour == 12:
        hour = 0
    second = int(match["s"]) if match["s"] else 0
    when = day.replace(hour=hour, minute=int(match["mi"]), second=second)
    offset = _OFFSET.search(raw[match.end() :].strip())
    if offset:
        when = when.replace(tzinfo=_offset_zone(offset))
    return _finish(when, zone, "second" if match["s"] else "minute")


def _parse_fallback(raw: str, zone: str) -> ParsedDate | None:
    import dateparser  # lazy: slow to import, rarely needed

    when = dateparser.parse(
        raw,
        languages=["ar", "en", "fr"],
        settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["year", "month"], "PARSERS": _FALLBACK_PARSERS},
    )
    if when is None or str(when.year) not in raw:  # a year it did not read from the text is a guess
        return None
    LOGGER.debug("dateparser fallback: %r -> %s", raw, when)
    precision: DatePrecision = "minute" if (when.hour, when.minute) != (0, 0) else "day"
    return _finish(when, zone, precision)


def _finish(when: datetime, zone: str, precision: DatePrecision) -> ParsedDate:
    if precision in CALENDAR_PRECISIONS:
        # "27 أيلول 2020" under a Baghdad dateline is the 27th, all day long. Converting its midnight to UTC would
        # make it 2020-09-26 21:00 and count it on the 26th in every UTC day bin and filter, with no clock time
        # to justify the shift. So a calendar date is stored as that day at 00:00 UTC with no offset
        # (published_tz ""): the store's day of every article is then its UTC day when it has a time, its
        # calendar day when it has none, and analytics can bin and filter on one column.
        return ParsedDate(when.replace(tzinfo=None).replace(tzinfo=UTC), "", precision)
    if when.tzinfo is None:
        tz = _zone(zone)
        if tz is None:
            return ParsedDate(when.replace(tzinfo=UTC), "", precision)
        when = when.replace(tzinfo=tz)
    return ParsedDate(when.astimezone(UTC), _offset_text(when), precision)


def _offset_text(when: datetime) -> str:
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _offset_zone(match: re.Match[str]) -> tzinfo:
    if match["utc"]:
        return UTC
    minutes = int(match["oh"]) * 60 + int(match["om"] or 0)
    return timezone(timedelta(minutes=minutes if match["sign"] == "+" else -minutes))


@lru_cache(maxsize=256)
def _zone(zone: str) -> tzinfo | None:
    if not zone:
        return None
    match = re.fullmatch(r"(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?(?P<utc>)", zone)
    if match:
        return _offset_zone(match)
    try:
        return ZoneInfo(zone)
    except (KeyError, ValueError):
        LOGGER.warning("unknown time zone %r: dates read as UTC", zone)
        return None
