"""JSONL and CSV exports: a bad record costs only itself, a bad byte only its record; lines stay bounded."""

import base64
import csv
import dataclasses
import gzip
import io
import json
import os
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.ingest.json_lines import JsonLines
from marsad.ingest.readers import read_bytes, read_path
from marsad.ingest.readers.tabular import MAX_INT_DIGITS, load_json, read_csv, read_jsonl
from marsad.models import Article, Reject

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "ant_v2.1_sample.jsonl.gz"
SETTINGS = Settings()


def _good_lines(n: int) -> list[str]:
    """Real ANT records from the demo corpus, one JSON object per line."""
    with gzip.open(DEMO, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in islice(fh, n)]


def _kinds(items: list) -> list[str]:
    return ["A" if isinstance(i, Article) else "R" for i in items]


# Each bad line sits between good records: it must be the one reject, with its record number and a reason.
BAD_JSON_LINES = {
    "lone surrogate": ('{"title": "x", "text": "نص \\ud800 قصير"}', "lost characters"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "NUL byte": ('{"title": "x", "text": "a\x00b"}', "invalid or truncated JSON"),
    "control byte": ('{"title": "x", "text": "a\x01b"}', "invalid or truncated JSON"),
}


@pytest.mark.parametrize("case", BAD_JSON_LINES)
def test_a_bad_json_line_costs_only_its_record(tmp_path: Path, case: str) -> None:
    bad, reason = BAD_JSON_LINES[case]
    good = _good_lines(4)
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([*good[:2], bad, *good[2:]]), encoding="utf-8", errors="surrogatepass")
    items = list(read_path(path, settings=SETTINGS))
    assert _kinds(items) == ["A", "A", "R", "A", "A"], items
    assert items[2].record == 3 and reason in items[2].reason


@pytest.mark.parametrize("bad", ["[" * 100_000, "[" * 50 + '{"title": "x"', '[{"title": "x", "text": "a b"}, 5'],
                         ids=["100000-deep", "unclosed", "an-array-line"])
def test_a_first_json_line_that_opens_an_array_costs_only_itself(tmp_path: Path, bad: str) -> None:
    """A JSONL file whose FIRST line starts with "[" was read as one JSON document: one reject for the whole
    file (bench/malformed_files.py lost the good records beside a 100,000-deep first line)."""
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([bad, *_good_lines(3)]), encoding="utf-8")
    for items in (list(read_path(path, settings=SETTINGS)), list(read_bytes(path.read_bytes(), name="x.jsonl",
                                                                             settings=SETTINGS))):
        assert _kinds(items) == ["R", "A", "A", "A"], items
        assert items[0].record == 1


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_binary_line_in_a_small_export_costs_only_itself(fmt: str) -> None:
    """1 KB of garbage beside two records made the whole file "binary file, not text" (its head held more than 2%
    control bytes) or, with longer records, decoded it as cp1256: every record mojibake (bench/malformed_files.py)."""
    records = [json.loads(line) for line in _good_lines(2)]
    if fmt == "jsonl":
        good = [json.dumps(r, ensure_ascii=False).encode() for r in records]
    else:
        good = [_csv_text([["title", "text", "date"]]).encode().rstrip(b"\n")]
        good += [_csv_text([[r["title"], r["text"], r["time"]]]).encode().rstrip(b"\n") for r in records]
    data = b"\n".join([*good, bytes(range(256)) * 4]) + b"\n"
    items = list(read_bytes(data, name=f"x.{fmt}", settings=SETTINGS))
    assert [i.title for i in items if isinstance(i, Article)] == [r["title"] for r in records]
    assert [i.reason for i in list(read_bytes(os.urandom(4096), name=f"r.{fmt}", settings=SETTINGS))] == [
        "binary file, not text"]


