"""``marsad report``: a self-contained HTML or PDF briefing of a monitor or of any filters over a period."""

from __future__ import annotations

import argparse
from pathlib import Path

from marsad.cli import add_db_option, existing_store
from marsad.cli.analytics import _date
from marsad.errors import MarsadError

# The options that narrow a Query: with --monitor the monitor's own Query says all of that.
FILTER_OPTIONS = ("query", "lang", "source", "entity", "topic", "include_duplicates")


def _briefing_query(args: argparse.Namespace, store) -> tuple[object, str]:
    """The Query of the briefing (the monitor's, or the filter options', over --since/--until) and its title."""
    from marsad.analytics import Query

    if args.monitor:
        from marsad.monitor import load_monitor

        given = [f"--{name.replace('_', '-')}" for name in FILTER_OPTIONS if getattr(args, name)]
        if given:
            raise MarsadError(f"--monitor takes its filters from the monitor; leave out {', '.join(given)}")
        monitor = load_monitor(store, args.monitor)
        return monitor.query.replace(start=args.since, end=args.until), args.title or monitor.name
    query = Query(
        text=args.query or "",
        start=args.since,
        end=args.until,
        languages=args.lang,
        sources=args.source,
        entities=args.entity,
        topics=args.topic,
        include_duplicates=args.include_duplicates,
    )
    return query, args.title or ""


def cmd_report(args: argparse.Namespace) -> int:
    """Write a briefing of a monitor or of filters (key figures, coverage chart, top people/organisations/places,
    top stories, spikes and the articles with links) as one self-contained .html or .pdf file, Arabic right to
    left."""
    from marsad.report import FORMATS, check_pdf, write_briefing

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise MarsadError(f"{args.out.name}: a briefing is written as .html or .pdf")
    if fmt == "pdf":
        check_pdf()  # say what is missing before any work
    store = existing_store(args)
    query, title = _briefing_query(args, store)
    size = write_briefing(store, query, args.out, title=title, lang=args.report_lang)
    print(f"{args.out}: {size:,} bytes")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help=cmd_report.__doc__, description=cmd_report.__doc__)
    add_db_option(p)
    p.add_argument("--since", type=_date, required=True, help="first UTC day of the briefing (inclusive)")
    p.add_argument("--until", type=_date, help="last UTC day (inclusive; default: up to the latest article)")
    p.add_argument("--out", type=Path, required=True, help="FILE.html or FILE.pdf")
    p.add_argument("--monitor", help="the saved monitor (marsad monitors list) whose filters to brief on")
    p.add_argument("--query", help='search expression, e.g. الحدود AND "قوات سوريا الديمقراطية"')
    p.add_argument("--lang", action="append", default=[], help="article language code (repeatable)")
    p.add_argument("--source", action="append", default=[], help="source key (repeatable)")
    p.add_argument("--entity", action="append", default=[], help="entity key such as org:isis (repeatable)")
    p.add_argument("--topic", action="append", default=[], help="topic id (repeatable)")
    p.add_argument("--include-duplicates", action="store_true", help="count near-duplicates too")
    p.add_argument("--title", help="the briefing's title (default: the monitor's name, else the search or the entities' names)")
    p.add_argument("--report-lang", choices=["ar", "en"], default="ar", help="the briefing's own words (default: ar)")
    p.set_defaults(func=cmd_report)
