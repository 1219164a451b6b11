"""``marsad report``: a self-contained HTML or PDF briefing of a monitor or of any filters over a period."""

from __future__ import annotations

import argparse
from pathlib import Path

from marsad.cli import add_db_option, existing_store
from marsad.cli.analytics import FILTER_DESTS, add_filters, query_from_args
from marsad.errors import MarsadError


def _briefing_query(args: argparse.Namespace, store) -> tuple[object, str]:
    """The Query of the briefing (the monitor's, or the filter options', over --since/--until) and its title."""
    query = query_from_args(args, since_required=True)
    if args.monitor:
        from marsad.monitor import load_monitor

        given = [f"--{name.replace('_', '-')}" for name in FILTER_DESTS if getattr(args, name)]
        if given:
            raise MarsadError(f"--monitor takes its filters from the monitor; leave out {', '.join(given)}")
        monitor = load_monitor(store, args.monitor)
        return monitor.query.replace(start=query.start, end=query.end), args.title or monitor.name
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
    p.add_argument("--out", type=Path, required=True, help="FILE.html or FILE.pdf")
    p.add_argument("--monitor", help="the saved monitor (marsad monitors list) whose filters to brief on")
    add_filters(p, since_help="first UTC day of the briefing (inclusive; required)",
                until_help="last UTC day (inclusive; default: up to the latest article)")
    p.add_argument("--title", help="the briefing's title (default: the monitor's name, else the search or the entities' names)")
    p.add_argument("--report-lang", choices=["ar", "en"], default="ar", help="the briefing's own words (default: ar)")
    p.set_defaults(func=cmd_report)
