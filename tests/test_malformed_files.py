"""bench/malformed_files.py in CI: one file of each malformed kind beside planted good records, read by one
`marsad ingest` subprocess: no traceback, every reject one line naming its file, no malformed file left without
an article or a reject, no good record lost."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import malformed_files  # noqa: E402


@pytest.mark.slow
def test_one_file_of_each_malformed_kind_costs_only_itself(tmp_path):
    out = malformed_files.run(len(malformed_files.KINDS), enrich=False, work=tmp_path)
    assert out.returncode == 0 and out.tracebacks == 0
    assert out.bad_rejects == [] and out.silent == []
    assert out.lost == [] and out.kept == out.planted >= 100


def test_every_kind_is_built_and_good_records_are_marked(tmp_path):
    built = malformed_files.build(tmp_path / "in", 3)
    assert sorted(built.malformed.values()) == sorted(list(malformed_files.KINDS)[:3])
    assert len(list((tmp_path / "in").iterdir())) == 3 + 4 * malformed_files.GOOD_FILES_PER_FORMAT
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "in").iterdir())
    assert set(malformed_files.MARK.findall(text)) == built.planted
