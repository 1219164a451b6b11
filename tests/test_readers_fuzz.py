"""Every reader fuzzed in CI: a few hundred seeded mutations of real inputs each (bench/fuzz_readers.py runs
10,000), zero crashes; and where the format has records, damage to one record costs only that record."""

from __future__ import annotations

import gzip
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import fuzz_readers  # noqa: E402

from marsad.ingest.readers import read_bytes, read_path  # noqa: E402
from marsad.models import Article  # noqa: E402

SEEDS = fuzz_readers.seed_inputs()
# Inputs per reader: HTML extraction and WARC crawls cost ~50-80 ms an input, the rest a few ms.
N = {"html": 150, "warc": 150}


@pytest.mark.parametrize("reader", list(SEEDS))
def test_damaged_real_inputs_never_crash(reader):
    tally = fuzz_readers.fuzz(reader, N.get(reader, 300), seed=1, seeds=SEEDS)
    assert tally.crashes == 0, tally.crash_examples
    assert tally.accepted and tally.rejected  # the mutations both spared and broke inputs: they reached the reader


# -- damage confined to one record -----------------------------------------------------------------------------
def _origins(data: bytes, name: str, tmp_path: Path) -> list[set[str]]:
    """Origins of the Articles read from ``data``, from memory and from a file."""
    path = tmp_path / name
    path.write_bytes(data)
    runs = [read_bytes(data, name=name, settings=fuzz_readers.SETTINGS), read_path(path, settings=fuzz_readers.SETTINGS)]
    return [{a.origin.removeprefix(str(tmp_path) + "/") for a in run if isinstance(a, Article)} for run in runs]


def _record_damage(record: bytes, rng: random.Random, *, avoid: bytes) -> bytes:
    """A damaged record that stays one record: no byte of ``avoid`` (line ends, CSV quotes) added or removed."""
    what = rng.choice(["flip", "nul", "surrogate", "truncate", "deep", "huge number"])
    if what == "truncate":
        keep = record[: rng.randrange(len(record))]
        return keep + bytes(b for b in record[len(keep):] if b in avoid)
    insert = {
        "nul": b"\x00", "surrogate": rng.choice(fuzz_readers.SURROGATES), "deep": b"[" * 100_000,
        "huge number": b"9" * 5000, "flip": bytes([rng.choice([b for b in range(256) if b not in avoid])]),
    }[what]
    cut = rng.randrange(len(record) + 1)
    if what == "flip" and cut < len(record) and record[cut] not in avoid:
        return record[:cut] + insert + record[cut + 1:]
    return record[:cut] + insert + record[cut:]


@pytest.mark.parametrize(("reader", "name", "avoid"), [("jsonl", "ant.jsonl", b"\n\r"), ("csv", "ant-flat.csv", b'\n\r"')])
def test_a_damaged_record_costs_only_itself(reader, name, avoid, tmp_path):
    data = dict(SEEDS[reader])[name]
    lines = data.split(b"\n")
    first = 1 if reader == "csv" else 0  # the CSV header row is not a record
    good = _origins(data, name, tmp_path)[0]
    assert len(good) == fuzz_readers.RECORDS_PER_SEED
    rng = random.Random(reader)
    for _ in range(40):
        k = rng.randrange(first, len(lines) - 1)
        damaged = b"\n".join([*lines[:k], _record_damage(lines[k], rng, avoid=avoid), *lines[k + 1:]])
        for kept in _origins(damaged, name, tmp_path):
            assert good - kept <= {f"{name}#{k + 1 - first}"}, (k, sorted(good - kept))


def test_a_damaged_zip_member_costs_only_itself(tmp_path):
    members = {"nas.txt": (ROOT / "data" / "demo" / "nas_2020-09-25_iraq-syria-border.txt").read_bytes(),
               "ant.jsonl": dict(SEEDS["jsonl"])["ant.jsonl"], "reuters.jsonl": dict(SEEDS["jsonl"])["reuters.jsonl"]}
    good = _origins(fuzz_readers._zip(members), "x.zip", tmp_path)[0]
    rng = random.Random("zip")
    for victim in members:
        how, damaged = fuzz_readers.mutant(members[victim], rng)
        for kept in _origins(fuzz_readers._zip({**members, victim: damaged}), "x.zip", tmp_path):
            lost = {o for o in good - kept if not o.startswith(f"x.zip!{victim}")}
            assert not lost, (victim, how, sorted(lost))


def test_a_damaged_warc_page_costs_only_its_record(tmp_path):
    data = dict(SEEDS["warc"])["pages.warc"]
    good = _origins(data, "pages.warc", tmp_path)[0]
    assert len(good) >= 3
    starts = [i for i in range(len(data)) if data.startswith(b"WARC/1.0\r\n", i)] + [len(data)]
    rng = random.Random("warc")
    for start, end in zip(starts, starts[1:], strict=False):
        if b"WARC-Type: response" not in data[start:end]:
            continue
        page = data.index(b"\r\n\r\n", data.index(b"\r\n\r\n", start) + 4) + 4  # past the WARC and HTTP headers
        damaged = bytearray(data)
        for _ in range(200):  # same length: the record's Content-Length stays right
            damaged[rng.randrange(page, end - 4)] = rng.choice(b"\x00<>&\"'\xff\xfe" + bytes(range(32, 127)))
        for kept in _origins(bytes(damaged), "pages.warc", tmp_path):
            assert len(good - kept) <= 1, sorted(good - kept)


def _broken(*args, **kwargs):
    raise KeyError("bug")


def _stuck(*args, **kwargs):
    import time

    time.sleep(30)


def _spinning(*args, **kwargs):
    import time

    end = time.monotonic() + 30
    while time.monotonic() < end:
        pass


@pytest.mark.parametrize(("reader_fn", "found"), [(_broken, "unexpected error"), (_spinning, "hang"), (_stuck, "hang")])
def test_fuzz_counts_a_reader_crash_or_hang(monkeypatch, reader_fn, found):
    """The harness itself: an "unexpected error" reject (an exception inside a reader), or an input read past
    HANG_S of CPU time (spinning) or HANG_WALL_FACTOR times that of wall-clock (stuck), is a crash."""
    monkeypatch.setattr(fuzz_readers, "HANG_S", 1)
    monkeypatch.setattr(fuzz_readers, "HANG_WALL_FACTOR", 2)
    monkeypatch.setattr("marsad.ingest.readers.article_from_text", reader_fn)
    tally = fuzz_readers.fuzz("text", 3, seed=3, seeds=SEEDS)
    assert tally.crashes > 0 and found in tally.crash_examples[0]


def test_seeds_are_real_and_read_cleanly(tmp_path):
    for reader, inputs in SEEDS.items():
        for name, data in inputs:
            assert data, (reader, name)
            assert all(_origins(data, name, tmp_path)), (reader, name)
    assert gzip.decompress(dict(SEEDS["gz"])["ant.jsonl.gz"]) == dict(SEEDS["jsonl"])["ant.jsonl"]


def test_a_line_of_100k_brackets_reads_in_bounded_time():
    """Found by bench/fuzz_readers.py: a run of punctuation inside a short-word line near the title made the
    outlet-name cleanup quadratic (over a minute for 100,000 characters)."""
    import time

    text = b"Sales of homes dropped\n\nx" + b"[" * 100_000 + b"x\n\n" + b"The figures came out today. " * 20
    start = time.perf_counter()
    items = list(read_bytes(text, name="wire.txt", settings=fuzz_readers.SETTINGS))
    assert len(items) == 1 and time.perf_counter() - start < 5
