"""Uploads from the Ingest page: safe temporary names and rejects reported under the user's file name."""

from dataclasses import dataclass

import pytest
from conftest import ANT_SAMPLE, read_lines

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ui import loading


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
    lines = "".join(read_lines(ANT_SAMPLE, 3))
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


def test_the_upload_takes_every_format_the_readers_read():
    from marsad.ingest.formats import FORMATS
    from marsad.ingest.readers.sniff import sniff
    from marsad.ui.loading import UPLOAD_TYPES

    assert {sniff(f"upload.{ext}", b"") for ext in UPLOAD_TYPES if ext != "gz"} >= set(FORMATS) - {"auto"}
