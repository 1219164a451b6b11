"""Commands: enrich (entities, places, keywords for stored articles) and eval-ner (score NER on a CoNLL file)."""

from __future__ import annotations

import argparse
import json
import sys

from marsad.cli import add_db_option, settings_from
from marsad.cli.lake import add_spark_options, cmd_enrich_spark
from marsad.cli.monitors import run_after_storing

SCORE_KEYS = ("PER", "LOC", "ORG", "micro_f1", "precision", "recall")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enrich", help="find entities, places and keywords in stored articles not yet (or stale) enriched",
                       description=cmd_enrich.__doc__)
    add_db_option(p)
    p.add_argument("--all", action="store_true", help="re-enrich every article, not only missing/stale ones")
    p.add_argument("--processes", type=int, default=None, metavar="N",
                   help="worker processes (default: 2 for 400+ articles on a multi-core machine, else 1)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--engine", choices=("embedded", "spark"), default="embedded",
                   help="embedded (default): the store's articles, here; spark: raw inputs to a Parquet lake")
    add_spark_options(p)
    p.set_defaults(func=cmd_enrich)

    p = sub.add_parser("eval-ner", help="score the NER pipeline on a CoNLL-style file (token first, BIO tag last)",
                       description=cmd_eval_ner.__doc__)
    p.add_argument("file", metavar="FILE", help="CoNLL-style file (.gz allowed)")
    p.add_argument("--lang", required=True, choices=("ar", "en", "fr"))
    p.add_argument("--layer", choices=("full", "model", "gazetteer"), default="full",
                   help="full pipeline (default), statistical model alone, or gazetteer layer alone")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=cmd_eval_ner)


def cmd_enrich(args: argparse.Namespace) -> int:
    """Enrich stored articles whose pipeline version is missing or stale (all with --all): entities linked to
    canonical ids, places with coordinates, keywords; then newly enriched articles join stories, and the saved
    monitors run (as after an ingest: an article that matches a monitor only once its entities are known alerts
    now). Writes in short transactions; safe to interrupt and re-run.
    With --engine spark: raw inputs (--input) read, deduplicated, enriched and given topics on Spark, written to a
    Parquet lake (--output); load it into a store with `marsad import-parquet`."""
    if args.engine == "spark":
        return cmd_enrich_spark(args)
    from marsad.ingest.enrich import enrich_store
    from marsad.ingest.stories import assign_pending
    from marsad.store.db import Store

    settings = settings_from(args)
    store = Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    report = enrich_store(store, all=args.all, n_process=None if args.processes is None else max(1, args.processes),
                          progress=not args.no_progress and sys.stderr.isatty() or False)
    assign_pending(store)
    if report.articles:
        run_after_storing(settings)
    figures = report.as_dict()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(f"enriched {report.articles} articles: {report.mentions} mentions, {report.new_entities} new entities, "
              f"{report.places} new places, {report.keywords} keywords in {report.seconds:.1f} s")
        if report.failed:
            print(f"{report.failed} articles could not be enriched (see the log); they are retried on the next run")
    return 0


def cmd_eval_ner(args: argparse.Namespace) -> int:
    """Score the project's NER (statistical model + gazetteer layer) on the GIVEN tokens of a CoNLL-style file:
    exact-span entity level, PER/LOC/ORG (PERS = PER; GPE/FAC count as LOC)."""
    from marsad.nlp.ner.conll import read_conll, score
    from marsad.nlp.pipeline import tag_tokens

    sentences = read_conll(args.file)
    predicted = tag_tokens([tokens for tokens, _ in sentences], args.lang, layer=args.layer)
    scores = score([tags for _, tags in sentences], predicted)
    result = {k: round(float(scores[k]), 4) for k in SCORE_KEYS}
    if args.json:
        print(json.dumps(result))
    else:
        print("  ".join(f"{k}={v:.3f}" for k, v in result.items()))
    return 0
