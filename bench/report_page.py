"""A benchmark's own page: ``docs/benchmarks/NAME.md``, overwritten by every run of ``bench/NAME.py``.

The page opens with when the run started and how long it took, the machine (cores, Python) and its load average at
the start and the end (the 2 cores are shared, so load decides how far wall-clock figures can be trusted), and the
command that produced it; the benchmark's own tables follow. Earlier runs live in git history, not in the page.
Hand-written pages (docs/*.md, README.md) explain the figures and link here; no script edits them.

    page = ReportPage("ingest", "Ingest benchmark")   # at the start of the run: the clock and the load start here
    ...
    page.write(markdown_body, out=args.out)            # header + body; prints the load and where it wrote
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_DIR = ROOT / "docs" / "benchmarks"


def load_average() -> str:
    """The 1/5/15-minute load averages, as pages and printed figures state them: "2.1 / 1.7 / 2.0"."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def command(argv: list[str] | None = None) -> str:
    """How this run was started, as one would type it from the repository root."""
    argv = list(sys.argv if argv is None else argv)
    script = Path(argv[0]).resolve()
    shown = str(script.relative_to(ROOT)) if script.is_relative_to(ROOT) else argv[0]
    return shlex.join([".venv/bin/python", shown, *argv[1:]])


@dataclass
class ReportPage:
    name: str  # bench/NAME.py writes docs/benchmarks/NAME.md
    title: str
    stem: str = ""  # the page's file name when one script writes several pages (scale-100000.md); default: name
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_at_start: str = field(default_factory=load_average)
    command: str = field(default_factory=command)
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def path(self) -> Path:
        return BENCHMARKS_DIR / f"{self.stem or self.name}.md"

    def header(self) -> str:
        took = time.perf_counter() - self._clock
        return "\n".join([
            f"# {self.title}",
            "",
            f"<!-- Written by bench/{self.name}.py, which overwrites this file on every run: edit the script, "
            "not this page. Explanations belong in the hand-written pages under docs/. -->",
            "",
            f"- **Measured**: {self.started:%Y-%m-%d %H:%M} UTC, for {_duration(took)}",
            f"- **Machine**: {os.cpu_count()} cores shared with other work, {platform.python_implementation()} "
            f"{platform.python_version()} on {platform.system()}; wall-clock figures are indicative",
            f"- **Load average** (1/5/15 min): {self.load_at_start} at the start, {load_average()} at the end",
            f"- **Command**: `{self.command}`",
            "",
        ])

    def write(self, body: str, *, out: Path | None = None) -> Path:
        """Header + ``body`` to ``out`` (default: this benchmark's page); says so, with the load, on stderr
        (stdout stays the benchmark's own figures, JSON when asked)."""
        path = out or self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.header() + "\n" + body.strip("\n") + "\n", encoding="utf-8")
        print_load(wrote=path)
        return path


def print_load(*, wrote: Path | None = None) -> None:
    """The load goes with the printed figures, also for runs that write no page (--no-doc, quick looks)."""
    line = f"load average (1/5/15 min) {load_average()} on {os.cpu_count()} cores"
    if wrote is not None:
        shown = wrote.resolve().relative_to(ROOT) if wrote.resolve().is_relative_to(ROOT) else wrote
        line += f"; wrote {shown}"
    print(line, file=sys.stderr)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"
