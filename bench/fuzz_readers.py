"""Mutation fuzzing of every reader: damaged copies of real inputs (data/demo, tests/fixtures) must give Articles
or one-line Rejects naming their file, never an exception and never the "unexpected error" reject that stands for
a reader bug.

    .venv/bin/python bench/fuzz_readers.py                 # 10,000 inputs per reader → docs/benchmarks/fuzz-readers.md
    .venv/bin/python bench/fuzz_readers.py --n 500 --no-doc

Readers are the formats the sniffer dispatches to (text, html, jsonl, csv, parquet, rss, warc) and the containers
(zip, gzip). Each input is read from memory (``read_bytes``, as uploads and fetched pages are) and, for the formats
read from disk by a code path of their own (jsonl, csv, parquet, warc and anything gzipped), also from a file
(``read_path``). The seeds and
mutations are fixed by ``--seed``: a crash found here is reproduced by its input number. tests/test_readers_fuzz.py
runs a few hundred inputs of each in CI.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.config import Settings  # noqa: E402
from marsad.ingest.readers import read_bytes, read_path  # noqa: E402
from marsad.models import Article, Reject  # noqa: E402

DEMO = ROOT / "data" / "demo"
FIXTURES = ROOT / "tests" / "fixtures"
SETTINGS = Settings()
RECORDS_PER_SEED = 12  # records in each export/crawl seed: enough for damage in one to leave the others to keep
STREAMED = ("jsonl", "csv", "parquet", "warc", "gz")  # read_path reads these from disk, a separate code path from memory
UNEXPECTED = "unexpected error"  # the reason readers._guarded gives an exception it did not expect: a reader bug
# An input still being read after this much CPU time is a hang (inputs here are at most a few hundred KB; most read
# in ms). CPU time, not wall-clock: on the shared 2-core machine a 2 s read took 11 s of wall-clock and was counted
# as a hang. A read that stops using the CPU (none does: readers only compute) is caught at HANG_WALL_FACTOR × that.
HANG_S = 10
HANG_WALL_FACTOR = 12


# -- seeds: real inputs per reader ---------------------------------------------------------------------------
def _jsonl_records(path: Path, n: int) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(n), f, strict=False)]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _csv(records: list[dict], *, flat: bool = False) -> bytes:
    """A CSV export of ``records``; ``flat``: line breaks in bodies become spaces, so each row is one line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", "text", "date", "url"])
    for r in records:
        body = r.get("text") or r.get("body", "")
        writer.writerow([r.get("title", ""), " ".join(body.split()) if flat else body, r.get("time") or r.get("date", ""),
                         r.get("url", "")])
    return out.getvalue().encode()


def _parquet(records: list[dict], *, row_group_size: int | None = None) -> bytes:
    """A Parquet export of ``records`` (a column per key of any record, nulls where a record lacks it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(dict.fromkeys(key for r in records for key in r))
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in records]), out,
                   row_group_size=row_group_size)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def seed_inputs() -> dict[str, list[tuple[str, bytes]]]:
    """(file name, bytes) per reader, all from the repository's real samples."""
    ant = _jsonl_records(DEMO / "ant_v2.1_sample.jsonl.gz", 400)[::33][:RECORDS_PER_SEED]
    reuters = _jsonl_records(DEMO / "reuters21578_sample.jsonl.gz", RECORDS_PER_SEED)
    jawhara = _jsonl_records(FIXTURES / "records" / "ant_v1.1_jawharafm_sample.jsonl.gz", RECORDS_PER_SEED)
    seed_page = (DEMO / "nas_2020-09-25_iraq-syria-border.txt").read_bytes()
    pages = sorted((FIXTURES / "html" / "pages").glob("*.html"))[:4]
    return {
        "text": [("nas.txt", seed_page), ("reuters.txt", (reuters[0].get("body") or "").encode())],
        "html": [(p.name, p.read_bytes()) for p in pages],
        "jsonl": [("ant.jsonl", _jsonl(ant)), ("reuters.jsonl", _jsonl(reuters)), ("jawhara.jsonl", _jsonl(jawhara))],
        "csv": [("ant.csv", _csv(ant)), ("ant-flat.csv", _csv(ant, flat=True)), ("reuters.csv", _csv(reuters))],
        "parquet": [("ant.parquet", _parquet(ant, row_group_size=4)), ("reuters.parquet", _parquet(reuters))],
        "rss": [("skynews.rss", (FIXTURES / "feeds" / "skynews.rss").read_bytes())],
        "warc": [("pages.warc", gzip.decompress((FIXTURES / "html" / "pages.warc.gz").read_bytes()))],
        "zip": [("mixed.zip", _zip({"nas.txt": seed_page, "ant.jsonl": _jsonl(ant[:4]), pages[0].name: pages[0].read_bytes()}))],
        "gz": [("ant.jsonl.gz", gzip.compress(_jsonl(ant))), ("nas.txt.gz", gzip.compress(seed_page))],
    }


