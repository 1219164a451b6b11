"""Commands: ``monitors add``, ``monitors edit``, ``monitors list``, ``monitors remove``, ``monitors run``,
``monitors feed``; and
:func:`run_after_storing`, which ``marsad ingest``, ``marsad watch`` and ``marsad enrich`` call after storing."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from marsad.cli import add_db_option, existing_store, settings_from
from marsad.cli.analytics import FILTER_DESTS, add_filters, query_from_args
from marsad.config import Settings
from marsad.errors import MarsadError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitors", help="saved monitors: add, edit, list, remove, run, feed",
                       description="Saved monitors: named views that alert on new articles, bursts of coverage and "
                                   "newly co-mentioned entities (docs/monitors.md).")
    msub = p.add_subparsers(dest="monitors_command", required=True, metavar="ACTION")

    a = msub.add_parser("add", help="save a monitor (what matches now is its baseline)", description=cmd_add.__doc__)
    a.add_argument("name", metavar="NAME", help="the monitor's name (one line)")
    add_filters(a, dates=False)  # a monitor watches what comes next: no date range
    a.add_argument("--webhook", metavar="URL", help="http(s) URL receiving a JSON POST per alert")
    a.add_argument("--email", metavar="ADDR", help="address receiving a mail per alert (SMTP settings: docs/monitors.md)")
    add_db_option(a)
    a.set_defaults(func=cmd_add)

    e = msub.add_parser("edit", help="change a monitor's filters or delivery (old matches do not alert)",
                        description=cmd_edit.__doc__)
    e.add_argument("name", metavar="NAME", help="the monitor's name")
    add_filters(e, dates=False)
    e.add_argument("--webhook", metavar="URL", help="http(s) URL receiving a JSON POST per alert (\"\" for none)")
    e.add_argument("--email", metavar="ADDR", help="address receiving a mail per alert (\"\" for none)")
    add_db_option(e)
    e.set_defaults(func=cmd_edit)

    ls = msub.add_parser("list", help="the saved monitors", description=cmd_list.__doc__)
    ls.add_argument("--json", action="store_true", help="print as JSON")
    add_db_option(ls)
    ls.set_defaults(func=cmd_list)

    rm = msub.add_parser("remove", help="delete a monitor and its alerts", description=cmd_remove.__doc__)
    rm.add_argument("name", metavar="NAME")
    add_db_option(rm)
    rm.set_defaults(func=cmd_remove)

    r = msub.add_parser("run", help="evaluate every monitor now; print the new alerts", description=cmd_run.__doc__)
    r.add_argument("--json", action="store_true", help="print the alerts as a JSON list")
    r.add_argument("--no-deliver", action="store_true", help="store the alerts but send no webhook or mail now")
    add_db_option(r)
    r.set_defaults(func=cmd_run)

    f = msub.add_parser("feed", help="a monitor's alerts as an Atom 1.0 feed", description=cmd_feed.__doc__)
    f.add_argument("name", metavar="NAME")
    f.add_argument("--out", metavar="FILE", help="write the feed to FILE (default: stdout)")
    add_db_option(f)
    f.set_defaults(func=cmd_feed)


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
    from marsad.monitor import create_monitor
    from marsad.monitor.saved import describe

    monitor = create_monitor(_store(args), args.name, query_from_args(args), webhook=args.webhook, email=args.email)
    print(f"monitor “{monitor.name}” saved: {describe(monitor.query)}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Change monitor NAME. Filter options, when any is given, replace all of its filters (give every one it
    should keep); --webhook and --email, when given, replace those ("" removes one); what is not given stays.

    What the changed filters match now does not alert; what was waiting for the next run still does if they
    match it (docs/monitors.md, "Editing a monitor")."""
    from marsad.monitor import edit_monitor, load_monitor
    from marsad.monitor.saved import describe

    store = _store(args)
    old = load_monitor(store, args.name)
    filtered = any(getattr(args, name) for name in FILTER_DESTS)
    monitor = edit_monitor(store, old.name, query_from_args(args) if filtered else old.query,
                           webhook=old.webhook if args.webhook is None else args.webhook,
                           email=old.email if args.email is None else args.email)
    print(f"monitor “{monitor.name}” changed: {describe(monitor.query)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """The saved monitors: name, query (its URL form), webhook, e-mail, when created."""
    from marsad.monitor import list_monitors
    from marsad.monitor.saved import describe

    monitors = list_monitors(_store(args))
    rows = [_record(m) for m in monitors]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for r, m in zip(rows, monitors, strict=True):
        where = ", ".join(str(x) for x in (r["webhook"], r["email"]) if x)
        print(f"{r['name']}\t{describe(m.query)}" + (f"\t→ {where}" if where else ""))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Delete monitor NAME with its alerts."""
    from marsad.monitor import remove_monitor

    remove_monitor(_store(args), args.name)
    print(f"monitor “{args.name}” removed")
    return 0


def _article_line(a: dict) -> str:
    when = (a["published_at"] or "undated")[:10]
    return f"    {a['title'] or '(untitled)'} — {a['source_name'] or a['source']}, {when}" + (f" {a['url']}" if a["url"] else "")


def cmd_run(args: argparse.Namespace) -> int:
    """Evaluate every saved monitor now and print the alerts that fired (each fires once: a second run with
    nothing new prints [] with --json). Webhooks and mails are sent afterwards unless --no-deliver."""
    from marsad.monitor import run_monitors

    records = run_monitors(existing_store(args), settings=settings_from(args), deliver=not args.no_deliver)
    if args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not records:
        print("no new alerts")
    for r in records:
        print(r["summary"])
        for a in r["articles"][:5]:
            print(_article_line(a))
        if len(r["articles"]) > 5:
            print(f"    … and {len(r['articles']) - 5} more")
    return 0


def cmd_feed(args: argparse.Namespace) -> int:
    """Print monitor NAME's newest alerts as an Atom 1.0 feed (or write it to --out), for any feed reader."""
    from marsad.monitor import atom_feed

    text = atom_feed(existing_store(args), args.name)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_after_storing(settings: Settings) -> None:
    """Run the saved monitors after ``marsad ingest``, a ``marsad watch`` cycle or ``marsad enrich`` has stored
    (enrichment makes articles match entity filters they did not match before): their alerts are counted on
    stderr; a failure is reported, never fatal (what was stored stays stored)."""
    from marsad.monitor import run_monitors
    from marsad.store import Store

    if not settings.db_path.is_file():
        return
    try:
        records = run_monitors(Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds), settings=settings)
    except MarsadError as exc:
        logging.getLogger("marsad").debug("detail: %s", exc.detail)
        print(f"marsad: monitors not run: {exc.message}", file=sys.stderr)
        return
    if records:
        print(f"monitors: {len(records)} new alert{'s' if len(records) != 1 else ''} "
              f"({'; '.join(r['summary'] for r in records[:3])}{'; …' if len(records) > 3 else ''})", file=sys.stderr)
