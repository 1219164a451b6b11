"""Dashboard sessions while ``marsad ingest`` writes: requests served, user-visible errors, new articles seen after a
refresh; writes docs/benchmarks/concurrent_use.md.

    .venv/bin/python bench/concurrent_use.py [--sessions N] [--seed-records N] [--records N] [--no-doc | --out FILE]

A store is seeded with the first records of the demo ANT sample, then ``marsad ingest`` (with enrichment, small
write batches: many short write transactions) adds the next ones while N sessions — each its own process running
the dashboard through Streamlit's AppTest, as a browser tab would — go round the read-only pages (overview,
trends, entities, topics, map, search, sources) with every date shown (``all=1``). A request is one page run; it is
an error when the page shows an exception or an error box ("database is locked", "Could not set lock", "the store
is busy", anything). When the ingest has ended every session refreshes the overview once more, and its article
count must be the store's.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ANT_SAMPLE = ROOT / "data" / "demo" / "ant_v2.1_sample.jsonl.gz"
APP = ROOT / "app.py"
# The read-only pages a session goes round (the ingest page writes: a person uses it alone).
PAGES = ("overview", "trends", "entities", "topics", "map", "search", "sources")
# Small batches: a write transaction every few seconds, each a chance for a reader to meet the lock.
WRITE_BATCH = 20
# Per page run: the first one imports pandas/plotly/ibis, and the 2 cores are shared.
PAGE_TIMEOUT_S = 180
_MAIN = "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class SessionReport:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # wall-clock time each request started
    first_count: int | None = None  # articles on the overview at the start
    final_count: int | None = None  # ... after a refresh once the ingest has ended


def write_records(path: Path, start: int, n: int) -> Path:
    with gzip.open(ANT_SAMPLE, "rt", encoding="utf-8") as fh:
        path.write_text("".join(itertools.islice(fh, start, start + n)), encoding="utf-8")
    return path


def environment(db: Path) -> dict[str, str]:
    src = str(ROOT / "src")
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, MARSAD_DB=str(db), MARSAD_WRITE_BATCH=str(WRITE_BATCH),
                PYTHONPATH=f"{src}{os.pathsep}{path}" if path else src)


def _overview_count(at) -> int | None:  # noqa: ANN001 (AppTest)
    for metric in at.metric:
        if metric.value and metric.value.replace(",", "").isdigit():
            return int(metric.value.replace(",", ""))  # the first metric is the article count
    return None


def _problems(at) -> list[str]:  # noqa: ANN001 (AppTest)
    return [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]


def run_session(ready_file: Path, stop_file: Path, done_file: Path) -> SessionReport:
    """One dashboard session (this process): the overview (then ``ready_file`` is created), pages in turn until
    ``stop_file`` exists, then a last overview once ``done_file`` says the ingest ended. The store is $MARSAD_DB."""
    from streamlit.testing.v1 import AppTest

    report = SessionReport()
    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT_S)
    at.query_params["all"] = "1"

    def request(page: str) -> None:
        report.started.append(time.time())
        started = time.perf_counter()
        try:
            if report.requests == 0:
                at.run()
            else:
                at.switch_page(f"src/marsad/ui/pages/{page}.py").run()
        except Exception as exc:  # noqa: BLE001 — a run that fails outright is an error the user would see
            report.errors.append(f"{page}: {type(exc).__name__}: {str(exc)[:300]}")
        else:
            report.errors += [f"{page}: {p}" for p in _problems(at)]
        report.requests += 1
        report.seconds.append(time.perf_counter() - started)

    request("overview")
    report.first_count = _overview_count(at)
    ready_file.touch()
    for page in itertools.cycle(PAGES[1:] + PAGES[:1]):
        if stop_file.exists():
            break
        request(page)
    while not done_file.exists():
        time.sleep(0.2)
    request("overview")
    report.final_count = _overview_count(at)
    return report


@dataclass
class Result:
    sessions: int
    requests: int
    requests_during_ingest: int
    errors: list[str]
    lock_errors: int
    median_s: float
    p95_s: float
    ingest_seconds: float
    ingest_rc: int
    stored_before: int
    stored_after: int
    counts_seen: list[tuple[int | None, int | None]]

    @property
    def new_articles_seen(self) -> bool:
        return all(final == self.stored_after and (first or 0) < final for first, final in self.counts_seen)


def measure(work: Path, *, sessions: int, seed_records: int, records: int, enrich: bool = True,
            min_requests: int = 0) -> Result:
    """Seed a store, start the ingest and ``sessions`` dashboard sessions, collect what they saw."""
    from marsad.store import Store
    from marsad.store.articles import count_articles

    db = work / "s.duckdb"
    env = environment(db)
    seed = write_records(work / "seed.jsonl", 0, seed_records)
    more = write_records(work / "more.jsonl", seed_records, records)
    subprocess.run([sys.executable, "-c", _MAIN, "ingest", str(seed), "--no-enrich"], env=env, check=True,
                   capture_output=True, timeout=900)
    stored_before = count_articles(Store(db))
    stop, done = work / "stop", work / "done"
    ready = [work / f"ready-{i}" for i in range(sessions)]
    readers = [
        subprocess.Popen([sys.executable, __file__, "--session", str(r), str(stop), str(done)], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for r in ready
    ]
    try:
        while not all(r.exists() for r in ready):  # every session has shown its first page: now the ingest starts
            if any(proc.poll() is not None for proc in readers):
                raise RuntimeError("a session ended before its first page")
            time.sleep(0.2)
        t0 = time.time()
        started = time.perf_counter()
        args = ["ingest", str(more)] + ([] if enrich else ["--no-enrich"])
        writer = subprocess.run([sys.executable, "-c", _MAIN, *args], env=env, capture_output=True, text=True,
                                timeout=1800)
        ingest_seconds = time.perf_counter() - started
        t1 = time.time()
        stop.touch()
        done.touch()
        reports = []
        for proc in readers:
            out, err = proc.communicate(timeout=PAGE_TIMEOUT_S * 3)
            if proc.returncode != 0:
                raise RuntimeError(f"a session failed: {err[-2000:]}")
            reports.append(SessionReport(**json.loads(out.strip().splitlines()[-1])))
    finally:
        for proc in readers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    seconds = sorted(s for r in reports for s in r.seconds)
    errors = [e for r in reports for e in r.errors]
    lock_words = ("lock", "busy")
    return Result(
        sessions=sessions,
        requests=sum(r.requests for r in reports),
        requests_during_ingest=sum(t0 <= t <= t1 for r in reports for t in r.started),
        errors=errors,
        lock_errors=sum(any(w in e.lower() for w in lock_words) for e in errors),
        median_s=seconds[len(seconds) // 2] if seconds else 0.0,
        p95_s=seconds[int(len(seconds) * 0.95)] if seconds else 0.0,
        ingest_seconds=ingest_seconds,
        ingest_rc=writer.returncode if writer.returncode == 0 else _failed(writer),
        stored_before=stored_before,
        stored_after=count_articles(Store(db)),
        counts_seen=[(r.first_count, r.final_count) for r in reports],
    )


def _failed(writer: subprocess.CompletedProcess) -> int:
    print(f"the ingest failed ({writer.returncode}): {writer.stderr[-2000:]}", file=sys.stderr)
    return writer.returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--session"]:  # one dashboard session, started by measure()
        import dataclasses
        import logging

        logging.basicConfig(level=logging.ERROR)
        report = run_session(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        print(json.dumps(dataclasses.asdict(report)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=3, help="dashboard sessions in parallel (default 3)")
    parser.add_argument("--seed-records", type=int, default=300, help="records in the store before (default 300)")
    parser.add_argument("--records", type=int, default=400, help="records the ingest adds (default 400)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/concurrent_use.md")
    out.add_argument("--out", type=Path, help="write the page here instead")
    args = parser.parse_args(argv)

    import tempfile

    from report_page import ReportPage

    page = ReportPage("concurrent_use", "Concurrent use: dashboard sessions while an ingest writes")
    with tempfile.TemporaryDirectory(prefix="marsad-concurrent-") as tmp:
        result = measure(Path(tmp), sessions=args.sessions, seed_records=args.seed_records, records=args.records)
    body = (
        f"{result.sessions} dashboard sessions (AppTest, one process each) going round the read-only pages with every "
        f"date shown, while `marsad ingest` (with enrichment, write batches of {WRITE_BATCH}) added {args.records} ANT "
        f"v2.1 records to a store of {args.seed_records}.\n\n"
        "| sessions | requests (page runs) | of which during the ingest | errors | of which lock/busy "
        "| median page run (s) | p95 (s) | ingest (s) | ingest exit | articles before → after "
        "| every session saw the new count after a refresh |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {result.sessions} | {result.requests} | {result.requests_during_ingest} | {len(result.errors)} | {result.lock_errors} | {result.median_s:.2f} "
        f"| {result.p95_s:.2f} | {result.ingest_seconds:.1f} | {result.ingest_rc} | {result.stored_before} → "
        f"{result.stored_after} | {'yes' if result.new_articles_seen else f'no: {result.counts_seen}'} |\n"
    )
    body += "".join(f"\n- {e}" for e in result.errors[:20])
    print(body)
    if not args.no_doc:
        page.write(body, out=args.out)
    return int(bool(result.errors) or result.ingest_rc != 0 or not result.new_articles_seen)


if __name__ == "__main__":
    sys.exit(main())
