"""HTML extraction quality and speed against gold data: Marsad vs trafilatura alone per field; writes docs/benchmarks/html_extraction.md.

    .venv/bin/python bench/html_extraction.py [--repeat N] [--skip-records] [--losses] [--out FILE]

What the configurations and columns mean, and what the figures say: docs/html-extraction.md.

Pages: ../shared/html (gold.json: title, date, "with"/"without" body snippets) and tests/fixtures/html (the same
kind of gold, plus full hand-checked bodies for the Arabic outlets' pages). Measures, per configuration: title
match rate (exact, and lenient: one contains the other), date match rate, body token-F1 (see body_counts), share
of "with" snippets kept and "without" snippets dropped, pages/s (extraction only, pages already in memory, one
process; wall clock and CPU time, since the machine is shared); per page set, Marsad vs trafilatura per field and
the pages each wins. --losses prints every page where Marsad scores below trafilatura, both outputs side by side.
Also records/s of the JSONL reader on the shared corpora (the pipeline's hot path), for reference.
Configurations:
  baseline        trafilatura.bare_extraction defaults (fallbacks on), its own title and date
  marsad-full     Marsad's reader with trafilatura fallbacks on (fast=False)
  marsad          Marsad's reader as shipped (fast=True, fallbacks only where the fast pass missed the article)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "html"
FIXTURES = ROOT / "tests" / "fixtures" / "html"
# Arabic outlets' pages with hand-checked gold (full bodies), kept apart from the pages build_fixtures.py copies.
FIXTURES_AR = ROOT / "tests" / "fixtures" / "html_ar"
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


def _tokens(text: str) -> list[str]:
    return _norm(text).split()


def _ngrams(tokens: list[str], n: int = 3) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))}


def body_counts(body: str, gold: dict) -> tuple[int, int, int]:
    """Token counts (true positive, false negative, false positive) of one extracted body against its gold.

    With a full gold body ("body", the fixtures' hand-checked Arabic pages): bag-of-tokens overlap. With snippets
    only (../shared/html): a "with" snippet's tokens are found in proportion to its word trigrams present in the
    body (a snippet cut by a stray line still scores most of its tokens), a "without" snippet's tokens the same way
    count as false positives. Summed over pages this is the token-F1 trafilatura's own evaluation uses per snippet.
    """
    tokens = _tokens(body)
    if gold.get("body"):
        wanted, found = Counter(_tokens(gold["body"])), Counter(tokens)
        overlap = sum((wanted & found).values())
        return overlap, sum(wanted.values()) - overlap, sum(found.values()) - overlap
    grams = _ngrams(tokens)
    tp = fn = fp = 0
    for snippet in gold.get("with", []):
        words = _tokens(snippet)
        share = _covered(words, grams)
        tp += round(share * len(words))
        fn += len(words) - round(share * len(words))
    for snippet in gold.get("without", []):
        words = _tokens(snippet)
        fp += round(_covered(words, grams) * len(words))
    return tp, fn, fp


def _covered(words: list[str], grams: set[tuple[str, ...]]) -> float:
    mine = _ngrams(words)
    return len(mine & grams) / len(mine) if words else 0.0


def _f1(tp: int, fn: int, fp: int) -> float:
    return 2 * tp / (2 * tp + fn + fp) if tp else 0.0


def score_page(gold: dict, result: Result) -> dict[str, float | None]:
    """Per-field scores of one page: 1/0 for title and date (None without gold), body token-F1, kept/dropped counts."""
    title = date = None
    if gold.get("title"):
        found, wanted = _norm(result.title), _norm(gold["title"])
        title = float(found == wanted)
        lenient = float(bool(found) and (found in wanted or wanted in found))
    else:
        lenient = None
    if gold.get("date"):
        date = float(result.date == gold["date"][:10])
    body = _norm(result.body)
    tp, fn, fp = body_counts(result.body, gold)
    return {
        "title": title, "lenient": lenient, "date": date, "tp": tp, "fn": fn, "fp": fp, "f1": _f1(tp, fn, fp),
        "with": len(gold.get("with", [])), "kept": sum(_norm(s) in body for s in gold.get("with", [])),
        "without": len(gold.get("without", [])),
        "dropped": sum(_norm(s) not in body for s in gold.get("without", [])),
        "exact_body": float(result.body.strip() == gold["body"].strip()) if gold.get("body") else None,
    }


def evaluate(pages: list[tuple[dict, str]], run, repeat: int) -> tuple[dict[str, float], list[dict], list[Result]]:
    """Summary figures, per-page scores and the results themselves of one configuration over ``pages``."""
    results = []
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        results = [run(html) for _, html in pages]
    seconds = (time.perf_counter() - start) / repeat
    cpu_seconds = (time.process_time() - cpu) / repeat
    scores = [score_page(gold, result) for (gold, _), result in zip(pages, results, strict=True)]

    def mean(key: str) -> float:
        values = [s[key] for s in scores if s[key] is not None]
        return sum(values) / len(values) if values else float("nan")

    tp, fn, fp = (sum(s[k] for s in scores) for k in ("tp", "fn", "fp"))
    summary = {
        "titles": mean("title"),
        "lenient": mean("lenient"),
        "dates": mean("date"),
        "body_f1": _f1(tp, fn, fp),
        "body_precision": tp / (tp + fp) if tp + fp else 0.0,
        "body_recall": tp / (tp + fn) if tp + fn else 0.0,
        "kept": sum(s["kept"] for s in scores) / max(1, sum(s["with"] for s in scores)),
        "dropped": sum(s["dropped"] for s in scores) / max(1, sum(s["without"] for s in scores)),
        "pages_per_s": len(pages) / seconds,
        "cpu_pages_per_s": len(pages) / cpu_seconds,
        "n_titles": sum(s["title"] is not None for s in scores),
        "n_dates": sum(s["date"] is not None for s in scores),
        "n_with": sum(s["with"] for s in scores),
        "n_without": sum(s["without"] for s in scores),
    }
    return summary, scores, results


def load_pages() -> list[tuple[dict, str]]:
    """The pages of ../shared/html (when present) and of tests/fixtures/html and html_ar, each once, with their gold entry;
    ``entry["set"]`` says where a page came from ("shared", or "fixtures" for pages only the repository has)."""
    pages = []
    for folder, label in ((FIXTURES, "fixtures"), (FIXTURES_AR, "fixtures"), (SHARED, "shared")):
        gold_file = folder / "gold.json"
        if not gold_file.exists():
            print(f"no {gold_file}: its pages are left out", file=sys.stderr)
            continue
        for entry in json.loads(gold_file.read_text(encoding="utf-8")).values():
            data = (folder / "pages" / entry["file"]).read_bytes()
            try:
                pages.append(({**entry, "set": label}, decode_bytes(data, name=entry["file"])))
            except MarsadError as exc:
                print(f"skip {entry['file']}: {exc}", file=sys.stderr)
    # A fixture page that is also in the shared set counts once, as "shared" (the set it was drawn from).
    shared_files = {entry["file"] for entry, _ in pages if entry["set"] == "shared"}
    return [(e, h) for e, h in pages if e["set"] == "shared" or e["file"] not in shared_files]


def losses(pages: list[tuple[dict, str]], ours: tuple[list[dict], list[Result]],
           theirs: tuple[list[dict], list[Result]]) -> list[str]:
    """Every page where Marsad scores below trafilatura alone on a field, both outputs side by side."""
    lines = []
    for (gold, _), mine, base, mine_r, base_r in zip(pages, ours[0], theirs[0], ours[1], theirs[1], strict=True):
        for field_, shown in (("title", "title"), ("date", "date"), ("f1", "body")):
            if mine[field_] is None or base[field_] is None or mine[field_] >= base[field_] - 1e-9:
                continue
            lines.append(f"== {gold['file']} [{gold['set']}] {shown}: marsad {mine[field_]:.2f} < trafilatura {base[field_]:.2f}")
            if shown == "body":
                body = _norm(mine_r.body)
                lost = [s for s in gold.get("with", []) if _norm(s) not in body]
                extra = [s for s in gold.get("without", []) if _norm(s) in body]
                lines += [f"   lost:  {s[:150]}" for s in lost] + [f"   extra: {s[:150]}" for s in extra]
                lines += [f"   marsad starts:  {mine_r.body[:200]!r}", f"   marsad ends:    {mine_r.body[-200:]!r}"]
            else:
                lines += [f"   gold:        {gold.get(shown)!r}", f"   marsad:      {getattr(mine_r, shown)!r}",
                          f"   trafilatura: {getattr(base_r, shown)!r}"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (pages/s is averaged)")
    parser.add_argument("--skip-records", action="store_true",
                        help="HTML figures only: printed, and written only where --out says")
    parser.add_argument("--losses", action="store_true",
                        help="print every page where marsad scores below trafilatura alone, outputs side by side")
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/html_extraction.md")
    args = parser.parse_args()
    page = ReportPage("html_extraction", "HTML extraction: quality and speed")
    pages = load_pages()
    rows, per_page = {}, {}
    for name, run in CONFIGS.items():
        run(pages[0][1])  # warm up imports and caches outside the timing
        rows[name], *per_page[name] = evaluate(pages, run, args.repeat)
        r = rows[name]
        print(f"{name:12s} titles {r['titles']:.1%} ({r['lenient']:.1%})  dates {r['dates']:.1%}  "
              f"body F1 {r['body_f1']:.3f}  kept {r['kept']:.1%}  dropped {r['dropped']:.1%}  "
              f"{r['pages_per_s']:.1f} pages/s ({r['cpu_pages_per_s']:.1f}/CPU-s)")
    sets = by_set(pages, per_page)
    for label, row in sets.items():
        print(f"{label}: " + "  ".join(f"{k} {v}" for k, v in row.items()))
    if args.losses:
        print("\n".join(losses(pages, per_page["marsad"], per_page["baseline"])))
    if args.skip_records:  # a quick HTML-only look: the page is replaced by full runs only, so it keeps its sections
        if args.out is None:
            print_load()
        else:
            page.write(markdown(rows, pages, sets, {}, {}), out=args.out)
        return
    page.write(markdown(rows, pages, sets, measure_records(), measure_text_pages()), out=args.out)


def by_set(pages: list[tuple[dict, str]], per_page: dict[str, tuple[list[dict], list[Result]]]) -> dict[str, dict]:
    """Per page set and language (shared, fixtures; ar, other): Marsad and trafilatura per field, and the pages
    where each loses to the other."""
    out = {}
    groups: dict[str, list[int]] = {}
    for i, (gold, _) in enumerate(pages):
        groups.setdefault(f"{gold['set']}/{'ar' if gold.get('language') == 'ar' else 'other'}", []).append(i)
    for label, idx in sorted(groups.items()):
        row = {"pages": len(idx)}
        for field_ in ("title", "date", "f1"):
            for name in ("baseline", "marsad"):
                values = [per_page[name][0][i][field_] for i in idx if per_page[name][0][i][field_] is not None]
                row[f"{name}_{field_}"] = sum(values) / len(values) if values else None
            pairs = [(per_page["marsad"][0][i][field_], per_page["baseline"][0][i][field_]) for i in idx]
            pairs = [(m, b) for m, b in pairs if m is not None and b is not None]
            row[f"wins_{field_}"] = sum(m > b + 1e-9 for m, b in pairs)
            row[f"losses_{field_}"] = sum(m < b - 1e-9 for m, b in pairs)
        exact = [per_page["marsad"][0][i]["exact_body"] for i in idx if per_page["marsad"][0][i]["exact_body"] is not None]
        row["marsad_exact_bodies"] = f"{sum(exact):.0f}/{len(exact)}" if exact else None
        out[label] = row
    return out


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


def markdown(rows: dict[str, dict[str, float]], pages: list[tuple[dict, str]], sets: dict[str, dict],
             readers: dict[str, tuple[int, float, float]], text_pages: dict[str, tuple[int, float, float, float]]) -> str:
    any_row = next(iter(rows.values()))
    base, ours = rows["baseline"], rows["marsad"]
    counts = {label: sum(1 for gold, _ in pages if gold["set"] == label) for label in ("shared", "fixtures")}
    lines = [
        f"{len(pages)} pages: the {counts['shared']} of `../shared/html` and {counts['fixtures']} more from "
        f"`tests/fixtures/html`, with their gold data ({any_row['n_titles']} gold titles, {any_row['n_dates']} gold "
        f"dates, {any_row['n_with']} \"with\" and {any_row['n_without']} \"without\" snippets, full gold bodies "
        "for the fixtures' Arabic pages); pages/s is extraction only, one process, pages already decoded.",
        "",
        "## Per field: Marsad (as shipped) vs trafilatura alone, same pages",
        "",
        "| field | trafilatura | Marsad |",
        "|---|---|---|",
        f"| title (exact) | {base['titles']:.1%} | {ours['titles']:.1%} |",
        f"| title (lenient) | {base['lenient']:.1%} | {ours['lenient']:.1%} |",
        f"| date (day) | {base['dates']:.1%} | {ours['dates']:.1%} |",
        f"| body token-F1 | {base['body_f1']:.3f} | {ours['body_f1']:.3f} |",
        f"| body token precision / recall | {base['body_precision']:.3f} / {base['body_recall']:.3f} | "
        f"{ours['body_precision']:.3f} / {ours['body_recall']:.3f} |",
        f"| \"with\" snippets kept | {base['kept']:.1%} | {ours['kept']:.1%} |",
        f"| \"without\" snippets dropped | {base['dropped']:.1%} | {ours['dropped']:.1%} |",
        "",
        "## Per page set: mean per field, and pages won / lost by Marsad",
        "",
        "| set | pages | title tf / M (won/lost) | date tf / M (won/lost) | body F1 tf / M (won/lost) | exact Marsad bodies |",
        "|---|---|---|---|---|---|",
    ]

    def cell(row: dict, field_: str) -> str:
        if row[f"baseline_{field_}"] is None:
            return "–"
        return (f"{row[f'baseline_{field_}']:.3f} / {row[f'marsad_{field_}']:.3f} "
                f"({row[f'wins_{field_}']}/{row[f'losses_{field_}']})")

    for label, row in sets.items():
        lines.append(f"| {label} | {row['pages']} | {cell(row, 'title')} | {cell(row, 'date')} | {cell(row, 'f1')} | "
                     f"{row['marsad_exact_bodies'] or '–'} |")
    lines += [
        "",
        "## All configurations",
        "",
        "| configuration | titles (exact) | titles (lenient) | dates | body token-F1 | \"with\" kept | \"without\" dropped | pages/s | pages/CPU-s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['titles']:.1%} | {r['lenient']:.1%} | {r['dates']:.1%} | {r['body_f1']:.3f} | "
                     f"{r['kept']:.1%} | {r['dropped']:.1%} | {r['pages_per_s']:.1f} | {r['cpu_pages_per_s']:.1f} |")
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
