"""Draw candidate article pairs from an enriched demo store for a person to label "same story" or not.

    .venv/bin/python bench/story_pair_candidates.py --db STORE [--out candidates.jsonl] [--seed 20261129]

This is how tests/fixtures/story_pairs.jsonl was drawn (from the demo store as enriched on 2026-11-29, before
entities were found in titles; a store enriched otherwise gives other candidates). Random pairs of news articles
are almost never the same story, so the pairs come from strata that make both classes common: a pair's overlap is
the summed idf of the entities both articles mention (anywhere in the body) plus the summed idf of the title and lead
words they share — a deliberately different measure from the one Marsad's stories use, so that the sample does
not favour the shipped algorithm.

- ``high``: 75 of the 150 most overlapping pairs published within 3 days of each other;
- ``mid``: 55 of the next 1,350 (near misses);
- ``entities``: 25 pairs within 3 days sharing entities worth more than 8 but words worth less than 4;
- ``far``: 20 pairs 4–10 days apart overlapping by more than 15;
- ``crosslang``: 15 English–Arabic pairs sharing entities worth more than 6;
- ``random``: 25 random pairs.

Each line holds both keys (URL, or file#record), titles, outlets, dates and the first 350 characters of each lead,
for reading; the labels (and a one-line reason) were then written by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from marsad.store import Store
from marsad.text.normalize import tokens
from marsad.text.terms import term_key

# Pairs are looked for up to this many days apart, and kept when they overlap by more than MIN_OVERLAP.
MAX_DAYS = 10
MIN_OVERLAP = 6
NEAR_DAYS = 3
STRATA = {"high": 75, "mid": 55, "entities": 25, "far": 20, "crosslang": 15, "random": 25}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, type=Path, help="an enriched store of the demo corpus")
    p.add_argument("--out", type=Path, default=Path("candidates.jsonl"))
    p.add_argument("--seed", type=int, default=20261129)
    args = p.parse_args(argv)
    with Store(args.db).read() as con:
        arts = con.execute(
            "SELECT a.id, coalesce(a.url, regexp_extract(a.origin, '[^/]+$')), coalesce(a.title, ''), "
            "coalesce(a.lead, ''), substr(a.body, 1, 600), a.language, s.key, a.published_at FROM articles a "
            "LEFT JOIN sources s ON s.id = a.source_id WHERE a.published_at IS NOT NULL ORDER BY a.id").fetchall()
        mentions = con.execute("SELECT m.article_id, e.key FROM mentions m JOIN entities e ON e.id = m.entity_id "
                               "WHERE m.field = 'body'").fetchall()
    ents: dict[int, set[str]] = defaultdict(set)
    for article_id, key in mentions:
        ents[article_id].add(key)
    n = len(arts)
    entity_df = Counter(k for keys in ents.values() for k in keys)
    entity_idf = {k: math.log(n / v) for k, v in entity_df.items()}
    words = {a[0]: {t for t in (term_key(w) for w in tokens(a[2] + " " + a[3][:300])) if len(t) > 2} for a in arts}
    word_df = Counter(t for ws in words.values() for t in ws)

    def overlap(x: int, y: int) -> tuple[float, float]:
        return (sum(entity_idf[k] for k in ents[x] & ents[y]),
                sum(math.log(n / word_df[t]) for t in words[x] & words[y]))

    by_time = sorted(arts, key=lambda a: a[7])
    pairs: dict[tuple[int, int], tuple[float, float, float]] = {}
    for i, a in enumerate(by_time):
        for b in by_time[i + 1 :]:
            days = (b[7] - a[7]).total_seconds() / 86400
            if days > MAX_DAYS:
                break
            e, w = overlap(a[0], b[0])
            if e + w > MIN_OVERLAP:
                pairs[(a[0], b[0])] = (days, e, w)
    rng = random.Random(args.seed)
    near = sorted(((p, v) for p, v in pairs.items() if v[0] <= NEAR_DAYS), key=lambda pv: -(pv[1][1] + pv[1][2]))
    far = [(p, v) for p, v in pairs.items() if v[0] > NEAR_DAYS + 1 and v[1] + v[2] > 15]
    entity_only = [(p, v) for p, v in near if v[1] > 8 and v[2] < 4]
    english = [a for a in arts if a[5] == "en"]
    arabic = [a for a in arts if a[5] == "ar"]
    cross = [(x[0], y[0]) for x in english for y in arabic if overlap(x[0], y[0])[0] > 6]
    chosen = [("high", p) for p, _ in rng.sample(near[:150], STRATA["high"])]
    chosen += [("mid", p) for p, _ in rng.sample(near[150:1500], STRATA["mid"])]
    chosen += [("entities", p) for p, _ in rng.sample(entity_only, min(STRATA["entities"], len(entity_only)))]
    chosen += [("far", p) for p, _ in rng.sample(far, min(STRATA["far"], len(far)))]
    chosen += [("crosslang", p) for p in rng.sample(cross, min(STRATA["crosslang"], len(cross)))]
    chosen += [("random", tuple(sorted((rng.choice(arts)[0], rng.choice(arts)[0])))) for _ in range(STRATA["random"])]
    by_id = {a[0]: a for a in arts}
    seen: set[tuple[int, int]] = set()
    with args.out.open("w", encoding="utf-8") as fh:
        for kind, (x, y) in chosen:
            if (x, y) in seen or x == y:
                continue
            seen.add((x, y))
            a, b = by_id[x], by_id[y]
            fh.write(json.dumps({"kind": kind, "a": a[1], "b": b[1], "a_title": a[2], "b_title": b[2], "a_src": a[6],
                                 "b_src": b[6], "a_time": str(a[7]), "b_time": str(b[7]), "a_text": (a[3] or a[4])[:350],
                                 "b_text": (b[3] or b[4])[:350]}, ensure_ascii=False) + "\n")
    print(f"{len(seen)} candidate pairs written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
