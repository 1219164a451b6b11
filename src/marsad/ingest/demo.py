"""The demo corpus in ``data/demo/`` (see ``data/README.md``): loaded by ``marsad demo`` and ``make run``
into an empty store, and by the dashboard's "load the demo corpus" button."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.pipeline import AfterBatch, Progress, ingest
from marsad.models import IngestReport
from marsad.store import Store
from marsad.store.articles import is_empty

LOGGER = logging.getLogger(__name__)

DEMO_SUBDIR = "demo"
# The corpus files: exports the readers handle (gzip JSONL) and the seed page (plain text).
DEMO_SUFFIXES = (".jsonl.gz", ".txt")


def demo_files(settings: Settings) -> list[Path]:
    """The demo corpus files, in a fixed order (so article ids are the same on every machine)."""
    folder = settings.data_dir / DEMO_SUBDIR
    return sorted(p for p in folder.glob("*") if p.is_file() and p.name.endswith(DEMO_SUFFIXES))


def load_demo(
    *,
    settings: Settings,
    progress: Progress | None = None,
    after_batch: Sequence[AfterBatch] = (),
    store: Store | None = None,
    fit_topics: bool = False,
) -> IngestReport | None:
    """Load the demo corpus when the store is empty; ``None`` (nothing done) when it already has articles.

    ``fit_topics``: then fit the topic model (``marsad.ingest.topics.fit``), so that a
    fresh dashboard has topics to show; new articles are assigned to them by the after-batch hook.
    """
    store = store or Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    if not is_empty(store):
        LOGGER.info("%s already has articles; demo corpus not loaded", store.path)
        return None
    files = demo_files(settings)
    if not files:
        raise RejectedInput(f"{settings.data_dir / DEMO_SUBDIR}: no demo corpus files found (see data/README.md)")
    # The seed page (plain text) has no outlet field: its dateline names it (ناس), which the text reader finds.
    report = ingest(files, settings=settings, progress=progress, after_batch=after_batch, store=store)
    if fit_topics and report.stored:
        from marsad.ingest.topics import fit

        LOGGER.info("demo corpus: topic model fitted (%s)", fit(store))
    return report
