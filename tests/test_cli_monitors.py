import json

import pytest

from marsad.cli import main
from marsad.store.monitors import seen_articles


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_remove(seeded_store_copy, capsys):
    db = str(seeded_store_copy.path)
    code, out, _ = _run(capsys, "monitors", "add", "Iraq border", "--db", db, "--query", "الحدود", "--entity",
                        "loc:العراق", "--lang", "ar", "--webhook", "http://127.0.0.1:9/hook", "--email", "a@example.org")
    assert code == 0 and "Iraq border" in out
    code, out, _ = _run(capsys, "monitors", "add", "oil", "--db", db, "--query", "oil", "--source", "reuters")
    assert code == 0
    code, out, _ = _run(capsys, "monitors", "list", "--db", db, "--json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Iraq border", "oil"]
    assert rows[0]["webhook"] == "http://127.0.0.1:9/hook" and rows[0]["email"] == "a@example.org"
    assert "ent=loc%3A%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82" in rows[0]["query"] and "lang=ar" in rows[0]["query"]
    assert rows[1]["query"] == "q=oil&src=reuters" and rows[1]["webhook"] is None
    code, out, _ = _run(capsys, "monitors", "list", "--db", db)
    assert out.splitlines()[1] == "oil\tq=oil&src=reuters"
    code, out, _ = _run(capsys, "monitors", "remove", "oil", "--db", db)
    assert code == 0
    code, out, _ = _run(capsys, "monitors", "list", "--db", db, "--json")
    assert [r["name"] for r in json.loads(out)] == ["Iraq border"]


