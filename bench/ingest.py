"""Ingest throughput: articles/s for the full ANT v2.1 JSONL (parse + language + dedup + store) and pages/s
for the shared HTML pages through read_path. Prints the figures and writes docs/benchmarks/ingest.md.

    .venv/bin/python bench/ingest.py [--shared ../shared] [--limit N] [--json] [--no-doc | --out FILE]

A quick run (--limit N) writes a page only where --out says, so it never replaces the full run's figures.

Runs into a fresh temporary store with the default settings (batches of settings.write_batch, the file
released between batches, as in production) and no after-batch hooks (search index, enrichment: those
have their own benchmarks). Figures on a shared 2-core machine are indicative.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from report_page import ReportPage, print_load

from marsad.config import PROJECT_ROOT, Settings
from marsad.ingest.dedup import NEAR_DUP_JACCARD, content_hash, fingerprints, normalized_text
from marsad.ingest.pipeline import WORKER_CHUNK, Ingestor, ingest, prepare_many
from marsad.ingest.readers import read_path
from marsad.models import Article
from marsad.nlp.langid import identify_article
from marsad.store import Store
from marsad.store.articles import stats

ANT = "corpora/ant_v2.1_multisource.jsonl.gz"
PAGES = "html/pages"
# Records for the per-step CPU breakdown: enough for stable per-article figures, quick to run.
BREAKDOWN_RECORDS = 3000
# Real articles copied and edited to measure near-duplicate recall: one word in N changed (light, heavier).
NEAR_DUP_SAMPLE = 500
EDIT_EVERY = (40, 20)
# Targets on 2 cores: JSONL ingest (issue 13; issue 2 asked 1,000), HTML pages (issue 2).
TARGET_ARTICLES_S = 5000
TARGET_PAGES_S = 30


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_articles(path: Path, limit: int | None, workers: int | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        if limit is not None:  # the first N records, as a file, so the run is the same code path
            head = Path(tmp) / "head.jsonl"
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                head.write_text("".join(islice(fh, limit)), encoding="utf-8")
            path = head
        settings = Settings.load(db_path=Path(tmp) / "bench.duckdb")
        store = Store(settings.db_path)
        store.ensure_schema()
        children_before = _cpu_children()
        cpu_started, started = time.process_time(), time.perf_counter()
        report = ingest([path], settings=settings, store=store, workers=workers)
        elapsed = time.perf_counter() - started
        main_cpu = time.process_time() - cpu_started
        worker_cpu = _cpu_children() - children_before
        counts = stats(store)
        size_mb = settings.db_path.stat().st_size / 1e6
        # The readers alone (parse + metadata), to show where the time goes.
        cpu_started = time.process_time()
        n_read = sum(1 for _ in read_path(path, settings=settings))
        read_cpu = time.process_time() - cpu_started
    records = report.read + report.rejected
    cores = os.cpu_count() or 1
    # If nothing else ran: the main process and the workers share the cores, so the run cannot be shorter
    # than the main process's CPU time, nor than all CPU time spread over all cores.
    uncontended_s = max(main_cpu, (main_cpu + worker_cpu) / cores)
    return {
        "file": path.name,
        "records": records,
        "stored": report.stored,
        "exact_duplicates": report.exact_duplicates,
        "near_duplicates": report.near_duplicates,
        "rejected": report.rejected,
        "undated": report.undated,
        "languages": counts["languages"],
        "seconds": round(elapsed, 2),
        "articles_per_s": round(records / elapsed, 1),
        "main_cpu_s": round(main_cpu, 2),
        "worker_cpu_s": round(worker_cpu, 2),
        "uncontended_estimate_per_s": round(records / uncontended_s, 1),
        "cpu_ms_per_article": round((main_cpu + worker_cpu) * 1000 / records, 3),
        "two_cores_per_s": round(2 * records / (main_cpu + worker_cpu), 1),
        "readers_only_cpu_per_s": round(n_read / read_cpu, 1),
        "store_mb": round(size_mb, 1),
        "write_batch": settings.write_batch,
    }


def breakdown(path: Path, n: int = BREAKDOWN_RECORDS) -> dict[str, float]:
    """CPU milliseconds per article of each step, on the first ``n`` records, one step at a time."""
    settings = Settings.load()
    out: dict[str, float] = {}

    def step(name: str, func):
        started = time.process_time()
        result = func()
        out[name] = round((time.process_time() - started) * 1000 / n, 3)
        return result

    articles = step("read (parse + metadata)", lambda: list(islice(read_path(path, settings=settings), n)))
    step("language id", lambda: [identify_article(a.title, a.lead, a.body) for a in articles])
    texts = step("normalise title + body", lambda: [normalized_text(a.title, a.body) for a in articles])
    step("content hash", lambda: [content_hash("", "", normalized=t) for t in texts])
    step("MinHash fingerprint (shingles, signature, bands)",  # a worker's chunk at a time, as the pipeline does
         lambda: [f for i in range(0, n, WORKER_CHUNK) for f in fingerprints(texts[i:i + WORKER_CHUNK])])
    prepared = prepare_many(articles)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(db_path=Path(tmp) / "b.duckdb")
        store = Store(settings.db_path)
        store.ensure_schema()

        def write() -> None:
            with Ingestor(store, settings=settings) as ingestor:
                for item in prepared:
                    ingestor._consume(item)  # noqa: SLF001 (the write path alone, without prepare)

        step(f"dedup checks + store (batches of {settings.write_batch}, open/commit/close each)", write)
    return out


def near_duplicate_check(path: Path, edit_every: int, n: int = NEAR_DUP_SAMPLE) -> dict[str, object]:
    """Recall on syndicated-style copies and false alarms on real articles.

    Takes ``n`` real ANT articles from the middle of the corpus, makes for each a copy with another URL and
    headline, every ``edit_every``-th word replaced and a sign-off added, ingests originals then copies, and
    counts copies marked as near-duplicates OF THEIR ORIGINAL, and originals marked as anything.
    """
    settings = Settings.load()
    originals = [a for a in islice(read_path(path, settings=settings), 10_000, 10_000 + n) if isinstance(a, Article)]
    copies = []
    for a in originals:
        words = a.body.split()
        body = " ".join("تعديل" if i % edit_every == 3 else w for i, w in enumerate(words)) + "\n\nالمصدر: وكالات"
        copies.append(dataclasses.replace(a, title="نسخة: " + a.title, body=body, url=a.url + "#copy",
                                          canonical_url=a.canonical_url + "/copy", origin=a.origin + "-copy"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(db_path=Path(tmp) / "n.duckdb")
        store = Store(settings.db_path)
        with Ingestor(store, settings=settings) as ingestor:
            ingestor.add_all(originals + copies)
        with store.read() as con:
            rows = con.execute("SELECT a.origin, o.origin FROM articles a LEFT JOIN articles o ON a.duplicate_of = o.id"
                               ).fetchall()
    marked = dict(rows)  # origin -> origin of the article it duplicates (None: an original); absent: not stored
    found = 0
    for copy, original in zip(copies, originals, strict=True):
        if copy.origin not in marked:  # an exact duplicate of another copy (its original had an exact twin)
            found += 1
            continue
        # The copy must point at the first article of its original's cluster (the original, or what the
        # original itself duplicates).
        root = marked.get(original.origin) or original.origin
        found += marked[copy.origin] == root
    copies_found = found
    originals_marked = sum(marked.get(o.origin) is not None for o in originals)
    long_enough = sum(len(a.body.split()) >= 30 for a in originals)
    short_misses = sum(
        1 for c, o in zip(copies, originals, strict=True)
        if c.origin in marked and marked[c.origin] != (marked.get(o.origin) or o.origin) and len(o.body.split()) < 30
    )
    return {"articles": len(originals), "edit_every": edit_every,
            "copies_found": copies_found, "copies_long_enough": long_enough, "misses_under_30_words": short_misses,
            "recall": round(copies_found / max(1, len(copies)), 3), "originals_marked": originals_marked,
            "near_dup_jaccard": NEAR_DUP_JACCARD}


def bench_pages(folder: Path) -> dict[str, object]:
    settings = Settings.load()
    pages = sorted(folder.glob("*.html"))
    started = time.perf_counter()
    articles = rejects = 0
    for page in pages:
        for item in read_path(page, fmt="html", settings=settings):
            articles += isinstance(item, Article)
            rejects += not isinstance(item, Article)
    elapsed = time.perf_counter() - started
    return {"pages": len(pages), "articles": articles, "rejects": rejects, "seconds": round(elapsed, 2),
            "pages_per_s": round(len(pages) / elapsed, 1)}


def markdown(result: dict[str, dict[str, object]]) -> str:
    a, p, b = result["articles"], result["pages"], result["breakdown_ms_per_article"]
    nd = result["near_duplicates"]
    nd_rows = "\n".join(f"| 1 word in {r['edit_every']} | {r['copies_found']} / {r['articles']} (recall {r['recall']}) | "
                         f"{r['articles'] - r['copies_found']} ({r['misses_under_30_words']} of under 30 words) | "
                         f"{r['originals_marked']} |" for r in nd)
    where = {"read (parse + metadata)": "workers", "language id": "workers", "normalise title + body": "workers",
             "content hash": "workers", "MinHash fingerprint (shingles, signature, bands)": "workers"}
    rows = "\n".join(f"| {k} | {v:.3f} | {where.get(k, 'main')} |" for k, v in b.items())
    return f"""## JSONL: `{a['file']}` (parse + language + dedup + store)

