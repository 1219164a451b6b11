"""Keyword extraction: CPU time and quality of Marsad's extractor against the ``yake`` package it replaced.

    .venv/bin/python bench/keywords.py [--articles N] [--no-doc | --out FILE]

Both run on the same clean bodies with the same stoplists and the same post-filters (``marsad.nlp.keywords.select``):
"yake" is the ``yake`` package's KeywordExtractor as Marsad configured it until it was replaced (n=3, top 30
candidates, window 1, dedup 0.9, Arabic punctuation spaced out); "marsad" is ``extract_keywords``
(marsad.nlp.keyphrases). Articles: the seed article and the first N Arabic (ANT v2.1) and N English
(Reuters-21578) articles of the demo corpus in data/demo — no ../shared needed.

Figures:
- CPU milliseconds per article (process time, both extractors timed in turns on the same articles, after one
  warm-up pass), which the shared machine's load disturbs far less than wall time;
- title coverage: the share of a headline's content words (stemmed, stopwords out) found among the words of the
  article's top-10 keywords, averaged over articles whose headline has at least two — a headline says what the
  story is about, so a keyword list that misses it misses the story;
- overlap: the share of one list's keywords the other also has (normalised phrases);
- the top-10 lists of a few fixed articles side by side, for reading.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
sys.path.insert(0, str(ROOT / "src"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.nlp import keywords  # noqa: E402
from marsad.nlp.pipeline import without_markup  # noqa: E402
from marsad.text.normalize import normalize, stem, strip_diacritics, tokens  # noqa: E402

SEED = DEMO / "nas_2020-09-25_iraq-syria-border.txt"
SEED_TITLE = "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"
# Articles whose lists the page shows: the seed, then these positions among the Arabic and English ones.
SHOWN = {"ar": (0, 2, 7), "en": (0, 3, 5)}
_ARABIC_PUNCT = str.maketrans({"،": " , ", "؛": " ; ", "؟": " ? ", "«": ' " ', "»": ' " ', "“": ' " ', "”": ' " '})


def articles(n: int) -> list[tuple[str, str, str]]:
    """(lang, title, body): the seed, then the first ``n`` Arabic and ``n`` English demo articles with a body."""
    seed = SEED.read_text(encoding="utf-8")
    out = [("ar", SEED_TITLE, seed[seed.index("وجّه رئيس الحكومة"):])]
    for lang, name, field in (("ar", "ant_v2.1_sample.jsonl.gz", "text"), ("en", "reuters21578_sample.jsonl.gz", "body")):
        with gzip.open(DEMO / name, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh]
        out += [(lang, r.get("title") or "", r[field]) for r in records if (r.get(field) or "").strip()][:n]
    return out


class YakePackage:
    """The replaced extractor: the ``yake`` package as marsad.nlp.keywords ran it, with the same post-filters."""

    def __init__(self) -> None:
        import yake

        self.extractors = {
            lang: yake.KeywordExtractor(lan=lang, n=keywords.MAX_WORDS, top=30, dedup_lim=0.9, window_size=1,
                                        stopwords=keywords._yake_stopwords(lang) | set(keywords.stopwords(lang)))
            for lang in ("ar", "en")
        }

    def __call__(self, body: str, lang: str) -> list[tuple[str, float]]:
        text = strip_diacritics(body[: keywords.MAX_CHARS]).translate(_ARABIC_PUNCT)
        return keywords.select(self.extractors[lang].extract_keywords(text), lang)


def cpu_ms(extract, docs: list[tuple[str, str, str]]) -> dict[str, float]:
    out = {}
    for lang in ("ar", "en"):
        bodies = [without_markup(b) for l_, _, b in docs if l_ == lang]
        t0 = time.process_time()
        for body in bodies:
            extract(body, lang)
        out[lang] = (time.process_time() - t0) / len(bodies) * 1000
    return out


def content_stems(text: str, lang: str) -> set[str]:
    stops = keywords.stopwords(lang)
    return {stem(w, lang) for w in tokens(text) if w not in stops and not w.isdigit() and len(w) > 1}


def coverage(title: str, found: list[tuple[str, float]], lang: str) -> float | None:
    wanted = content_stems(title, lang)
    if len(wanted) < 2:
        return None
    got = set().union(*(content_stems(k, lang) for k, _ in found)) if found else set()
    return len(wanted & got) / len(wanted)


def overlap(a: list[tuple[str, float]], b: list[tuple[str, float]]) -> float:
    left, right = {normalize(k) for k, _ in a}, {normalize(k) for k, _ in b}
    return len(left & right) / max(1, len(left))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50, help="Arabic and English articles each (default 50)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/keywords.md")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/keywords.md")
    args = parser.parse_args()
    page = ReportPage("keywords", "Keyword extraction: Marsad's extractor against the yake package")
    docs = articles(args.articles)
    old, new = YakePackage(), keywords.extract_keywords
    lists = {name: [f(without_markup(b), lang) for lang, _, b in docs] for name, f in (("yake", old), ("marsad", new))}
    times: dict[str, list[dict[str, float]]] = {"yake": [], "marsad": []}
    for _ in range(3):  # in turns, so that a burst of load on the shared machine hits both
        for name, f in (("yake", old), ("marsad", new)):
            times[name].append(cpu_ms(f, docs))
    rows = []
    for lang in ("ar", "en"):
        idx = [i for i, (l_, _, _) in enumerate(docs) if l_ == lang]
        row = {"lang": lang, "articles": len(idx)}
        for name in ("yake", "marsad"):
            row[f"{name}_cpu_ms"] = round(min(t[lang] for t in times[name]), 2)
            cov = [c for i in idx if (c := coverage(docs[i][1], lists[name][i], lang)) is not None]
            row[f"{name}_title_coverage"] = round(sum(cov) / len(cov), 3)
            row[f"{name}_mean_keywords"] = round(sum(len(lists[name][i]) for i in idx) / len(idx), 1)
        row["overlap"] = round(sum(overlap(lists["yake"][i], lists["marsad"][i]) for i in idx) / len(idx), 3)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False))
    if args.no_doc:
        print_load()
        return
    page.write(markdown(rows, docs, lists), out=args.out)


def markdown(rows: list[dict], docs, lists) -> str:
    lines = ["CPU milliseconds per article are the best of three turns (process time; the extractors alternate). "
             "Title coverage: share of a headline's content words found in the article's top-10 keywords.", "",
             "| language | articles | yake CPU ms | marsad CPU ms | yake title coverage | marsad title coverage | "
             "yake keywords/article | marsad keywords/article | overlap |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['lang']} | {r['articles']} | {r['yake_cpu_ms']} | {r['marsad_cpu_ms']} | {r['yake_title_coverage']} | "
              f"{r['marsad_title_coverage']} | {r['yake_mean_keywords']} | {r['marsad_mean_keywords']} | {r['overlap']} |"
              for r in rows]
    lines += ["", "## Top-10 lists of a few articles", ""]
    by_lang = {lang: [i for i, d in enumerate(docs) if d[0] == lang] for lang in ("ar", "en")}
    shown = [0] + [by_lang["ar"][1:][k] for k in SHOWN["ar"]] + [by_lang["en"][k] for k in SHOWN["en"]]
    for i in shown:
        lang, title, _ = docs[i]
        lines += [f"**{title}** ({lang})", "", "| # | yake | marsad |", "|---|---|---|"]
        old, new = lists["yake"][i], lists["marsad"][i]
        for k in range(max(len(old), len(new))):
            cell = [x[k][0] if k < len(x) else "" for x in (old, new)]
            lines.append(f"| {k + 1} | {cell[0]} | {cell[1]} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