def test_add_sets_the_baseline(seeded_store_copy, capsys):
    from marsad.analytics import Query, matching_ids
    from marsad.monitor import load_monitor

    code, _, _ = _run(capsys, "monitors", "add", "oil", "--db", str(seeded_store_copy.path), "--query", "oil")
    assert code == 0
    monitor = load_monitor(seeded_store_copy, "oil")
    expected = matching_ids(seeded_store_copy, Query(text="oil"))
    assert expected and seen_articles(seeded_store_copy, monitor.id) == set(expected)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "x", "--query", '"unclosed'], "quotation mark"),
        (["add", "x"], "needs something to watch"),
        (["add", " ", "--query", "oil"], "needs a name"),
        (["add", "x", "--query", "oil", "--webhook", "ftp://example.org/"], "not an http(s) URL"),
        (["add", "x", "--query", "oil", "--email", "not-an-address"], "not an e-mail address"),
        (["add", "x", "--query", "oil", "--topic", "two"], "not a topic id"),
        (["add", "x" * 81, "--query", "oil"], "at most 80 characters"),
        (["remove", "nobody"], "no monitor named “nobody”"),
    ],
)
def test_bad_input_is_one_line(seeded_store_copy, capsys, argv, message):
    code, out, err = _run(capsys, "monitors", *argv, "--db", str(seeded_store_copy.path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and not out


def test_a_taken_name_is_refused(seeded_store_copy, capsys):
    db = str(seeded_store_copy.path)
    assert _run(capsys, "monitors", "add", "oil", "--db", db, "--query", "oil")[0] == 0
    code, _, err = _run(capsys, "monitors", "add", "oil", "--db", db, "--query", "gas")
    assert code == 2 and "exists already" in err


def test_run_prints_new_alerts_once_and_feed(tmp_path, capsys):
    import xml.etree.ElementTree as ET
    from datetime import timedelta

    from monitor_store import DAY0, DAYS, add_day, build

    store = build(tmp_path / "m.duckdb")
    db = str(store.path)
    assert _run(capsys, "monitors", "add", "opec", "--db", db, "--entity", "org:opec")[0] == 0
    code, out, _ = _run(capsys, "monitors", "run", "--db", db, "--json")
    assert code == 0 and json.loads(out) == []
    add_day(store, DAY0 + timedelta(days=DAYS), 2, ["org:opec"])
    code, out, _ = _run(capsys, "monitors", "run", "--db", db, "--json")
    alerts = json.loads(out)
    assert [(a["monitor"], a["rule"]) for a in alerts] == [("opec", "articles")]
    assert {"monitor", "rule", "fired_at", "articles"} <= set(alerts[0])
    assert [set(a) >= {"url", "title", "published_at", "source"} for a in alerts[0]["articles"]] == [True, True]
    assert json.loads(_run(capsys, "monitors", "run", "--db", db, "--json")[1]) == []
    code, out, _ = _run(capsys, "monitors", "run", "--db", db)
    assert out == "no new alerts\n"
    code, out, _ = _run(capsys, "monitors", "feed", "opec", "--db", db)
    assert code == 0 and len(ET.fromstring(out).findall("{http://www.w3.org/2005/Atom}entry")) == 1
    target = tmp_path / "opec.atom"
    assert _run(capsys, "monitors", "feed", "opec", "--db", db, "--out", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == out
    code, _, err = _run(capsys, "monitors", "feed", "nobody", "--db", db)
    assert code == 2 and "no monitor named “nobody”" in err


def test_ingest_runs_the_monitors(seeded_store_copy, tmp_path, capsys):
    db = str(seeded_store_copy.path)
    assert _run(capsys, "monitors", "add", "harbour", "--db", db, "--query", "harbour")[0] == 0
    page = tmp_path / "page.txt"
    page.write_text("The harbour reopened.\n\nThe harbour of the city reopened today after a week of storms, "
                    "the port authority said, and the first ships came in at noon. " * 3, encoding="utf-8")
    code, _, err = _run(capsys, "ingest", str(page), "--db", db, "--no-enrich")
    assert code == 0 and "monitors: 1 new alert (harbour: 1 new article)" in err
    assert json.loads(_run(capsys, "monitors", "run", "--db", db, "--json")[1]) == []


@pytest.mark.parametrize(("argv", "query", "webhook", "email"), [
    (["--webhook", "https://hooks.example/new"], "q=oil&src=reuters", "https://hooks.example/new", "a@example.org"),
    (["--email", ""], "q=oil&src=reuters", "https://hooks.example/x", None),  # "" removes it
    (["--query", "crude", "--lang", "en"], "q=crude&lang=en", "https://hooks.example/x", "a@example.org"),
    (["--entity", "org:opec", "--email", "b@example.org"], "ent=org%3Aopec", "https://hooks.example/x", "b@example.org"),
])
def test_edit_replaces_what_is_given(seeded_store_copy, capsys, argv, query, webhook, email):
    from marsad.monitor import load_monitor

    db = str(seeded_store_copy.path)
    assert _run(capsys, "monitors", "add", "oil", "--db", db, "--query", "oil", "--source", "reuters",
                "--webhook", "https://hooks.example/x", "--email", "a@example.org")[0] == 0
    code, out, _ = _run(capsys, "monitors", "edit", "oil", "--db", db, *argv)
    assert code == 0 and out.startswith("monitor “oil” changed: ")
    monitor = load_monitor(seeded_store_copy, "oil")
    assert (monitor.query.to_url(), monitor.webhook, monitor.email) == (query, webhook, email)
    assert json.loads(_run(capsys, "monitors", "run", "--db", db, "--json", "--no-deliver")[1]) == []  # no flood


@pytest.mark.parametrize(("argv", "message"), [
    (["nobody", "--query", "oil"], "no monitor named “nobody”"),
    (["oil", "--webhook", "ftp://example.org/"], "not an http(s) URL"),
    (["oil", "--query", '"unclosed'], "quotation mark"),
])
def test_a_bad_edit_is_one_line(seeded_store_copy, capsys, argv, message):
    db = str(seeded_store_copy.path)
    assert _run(capsys, "monitors", "add", "oil", "--db", db, "--query", "oil")[0] == 0
    code, out, err = _run(capsys, "monitors", "edit", *argv, "--db", db)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and not out
