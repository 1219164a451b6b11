import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from marsad.analytics import Query, spikes
from marsad.cli import build_parser, main
from marsad.cli.analytics import query_from_args
from marsad.errors import MarsadError


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(seeded_store, capsys):
    code, out, _ = _run(capsys, "search", "--db", str(seeded_store.path), "الحدود", "--json", "--per-page", "3")
    assert code == 0
    data = json.loads(out)
    assert data["total"] >= len(data["results"]) == 3
    first = data["results"][0]
    assert {"id", "title", "snippet", "hits", "score", "source", "published_at"} <= set(first)
    start, end = first["hits"][0]
    assert "حدود" in first["snippet"][start:end]


def test_search_with_filters_and_bad_syntax(seeded_store, capsys):
    code, out, _ = _run(capsys, "search", "--db", str(seeded_store.path), "oil", "--lang", "ar", "--json")
    assert code == 0 and json.loads(out)["total"] == 0
    code, _, err = _run(capsys, "search", "--db", str(seeded_store.path), '"unclosed')
    assert code == 2 and "quotation mark" in err


def test_spikes_json(seeded_store, capsys):
    code, out, _ = _run(capsys, "spikes", "--db", str(seeded_store.path), "--since", "2018-03-01", "--json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list)
    for r in rows:
        assert {"kind", "key", "label", "day", "count", "baseline", "z", "articles"} <= set(r)
        assert r["day"] >= "2018-03-01" and r["z"] >= 3.5


def test_spikes_rejects_bad_dates(seeded_store, capsys):
    with pytest.raises(SystemExit):
        main(["spikes", "--db", str(seeded_store.path), "--since", "yesterday"])


def test_topics_fit_then_reindex(seeded_store_copy, capsys):
    db = str(seeded_store_copy.path)
    code, out, _ = _run(capsys, "topics", "fit", "--db", db, "--k", "3", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["languages"]["ar"]["topics"] == 3
    code, out, _ = _run(capsys, "topics", "assign", "--db", db)
    assert code == 0 and out.startswith("0 articles")
    with seeded_store_copy.read() as con:
        [(stored,)] = con.execute("SELECT count(*) FROM articles").fetchall()
    code, out, _ = _run(capsys, "reindex", "--db", db)
    assert code == 0 and out.split()[0] == str(stored)  # every stored article, duplicates included


def test_entry_point_help():
    marsad = str(__import__("pathlib").Path(sys.executable).with_name("marsad"))
    out = subprocess.run([marsad, "search", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "title:" in out.stdout


@pytest.mark.parametrize("command", [["search", "oil"], ["spikes"]])
def test_read_only_commands_do_not_create_a_missing_store(tmp_path, capsys, command):
    code, out, err = _run(capsys, command[0], "--db", str(tmp_path / "typo.duckdb"), *command[1:])
    assert code == 2 and out == ""
    assert "typo.duckdb: no store there" in err
    assert list(tmp_path.iterdir()) == []


def test_search_into_a_closed_pipe_exits_quietly(seeded_store):
    # `marsad search … | head`: the reader is gone before the first line is printed.
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("marsad")), "search", "--db", str(seeded_store.path), "العراق OR oil"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert err == ""


# -- one Query from the arguments of every command ------------------------------------------------------------
# Each command as far as its own positional arguments; the filters follow. Search's text is positional.
COMMANDS = {
    "search": ["search", "oil"],
    "spikes": ["spikes"],
    "query": ["query", "top_entities"],
    "report": ["report", "--out", "b.html"],
    "stories": ["stories"],
    "monitors add": ["monitors", "add", "m"],
    "monitors edit": ["monitors", "edit", "m"],
}
FILTERS = ["--lang", "ar", "--lang", "en", "--source", "reuters", "--entity", "org:opec", "--entity", "loc:iraq",
           "--topic", "3", "--include-duplicates"]
DATES = ["--since", "2018-01-01", "--until", "2018-02-28"]
WANTED = Query(languages=("ar", "en"), sources=("reuters",), entities=("org:opec", "loc:iraq"), topics=(3,),
               include_duplicates=True)


def _parsed(*argv: str):
    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reads_the_filters_alike(command):
    dated = not command.startswith("monitors")  # a monitor has no date range
    args = _parsed(*COMMANDS[command], *FILTERS, *(DATES if dated else []),
                   *(["--query", "الحدود"] if command != "search" else []))
    wanted = WANTED.replace(text="oil" if command == "search" else "الحدود")
    if dated:
        wanted = wanted.replace(start=date(2018, 1, 1), end=date(2018, 2, 28))
    text = " ".join(args.query) if command == "search" else None
    assert query_from_args(args, text=text) == wanted


@pytest.mark.parametrize("command", ["search", "spikes", "query", "report", "stories"])
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["--from", "2018-01-01", "--to", "2018-02-28"], DATES),
        (["--dups"], ["--include-duplicates"]),
    ],
)
def test_documented_spellings_stay_aliases(command, old, new):
    assert query_from_args(_parsed(*COMMANDS[command], *old), text="") == \
        query_from_args(_parsed(*COMMANDS[command], *new), text="")


def test_text_is_an_alias_of_query():
    assert query_from_args(_parsed("query", "top_entities", "--text", "سوريا")).text == "سوريا"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_one_spelling(command, capsys):
    with pytest.raises(SystemExit):
        _parsed(*COMMANDS[command][:2 if command.startswith("monitors") else 1], "--help")
    shown = capsys.readouterr().out
    assert "--lang" in shown and "--include-duplicates" in shown
    for alias in ("--from", "--to ", "--text", "--dups"):
        assert alias not in shown
    assert ("--since" in shown) is (not command.startswith("monitors"))


@pytest.mark.parametrize("action", ["add", "edit"])
def test_a_monitor_takes_no_dates(action):
    with pytest.raises(SystemExit):
        _parsed("monitors", action, "m", "--entity", "org:opec", "--since", "2018-01-01")


@pytest.mark.parametrize("command", ["report", "stories"])
def test_a_command_that_needs_a_first_day_says_so(seeded_store, capsys, command, tmp_path):
    code, out, err = _run(capsys, *COMMANDS[command], "--db", str(seeded_store.path), "--lang", "ar")
    assert code == 2 and out == ""
    assert f"{command}: --since DATE is required" in err
    assert not (tmp_path / "b.html").exists()


def test_a_bad_day_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        _parsed("spikes", "--until", "2018-13-01")
    assert "“2018-13-01” is not a date like 2020-09-25" in capsys.readouterr().err


def test_a_bad_topic_is_one_line_from_the_query(capsys):
    # Topic ids are checked where every Query is (the dashboard's URL too), with the same message.
    with pytest.raises(MarsadError, match="not a topic id"):
        query_from_args(_parsed("spikes", "--topic", "three"))


def test_spikes_since_opens_the_window_as_before(seeded_store, capsys):
    # --since is the first day searched for bursts; the baseline before it is still read.
    code, out, _ = _run(capsys, "spikes", "--db", str(seeded_store.path), "--since", "2018-03-01", "--json")
    code_alias, out_alias, _ = _run(capsys, "spikes", "--db", str(seeded_store.path), "--from", "2018-03-01", "--json")
    assert code == code_alias == 0 and out == out_alias
    expected = []
    for kind in ("entity", "topic", "keyword"):
        expected += spikes(seeded_store, Query(), kind=kind, since=date(2018, 3, 1)).to_dict("records")
    assert {(r["kind"], r["key"], r["day"]) for r in json.loads(out)} == \
        {(r["kind"], r["key"], r["day"].isoformat()) for r in expected}
