"""Commands: ``monitors add``, ``monitors list``, ``monitors remove``."""

from __future__ import annotations

import argparse
import json
import sys

from marsad.cli import add_db_option, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitors", help="saved monitors: add, list, remove", description=__doc__)
    msub = p.add_subparsers(dest="monitors_command", required=True, metavar="ACTION")

    a = msub.add_parser("add", help="save a monitor (what matches now is its baseline)", description=cmd_add.__doc__)
    a.add_argument("name", metavar="NAME", help="the monitor's name (one line)")
    a.add_argument("--query", default="", metavar="Q", help="search expression (the search box's syntax)")
    a.add_argument("--entity", action="append", default=[], help="entity key such as org:isis (repeatable; all must match)")
    a.add_argument("--source", action="append", default=[], help="source key (repeatable; any)")
    a.add_argument("--lang", action="append", default=[], help="language code (repeatable; any)")
    a.add_argument("--topic", action="append", default=[], help="topic id (repeatable; any)")
    a.add_argument("--include-duplicates", action="store_true", help="near-duplicates count as new articles too")
    a.add_argument("--webhook", metavar="URL", help="http(s) URL receiving a JSON POST per alert")
    a.add_argument("--email", metavar="ADDR", help="address receiving a mail per alert (SMTP settings: docs/monitors.md)")
    add_db_option(a)
    a.set_defaults(func=cmd_add)

    ls = msub.add_parser("list", help="the saved monitors", description=cmd_list.__doc__)
    ls.add_argument("--json", action="store_true", help="print as JSON")
    add_db_option(ls)
    ls.set_defaults(func=cmd_list)

    rm = msub.add_parser("remove", help="delete a monitor and its alerts", description=cmd_remove.__doc__)
    rm.add_argument("name", metavar="NAME")
    add_db_option(rm)
    rm.set_defaults(func=cmd_remove)


def _store(args: argparse.Namespace):
    from marsad.store import Store

    settings = settings_from(args)
    return Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)


def _record(monitor) -> dict[str, object]:  # noqa: ANN001 (marsad.monitor.Monitor)
    return {"name": monitor.name, "query": monitor.query.to_url(), "webhook": monitor.webhook, "email": monitor.email,
            "created_at": monitor.created_at.isoformat() if monitor.created_at else None}


def cmd_add(args: argparse.Namespace) -> int:
    """Save monitor NAME watching the articles that match --query, --entity, --source, --lang and --topic.

    Every article that matches now is its baseline: only articles stored later alert (docs/monitors.md).
    """
    from marsad.analytics import Query
    from marsad.monitor import create_monitor

    query = Query(text=args.query, entities=args.entity, sources=args.source, languages=args.lang, topics=args.topic,
                  include_duplicates=args.include_duplicates)
    monitor = create_monitor(_store(args), args.name, query, webhook=args.webhook, email=args.email)
    print(f"monitor “{monitor.name}” saved: {monitor.query.to_url()}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """The saved monitors: name, query (its URL form), webhook, e-mail, when created."""
    from marsad.monitor import list_monitors

    rows = [_record(m) for m in list_monitors(_store(args))]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for r in rows:
        where = ", ".join(str(x) for x in (r["webhook"], r["email"]) if x)
        print(f"{r['name']}\t{r['query']}" + (f"\t→ {where}" if where else ""))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Delete monitor NAME with its alerts."""
    from marsad.monitor import remove_monitor

    remove_monitor(_store(args), args.name)
    print(f"monitor “{args.name}” removed")
    return 0
