"""Dashboard latency in a real browser: server start → first page, and each interaction → charts drawn.

    .venv/bin/python bench/ui_latency.py --db demo=data/marsad.duckdb --db 200k=/tmp/scale/scale.duckdb \
        [--repeats 3] [--json] [--out FILE]

For each store: start the dashboard as `make run` does (`marsad serve`) on 127.0.0.1 (MARSAD_DB = the
store; `streamlit run app.py` is measured for comparison), drive headless Chromium
(Debian's /usr/bin/chromium through Playwright) and time, from the user's action to the moment the script run is
over and every chart on the page is drawn:
- first page: server process start → Overview with its charts (the "within 3 s" target, demo size);
- each interaction below, the first time (cold: analytics computed) and again (warm: st.cache_data hit).
Stores of 200,000 articles come from bench/scale.py (--articles 200000 --db … --keep). The machine has 2 cores
shared with other work, so the figures are indicative. Writes docs/benchmarks/ui_latency.md (or --out); what the
figures mean is in docs/ui-latency.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from report_page import ReportPage

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000
FIRST_PAGE_TARGET_S = 3.0
INTERACTION_TARGET_S = 1.0

# Records every change of Streamlit's script state with a timestamp, so a run that starts and ends between two
# polls is still seen.
WATCH_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || window.__marsadRuns) return;
  window.__marsadRuns = [];
  new MutationObserver(() => window.__marsadRuns.push([performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
# True (and the time noted) once a run that began after t0 is over and every chart and table has drawn.
DONE_JS = """t0 => {
  const app = document.querySelector('[data-testid="stApp"]');
  const runs = window.__marsadRuns || [];
  const ran = runs.some(([t, s]) => t >= t0 && s === 'notRunning');
  if (!ran || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!charts.every(c => c.querySelector('.main-svg'))) return false;
  const titles = [...document.querySelectorAll('.gtitle')].map(e => e.textContent);
  if (new Set(titles).size !== titles.length) return false;
  if (![...document.querySelectorAll('[data-testid="stDataFrame"]')].every(d => d.querySelector('canvas'))) return false;
  window.__marsadDone = performance.now();
  const start = runs.find(([t, s]) => t >= t0 && s === 'running');
  const end = runs.find(([t, s]) => t >= t0 && s === 'notRunning');
  window.__marsadScript = start && end ? end[0] - start[0] : NaN;
  return true;
}"""
LOADED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""


STATE_JS = """() => ({
  script: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  skeleton: !!document.querySelector('[data-testid="stSkeleton"]'),
  charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => !!c.querySelector('.main-svg')),
  text: document.querySelector('[data-testid="stMainBlockContainer"]')?.innerText.slice(0, 200),
})"""
ARTIFACTS = ROOT / "bench" / "artifacts"


def explain_timeout(page, what: str) -> None:
    """On a step that never finished: what the page showed (printed, and a screenshot under bench/artifacts/)."""
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() else "-" for c in what)[:60]
        page.screenshot(path=str(ARTIFACTS / f"timeout-{name}.png"))
        print(f"{what}: timed out; page state {page.evaluate(STATE_JS)}", file=sys.stderr)
    except Exception as exc:  # the page itself may be gone
        print(f"{what}: timed out; page state unavailable ({exc})", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, launcher: str = "run") -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "MARSAD_DB": str(db)}
    if launcher == "serve":  # marsad serve (make run): imports and the default view warmed while it starts
        cmd = [str(Path(sys.executable).with_name("marsad")), "serve", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
               str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if time.perf_counter() - started > TIMEOUT_MS / 1000:
            proc.kill()
            raise SystemExit(f"the dashboard did not answer on port {port}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, started
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("streamlit exited before it was healthy") from None
            time.sleep(0.05)


SCRIPT_TIMES: dict[str, list[float]] = {}


def timed(page, action, name: str = "") -> float:
    """Seconds from ``action()`` to the end of the rerun it causes with everything drawn (the script's own run,
    as the browser saw it start and end, is kept in SCRIPT_TIMES)."""
    page.evaluate(WATCH_JS)
    t0 = page.evaluate("performance.now()")
    action()
    page.wait_for_function(DONE_JS, arg=t0, timeout=TIMEOUT_MS)
    SCRIPT_TIMES.setdefault(name, []).append(page.evaluate("window.__marsadScript") / 1000)
    return (page.evaluate("window.__marsadDone") - t0) / 1000


def goto(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS)
    return time.perf_counter() - started


def interactions(page, base: str) -> list[tuple[str, callable]]:
    """(name, action) pairs, run in order on one page; each leaves the app where the next expects it."""
    def click_text(text: str):
        return lambda: page.get_by_text(text, exact=True).first.click()

    def nav(label: str):
        return lambda: page.locator("[data-testid='stSidebarNav'] a, [data-testid='stPageLink'] a").filter(
            has_text=label).first.click()

    def search(text: str):
        def run():
            box = page.get_by_label("Boolean search", exact=True).and_(page.locator("input"))
            box.fill(text)
            box.press("Enter")
        return run

    def pick_language():
        def run():
            page.get_by_label("Languages").first.click()
            page.get_by_role("option").first.click()
            page.keyboard.press("Escape")
        return run

    return [
        ("overview: split by source", click_text("Source")),
        ("overview: interval week", click_text("Week")),
        ("nav: Trends", nav("Trends")),
        ("nav: Entities", nav("Entities")),
        ("entities: type People", lambda: (page.get_by_label("Type").first.click(),
                                           page.get_by_role("option", name="People").click())),
        ("nav: Topics", nav("Topics")),
        ("nav: Map", nav("Map")),
        ("nav: Sources", nav("Sources")),
        ("sidebar: language filter", pick_language()),
        ("nav: Search", nav("Search & articles")),
        ("search: Arabic query", search("الحدود")),
        ("search: English query", search("oil prices")),
        ("nav: Overview (filtered)", nav("Overview")),
    ]


SERVER_PAGES = ("overview", "trends", "entities", "topics", "map", "search", "sources")


def server_side(db: Path) -> dict[str, dict[str, float]]:
    """The script run alone (no browser, no network): Streamlit's AppTest in a child process, each page cold
    (analytics computed) and warm (cached). Shows how much of an interaction is the server's work."""
    code = (
        "import json, os, sys, time\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=300)\n"
        "out = {}\n"
        "t = time.perf_counter(); at.run(); out['overview (first run, imports included)'] = time.perf_counter() - t\n"
        f"for slug in {SERVER_PAGES!r}:\n"
        "    at.switch_page(f'src/marsad/ui/pages/{slug}.py')\n"
        "    t = time.perf_counter(); at.run(); cold = time.perf_counter() - t\n"
        "    t = time.perf_counter(); at.run(); warm = time.perf_counter() - t\n"
        "    out[slug] = (cold, warm)\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "MARSAD_DB": str(db)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    first = raw.pop("overview (first run, imports included)")
    result = {"overview (first run, imports included)": {"cold_s": round(first, 3), "warm_s": float("nan")}}
    # the overview was already computed by the first run: its "cold" is a cache hit
    result |= {slug: {"cold_s": round(c, 3), "warm_s": round(w, 3)} for slug, (c, w) in raw.items()}
    return result


def top_entity(db: Path) -> str:
    """The most-mentioned place of the store (its page is the one opened from a shared link)."""
    from marsad import analytics
    from marsad.store import Store

    top = analytics.top_entities(Store(db), analytics.Query(), type="LOC", n=1)
    return str(top["key"].iloc[0]) if len(top) else "loc:none"


def measure_first_page(db: Path, launcher: str, browser, repeats: int) -> dict[str, dict[str, float]]:
    """Seconds from launching the server to the first page fully drawn, ``repeats`` times each way: with a fresh
    browser profile (nothing cached: someone's first visit), and after restarting the server on the same port
    with the same profile (Streamlit's and Plotly's JavaScript in the browser's cache, as for anyone who has
    opened Marsad before). Also the seconds until the server answered its health check."""
    out: dict[str, list[float]] = {"healthy_s": [], "cold_cache_s": [], "warm_cache_s": []}
    for _ in range(repeats):
        port = free_port()
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        for key in ("cold_cache_s", "warm_cache_s"):
            page = context.new_page()
            proc, started = start_server(db, port, launcher)
            if key == "cold_cache_s":
                out["healthy_s"].append(time.perf_counter() - started)
            try:
                page.goto(f"http://127.0.0.1:{port}")
                page.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS)
                out[key].append(time.perf_counter() - started)
            except Exception:
                explain_timeout(page, f"first page {launcher} {key}")
                out[key].append(float("nan"))
            finally:
                page.close()
                proc.terminate()
                proc.wait(timeout=20)
        context.close()
    def spread(v: list[float]) -> dict[str, float]:
        done = [x for x in v if x == x] or [float("nan")]  # a start that timed out is reported, not averaged in
        return {"median": round(statistics.median(done), 2), "min": round(min(done), 2), "max": round(max(done), 2),
                "timed_out": len(v) - len([x for x in v if x == x])}

    return {k: spread(v) for k, v in out.items()}


