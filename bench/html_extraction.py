"""HTML extraction quality and speed against ../shared/html/gold.json; prints them, writes docs/benchmarks/html_extraction.md.

    .venv/bin/python bench/html_extraction.py [--repeat N] [--skip-records] [--out FILE]

What the configurations and columns mean, and what the figures say: docs/html-extraction.md.

Measures, per configuration: title match rate (exact, and lenient: one contains the other), date match rate,
share of "with" snippets kept, share of "without" snippets dropped, pages/s (extraction only, pages already in
memory, one process; wall clock and CPU time, since the machine is shared). Also records/s of the JSONL reader on
the shared corpora (the pipeline's hot path), for reference.
Configurations:
  baseline        trafilatura.bare_extraction defaults (fallbacks on), its own title and date
  marsad-full     Marsad's reader with trafilatura fallbacks on (fast=False)
  marsad          Marsad's reader as shipped (fast=True, page declarations first)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "html"
sys.path.insert(0, str(ROOT / "src"))

from report_page import ReportPage, print_load  # noqa: E402

from marsad.errors import MarsadError  # noqa: E402
from marsad.ingest.encoding import decode_bytes  # noqa: E402
from marsad.ingest.readers import html as html_reader  # noqa: E402


@dataclass
class Result:
    title: str
    date: str  # YYYY-MM-DD in the page's own offset
    body: str


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def run_baseline(html: str) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None:
        return Result("", "", "")
    return Result(doc.title or "", (doc.date or "")[:10], doc.text or "")


def run_marsad(html: str, *, fast: bool) -> Result:
    html_reader.FAST_EXTRACTION = fast
    try:
        article = html_reader.article_from_html(html, name="page")
    except MarsadError:
        return Result("", "", "")
    day = ""
    if article.published_at is not None:
        local = article.published_at
        if article.published_tz:
            sign = -1 if article.published_tz.startswith("-") else 1
            hours, minutes = article.published_tz[1:].split(":")
            local = article.published_at.astimezone(timezone(sign * timedelta(hours=int(hours), minutes=int(minutes))))
        day = local.date().isoformat()
    return Result(article.title, day, article.body)


CONFIGS = {
    "baseline": run_baseline,
    "marsad-full": lambda html: run_marsad(html, fast=False),
    "marsad": lambda html: run_marsad(html, fast=True),
}


def evaluate(pages: list[tuple[dict, str]], run, repeat: int) -> dict[str, float]:
    titles = lenient = dates = with_kept = with_total = without_dropped = without_total = 0
    title_total = date_total = 0
    results = []
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        results = [run(html) for _, html in pages]
    seconds = (time.perf_counter() - start) / repeat
    cpu_seconds = (time.process_time() - cpu) / repeat
    for (gold, _), result in zip(pages, results, strict=True):
        if gold.get("title"):
            title_total += 1
            found, wanted = _norm(result.title), _norm(gold["title"])
            titles += found == wanted
            lenient += bool(found) and (found in wanted or wanted in found)
        if gold.get("date"):
            date_total += 1
            dates += result.date == gold["date"][:10]
        body = _norm(result.body)
        for snippet in gold.get("with", []):
            with_total += 1
            with_kept += _norm(snippet) in body
        for snippet in gold.get("without", []):
            without_total += 1
            without_dropped += _norm(snippet) not in body
    return {
        "titles": titles / title_total,
        "lenient": lenient / title_total,
        "cpu_pages_per_s": len(pages) / cpu_seconds,
        "dates": dates / date_total,
        "kept": with_kept / with_total,
        "dropped": without_dropped / without_total,
        "pages_per_s": len(pages) / seconds,
        "n_titles": title_total,
        "n_dates": date_total,
        "n_with": with_total,
        "n_without": without_total,
    }


def load_pages() -> list[tuple[dict, str]]:
    gold = json.loads((SHARED / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for entry in gold.values():
        data = (SHARED / "pages" / entry["file"]).read_bytes()
        try:
            pages.append((entry, decode_bytes(data, name=entry["file"])))
        except MarsadError as exc:
            print(f"skip {entry['file']}: {exc}", file=sys.stderr)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (pages/s is averaged)")
    parser.add_argument("--skip-records", action="store_true",
                        help="HTML figures only: printed, and written only where --out says")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/html_extraction.md")
    args = parser.parse_args()
    page = ReportPage("html_extraction", "HTML extraction: quality and speed")
    pages = load_pages()
    rows = {}
    for name, run in CONFIGS.items():
        run(pages[0][1])  # warm up imports and caches outside the timing
        rows[name] = evaluate(pages, run, args.repeat)
        r = rows[name]
        print(f"{name:12s} titles {r['titles']:.1%} ({r['lenient']:.1%})  dates {r['dates']:.1%}  kept {r['kept']:.1%}  "
              f"dropped {r['dropped']:.1%}  {r['pages_per_s']:.1f} pages/s ({r['cpu_pages_per_s']:.1f}/CPU-s)")
    if args.skip_records:  # a quick HTML-only look: the page is replaced by full runs only, so it keeps its sections
        if args.out is None:
            print_load()
        else:
            page.write(markdown(rows, len(pages), {}, {}), out=args.out)
        return
    page.write(markdown(rows, len(pages), measure_records(), measure_text_pages()), out=args.out)


def measure_text_pages(n: int = 300) -> dict[str, tuple[int, float, float, float]]:
    """The plain-text page reader on pages rendered from real records (menus, title, date, paragraphs, app-store
    and copyright lines), as scrapers save them: shares of exact titles, exact bodies and exact dates."""
    import gzip
    import itertools

    from marsad.ingest.extract import clean_body, clean_title, parse_date
    from marsad.ingest.readers.text import article_from_text

    out = {}
    for corpus, (tf, df, bf) in {
        "ant_v2.1_multisource.jsonl.gz": ("title", "time", "text"),
        "ant_v1.1_jawharafm.jsonl.gz": ("title", "time", "text"),
        "reuters21578.jsonl.gz": ("title", "date", "body"),
    }.items():
        titles = bodies = dates = total = 0
        with gzip.open(SHARED.parent / "corpora" / corpus, "rt", encoding="utf-8") as fh:
            for line in itertools.islice(fh, 0, None, 7):
                record = json.loads(line)
                title, body = clean_title(record[tf] or ""), clean_body(record[bf] or "")
                if not title or not body:
                    continue
                page = "\n".join(["Shadow Shadow", "كـل الأخبار", "", title, "", record[df], "",
                                   *[p for para in body.split("\n\n") for p in (para, "")],
                                   "App store icon Play store icon", "© جميع الحقوق محفوظة"])
                total += 1
                try:
                    article = article_from_text(page, name="page.txt")
                except MarsadError:
                    if total >= n:
                        break
                    continue
                titles += article.title == title
                bodies += article.body == body
                dates += article.published_at == parse_date(record[df]).when
                if total >= n:
                    break
        out[corpus] = (total, titles / total, bodies / total, dates / total)
        print(f"text pages from {corpus:32s} titles {titles / total:.1%}  bodies {bodies / total:.1%}  dates {dates / total:.1%}")
    return out


def measure_records() -> dict[str, tuple[int, float, float]]:
    """records, records/s (wall) and records/s (CPU) of read_path over each shared corpus."""
    from marsad.config import Settings
    from marsad.ingest.readers import read_path

    settings = Settings()
    out = {}
    for corpus in ("ant_v2.1_multisource.jsonl.gz", "ant_v1.1_jawharafm.jsonl.gz", "reuters21578.jsonl.gz"):
        start, cpu = time.perf_counter(), time.process_time()
        n = sum(1 for _ in read_path(SHARED.parent / "corpora" / corpus, settings=settings))
        out[corpus] = (n, n / (time.perf_counter() - start), n / (time.process_time() - cpu))
        print(f"{corpus:32s} {n} records  {out[corpus][1]:.0f}/s wall  {out[corpus][2]:.0f}/CPU-s")
    return out


def markdown(rows: dict[str, dict[str, float]], n_pages: int, readers: dict[str, tuple[int, float, float]],
             text_pages: dict[str, tuple[int, float, float, float]]) -> str:
    any_row = next(iter(rows.values()))
    lines = [
        f"The {n_pages} pages of `../shared/html` with their gold data ({any_row['n_titles']} gold titles, "
        f"{any_row['n_dates']} gold dates, {any_row['n_with']} \"with\" and {any_row['n_without']} \"without\" "
        "snippets); pages/s is extraction only, one process, pages already decoded.",
        "",
        "| configuration | titles (exact) | titles (lenient) | dates | \"with\" kept | \"without\" dropped | pages/s | pages/CPU-s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['titles']:.1%} | {r['lenient']:.1%} | {r['dates']:.1%} | {r['kept']:.1%} | "
                     f"{r['dropped']:.1%} | {r['pages_per_s']:.1f} | {r['cpu_pages_per_s']:.1f} |")
    lines.append("")
    if readers:
        lines += [
            "## Record readers",
            "",
            "`read_path` over the whole shared corpora (gzip JSONL → Articles; no language, dedup or store), one process:",
            "",
            "| corpus | records | records/s (wall) | records/CPU-s |",
            "|---|---|---|---|",
        ]
        lines += [f"| {c} | {n:,} | {w:,.0f} | {p:,.0f} |" for c, (n, w, p) in readers.items()]
        lines.append("")
    if text_pages:
        lines += [
            "## Plain-text pages",
            "",
            "Every 7th record of each corpus (up to 300) rendered as a scraper saves a page and read back; exact = "
            "identical to the record's cleaned title / body / parsed date.",
            "",
            "| corpus | pages | exact titles | exact bodies | exact dates |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {c} | {n} | {t:.1%} | {b:.1%} | {d:.1%} |" for c, (n, t, b, d) in text_pages.items()]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
