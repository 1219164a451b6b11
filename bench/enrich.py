"""End-to-end enrichment throughput on ANT v2.1 articles; prints its figures and writes docs/benchmarks/enrich.md.

    .venv/bin/python bench/enrich.py [--articles N] [--processes 1 2] [--no-doc | --out FILE]

Builds a fresh DuckDB store with N ANT v2.1 articles (every k-th record, so all outlets and categories appear),
then times ``marsad.ingest.enrich.enrich_store`` — read from the store, statistical NER (the shipped Arabic CRF when
present), gazetteer layer, canonical linking, places, keywords, and the write transactions — once per process
count. Gazetteers and models are loaded before the clock starts (a long-running ingest pays that once).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "corpora" / "ant_v2.1_multisource.jsonl.gz"
ANT_TOTAL = 31_525
sys.path.insert(0, str(ROOT / "src"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.ingest.enrich import enrich_store  # noqa: E402
from marsad.nlp import pipeline  # noqa: E402
from marsad.store.db import Store  # noqa: E402


def sample(n: int) -> list[str]:
    step = max(1, ANT_TOTAL // n)
    out = []
    with gzip.open(ANT, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % step == 0:
                text = json.loads(line).get("text") or ""
                if text.strip():
                    out.append(text)
            if len(out) >= n:
                break
    return out


def build(path: Path, bodies: list[str]) -> Store:
    store = Store(path)
    store.ensure_schema()
    with store.write() as con:
        import pandas as pd

        frame = pd.DataFrame({"id": range(1, len(bodies) + 1), "body": bodies})  # noqa: F841
        con.execute("INSERT INTO articles (id, body, language, ingested_at, content_hash) "
                    "SELECT id, body, 'ar', now(), md5(body) FROM frame")
    return store


def run(bodies: list[str], processes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "bench.duckdb", bodies)
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


def markdown(rows: list[dict], chars: float, model: str) -> str:
    lines = [f"{rows[0]['articles']} ANT v2.1 articles (mean body {chars:.0f} characters), Arabic statistical NER: "
             f"{model}. CPU seconds (this process and its workers) show what the work itself costs whatever the "
             "load; 2 × articles per CPU-second is what 2 free cores would do at best.", "",
             "| processes | articles | wall s | articles/s (wall) | CPU s | articles per CPU-s | mentions/article |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['processes']} | {r['articles']} | {r['seconds']} | {r['articles_per_s']} | {r['cpu_s']} | "
              f"{r['articles_per_cpu_s']} | {r['mentions_per_article']} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks/enrich.md")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/enrich.md")
    args = parser.parse_args()
    page = ReportPage("enrich", "Enrichment throughput")
    bodies = sample(args.articles)
    pipeline.warm_up(("ar",))
    from marsad.nlp.ner import statistical

    try:
        statistical.predict(["اختبار"], "ar")
        directory = statistical.arabic_model_dir()
        kind = "neural" if directory == statistical.AR_NEURAL_DIR else "CRF"
        model = f"{directory.relative_to(ROOT)} ({kind})"
    except Exception as exc:  # noqa: BLE001 - the bench reports what ran
        model = f"none ({type(exc).__name__}: gazetteer layer only)"
    rows = [run(bodies, p) for p in args.processes]
    for row in rows:
        print(json.dumps(row))
    if args.no_doc:
        print_load()
    else:
        page.write(markdown(rows, sum(map(len, bodies)) / len(bodies), model), out=args.out)


if __name__ == "__main__":
    main()
