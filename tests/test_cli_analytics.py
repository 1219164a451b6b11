import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.cli import main


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
