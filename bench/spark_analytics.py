"""Per-call latency of the analytics on Spark (the store exported to a lake, read in local[N]) against DuckDB
(the store itself), and the Overview page rendered against the lake.

    .venv/bin/python bench/spark_analytics.py [--db data/marsad.duckdb] [--master local[2]] [--repeats 2]
        [--no-overview] [--out FILE]

The store is copied to a temporary folder first (a search catches the index up, which writes beside the store)
and exported there with marsad.lake.export. For each call: DuckDB's first and best-of-``repeats`` time, Spark's
first (its views bound, the lake's vocabulary read) and best-of-``repeats``. The Spark session's start is timed
apart. The Overview is run headless (Streamlit's AppTest) with MARSAD_BACKEND=spark, as the dashboard would be,
cold. Writes docs/benchmarks/spark_analytics.md (or --out); what the figures mean is in docs/scale.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from report_page import ReportPage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from marsad import analytics  # noqa: E402
from marsad.analytics import Query  # noqa: E402

# The Overview's calls (marsad.ui.combined.overview_calls) and the other pages' usual ones.
CALLS = [
    ("overview_figures", analytics.overview_figures, (Query(),), {}),
    ("count_over_time, week", analytics.count_over_time, (Query(),), {"interval": "week"}),
    ("count_over_time, Arabic, a word", analytics.count_over_time, (Query(text="سوريا", languages=["ar"]),),
     {"interval": "week"}),
    ("top_entities, PER", analytics.top_entities, (Query(),), {"type": "PER", "n": 10}),
    ("top_topics", analytics.top_topics, (Query(),), {"n": 10}),
    ("spikes, entity", analytics.spikes, (Query(),), {"kind": "entity"}),
    ("top_sources", analytics.top_sources, (Query(),), {}),
    ("top_keywords, 2018", analytics.top_keywords, (Query(start=date(2018, 1, 1)),), {}),
    ("top_places", analytics.top_places, (Query(),), {}),
    ("search, ranked page", analytics.search, (Query(text="الحدود العراقية"),), {}),
    ("search, phrase + entity", analytics.search, (Query(text='"رئيس الوزراء"', entities=["loc:العراق"]),), {}),
    ("sample_articles, newest", analytics.sample_articles, (Query(languages=["ar"]),), {"newest": True}),
]


def _timed(fn, *args, **kwargs) -> float:
    t = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t


def _calls(store, lake, repeats: int) -> list[tuple[str, float, float, float, float]]:
    rows = []
    for label, fn, args, kwargs in CALLS:
        duck = [_timed(fn, store, *args, **kwargs) for _ in range(repeats + 1)]
        spark = [_timed(fn, lake, *args, **kwargs) for _ in range(repeats + 1)]
        rows.append((label, duck[0], min(duck[1:]), spark[0], min(spark[1:])))
        print(f"{label}: DuckDB {duck[0]:.3f}/{min(duck[1:]):.3f} s, Spark {spark[0]:.1f}/{min(spark[1:]):.1f} s",
              file=sys.stderr)
    return rows


def _overview(db: Path, lake: Path, master: str) -> tuple[float, int, int]:
    """Seconds for the Overview's first run against the lake, its exceptions and its charts."""
    from streamlit.testing.v1 import AppTest

    os.environ.update(MARSAD_DB=str(db), MARSAD_BACKEND="spark", MARSAD_LAKE=str(lake), MARSAD_SPARK_MASTER=master)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    t = time.perf_counter()
    at.run()
    took = time.perf_counter() - t
    charts = len(at.get("plotly_chart"))
    return took, len(at.exception), charts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "marsad.duckdb", help="the store (the demo's)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-overview", action="store_true", help="skip the Overview page run")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    from marsad.analytics.on_spark import SparkLake
    from marsad.lake.export import export_store
    from marsad.spark.session import spark_session
    from marsad.store import Store

    page = ReportPage("spark_analytics", "Analytics on Spark vs DuckDB (per call)")
    with tempfile.TemporaryDirectory(prefix="marsad-spark-analytics-") as tmp:
        work = Path(tmp)
        for suffix in ("", ".search.sqlite"):
            source = Path(str(args.db) + suffix)
            if source.exists():
                shutil.copy(source, work / (args.db.name + suffix))
        store = Store(work / args.db.name)
        store.ensure_schema()  # an older demo store is migrated in the copy
        t = time.perf_counter()
        written = export_store(store, work / "lake")
        export_s = time.perf_counter() - t
        t = time.perf_counter()
        spark_session(args.master)
        start_s = time.perf_counter() - t
        lake = SparkLake(work / "lake", master=args.master)
        rows = _calls(store, lake, args.repeats)
        overview = None if args.no_overview else _overview(store.path, lake.path, args.master)

    lines = [
        f"Store: `{args.db.name}` ({written['articles']:,} articles, {written['mentions']:,} mentions, "
        f"{written['terms']:,} `terms` rows in the lake). Export to the lake: {export_s:.1f} s. "
        f"Spark session start ({args.master}): {start_s:.1f} s.",
        "",
        "| Call | DuckDB first (s) | DuckDB warm (s) | Spark first (s) | Spark warm (s) | Spark / DuckDB (warm) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, d0, d1, s0, s1 in rows:
        lines.append(f"| {label} | {d0:.3f} | {d1:.3f} | {s0:.1f} | {s1:.1f} | {s1 / max(d1, 1e-6):,.0f}× |")
    if overview is not None:
        took, errors, charts = overview
        lines += ["", f"Overview page against the lake (AppTest, cold, MARSAD_BACKEND=spark): {took:.0f} s, "
                      f"{charts} charts, {errors} exceptions."]
    page.write("\n".join(lines), out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
