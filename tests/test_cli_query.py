"""``marsad query CALL``: any public analytics call by name as JSON, on the store or (``--backend spark``) a lake;
``spikes`` and ``search`` take the same backend options."""

import json

import pytest

from marsad import analytics
from marsad.analytics import Query
from marsad.cli import main
from marsad.cli.query import jsonable, public_calls


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_public_call(capsys):
    code, out, _ = _run(capsys, "query", "--list")
    assert code == 0
    assert {line.split("(")[0] for line in out.splitlines()} == set(public_calls()) >= {"top_entities", "search"}
    assert "pinned" not in public_calls() and "highlight_segments" not in public_calls()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["top_entities", "--param", "n=3", "--lang", "ar"], lambda s: analytics.top_entities(s, Query(languages=["ar"]), n=3)),
        (["count_over_time", "--param", "interval=month", "--query", "سوريا"],
         lambda s: analytics.count_over_time(s, Query(text="سوريا"), interval="month")),
        (["get_article", "--param", "article_id=7"], lambda s: analytics.get_article(s, 7)),
        (["articles_by_id", "--param", "ids=5,3"], lambda s: analytics.articles_by_id(s, [5, 3])),
        (["spikes", "--param", "kind=keyword", "--param", "since=2018-02-01", "--include-duplicates"],
         lambda s: analytics.spikes(s, Query(include_duplicates=True), kind="keyword", since=__import__("datetime").date(2018, 2, 1))),
        (["count_undated", "--source", "reuters"], lambda s: analytics.count_undated(s, Query(sources=["reuters"]))),
    ],
)
def test_a_call_prints_its_result_as_json(seeded_store, capsys, argv, expected):
    code, out, _ = _run(capsys, "query", *argv, "--db", str(seeded_store.path), "--json")
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(jsonable(expected(seeded_store)), ensure_ascii=False))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no_such_call"], "not a public analytics call"),
        (["top_entities", "--param", "colour=red"], "has no parameter colour"),
        (["top_entities", "--param", "n=many"], "n=many: not a int"),
        (["entity_info"], "needs --param entity_key"),
        (["top_entities", "--param", "n"], "name=value"),
    ],
)
def test_mistakes_are_told(seeded_store, capsys, argv, message):
    code, _, err = _run(capsys, "query", *argv, "--db", str(seeded_store.path))
    assert code == 2 and message in err


def test_the_spark_backend_needs_a_lake(capsys, monkeypatch):
    monkeypatch.delenv("MARSAD_LAKE", raising=False)
    code, _, err = _run(capsys, "query", "list_sources", "--backend", "spark")
    assert code == 2 and "MARSAD_LAKE" in err


def test_the_same_answer_from_a_lake(seeded_store, seeded_lake, capsys):
    argv = ["query", "top_sources", "--text", "العراق OR Iraq", "--param", "n=3"]
    _, duck, _ = _run(capsys, *argv, "--db", str(seeded_store.path))
    code, spark, _ = _run(capsys, *argv, "--backend", "spark", "--lake", str(seeded_lake.path))
    assert code == 0 and json.loads(spark) == json.loads(duck) and json.loads(duck)["rows"]


def test_search_and_spikes_on_a_lake(seeded_store, seeded_lake, capsys):
    lake = ["--backend", "spark", "--lake", str(seeded_lake.path)]
    for argv in (["search", "الرئيس", "--per-page", "3", "--json"], ["spikes", "--kind", "topic", "--json"]):
        _, duck, _ = _run(capsys, *argv, "--db", str(seeded_store.path))
        code, spark, _ = _run(capsys, *argv, *lake)
        duck, spark = json.loads(duck), json.loads(spark)
        for rows in (duck, spark):  # BM25 scores agree to 1e-9 (the lake's are rounded there)
            for r in rows["results"] if isinstance(rows, dict) else []:
                r["score"] = round(r["score"], 6)
        assert code == 0 and spark == duck and (duck or argv[0] == "spikes")  # the seeded store has no bursts
