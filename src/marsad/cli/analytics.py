"""Analytics commands: ``topics fit``, ``topics assign``, ``spikes``, ``search``, ``reindex``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from marsad.cli import add_db_option, settings_from
from marsad.errors import MarsadError


def _store(args: argparse.Namespace):
    from marsad.store import Store

    settings = settings_from(args)
    store = Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    store.ensure_schema()
    return store


def parse_day(value: str) -> date:
    """An ISO day from the command line (argparse ``type``): a clear message for anything else."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date like 2020-09-25") from exc


def print_json(obj: object) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()


# The options that narrow a Query besides its dates (``marsad report --monitor`` refuses them: the monitor says them).
FILTER_DESTS = ("query", "lang", "source", "entity", "topic", "include_duplicates")


def add_filters(p: argparse.ArgumentParser, *, text: bool = True, dates: bool = True,
                since_help: str = "first UTC day of publication (inclusive)",
                until_help: str = "last UTC day of publication (inclusive)") -> None:
    """The options of an analytics Query, spelled the same for every command that takes one: ``--query``,
    ``--since``/``--until``, ``--lang``, ``--source``, ``--entity``, ``--topic``, ``--include-duplicates``
    (read back with :func:`query_from_args`). ``text=False`` where the search is positional (``marsad search``);
    ``dates=False`` where a date range has no meaning (a monitor watches what comes next).

    Spellings that earlier releases documented stay accepted, hidden from ``--help``: ``--from``/``--to``
    (``search``, ``query``, ``spikes``), ``--text`` and ``--dups`` (``query``)."""
    if text:
        p.add_argument("--query", metavar="Q", help='search expression (the search box\'s syntax), e.g. '
                                                    'الحدود AND "قوات سوريا الديمقراطية"')
        p.add_argument("--text", dest="query", help=argparse.SUPPRESS)
    if dates:
        p.add_argument("--since", dest="start", type=parse_day, metavar="DATE", help=since_help)
        p.add_argument("--from", dest="start", type=parse_day, help=argparse.SUPPRESS)
        p.add_argument("--until", dest="end", type=parse_day, metavar="DATE", help=until_help)
        p.add_argument("--to", dest="end", type=parse_day, help=argparse.SUPPRESS)
    p.add_argument("--lang", action="append", default=[], help="language code (repeatable; any of them)")
    p.add_argument("--source", action="append", default=[], help="source key (repeatable; any of them)")
    p.add_argument("--entity", action="append", default=[],
                   help="entity key such as org:isis (repeatable; an article must name all of them)")
    p.add_argument("--topic", action="append", default=[], help="topic id (repeatable; any of them)")
    p.add_argument("--include-duplicates", action="store_true", help="near-duplicates count too (left out by default)")
    p.add_argument("--dups", dest="include_duplicates", action="store_true", help=argparse.SUPPRESS)


def query_from_args(args: argparse.Namespace, *, text: str | None = None, since_required: bool = False):
    """The Query that :func:`add_filters`' options describe (``text`` instead of ``--query`` where the search is
    positional). ``since_required``: a command that needs a first day says so as a one-line error."""
    from marsad.analytics import Query

    start = getattr(args, "start", None)
    if since_required and start is None:
        raise MarsadError(f"{args.command}: --since DATE is required (the first day, like 2020-09-25)")
    return Query(text=(getattr(args, "query", None) or "") if text is None else text, start=start,
                 end=getattr(args, "end", None), languages=args.lang, sources=args.source, entities=args.entity,
                 topics=args.topic, include_duplicates=args.include_duplicates, undated=getattr(args, "undated", False))


