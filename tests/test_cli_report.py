import subprocess
import sys

import lxml.html
import pytest

from marsad import analytics
from marsad.analytics import Query
from marsad.cli import main
from marsad.report import pdf as pdf_module


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_html_briefing_of_filters(seeded_store, tmp_path, capsys):
    out = tmp_path / "iraq.html"
    code, stdout, _ = _run(capsys, "report", "--db", str(seeded_store.path), "--since", "2018-01-01",
                           "--until", "2018-12-31", "--entity", "loc:العراق", "--lang", "ar", "--out", str(out))
    assert code == 0 and str(out) in stdout
    doc = lxml.html.document_fromstring(out.read_text(encoding="utf-8"))
    assert doc.get("dir") == "rtl"
    assert "العراق" in doc.xpath("string(//h1)") and "loc:" not in doc.xpath("string(//header)")
    assert "2018-01-01 – 2018-12-31" in doc.xpath("string(//header)")
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "b.docx", "--since", "2018-01-01"], "written as .html or .pdf"),
        (["--out", "b.html", "--since", "2018-01-01", "--query", '"unclosed'], "quotation mark"),
        (["--out", "b.html", "--since", "2018-02-01", "--until", "2018-01-01"], "reversed"),
    ],
)
def test_refusals_are_one_line(seeded_store, tmp_path, capsys, argv, message):
    argv = [a if not a.startswith("b.") else str(tmp_path / a) for a in argv]
    code, _, err = _run(capsys, "report", "--db", str(seeded_store.path), *argv)
    assert code == 2 and message in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_pdf_without_pango_is_one_clear_line(seeded_store, tmp_path, capsys, monkeypatch):
    pdf_module._weasyprint.cache_clear()
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    code, _, err = _run(capsys, "report", "--db", str(seeded_store.path), "--since", "2018-01-01",
                        "--out", str(tmp_path / "b.pdf"))
    monkeypatch.undo()
    pdf_module._weasyprint.cache_clear()
    assert code == 2 and err.count("\n") == 1 and "Pango" in err and ".html" in err
    assert not (tmp_path / "b.pdf").exists()


MONITOR = "حدود العراق"


@pytest.fixture
def monitored(seeded_store_copy):
    from marsad.monitor import create_monitor

    create_monitor(seeded_store_copy, MONITOR, Query(text="الحدود OR العراق", languages=["ar"]))
    return seeded_store_copy


def test_briefing_of_a_monitor(monitored, tmp_path, capsys):
    out = tmp_path / "m.html"
    code, _, err = _run(capsys, "report", "--db", str(monitored.path), "--monitor", MONITOR, "--since", "2018-01-01",
                        "--out", str(out))
    assert code == 0, err
    doc = lxml.html.document_fromstring(out.read_text(encoding="utf-8"))
    assert doc.xpath("string(//h1/span)") == MONITOR
    assert "الحدود OR العراق" in doc.xpath("string(//header)")
    figures = analytics.overview_figures(monitored, Query(text="الحدود OR العراق", languages=["ar"], start="2018-01-01"))
    assert figures["articles"] > 0
    shown = doc.xpath("string(//section[@id='figures']//td[1]/span[contains(@class, 'n')])")
    assert shown == f"{figures['articles']:,}"


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--monitor", "nobody"], "no monitor named “nobody”"),
     (["--monitor", MONITOR, "--query", "oil", "--lang", "en"], "leave out --query, --lang")],
)
def test_monitor_refusals(monitored, tmp_path, capsys, extra, message):
    code, _, err = _run(capsys, "report", "--db", str(monitored.path), "--since", "2018-01-01",
                        "--out", str(tmp_path / "m.html"), *extra)
    assert code == 2 and message in err and err.count("\n") == 1


# A machine without Pango, as WeasyPrint meets it: every dlopen of a Pango library fails (and WeasyPrint prints
# its troubleshooting banner before raising).
NO_PANGO = """
import sys, cffi
real = cffi.FFI.dlopen
def dlopen(self, name, *args):
    if "pango" in str(name):
        raise OSError(f"cannot load library '{name}': no such file")
    return real(self, name, *args)
cffi.FFI.dlopen = dlopen
from marsad.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_pdf_without_the_pango_library(seeded_store, tmp_path):
    out = tmp_path / "b.pdf"
    done = subprocess.run([sys.executable, "-c", NO_PANGO, "report", "--db", str(seeded_store.path), "--since",
                           "2018-01-01", "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("marsad: PDF briefings need WeasyPrint and the Pango library")
    assert done.stderr.count("\n") == 1 and not out.exists()
