"""Worker processes for CPU-bound steps: ingest's language id and fingerprints, enrichment's NER and keywords.

ONE process-start strategy for both: every worker is a fresh interpreter (``python -c``, the "spawn" model)
fed pickled chunks over its stdin and answering on its stdout. Why:
- not ``fork``: the parent may hold DuckDB connections and threads (the dashboard's, tqdm's, DuckDB's own);
  forking copies their locks in whatever state they are, and a child can hang on one;
- not multiprocessing's ``spawn``/``forkserver``: they re-import the caller's ``__main__`` in each child (a
  Streamlit script, a bench script), which is slow at best and runs its top-level code at worst.
A fresh interpreter imports only the target's module; each worker loads its models once, on its first chunk.

``WorkerPool(target, n)`` keeps its workers for its whole life (enrichment reuses them batch after batch);
``imap(chunks)`` streams: a feeder thread sends chunks round-robin while results come back in input order,
and full pipes hold the feeder back (bounded memory on inputs of any size).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

try:
    import fcntl
except ImportError:  # not a POSIX system: pipes keep their default size
    fcntl = None  # type: ignore[assignment]

LOGGER = logging.getLogger(__name__)

_WORKER_CODE = "from marsad.ingest.workers import worker_main; worker_main()"
# A worker is one process per core already: the native thread pools in it (OpenBLAS behind numpy's matrix
# products, OpenMP) get one thread. With two each, idle pool threads spin on the cores the other workers need:
# enrichment measured ~1.5 CPU ms an article more (of ~12) with OpenBLAS's default two threads.
ONE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Pipe buffer asked for each worker's input and output (see _widen): Linux's default ceiling for a user.
PIPE_BYTES = 1 << 20


class WorkerPool:
    """``workers`` processes applying ``target`` ("package.module:function", a list → a list of the same length)
    to chunks. Use as a context manager, or call ``close()``."""

    def __init__(self, target: str, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {workers}")
        self.target = target
        env = {**os.environ, **ONE_THREAD_ENV}
        self._procs = [
            subprocess.Popen([sys.executable, "-c", _WORKER_CODE, target], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=env)
            for _ in range(workers)
        ]
        for proc in self._procs:
            _widen(proc.stdin)
            _widen(proc.stdout)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def imap(self, chunks: Iterable[list[Any]]) -> Iterator[tuple[list[Any], list[Any]]]:
        """``(chunk, target(chunk))`` for each chunk, in order. The chunks stay here (workers send back only what
        they computed). An exception raised in a worker or by ``chunks`` is re-raised here; if the caller stops
        early, the pool is closed (its workers may still hold unread chunks)."""
        procs = self._procs
        feed_error: list[BaseException] = []
        # (worker index, chunk) per chunk sent, None at the end.
        sent: queue.Queue[tuple[int, list[Any]] | None] = queue.Queue()

        def feed() -> None:
            try:
                for n, chunk in enumerate(chunks):
                    _send(procs[n % len(procs)], chunk)
                    sent.put((n % len(procs), chunk))
            except BaseException as exc:  # re-raised in the consuming thread below
                feed_error.append(exc)
            finally:
                sent.put(None)

        feeder = threading.Thread(target=feed, name="marsad-worker-feeder", daemon=True)
        feeder.start()
        finished = False
        try:
            while (entry := sent.get()) is not None:
                index, chunk = entry
                try:
                    results = pickle.load(procs[index].stdout)
                except EOFError as exc:
                    raise RuntimeError(f"worker {index} ({self.target}) died (exit status {procs[index].wait()})") from exc
                if isinstance(results, BaseException):
                    raise results
                yield chunk, results
            feeder.join()
            if feed_error:
                raise feed_error[0]
            finished = True
        finally:
            if not finished:
                self.close()  # unblocks a feeder stuck on a full pipe (its write fails)

    def close(self) -> None:
        """End the workers: EOF on their input first, then kill whatever is still running."""
        for proc in self._procs:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _widen(pipe: Any) -> None:
    """Give ``pipe`` a buffer of PIPE_BYTES where the system allows it (Linux's F_SETPIPE_SZ). With the default
    64 KiB, a chunk (~280 KB for 100 news articles) or its results fill the pipe: the feeder waits for a busy
    worker to read its next chunk before it can feed the idle one, and a worker that finished first waits for
    the parent to read its results, which it reads in order, so a fast chunk waits for a slow one. Two workers
    given 20 such chunks of uneven length (sleeps of 0.1 and 0.3 s, 2 s of work each): 2.22 s with 64 KiB pipes,
    2.01–2.08 s with these. Elsewhere (or above the system's limit) pipes keep their size: same results."""
    if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _send(proc: subprocess.Popen, chunk: list[Any]) -> None:
    pickle.dump(chunk, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    proc.stdin.flush()


def _resolve(target: str) -> Callable[[list[Any]], list[Any]]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_main() -> None:
    """A worker process: read pickled chunks on stdin, write ``target(chunk)`` on stdout, until EOF."""
    # Ctrl-C in a terminal reaches the whole process group: the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    function = _resolve(sys.argv[1])
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            chunk = pickle.load(stdin)
        except EOFError:
            return
        try:
            results: object = function(chunk)
        except Exception as exc:  # sent back to be raised in the parent, with its message
            results = exc
        pickle.dump(results, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
