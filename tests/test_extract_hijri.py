"""Hijri dates: found in text, converted on the Umm al-Qura calendar, and read by the date parser on real samples."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marsad.ingest.extract import date_fields, find_date, parse_date
from marsad.ingest.extract.hijri import HijriDate, find_hijri, to_gregorian
from marsad.text.normalize import normalize_arabic

SAMPLES = Path(__file__).parent / "fixtures" / "dates" / "ant_hijri_dates.tsv"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
# The seed article (ناس, Baghdad) is dated 25 أيلول 2020, which is 8 Safar 1442.
SEED_DAY = datetime(2020, 9, 25, tzinfo=UTC)


def _samples() -> list[dict[str, str]]:
    with SAMPLES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _raw(text: str) -> str:
    return " ".join(normalize_arabic(text).split()).lower()


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        ("8 صفر 1442 هـ", (1442, 2, 8)),
        ("الجمعة ٨ صفر ١٤٤٢هـ", (1442, 2, 8)),
        ("29 من شهر شعبان 1438 هجري", (1438, 8, 29)),
        ("6 جمادى الآخرة 1439", (1439, 6, 6)),
        ("1 ذي القعدة 1441 للهجرة", (1441, 11, 1)),
        ("1442/02/08", (1442, 2, 8)),
        ("08/02/1442 هـ", (1442, 2, 8)),
        ("30 / 9 / 1439هـ", (1439, 9, 30)),
    ],
)
def test_find_hijri(text, ymd):
    found = find_hijri(_raw(text))
    assert found is not None and (found.year, found.month, found.day) == ymd


@pytest.mark.parametrize("text", ["25/09/2020", "رمضان 1438", "قتل 8 في صفر", "1439/ 1440ه", "رقم 1005 لعام 1428"])
def test_no_hijri_day(text):
    assert find_hijri(_raw(text)) is None


def test_to_gregorian_and_its_limits():
    assert to_gregorian(HijriDate(1442, 2, 8, (0, 0))) == datetime(2020, 9, 25)
    assert to_gregorian(HijriDate(1342, 1, 1, (0, 0))) is None  # before the Umm al-Qura tables
    with pytest.raises(ValueError):
        to_gregorian(HijriDate(1442, 2, 31, (0, 0)))


@pytest.mark.parametrize(
    ("text", "zone", "when", "precision"),
    [
        ("8 صفر 1442 هـ", "", SEED_DAY, "day"),
        ("8 صفر 1442 هـ", "Asia/Baghdad", SEED_DAY, "day"),  # a day stays on its calendar day, no offset
        ("1442/02/08", "Asia/Baghdad", SEED_DAY, "day"),
        ("1442-02-08", "", SEED_DAY, "day"),
        ("1442/02/08 هـ", "", SEED_DAY, "day"),
        ("الجمعة 8 صفر 1442 هـ - 21:32", "Asia/Baghdad", datetime(2020, 9, 25, 18, 32, tzinfo=UTC), "minute"),
        # With the Gregorian date beside it, the outlet's own Gregorian date is read.
        ("8 صفر 1442 هـ الموافق 25 أيلول 2020", "", SEED_DAY, "day"),
        ("1442/02/08 هـ - 2020/09/25", "", SEED_DAY, "day"),
    ],
)
def test_parse_date_converts_hijri(text, zone, when, precision):
    parsed = parse_date(text, zone=zone)
    assert parsed is not None and (parsed.when, parsed.precision) == (when, precision)
    assert parsed.tz == ("" if precision == "day" else "+03:00")


@pytest.mark.parametrize(("text", "note"), [("1442/02/31 هـ", "impossible date"), ("1 محرم 1340 هـ", "unparsed date")])
def test_a_hijri_date_that_cannot_be_converted_is_left_undated(text, note):
    fields = date_fields(text, now=NOW)
    assert fields["published_at"] is None and note in fields["date_note"]


@pytest.mark.parametrize("sample", _samples(), ids=lambda s: s["docno"])
def test_real_hijri_dates(sample):
    day = datetime.fromisoformat(sample["gregorian"]).replace(tzinfo=UTC)
    # Alone, converted on the Umm al-Qura calendar; with the outlet's Gregorian date beside it, read as printed.
    for text in {sample["hijri"], sample["hijri"] + sample["beside"]}:
        parsed = parse_date(text)
        assert parsed is not None and (parsed.when, parsed.precision) == (day, "day"), text
    found = find_date(f"وقال المصدر إن القرار صدر {sample['hijri']} بعد اجتماع")
    assert found is not None and found.when == day
