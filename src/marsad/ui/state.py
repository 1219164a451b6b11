"""Dashboard state: the cached store, cached analytics calls, and the URL ↔ widgets ↔ Query round trip.

The whole view lives in ``st.query_params`` so a copied address restores it:
- the analytics Query's own keys (q, from, to, lang, src, ent, topic, dups — see marsad.analytics.query);
- interface keys below (``ui`` language, page-local selections such as ``entity`` or ``s`` series);
- the page itself is the URL path (st.navigation url_path).
Widgets are seeded from the URL on a session's first run and write their values back on every run.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from marsad.analytics.query import PARAM_KEYS, Query
from marsad.config import Settings
from marsad.ingest.demo_progress import DemoProgress
from marsad.store import Store
from marsad.store.search import search_path
from marsad.ui.i18n import UiLang, as_ui_lang

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

UI_PARAM = "ui"
# "all=1": every date (the date filter off). No dates in the URL means the store's default period instead.
ALL_TIME_PARAM = "all"
# Query keys the sidebar owns; navigation links carry these (and the language) from page to page.
GLOBAL_KEYS = (UI_PARAM, "from", "to", ALL_TIME_PARAM, "lang", "src", "ent", "topic", "dups")
# Analytics results stay cached this long at most: a safety net, the data version already keys the cache.
CACHE_TTL_S = 3600
# Enough entries for every chart of every page in a few dozen filter combinations.
CACHE_MAX_ENTRIES = 2048
# While a demo load runs, cached results are reused for up to this many seconds (see data_version): a few rounds of
# the pages, and about six of the demo notice's refreshes.
DEMO_LOAD_CACHE_S = 30
_QUERY_MARK = "__marsad_query__"


# -- settings, store, data version -----------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return Settings.load()


@st.cache_resource(show_spinner=False)
def _store_for(path: str, retry_s: float) -> Store:
    return Store(path, lock_retry_seconds=retry_s)


def store() -> Store:
    s = settings()
    return _store_for(str(s.db_path), s.lock_retry_seconds)


def source() -> Any:
    """What the analytics read: the store, or a Parquet lake through Spark when MARSAD_BACKEND=spark
    (marsad.analytics.on_spark; every call then takes seconds). Monitors and briefings still use the store."""
    from marsad.analytics.on_spark import analytics_source

    s = settings()
    return analytics_source(s, store()) if s.backend == "spark" else store()


def data_version() -> tuple[object, ...]:
    """Modification times of the store and its search index (or of the lake's folders): any ingest changes them,
    so cached results computed before it are not reused (st.cache_data keys on this).

    While a demo load runs in the background (``make run``, the empty store's button) every batch it writes changes
    them, which would leave every page run uncached while the load takes the CPU. Then the version is the stage
    under way and a DEMO_LOAD_CACHE_S time slot instead: a page shows figures up to that old while the load goes on
    (the notice says they are partial), is drawn afresh when a stage ends (the notice reruns it), and once the load
    is over the modification times key the cache again, so nothing computed during the load is served after it."""
    src = source()
    if not isinstance(src, Store):
        return src.version()
    stage = DemoProgress(src.path).running_stage()
    if stage is not None:
        return ("demo load", stage, int(time.time() // DEMO_LOAD_CACHE_S))
    paths = (src.path, src.path.with_suffix(src.path.suffix + ".wal"), search_path(src))
    return tuple(_file_version(p) for p in paths)


def _file_version(path: Path) -> tuple[int, int]:
    """Modification time (ns) and size of ``path``; (0, 0) when it is not there. Not ``exists()`` then ``stat()``:
    DuckDB removes its .wal at each checkpoint, which can fall between the two (the page then failed). The size
    tells apart two writes within one tick of the file system's clock, which can leave the modification time as
    it was."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


# -- one connection per page run ------------------------------------------------------------------------------
# Independent analytics calls of one page run computed side by side: DuckDB and the SQLite search index release
# the GIL while they work, so a cold page waits for its slowest call rather than the sum (2 cores here).
PREFETCH_WORKERS = 4


class _RunConnection:
    """A Store stand-in for one page run. The first analytics call that misses the cache opens the store once
    (``analytics.pinned``: opening the DuckDB file costs 10–50 ms, about ten times per cold page); each call
    then gets its own cursor on that connection, so calls from prefetch threads never share one."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._stack = ExitStack()
        self._pinned: Store | None = None
        self._pending: list[Future] = []
        self._lock = threading.Lock()
        self.path = store.path
        self.exists = True

    def __repr__(self) -> str:
        return f"run-connection({self._store!r})"

    @contextmanager
    def read(self) -> Iterator[Any]:
        from marsad import analytics

        with self._lock:  # also around cursor(): a DuckDB connection is not to be used from two threads at once
            if self._pinned is None:
                self._pinned = self._stack.enter_context(analytics.pinned(self._store))
            with self._pinned.read() as con:
                cursor = con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def write(self):
        raise TypeError("a page run reads the store; use the Store itself to write")

    def track(self, futures: Sequence[Future]) -> None:
        """Calls started for this run (see :func:`prefetch`): the connection stays open until they are done."""
        with self._lock:
            self._pending.extend(futures)

    def close(self) -> None:
        wait(self._pending)  # a page that stopped early may not have waited for everything it prefetched
        with self._lock:
            self._stack.close()
            self._pinned = None
            self._pending.clear()


_RUN_CONNECTION: contextvars.ContextVar[_RunConnection | None] = contextvars.ContextVar("marsad_run_connection", default=None)


@contextmanager
def run_connection() -> Iterator[None]:
    """Analytics calls inside the block share one read-only connection, opened only if a call misses the cache
    and closed at the end (an open connection keeps writers out, so the block is one page run, never a write)."""
    src = source()
    if not isinstance(src, Store):  # a lake has no connection to keep open: each call runs on Spark
        yield
        return
    run = _RunConnection(src)
    token = _RUN_CONNECTION.set(run)
    try:
        yield
    finally:
        _RUN_CONNECTION.reset(token)
        run.close()


def _run_store() -> Store:
    run = _RUN_CONNECTION.get()
    return run if run is not None else source()  # type: ignore[return-value]


def prefetch(calls: Sequence[tuple[Callable[..., Any], tuple, dict[str, Any]]]) -> None:
    """Start computing ``call(fn, *args, **kwargs)`` for each (fn, args, kwargs) side by side, and return at once.

    The page then makes the same calls in order, drawing as it goes: st.cache_data computes a key only once and
    a second caller waits for that result, so each section waits for its own data only and is on screen while
    the rest is still computing. Inside a page run (:func:`run_connection`) the run's connection stays open until
    every started call is done; outside one this opens such a connection for the calls and waits for them (calls
    opening connections of their own side by side can fail: DuckDB's Python client is not safe to connect to the
    same file from several threads at once). Errors are left for the page's own call to raise."""
    if len(calls) < 2 or not isinstance(source(), Store):  # calls on a lake run one at a time (on_spark's lock)
        return
    if _RUN_CONNECTION.get() is None:
        with run_connection():
            prefetch(calls)
        return
    context = contextvars.copy_context()

    def one(item: tuple[Callable[..., Any], tuple, dict[str, Any]]) -> None:
        fn, args, kwargs = item
        try:
            context.copy().run(call, fn, *args, **kwargs)
        except Exception:  # the page's own call repeats it and shows the error where it belongs
            LOGGER.debug("prefetch of %s failed", fn.__name__, exc_info=True)

    pool = ThreadPoolExecutor(max_workers=min(PREFETCH_WORKERS, len(calls)), thread_name_prefix="marsad-prefetch")
    futures = [pool.submit(one, item) for item in calls]
    pool.shutdown(wait=False)
    _RUN_CONNECTION.get().track(futures)  # type: ignore[union-attr]


# -- cached analytics calls --------------------------------------------------------------------------------
def _freeze(value: Any) -> Any:
    if isinstance(value, Query):
        return (_QUERY_MARK, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in value.to_params().items())))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == _QUERY_MARK:
        return Query.from_params({k: list(v) if isinstance(v, tuple) else v for k, v in value[1]})
    if isinstance(value, tuple):
        return tuple(_thaw(v) for v in value)
    return value


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _cached_call(module: str, name: str, args: tuple, kwargs: tuple, db: str, version: tuple) -> Any:
    fn = getattr(importlib.import_module(module), name)
    return fn(_run_store(), *(_thaw(a) for a in args), **{k: _thaw(v) for k, v in kwargs})


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(store, *args, **kwargs)`` through st.cache_data, keyed by the Query's URL form, the arguments and
    the data version. ``fn`` must be a module-level analytics function taking the store first."""
    return _cached_call(
        fn.__module__,
        fn.__name__,
        tuple(_freeze(a) for a in args),
        tuple(sorted((k, _freeze(v)) for k, v in kwargs.items())),
        str(source().path),
        data_version(),
    )


def clear_caches() -> None:
    _cached_call.clear()


# -- URL parameters ----------------------------------------------------------------------------------------
def params() -> dict[str, list[str]]:
    """Every URL parameter with all its values (st.query_params[key] alone gives only the last)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def param(key: str, default: str = "") -> str:
    values = st.query_params.get_all(key)
    return values[-1] if values else default


