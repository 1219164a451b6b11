"""Parquet exports: the same articles as the same records in JSONL, the same mapping, per-row rejects and limits;
a file pyarrow cannot open is one reject naming it."""

import dataclasses
import json
import zipfile

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, read_records, write_parquet

from marsad.cli import main
from marsad.config import Settings
from marsad.ingest.pipeline import estimate_records, ingest
from marsad.ingest.readers import read_bytes, read_path
from marsad.ingest.readers.parquet import read_parquet, record_chars, row_group_shares
from marsad.ingest.readers.sniff import sniff
from marsad.models import Article, Reject

SETTINGS = Settings()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    # Arabic records across outlets (nested and missing fields vary) and English wire stories with datelines.
    return [*read_records(ANT_SAMPLE, 30, step=97), *read_records(REUTERS_SAMPLE, 10)]


def _as_jsonl(records: list[dict], path):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _comparable(item: Article | Reject, name: str) -> dict | str:
    """An item with the file name taken out of its origin (or reject line)."""
    if isinstance(item, Reject):
        return str(item).replace(name, "FILE")
    return dataclasses.asdict(item) | {"origin": item.origin.replace(name, "FILE")}


@pytest.mark.parametrize("row_group_size", [None, 7])  # one row group; several, with a batch split across them
def test_the_same_articles_as_the_same_records_in_jsonl(tmp_path, records, row_group_size):
    jsonl = _as_jsonl(records, tmp_path / "x.jsonl")
    parquet = write_parquet(records, tmp_path / "x.parquet", row_group_size=row_group_size)
    expected = [_comparable(i, str(jsonl)) for i in read_path(jsonl, settings=SETTINGS)]
    got = [_comparable(i, str(parquet)) for i in read_path(parquet, settings=SETTINGS)]
    assert got == expected
    assert len(got) == len(records) and all(isinstance(i, dict) for i in got)
    assert got[3]["origin"] == "FILE#4"


def test_ingest_stores_the_same_articles_as_from_jsonl(tmp_path, records):
    stored = {}
    for suffix, write in (("jsonl", _as_jsonl), ("parquet", write_parquet)):
        db = tmp_path / f"{suffix}.duckdb"
        report = ingest([write(records, tmp_path / f"x.{suffix}")], settings=Settings.load(db_path=db), workers=0)
        assert (report.read, report.rejected) == (len(records), 0)
        with duckdb.connect(str(db), read_only=True) as con:
            stored[suffix] = con.execute(
                "SELECT id, content_hash, title, lead, body, language, published_at, published_tz, author, dateline, "
                "category, url, duplicate_of, replace(origin, '.parquet', '.jsonl') FROM articles ORDER BY id").fetchall()
    assert stored["parquet"] == stored["jsonl"]
    assert len(stored["parquet"]) > 30


def test_cli_ingest_reads_a_parquet_file(tmp_path, records, capsys):
    path = write_parquet(records[:5], tmp_path / "export.parquet")
    assert main(["ingest", str(path), "--db", str(tmp_path / "s.duckdb"), "--no-enrich"]) == 0
    assert capsys.readouterr().out.startswith("read 5, stored 5,")


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _bad_footer(data: bytes) -> bytes:
    return data[:-12] + b"\xff" * 8 + data[-4:]  # the footer's length and the closing PAR1 kept, its bytes not


@pytest.mark.parametrize("damage", [_truncated, _bad_footer, lambda _: b"PAR1" + b"\x00" * 40,
                                    lambda _: b"title,text\nnot,parquet\n"], ids=["truncated", "footer", "magic-only", "csv"])
def test_a_file_pyarrow_cannot_open_is_one_reject_naming_it(tmp_path, records, damage):
    good = write_parquet(records[:5], tmp_path / "good.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(damage(good.read_bytes()))
    items = list(read_path(bad, settings=SETTINGS))
    assert len(items) == 1 and isinstance(items[0], Reject)
    line = str(items[0])
    assert line.startswith(str(bad)) and "not a readable Parquet file" in line and "\n" not in line


def test_a_damaged_page_costs_the_rest_of_its_row_group_only(tmp_path, records):
    path = write_parquet(records[:30], tmp_path / "x.parquet", row_group_size=10)
    text = pq.ParquetFile(path).metadata.row_group(1).column(list(records[0]).index("text"))
    data = bytearray(path.read_bytes())
    middle = text.data_page_offset + text.total_compressed_size // 2
    data[middle : middle + 64] = b"\xee" * 64  # inside the compressed text of the second row group
    path.write_bytes(bytes(data))
    items = list(read_path(path, settings=SETTINGS))
    [reject] = [i for i in items if isinstance(i, Reject)]
    assert reject.record is None and "corrupt Parquet data in row group" in reject.reason and "not read" in reject.reason
    assert len(items) == 21 and sum(isinstance(i, Article) for i in items) == 20  # the two other row groups whole


def test_a_row_whose_text_is_not_utf8_is_rejected_alone(tmp_path):
    """A damaged byte inside an uncompressed string: pyarrow reads the page, Python cannot decode that value."""
    bodies = [f"نص الخبر رقم {n} عن الانتخابات في بغداد." for n in range(5)]
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"text": bodies}), path, compression="none", use_dictionary=False)
    data = path.read_bytes()
    at = data.index("رقم 2".encode()) + 1  # the second byte of a two-byte letter
    path.write_bytes(data[:at] + b"\xff" + data[at + 1 :])
    items = list(read_path(path, settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject", "Article", "Article"]
    assert items[2].record == 3 and items[2].reason.startswith("row does not decode as UTF-8")
    assert items[3].body == bodies[3]


def test_map_names_the_text_column_and_a_file_without_one_is_rejected(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"head": ["عنوان الخبر"], "nass": ["نص الخبر الكامل عن الانتخابات في بغداد."]}), path)
    [reject] = read_path(path, settings=SETTINGS)
    assert isinstance(reject, Reject) and reject.record is None and "no text column (columns: head, nass)" in reject.reason
    [article] = read_path(path, settings=SETTINGS, mapping={"body": "nass", "title": "head"})
    assert (article.title, article.body) == ("عنوان الخبر", "نص الخبر الكامل عن الانتخابات في بغداد.")
    [reject] = read_path(path, settings=SETTINGS, mapping={"body": "missing"})
    assert "no column 'missing'" in reject.reason