def run_store(label: str, db: Path, repeats: int, browser, first_page_repeats: int) -> dict:
    port = free_port()
    proc, started = start_server(db, port, "serve")
    base = f"http://127.0.0.1:{port}"
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(base)
        page.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS)
        first_page = time.perf_counter() - started
        results: dict[str, list[float]] = {}
        for round_no in range(repeats):
            if round_no:
                goto(page, base)  # same session state is gone; caches stay: later rounds are warm
            for name, action in interactions(page, base):
                try:
                    results.setdefault(name, []).append(timed(page, action, f"{label}:{name}"))
                except Exception as exc:  # one broken step (a label missing in this store) must not lose the rest
                    print(f"{label}: {name} failed: {exc}".splitlines()[0], file=sys.stderr)
                    explain_timeout(page, f"{label} {name}")
                    results.setdefault(name, []).append(float("nan"))
                    goto(page, base)
        entity_url = f"{base}/entities?" + urllib.parse.urlencode({"entity": top_entity(db)})
        # Not an interaction within the app but a page load: a new tab, where Streamlit's frontend starts again.
        loads = {"shared link to an entity page, new tab": [goto(page, entity_url) for _ in range(repeats)]}
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {
        "label": label,
        "db": str(db),
        "first_page_s": round(first_page, 2),
        "first_page_repeats": first_page_repeats,
        "load_average": os.getloadavg(),
        "launchers": {name: measure_first_page(db, name, browser, first_page_repeats) for name in ("serve", "run")},
        "server_side": server_side(db),
        "page_loads": {name: {"cold_s": round(v[0], 3), "warm_s": round(statistics.median(v[1:]) if len(v) > 1 else v[0], 3)}
                       for name, v in loads.items()},
        "interactions": {
            name: {"cold_s": round(v[0], 3), "warm_s": round(statistics.median(v[1:]) if len(v) > 1 else v[0], 3),
                   "script_s": round(statistics.median(SCRIPT_TIMES.get(f"{label}:{name}", [float("nan")])), 3)}
            for name, v in results.items()
        },
    }