def param_list(key: str) -> list[str]:
    return [v for value in st.query_params.get_all(key) for v in value.split(",") if v]


# Page-local URL values are read leniently: a hand-edited or truncated link falls back to the default view rather
# than failing the page (the analytics Query keys, which filter data, are refused with a message instead).
MAX_ID = 2**63 - 1  # article ids are BIGINT


def int_param(key: str, default: int, *, lo: int = 1, hi: int = MAX_ID) -> int:
    """A whole-number URL parameter within [lo, hi]; anything else ("²", "-1", "1e9", 30 digits) reads as ``default``."""
    value = param(key).strip()
    if not (value.isascii() and value.isdigit()):  # "²" and "٣" are digits to str.isdigit, not to int()
        return default
    number = int(value)
    return number if lo <= number <= hi else default


def date_list_param(key: str) -> list[date]:
    """The dates in a comma-separated URL parameter, in order; malformed ones are left out."""
    dates = []
    for value in param_list(key):
        try:
            dates.append(date.fromisoformat(value.strip()))
        except ValueError:
            LOGGER.debug("URL %s=%r: not a date, ignored", key, value)
    return dates


def set_params(updates: Mapping[str, str | list[str] | None]) -> None:
    """Write ``updates`` into the URL (None or empty removes a key); untouched keys stay. Writes only what changed,
    so a rerun does not push a browser history entry for nothing."""
    for key, value in updates.items():
        current = st.query_params.get_all(key)
        if value is None or value == "" or value == []:
            if current:
                del st.query_params[key]
            continue
        wanted = value if isinstance(value, list) else [value]
        if current != wanted:
            st.query_params[key] = wanted if isinstance(value, list) else value


