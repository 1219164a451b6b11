"""Command: demo (what ``make demo`` and ``make run`` call)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING

from marsad.cli import add_db_option, settings_from
from marsad.cli.ingest import _print_report, _progress_bar
from marsad.config import Settings
from marsad.errors import MarsadError

if TYPE_CHECKING:
    from marsad.ingest.demo import StageReport
    from marsad.ingest.demo_progress import DemoProgress

# The background demo process runs its long stages at this niceness (0 normal, 19 lowest): the dashboard's page runs
# come first. Its first stages (ingest, topics: ~15 CPU-s) run at normal priority, beside the dashboard's start.
BACKGROUND_NICENESS = 10
LOW_PRIORITY_STAGES = ("enrich", "stories")
# Its writes wait this long for the dashboard's readers (a cold page run holds the store a few seconds at most).
BACKGROUND_LOCK_RETRY_S = 120.0
# How long to wait for the background process to take the demo load over (it starts a fresh interpreter).
BACKGROUND_START_S = 60.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="load the demo corpus (data/demo) into an empty store", description=cmd_demo.__doc__)
    add_db_option(p)
    p.add_argument("--no-enrich", action="store_true", help="store and index the articles only: no enrichment, "
                                                            "topics or stories")
    p.add_argument("--background", action="store_true",
                   help="load in a background process and return at once (make run: the dashboard starts meanwhile "
                        "and says how far the load is)")
    p.add_argument("--in-background", action="store_true", help=argparse.SUPPRESS)  # that background process
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo corpus from data/demo into an empty store, in stages: ingest (with the search index), topics,
    enrichment (entities, places, keywords; in 2 processes), stories. Each stage is skipped when it is done
    already, so a second run adds nothing and a run cut short resumes where it stopped.

    With --background (what `make run` uses) the stages run in a background process (enrichment and stories at
    lower priority; its output in STORE.demo.log) and the command returns at once, so the dashboard starts while
    the articles are being stored, and says on every page how far the load is. Ctrl-C in the same terminal stops
    that process too; the next run resumes it.
    """
    from marsad.ingest.demo import load_demo
    from marsad.ingest.demo_progress import DemoProgress

    settings = settings_from(args)
    tracker = DemoProgress(settings.db_path)
    if args.background and not args.no_enrich:
        return _start_in_background(settings, tracker)
    if args.in_background:
        settings = dataclasses.replace(settings, lock_retry_seconds=max(settings.lock_retry_seconds,
                                                                        BACKGROUND_LOCK_RETRY_S))
        print(f"{datetime.now():%Y-%m-%d %H:%M:%S} demo load in process {os.getpid()}", flush=True)
    update, close = _progress_bar("demo corpus")
    try:
        report = load_demo(settings=settings, enrich=not args.no_enrich,
                           progress=None if args.in_background else update, bars=not args.in_background,
                           before_stage=_lower_priority_for_long_stages if args.in_background else None,
                           after_stage=_print_stage)
    finally:
        close()
    if report is None:
        print(f"{settings.db_path} already has articles; demo corpus not loaded again")
        return 0
    if report.ingest is not None:
        _print_report(report.ingest, rejects_file=None, db=settings.db_path, as_json=False)
    if args.in_background:
        print(f"{datetime.now():%Y-%m-%d %H:%M:%S} demo load finished", flush=True)
    return 0 if report.ingest is None or report.ingest.read else 1


def _start_in_background(settings: Settings, tracker: DemoProgress) -> int:
    """--background: hand the demo load (or what is left of one) to a background process, unless one is at it or
    the store's articles are not a demo load's."""
    from marsad.store import Store
    from marsad.store.articles import is_empty

    if tracker.running:
        print(f"{settings.db_path}: the demo corpus is being loaded in the background already (see {tracker.log_file})")
        return 0
    if not tracker.unfinished and not is_empty(Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)):
        print(f"{settings.db_path} already has articles; demo corpus not loaded again")
        return 0
    pid = continue_in_background(settings, tracker)
    print(f"the demo corpus is being loaded in the background (process {pid}, output in {tracker.log_file}); "
          "the dashboard says how far it is")
    return 0


def _print_stage(stage: StageReport) -> None:
    """One line as each stage ends (the background process's log shows where it is)."""
    print(f"{stage.stage}: {stage.summary} ({stage.seconds:.1f} s, {stage.cpu_seconds:.1f} CPU-s)", flush=True)


def _lower_priority_for_long_stages(stage: str) -> None:
    """Background process: niceness BACKGROUND_NICENESS from the first long stage on (worker processes inherit it;
    it cannot be raised back, which nothing needs)."""
    if stage in LOW_PRIORITY_STAGES and os.getpriority(os.PRIO_PROCESS, 0) < BACKGROUND_NICENESS:
        os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICENESS)


def continue_in_background(settings: Settings, tracker: DemoProgress) -> int:
    """Start ``marsad demo --in-background`` on the store; return its pid once it holds the demo load's lock, so
    that a dashboard started next finds it running. It stays in this process group: Ctrl-C stops it too."""
    cmd = [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main())",
           "demo", "--db", str(settings.db_path), "--in-background"]
    tracker.log_file.parent.mkdir(parents=True, exist_ok=True)  # a --db in a folder not made yet
    with tracker.log_file.open("ab") as log:  # the child writes through its own copy of the descriptor
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + BACKGROUND_START_S
    while not tracker.running:
        if proc.poll() is not None:
            raise MarsadError(f"the background demo process stopped at once (exit status {proc.returncode}); "
                              f"see {tracker.log_file}")
        if time.monotonic() > deadline:
            break  # slow to start on a busy machine: it takes over when it gets there
        time.sleep(0.05)
    return proc.pid
