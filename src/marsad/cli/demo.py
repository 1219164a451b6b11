"""Command: demo (what ``make demo`` and ``make run`` call)."""

from __future__ import annotations

import argparse
import dataclasses
import os
from datetime import datetime
from typing import TYPE_CHECKING

from marsad.cli import add_db_option, settings_from
from marsad.cli.ingest import _print_report, _progress_bar
from marsad.config import Settings

if TYPE_CHECKING:
    from marsad.ingest.demo import StageReport

# The background demo process runs its long stages at this niceness (0 normal, 19 lowest): the dashboard's page runs
# come first. Its first stages (ingest, topics: ~15 CPU-s) run at normal priority, beside the dashboard's start.
BACKGROUND_NICENESS = 10
LOW_PRIORITY_STAGES = ("enrich", "stories")
# Its writes wait this long for the dashboard's readers (a cold page run holds the store a few seconds at most).
BACKGROUND_LOCK_RETRY_S = 120.0


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

    settings = settings_from(args)
    if args.background and not args.no_enrich:
        return _start_in_background(settings)
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


def _start_in_background(settings: Settings) -> int:
    """--background: hand the demo load (or what is left of one) to a background process, unless one is at it or
    the store's articles are not a demo load's."""
    from marsad.ingest.demo_background import start_background_load
    from marsad.ingest.demo_progress import DemoProgress

    started = start_background_load(settings)
    log_file = DemoProgress(settings.db_path).log_file
    if started.outcome == "running":
        print(f"{settings.db_path}: the demo corpus is being loaded in the background already (see {log_file})")
    elif started.outcome == "has_articles":
        print(f"{settings.db_path} already has articles; demo corpus not loaded again")
    else:
        print(f"the demo corpus is being loaded in the background (process {started.pid}, output in {log_file}); "
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