def seed(key: str, value: Any) -> None:
    """Give widget ``key`` its value from the URL the first time this session renders it."""
    if key not in st.session_state:
        st.session_state[key] = value


def lang() -> UiLang:
    return as_ui_lang(param(UI_PARAM))


def url_query() -> Query:
    """The analytics Query encoded in the URL (raises InvalidQuery for a malformed shared link)."""
    return Query.from_params({k: v for k, v in params().items() if k in PARAM_KEYS})


def query() -> Query:
    """The Query this run's sidebar built (pages call this; the frame builds it before running the page)."""
    q = st.session_state.get("_marsad_query")
    return q if isinstance(q, Query) else url_query()


def set_query(q: Query) -> None:
    """The sidebar's Query for this run, and its filters in the URL. Not its dates: the frame writes those
    itself, since the default period is a dated Query whose URL names no dates (see marsad.ui.shell)."""
    st.session_state["_marsad_query"] = q
    set_params({k: q.to_params().get(k) for k in PARAM_KEYS if k not in ("q", "from", "to")})


def global_params() -> dict[str, list[str]]:
    """The part of the URL that follows the user from page to page (filters and language)."""
    return {k: v for k, v in params().items() if k in GLOBAL_KEYS}


# -- page-local widgets bound to the URL ---------------------------------------------------------------------
def set_page(slug: str) -> None:
    st.session_state["_marsad_page"] = slug


def widget_key(param_key: str) -> str:
    """Session key of the widget bound to URL parameter ``param_key`` on the current page. Keys differ per page:
    Streamlit keeps a widget's state across a page switch by key, which would leak one page's choice (or a stale
    empty value) into another page's widget of the same name."""
    return f"_p_{st.session_state.get('_marsad_page', '')}_{param_key}"


def choice(param_key: str, options: list[str], *, default: str, label: str, format_func: Callable[[str], str] = str,
           widget: str = "segmented") -> str:
    """A single choice seeded from and written back to the URL (left out of the URL when it is the default)."""
    key = widget_key(param_key)
    from_url = param(param_key, default)
    seed(key, from_url if from_url in options else default)
    if widget == "segmented":
        value = st.segmented_control(label, options, key=key, format_func=format_func) or default
    elif widget == "radio":
        value = st.radio(label, options, key=key, format_func=format_func, horizontal=True)
    else:
        value = st.selectbox(label, options, key=key, format_func=format_func)
    set_params({param_key: None if value == default else value})
    return value


def text(param_key: str, *, label: str, placeholder: str = "", help: str | None = None) -> str:
    """A text box seeded from and written back to the URL."""
    key = widget_key(param_key)
    seed(key, param(param_key))
    value = st.text_input(label, key=key, placeholder=placeholder, help=help).strip()
    set_params({param_key: value or None})
    return value


def switch_to(slug: str, **page_params: str | list[str]) -> None:
    """Go to page ``slug`` carrying the filters and language plus ``page_params`` (st.switch_page reruns)."""
    from marsad.ui.navigation import PAGE_BY_SLUG

    st.switch_page(PAGE_BY_SLUG[slug].path, query_params={**global_params(), **page_params})
