"""The first `make run` on a fresh clone: how long until the dashboard answers (target: 90 s), and what follows.

    .venv/bin/python bench/first_run.py [--repo PATH] [--port N] [--no-browser] [--keep] [--json] [--out FILE]

What is measured, on a `git clone` of the repository's HEAD (committed work only; --repo picks another checkout)
into a temporary folder, with this venv's installed packages (its Python and `marsad` script, PYTHONPATH=CLONE/src
so the clone's own code runs — compiled afresh, as a fresh clone has no __pycache__), run from the clone as
`make run` runs them, MARSAD_* variables removed:

1. `marsad demo --background`: it starts the background process that loads the demo and returns; its CPU (it and
   the processes it waited for);
2. `marsad serve --port N`, started when (1) returns: the moments `/_stcore/health` says "ok", `GET /` is 200, the
   first page run is over in headless Chromium (Debian's, through Playwright), and the Overview is drawn with every
   article stored (its script run over, key figures and every chart drawn, the notice past "stored so far"; the
   page runs again by itself when a stage of the load ends). "Answering" is that last moment (GET / with
   --no-browser);
3. the background process (ingest, topics, enrichment in 2 worker processes, stories): each stage from its log,
   its CPU (this script adopts it as child subreaper, so its rusage with its workers' is exact), and the moment the
   page, left open, loses its notice (it re-reads the counts every few seconds);
4. a second `make run`'s `marsad demo --background` on the finished store (what a re-run costs).

Not timed: `make setup` (venv and package install: the target counts from after it) and the clone itself.
Clock: seconds since (1) started. CPU: user + system seconds; the server's is read from /proc at the moment the
page answered, Chromium's is not counted. The machine's 2 cores are shared, so wall-clock figures depend on the
load average printed with them. Writes docs/benchmarks/first_run.md (or --out).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from report_page import ROOT, ReportPage, load_average

TARGET_S = 90.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_TIMEOUT_S = 300
BACKGROUND_TIMEOUT_S = 1800
# Overview drawn: the script run is over, no skeleton left, every chart has its SVG, some text in the main block.
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stMetric"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""
# The notice's text (without its icon's name, which innerText includes), "" when there is none.
NOTICE_JS = """() => [...document.querySelectorAll('[data-testid="stAlert"] [data-testid="stMarkdownContainer"]')]
  .map(a => a.innerText).find(t => t.includes('demo corpus')) || ''"""
# A page run is over (whatever it shows: while the articles are being stored, the notice alone).
RAN_JS = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
  && !!document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"]')"""
# The Overview drawn on the whole corpus: drawn, and the notice no longer counting articles stored so far.
ANSWERED_JS = f"() => ({DRAWN_JS})() && !({NOTICE_JS})().includes('stored so far')"
# A stage line that `marsad demo` prints: "enrich: 3,296 articles enriched: … (41.0 s, 80.2 CPU-s)".
STAGE_LINE = re.compile(r"^(?P<stage>ingest|topics|enrich|stories): (?P<summary>.*) \((?P<wall>[\d.]+) s, "
                        r"(?P<cpu>[\d.]+) CPU-s\)$", re.M)