# -- mutations -------------------------------------------------------------------------------------------------
SURROGATES = (b"\xed\xa0\x80", b"\\ud800", b"\\udfff", b"&#xD800;", "\ud83d".encode("utf-8", "surrogatepass"))


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _delete(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + data[cut + rng.randint(1, 400):]


def _insert(data: bytes, rng: random.Random, what: bytes) -> bytes:
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + what + data[cut:]


def _nul(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, rng, b"\x00" * rng.choice((1, 1, 3, 64)))


def _surrogate(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, rng, rng.choice(SURROGATES))


def _splice(data: bytes, rng: random.Random) -> bytes:
    a, b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
    return _insert(data, rng, data[a:b][:4096])


def _reencode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    codec = rng.choice(("utf-16", "utf-16-le", "utf-32", "cp1256", "latin-1", "utf-8-sig", "cp1252"))
    return text.encode(codec, "replace")


def _deep(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((200, 5_000, 100_000))
    return _insert(data, rng, rng.choice((b"[", b"{\"a\":", b"<div>")) * depth)


def _gzip(data: bytes, rng: random.Random) -> bytes:
    return gzip.compress(data, compresslevel=1)


def _zip_member(data: bytes, rng: random.Random) -> bytes:
    return _zip({rng.choice(("doc", "doc.txt", "doc.jsonl", "../doc.html", "a/b/doc.csv")): data})


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": _truncate, "flip": _flip, "delete": _delete, "nul": _nul, "surrogate": _surrogate,
    "splice": _splice, "re-encode": _reencode, "deep nesting": _deep, "in gzip": _gzip, "in zip": _zip_member,
}
NESTING = ("in gzip", "in zip")


def mutant(data: bytes, rng: random.Random) -> tuple[list[str], bytes]:
    """One to three mutations in a row (a nesting one last, so a damaged file also arrives inside an archive)."""
    names = rng.sample([m for m in MUTATIONS if m not in NESTING], k=rng.randint(1, 2))
    if rng.random() < 0.2:
        names.append(rng.choice(NESTING))
    for name in names:
        data = MUTATIONS[name](data, rng) if data else data
    return names, data


# -- running ---------------------------------------------------------------------------------------------------
class Hang(BaseException):
    """Raised by the alarm in an input read past HANG_S: a BaseException, so the readers' own catch-all (which
    turns a bug into a reject) does not swallow it."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """``seconds`` of this process's CPU time (SIGPROF), or HANG_WALL_FACTOR times that of wall-clock (SIGALRM);
    signals, so only in the main thread (the bench and pytest run there)."""
    def ring(signum, frame):
        if signum == signal.SIGPROF:
            raise Hang(f"still reading after {seconds} s of CPU time")
        raise Hang(f"still reading after {HANG_WALL_FACTOR * seconds} s")

    previous = {sig: signal.signal(sig, ring) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, HANG_WALL_FACTOR * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass
class Tally:
    """What one reader did with its inputs."""

    inputs: int = 0
    accepted: int = 0  # at least one Article
    rejected: int = 0  # only Rejects
    crashes: int = 0  # an exception, an "unexpected error" reject, a reject that is not one line naming its file, a hang
    records: int = 0  # Articles in all
    crash_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0


def read_all(data: bytes, name: str, *, folder: Path | None) -> Iterator[list[Article | Reject]]:
    """Everything read from ``data``: from memory, and from a file in ``folder`` when given."""
    yield list(read_bytes(data, name=name, settings=SETTINGS))
    if folder is not None:
        path = folder / name
        path.write_bytes(data)
        yield list(read_path(path, settings=SETTINGS))


def problems(items: list[Article | Reject], name: str) -> list[str]:
    """Why these results count as a crash: a reader bug, or a reject a person cannot act on."""
    out = []
    for item in items:
        if not isinstance(item, Article | Reject):
            out.append(f"not an Article or Reject: {type(item).__name__}")
        elif isinstance(item, Reject):
            if UNEXPECTED in item.reason:
                out.append(item.reason)
            elif "\n" in item.reason or not item.reason.strip():
                out.append(f"reject reason is not one line: {item.reason!r}")
            elif name not in item.file:
                out.append(f"reject does not name its file: {item}")
    return out


def fuzz(reader: str, n: int, *, seed: int = 0, seeds: dict[str, list[tuple[str, bytes]]] | None = None) -> Tally:
    """``n`` mutants of ``reader``'s seed inputs, each read as uploads and (streamed formats) files are."""
    seeds = seeds or seed_inputs()
    rng = random.Random(f"{reader}-{seed}")
    tally = Tally()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="marsad-fuzz-") as tmp:
        for i in range(n):
            name, original = rng.choice(seeds[reader])
            how, data = mutant(original, rng)
            if "in gzip" in how:
                name += ".gz"
            elif "in zip" in how:
                name += ".zip"
            tally.inputs += 1
            try:
                with deadline(HANG_S):
                    runs = list(read_all(data, name, folder=Path(tmp) if reader in STREAMED or name.endswith(".gz") else None))
                found = [p for items in runs for p in problems(items, name)]
            except Hang as exc:
                runs, found = [], [f"hang: {exc}"]
            except Exception as exc:  # noqa: BLE001 — the point is to count them
                runs, found = [], [f"raised {type(exc).__name__}: {exc}"]
            if found:
                tally.crashes += 1
                if len(tally.crash_examples) < 10:
                    tally.crash_examples.append(f"input {i} ({name}, {' + '.join(how)}): {found[0][:300]}")
                continue
            articles = max(sum(isinstance(x, Article) for x in items) for items in runs)  # a file may keep more
            tally.records += articles
            if articles:
                tally.accepted += 1
            else:
                tally.rejected += 1
    tally.seconds = time.perf_counter() - start
    return tally


