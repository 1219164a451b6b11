"""bench/report_page.py: a benchmark's page under docs/benchmarks/ says when, under what load and how it was made."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import report_page  # noqa: E402


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([str(ROOT / "bench" / "ingest.py"), "--limit", "300"], ".venv/bin/python bench/ingest.py --limit 300"),
        (["/elsewhere/x.py", "--db", "a b"], ".venv/bin/python /elsewhere/x.py --db 'a b'"),
    ],
)
def test_command_is_what_one_would_type_from_the_repository(argv: list[str], expected: str) -> None:
    assert report_page.command(argv) == expected


def test_a_page_has_its_header_then_the_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = report_page.ReportPage("ingest", "Ingest benchmark", command=".venv/bin/python bench/ingest.py")
    out = page.write("| a | b |\n|---|---|\n| 1 | 2 |\n", out=tmp_path / "ingest.md")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Ingest benchmark\n")
    assert "Written by bench/ingest.py" in text
    assert re.search(r"\*\*Measured\*\*: \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert re.search(r"\*\*Load average\*\* \(1/5/15 min\): [\d.]+ / [\d.]+ / [\d.]+ at the start", text)
    assert "**Command**: `.venv/bin/python bench/ingest.py`" in text
    assert text.endswith("| 1 | 2 |\n")
    assert f"wrote {out}" in capsys.readouterr().err  # the load and the file go to stderr, not into --json output


def test_each_run_replaces_the_page(tmp_path: Path) -> None:
    target = tmp_path / "enrich.md"
    report_page.ReportPage("enrich", "Enrichment").write("first run", out=target)
    report_page.ReportPage("enrich", "Enrichment").write("second run", out=target)
    text = target.read_text(encoding="utf-8")
    assert "second run" in text and "first run" not in text


@pytest.mark.parametrize(("stem", "file"), [("", "scale.md"), ("scale-100000", "scale-100000.md")])
def test_the_default_page_is_under_docs_benchmarks(stem: str, file: str) -> None:
    assert report_page.ReportPage("scale", "Scale", stem=stem).path == ROOT / "docs" / "benchmarks" / file
