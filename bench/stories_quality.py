"""Story quality on labelled article pairs: pairwise precision and recall of the stories Marsad assigns.

    .venv/bin/python bench/stories_quality.py --db STORE [--sweep] [--write-fixture] [--json] [--no-doc | --out FILE]

STORE is an enriched store of the demo corpus (``marsad demo --db STORE``; its articles' URLs, or file#record for
records without one, are the keys of the labelled pairs in tests/fixtures/story_pairs.jsonl). On a copy of it, the
shipped code assigns every story again (``marsad stories rebuild``: chunks in publication order, as after an
ingest); a labelled pair counts as "same story" when both articles end up in one story. Figures per half of the
pairs (``tune``: the thresholds were chosen on it; ``test``: held out) and for all. Writes
docs/benchmarks/stories_quality.md (what the figures mean: docs/stories.md). Targets (issue 12): precision ≥ 0.9,
recall ≥ 0.7.

``--sweep`` also scores a grid of thresholds on the tune half (all articles assigned in one pass, in memory): how the
shipped thresholds were picked. ``--write-fixture`` writes tests/fixtures/story_features.json.gz, what the quality
test needs besides the demo corpus itself: each article's language, entity keys (title and lead) and original, and
the entities' document frequencies.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import itertools
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from datetime import UTC
from pathlib import Path

from report_page import ReportPage, print_load

from marsad.config import Settings
from marsad.nlp.stories import (
    DEFAULT_PARAMS,
    ENTITY_LEAD_CHARS,
    TEXT_LEAD_CHARS,
    StoryInput,
    assign,
    entity_weights,
    story_text,
)
from marsad.store import Store
from marsad.store.stories import entity_frequencies, story_rows

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "fixtures" / "story_pairs.jsonl"
FEATURES = ROOT / "tests" / "fixtures" / "story_features.json.gz"
HALVES = ("tune", "test", "all")
# The grid --sweep scores on the tune half (the shipped values are in it).
GRID = {"same_text": (0.3, 0.4, 0.5), "text_with_entities": (0.05, 0.08, 0.12), "shared_entities": (6.0, 8.0, 10.0, 12.0)}
KEY_SQL = "coalesce(url, regexp_extract(origin, '[^/]+$'))"  # the pairs' stable article key


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_scores(story_of: Mapping[str, int], pairs: Iterable[dict]) -> dict[str, dict[str, float]]:
    """Pairwise precision and recall per half and for all: a pair is predicted "same story" when both of its
    articles (by key) are in one story; an article in no story is in a story of its own."""
    counts = {h: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for h in HALVES}
    for p in pairs:
        a, b = story_of.get(p["a"]), story_of.get(p["b"])
        predicted = a is not None and a == b
        cell = ("tp" if predicted else "fn") if p["same_story"] else ("fp" if predicted else "tn")
        for half in (p["half"], "all"):
            counts[half][cell] += 1
    out = {}
    for half, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        out[half] = {**c, "precision": round(precision, 3), "recall": round(recall, 3)}
    return out


def stories_by_key(assignments: Iterable, key_of: Mapping[int, str]) -> dict[str, int]:
    return {key_of[a.article_id]: a.story_id for a in assignments}


# -- the features fixture: the demo corpus read again plus what enrichment found --------------------------------
def write_features(store: Store, path: Path = FEATURES) -> Path:
    with store.read() as con:
        ids_keys = con.execute(f"SELECT id, {KEY_SQL} FROM articles ORDER BY id").fetchall()
    key_of = dict(ids_keys)
    rows = story_rows(store, list(key_of), body_chars=TEXT_LEAD_CHARS, entity_chars=ENTITY_LEAD_CHARS)
    df, n, broad = entity_frequencies(store, sorted({k for r in rows for k in r.entities}))
    data = {
        "n_documents": n,
        "entities": {k: [df.get(k, 0), k in broad] for k in sorted(df)},
        "articles": {key_of[r.id]: {"language": r.language, "entities": sorted(r.entities),
                                    "duplicate_of": key_of.get(r.duplicate_of) if r.duplicate_of else None}
                     for r in rows},
    }
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # no timestamp: a rebuild is byte-identical
        fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return path


def inputs_from_features(path: Path = FEATURES) -> tuple[list[StoryInput], dict[int, str], dict[str, float]]:
    """StoryInputs of the demo corpus (texts and dates read from data/demo by the project's readers, entities and
    languages from the fixture), a key per input id, and the entity weights."""
    from marsad.ingest.demo import demo_files
    from marsad.ingest.readers import read_path
    from marsad.models import Article

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    known = data["articles"]
    settings = dataclasses.replace(Settings.load(), data_dir=ROOT / "data")
    by_key: dict[str, Article] = {}
    for demo in demo_files(settings):  # what `marsad demo` reads
        for item in read_path(demo, fmt="auto", mapping=None, settings=settings, source=None):
            if isinstance(item, Article):
                key = item.url or item.origin.rsplit("/", 1)[-1]
                if key in known and key not in by_key:  # exact duplicates: the store kept the first
                    by_key[key] = item
    ids = {key: i for i, key in enumerate(sorted(by_key))}
    inputs = []
    for key, article in sorted(by_key.items()):
        info = known[key]
        when = article.published_at.astimezone(UTC).replace(tzinfo=None) if article.published_at else None
        original = info["duplicate_of"]
        inputs.append(StoryInput(ids[key], when, info["language"], story_text(article.title, article.lead, article.body),
                                 frozenset(info["entities"]), ids.get(original) if original else None))
    df = {k: v[0] for k, v in data["entities"].items()}
    broad = {k for k, v in data["entities"].items() if v[1]}
    weights = entity_weights(df, data["n_documents"], broad_places=broad)
    return inputs, {i: k for k, i in ids.items()}, weights


# -- measuring ----------------------------------------------------------------------------------------------------
def pipeline_stories(store: Store, *, batch: int | None = None) -> tuple[dict[str, int], float]:
    """Every story assigned again by the shipped code on a copy of ``store``: story per article key, seconds.
    ``batch=None``: ``marsad stories rebuild``; else as ingest does, after each batch of that many articles in
    ingest (id) order."""
    from marsad.ingest.stories import assign_new, rebuild
    from marsad.store.stories import clear

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / store.path.name
        shutil.copy(store.path, copy)
        work = Store(copy)
        work.ensure_schema()
        started = time.perf_counter()
        if batch is None:
            rebuild(work)
        else:
            clear(work)
            with work.read() as con:
                ids = [i for (i,) in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
            for at in range(0, len(ids), batch):
                assign_new(work, ids[at : at + batch])
        seconds = time.perf_counter() - started
        with work.read() as con:
            rows = con.execute(f"SELECT {KEY_SQL}, s.story_id FROM article_stories s JOIN articles a "
                               "ON a.id = s.article_id").fetchall()
    return dict(rows), seconds


def in_memory_inputs(store: Store) -> tuple[list[StoryInput], dict[int, str], dict[str, float]]:
    with store.read() as con:
        key_of = dict(con.execute(f"SELECT id, {KEY_SQL} FROM articles").fetchall())
    rows = story_rows(store, list(key_of), body_chars=TEXT_LEAD_CHARS, entity_chars=ENTITY_LEAD_CHARS)
    df, n, broad = entity_frequencies(store, sorted({k for r in rows for k in r.entities}))
    inputs = [StoryInput(r.id, r.published_at, r.language, story_text(r.title, r.lead, r.body_start), r.entities,
                         r.duplicate_of) for r in rows]
    return inputs, key_of, entity_weights(df, n, broad_places=broad)


def sweep(inputs, key_of, weights, pairs) -> list[dict]:
    out = []
    for values in itertools.product(*GRID.values()):
        params = dataclasses.replace(DEFAULT_PARAMS, **dict(zip(GRID, values, strict=True)))
        scores = pair_scores(stories_by_key(assign(inputs, [], weights=weights, params=params), key_of), pairs)
        out.append({**dict(zip(GRID, values, strict=True)), "tune": scores["tune"], "shipped": params == DEFAULT_PARAMS})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, type=Path, help="an enriched store of the demo corpus")
    p.add_argument("--sweep", action="store_true", help="also score a grid of thresholds on the tune half")
    p.add_argument("--write-fixture", action="store_true", help=f"write {FEATURES.relative_to(ROOT)}")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/stories_quality.md")
    p.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/stories_quality.md")
    args = p.parse_args(argv)
    page = ReportPage("stories_quality", "Story quality on labelled article pairs")
    store = Store(args.db)
    pairs = load_pairs()
    story_of, seconds = pipeline_stories(store)
    by_batch, batch_seconds = pipeline_stories(store, batch=Settings.load().write_batch)
    inputs, key_of, weights = in_memory_inputs(store)
    one_pass = pair_scores(stories_by_key(assign(inputs, [], weights=weights), key_of), pairs)
    result = {
        "pairs": len(pairs),
        "same_story_pairs": sum(p["same_story"] for p in pairs),
        "articles": len(story_of),
        "stories": len(set(story_of.values())),
        "rebuild_s": round(seconds, 1),
        "params": dataclasses.asdict(DEFAULT_PARAMS),
        "batch": Settings.load().write_batch,
        "batch_s": round(batch_seconds, 1),
        "pipeline": pair_scores(story_of, pairs),
        "incremental": pair_scores(by_batch, pairs),
        "one_pass": one_pass,
        "sweep": sweep(inputs, key_of, weights, pairs) if args.sweep else [],
    }
    if args.write_fixture:
        print(f"wrote {write_features(store)}", file=sys.stderr)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for name in ("pipeline", "incremental", "one_pass"):
            for half in HALVES:
                s = result[name][half]
                print(f"{name:11s} {half:4s} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                      f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, tn {s['tn']})")
    if args.no_doc:
        print_load()
    else:
        page.write(markdown(result), out=args.out)
    return 0


def markdown(result: dict) -> str:
    lines = [
        f"{result['pairs']} labelled pairs of demo-corpus articles ({result['same_story_pairs']} same story), "
        f"tests/fixtures/story_pairs.jsonl. The store's {result['articles']:,} articles fall into "
        f"{result['stories']:,} stories (rebuild in {result['rebuild_s']} s). Thresholds: "
        + ", ".join(f"`{k}={v}`" for k, v in result["params"].items()) + ".",
        "",
        "| assignment | half | pairs | precision | recall | target |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in (("pipeline", "`marsad stories rebuild`"),
                        ("incremental", f"after each ingest batch of {result['batch']} (in {result['batch_s']} s)"),
                        ("one_pass", "one pass in memory")):
        for half in HALVES:
            s = result[name][half]
            n = s["tp"] + s["fp"] + s["fn"] + s["tn"]
            lines.append(f"| {label} | {half} | {n} | **{s['precision']:.3f}** | **{s['recall']:.3f}** | "
                         "P ≥ 0.9, R ≥ 0.7 |")
    if result["sweep"]:
        lines += ["", "Thresholds scored on the tune half (one pass in memory; the shipped row in bold):", "",
                  "| " + " | ".join(GRID) + " | precision | recall |", "|" + "---|" * (len(GRID) + 2)]
        for row in result["sweep"]:
            cells = [str(row[k]) for k in GRID] + [f"{row['tune']['precision']:.3f}", f"{row['tune']['recall']:.3f}"]
            cells = [f"**{c}**" for c in cells] if row["shipped"] else cells
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
