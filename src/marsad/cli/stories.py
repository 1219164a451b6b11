"""Stories commands: ``stories --since DATE [--until DATE] [--json]`` lists the largest; ``stories rebuild``."""

from __future__ import annotations

import argparse

from marsad.cli import add_db_option, existing_store, settings_from
from marsad.cli.analytics import add_filters, print_json, query_from_args

# Articles listed per story in the JSON output: the story's size says how many there are in all.
ARTICLES_PER_STORY = 50


def cmd_stories(args: argparse.Namespace) -> int:
    """The largest stories (articles about one event across outlets and languages) published in a period, with their
    size, outlets, languages, first and last seen, a title per language and (with --json) their articles."""
    if args.stories_command == "rebuild":
        return cmd_rebuild(args)
    from marsad.analytics import story_articles, top_stories

    q = query_from_args(args, since_required=True)
    store = existing_store(args)
    df = top_stories(store, q, n=args.n, min_articles=args.min_articles)
    stories = df.to_dict("records")
    if args.json:
        for story in stories:
            members = story_articles(store, story["story_id"], q, n=ARTICLES_PER_STORY)
            story["items"] = members[["id", "title", "url", "source", "language", "published_at"]].to_dict("records")
        print_json(stories)
        return 0
    for s in stories:
        print(f"[{s['story_id']}] {s['articles']} articles, {s['outlets']} outlets ({', '.join(s['languages'])}), "
              f"{s['first_seen']} – {s['last_seen']}")
        for lang, title in s["titles"].items():
            print(f"    {lang}: {title}")
    if not stories:
        print("no story has two or more articles in that period" if args.min_articles > 1 else "no stories")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Assign every article to a story again, in publication order (stores made before stories existed, or after
    the story algorithm changed). Story ids are the ids of the articles that start them."""
    from marsad.ingest.stories import rebuild
    from marsad.store import Store

    settings = settings_from(args)
    report = rebuild(Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds))
    print(f"{report.articles} articles in {report.new_stories} stories ({report.seconds:.1f} s)")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("stories", help=cmd_stories.__doc__, description=cmd_stories.__doc__)
    add_db_option(p)
    add_filters(p, since_help="first UTC day of publication (inclusive); required to list (not to rebuild)",
                until_help="last UTC day (inclusive; default: no end)")
    p.add_argument("-n", type=int, default=20, help="at most this many stories (default 20)")
    p.add_argument("--min-articles", type=int, default=2, help="stories with at least this many articles (default 2)")
    p.add_argument("--json", action="store_true", help="print a JSON list of stories, each with its articles")
    p.set_defaults(func=cmd_stories, stories_command=None)
    sub = p.add_subparsers(dest="stories_command", metavar="ACTION")
    r = sub.add_parser("rebuild", help=cmd_rebuild.__doc__, description=cmd_rebuild.__doc__)
    # SUPPRESS: without --db here, the one given before "rebuild" stands (a default would overwrite it).
    r.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB store file (as for `marsad stories`)")
    r.set_defaults(func=cmd_stories)
