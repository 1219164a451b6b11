"""The demo corpus in ``data/demo/`` (see ``data/README.md``): loaded by ``marsad demo`` and ``make run`` into an
empty store, and by the dashboard's "load the demo corpus" button.

A load runs in stages, in this order; each is skipped when the store has it done already, so a second run is quick
and a run cut short (Ctrl-C, a kill) resumes where it stopped (marsad.ingest.demo_progress keeps track):

1. ``ingest``: read, language, dedup, store, search index — what every page needs;
2. ``topics``: fit the topic models and give every article its weights (they read the texts, not the enrichment);
3. ``enrich``: entities, places and keywords, in worker processes (the long stage: about 20 CPU-ms an article);
4. ``stories``: group the enriched articles into stories (they need the entities), in publication order, once.

``make run`` runs them in a background process (``marsad demo --background``; the dashboard's button starts the same
one: marsad.ingest.demo_background) and starts the dashboard at once: the
ingest and the topics beside the dashboard's own start (2 cores), then enrichment and stories at a lower priority.
The dashboard says on every page how far they are.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.config import Settings
from marsad.errors import RejectedInput
from marsad.ingest.demo_progress import DemoProgress
from marsad.ingest.pipeline import Progress
from marsad.models import IngestReport
from marsad.store import Store
from marsad.store.articles import is_empty

LOGGER = logging.getLogger(__name__)

DEMO_SUBDIR = "demo"
# The corpus files: exports the readers handle (gzip JSONL) and the seed page (plain text).
DEMO_SUFFIXES = (".jsonl.gz", ".txt")
STAGES = ("ingest", "topics", "enrich", "stories")


@dataclass
class StageReport:
    stage: str
    summary: str  # what it did, or why there was nothing to do
    seconds: float
    cpu_seconds: float  # this process and the worker processes it ran, user + system
    skipped: bool = False


@dataclass
class DemoReport:
    ingest: IngestReport | None = None  # None when the articles were stored by an earlier run
    stages: list[StageReport] = field(default_factory=list)
    finished: bool = False  # every stage done: the store is an ordinary store from now on


def demo_files(settings: Settings) -> list[Path]:
    """The demo corpus files, in a fixed order (so article ids are the same on every machine)."""
    folder = settings.data_dir / DEMO_SUBDIR
    return sorted(p for p in folder.glob("*") if p.is_file() and p.name.endswith(DEMO_SUFFIXES))


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (worker pools), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load_demo(
    *,
    settings: Settings,
    enrich: bool = True,
    until: str = STAGES[-1],
    progress: Progress | None = None,
    bars: bool = False,
    store: Store | None = None,
    before_stage: Callable[[str], None] | None = None,
    after_stage: Callable[[StageReport], None] | None = None,
) -> DemoReport | None:
    """Run the demo load's stages up to ``until`` (all by default; ``enrich=False``: the ingest stage only, and the
    load counts as finished). ``None`` (nothing done) when the store has articles that no unfinished demo load
    put there. ``progress`` follows the ingest; ``bars``: a progress bar on stderr for the enrichment;
    ``before_stage(stage)`` and ``after_stage(report)`` are called around each stage. ``StoreBusy`` when another
    process is working on this store's demo load."""
    store = store or Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
    tracker = DemoProgress(store.path)
    stages = STAGES[: STAGES.index(until) + 1] if enrich else STAGES[:1]
    with tracker.hold():
        if not tracker.unfinished:
            if not is_empty(store):
                LOGGER.info("%s already has articles; demo corpus not loaded", store.path)
                return None
            tracker.begin()
        report = DemoReport()
        runs: dict[str, Callable[[], tuple[str, bool]]] = {
            "ingest": lambda: _ingest(store, settings, tracker, report, progress),
            "topics": lambda: _topics(store),
            "enrich": lambda: _enrich(store, bars),
            "stories": lambda: _stories(store),
        }
        for stage in stages:
            tracker.enter(stage)
            if before_stage is not None:
                before_stage(stage)
            wall, cpu = time.perf_counter(), cpu_seconds()
            summary, skipped = runs[stage]()
            done = StageReport(stage, summary, round(time.perf_counter() - wall, 2), round(cpu_seconds() - cpu, 2), skipped)
            LOGGER.info("demo stage %s: %s (%.1f s, %.1f CPU-s)", stage, summary, done.seconds, done.cpu_seconds)
            report.stages.append(done)
            if after_stage is not None:
                after_stage(done)
        if stages == STAGES or not enrich:
            tracker.finish()
            report.finished = True
        else:
            tracker.enter(STAGES[len(stages)])
    return report


