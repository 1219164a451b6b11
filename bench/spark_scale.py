"""Spark pipeline throughput: local[1] vs local[2] vs the embedded path on the same input; writes
docs/benchmarks/spark_scale.md.

    .venv/bin/python bench/spark_scale.py [--articles N] [--files F] [--no-doc | --out FILE]

Input: N ANT v2.1 records (every k-th of ../shared's full corpus, so all outlets and categories appear), split into
F JSONL files (Spark reads one file per task). A topic model is fitted first, outside the clock, on a throwaway
store of the same input (ingest without enrichment + ``marsad topics fit``), and every path assigns with it:

- embedded: ``marsad ingest --no-enrich`` (read, dedup, store, search index), ``marsad enrich`` (two worker
  processes, as it picks for 400+ articles on 2 cores, then stories) and ``marsad topics assign``, into an empty
  store holding that fit;
- spark local[1] and local[2]: ``enrich_to_lake`` with ``--topics-model`` (read, dedup, enrichment, topics, the
  lake written, stories), each in a process of its own (its own JVM), on a SparkSession whose start-up is timed
  apart.

First, the machine's own ceiling (:func:`machine_ceiling`): the same enrichment of PROBE_ARTICLES articles in one
process alone, then in two processes at once (models loaded before the clock). Two processes doing twice the work
in the same wall time is 2.0×; what a second core buys any path here, Spark's or the embedded one, is at most that.

Articles/s = articles read / wall seconds of the run. Spark jobs / stages: what the run started (the report's
count, marsad.spark.jobs), a figure the load does not move. CPU seconds are those of this process and its descendants
(the JVM and its Python workers, ``marsad enrich``'s worker processes), sampled from /proc through the run
(:class:`TreeCpu`). The 2 cores are shared with other work: the load average
is printed and written beside the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "corpora" / "ant_v2.1_multisource.jsonl.gz"
ANT_TOTAL = 31_525
sys.path.insert(0, str(ROOT / "src"))

from report_page import ReportPage, load_average, print_load  # noqa: E402

from marsad.config import Settings  # noqa: E402
from marsad.ingest.enrich import enrich_store  # noqa: E402
from marsad.ingest.pipeline import ingest, prepare, standard_hooks  # noqa: E402
from marsad.ingest.stories import assign_pending  # noqa: E402
from marsad.ingest.topics import assign_new, fit  # noqa: E402
from marsad.nlp.topics import MIN_DOCS  # noqa: E402
from marsad.spark.pipeline import enrich_to_lake  # noqa: E402
from marsad.spark.session import spark_session  # noqa: E402
from marsad.store import Store  # noqa: E402
from marsad.store.topics import model_file  # noqa: E402

# Articles each probe process enriches for the machine's ceiling (after PROBE_WARMUP that load the models).
PROBE_ARTICLES = 400
PROBE_WARMUP = 50

# Targets of issue 11.
SCALING_TARGET = 1.7  # local[2] / local[1]
EMBEDDED_WITHIN = 0.25  # Spark on 2 cores at least (1 - this) × the embedded path


def write_input(folder: Path, n: int, files: int) -> list[Path]:
    step = max(1, ANT_TOTAL // n)
    records = []
    with gzip.open(ANT, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % step == 0:
                records.append(line)
            if len(records) >= n:
                break
    paths = []
    for f in range(files):
        path = folder / f"part-{f:02d}.jsonl"
        path.write_text("".join(records[f::files]), encoding="utf-8")
        paths.append(path)
    return paths


def _descendant_cpu() -> dict[tuple[int, int], float]:
    """CPU seconds (utime + stime) of every live descendant of this process, by (pid, start time)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[19]), (int(fields[11]) + int(fields[12])) / tick)
    me = os.getpid()
    tree, frontier = set(), [me]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(kids)
        frontier += kids
    return {(p, times[p][0]): times[p][1] for p in tree if p in times}


class TreeCpu:
    """CPU seconds used by this process and its descendants (the JVM, Spark's Python workers, ``marsad enrich``'s
    worker processes) between ``start()`` and ``stop()``. The descendants are sampled every SAMPLE_SECONDS and
    each is counted at the most it was seen using: Spark's Python daemon ignores SIGCHLD, so a worker that exits
    during a run (Spark stops workers idle for a minute) is in nobody's ``cutime``, and a snapshot at the end would
    miss it. What a process uses in its last SAMPLE_SECONDS before exiting is missed."""

    SAMPLE_SECONDS = 0.5

    def start(self) -> TreeCpu:
        self._self = self._own()
        self._base = _descendant_cpu()
        self._seen = dict(self._base)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(self.SAMPLE_SECONDS):
            self._merge()

    def _merge(self) -> None:
        for key, cpu in _descendant_cpu().items():
            self._seen[key] = max(cpu, self._seen.get(key, 0.0))

    @staticmethod
    def _own() -> float:
        return sum(resource.getrusage(resource.RUSAGE_SELF)[:2])

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        self._merge()
        return self._own() - self._self + sum(cpu - self._base.get(key, 0.0) for key, cpu in self._seen.items())


