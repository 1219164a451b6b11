"""Where a demo load stands: for ``marsad demo`` re-runs (resume, never redo) and the dashboard's notice.

Files beside the store (named after its full file name, like its search index and topic models):

- ``<store>.demo.json`` exists from the moment ``marsad demo`` starts loading the demo corpus into an empty store
  until its last stage is done. It says which stage is under way and whether the ingest stage finished (a kill
  during it leaves part of the corpus stored; the next run stores the rest, exact duplicates being skipped). A
  store without it is either complete or not a demo load at all: ``marsad demo`` then leaves it alone.
- ``<store>.demo.lock``: the process working on the load holds an exclusive ``flock`` on it while it works. The
  operating system drops the lock when that process ends, however it ends, so the lock (unlike a pid in a file)
  tells a running load from one that was stopped, and two runs never work on one store at once.
- ``<store>.demo.log``: what the background process (``marsad demo --background``) prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import StoreBusy
from marsad.store import Store
from marsad.store.enrichment import enrichment_counts

LOGGER = logging.getLogger(__name__)

MARKER_SUFFIX = ".demo.json"
LOCK_SUFFIX = ".demo.lock"
LOG_SUFFIX = ".demo.log"


@dataclass(frozen=True)
class DemoStatus:
    """An unfinished demo load as the dashboard shows it; the counts are the store's own."""

    stage: str  # the stage under way (or cut short): marsad.ingest.demo.STAGES
    running: bool  # a process is working on it now
    articles: int  # articles stored so far
    enriched: int  # of those, enriched (entities, places, keywords)


class DemoProgress:
    """The marker and lock files of the demo load into the store at ``db_path``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.marker = self._beside(MARKER_SUFFIX)
        self.lock_file = self._beside(LOCK_SUFFIX)
        self.log_file = self._beside(LOG_SUFFIX)

    def _beside(self, suffix: str) -> Path:
        return self.db_path.with_name(self.db_path.name + suffix)

    # -- the marker ----------------------------------------------------------------------------------
    def _read(self) -> dict[str, object] | None:
        try:
            return json.loads(self.marker.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # cut short while written: the load is unfinished, from the start
            LOGGER.warning("%s: unreadable (%s); the demo load starts over where the store stands", self.marker, exc)
            return {}

    def _write(self, state: dict[str, object]) -> None:
        tmp = self.marker.with_name(self.marker.name + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        tmp.replace(self.marker)  # whole or not at all: a reader never sees half a file

    @property
    def unfinished(self) -> bool:
        return self._read() is not None

    @property
    def ingested(self) -> bool:
        return bool((self._read() or {}).get("ingested"))

    @property
    def stage(self) -> str:
        return str((self._read() or {}).get("stage") or "ingest")

    def begin(self) -> None:
        """A demo load into an empty store starts."""
        self._write({"stage": "ingest", "ingested": False})

    def enter(self, stage: str) -> None:
        self._write({**(self._read() or {}), "stage": stage})

    def mark_ingested(self) -> None:
        self._write({**(self._read() or {}), "ingested": True})

    def finish(self) -> None:
        """Every stage is done: the store is an ordinary store from now on."""
        self.marker.unlink(missing_ok=True)

    # -- the lock ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Work on the load: the lock for as long as the block runs; ``StoreBusy`` when another process has it."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy(f"{self.db_path.name}: the demo corpus is being loaded into it by another process "
                                f"(its output: {self.log_file})", detail=str(exc)) from exc
            yield
        finally:
            os.close(fd)  # closing the descriptor drops the lock

    @property
    def running(self) -> bool:
        """A process holds the lock (probed with a shared lock, dropped at once)."""
        try:
            fd = os.open(self.lock_file, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    # -- for the dashboard ---------------------------------------------------------------------------
    def running_stage(self) -> str | None:
        """The stage of a load under way now: a process holds the lock and the marker is there (it takes the lock
        before it writes the marker, and removes the marker before it lets the lock go). None otherwise."""
        if not self.running:
            return None
        state = self._read()
        return None if state is None else str(state.get("stage") or "ingest")

    def status(self, store: Store) -> DemoStatus | None:
        """The unfinished load's stage and counts; None when there is none (a complete or ordinary store)."""
        if not self.unfinished:
            return None
        articles, enriched = enrichment_counts(store) if store.exists else (0, 0)
        return DemoStatus(stage=self.stage, running=self.running, articles=articles, enriched=enriched)