PR_SET_CHILD_SUBREAPER = 36


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_cpu(pid: int) -> float:
    """User + system seconds of a running process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clone(repo: Path, into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(repo), str(into)], check=True)
    return into


def run_env(checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
    env["PYTHONPATH"] = str(checkout / "src")
    return env


def marsad(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("marsad")), *args]


def stages(text: str) -> list[dict]:
    return [{"stage": m["stage"], "summary": m["summary"], "seconds": float(m["wall"]), "cpu_seconds": float(m["cpu"])}
            for m in STAGE_LINE.finditer(text)]


def run_demo(checkout: Path, t0: float) -> dict:
    """`marsad demo --background` as `make run` runs it; CPU is its own and its waited children's."""
    cpu = children_cpu()
    done = subprocess.run(marsad("demo", "--background"), cwd=checkout, env=run_env(checkout), capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"marsad demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    pid = re.search(r"process (\d+)", done.stdout)
    return {"at": time.perf_counter() - t0, "cpu_seconds": children_cpu() - cpu, "stages": stages(done.stdout),
            "background_pid": int(pid[1]) if pid else None, "output": done.stdout.strip()}


def wait_until(ready, what: str, timeout: float, alive=None) -> None:
    deadline = time.perf_counter() + timeout
    while not ready():
        if alive is not None and not alive():
            raise SystemExit(f"{what}: the process ended first")
        if time.perf_counter() > deadline:
            raise SystemExit(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.05)


def http_ok(url: str, body: str | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200 and (body is None or r.read().decode().strip() == body)
    except OSError:
        return False


def serve_and_look(checkout: Path, port: int, t0: float, background_pid: int | None, use_browser: bool) -> dict:
    """Start the dashboard, time its first answers, then keep the page open until the background load is over."""
    base = f"http://127.0.0.1:{port}"
    out: dict = {}
    started = time.perf_counter()
    server = subprocess.Popen(marsad("serve", "--port", str(port)), cwd=checkout, env=run_env(checkout),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        out["server_started_at"] = started - t0
        wait_until(lambda: http_ok(f"{base}/_stcore/health", "ok"), "health", SERVER_TIMEOUT_S, lambda: server.poll() is None)
        out["health_at"] = time.perf_counter() - t0
        wait_until(lambda: http_ok(f"{base}/"), "GET /", SERVER_TIMEOUT_S)
        out["get_at"] = time.perf_counter() - t0
        out["server_cpu_at_health"] = proc_cpu(server.pid)
        if not use_browser:
            out["answered_at"] = out["get_at"]
            out["background"] = wait_background(background_pid, t0)
            return out
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base, timeout=SERVER_TIMEOUT_S * 1000)
            page.wait_for_function(RAN_JS, timeout=SERVER_TIMEOUT_S * 1000, polling=100)
            out["first_page_at"] = time.perf_counter() - t0
            out["notice_at_first_page"] = page.evaluate(NOTICE_JS)
            page.wait_for_function(ANSWERED_JS, timeout=SERVER_TIMEOUT_S * 1000, polling=100)
            out["answered_at"] = out["overview_drawn_at"] = time.perf_counter() - t0
            out["server_cpu_at_answer"] = proc_cpu(server.pid)
            out["notice_at_answer"] = page.evaluate(NOTICE_JS)
            out["background"] = wait_background(background_pid, t0)
            if background_pid is not None:  # the page, left open, drops the notice by itself
                page.wait_for_function(f"() => !({NOTICE_JS})()", timeout=120_000, polling=200)
                page.wait_for_function(DRAWN_JS, timeout=120_000, polling=100)
                out["notice_gone_at"] = time.perf_counter() - t0
            out["server_cpu_at_end"] = proc_cpu(server.pid)
            browser.close()
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_background(pid: int | None, t0: float) -> dict:
    """Reap the background process (this script is its subreaper): when it ended and its CPU with its workers'."""
    if pid is None:
        return {}
    deadline = time.perf_counter() + BACKGROUND_TIMEOUT_S
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited:
            return {"finished_at": time.perf_counter() - t0, "exit_status": os.waitstatus_to_exitcode(status),
                    "cpu_seconds": usage.ru_utime + usage.ru_stime}
        if time.perf_counter() > deadline:
            raise SystemExit(f"the background demo process {pid} did not finish in {BACKGROUND_TIMEOUT_S} s")
        time.sleep(0.2)


def rerun(checkout: Path) -> dict:
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(marsad("demo", "--background"), cwd=checkout, env=run_env(checkout), capture_output=True,
                          text=True, check=True)
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": children_cpu() - cpu, "output": done.stdout.strip()}


def measure(repo: Path, *, port: int, use_browser: bool, keep: bool) -> dict:
    # The background process outlives `marsad demo`: as its subreaper this script can wait for it and read its CPU.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    tmp = Path(tempfile.mkdtemp(prefix="marsad-first-run-"))
    try:
        checkout = clone(repo, tmp / "marsad")
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True,
                                text=True, check=True).stdout.strip()
        load_before = load_average()
        t0 = time.perf_counter()
        demo = run_demo(checkout, t0)
        served = serve_and_look(checkout, port, t0, demo["background_pid"], use_browser)
        log = (checkout / "data" / "marsad.duckdb.demo.log")
        background_log = log.read_text(encoding="utf-8") if log.exists() else ""
        result = {"commit": commit, "load_before": load_before, "load_after": load_average(), "demo": demo,
                  "serve": served, "background_stages": stages(background_log), "rerun": rerun(checkout),
                  "browser": use_browser}
        if keep:
            result["kept"] = str(checkout)
        return result
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def markdown(r: dict) -> str:
    demo, served, bg = r["demo"], r["serve"], r["serve"].get("background", {})
    answered = served["answered_at"]
    how = "Overview drawn in Chromium" if r["browser"] else "GET / answered (no browser)"
    lines = [
        f"Fresh clone of commit `{r['commit']}`; load average {r['load_before']} before, {r['load_after']} after.",
        "",
        f"**The dashboard answered {answered:.1f} s after `marsad demo --background` started** ({how}; target "
        f"{TARGET_S:.0f} s: {'met' if answered <= TARGET_S else 'NOT met'}).",
        "",
        "| moment | s since start |",
        "|---|---|",
        f"| `marsad demo --background` returned | {demo['at']:.1f} |",
        f"| `marsad serve`: /_stcore/health ok | {served['health_at']:.1f} |",
        f"| `marsad serve`: GET / 200 | {served['get_at']:.1f} |",
    ]
    if "first_page_at" in served:
        lines.append(f"| first page run over in Chromium | {served['first_page_at']:.1f} |")
    if "overview_drawn_at" in served:
        lines.append(f"| Overview drawn on every article (charts, key figures) | {served['overview_drawn_at']:.1f} |")
    if bg:
        lines.append(f"| background load finished (exit status {bg['exit_status']}) | {bg['finished_at']:.1f} |")
    if "notice_gone_at" in served:
        lines.append(f"| the open page lost its notice and was drawn again | {served['notice_gone_at']:.1f} |")
    lines += ["", "| stage | where | wall s | CPU s | what it did |", "|---|---|---|---|---|"]
    for s in demo["stages"]:
        lines.append(f"| {s['stage']} | before the dashboard | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['summary']} |")
    for s in r["background_stages"]:
        where = "background (nice 10)" if s["stage"] in ("enrich", "stories") else "background, beside the server"
        lines.append(f"| {s['stage']} | {where} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['summary']} |")
    lines += [
        "",
        "| process | CPU s |",
        "|---|---|",
        f"| `marsad demo --background` (whole command: imports, starting the background process) | {demo['cpu_seconds']:.1f} |",
        f"| `marsad serve` until the page answered | {served.get('server_cpu_at_answer', served['server_cpu_at_health']):.1f} |",
    ]
    if bg:
        lines.append(f"| background `marsad demo` (every stage) with its 2 enrichment workers | {bg['cpu_seconds']:.1f} |")
    if "server_cpu_at_end" in served:
        lines.append(f"| `marsad serve` until the end (page runs while the counts moved) | {served['server_cpu_at_end']:.1f} |")
    if served.get("notice_at_first_page"):
        lines += ["", f"Notice on the first page: “{served['notice_at_first_page'].strip()}”"]
    if served.get("notice_at_answer"):
        lines += ["", f"Notice on the page when it answered: “{served['notice_at_answer'].strip()}”"]
    rr = r["rerun"]
    lines += ["", f"A second `make run` (`marsad demo --background` on the finished store): {rr['seconds']:.1f} s, "
                  f"{rr['cpu_seconds']:.1f} CPU-s — “{rr['output']}”"]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repo", type=Path, default=ROOT, help="the checkout to clone (default: this one)")
    p.add_argument("--port", type=int, default=0, help="dashboard port (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="time GET / instead of the Overview drawn in Chromium")
    p.add_argument("--keep", action="store_true", help="keep the clone and its store (path printed)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/first_run.md")
    args = p.parse_args()
    doc = ReportPage("first_run", "First `make run` on a fresh clone")
    result = measure(args.repo, port=args.port or free_port(), use_browser=not args.no_browser, keep=args.keep)
    body = markdown(result)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else body, flush=True)
    doc.write(body, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
