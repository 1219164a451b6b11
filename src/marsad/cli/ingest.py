"""Commands: ingest, inspect, stats, watch."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from marsad.cli import add_db_option, existing_store, settings_from
from marsad.cli.monitors import run_after_storing
from marsad.errors import RejectedInput
from marsad.ingest.formats import FORMATS
from marsad.models import MAX_BODY_CHARS, IngestReport

# Rejects printed on the terminal; longer lists go to a file so the summary stays readable.
MAX_REJECTS_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read files, directories, zips, exports or feeds into the store",
                       description=cmd_ingest.__doc__)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="file, folder (recursive), .zip, .gz, or http(s) URL of a feed or page")
    add_db_option(p)
    add_read_options(p)
    p.add_argument("--no-enrich", action="store_true", help="skip NLP enrichment (entities, places, keywords)")
    p.add_argument("--rejects", metavar="FILE", help="write every reject line to FILE")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("inspect", help="parse one document (or a file's first record, or a URL) and print it; stores nothing",
                       description=cmd_inspect.__doc__)
    p.add_argument("file", metavar="FILE", help="a file, or the http(s) URL of a page or feed")
    add_read_options(p)
    p.add_argument("--no-enrich", action="store_true", help="skip entities, places and keywords")
    p.add_argument("--json", action="store_true", help="print the full record as JSON")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("stats", help="counts of articles, sources, languages, dates, duplicates",
                       description=cmd_stats.__doc__)
    add_db_option(p)
    p.add_argument("--include-duplicates", action="store_true", help="count near-duplicates as articles too")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("watch", help="poll RSS/Atom feeds and store new items' pages", description=cmd_watch.__doc__)
    add_db_option(p)
    p.add_argument("--feeds", required=True, metavar="FILE", help="file with one feed URL per line (# comments)")
    p.add_argument("--interval", default="10m", help="time between polls of a feed, e.g. 30s, 10m, 1h (default 10m)")
    p.add_argument("--once", action="store_true", help="poll every due feed once and exit")
    p.add_argument("--no-enrich", action="store_true", help="skip NLP enrichment")
    p.set_defaults(func=cmd_watch)


def add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", metavar="NAME", help="outlet name for every article (overrides the record's)")
    p.add_argument("--format", default="auto", choices=FORMATS, help="input format (default: detect)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="map an article field to a column of a JSONL/CSV/Parquet export, e.g. --map title=headline")


def parse_mapping(pairs: list[str]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise RejectedInput(f"--map {pair!r}: expected FIELD=COLUMN, e.g. title=headline")
        mapping[field.strip()] = column.strip()
    return mapping or None


def _progress_bar(desc: str) -> tuple[Callable[[int, int | None], None], Callable[[], None]]:
    """A tqdm bar on stderr driven by the pipeline's progress(n_done, n_total) callback."""
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit=" rec", file=sys.stderr, disable=None, dynamic_ncols=True)

    def update(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    return update, bar.close


def _hooks(args: argparse.Namespace):
    from marsad.ingest.pipeline import standard_hooks

    return standard_hooks(enrich=not args.no_enrich)


def _print_report(report: IngestReport, *, rejects_file: str | None, db: Path, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    print(
        f"read {report.read}, stored {report.stored}, exact duplicates {report.exact_duplicates}, "
        f"near-duplicates {report.near_duplicates}, rejected {report.rejected}, undated {report.undated}"
        + (f", long bodies cut to {MAX_BODY_CHARS:,} characters {report.cut}" if report.cut else "")
    )
    if not report.rejects:
        return
    if rejects_file is None and report.rejected > MAX_REJECTS_SHOWN:
        rejects_file = str(db.parent / f"rejects-{datetime.now():%Y%m%d-%H%M%S}.txt")
    for reject in report.rejects[:MAX_REJECTS_SHOWN]:
        print(f"  rejected {reject}", file=sys.stderr)
    if rejects_file:
        Path(rejects_file).write_text("".join(f"{r}\n" for r in report.rejects), encoding="utf-8")
        more = report.rejected - min(report.rejected, MAX_REJECTS_SHOWN)
        print(f"  all {report.rejected} rejects written to {rejects_file}" + (f" ({more} not shown)" if more else ""),
              file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read PATHs (files, directories, zips; .gz read directly; http(s) feed or page URLs) and store their articles.

    Prints a summary (read, stored, exact duplicates, near-duplicates, rejected, undated) and the rejects;
    then runs the saved monitors (their new alerts are counted on stderr; see `marsad monitors run`).
    Exit status is non-zero only when nothing could be read.
    """
    from marsad.ingest.pipeline import ingest

    settings = settings_from(args)
    update, close = _progress_bar("ingest")
    try:
        report = ingest(args.paths, settings=settings, fmt=args.format, mapping=parse_mapping(args.map),
                        source=args.source, progress=update, after_batch=_hooks(args))
    finally:
        close()
    _print_report(report, rejects_file=args.rejects, db=settings.db_path, as_json=args.json)
    run_after_storing(settings)
    return 0 if report.read else 1


def cmd_inspect(args: argparse.Namespace) -> int:
    """Parse FILE (one document, or the first record of an export) and print the article; nothing is stored."""
    from marsad.ingest.inspect import article_record, inspect_path

    settings = settings_from(args)
    article = inspect_path(Path(args.file), settings=settings, fmt=args.format, mapping=parse_mapping(args.map),
                           source=args.source, enrich=not args.no_enrich)
    record = article_record(article)
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        for key, value in record.items():
            if key == "body":
                continue
            print(f"{key}: {value}")
        print(f"body:\n{record['body']}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Counts of the store: articles, sources, languages, undated, duplicates, first and last date.

    Near-duplicates are not counted as articles unless --include-duplicates.
    """
    from marsad.store.articles import stats

    result = stats(existing_store(args), include_duplicates=args.include_duplicates)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Poll the RSS/Atom feeds listed in --feeds; store each new item's page (conditional GET, per-feed backoff).

    Logs one line per cycle; the saved monitors run after each cycle. Stop with Ctrl-C.
    """
    from marsad.ingest.watch import Watcher, load_feeds, parse_interval

    settings = settings_from(args)
    logging.getLogger("marsad.ingest.watch").setLevel(logging.INFO)  # the per-cycle line
    watcher = Watcher(load_feeds(Path(args.feeds)), settings=settings, interval_s=parse_interval(args.interval),
                      after_batch=_hooks(args), after_cycle=lambda _report: run_after_storing(settings))
    watcher.run(once=args.once)
    return 0