LAUNCHER_NAMES = {"serve": "make run (marsad serve)", "run": "streamlit run app.py"}


def _spread(v: dict[str, float]) -> str:
    return f"{v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})"


def markdown(runs: list[dict]) -> str:
    lines = [
        "Headless Chromium drives the dashboard started as `make run` starts it. Each figure runs from the user's "
        "action to the end of the script run with every chart and table drawn; *cold* is the first time (analytics "
        "computed), *warm* the median of later repeats (st.cache_data hit).",
        "",
        f"Targets: first page ≤ {FIRST_PAGE_TARGET_S:.0f} s after server start at the demo size; every interaction "
        f"≤ {INTERACTION_TARGET_S:.0f} s at 200,000 articles.",
        "",
    ]
    for run in runs:
        lines += [f"## {run['label']} (`{Path(run['db']).name}`)", "",
                  "Machine load average (1/5/15 min) when measured: " + " / ".join(f"{x:.1f}" for x in run["load_average"])
                  + " on 2 cores.", "",
                  "First page after server start, median (min–max) of "
                  f"{run['first_page_repeats']} starts each; the browser asks for the page as soon as the server "
                  "answers its health check:", "",
                  "| launcher | server healthy (s) | first page drawn, first visit (s) | first page drawn, browser cache warm (s) |",
                  "|---|---:|---:|---:|",
                  *[f"| `{LAUNCHER_NAMES[n]}` | {_spread(v['healthy_s'])} | {_spread(v['cold_cache_s'])} | "
                    f"{_spread(v['warm_cache_s'])} |" for n, v in run["launchers"].items()],
                  "",
                  "| interaction | cold (s) | warm (s) | of which script run, median (s) |", "|---|---:|---:|---:|"]
        for name, v in run["interactions"].items():
            lines.append(f"| {name} | {v['cold_s']:.2f} | {v['warm_s']:.2f} | {v['script_s']:.2f} |".replace("nan", "—"))
        lines += ["", "Page loads in a running server (a new tab: the frontend starts again; cold = server cache empty):", "",
                  "| page load | cold (s) | warm (s) |", "|---|---:|---:|",
                  *[f"| {name} | {v['cold_s']:.2f} | {v['warm_s']:.2f} |" for name, v in run["page_loads"].items()]]
        lines += ["", "Server side only (AppTest, no browser): one page script run, cold then warm.", "",
                  "| page | cold (s) | warm (s) |", "|---|---:|---:|"]
        for name, v in run["server_side"].items():
            lines.append(f"| {name} | {v['cold_s']:.2f} | {v['warm_s']:.2f} |".replace("nan", "—"))
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", action="append", required=True, help="LABEL=PATH of a store to measure (repeatable)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--first-page-repeats", type=int, default=5, help="server starts per launcher and browser cache")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/ui_latency.md")
    args = p.parse_args()
    doc = ReportPage("ui_latency", "Dashboard latency (real browser)")
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for spec in args.db:
            label, _, path = spec.partition("=")
            runs.append(run_store(label, Path(path), args.repeats, browser, args.first_page_repeats))
            print(json.dumps(runs[-1], ensure_ascii=False) if args.json else markdown(runs[-1:]), flush=True)
        browser.close()
    doc.write(markdown(runs), out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
