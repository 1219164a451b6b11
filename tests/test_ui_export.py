"""Spreadsheet-safe CSV exports."""

import io

import pandas as pd
import pytest

from marsad.ui import export


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+971 50", "'+971 50"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("بغداد", "بغداد"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_cell(cell, expected):
    assert export.escape_cell(cell) == expected


def test_csv_bytes_escape_strings_keep_numbers_and_arabic():
    df = pd.DataFrame({"title": ["=cmd|' /C calc'!A0", "الحدود"], "count": [-3, 4], "=col": [["a", "b"], []]})
    raw = export.to_csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so spreadsheets read UTF-8 Arabic
    back = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")), keep_default_na=False)
    assert list(back.columns) == ["title", "count", "'=col"]
    assert back["title"].tolist() == ["'=cmd|' /C calc'!A0", "الحدود"]
    assert back["count"].tolist() == [-3, 4]
    assert back["'=col"].tolist() == ["a; b", ""]