def cmd_topics_fit(args: argparse.Namespace) -> int:
    """Fit (or refit) the topic model per language and assign every article; old topic ids are kept
    for topics that match (so saved views keep working)."""
    from marsad.ingest.topics import fit

    report = fit(_store(args), k=args.k)
    if args.json:
        print_json(report)
    else:
        print(f"topic model version {report['version']}")
        for lang, info in report["languages"].items():
            print(
                f"  {lang}: {info['topics']} topics over {info['articles']} articles "
                f"({info['kept_ids']} ids kept, {info['new_ids']} new, {info['retired']} retired)"
            )
        if not report["languages"]:
            print("  no language has enough articles for a topic model")
    return 0


def cmd_topics_assign(args: argparse.Namespace) -> int:
    """Give articles stored since the last fit their topic weights (without refitting)."""
    from marsad.ingest.topics import assign_new

    n = assign_new(_store(args))
    print(f"{n} articles assigned to topics")
    return 0


def cmd_spikes(args: argparse.Namespace) -> int:
    """List what is spiking (entities, topics, keywords) against its own recent baseline."""
    from marsad.analytics import spikes
    from marsad.cli.query import analytics_source

    store = analytics_source(args)
    q = query_from_args(args)
    kinds = [args.kind] if args.kind else ["entity", "topic", "keyword"]
    out = []
    for kind in kinds:
        # --since opens the window searched for bursts; the baseline before it is read whatever the Query's start.
        df = spikes(store, q.replace(start=None), kind=kind, since=q.start, n=args.n)
        out.extend(df.to_dict("records"))
    out.sort(key=lambda r: -r["z"])
    if args.json:
        print_json(out)
    else:
        for r in out:
            print(
                f"{r['day']}  {r['kind']:7s} {r['label']}  {r['count']} articles (usual {r['baseline']:.0f}, z={r['z']})"
            )
        if not out:
            print("nothing is spiking")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search (AND/OR/NOT, "phrases", prefix*, title:/source:/lang:) with ranked snippets."""
    from marsad.analytics import search
    from marsad.cli.query import analytics_source

    df = search(analytics_source(args), query_from_args(args, text=" ".join(args.query)), page=args.page, per_page=args.per_page)
    rows = df.to_dict("records")
    if args.json:
        print_json({"total": df.attrs.get("total", 0), "page": args.page, "results": rows})
    else:
        print(f"{df.attrs.get('total', 0)} articles")
        for r in rows:
            print(f"[{r['id']}] {r['published_at']} {r['source']} {r['title']}")
            print(f"    {r['snippet']}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the full-text index from the store (normally it is kept up to date at ingest)."""
    from marsad.store.search import rebuild

    n = rebuild(_store(args))
    print(f"{n} articles indexed")
    return 0


def register(subparsers) -> None:
    from marsad.cli.query import add_backend_options

    topics = subparsers.add_parser("topics", help="topic model: fit or assign")
    tsub = topics.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    p = tsub.add_parser("fit", help=cmd_topics_fit.__doc__)
    add_db_option(p)
    p.add_argument("--k", type=int, help="topics per language (default: grows with the corpus, 8–40)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_topics_fit)
    p = tsub.add_parser("assign", help=cmd_topics_assign.__doc__)
    add_db_option(p)
    p.set_defaults(func=cmd_topics_assign)

    p = subparsers.add_parser("spikes", help=cmd_spikes.__doc__)
    add_db_option(p)
    add_backend_options(p)
    p.add_argument("--kind", choices=["entity", "topic", "keyword"], help="only this kind (default: all)")
    p.add_argument("-n", type=int, default=20, help="at most this many per kind")
    add_filters(p, since_help="first day to look for bursts (default: the last week of coverage)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_spikes)

    from marsad.store import search_query

    p = subparsers.add_parser(
        "search",
        help=cmd_search.__doc__,
        description=search_query.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(p)
    add_backend_options(p)
    p.add_argument("query", nargs="+", help='search expression, e.g. الحدود AND "قوات سوريا الديمقراطية"')
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=20)
    add_filters(p, text=False)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser("reindex", help=cmd_reindex.__doc__)
    add_db_option(p)
    p.set_defaults(func=cmd_reindex)
