"""Commands of the Parquet lake: ``enrich --engine spark`` (raw inputs → lake, registered by cli/nlp.py's
``enrich``) and ``import-parquet`` (lake → the embedded store)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from marsad.cli import add_db_option, settings_from
from marsad.cli.ingest import add_read_options, parse_mapping
from marsad.errors import MarsadError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-parquet", help="load a Parquet lake (or a date range of it) into the store",
                       description=cmd_import_parquet.__doc__)
    p.add_argument("lake", metavar="DIR", help="the lake folder (written by `marsad enrich --engine spark`)")
    add_db_option(p)
    p.add_argument("--since", type=date.fromisoformat, metavar="DATE", help="first publication day to load (YYYY-MM-DD)")
    p.add_argument("--until", type=date.fromisoformat, metavar="DATE", help="last publication day to load (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_import_parquet)


def add_spark_options(p: argparse.ArgumentParser) -> None:
    """``enrich``'s options for ``--engine spark`` (cli/nlp.py registers the command)."""
    g = p.add_argument_group("--engine spark: raw inputs to a Parquet lake (docs/scale.md)")
    g.add_argument("--master", default=None, metavar="URL",
                   help="Spark master: local[N], spark://host:7077, k8s://… (default local[2]; under spark-submit, its own)")
    g.add_argument("--input", nargs="+", default=[], metavar="PATH", help="files and folders to read")
    g.add_argument("--output", metavar="DIR", help="the lake folder to write (its tables are replaced)")
    g.add_argument("--topics-model", metavar="FILE",
                   help="a store's topic model (STORE.topics.npz) to assign with; default: fit one on this input")
    add_read_options(g)


def cmd_enrich_spark(args: argparse.Namespace) -> int:
    """``marsad enrich --engine spark``: read, deduplicate, enrich and give topics to raw inputs on Spark; write
    the lake."""
    from marsad.spark.pipeline import enrich_to_lake
    from marsad.spark.session import spark_session

    if not args.input or not args.output:
        raise MarsadError("--engine spark needs --input PATH... and --output DIR")
    if args.topics_model and not Path(args.topics_model).is_file():
        raise MarsadError(f"{args.topics_model}: no topic model file there")
    settings = settings_from(args)
    try:
        spark = spark_session(args.master)
    except ImportError as exc:
        raise MarsadError("the Spark engine needs the spark extra: pip install 'marsad[spark]'", detail=str(exc)) from exc
    except RuntimeError as exc:
        raise MarsadError(str(exc)) from exc
    try:
        report = enrich_to_lake(spark, args.input, args.output, settings=settings, fmt=args.format,
                                mapping=parse_mapping(args.map), source=args.source, topics_model=args.topics_model)
    finally:
        spark.stop()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(f"read {report.read} articles: {report.stored} in the lake ({report.near_duplicates} near-duplicates), "
              f"{report.exact_duplicates} exact duplicates skipped, {report.undated} undated, {report.rejected} rejected")
        print(f"enriched {report.enriched}: {report.mentions} mentions of {report.entities} entities, "
              f"{report.keywords} keywords, {report.topics} topic weights ({report.topic_model}), {report.stories} "
              f"stories in {report.seconds:.1f} s")
        for line in report.rejects[:20]:
            print(f"  rejected: {line}")
    return 0


def cmd_import_parquet(args: argparse.Namespace) -> int:
    """Load a Parquet lake into the store (articles published from --since to --until when given): articles with
    their entities, mentions, places, keywords and topics, then the search index. Articles the store already has
    (same text or canonical URL) are skipped, so importing twice adds nothing."""
    from marsad.ingest.lake_import import import_lake
    from marsad.store import Store

    settings = settings_from(args)
    store = Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    report = import_lake(store, Path(args.lake), since=args.since, until=args.until)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(f"{report.stored} of {report.read} articles imported from {report.months} months "
              f"({report.already_stored} already in the store): {report.mentions} mentions, "
              f"{report.new_entities} new entities, {report.keywords} keywords; topics: {report.topics}; "
              f"stories: {report.stories}; "
              f"{report.indexed} indexed for search in {report.seconds:.1f} s")
    return 0