def run_spark(master: str, paths: list[Path], model: Path, work: Path) -> dict:
    """One Spark run in a process of its own (this script with ``--spark-run``), so that each master starts its
    own JVM: a second session in this process would reuse the first one's JVM, its start-up and its compiled code."""
    argv = [sys.executable, __file__, "--spark-run", master, "--model", str(model), "--work", str(work),
            *map(str, paths)]
    done = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _probe(paths: list[Path]) -> None:
    """One probe process (``--probe``): enrich PROBE_WARMUP articles (the models load), say ``ready``, wait for a
    line on stdin, enrich the next PROBE_ARTICLES in the embedded path's batches and print its wall and CPU
    seconds as JSON."""
    from marsad.ingest.enrich import BATCH_SIZE
    from marsad.ingest.readers import read_path
    from marsad.models import Reject
    from marsad.nlp.pipeline import enrich_batch

    settings, articles = Settings.load(), []
    for path in paths:
        for item in read_path(path, settings=settings):
            prepared = prepare(item)
            if not isinstance(prepared, Reject):
                articles.append(prepared.article)
        if len(articles) >= PROBE_WARMUP + PROBE_ARTICLES:
            break
    enrich_batch(articles[:PROBE_WARMUP])
    print("ready", flush=True)
    sys.stdin.readline()
    cpu, t = time.process_time(), time.perf_counter()
    work = articles[PROBE_WARMUP : PROBE_WARMUP + PROBE_ARTICLES]
    for start in range(0, len(work), BATCH_SIZE):
        enrich_batch(work[start : start + BATCH_SIZE])
    print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "articles": len(work)}),
          flush=True)


def machine_ceiling(paths: list[Path]) -> dict:
    """The same enrichment in one probe process alone, then in two at once, started together once both have loaded
    their models: how much more work two processes do per wall second than one (2.0 on two free cores; a little
    more when the lone run, the first, paid for cold file caches), and the CPU seconds per article of each case. On
    a machine whose two cores are not two cores' worth (a VM's two vCPUs on one physical core's hardware threads, a
    host busy with other work), a process does less work per CPU second when another runs beside it, and no path
    reaches 2×."""

    def run(n: int) -> list[dict]:
        argv = [sys.executable, __file__, "--probe", *map(str, paths)]
        procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(n)]
        try:
            for proc in procs:
                if proc.stdout.readline().strip() != "ready":
                    raise RuntimeError("a probe process failed before it was ready")
            for proc in procs:
                proc.stdin.write("go\n")
                proc.stdin.flush()
            return [json.loads(proc.stdout.readline()) for proc in procs]
        finally:
            for proc in procs:
                proc.stdin.close()
                proc.wait()

    load = load_average()
    one, two = run(1)[0], run(2)
    articles = one["articles"]
    return {"articles": articles, "load": load, "one_seconds": one["seconds"],
            "two_seconds": max(r["seconds"] for r in two),
            "speedup": 2 * one["seconds"] / max(r["seconds"] for r in two),
            "one_cpu_ms": 1000 * one["cpu"] / articles, "two_cpu_ms": 1000 * sum(r["cpu"] for r in two) / (2 * articles)}