def _table(results: dict[str, Tally]) -> str:
    rows = ["| reader | inputs | accepted | rejected | crashes | articles read | seconds |", "|---|---:|---:|---:|---:|---:|---:|"]
    for reader, t in results.items():
        rows.append(f"| {reader} | {t.inputs:,} | {t.accepted:,} | {t.rejected:,} | {t.crashes:,} | {t.records:,} | {t.seconds:.0f} |")
    examples = [f"- {reader}: {e}" for reader, t in results.items() for e in t.crash_examples]
    return "\n".join(rows + ["", "Crashes:" if examples else "No crashes.", *examples])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs per reader (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--readers", nargs="*", default=None, help="only these (default: all)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/fuzz-readers.md")
    args = parser.parse_args(argv)
    page = ReportPage("fuzz_readers", "Reader fuzzing", stem="fuzz-readers")
    seeds = seed_inputs()
    readers = args.readers or list(seeds)
    results = {}
    mutations = ", ".join(MUTATIONS)

    def body() -> str:
        left = [r for r in readers if r not in results]
        return (f"Damaged copies of real inputs ({args.n:,} per reader, seed {args.seed}; mutations: {mutations}), each "
                "read from memory and, for streamed formats, from a file. A crash is an exception, an \"unexpected "
                "error\" reject (a reader bug), a reject that is not one line naming its file, or an input still being "
                f"read after {HANG_S} s of CPU time.\n\n" + _table(results)
                + (f"\n\n**Run in progress** (or cut short): {', '.join(left)} not measured yet." if left else ""))

    for reader in readers:
        results[reader] = fuzz(reader, args.n, seed=args.seed, seeds=seeds)
        t = results[reader]
        print(f"{reader}: inputs {t.inputs}, accepted {t.accepted}, rejected {t.rejected}, crashes {t.crashes} ({t.seconds:.0f} s)",
              flush=True)
        if not args.no_doc:  # after each reader, so a run cut short (a long run on a shared machine) keeps its figures
            page.write(body())
    if args.no_doc:
        print(body())
        print_load()
    return 1 if any(t.crashes for t in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
