"""``marsad stories`` and ``marsad stories rebuild``, invoked as a user would (tests/conftest.py: STORY_ARTICLES)."""

import json
import shutil

import pytest

from marsad.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stories_json_lists_stories_with_their_articles(stories_store, capsys):
    code, out, _ = _run(capsys, "stories", "--db", str(stories_store.path), "--since", "2018-10-01", "--json")
    assert code == 0
    stories = json.loads(out)
    assert [s["story_id"] for s in stories] == [1]  # the summit (June) is before --since
    death = stories[0]
    assert death["articles"] == 3 and death["outlets"] == 3 and death["languages"] == ["ar"]
    assert [a["id"] for a in death["items"]] == [1, 2, 3]
    assert death["first_seen"].startswith("2018-10-19") and set(death["titles"]) == {"ar"}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--since", "2018-06-01", "--until", "2018-06-30"], [8]),
        (["--since", "2018-01-01", "-n", "1"], [1]),
        (["--since", "2018-01-01", "--lang", "en", "--min-articles", "1"], [5]),
        (["--since", "2018-01-01", "--source", "skynewsarabia.com", "--min-articles", "1"], [1, 8]),
    ],
)
def test_filters(stories_store, capsys, argv, expected):
    code, out, _ = _run(capsys, "stories", "--db", str(stories_store.path), *argv, "--json")
    assert code == 0 and [s["story_id"] for s in json.loads(out)] == expected


def test_text_output_and_an_empty_period(stories_store, capsys):
    code, out, _ = _run(capsys, "stories", "--db", str(stories_store.path), "--since", "2018-10-01")
    assert code == 0 and out.startswith("[1] 3 articles, 3 outlets (ar)") and "    ar: " in out
    code, out, _ = _run(capsys, "stories", "--db", str(stories_store.path), "--since", "2019-01-01")
    assert code == 0 and "no story" in out


def test_since_is_required_to_list(stories_store, capsys):
    code, _, err = _run(capsys, "stories", "--db", str(stories_store.path))
    assert code == 2 and "--since" in err


@pytest.mark.parametrize("db_after", [True, False])
def test_rebuild(stories_store, tmp_path, capsys, db_after):
    db = tmp_path / "s.duckdb"
    shutil.copy(stories_store.path, db)
    argv = ["stories", "rebuild", "--db", str(db)] if db_after else ["stories", "--db", str(db), "rebuild"]
    code, out, _ = _run(capsys, *argv)
    assert code == 0 and out.startswith("9 articles in 5 stories")


def test_enrich_puts_what_it_enriched_into_stories(tmp_path, capsys):
    from datetime import datetime

    from marsad.store import Store

    store = Store(tmp_path / "e.duckdb")
    store.ensure_schema()
    texts = ["انفجار في بغداد وأعلن تنظيم داعش مسؤوليته عن الهجوم في العراق",
             "أعلن تنظيم داعش مسؤوليته عن انفجار بغداد والهجوم في العراق",
             "OPEC ministers met in Vienna while Iraq raised output."]
    with store.write() as con:
        for i, body in enumerate(texts, 1):
            con.execute("INSERT INTO articles (id, title, body, language, published_at, ingested_at, content_hash) "
                        "VALUES (?, ?, ?, ?, ?, now(), ?)",
                        [i, body[:40], body, "en" if i == 3 else "ar", datetime(2020, 9, 25, i), str(i)])
    assert main(["enrich", "--db", str(store.path), "--no-progress"]) == 0
    capsys.readouterr()
    with store.read() as con:
        assert dict(con.execute("SELECT article_id, story_id FROM article_stories").fetchall()) == {1: 1, 2: 1, 3: 3}