Into a fresh store, default settings: batches of {a['write_batch']} articles, one transaction each, the DuckDB file
released between batches (as `marsad ingest` runs); no after-batch hooks (search index, enrichment).

| figure | value | target |
|---|---|---|
| records | {a['records']:,} | |
| stored | {a['stored']:,} | |
| exact duplicates skipped | {a['exact_duplicates']:,} | |
| near-duplicates (stored, marked) | {a['near_duplicates']:,} | |
| rejected / undated | {a['rejected']:,} / {a['undated']:,} | |
| wall time | {a['seconds']} s | |
| **throughput (wall clock, this run)** | **{a['articles_per_s']:,} articles/s** | ≥ {TARGET_ARTICLES_S:,} |
| CPU time: main process (splitting lines, dedup checks, store) / worker processes (parsing + metadata, language id, hashing, MinHash) | {a['main_cpu_s']} s / {a['worker_cpu_s']} s | |
| CPU per article, all processes | {a['cpu_ms_per_article']} ms | ≤ {2000 / TARGET_ARTICLES_S:.2f} |
| 2 x articles per CPU-second (2 free cores, if the work spreads evenly) | {a['two_cores_per_s']:,} articles/s | ≥ {TARGET_ARTICLES_S:,} |
| estimate with the 2 cores to itself: records / max(main CPU, all CPU / cores) | {a['uncontended_estimate_per_s']:,} articles/s | ≥ {TARGET_ARTICLES_S:,} |
| readers alone (parse + metadata), per CPU second | {a['readers_only_cpu_per_s']:,} records/s | |
| store size | {a['store_mb']} MB | |