@pytest.mark.parametrize("indent", [None, 2])
def test_json_array_documents_are_still_one_document(indent: int | None) -> None:
    records = [json.loads(line) for line in _good_lines(3)]
    text = json.dumps(records, ensure_ascii=False, indent=indent) if indent else (
        "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]")
    items = list(read_bytes(text.encode(), name="export.json", settings=SETTINGS))
    assert _kinds(items) == ["A", "A", "A"]
    broken = list(read_bytes(text[: len(text) // 2].encode(), name="export.json", settings=SETTINGS))
    assert len(broken) == 1 and broken[0].reason.startswith("invalid JSON")


def test_surrogates_in_other_fields_are_replaced(tmp_path: Path) -> None:
    """A lone surrogate the store cannot hold (UTF-8) never reaches it, whatever field carries it."""
    record = json.loads(_good_lines(1)[0])
    text = json.dumps(record, ensure_ascii=False)[:-1] + ', "author": "كاتب \\udc80", "id": "\\ud83d\\ude00"}'
    path = tmp_path / "export.jsonl"
    path.write_text(text, encoding="utf-8")
    (article,) = read_path(path, settings=SETTINGS)
    assert article.author == "كاتب \ufffd" and article.extra["id"] == "😀"  # a valid pair stays one character


def test_huge_integers_stay_strings() -> None:
    big = "9" * 5000
    record = load_json('{"text": "نص", "n": ' + big + ', "m": -12}')
    assert record == {"text": "نص", "n": big, "m": -12}
    assert load_json("1" * MAX_INT_DIGITS) == int("1" * MAX_INT_DIGITS)


def test_a_huge_integer_keeps_its_record(tmp_path: Path) -> None:
    good = _good_lines(2)
    record = json.loads(good[0]) | {"docno": 0}
    line = json.dumps(record, ensure_ascii=False).replace('"docno": 0', '"docno": ' + "7" * 5000)
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([line, good[1]]), encoding="utf-8")
    assert _kinds(list(read_path(path, settings=SETTINGS))) == ["A", "A"]


def test_an_overlong_line_is_skipped_unread_in_bounded_memory(tmp_path: Path) -> None:
    """A line over max_record_bytes is rejected without holding it: peak memory grows far less than its size."""
    good = _good_lines(2)
    small, big = tmp_path / "small.jsonl.gz", tmp_path / "big.jsonl.gz"
    with gzip.open(small, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(good))
    line = '{"text": "' + base64.b64encode(os.urandom(30_000_000)).decode() + '"}'  # 40 MB that barely compresses
    with gzip.open(big, "wt", encoding="utf-8", compresslevel=1) as fh:
        fh.write(good[0] + "\n" + line + "\n" + good[1] + "\n")
    code = f"""
import resource
from pathlib import Path
from marsad.config import Settings
from marsad.ingest.readers import read_bytes, read_path
list(read_path(Path({str(small)!r}), settings=Settings()))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
items = list(read_path(Path({str(big)!r}), settings=Settings()))
print([type(i).__name__ for i in items], items[1].record, items[1].reason)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith(f"['Article', 'Reject', 'Article'] 2 record of {len(line) + 1:,} bytes is over the limit")
    assert int(out[1]) < 20_000  # KiB: the 40 MB line was never held whole


def test_a_json_document_over_the_file_limit_is_one_reject(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, max_file_bytes=1000)
    data = ("[" + ",".join(_good_lines(3)) + "]").encode()
    items = list(read_jsonl(io.BytesIO(data), name="x.json", settings=settings))
    assert len(items) == 1 and "over the size limit of 1,000 bytes" in items[0].reason


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _csv_rows(n: int) -> list[list[str]]:
    records = [json.loads(line) for line in _good_lines(n)]
    return [[r["title"], r["text"], r["time"]] for r in records]


def test_a_csv_field_over_the_limit_costs_only_its_row(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, max_record_bytes=20_000)
    good = _csv_rows(4)
    text = _csv_text([["title", "text", "date"], *good[:2], ["big", "كلمة " * 10_000 + "\n" + "نص", "2020-01-01"],
                      *good[2:]])
    items = list(read_csv(io.BytesIO(text.encode()), name="x.csv", settings=settings))
    assert _kinds(items)[:2] == ["A", "A"] and _kinds(items)[-2:] == ["A", "A"]
    assert [i.title for i in items if isinstance(i, Article)][-2:] == [good[2][0], good[3][0]]
    assert items[2].record == 3 and "over the limit" in items[2].reason


@pytest.mark.parametrize("first", ["long", "short"], ids=["a-field-filling-the-sample", "doubled-quotes-in-the-sample"])
def test_quotes_inside_fields_are_read_whatever_the_sniffed_sample_shows(first: str) -> None:
    """The sniffer turned doubled quotes off for an Arabic field with '""' in its sample (and would for a first
    field filling the sample): the '""' then ended its field and the rows after it fell apart."""
    body = "نص " * (5_000 if first == "long" else 20)
    quoted = 'قال "المثقف" في كلمته\nسطر ثان فيه "اقتباس" آخر'
    rows = [["title", "text", "date"], ["first", body, "2020-01-01"], ["quoted", quoted, "2020-01-02"],
            ["last", "نص أخير كامل", "2020-01-03"]]
    items = list(read_csv(io.BytesIO(_csv_text(rows).encode()), name="x.csv", settings=SETTINGS))
    assert [i.title for i in items] == ["first", "quoted", "last"]
    assert '"المثقف"' in items[1].body and '"اقتباس" آخر' in items[1].body


def test_a_nul_byte_in_a_csv_keeps_the_file(tmp_path: Path) -> None:
    good = _csv_rows(3)
    rows = [["title", "text", "date"], good[0], [good[1][0], good[1][1][:50] + "\x00" + good[1][1][50:], good[1][2]], good[2]]
    path = tmp_path / "export.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    items = list(read_path(path, settings=SETTINGS))
    assert _kinds(items) == ["A", "A", "A"]


@pytest.mark.parametrize("defer", [1, 2, 64])
def test_deferred_json_lines_give_the_same_items_in_the_same_places(tmp_path: Path, defer: int) -> None:
    """read_path(defer=N) hands lines over unparsed (for the ingest workers): their items() are what reading
    gives, and a reject for an over-long line stays between the batches, in its place."""
    good = _good_lines(5)
    nested = json.dumps({"status": "ok", "articles": [json.loads(good[0]), json.loads(good[1])]}, ensure_ascii=False)
    limit = max(len(line.encode()) for line in [*good, nested]) + 10
    lines = [good[0], "", "{broken", nested, "x" * limit, good[2], good[3], good[4]]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = dataclasses.replace(SETTINGS, max_record_bytes=limit)
    plain = list(read_path(path, settings=settings))
    deferred = list(read_path(path, settings=settings, defer=defer))
    assert all(len(d.lines) <= defer for d in deferred if isinstance(d, JsonLines))
    expanded = [item for d in deferred for item in (d.items() if isinstance(d, JsonLines) else [d])]
    assert expanded == plain
    assert _kinds(plain) == ["A", "R", "A", "A", "R", "A", "A", "A"]  # the nested line gave two
    assert [d.record for d in deferred if isinstance(d, Reject)] == [5]  # the over-long line, read here


def test_a_reader_failure_in_deferred_lines_is_the_same_reject(tmp_path: Path, monkeypatch) -> None:
    """A reader bug while parsing lines ends them with the reject read_path gives, in a worker as here."""
    from marsad.ingest.readers import tabular

    def fail_on_second(record, *, number, **kw):
        if number == 2:
            raise ValueError("a reader bug")
        return real(record, number=number, **kw)

    real = tabular.record_item
    monkeypatch.setattr(tabular, "record_item", fail_on_second)
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(_good_lines(3)) + "\n", encoding="utf-8")
    plain = list(read_path(path, settings=SETTINGS))
    (lines,) = read_path(path, settings=SETTINGS, defer=10)
    assert lines.items() == plain
    assert _kinds(plain) == ["A", "R"] and "unexpected error while reading (ValueError: a reader bug)" in plain[1].reason