def _ingest(store: Store, settings: Settings, tracker: DemoProgress, report: DemoReport,
            progress: Progress | None) -> tuple[str, bool]:
    if tracker.ingested:
        return "the corpus is stored already", True
    files = demo_files(settings)
    if not files:
        raise RejectedInput(f"{settings.data_dir / DEMO_SUBDIR}: no demo corpus files found (see data/README.md)")
    from marsad.ingest.pipeline import ingest
    from marsad.store.search import index_stored

    # Only the search index after each batch: the other standard steps are later stages, each run once over the
    # whole corpus (enrichment in worker processes, stories in publication order). An earlier run cut short has
    # stored part of the corpus: its articles are exact duplicates now, skipped.
    # The seed page (plain text) has no outlet field: its dateline names it (ناس), which the text reader finds.
    report.ingest = ingest(files, settings=settings, progress=progress, after_batch=[index_stored], store=store)
    tracker.mark_ingested()
    r = report.ingest
    return f"{r.stored:,} articles stored ({r.exact_duplicates:,} exact and {r.near_duplicates:,} near-duplicates, " \
           f"{r.rejected:,} rejected)", False


# Threads for the demo's topic fit (k-means, SVD). On the shared 2 cores the OpenMP threads spin while they wait for
# each other: the demo corpus's fit took 16.4 CPU-s with 2 threads and 5.7 with one (74 s and 26 s wall at load
# 14-18), with the same topics and weights. A corpus of 3,000 articles is too small for a second thread to pay.
TOPIC_FIT_THREADS = 1


def _topics(store: Store) -> tuple[str, bool]:
    # The limit holds for the thread pools loaded when it is set: scikit-learn's k-means brings its OpenMP runtime.
    import sklearn.cluster  # noqa: F401
    from threadpoolctl import threadpool_limits

    from marsad.ingest import topics  # scikit-learn: load on use
    from marsad.store.topics import fitted_version

    if fitted_version(store):
        assigned = topics.assign_new(store)  # articles a resumed ingest stored after the fit
        return f"fitted already; {assigned:,} more articles assigned", not assigned
    with threadpool_limits(limits=TOPIC_FIT_THREADS):
        fitted = topics.fit(store)
    n = sum(lang["topics"] for lang in fitted["languages"].values())
    return f"{n} topics fitted in {len(fitted['languages'])} languages, every article assigned", False


def _enrich(store: Store, bars: bool) -> tuple[str, bool]:
    from marsad.ingest.enrich import enrich_ids
    from marsad.store.enrichment import pending_ids

    ids = pending_ids(store, below_version=1)
    if not ids:
        return "every article is enriched already", True
    done = enrich_ids(store, ids, n_process=None, progress=bars)  # worker processes for a corpus this size
    failed = f", {done.failed:,} failed (see the log)" if done.failed else ""
    return f"{done.articles:,} articles enriched: {done.mentions:,} mentions, {done.keywords:,} keywords{failed}", False


def _stories(store: Store) -> tuple[str, bool]:
    from marsad.ingest.stories import assign_pending

    done = assign_pending(store)
    return f"{done.articles:,} articles in {done.new_stories:,} new stories", not done.articles
