import gzip
import json
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, SEED, read_lines, read_records, reuters_time

from marsad.cli import main
from marsad.cli.ingest import parse_mapping
from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.demo import demo_files


def _head(src: Path, dest: Path, n: int) -> Path:
    with gzip.open(dest, "wt", encoding="utf-8") as out:
        out.writelines(read_lines(src, n))
    return dest


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_prints_summary_and_rerun_adds_nothing(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    data = _head(ANT_SAMPLE, tmp_path / "ant.jsonl.gz", 80)
    code, out, _ = _run(capsys, "ingest", str(data), "--db", db, "--no-enrich")
    assert code == 0
    assert out.startswith("read 80, stored ") and "exact duplicates" in out and "near-duplicates" in out
    assert "rejected 0, undated 0" in out
    code, out, _ = _run(capsys, "ingest", str(data), "--db", db, "--no-enrich", "--json")
    report = json.loads(out)
    assert code == 0 and report["stored"] == 0 and report["exact_duplicates"] == 80


def test_ingest_lists_rejects_and_writes_them_to_a_file(tmp_path, capsys):
    lines = read_lines(REUTERS_SAMPLE, 3)
    data = tmp_path / "mixed.jsonl"
    data.write_text(lines[0] + '{"title": "truncated\n' + lines[1], encoding="utf-8")
    rejects = tmp_path / "rejects.txt"
    code, out, err = _run(capsys, "ingest", str(data), "--db", str(tmp_path / "s.duckdb"), "--no-enrich",
                          "--rejects", str(rejects))
    assert code == 0 and "rejected 1" in out
    assert "mixed.jsonl#2" in err and str(rejects) in err
    assert rejects.read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff" * 100])
def test_ingest_exits_non_zero_only_when_nothing_could_be_read(tmp_path, capsys, content):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    code, out, err = _run(capsys, "ingest", str(bad), "--db", str(tmp_path / "s.duckdb"), "--no-enrich")
    assert code == 1 and "read 0" in out and "bad.jsonl" in err


def test_ingest_with_source_and_map_override(tmp_path, capsys):
    rows = read_records(REUTERS_SAMPLE, 5)
    data = tmp_path / "renamed.jsonl"
    data.write_text("".join(json.dumps({"headline": r["title"], "story": r["body"], "when": r["date"]}) + "\n"
                            for r in rows), encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    code, out, _ = _run(capsys, "ingest", str(data), "--db", db, "--no-enrich", "--source", "Reuters Wire",
                        "--map", "title=headline", "--map", "body=story", "--map", "published_at=when")
    assert code == 0 and "stored 5" in out
    code, out, _ = _run(capsys, "stats", "--db", db, "--json")
    result = json.loads(out)
    assert result["sources"] == 1 and result["languages"] == {"en": 5} and result["undated"] == 0
    assert result["first_date"].startswith(min(reuters_time(r) for r in rows).date().isoformat())


def test_bad_map_argument_is_a_clear_error(tmp_path, capsys):
    code, _, err = _run(capsys, "ingest", str(SEED), "--db", str(tmp_path / "s.duckdb"), "--map", "title")
    assert code == 2 and "FIELD=COLUMN" in err


@pytest.mark.parametrize(("pairs", "expected"), [([], None), (["title=headline", " body = text "], {"title": "headline", "body": "text"})])
def test_parse_mapping(pairs, expected):
    assert parse_mapping(pairs) == expected


def test_parse_mapping_rejects_empty_sides():
    with pytest.raises(RejectedInput):
        parse_mapping(["=x"])


def test_inspect_seed_json(tmp_path, capsys):
    code, out, _ = _run(capsys, "inspect", str(SEED), "--json", "--no-enrich")
    record = json.loads(out)
    assert code == 0
    assert {"title", "published_at", "source", "dateline", "language", "body", "url", "author"} <= record.keys()
    assert record["published_at"] == "2020-09-25T21:32:00+03:00"
    assert record["language"] == "ar" and record["dateline"] == "بغداد"
    assert record["body"].startswith("وجّه رئيس الحكومة")


def test_inspect_first_record_of_an_export(capsys):
    code, out, _ = _run(capsys, "inspect", str(REUTERS_SAMPLE), "--json", "--no-enrich")
    record = json.loads(out)
    [first] = read_records(REUTERS_SAMPLE, 1)
    assert code == 0 and record["title"] == first["title"] and record["language"] == "en"
    assert record["published_at"].startswith(reuters_time(first).isoformat())


def test_inspect_of_nothing_readable_fails_clearly(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = _run(capsys, "inspect", str(empty), "--json")
    assert code == 2 and "empty.txt" in err


def test_stats_on_an_empty_store(tmp_path, capsys):
    from marsad.store import Store

    Store(tmp_path / "new.duckdb").ensure_schema()
    code, out, _ = _run(capsys, "stats", "--db", str(tmp_path / "new.duckdb"), "--json")
    result = json.loads(out)
    assert code == 0
    assert result == {"articles": 0, "sources": 0, "languages": {}, "undated": 0, "duplicates": 0,
                      "first_date": None, "last_date": None}


def test_stats_does_not_create_a_missing_store(tmp_path, capsys):
    code, out, err = _run(capsys, "stats", "--db", str(tmp_path / "typo.duckdb"))
    assert code == 2 and out == ""
    assert "typo.duckdb: no store there" in err
    assert list(tmp_path.iterdir()) == []


def test_shipped_demo_corpus_covers_outlets_and_languages():
    files = demo_files(Settings.load(env={}))
    assert [f.name for f in files] == ["ant_v2.1_sample.jsonl.gz", "nas_2020-09-25_iraq-syria-border.txt",
                                       "reuters21578_sample.jsonl.gz"]
    assert sum(f.stat().st_size for f in files) < 5_000_000  # "a few MB"
    with gzip.open(files[0], "rt", encoding="utf-8") as fh:
        outlets = {json.loads(line)["src"] for line in fh}
    assert outlets == {"alarabia", "BBC", "CNN", "france24", "skynews"}


@pytest.mark.parametrize(
    ("sample", "corpus"),
    [(ANT_SAMPLE, "ant_v2.1_multisource.jsonl.gz"), (REUTERS_SAMPLE, "reuters21578.jsonl.gz")],
    ids=["ant", "reuters"],
)
def test_shipped_demo_records_are_unchanged_lines_of_the_corpora(shared, sample, corpus):
    # data/README.md promises original records; the suite relies on the demo samples being real data.
    assert set(read_lines(sample)) <= set(read_lines(shared / "corpora" / corpus))


def test_shipped_seed_page_is_the_shared_one(shared):
    assert SEED.read_bytes() == (shared / "seed" / SEED.name).read_bytes()
