"""HTML extraction quality and speed against ../shared/html/gold.json; writes docs/html-extraction.md.

    .venv/bin/python bench/html_extraction.py [--repeat N]

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
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "html"
DOC = ROOT / "docs" / "html-extraction.md"
sys.path.insert(0, str(ROOT / "src"))

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
    parser.add_argument("--skip-records", action="store_true", help="HTML figures only, printed, docs/html-extraction.md left alone")
    args = parser.parse_args()
    pages = load_pages()
    rows = {}
    for name, run in CONFIGS.items():
        run(pages[0][1])  # warm up imports and caches outside the timing
        rows[name] = evaluate(pages, run, args.repeat)
        r = rows[name]
        print(f"{name:12s} titles {r['titles']:.1%} ({r['lenient']:.1%})  dates {r['dates']:.1%}  kept {r['kept']:.1%}  "
              f"dropped {r['dropped']:.1%}  {r['pages_per_s']:.1f} pages/s ({r['cpu_pages_per_s']:.1f}/CPU-s)")
    if args.skip_records:
        return  # a quick HTML-only look: the doc is written by full runs only, so it never loses its sections
    write_doc(rows, len(pages), measure_records(), measure_text_pages())


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


def write_doc(rows: dict[str, dict[str, float]], n_pages: int, readers: dict[str, tuple[int, float, float]],
              text_pages: dict[str, tuple[int, float, float, float]]) -> None:
    any_row = next(iter(rows.values()))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# HTML extraction: quality and speed",
        "",
        f"Measured by `bench/html_extraction.py` on the {n_pages} pages of `../shared/html` with their gold data "
        f"({any_row['n_titles']} gold titles, {any_row['n_dates']} gold dates, {any_row['n_with']} \"with\" and "
        f"{any_row['n_without']} \"without\" snippets). Titles and snippets are compared after NFKC, casefolding and "
        "dropping punctuation; a title matches when equal, a date when the day (in the page's own offset) is the "
        "gold day; a snippet is kept when it occurs in the extracted body. pages/s is extraction only, one process, "
        "pages already decoded, on a 2-core machine shared with other jobs (load average during this run: "
        f"{load}): indicative, not exact. pages/CPU-s divides by the process's CPU time and is steadier under load. "
        "\"lenient\" counts a title as matching when one contains the other (site names, kickers): the figure "
        "closest to the ~84% quoted for trafilatura in stack-facts.md, which counts matches more loosely than "
        "our exact column.",
        "",
        "| configuration | titles (exact) | titles (lenient) | dates | \"with\" kept | \"without\" dropped | pages/s | pages/CPU-s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['titles']:.1%} | {r['lenient']:.1%} | {r['dates']:.1%} | {r['kept']:.1%} | "
                     f"{r['dropped']:.1%} | {r['pages_per_s']:.1f} | {r['cpu_pages_per_s']:.1f} |")
    lines += [
        "",
        "- **baseline**: `trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)`, its title and date.",
        "- **marsad-full**: `marsad.ingest.readers.html` with trafilatura's fallback extractors on (`fast=False`).",
        "- **marsad**: the reader as shipped: `fast=True` (no justext/readability fallback) and trafilatura's own "
        "metadata pass skipped when the page declares a title (it costs ~30% of the time); title = the visible "
        "`<h1>`/`<h2>` that agrees with the declared titles (JSON-LD `headline`, `og:title`, `<title>`), else the "
        "declared title without a site-name suffix; date = `article:published_time` / JSON-LD `datePublished` / "
        "other date meta tags, else htmldate (no extensive search), else a visible date line (Arabic month "
        "names); canonical URL from `<link rel=canonical>`; short call-to-action paragraphs (\"Read more:\", "
        "\"Lea también:\", \"اقرأ أيضاً\", \"Subscribe now to …\", copyright notices: "
        "`extract.cleanup.without_boilerplate`) dropped. That filter alone moved \"without\" dropped from 91.3% "
        "to 94.3% and lost no \"with\" snippet; both marsad rows include it.",
        "",
        "Where we lose: one page (pagesix) declares `2020-02-25T02:25:54Z`, the evening of the 24th in New York: "
        "with no zone on the page the UTC day is what we store. Of the 9 date misses, the first visible date line "
        "holds the gold day in 7 — but these are mostly \"Updated …\"/\"Last updated\" lines, and preferring "
        "visible lines over declared dates scored 86.9% (measured once by hand), so declared dates stay first. Dropping trafilatura's fallbacks loses about one "
        "\"with\" snippet in a hundred for ~1.5× the speed; the pipeline needs the speed (target ≥ 30 pages/s).",
        "",
        "Re-run: `.venv/bin/python bench/html_extraction.py` (add `--repeat 3` for steadier pages/s).",
        "",
    ]
    if readers:
        lines += [
            "## Record readers (for reference)",
            "",
            "`read_path` over the whole shared corpora (gzip JSONL → Articles with dates, outlets, datelines; no "
            "language, dedup or store), one process:",
            "",
            "| corpus | records | records/s (wall) | records/CPU-s |",
            "|---|---|---|---|",
        ]
        lines += [f"| {c} | {n:,} | {w:,.0f} | {p:,.0f} |" for c, (n, w, p) in readers.items()]
        lines.append("")
    if text_pages:
        lines += [
            "## Plain-text pages (generality of the scraped-page reader)",
            "",
            "The seed page (`../shared/seed`) is read exactly (tests/test_readers_text.py). To show the heuristics are "
            "not fitted to it, every 7th record of each corpus (up to 300) is rendered as a scraper saves a page — "
            "menu lines, title, the record's own date string, paragraphs separated by blank lines, app-store and "
            "copyright lines — and read back. Exact = identical to the record's cleaned title/body/parsed date. "
            "Body misses are by design or layout: short lines after the last paragraph are dropped as footer (ANT's "
            "\"**حقوق النشر محفوظة…\" credit lines, closing lists), and Reuters items that open with table lines "
            "(\"Oper shr 21 cts vs 18 cts\") before their prose lose those lines to the page head.",
            "",
            "| corpus | pages | exact titles | exact bodies | exact dates |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {c} | {n} | {t:.1%} | {b:.1%} | {d:.1%} |" for c, (n, t, b, d) in text_pages.items()]
        lines.append("")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
