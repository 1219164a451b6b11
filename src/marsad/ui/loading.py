"""Getting data in from the dashboard: the Ingest page's uploads (the demo corpus button starts a background load:
marsad.ingest.demo_background).

Uploads go through the ingestion pipeline (marsad.ingest.pipeline) with its standard after-batch steps (search
index, enrichment), exactly like ``marsad ingest``. Uploaded bytes are written to a private temporary directory
first so the pipeline reads real files (zip, warc and gzip readers need them) and nothing stays behind.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.models import IngestReport, Reject

LOGGER = logging.getLogger(__name__)
Progress = Callable[[int, int | None], None]
# Upload names come from the browser: keep letters (any script), digits, dot, dash, underscore.
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
# Extensions the Ingest page offers (the readers detect the real format from the content as well).
UPLOAD_TYPES = ("txt", "html", "htm", "jsonl", "json", "gz", "csv", "zip", "rss", "xml", "atom", "warc", "parquet")


class Upload(Protocol):
    """What st.file_uploader returns (UploadedFile): a name and the bytes."""

    name: str

    def getvalue(self) -> bytes: ...


def progress_to(bar) -> Progress:
    """A pipeline progress callback that moves a Streamlit progress bar (an indeterminate total shows as half)."""

    def update(done: int, total: int | None) -> None:
        fraction = min(done / total, 1.0) if total else 0.5
        bar.progress(fraction, text=f"{done:,}" + (f" / {total:,}" if total else ""))

    return update


def safe_upload_name(name: str, index: int) -> str:
    """A file name that cannot leave the temporary directory; the index keeps two uploads of "a.txt" apart."""
    base = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).lstrip(".") or "upload"
    return f"{index:03d}-{base}"


def ingest_uploads(uploads: Iterable[Upload], *, settings: Settings, source: str | None = None,
                   progress: Progress | None = None) -> IngestReport:
    """Write the uploads to a temporary directory and ingest them; the directory is removed afterwards."""
    from marsad.ingest.pipeline import ingest, standard_hooks

    uploads = list(uploads)
    names = {safe_upload_name(u.name, i): u.name for i, u in enumerate(uploads)}
    with tempfile.TemporaryDirectory(prefix="marsad-upload-") as tmp:
        paths: list[Path] = []
        for i, upload in enumerate(uploads):
            data = upload.getvalue()
            if len(data) > settings.max_file_bytes:
                raise RejectedInput(f"{upload.name}: larger than the {settings.max_file_bytes // 2**20} MB limit")
            path = Path(tmp) / safe_upload_name(upload.name, i)
            path.write_bytes(data)
            paths.append(path)
        report = ingest(paths, settings=settings, source=source or None, progress=progress, after_batch=standard_hooks())
    # Rejects name the temporary file; show the user's own file name instead.
    report.rejects = [_renamed(r, names) for r in report.rejects]
    return report


def _renamed(reject: Reject, names: dict[str, str]) -> Reject:
    for tmp_name, original in names.items():
        if tmp_name in reject.file:
            return dataclasses.replace(reject, file=reject.file[reject.file.index(tmp_name):].replace(tmp_name, original, 1))
    return reject
