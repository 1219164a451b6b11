"""Precision and recall of full-text search on the demo corpus against hand-checked answers; writes
docs/benchmarks/search-quality.md.

    .venv/bin/python bench/search_quality.py [--show N] [--out FILE]

The queries are in tests/fixtures/search_queries.json. For each, ``truth`` is a regular expression written and
checked by hand (the words it accepts were listed and read): an article truly matches when the expression is
found in its words — normalised (marsad.text.normalize), one space before and after each — of the title and body,
or of the title alone for ``title:`` queries; ``matches`` is how many demo articles that is, so a change of the
demo corpus shows. The search side is the real index (marsad.store.search) built from the same articles.
``--show N`` prints up to N words behind the misses and false hits of every query (how the answers were checked).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
QUERIES = REPO / "tests" / "fixtures" / "search_queries.json"

from report_page import ReportPage  # noqa: E402

from marsad.store.search import SearchFilters, SqliteSearchIndex  # noqa: E402
from marsad.text.normalize import normalize  # noqa: E402


@dataclass(frozen=True)
class Doc:
    id: int
    title: str
    body: str


@dataclass(frozen=True)
class Scored:
    query: str
    truth: int
    found: int
    hits: int  # found and true

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.truth if self.truth else 1.0


def demo_documents() -> list[Doc]:
    """Every record of data/demo as it is written (ANT: title + text; Reuters: title + body; the .txt whole)."""
    docs: list[Doc] = []
    with gzip.open(DEMO / "ant_v2.1_sample.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs.append(Doc(len(docs) + 1, r.get("title") or "", r.get("text") or ""))
    with gzip.open(DEMO / "reuters21578_sample.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs.append(Doc(len(docs) + 1, r.get("title") or "", r.get("body") or ""))
    for path in sorted(DEMO.glob("*.txt")):
        docs.append(Doc(len(docs) + 1, "", path.read_text(encoding="utf-8")))
    return docs


def load_queries(path: Path = QUERIES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def build_index(docs: list[Doc], path: Path) -> SqliteSearchIndex:
    index = SqliteSearchIndex(path)
    index.add(
        {"id": d.id, "title": d.title, "body": d.body, "language": "en" if d.body.isascii() else "ar",
         "source_key": "demo", "source_name": "demo", "published_day": None, "duplicate": False}
        for d in docs
    )
    return index


# A word of normalised text; hashtag parts (#محمد_بن_سلمان) are words of their own, as in the index.
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> str:
    """The words of ``text``, normalised, each between spaces: truth expressions match whole words as " word "."""
    return " " + " ".join(_WORD.findall(normalize(text))) + " "


class Truth:
    """The hand-checked answers: which documents each fixture query truly matches."""

    def __init__(self, docs: list[Doc]) -> None:
        self.titles = {d.id: words(d.title) for d in docs}
        self.texts = {d.id: words(d.title + " " + d.body) for d in docs}

    def ids(self, query: dict) -> set[int]:
        truth = re.compile(query["truth"])
        texts = self.titles if query.get("field") == "title" else self.texts
        return {i for i, t in texts.items() if truth.search(t)}


def evaluate(index: SqliteSearchIndex, truth_of: Truth, queries: list[dict]) -> list[tuple[Scored, set[int], set[int]]]:
    """(scores, true ids, found ids) per query."""
    out = []
    for q in queries:
        truth = truth_of.ids(q)
        found = set(index.match_ids(q["query"], filters=SearchFilters()))
        out.append((Scored(q["query"], len(truth), len(found), len(truth & found)), truth, found))
    return out


def micro(scores: list[Scored]) -> tuple[float, float]:
    hits = sum(s.hits for s in scores)
    return hits / max(1, sum(s.found for s in scores)), hits / max(1, sum(s.truth for s in scores))


def macro(scores: list[Scored]) -> tuple[float, float]:
    return sum(s.precision for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores)


def _examples(truth_of: Truth, ids: set[int], query: dict, n: int) -> list[str]:
    """Words sharing the query's first letters in ``ids``: what a reader checks a miss or a false hit against."""
    first = normalize(query["query"].split(":")[-1].strip('"*').split()[0])
    probe = re.compile(re.escape(first[1:4] if len(first) > 4 else first))
    texts = truth_of.titles if query.get("field") == "title" else truth_of.texts
    seen: Counter[str] = Counter(w for i in ids for w in set(texts[i].split()) if probe.search(w))
    return [f"{w} ({c})" for w, c in seen.most_common(n)]


def report(results: list[tuple[Scored, set[int], set[int]]], n_docs: int) -> str:
    scores = [s for s, _, _ in results]
    mp, mr = micro(scores)
    ap, ar = macro(scores)
    lines = [
        f"{len(scores)} queries on the demo corpus (data/demo, {n_docs} articles); "
        "answers: tests/fixtures/search_queries.json (hand-checked expressions).",
        "",
        "| | precision | recall |",
        "|---|---:|---:|",
        f"| micro (all query–article pairs) | {mp:.3f} | {mr:.3f} |",
        f"| macro (mean over queries) | {ap:.3f} | {ar:.3f} |",
        "",
        "| query | true | found | both | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(f"| `{s.query}` | {s.truth} | {s.found} | {s.hits} | {s.precision:.2f} | {s.recall:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="print up to N words behind misses and false hits")
    parser.add_argument("--out", type=Path, help="page to write (default docs/benchmarks/search-quality.md)")
    args = parser.parse_args(argv)
    page = ReportPage("search_quality", "Search precision and recall", stem="search-quality")
    docs = demo_documents()
    queries = load_queries()
    truth_of = Truth(docs)
    with tempfile.TemporaryDirectory() as tmp:
        index = build_index(docs, Path(tmp) / "demo.search.sqlite")
        results = evaluate(index, truth_of, queries)
    for (s, truth, found), q in zip(results, queries, strict=True):
        print(f"{s.query}: true {s.truth} (fixture {q['matches']}), found {s.found}, P {s.precision:.2f} "
              f"R {s.recall:.2f}")
        if args.show:
            if truth - found:
                print("   missed:", ", ".join(_examples(truth_of, truth - found, q, args.show)))
            if found - truth:
                print("   false: ", ", ".join(_examples(truth_of, found - truth, q, args.show)))
    body = report(results, len(docs))
    print(body.split("\n\n")[1])
    page.write(body, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
