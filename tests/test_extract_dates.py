"""Dates: the formats news material carries, plausibility rules, and every date of real ANT/Reuters samples."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, JAWHARAFM_SAMPLE, REUTERS_SAMPLE, read_records

from marsad.ingest.extract import date_fields, find_date, parse_date

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone", "when", "tz", "precision"),
    [
        ("2020.09.25 - 21:32", "Asia/Baghdad", _utc(2020, 9, 25, 18, 32), "+03:00", "minute"),
        ("2020.09.25 - 21:32", "", _utc(2020, 9, 25, 21, 32), "", "minute"),
        ("25 أيلول 2020", "", _utc(2020, 9, 25), "", "day"),
        ("الجمعة ٢٥ أيلول ٢٠٢٠", "", _utc(2020, 9, 25), "", "day"),
        ("٢٥/٠٩/٢٠٢٠ ١٠:٣٠ م", "", _utc(2020, 9, 25, 22, 30), "", "minute"),
        ("3 كانون الثاني 2019", "", _utc(2019, 1, 3), "", "day"),
        ("3 كانون الأول 2019", "", _utc(2019, 12, 3), "", "day"),
        ("12 تشرين الأول 2019", "", _utc(2019, 10, 12), "", "day"),
        ("12 تشرين الثاني 2019", "", _utc(2019, 11, 12), "", "day"),
        ("1 شباط 2018", "", _utc(2018, 2, 1), "", "day"),
        ("7 آذار 2018", "", _utc(2018, 3, 7), "", "day"),
        ("7 اذار 2018", "", _utc(2018, 3, 7), "", "day"),
        ("30 نيسان 2018", "", _utc(2018, 4, 30), "", "day"),
        ("15 أيار 2018", "", _utc(2018, 5, 15), "", "day"),
        ("15 حزيران 2018", "", _utc(2018, 6, 15), "", "day"),
        ("14 تموز 2018", "", _utc(2018, 7, 14), "", "day"),
        ("14 آب 2018", "", _utc(2018, 8, 14), "", "day"),
        ("25 سبتمبر 2020", "", _utc(2020, 9, 25), "", "day"),
        ("الأربعاء 18 جانفي 2017", "", _utc(2017, 1, 18), "", "day"),
        ("5 مارس/آذار 2017", "", _utc(2017, 3, 5), "", "day"),
        ("1 يناير 2021 - 09:15", "Africa/Cairo", _utc(2021, 1, 1, 7, 15), "+02:00", "minute"),
        ("Sun, 18 Feb 2018 21:35:43 +0400", "", _utc(2018, 2, 18, 17, 35, 43), "+04:00", "second"),
        ("Sun, 18 Feb 2018 17:21:49 GMT", "", _utc(2018, 2, 18, 17, 21, 49), "+00:00", "second"),
        # CNN Arabic's stamp: the offset in parentheses after the clock
        ("الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)", "", _utc(2013, 8, 3, 22, 21), "+04:00", "minute"),
        ("4 August 2013 02:21 (UTC)", "Asia/Dubai", _utc(2013, 8, 4, 2, 21), "+00:00", "minute"),
        ("Fri, 25 Sep 2020 21:32:00 EDT", "", _utc(2020, 9, 26, 1, 32), "-04:00", "second"),
        ("2017-01-20T21:43:00+01:00", "", _utc(2017, 1, 20, 20, 43), "+01:00", "second"),
        ("2017-01-22T185600", "", _utc(2017, 1, 22, 18, 56), "", "second"),
        ("2018-02-18T21:35:43Z", "", _utc(2018, 2, 18, 21, 35, 43), "+00:00", "second"),
        ("2018-02-18", "", _utc(2018, 2, 18), "", "day"),
        ("17/05/2015", "", _utc(2015, 5, 17), "", "day"),
        ("12/25/2020", "", _utc(2020, 12, 25), "", "day"),
        ("26-FEB-1987 15:01:01.79", "", _utc(1987, 2, 26, 15, 1, 1), "", "second"),
        ("27-MAR-1987 00:02:59.13RM", "", _utc(1987, 3, 27, 0, 2, 59), "", "second"),
        ("31-MAR-1987 605:12:19.12", "", _utc(1987, 3, 31), "", "day"),
        ("Feb 26, 1987", "", _utc(1987, 2, 26), "", "day"),
        ("26 February 2021 10:00 +02:00", "", _utc(2021, 2, 26, 8, 0), "+02:00", "minute"),
        ("1442/02/08 هـ - 2020/09/25", "", _utc(2020, 9, 25), "", "day"),
        ("مارس/آذار 2017", "", _utc(2017, 3, 1), "", "month"),
        ("February 2021", "", _utc(2021, 2, 1), "", "month"),
    ],
)
def test_formats(text: str, zone: str, when: datetime, tz: str, precision: str) -> None:
    parsed = parse_date(text, zone=zone)
    assert parsed is not None
    assert (parsed.when, parsed.tz, parsed.precision) == (when, tz, precision)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "منذ 3 ساعات", "لا يوجد تاريخ", "1000 قتيل", "31/02/2020", "شعبان 1438 هـ"]
)
def test_no_date(text: str) -> None:
    fields = date_fields(text, now=NOW)
    assert fields["published_at"] is None
    assert fields["published_precision"] is None


@pytest.mark.parametrize(
    ("text", "note"),
    [("2099-05-01", "in the future"), ("1850-05-05", "before 1900"), ("12 أيار 1799", "before 1900")],
)
def test_implausible_dates_are_dropped_with_a_note(text: str, note: str) -> None:
    fields = date_fields(text, now=NOW)
    assert fields["published_at"] is None
    assert note in fields["date_note"]


@pytest.mark.parametrize("value", [1601062320, "1601062320", "1601062320000", 1601062320.5])
def test_unix_time(value: object) -> None:
    fields = date_fields(value, now=NOW)
    assert fields["published_at"].replace(microsecond=0) == _utc(2020, 9, 25, 19, 32)
    assert (fields["published_tz"], fields["published_precision"]) == ("+00:00", "second")


def test_a_few_hours_ahead_is_still_now() -> None:
    soon = (NOW + timedelta(hours=5)).isoformat()
    assert date_fields(soon, now=NOW)["published_at"] == NOW + timedelta(hours=5)


def test_find_date_in_a_sentence() -> None:
    parsed = find_date('وتابعه "ناس" (25 أيلول 2020) إن')
    assert parsed is not None and parsed.when == _utc(2020, 9, 25)


def _local_day(when: datetime, tz: str) -> str:
    if not tz:
        return when.strftime("%Y%m%d")
    sign = -1 if tz.startswith("-") else 1
    hours, minutes = tz[1:].split(":")
    return when.astimezone(timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))).strftime("%Y%m%d")


@pytest.mark.parametrize("sample", [ANT_SAMPLE, JAWHARAFM_SAMPLE], ids=["ant_v2.1", "ant_v1.1_jawharafm"])
def test_ant_dates_agree_with_document_numbers(sample: Path) -> None:
    # ANT document numbers end with the publication day (YYYYMMDD, some DDMMYYYY): an independent check.
    for record in read_records(sample):
        parsed = parse_date(record["time"])
        assert parsed is not None, record["time"]
        day = re.search(r"(\d{8})$", record["docno"]).group(1)
        assert _local_day(parsed.when, parsed.tz) in (day, day[4:] + day[2:4] + day[:2]), record["docno"]


def _check_every_date_shape_parses(records: list[dict]) -> None:
    shapes = {re.sub(r"\d", "9", r["time"]) for r in records}
    assert {"99/99/9999", "9999-99-99T99:99:99+99:99", "9999-99-99T999999"} <= shapes
    assert all(parse_date(r["time"]) is not None for r in records)


def test_ant_v11_mixed_formats_all_parse() -> None:
    _check_every_date_shape_parses(read_records(JAWHARAFM_SAMPLE))  # it holds records of every shape


def test_ant_v11_mixed_formats_all_parse_in_the_whole_corpus(shared: Path) -> None:
    _check_every_date_shape_parses(read_records(shared / "corpora" / "ant_v1.1_jawharafm.jsonl.gz"))


def test_reuters_dates() -> None:
    for record in read_records(REUTERS_SAMPLE):
        parsed = parse_date(record["date"])
        assert parsed is not None and parsed.when.year == 1987
        assert parsed.when.strftime("%d-%b-%Y").upper() == record["date"].split()[0].upper().zfill(11)


@pytest.mark.parametrize(
    ("text", "zone", "day", "precision"),
    [
        ("27 أيلول 2020", "Asia/Baghdad", _utc(2020, 9, 27), "day"),
        ("2020-09-27", "+03:00", _utc(2020, 9, 27), "day"),
        ("27/09/2020", "Asia/Tokyo", _utc(2020, 9, 27), "day"),
        ("Sep 27, 2020", "America/New_York", _utc(2020, 9, 27), "day"),
        ("February 2021", "Asia/Baghdad", _utc(2021, 2, 1), "month"),
    ],
)
def test_a_date_without_a_time_stays_on_its_calendar_day(text: str, zone: str, day: datetime, precision: str) -> None:
    # Midnight in Baghdad is 21:00 UTC the day before: converting would count the article on the wrong day.
    fields = date_fields(text, zone=zone, now=NOW)
    assert (fields["published_at"], fields["published_tz"], fields["published_precision"]) == (day, "", precision)


def test_a_time_still_converts_with_its_zone() -> None:
    fields = date_fields("27 أيلول 2020 - 01:30", zone="Asia/Baghdad", now=NOW)
    assert (fields["published_at"], fields["published_tz"]) == (_utc(2020, 9, 26, 22, 30), "+03:00")


@pytest.mark.parametrize(
    "text", ["3 days ago 2018", "yesterday 2019", "2018 منذ 3 أيام", "in 2 days 2020", "il y a 3 jours 2018"]
)
def test_relative_dates_are_never_read_against_the_clock(text: str) -> None:
    fields = date_fields(text, now=datetime.now(UTC))
    assert fields["published_at"] is None
    assert "unparsed" in fields["date_note"]


@pytest.mark.parametrize(
    "text",
    [
        "2020-13-45T99:99:99Z",
        "2020-09-27T25:00:00Z",
        "2021-02-29",
        "Mon, 32 Jan 2020 10:00:00 GMT",
        "Mon, 29 Feb 2021 10:00:00 GMT",
        "31/02/2020",
        "30 شباط 2020",
        "31 April 2020",
    ],
)
def test_impossible_dates_are_undated_with_a_note(text: str) -> None:
    fields = date_fields(text, now=NOW)
    assert fields["published_at"] is None and fields["published_precision"] is None
    assert fields["date_note"].startswith("impossible date")
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["Mon, 01 Jan 0001 00:00:00 GMT", "Mon, 01 Jan 0001", "Mon, 01 Jan 0099 10:00 +0000"])
def test_a_four_digit_year_is_read_as_written(text: str) -> None:
    # email.utils reads years below 100 as 19xx/20xx (RFC 2822 two-digit years), also when written "0001".
    fields = date_fields(text, now=NOW)
    assert fields["published_at"] is None
    assert "before 1900" in fields["date_note"]


def test_two_digit_rfc822_years_still_parse() -> None:
    assert parse_date("Sun, 18 Feb 18 21:35:43 GMT").when == _utc(2018, 2, 18, 21, 35, 43)
