"""End-to-end enrichment throughput on ANT v2.1 (Arabic) or Reuters-21578 (English) articles; prints its figures
and writes docs/benchmarks/enrich.md (enrich-reuters.md for Reuters).

    .venv/bin/python bench/enrich.py [--corpus ant|reuters] [--articles N] [--processes 1 2] [--no-doc | --out FILE]

Builds a fresh DuckDB store with N articles of the corpus (every k-th record, so all outlets and categories
appear; ANT as its body alone, Reuters with its title), then times ``marsad.ingest.enrich.enrich_store`` — read
from the store, statistical NER (the shipped Arabic CRF; spaCy for English), gazetteer layer, canonical linking,
places, keywords, and the write transactions — once per process count. This process loads its gazetteers and
models before the clock starts (a long-running ingest pays that once); worker processes start on the clock, as
they do in every run, with the resource cache (marsad.nlp.resource_cache) already filled by this process.
The machine has 2 cores shared with other work: figures are indicative; CPU time is printed beside wall time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA_DIR = ROOT.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Corpus:
    label: str
    path: Path
    records: int  # records with a text (Reuters: 19,045 of 21,578 lines): the sampling step is records // N
    body: str  # the field holding the text
    title: str | None  # the field holding the title, or None to store the body alone
    lang: str


CORPORA = {
    "ant": Corpus("ANT v2.1", CORPORA_DIR / "ant_v2.1_multisource.jsonl.gz", 31_525, "text", None, "ar"),
    "reuters": Corpus("Reuters-21578", CORPORA_DIR / "reuters21578.jsonl.gz", 19_045, "body", "title", "en"),
}
sys.path.insert(0, str(ROOT / "src"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.ingest.enrich import enrich_store  # noqa: E402
from marsad.nlp import pipeline  # noqa: E402
from marsad.store.db import Store  # noqa: E402


def sample(corpus: Corpus, n: int) -> list[tuple[str, str]]:
    """(title, body) of every k-th record with a body, n at most."""
    step = max(1, corpus.records // n)
    out = []
    with gzip.open(corpus.path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % step == 0:
                record = json.loads(line)
                body = record.get(corpus.body) or ""
                if body.strip():
                    out.append(((record.get(corpus.title) or "") if corpus.title else "", body))
            if len(out) >= n:
                break
    return out


def build(path: Path, articles: list[tuple[str, str]], lang: str) -> Store:
    store = Store(path)
    store.ensure_schema()
    with store.write() as con:
        import pandas as pd

        frame = pd.DataFrame({"id": range(1, len(articles) + 1), "title": [t for t, _ in articles],  # noqa: F841
                              "body": [b for _, b in articles]})
        con.execute("INSERT INTO articles (id, title, body, language, ingested_at, content_hash) "
                    "SELECT id, nullif(title, ''), body, ?, now(), md5(body) FROM frame", [lang])
    return store


def run(articles: list[tuple[str, str]], lang: str, processes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "bench.duckdb", articles, lang)
        cpu0, wall0 = _cpu(), time.perf_counter()
        report = enrich_store(store, n_process=processes)
        wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    return {"processes": processes, "articles": report.articles, "seconds": round(wall, 1),
            "articles_per_s": round(report.articles / wall, 1), "cpu_s": round(cpu, 1),
            "articles_per_cpu_s": round(report.articles / cpu, 1),
            "mentions_per_article": round(report.mentions / max(1, report.articles), 1)}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the enrichment workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def markdown(rows: list[dict], corpus: Corpus, chars: float, model: str) -> str:
    ner = f"Arabic statistical NER: {model}" if corpus.lang == "ar" else f"English statistical NER: {model}"
    lines = [f"{rows[0]['articles']} {corpus.label} articles (mean title and body {chars:.0f} characters), {ner}. "
             "CPU seconds (this process and its workers, the workers' start included) show what the work itself "
             "costs whatever the load; 2 × articles per CPU-second is what 2 free cores would do at best.", "",
             "| processes | articles | wall s | articles/s (wall) | CPU s | articles per CPU-s | mentions/article |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['processes']} | {r['articles']} | {r['seconds']} | {r['articles_per_s']} | {r['cpu_s']} | "
              f"{r['articles_per_cpu_s']} | {r['mentions_per_article']} |" for r in rows]
    return "\n".join(lines)


def model_name(lang: str) -> str:
    """The statistical model the run uses (loading it now, before the clock)."""
    from marsad.nlp.ner import statistical

    try:
        statistical.predict(["اختبار" if lang == "ar" else "test"], lang)
    except Exception as exc:  # noqa: BLE001 - the bench reports what ran
        return f"none ({type(exc).__name__}: gazetteer layer only)"
    if lang != "ar":
        return statistical.EN_MODEL_DIR.relative_to(ROOT).as_posix() if (statistical.EN_MODEL_DIR / "config.cfg").exists() \
            else statistical.EN_STOCK
    directory = statistical.arabic_model_dir()
    kind = "neural" if directory == statistical.AR_NEURAL_DIR else "CRF"
    return f"{directory.relative_to(ROOT)} ({kind})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="ant")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write the benchmark page")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/")
    args = parser.parse_args()
    corpus = CORPORA[args.corpus]
    page = ReportPage("enrich", "Enrichment throughput", stem="enrich" if args.corpus == "ant" else f"enrich-{args.corpus}")
    articles = sample(corpus, args.articles)
    pipeline.warm_up((corpus.lang,))
    model = model_name(corpus.lang)
    rows = [run(articles, corpus.lang, p) for p in args.processes]
    for row in rows:
        print(json.dumps(row))
    if args.no_doc:
        print_load()
    else:
        chars = sum(len(t) + len(b) for t, b in articles) / len(articles)
        page.write(markdown(rows, corpus, chars, model), out=args.out)


if __name__ == "__main__":
    main()
