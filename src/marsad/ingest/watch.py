"""Continuous collection: poll RSS/Atom feeds, fetch each new item's page, store it (``marsad watch``).

- Conditional GET: the feed's ETag / Last-Modified are sent back (If-None-Match / If-Modified-Since),
  so an unchanged feed costs one 304 and nothing else.
- Per-feed error backoff: a feed that fails waits ``interval * 2**failures`` (capped) before its next try;
  the other feeds go on.
- Every fetch goes through marsad.ingest.fetch (http(s) only, public addresses only unless
  ``allow_private_networks``, bounded in time, size and redirects), so a feed that hangs, trickles, fails or
  sends garbage or a huge body costs at most ``fetch_timeout_s`` and one line in the cycle report.
- An item page that keeps failing is given up after ``MAX_PAGE_ATTEMPTS`` cycles, so a hanging page server
  does not cost a fetch timeout on every cycle forever.
- State (validators, backoff, items already seen) lives in a JSON file beside the store, so
  ``marsad watch --once`` from cron behaves like a long-running watcher.
- A watcher's first cycle first finishes what a killed ingest or watcher left (``finish_interrupted``: articles
  stored but not indexed, enriched or given topics), as ``marsad ingest`` does.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from marsad.config import Settings
from marsad.errors import FetchError, MarsadError, RejectedInput
from marsad.ingest.fetch import fetch, is_http_url
from marsad.ingest.pipeline import AfterBatch, Ingestor, finish_interrupted
from marsad.models import Article, Reject
from marsad.store import Store

LOGGER = logging.getLogger(__name__)

# A failing feed waits interval * 2**failures, but never longer than this: a feed that comes back
# is picked up within a few hours.
MAX_BACKOFF_S = 6 * 3600
# Item keys (guid or URL) remembered per feed: well above any feed's length, so a page is fetched once.
SEEN_PER_FEED = 2000
# Cycles in which an item's page fetch may fail before the item is given up (remembered as seen): a page
# server that is down for a cycle or two is retried, one that hangs for good stops costing fetch timeouts.
MAX_PAGE_ATTEMPTS = 3
STATE_SUFFIX = ".watch.json"
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "10m", "1h", "1d"."""
    match = _INTERVAL.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise RejectedInput(f"{text!r}: not an interval (use e.g. 30s, 10m, 1h)")
    return float(match.group(1)) * _UNIT_S[match.group(2).lower()]


