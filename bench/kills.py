"""SIGKILL Marsad's writers at random points, many times, and check what each kill leaves; writes docs/benchmarks/kills.md.

    .venv/bin/python bench/kills.py [--kills N] [--records N] [--seed S] [--no-doc | --out FILE]

Three writers, each on a store of its own (tests/test_kills.py runs the same scenarios with a few kills):
- ``marsad ingest`` (with enrichment) of N ANT v2.1 records from the demo sample, killed after a random delay
  between 0 and the length of an uninterrupted run, then started again;
- ``marsad enrich`` of the same articles ingested with ``--no-enrich``;
- ``marsad topics fit`` on the enriched store.
After every kill the store and its search index must open and pass :func:`problems` (whole articles with their
entities, an index holding only stored articles, topic weights only on the live model's topics). A run that ends
before its kill (it completed what the kills before it left) and one more uninterrupted run after the last kill must
leave exactly what a run that was never killed leaves (:func:`differences`): the same articles (by content hash),
each with the same entity mentions and keywords, all of them indexed. After a run that completed, the scenario
starts over on a fresh store, so later kills still land in the middle of work.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from marsad.ingest.topics import live_models  # noqa: E402
from marsad.store.db import Store  # noqa: E402
from marsad.store.search import SqliteSearchIndex, search_path  # noqa: E402

ANT_SAMPLE = ROOT / "data" / "demo" / "ant_v2.1_sample.jsonl.gz"
# Every STRIDE-th record of the sample (it is ordered by outlet and category): all outlets, all categories.
STRIDE = 7
# Small batches: many commits per run, so kills land between, inside and after them.
WRITE_BATCH = 10
# The command line the CLI's entry point would run, with this interpreter and its sys.path/PYTHONPATH.
_MAIN = "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Snapshot:
    """What a store holds, keyed by content (article ids differ between runs)."""

    articles: dict[str, int] = field(default_factory=dict)  # content hash -> number of rows with it
    enriched: dict[str, tuple[frozenset, frozenset]] = field(default_factory=dict)  # hash -> (mentions, keywords)
    unenriched: int = 0
    indexed: set[int] = field(default_factory=set)
    stored: set[int] = field(default_factory=set)


def write_sample(path: Path, records: int) -> Path:
    """The first ``records`` of every STRIDE-th ANT record, as a plain JSON-lines file."""
    with gzip.open(ANT_SAMPLE, "rt", encoding="utf-8") as fh:
        path.write_text("".join(itertools.islice(fh, 0, records * STRIDE, STRIDE)), encoding="utf-8")
    return path


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", _MAIN, *args]


def environment() -> dict[str, str]:
    src = str(ROOT / "src")
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, MARSAD_WRITE_BATCH=str(WRITE_BATCH), PYTHONPATH=f"{src}{os.pathsep}{path}" if path else src)


def run(args: list[str]) -> float:
    """Run a marsad command to its end; its wall time. Raises when it fails."""
    started = time.perf_counter()
    done = subprocess.run(command(*args), env=environment(), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"marsad {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - started


def kill_after(args: list[str], delay: float) -> bool:
    """Start a marsad command and SIGKILL it after ``delay`` seconds; False when it ended before (and ended well)."""
    proc = subprocess.Popen(command(*args), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"marsad {' '.join(args)} exited {proc.returncode} before its kill: {stderr[-2000:]}")
    return False


def snapshot(db: Path) -> Snapshot:
    """Read the store and its search index (both must open)."""
    snap = Snapshot()
    with Store(db).read() as con:
        for digest, n in con.execute("SELECT content_hash, count(*) FROM articles GROUP BY 1").fetchall():
            snap.articles[digest] = n
        snap.stored = {r[0] for r in con.execute("SELECT id FROM articles").fetchall()}
        mentions: dict[str, set] = {}
        for digest, key, start, end in con.execute(
            'SELECT a.content_hash, e.key, m.start, m."end" FROM mentions m JOIN articles a ON a.id = m.article_id '
            "JOIN entities e ON e.id = m.entity_id"
        ).fetchall():
            mentions.setdefault(digest, set()).add((key, start, end))
        keywords: dict[str, set] = {}
        for digest, keyword in con.execute(
            "SELECT a.content_hash, k.keyword FROM keywords k JOIN articles a ON a.id = k.article_id"
        ).fetchall():
            keywords.setdefault(digest, set()).add(keyword)
        for digest, version in con.execute("SELECT content_hash, pipeline_version FROM articles").fetchall():
            if version:
                snap.enriched[digest] = (frozenset(mentions.get(digest, ())), frozenset(keywords.get(digest, ())))
            else:
                snap.unenriched += 1
    index = SqliteSearchIndex(search_path(Store(db)))
    if index.path.exists():
        with index.connect() as scon:
            snap.indexed = {r[0] for r in scon.execute("SELECT id FROM doc_meta")}
    return snap


_ORPHANS = {
    "mentions of no article": "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)",
    "mentions of no entity": "SELECT count(*) FROM mentions WHERE entity_id NOT IN (SELECT id FROM entities)",
    "mentions of an article not marked enriched": "SELECT count(*) FROM mentions m JOIN articles a "
    "ON a.id = m.article_id WHERE a.pipeline_version = 0",
    "keywords of an article not marked enriched": "SELECT count(*) FROM keywords k JOIN articles a "
    "ON a.id = k.article_id WHERE a.pipeline_version = 0",
    "LSH bands of no article": "SELECT count(*) FROM article_bands WHERE article_id NOT IN (SELECT id FROM articles)",
    "articles of no source": "SELECT count(*) FROM articles WHERE source_id NOT IN (SELECT id FROM sources)",
    "topic weights of no article": "SELECT count(*) FROM article_topics WHERE article_id NOT IN (SELECT id FROM articles)",
    "topic weights of an inactive or unknown topic": "SELECT count(*) FROM article_topics WHERE topic_id NOT IN "
    "(SELECT id FROM topics WHERE active)",
    "articles stored twice": "SELECT count(*) - count(DISTINCT content_hash) FROM articles",
}


def problems(db: Path) -> list[str]:
    """What is wrong with the store at ``db`` at any moment, however its last writer ended ([] when nothing)."""
    if not db.is_file():  # killed before it created the store
        return []
    found = []
    store = Store(db)
    with store.read() as con:
        for what, sql in _ORPHANS.items():
            n = con.execute(sql).fetchall()[0][0]
            if n:
                found.append(f"{n} {what}")
        active = {}
        for lang, tid in con.execute("SELECT language, id FROM topics WHERE active").fetchall():
            active.setdefault(lang, set()).add(tid)
    models, _ = live_models(store)
    for lang in (set(active) | set(models)) if models else ():  # a store never fitted may hold hand-made topics
        ids = set(models[lang].ids) if lang in models else set()
        if ids != active.get(lang, set()):
            found.append(f"topics[{lang}]: the model file's topics {sorted(ids)} are not the active ones "
                         f"{sorted(active.get(lang, ()))}")
    snap = snapshot(db)
    if snap.indexed - snap.stored:
        found.append(f"{len(snap.indexed - snap.stored)} indexed articles not in the store")
    return found


def differences(got: Snapshot, want: Snapshot) -> list[str]:
    """How a store finished after kills differs from one that was never interrupted ([] when it does not)."""
    found = []
    lost = want.articles.keys() - got.articles.keys()
    extra = got.articles.keys() - want.articles.keys()
    doubled = sum(n - 1 for n in got.articles.values())
    if lost or extra or doubled:
        found.append(f"articles: {len(lost)} lost, {len(extra)} extra, {doubled} doubled")
    if got.unenriched != want.unenriched:
        found.append(f"{got.unenriched} articles left unenriched (uninterrupted: {want.unenriched})")
    other = [h for h in want.enriched.keys() & got.enriched.keys() if want.enriched[h] != got.enriched[h]]
    if other:
        found.append(f"{len(other)} articles with other mentions or keywords than an uninterrupted run's")
    if got.indexed != got.stored:
        found.append(f"search index: {len(got.stored - got.indexed)} articles missing, "
                     f"{len(got.indexed - got.stored)} not in the store")
    return found


@dataclass
class Scenario:
    """One writer killed ``kills`` times: ``prepare`` builds its store, ``args`` is its command line."""

    name: str
    prepare: Callable[[Path], None]
    args: list[str]


@dataclass
class Outcome:
    name: str
    kills: int = 0  # runs killed while running (the others ended before their delay)
    finished_early: int = 0
    problems: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    articles: int = 0
    lost: int = 0
    doubled: int = 0


def reference(work: Path, records: int, *, time_enrich: bool = True) -> tuple[Path, dict[str, float]]:
    """The sample, a store that was never interrupted (ingested with enrichment, topics fitted) and each writer's
    uninterrupted run time (the window its kills fall in; without ``time_enrich``, enrich's is ingest's)."""
    sample = write_sample(work / "ant.jsonl", records)
    db = work / "reference.duckdb"
    windows = {"ingest": run(["ingest", str(sample), "--db", str(db)])}
    windows["topics fit"] = run(["topics", "fit", "--db", str(db)])
    if not time_enrich:
        return db, windows | {"enrich": windows["ingest"]}
    unenriched = work / "window.duckdb"
    run(["ingest", str(sample), "--db", str(unenriched), "--no-enrich"])
    windows["enrich"] = run(["enrich", "--no-progress", "--db", str(unenriched)])
    return db, windows


def scenarios(work: Path, reference_db: Path) -> list[Scenario]:
    """The three writers, each starting from the state it would meet: nothing, stored articles, an enriched store."""
    sample = work / "ant.jsonl"

    def fresh(db: Path) -> None:
        pass

    def ingested_unenriched(db: Path) -> None:
        run(["ingest", str(sample), "--db", str(db), "--no-enrich"])

    def fitted(db: Path) -> None:
        for src in work.glob(reference_db.name + "*"):  # the store, its search index, its topic models
            shutil.copy(src, db.with_name(db.name + src.name.removeprefix(reference_db.name)))

    return [
        Scenario("ingest", fresh, ["ingest", str(sample), "--db", "{db}"]),
        Scenario("enrich", ingested_unenriched, ["enrich", "--no-progress", "--db", "{db}"]),
        Scenario("topics fit", fitted, ["topics", "fit", "--db", "{db}"]),
    ]


def survive(scenario: Scenario, db: Path, reference: Snapshot, *, kills: int, window: float, rng: random.Random,
            log: Callable[[str], None] = lambda _line: None) -> Outcome:
    """Kill ``scenario``'s command ``kills`` times after random delays in [0, ``window``] s, check the store after
    each, then run it once to its end and compare with ``reference``."""
    scenario.prepare(db)
    args = [a.replace("{db}", str(db)) for a in scenario.args]
    outcome = Outcome(scenario.name)
    for i in range(kills):
        delay = rng.uniform(0, window)
        killed = kill_after(args, delay)
        outcome.kills += killed
        outcome.finished_early += not killed
        found = problems(db)
        outcome.problems += [f"kill {i + 1} at {delay:.2f} s: {p}" for p in found]
        log(f"{scenario.name}: run {i + 1} {'killed' if killed else 'finished'} at {delay:.2f} s"
            + (f": {found}" if found else ""))
        if not killed:  # it completed what the kills before left: check that, then start over with work to do
            outcome.differences += [f"run {i + 1}: {d}" for d in differences(snapshot(db), reference)]
            for path in db.parent.glob(db.name + "*"):  # the store, its write-ahead log, search index, topic models
                path.unlink()
            scenario.prepare(db)
    run(args)
    outcome.problems += [f"after the last run: {p}" for p in problems(db)]
    got = snapshot(db)
    outcome.differences += differences(got, reference)
    outcome.articles = len(got.articles)
    outcome.lost = len(reference.articles.keys() - got.articles.keys())
    outcome.doubled = sum(n - 1 for n in got.articles.values())
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=40, help="kills per writer (default 40)")
    parser.add_argument("--records", type=int, default=120, help="ANT records ingested (default 120)")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--work", type=Path, help="folder for the stores (default: a temporary one, removed)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/kills.md")
    out.add_argument("--out", type=Path, help="write the page here instead")
    args = parser.parse_args(argv)

    import tempfile

    from report_page import ReportPage
    from report_page import command as page_command

    page = ReportPage("kills", "Kills: SIGKILL at random points", command=page_command(sys.argv))
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="marsad-kills-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        reference_db, windows = reference(work, args.records)
        want = snapshot(reference_db)
        outcomes = []
        for scenario in scenarios(work, reference_db):
            db = work / f"{scenario.name.replace(' ', '-')}.duckdb"
            outcome = survive(scenario, db, want, kills=args.kills, window=windows[scenario.name], rng=rng, log=print)
            print(f"{outcome.name}: {outcome.kills} killed, {outcome.finished_early} finished before their kill, "
                  f"{len(outcome.problems)} problems, differences {outcome.differences or 'none'}")
            outcomes.append(outcome)
    rows = "\n".join(
        f"| {o.name} | {windows[o.name]:.1f} | {o.kills} | {o.finished_early} | {o.articles} | {o.lost} | {o.doubled} "
        f"| {len(o.problems)} | {'; '.join(o.differences) or 'none'} |"
        for o in outcomes
    )
    body = (
        f"{args.kills} runs per writer on {args.records} ANT v2.1 records (every {STRIDE}th of the demo sample), "
        f"write batches of {WRITE_BATCH}, each run SIGKILLed after a random delay (seed {args.seed}) in "
        "[0, an uninterrupted run's time]; the store checked after every kill, then run once to its end and compared "
        "with a store that was never interrupted.\n\n"
        "| writer | uninterrupted run (s) | killed | ended before the kill (checked, then started over) | articles | lost | doubled | problems "
        "after kills | differences at the end |\n|---|---|---|---|---|---|---|---|---|\n" + rows + "\n"
    )
    for o in outcomes:
        body += "".join(f"\n- {o.name}: {p}" for p in o.problems[:20])
    print(body)
    if not args.no_doc:
        page.write(body, out=args.out)
    return int(any(o.problems or o.differences for o in outcomes))


if __name__ == "__main__":
    sys.exit(main())
