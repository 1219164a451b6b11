"""Uploads from the Ingest page: safe temporary names and rejects reported under the user's file name."""

import gzip
from dataclasses import dataclass
from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ui import loading

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "000-passwd"),
        ("C:\\Users\\x\\feed.xml", "000-feed.xml"),
        ("أخبار اليوم.jsonl", "000-أخبار_اليوم.jsonl"),
        (".hidden", "000-hidden"),
        ("", "000-upload"),
    ],
)
def test_safe_upload_name(name, expected):
    assert loading.safe_upload_name(name, 0) == expected


@dataclass
class FakeUpload:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def test_ingest_uploads_stores_and_names_rejects_by_upload(tmp_path):
    settings = Settings.load(db_path=tmp_path / "s.duckdb", env={})
    with gzip.open(SHARED / "corpora" / "ant_v2.1_multisource.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = "".join(next(fh) for _ in range(3))
    report = loading.ingest_uploads(
        [FakeUpload("ant.jsonl", lines.encode()), FakeUpload("empty.txt", b"")], settings=settings
    )
    assert report.stored == 3
    assert report.rejects and all("empty.txt" in r.file for r in report.rejects)
    assert not any("marsad-upload-" in r.file for r in report.rejects)


def test_oversized_upload_is_rejected(tmp_path):
    settings = Settings.load(db_path=tmp_path / "s.duckdb", env={}, max_file_bytes=10)
    with pytest.raises(RejectedInput, match="big.txt"):
        loading.ingest_uploads([FakeUpload("big.txt", b"x" * 11)], settings=settings)