Languages found: {", ".join(f"{k or '?'} {v:,}" for k, v in a['languages'].items())}.

### Where the time goes (CPU per article, first {BREAKDOWN_RECORDS:,} records, one step at a time)

| step | ms / article | runs in |
|---|---|---|
{rows}
| **total** | **{sum(b.values()):.3f}** | |

## Near-duplicates

{nd[0]['articles']} real ANT v2.1 articles (records 10,000 on), each with a copy under another URL and headline, one
word in N replaced and a sign-off added; originals ingested first; candidates verified at Jaccard ≥ {nd[0]['near_dup_jaccard']}.

| edit | copies found (marked as near-duplicates of their original's cluster) | missed | originals marked |
|---|---|---|---|
{nd_rows}

## HTML pages (`../shared/html/pages` through read_path)

| figure | value | target |
|---|---|---|
| pages | {p['pages']} | |
| articles / rejects | {p['articles']} / {p['rejects']} | |
| **throughput** | **{p['pages_per_s']} pages/s** | ≥ {TARGET_PAGES_S} |
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, help="only the first N records of ANT")
    parser.add_argument("--workers", type=int, help="worker processes (default: as `marsad ingest` picks)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks/ingest.md")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/ingest.md")
    args = parser.parse_args(argv)
    page = ReportPage("ingest", "Ingest benchmark")
    result = {"articles": bench_articles(args.shared / ANT, args.limit, args.workers),
              "breakdown_ms_per_article": breakdown(args.shared / ANT),
              "near_duplicates": [near_duplicate_check(args.shared / ANT, every) for every in EDIT_EVERY],
              "pages": bench_pages(args.shared / PAGES)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        a, p = result["articles"], result["pages"]
        print(f"ANT v2.1: {a['records']} records in {a['seconds']} s = {a['articles_per_s']} articles/s wall "
              f"(CPU: main {a['main_cpu_s']} s, workers {a['worker_cpu_s']} s; uncontended estimate "
              f"{a['uncontended_estimate_per_s']}/s; {a['cpu_ms_per_article']} CPU ms/article, 2 x articles per CPU-s "
              f"{a['two_cores_per_s']}/s; readers alone {a['readers_only_cpu_per_s']}/s CPU); "
              f"stored {a['stored']}, exact dup {a['exact_duplicates']}, near dup {a['near_duplicates']}")
        print(f"HTML: {p['pages']} pages in {p['seconds']} s = {p['pages_per_s']} pages/s")
        for nd in result["near_duplicates"]:
            print(f"near-duplicates, 1 word in {nd['edit_every']} edited: {nd['copies_found']}/{nd['articles']} copies "
                  f"found; {nd['originals_marked']} originals marked")
        print("CPU ms per article:", ", ".join(f"{k} {v}" for k, v in result["breakdown_ms_per_article"].items()))
    if not args.no_doc and (args.limit is None or args.out is not None):
        page.write(markdown(result), out=args.out)
    else:
        print_load()
    return 0


if __name__ == "__main__":
    sys.exit(main())