def _spark_here(master: str, paths: list[Path], model: Path, work: Path) -> dict:
    t = time.perf_counter()
    spark = spark_session(master, app_name=f"bench-{master}")
    spark.range(1).count()  # the JVM and one executor are up before the clock starts
    start = time.perf_counter() - t
    cpu, load, t = TreeCpu().start(), load_average(), time.perf_counter()
    try:
        lake = work / ("lake-" + master.replace("[", "").replace("]", ""))  # Spark reads "[1]" in a path as a glob
        report = enrich_to_lake(spark, paths, lake, settings=Settings.load(), topics_model=model)
    finally:
        seconds, used = time.perf_counter() - t, cpu.stop()
        spark.stop()
    return {"path": f"spark {master}", "articles": report.read, "seconds": seconds, "cpu": used, "load": load,
            "start": start, "mentions": report.mentions, "jobs": report.jobs, "stages": report.stages}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--ceiling-only", action="store_true", help="measure the machine's ceiling only, print it")
    ap.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)  # one probe process (machine_ceiling)
    ap.add_argument("--spark-run", metavar="MASTER", help=argparse.SUPPRESS)  # one Spark run (run_spark's child)
    ap.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        _probe(args.paths)
        return
    if args.spark_run:
        print(json.dumps(_spark_here(args.spark_run, args.paths, args.model, args.work)), flush=True)
        return
    if not ANT.is_file():
        sys.exit(f"needs {ANT} (the shared corpora)")
    page = ReportPage("spark_scale", "Spark pipeline scaling: local[1], local[2] and the embedded path")
    with tempfile.TemporaryDirectory(prefix="marsad-spark-bench-") as tmp:
        work = Path(tmp)
        (work / "input").mkdir()
        paths = write_input(work / "input", args.articles, args.files)
        ceiling = machine_ceiling(paths)
        print(json.dumps({"machine_ceiling": ceiling}), flush=True)
        if args.ceiling_only:
            return
        fitted = Store(work / "fit" / "fit.duckdb")
        (work / "fit").mkdir()
        ingest(paths, settings=Settings.load(db_path=fitted.path), store=fitted, after_batch=[])
        fit(fitted)
        model = model_file(fitted)
        if not model.is_file():
            sys.exit(f"no topic model fitted on {args.articles} articles (a language needs {MIN_DOCS}): use more")
        rows = [run_embedded(paths, fitted, work)]
        print(json.dumps(rows[-1]), flush=True)
        for master in ("local[1]", "local[2]"):
            rows.append(run_spark(master, paths, model, work))
            print(json.dumps(rows[-1]), flush=True)
    by = {r["path"]: r["articles"] / r["seconds"] for r in rows}
    scaling = by["spark local[2]"] / by["spark local[1]"]
    vs_embedded = by["spark local[2]"] / by["embedded"]
    summary = {"scaling_2_over_1": round(scaling, 2), "spark2_over_embedded": round(vs_embedded, 2),
               "scaling_target_met": scaling >= SCALING_TARGET, "embedded_target_met": vs_embedded >= 1 - EMBEDDED_WITHIN}
    print(json.dumps(summary))
    lines = [
        f"Input: {rows[0]['articles']} ANT v2.1 records (every {ANT_TOTAL // args.articles}-th of the corpus) in "
        f"{args.files} JSONL files. Every path reads, deduplicates, enriches, assigns topics with the same topic "
        "model (fitted beforehand, outside the clock) and assigns stories; each Spark path runs in a process of its "
        "own (its own JVM). The machine has 2 cores and may be running other work: the load average (column; "
        "about 2 is this run alone) shows how much of the machine the run had.",
        "",
        "| path | articles | mentions | wall s | articles/s | CPU s (process tree) | articles per CPU s | "
        "session start s | Spark jobs / stages | load at start |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        spark_work = f"{r['jobs']} / {r['stages']}" if "jobs" in r else "—"  # the embedded path starts none
        lines.append(f"| {r['path']} | {r['articles']} | {r['mentions']} | {r['seconds']:.1f} | {r['articles'] / r['seconds']:.1f} | "
                     f"{r['cpu']:.0f} | {r['articles'] / max(r['cpu'], 1e-9):.1f} | {r['start']:.1f} | {spark_work} | "
                     f"{r['load']} |")
    lines += [
        "",
        f"- local[2] / local[1]: **{scaling:.2f}×** (target ≥ {SCALING_TARGET}×: "
        f"{'met' if summary['scaling_target_met'] else 'not met'})",
        f"- Spark local[2] / embedded: **{vs_embedded:.2f}** (target ≥ {1 - EMBEDDED_WITHIN:.2f}: "
        f"{'met' if summary['embedded_target_met'] else 'not met'})",
        "",
        f"Machine ceiling (load {ceiling['load']}): enriching {ceiling['articles']} articles took "
        f"{ceiling['one_seconds']:.1f} s in one process alone ({ceiling['one_cpu_ms']:.1f} CPU ms per article) and "
        f"{ceiling['two_seconds']:.1f} s for twice the work in two processes at once ({ceiling['two_cpu_ms']:.1f} "
        f"CPU ms per article): two processes do **{ceiling['speedup']:.2f}×** the work of one per wall second at this load, "
        "the most a second core could give any path here at that moment.",
        "",
        "What the figures mean and the projection for a million articles a day: [docs/scale.md](../scale.md).",
    ]
    if args.no_doc:
        print_load()
    else:
        page.write("\n".join(lines), out=args.out)


def run_embedded(paths: list[Path], fitted: Store, work: Path) -> dict:
    """The embedded path at its fastest on 2 cores: ``marsad ingest --no-enrich`` (read, dedup, store, search
    index), then ``marsad enrich`` (2 worker processes for 400+ articles, then stories) and ``marsad topics
    assign`` — into a copy of the fitted store emptied of articles, which keeps the live fit (its topics and model
    file)."""
    db = work / "embedded" / "e.duckdb"
    db.parent.mkdir(parents=True)
    shutil.copyfile(fitted.path, db)
    store = Store(db)
    shutil.copyfile(model_file(fitted), model_file(store))
    with store.write() as con:
        for table in ("article_stories", "stories", "article_topics", "keywords", "mentions", "entity_aliases",
                      "places", "entities", "article_bands", "articles", "sources"):
            con.execute(f"DELETE FROM {table}")
    cpu, load, t = TreeCpu().start(), load_average(), time.perf_counter()
    report = ingest(paths, settings=Settings.load(db_path=db), after_batch=standard_hooks(enrich=False), store=store)
    enrich_store(store, n_process=None)
    assign_pending(store)  # `marsad enrich` assigns stories after enriching
    assign_new(store)
    seconds, used = time.perf_counter() - t, cpu.stop()
    with store.read() as con:
        mentions = con.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
    return {"path": "embedded", "articles": report.read, "seconds": seconds, "cpu": used, "load": load, "start": 0.0,
            "mentions": mentions}


if __name__ == "__main__":
    main()
