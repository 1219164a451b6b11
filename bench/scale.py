"""Analytics and search latency at scale: build a store of N articles from the real corpora, time every call.

    .venv/bin/python bench/scale.py --articles 100000 [--json] [--repeats 15] [--db DIR/scale.duckdb] [--keep] \
        [--write-doc] [--out FILE]

--write-doc writes the table to docs/benchmarks/scale-N.md (one page per store size, overwritten by each run at that
size); what the figures mean is in docs/performance.md.

Build (figures are for this machine: 2 cores shared with other work, so they are indicative):
1. base = ANT v2.1 (31,5k Arabic) + Reuters-21578 (19k English with a body), real text, real dates;
2. base mentions from the project's gazetteer layer (marsad.nlp.ner.gazetteer: curated entities + places)
   over each base body — real entity mentions of the real texts (no statistical NER: it is too slow to run
   at bench time; the gazetteer finds ~12 mentions per article); places with coordinates from marsad.nlp.places;
   base keywords: up to 5 most frequent topic terms of the title (a stand-in for YAKE, same table shape);
   base topics: the project's topic model fitted on the base (per language) and assigned;
3. the store: base replicated with SQL (INSERT … SELECT over generate_series) until N articles — copy c gets
   ids c·STRIDE + base id and dates shifted by c·SHIFT_DAYS — with its mentions, keywords and topic weights;
4. the search index: base texts reduced to index keys once in Python, replicated into FTS5 with SQL.
Then each analytics function runs ``--repeats`` times with varied queries (windows, entities, languages), each
call opening the store read-only like the dashboard does; p50/p95 in milliseconds.

--json prints {"articles":N,"build_s":…,"store_mb":…,"calls":{name:{"p50_ms":…,"p95_ms":…}}} (+ details).
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import json
import pickle
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
from report_page import ReportPage, print_load

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpora" / "ant_v2.1_multisource.jsonl.gz"
REUTERS = SHARED / "corpora" / "reuters21578.jsonl.gz"
# Copy c of the base gets ids c·STRIDE + base id (base ids < STRIDE) and dates + c·SHIFT_DAYS, so copies spread
# over the years like a long-running archive (~1,000 articles/day at 1M).
STRIDE = 100_000
SHIFT_DAYS = 61


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- 1. base ------------------------------------------------------------------------------------------------
def read_base(limit: int | None = None) -> list[dict]:
    out: list[dict] = []
    with gzip.open(ANT, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            when = email.utils.parsedate_to_datetime(r["time"]).astimezone(UTC).replace(tzinfo=None)
            out.append(
                dict(title=r["title"], body=r["text"], language="ar", published_at=when, src=r["src"], cat=r["cat"])
            )
    with gzip.open(REUTERS, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r.get("body"):
                continue
            day, _, clock = r["date"].strip().partition(" ")
            try:
                when = datetime.strptime(f"{day} {clock.split('.')[0]}", "%d-%b-%Y %H:%M:%S")
            except ValueError:  # a few stories have a garbled clock ("605:12:19"): keep the day
                when = datetime.strptime(day, "%d-%b-%Y")
            out.append(
                dict(
                    title=r.get("title") or "", body=r["body"], language="en", published_at=when, src="reuters", cat=""
                )
            )
    if limit:
        out = out[:: max(1, len(out) // limit)][:limit]
    for i, r in enumerate(out, start=1):
        r["bid"] = i
    return out


def base_mentions(base: list[dict]) -> tuple[dict[str, list], dict[str, tuple]]:
    """Gazetteer mentions of every base body; entity key → (type, name_ar, name_en)."""
    from marsad.nlp.entities import curated_entities
    from marsad.nlp.ner.gazetteer import default_layer
    from marsad.nlp.places import gazetteer as places

    matcher, _ = default_layer()
    known = {e.key: e for e in (*curated_entities(), *places().entities())}
    cols: dict[str, list] = {"bid": [], "key": [], "start": [], "end": [], "surface": []}
    for r in base:
        for sp in matcher.find(r["body"]):
            if not sp.key:
                continue
            cols["bid"].append(r["bid"])
            cols["key"].append(sp.key)
            cols["start"].append(sp.start)
            cols["end"].append(sp.end)
            cols["surface"].append(r["body"][sp.start : sp.end])
    ents = {k: (known[k].type, known[k].name_ar, known[k].name_en) for k in set(cols["key"]) if k in known}
    return cols, ents


def base_keywords(base: list[dict]) -> dict[str, list]:
    from marsad.nlp.topics import analyze

    cols: dict[str, list] = {"bid": [], "keyword": [], "score": []}
    for r in base:
        for kw, n in Counter(analyze(r["title"])).most_common(5):
            cols["bid"].append(r["bid"])
            cols["keyword"].append(kw)
            cols["score"].append(1.0 / n)
    return cols


def base_topics(base: list[dict]) -> tuple[dict[str, list], list[tuple]]:
    import numpy as np

    from marsad.nlp.topics import MIN_WEIGHT, fit_texts

    cols: dict[str, list] = {"bid": [], "topic_id": [], "weight": []}
    topics: list[tuple] = []
    next_id = 1
    for lang in ("ar", "en"):
        rows = [r for r in base if r["language"] == lang]
        texts = [f"{r['title']}\n{r['body']}" for r in rows]
        model = fit_texts(texts, language=lang, sources=[r["src"] for r in rows])
        ids = list(range(next_id, next_id + model.k))
        next_id += model.k
        topics += [(i, lab, terms, lang) for i, lab, terms in zip(ids, model.labels, model.terms, strict=True)]
        w = model.transform(texts)
        for r, weights in zip(rows, w, strict=True):
            keep = np.flatnonzero(weights >= MIN_WEIGHT)
            if keep.size == 0 and weights.any():
                keep = np.array([int(weights.argmax())])
            for k in keep:
                cols["bid"].append(r["bid"])
                cols["topic_id"].append(ids[k])
                cols["weight"].append(float(weights[k]))
    return cols, topics


# -- 2. store -------------------------------------------------------------------------------------------------
def build_store(path: Path, n: int, base: list[dict], mentions, ents, keywords, topic_rows, topics) -> None:
    from marsad.nlp.places import gazetteer as places
    from marsad.store import Store

    store = Store(path)
    store.ensure_schema()
    con = duckdb.connect(str(path))
    srcs = sorted({r["src"] for r in base})
    con.register("_src", pa.table({"id": list(range(1, len(srcs) + 1)), "key": srcs}))
    con.execute("INSERT INTO sources SELECT id, key, upper(key), NULL FROM _src")
    con.register(
        "_base",
        pa.table({k: [r[k] for r in base] for k in ("bid", "title", "body", "language", "published_at", "src", "cat")}),
    )
    con.execute("CREATE TEMP TABLE base AS SELECT b.*, s.id AS source_id FROM _base b JOIN sources s ON s.key = b.src")
    nb = len(base)
    copies = -(-n // nb)
    log(f"store: {copies} copies of {nb} base articles")
    con.execute(
        f"""
        INSERT INTO articles (id, url, source_id, title, body, language, language_confidence, published_at,
                              ingested_at, content_hash, category, pipeline_version)
        SELECT c * {STRIDE} + b.bid, NULL, b.source_id, b.title, b.body, b.language, 1.0,
               b.published_at + to_days(CAST(c * {SHIFT_DAYS} AS INTEGER)), now(), md5(b.body) || '-' || c, b.cat, 1
        FROM base b, generate_series(0, {copies - 1}) g(c)
        WHERE c * {nb} + b.bid <= {n}
        ORDER BY c, b.bid
        """
    )
    keys = sorted(ents)
    con.register(
        "_ent",
        pa.table(
            {
                "id": list(range(1, len(keys) + 1)),
                "key": keys,
                "type": [ents[k][0] for k in keys],
                "name_ar": [ents[k][1] for k in keys],
                "name_en": [ents[k][2] for k in keys],
            }
        ),
    )
    con.execute("INSERT INTO entities (id, key, type, name_ar, name_en) SELECT * FROM _ent")
    gz = places()
    prow = {"entity_id": [], "name": [], "country": [], "lat": [], "lon": [], "kind": []}
    for i, k in enumerate(keys, start=1):
        p = gz.for_key(k)
        if p is not None:
            for col, v in zip(prow, (i, p.name_ar or p.name_en, p.country, p.lat, p.lon, p.kind), strict=True):
                prow[col].append(v)
    con.register("_places", pa.table(prow))
    con.execute("INSERT INTO places (entity_id, name, country, lat, lon, kind) SELECT * FROM _places")
    con.register("_bm", pa.table(mentions))
    con.execute(
        f"""
        INSERT INTO mentions (article_id, entity_id, start, "end", surface)
        SELECT a.id, e.id, m.start, m."end", m.surface
        FROM articles a JOIN _bm m ON m.bid = a.id % {STRIDE} JOIN entities e ON e.key = m.key
        ORDER BY a.id
        """
    )
    con.register("_bk", pa.table(keywords))
    con.execute(
        f"INSERT INTO keywords SELECT a.id, k.keyword, k.score FROM articles a JOIN _bk k ON k.bid = a.id % {STRIDE}"
    )
    for tid, label, terms, lang in topics:
        con.execute(
            "INSERT INTO topics (id, label, terms, language, model_version) VALUES (?, ?, ?, ?, 1)",
            [tid, label, terms, lang],
        )
    con.register("_bt", pa.table(topic_rows))
    con.execute(
        f"INSERT INTO article_topics SELECT a.id, t.topic_id, t.weight FROM articles a JOIN _bt t ON t.bid = a.id % {STRIDE}"
    )
    con.execute("CHECKPOINT")
    con.close()


def build_index(path: Path, n: int, base: list[dict]) -> None:
    """FTS5 index: base rows keyed once, replicated per copy with INSERT … SELECT."""
    from marsad.store import Store
    from marsad.store.search import SqliteSearchIndex, search_path
    from marsad.store.search_query import source_keys
    from marsad.text.terms import search_keys

    index = SqliteSearchIndex(search_path(Store(path)))
    index.clear()
    nb = len(base)
    copies = -(-n // nb)
    epoch = date(1970, 1, 1)
    with index.connect() as con:
        con.execute(
            "CREATE TEMP TABLE base_docs (bid INTEGER PRIMARY KEY, title TEXT, body TEXT, source TEXT, lang TEXT, "
            "day INTEGER, src TEXT)"
        )
        con.executemany(
            "INSERT INTO base_docs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r["bid"],
                    " ".join(search_keys(r["title"])),
                    " ".join(search_keys(r["body"])),
                    " ".join(source_keys(r["src"])),
                    r["language"],
                    (r["published_at"].date() - epoch).days,
                    r["src"],
                )
                for r in base
            ],
        )
        log("index: base keyed")
        for c in range(copies):
            with con:
                con.execute(
                    "INSERT INTO docs(rowid, title, body, source, lang) SELECT ? * ? + bid, title, body, source, lang "
                    "FROM base_docs WHERE ? * ? + bid <= ?",
                    [c, STRIDE, c, nb, n],
                )
                con.execute(
                    "INSERT INTO doc_meta(id, day, lang, source, dup) SELECT ? * ? + bid, day + ? * ?, lang, src, 0 "
                    "FROM base_docs WHERE ? * ? + bid <= ?",
                    [c, STRIDE, c, SHIFT_DAYS, c, nb, n],
                )
        con.execute("INSERT INTO docs(docs) VALUES ('optimize')")  # merge segments: the state after a quiet night
    index.recount()


# -- 3. timing ------------------------------------------------------------------------------------------------
def timed_calls(path: Path, repeats: int, seed: int = 0) -> dict[str, dict[str, float]]:
    import marsad.analytics as A
    from marsad.store import Store

    rnd = random.Random(seed)
    store = Store(path)
    with store.read() as con:
        first, last = con.execute(
            "SELECT min(published_at)::DATE, max(published_at)::DATE FROM articles WHERE language='ar'"
        ).fetchall()[0]
        top = [
            r[0]
            for r in con.execute(
                "SELECT e.key FROM mentions m JOIN entities e ON e.id = m.entity_id GROUP BY e.key ORDER BY count(*) DESC LIMIT 30"
            ).fetchall()
        ]
        some_ids = [r[0] for r in con.execute("SELECT id FROM articles USING SAMPLE 200 ROWS").fetchall()]

    def window(days: int) -> A.Query:
        start = first + timedelta(days=rnd.randrange(max(1, (last - first).days - days)))
        return A.Query(start=start, end=start + timedelta(days=days - 1))

    ar_searches = ["الحدود", "العراق AND سوريا", '"قوات سوريا الديمقراطية"', "انتخاب* NOT مصر", "title:ترامب"]
    en_searches = ["oil prices", "trade OR tariff*", '"interest rates"', "opec -saudi", "title:bank"]
    calls = {
        "count_over_time_day_90d": lambda: A.count_over_time(store, window(90), interval="day"),
        "count_over_time_month_all": lambda: A.count_over_time(store, A.Query(languages=["ar"]), interval="month"),
        "count_over_time_text_90d": lambda: A.count_over_time(store, window(90).replace(text=rnd.choice(ar_searches))),
        "top_entities_30d": lambda: A.top_entities(store, window(30)),
        "top_entities_all": lambda: A.top_entities(store, A.Query(), type=rnd.choice(["PER", "ORG", "LOC"])),
        "entity_timeline_week_all": lambda: A.entity_timeline(store, rnd.choice(top), A.Query(), interval="week"),
        "cooccurring_entities_90d": lambda: A.cooccurring_entities(store, rnd.choice(top), window(90)),
        "top_sources_30d": lambda: A.top_sources(store, window(30)),
        "languages_by_source_all": lambda: A.languages_by_source(store, A.Query()),
        "top_keywords_30d": lambda: A.top_keywords(store, window(30)),
        "top_keywords_all": lambda: A.top_keywords(store, A.Query()),
        "top_topics_90d": lambda: A.top_topics(store, window(90)),
        "topics_over_time_week_365d": lambda: A.topics_over_time(store, window(365), interval="week"),
        "topic_by_source_90d": lambda: A.topic_by_source(store, window(90)),
        "top_places_30d": lambda: A.top_places(store, window(30)),
        "spikes_entity": lambda: A.spikes(store, A.Query(), kind="entity"),
        "spikes_topic": lambda: A.spikes(store, A.Query(), kind="topic"),
        "spikes_keyword": lambda: A.spikes(store, A.Query(), kind="keyword"),
        "sample_articles_30d": lambda: A.sample_articles(store, window(30)),
        "overview_figures_all": lambda: A.overview_figures(store, A.Query()),
        "overview_figures_30d": lambda: A.overview_figures(store, window(30)),
        "get_article": lambda: A.get_article(store, rnd.choice(some_ids)),
        "search_ar": lambda: A.search(store, A.Query(text=rnd.choice(ar_searches))),
        "search_en": lambda: A.search(store, A.Query(text=rnd.choice(en_searches))),
        "search_ar_filtered_90d": lambda: A.search(
            store, window(90).replace(text=rnd.choice(ar_searches), languages=["ar"])
        ),
    }
    out: dict[str, dict[str, float]] = {}
    for name, fn in calls.items():
        fn()  # warm-up: imports, OS file cache
        times, cpu = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        times.sort()
        out[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 1),
            # CPU time of this process (all its threads) per call: independent of other jobs' load, an upper
            # bound on the work a quiet machine would do (DuckDB's threads are summed, not overlapped).
            "cpu_p50_ms": round(statistics.median(cpu), 1),
        }
        log(f"{name}: p50 {out[name]['p50_ms']} ms, p95 {out[name]['p95_ms']} ms, cpu p50 {out[name]['cpu_p50_ms']} ms")
    return out


# Targets of issue 4 at 1,000,000 articles on 2 cores.
TARGET_MS = {"search": 300.0, "other": 250.0}


def markdown(result: dict) -> str:
    """This run's table: the store's size and build, then p50/p95 per call against the targets."""
    n = result["articles"]
    rows = [
        f"**{n:,} articles** — {result['rows']['mentions']:,} mentions, {result['rows']['keywords']:,} keywords, "
        f"{result['rows']['article_topics']:,} topic weights; store {result['store_mb']:,} MB, search index "
        f"{result['search_index_mb']:,} MB; build {result['build_s'] if result['build_s'] is not None else '–'} s "
        f"{result['build']}; {result['repeats']} timed calls each.",
        "",
        "| call | p50 ms | p95 ms | target p95 | CPU p50 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, t in result["calls"].items():
        target = TARGET_MS["search" if name.startswith("search") else "other"]
        flag = "" if t["p95_ms"] <= target else " ✗"
        rows.append(f"| {name} | {t['p50_ms']} | {t['p95_ms']}{flag} | {target:.0f} | {t.get('cpu_p50_ms', '–')} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, required=True)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--db", type=Path, help="where to build (default: a temporary directory, removed after)")
    p.add_argument("--keep", action="store_true", help="keep the built store")
    p.add_argument("--reuse", action="store_true", help="time an already built --db without rebuilding")
    p.add_argument("--base-limit", type=int, help="use only this many base articles (quick smoke runs)")
    p.add_argument(
        "--base-cache",
        type=Path,
        help="directory caching the base (mentions, topics) between runs; build_s then excludes the base step",
    )
    p.add_argument("--write-doc", action="store_true", help="write the table to docs/benchmarks/scale-N.md")
    p.add_argument("--out", type=Path, help="with --write-doc: write the page here instead")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    page = ReportPage("scale", f"Analytics and search latency at {args.articles:,} articles", stem=f"scale-{args.articles}")

    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="marsad-scale-"))
        args.db = tmp / "scale.duckdb"
    from marsad.store import Store
    from marsad.store.search import search_path

    build_s = None
    details: dict[str, object] = {}
    if not args.reuse:
        for f in args.db.parent.glob(args.db.stem + ".*"):
            f.unlink()
        t0 = time.perf_counter()
        cache = args.base_cache / f"base-{args.base_limit or 'all'}.pickle" if args.base_cache else None
        if cache is not None and cache.is_file():
            base, mentions, ents, keywords, topic_rows, topics = pickle.loads(cache.read_bytes())
            log(f"base from cache {cache}")
        else:
            base = read_base(args.base_limit)
            log(f"base: {len(base)} articles")
            mentions, ents = base_mentions(base)
            log(f"base mentions: {len(mentions['bid'])} ({len(ents)} entities)")
            keywords = base_keywords(base)
            topic_rows, topics = base_topics(base)
            log(f"base topics: {len(topics)}")
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_bytes(pickle.dumps((base, mentions, ents, keywords, topic_rows, topics)))
        t_base = time.perf_counter() - t0
        build_store(args.db, args.articles, base, mentions, ents, keywords, topic_rows, topics)
        t_store = time.perf_counter() - t0 - t_base
        log(f"store built in {t_store:.0f}s")
        build_index(args.db, args.articles, base)
        build_s = time.perf_counter() - t0
        details = {
            "base_s": round(t_base, 1),
            "store_s": round(t_store, 1),
            "index_s": round(build_s - t_base - t_store, 1),
        }
        log(f"index built; total build {build_s:.0f}s")
    with duckdb.connect(str(args.db), read_only=True) as con:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("articles", "mentions", "entities", "keywords", "article_topics")
        }
    calls = timed_calls(args.db, args.repeats)
    result = {
        "articles": counts["articles"],
        "build_s": None if build_s is None else round(build_s, 1),
        "store_mb": round(args.db.stat().st_size / 2**20, 1),
        "search_index_mb": round(search_path(Store(args.db)).stat().st_size / 2**20, 1),
        "rows": counts,
        "build": details,
        "repeats": args.repeats,
        "calls": calls,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.write_doc:
        page.write(markdown(result), out=args.out)
    else:
        print_load()
    if tmp is not None and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