def test_rows_over_the_record_limit_and_without_text_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"title": ["a", "b", "c"], "text": ["نص قصير للخبر", "س" * 500, None]}), path)
    items = list(read_path(path, settings=dataclasses.replace(SETTINGS, max_record_bytes=100)))
    assert isinstance(items[0], Article) and items[0].origin == f"{path}#1"
    assert [(i.record, i.reason.split(" (")[0]) for i in items[1:]] == [
        (2, "row of 501 characters is over the limit of 100"), (3, "record without text")]


def test_typed_columns_become_article_fields(tmp_path):
    """Typed timestamps, nested sources and lists of authors, as Parquet writers type them."""
    from datetime import UTC, datetime

    table = pa.table({
        "text": ["نص الخبر الكامل عن الانتخابات في بغداد."] * 2,
        "published": pa.array([datetime(2024, 3, 1, 9, 30, tzinfo=UTC), None], pa.timestamp("us", tz="UTC")),
        "source": [{"id": "aljazeera", "name": "الجزيرة"}, {"id": None, "name": "المدى"}],
        "authors": [["أحمد علي", "سارة حسن"], []],
        "views": [12, 7],
    })
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    first, second = read_path(path, settings=SETTINGS)
    assert first.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC) and first.published_tz == "+00:00"
    assert first.author == "أحمد علي, سارة حسن" and first.source_name == "الجزيرة" and first.extra == {"views": 12}
    assert second.published_at is None and second.source_name == "المدى"


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("x.parquet", b"PAR1\x15\x04", "parquet"),
    ("x.parquet.gz", b"PAR1", "parquet"),
    ("export", b"PAR1\x15\x04", "parquet"),
    ("export.csv", b"PAR1\x15\x04", "parquet"),  # the magic wins over a wrong name
    ("export.csv", b"title,text\na,b\n", "csv"),
])
def test_sniff(name, head, expected):
    assert sniff(name, head) == expected


def test_a_parquet_member_of_a_zip_and_bytes_in_memory(tmp_path, records):
    data = write_parquet(records[:4], tmp_path / "x.parquet").read_bytes()
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inner/export.parquet", data)
    items = list(read_path(archive, settings=SETTINGS))
    assert [i.origin for i in items] == [f"{archive}!inner/export.parquet#{n}" for n in range(1, 5)]
    assert [i.title for i in read_bytes(data, name="upload", settings=SETTINGS)] == [i.title for i in items]


def test_row_groups_read_apart_number_rows_as_the_whole_file(tmp_path, records):
    path = write_parquet(records, tmp_path / "x.parquet", row_group_size=15)
    shares = row_group_shares(path, 1)  # every row group over the limit: a share of its own
    assert shares == [([0], 0), ([1], 15), ([2], 30)]
    whole = [i.origin for i in read_path(path, settings=SETTINGS)]
    parts = [i.origin for groups, _ in shares for i in read_parquet(path, name=str(path), settings=SETTINGS, row_groups=groups)]
    assert parts == whole and len(whole) == len(records)
    assert row_group_shares(path, 10**9) == [([0, 1, 2], 0)]
    assert row_group_shares(tmp_path / "missing.parquet", 1) == []


def test_record_chars():
    assert record_chars({"a": "نص", "b": b"\x00\x01\x02", "c": 12, "d": None}) == 5


def test_ingest_progress_knows_the_rows_of_a_parquet_file(tmp_path, records):
    path = write_parquet(records, tmp_path / "x.parquet", row_group_size=7)
    assert estimate_records([path]) == len(records)
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    assert estimate_records([path, tmp_path / "bad.parquet"]) is None
