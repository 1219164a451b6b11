"""Rebuild the demo corpus in data/demo/ from the shared corpora (deterministic; see data/README.md).

    .venv/bin/python data/build_demo.py [--shared ../shared]

(It lives outside data/demo/ so that ingesting that folder reads only the corpus.)

Stratified samples: ANT v2.1 by (outlet, month) and Reuters-21578 (stories with a body) by month, each
record picked by a stable hash of its id, so every outlet and the whole date range are covered and a
rebuild gives the same files byte for byte. Records are copied unchanged (original fields).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import shutil
from collections import defaultdict
from email.utils import parsedate_to_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent / "demo"
# ~3,000 ANT articles: enough for trends, entities and topics to look real; ~2.5 MB gzipped.
ANT_TARGET = 3000
# A few hundred English wire stories: the dashboard's second language.
REUTERS_TARGET = 300
SEED = "nas_2020-09-25_iraq-syria-border.txt"


def _rank(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _sample(strata: dict[tuple, list[tuple[str, int, str]]], target: int) -> list[str]:
    """Proportional per stratum (at least one each) of (id, line number, line) records, picked by the
    hash of their id; returned in file order."""
    total = sum(len(v) for v in strata.values())
    picked: list[tuple[str, int, str]] = []
    for records in strata.values():
        k = max(1, math.floor(len(records) * target / total + 0.5))
        picked.extend(sorted(records, key=lambda r: _rank(r[0]))[:k])
    return [line for _, _, line in sorted(picked, key=lambda r: r[1])]


def _write(path: Path, lines: list[str]) -> None:
    # mtime=0: the gzip header carries no timestamp, so rebuilds are byte-identical.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as fh:
        for line in lines:
            fh.write(line.rstrip("\n").encode("utf-8") + b"\n")


def build(shared: Path) -> None:
    strata: dict[tuple, list] = defaultdict(list)
    with gzip.open(shared / "corpora/ant_v2.1_multisource.jsonl.gz", "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            rec = json.loads(line)
            try:
                month = parsedate_to_datetime(rec["time"]).strftime("%Y-%m")
            except (TypeError, ValueError, KeyError):
                month = "undated"
            strata[(rec.get("src"), month)].append((rec.get("docno") or str(number), number, line))
    _write(HERE / "ant_v2.1_sample.jsonl.gz", _sample(strata, ANT_TARGET))

    strata = defaultdict(list)
    with gzip.open(shared / "corpora/reuters21578.jsonl.gz", "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            rec = json.loads(line)
            if len((rec.get("body") or "").split()) < 50:  # wire briefs without a story
                continue
            month = rec["date"].split("-")[1] if rec.get("date") else ""
            strata[(month,)].append((str(rec.get("newid") or number), number, line))
    _write(HERE / "reuters21578_sample.jsonl.gz", _sample(strata, REUTERS_TARGET))

    shutil.copyfile(shared / "seed" / SEED, HERE / SEED)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    build(parser.parse_args().shared)