def load_feeds(path: Path) -> list[str]:
    """Feed URLs from a file: one per line; blank lines and ``#`` comments ignored; non-http(s) refused."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RejectedInput(f"{Path(path).name}: cannot read the feeds file", detail=str(exc)) from exc
    feeds: list[str] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        url = stripped.split()[0]
        if not is_http_url(url):
            LOGGER.warning("%s:%d: %r is not an http(s) URL; skipped", Path(path).name, number, url)
            continue
        if url not in feeds:
            feeds.append(url)
    if not feeds:
        raise RejectedInput(f"{Path(path).name}: no http(s) feed URLs in the file")
    return feeds


# -- state ----------------------------------------------------------------------------------------
@dataclass
class FeedState:
    url: str
    etag: str = ""
    last_modified: str = ""
    failures: int = 0
    next_due: float = 0.0  # epoch seconds
    last_error: str = ""
    seen: list[str] = field(default_factory=list)  # item keys, oldest first
    page_failures: dict[str, int] = field(default_factory=dict)  # item key → cycles its page fetch failed


def state_path_for(settings: Settings) -> Path:
    """The watch state of the store at ``settings.db_path``, named after its full file name
    (``news.duckdb.watch.json``), so ``news.duckdb`` and ``news.db`` never share one. A state file of the older
    naming (``news.watch.json``) is not read: it may be the other store's, whose "already seen" items this store
    would never fetch; starting afresh only costs fetching the feeds' current items once (those stored already
    are recognised as duplicates)."""
    return settings.db_path.with_name(settings.db_path.name + STATE_SUFFIX)


def load_state(path: Path) -> dict[str, FeedState]:
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {url: FeedState(**values) for url, values in raw.get("feeds", {}).items()}
    except (OSError, ValueError, TypeError) as exc:  # a damaged state file only costs re-polling
        LOGGER.warning("%s: unreadable watch state, starting afresh (%s)", path, exc)
        return {}


def save_state(path: Path, states: dict[str, FeedState]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"feeds": {u: asdict(s) for u, s in states.items()}}, ensure_ascii=False), "utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a state file


# -- the watcher ----------------------------------------------------------------------------------
@dataclass
class CycleReport:
    feeds_polled: int = 0
    not_modified: int = 0
    feed_errors: int = 0
    backing_off: int = 0
    new_items: int = 0
    stored: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "message (retry in N s)" per failed feed

    def line(self) -> str:
        text = (
            f"watch cycle: {self.feeds_polled} feeds polled, {self.not_modified} unchanged, {self.feed_errors} failed, "
            f"{self.backing_off} backing off; {self.new_items} new items, {self.stored} stored, "
            f"{self.exact_duplicates} duplicates, {len(self.rejects)} rejected"
        )
        return text + ("; failed: " + "; ".join(self.failures) if self.failures else "")


class Watcher:
    """Polls ``feeds``; ``run_cycle()`` does one pass, ``run()`` loops. ``clock`` is injectable for tests."""

    def __init__(
        self,
        feeds: Sequence[str],
        *,
        settings: Settings,
        interval_s: float,
        store: Store | None = None,
        after_batch: Sequence[AfterBatch] = (),
        after_cycle: Callable[[CycleReport], None] | None = None,
        state_path: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.interval_s = interval_s
        self.store = store or Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)
        self.after_batch = list(after_batch)
        # Called after each cycle has committed what it stored (``marsad watch`` runs the saved monitors there).
        self.after_cycle = after_cycle
        self.state_path = state_path or state_path_for(settings)
        self.clock = clock
        saved = load_state(self.state_path)
        self.states = {url: saved.get(url) or FeedState(url) for url in feeds}
        self.caught_up = False  # finish_interrupted runs before the first cycle's items

    def backoff_s(self, failures: int) -> float:
        return min(self.interval_s * 2**failures, MAX_BACKOFF_S)

    def run_cycle(self) -> CycleReport:
        from marsad.ingest.readers import read_feed  # readers pull in feedparser/trafilatura: load on use

        report = CycleReport()
        now = self.clock()
        with Ingestor(self.store, settings=self.settings, after_batch=self.after_batch) as ingestor:
            if not self.caught_up:
                # As `marsad ingest` does: a watcher killed between storing a batch and its after-batch steps
                # (indexing, enrichment, topics) left articles that no later batch would complete.
                finish_interrupted(self.store, self.after_batch)
                self.caught_up = True
            for state in self.states.values():
                if state.next_due > now:
                    report.backing_off += state.failures > 0
                    continue
                report.feeds_polled += 1
                try:
                    result = fetch(state.url, settings=self.settings, etag=state.etag, last_modified=state.last_modified)
                    feed = None if result.status == 304 else read_feed(result.data, url=result.url or state.url)
                except MarsadError as exc:
                    state.failures += 1
                    state.last_error = exc.message
                    state.next_due = now + self.backoff_s(state.failures)
                    report.feed_errors += 1
                    report.failures.append(f"{exc.message} (failure {state.failures}, retry in "
                                           f"{state.next_due - now:.0f} s)")
                    LOGGER.debug("feed %s failed: %s", state.url, exc.detail)
                    continue
                state.failures, state.last_error = 0, ""
                state.next_due = now + self.interval_s
                if feed is None:
                    report.not_modified += 1
                    continue
                state.etag, state.last_modified = result.etag, result.last_modified
                if feed.note:  # items past limits.MAX_FEED_ITEMS: never fetched, and said so in the report
                    report.rejects.append(Reject(state.url, None, feed.note))
                failures = state.page_failures  # counts for items no longer in the feed are dropped below
                state.page_failures = {}
                for item in feed.items:
                    key = item.guid or item.url
                    if not key or key in state.seen:
                        continue
                    report.new_items += 1
                    attempt = failures.get(key, 0) + 1
                    if not self._store_item(item, ingestor, report, attempt=attempt):
                        if attempt < MAX_PAGE_ATTEMPTS:
                            state.page_failures[key] = attempt
                            continue
                        LOGGER.warning("%s: page fetch failed in %d cycles; given up", item.url, attempt)
                    state.seen.append(key)
                del state.seen[:-SEEN_PER_FEED]
            ingestor.flush()
            totals = ingestor.report
        report.stored = totals.stored
        report.exact_duplicates = totals.exact_duplicates
        report.near_duplicates = totals.near_duplicates
        report.rejects.extend(totals.rejects)
        save_state(self.state_path, self.states)
        # One line per cycle; a warning when a feed failed.
        LOGGER.log(logging.WARNING if report.failures else logging.INFO, "%s", report.line())
        if self.after_cycle is not None:
            self.after_cycle(report)
        return report

    def _store_item(self, item, ingestor: Ingestor, report: CycleReport, *, attempt: int) -> bool:  # noqa: ANN001
        """Fetch the item's (readers.FeedItem) page and queue its article; False when its fetch failed."""
        from marsad.ingest.readers import read_bytes

        if not is_http_url(item.url or ""):
            report.rejects.append(Reject(item.url or item.guid or "?", None, "feed item without an http(s) link"))
            return True  # never fetchable: do not retry
        try:
            page = fetch(item.url, settings=self.settings)
        except FetchError as exc:
            report.rejects.append(Reject(item.url, None, f"{exc.message} (attempt {attempt} of {MAX_PAGE_ATTEMPTS})"))
            return False
        for found in read_bytes(page.data, name=item.url, fmt="html", url=page.url or item.url, settings=self.settings):
            if isinstance(found, Article):
                _fill_from_item(found, item)
            ingestor.add(found)
        return True

    def run(self, *, once: bool = False, stop: Callable[[], bool] = lambda: False) -> None:
        """Poll until ``stop()`` (or once); sleeps until the next feed is due."""
        while True:
            self.run_cycle()
            if once or stop():
                return
            wake = min((s.next_due for s in self.states.values()), default=self.clock() + self.interval_s)
            deadline = max(wake, self.clock() + 1)
            while self.clock() < deadline and not stop():
                time.sleep(min(1.0, max(0.0, deadline - self.clock())))
            if stop():
                return


def _fill_from_item(article: Article, item) -> None:  # noqa: ANN001 (readers.FeedItem)
    """The feed knows title, date and link even when the page's markup hides them."""
    if not article.title and item.title:
        article.title = item.title
    if article.published_at is None and item.published_at is not None:
        article.published_at = item.published_at
        offset = item.published_at.utcoffset()
        if offset is not None:
            minutes = int(offset.total_seconds() // 60)
            article.published_tz = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if not article.url:
        article.url = item.url
