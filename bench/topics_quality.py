"""Topic quality on a labelled corpus: fit the project's topic model and compare dominant topics with labels.

    .venv/bin/python bench/topics_quality.py --input ../shared/corpora/ant_v2.1_multisource.jsonl.gz \
        --text-field text --label-field cat [--title-field title] [--source-field src] [--k N] [--json] \
        [--no-doc | --out FILE]

Prints {"nmi": …, "n_topics": …, "stopword_hits": …, "max_overlap": …} with --json (plus timings and the
topics); without it, a readable report. Writes docs/benchmarks/topics_quality.md (what the method is and what the
figures say: docs/topics.md). Targets (issue 4): NMI ≥ 0.45, no stopword/boilerplate in any top-10, max top-10
overlap between two topics < 20%.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from itertools import combinations
from pathlib import Path

from report_page import ReportPage, print_load
from sklearn.metrics import normalized_mutual_info_score

from marsad.nlp.topics import BOILERPLATE, default_k, fit_texts, stopword_keys


def read_jsonl(path: Path, fields: list[str]) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out.append({f: str(rec.get(f) or "") for f in fields})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, type=Path)
    p.add_argument("--text-field", required=True)
    p.add_argument("--label-field", required=True)
    p.add_argument("--title-field", default="title", help="prepended to the text when present (default: title)")
    p.add_argument("--source-field", default="", help="outlet field, for outlet-signature boilerplate (e.g. src)")
    p.add_argument("--language", default="ar")
    p.add_argument("--k", type=int, default=None, help="topics (default: the model's size rule)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/topics_quality.md")
    p.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/topics_quality.md")
    args = p.parse_args(argv)
    page = ReportPage("topics_quality", "Topic quality on a labelled corpus")

    fields = [args.text_field, args.label_field, args.title_field] + ([args.source_field] if args.source_field else [])
    recs = [r for r in read_jsonl(args.input, fields) if r[args.text_field].strip()]
    texts = [f"{r[args.title_field]}\n{r[args.text_field]}" for r in recs]
    labels = [r[args.label_field] for r in recs]
    sources = [r[args.source_field] for r in recs] if args.source_field else None
    t0 = time.perf_counter()
    model = fit_texts(texts, language=args.language, k=args.k, sources=sources)
    fit_s = time.perf_counter() - t0
    weights = model.transform(texts)
    dominant = weights.argmax(axis=1)
    nmi = normalized_mutual_info_score(labels, dominant)
    stop = stopword_keys() | BOILERPLATE
    top = model.top_term_keys(10)
    hits = sorted({t for terms in top for t in terms if t in stop})
    overlap = max((len(set(a) & set(b)) / 10 for a, b in combinations(top, 2)), default=0.0)
    result = {
        "nmi": round(float(nmi), 4),
        "n_topics": model.k,
        "stopword_hits": len(hits),
        "max_overlap": round(overlap, 3),
        "articles": len(texts),
        "default_k": default_k(len(texts)),
        "fit_s": round(fit_s, 1),
        "stopwords_found": hits,
        "topics": model.labels,
    }
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        print()
    else:
        print(f"articles {len(texts)}  topics {model.k}  fit {fit_s:.1f}s")
        print(f"NMI(dominant topic, {args.label_field}) = {nmi:.3f}   (target ≥ 0.45)")
        print(f"stopword/boilerplate hits in top-10s: {len(hits)} {hits}   (target 0)")
        print(f"max top-10 overlap between topics: {overlap:.0%}   (target < 20%)")
        for i, terms in enumerate(model.terms):
            print(f"  {i:2d} {' '.join(terms)}")
    if args.no_doc:
        print_load()
    else:
        page.write(markdown(result, args.input.name, args.label_field), out=args.out)
    return 0


def markdown(result: dict, corpus: str, label_field: str) -> str:
    return "\n".join([
        f"`{corpus}`: {result['articles']:,} articles, dominant topic compared with the `{label_field}` labels.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| NMI (dominant topic, `{label_field}`) | **{result['nmi']:.3f}** | ≥ 0.45 |",
        f"| topics | {result['n_topics']} (size rule: {result['default_k']}) | |",
        f"| stopword / boilerplate terms in any top-10 | **{result['stopword_hits']}** "
        f"{' '.join(result['stopwords_found'])} | 0 |",
        f"| max top-10 overlap between two topics | **{result['max_overlap']:.0%}** | < 20% |",
        f"| fit time | {result['fit_s']} s | |",
        "",
        "Topic labels as produced: " + " — ".join(str(label) for label in result["topics"]) + ".",
    ])


if __name__ == "__main__":
    sys.exit(main())
