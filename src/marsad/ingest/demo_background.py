"""The demo load in a background process (``marsad demo --in-background``): what ``make run`` (through
``marsad demo --background``) and the dashboard's "load the demo corpus" button start, so that the dashboard answers
while the corpus is stored and says how far the load is (marsad.ui.demo_notice reads marsad.ingest.demo_progress).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Literal

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.ingest.demo_progress import DemoProgress
from marsad.store import Store
from marsad.store.articles import is_empty

LOGGER = logging.getLogger(__name__)

# How long to wait for the background process to take the demo load over (it starts a fresh interpreter).
BACKGROUND_START_S = 60.0


@dataclass(frozen=True)
class BackgroundStart:
    outcome: Literal["started", "running", "has_articles"]  # started now; one was at it already; not a demo store
    pid: int | None = None  # the process started now


def start_background_load(settings: Settings) -> BackgroundStart:
    """Hand the demo load into ``settings.db_path`` (or what is left of one) to a background process, unless one is
    at it already or the store's articles are not a demo load's."""
    tracker = DemoProgress(settings.db_path)
    if tracker.running:
        return BackgroundStart("running")
    if not tracker.unfinished and not is_empty(Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)):
        return BackgroundStart("has_articles")
    return BackgroundStart("started", continue_in_background(settings, tracker))


def continue_in_background(settings: Settings, tracker: DemoProgress) -> int:
    """Start ``marsad demo --in-background`` on the store; return its pid once it holds the demo load's lock and has
    marked the load begun (or another process has: two starts at once leave one load), so that a page drawn next
    finds it running. It stays
    in this process group: Ctrl-C in the terminal of ``make run`` (or of ``marsad serve``) stops it too, and the next
    start resumes it. A thread reaps it when it ends, for a starting process that outlives it (the dashboard)."""
    cmd = [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main())",
           "demo", "--db", str(settings.db_path), "--in-background"]
    tracker.log_file.parent.mkdir(parents=True, exist_ok=True)  # a --db in a folder not made yet
    with tracker.log_file.open("ab") as log:  # the child writes through its own copy of the descriptor
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    threading.Thread(target=proc.wait, name=f"marsad-demo-{proc.pid}", daemon=True).start()
    LOGGER.info("demo load handed to process %s (output in %s)", proc.pid, tracker.log_file)
    deadline = time.monotonic() + BACKGROUND_START_S
    # Until it holds the lock AND has marked the load begun: it takes the lock first, and a page drawn in between
    # would find no load (no marker: an ordinary store) and offer the demo button again.
    while not (tracker.running and tracker.unfinished):
        if (code := proc.poll()) == 0:
            break  # over already (or another process loaded the store meanwhile)
        if code is not None:
            raise MarsadError(f"the background demo process stopped at once (exit status {code}); "
                              f"see {tracker.log_file}")
        if time.monotonic() > deadline:
            LOGGER.warning("process %s has not taken the demo load over after %s s", proc.pid, BACKGROUND_START_S)
            break  # slow to start on a busy machine: it takes over when it gets there
        time.sleep(0.05)
    return proc.pid
