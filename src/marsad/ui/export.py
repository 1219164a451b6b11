"""CSV exports that are safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab/carriage return) is run as a formula by Excel/LibreOffice ("CSV
injection"); article titles are attacker-controlled, so such cells get a leading apostrophe, which
spreadsheets show as text. Numbers stay numbers: only string cells are touched.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# UTF-8 with a byte-order mark: Excel otherwise opens Arabic CSV as mojibake.
CSV_ENCODING = "utf-8-sig"


def escape_cell(value: object) -> object:
    """``value`` with a leading apostrophe when it is a string a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every string cell (and column name) escaped; lists are joined with "; "."""
    out = df.copy()
    out.columns = [escape_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: escape_cell("; ".join(map(str, v)) if isinstance(v, list | tuple) else v))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as spreadsheet-safe CSV bytes."""
    return safe_frame(df).to_csv(index=False).encode(CSV_ENCODING)
