"""Store-side enrichment: tables written, re-runs only missing/stale articles, idempotent with --all."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, SEED, read_records

from marsad.analytics import Query, top_entities
from marsad.ingest.enrich import enrich_ids, enrich_store, enrich_stored
from marsad.nlp.pipeline import PIPELINE_VERSION
from marsad.store.db import Store
from marsad.store.enrichment import pending_ids

N_ANT, N_REUTERS = 6, 3
SEED_TITLE = "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"  # the seed page's headline


def make_store(path: Path) -> Store:
    store = Store(path)
    store.ensure_schema()
    seed = SEED.read_text(encoding="utf-8")
    rows = [(SEED_TITLE, seed[seed.index("وجّه رئيس الحكومة") :], "ar")]
    rows += [(r["title"], r["text"], "ar") for r in read_records(ANT_SAMPLE, N_ANT)]
    rows += [(r["title"] or "", r["body"], "en") for r in read_records(REUTERS_SAMPLE, N_REUTERS)]
    with store.write() as con:
        for i, (title, body, lang) in enumerate(rows, 1):
            con.execute(
                "INSERT INTO articles (id, title, body, language, ingested_at, content_hash) "
                "VALUES (?, ?, ?, ?, now(), md5(?))",
                [i, title, body, lang, body],
            )
    return store


@pytest.fixture
def store(tmp_path) -> Store:
    return make_store(tmp_path / "enrich.duckdb")


def counts(store: Store) -> dict[str, int]:
    with store.read() as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("entities", "entity_aliases", "mentions", "places", "keywords")}


def test_enrich_writes_all_tables_and_versions(store):
    report = enrich_store(store)
    assert report.articles == 1 + N_ANT + N_REUTERS
    c = counts(store)
    assert c["mentions"] == report.mentions > 0 and c["keywords"] == report.keywords > 0
    assert c["entities"] == report.new_entities and c["places"] == report.places > 0
    with store.read() as con:
        assert con.execute("SELECT DISTINCT pipeline_version FROM articles").fetchall() == [(PIPELINE_VERSION,)]
        rows = con.execute(
            "SELECT e.key, e.type, e.name_ar, e.name_en, e.curated, p.country, p.lat, p.lon FROM entities e "
            "JOIN places p ON p.entity_id = e.id WHERE e.key = 'loc:iq'"
        ).fetchall()
        assert rows == [("loc:iq", "LOC", "العراق", "Iraq", True, "IQ", pytest.approx(33.65, abs=0.5), pytest.approx(44.78, abs=0.5))]
        isis = con.execute(
            "SELECT count(*), count(DISTINCT m.surface) FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE e.key = 'org:isis' AND m.article_id = 1"
        ).fetchall()[0]
        assert isis[0] >= 10 and isis[1] >= 2  # داعش and تنظيم داعش count together
        aliases = {r[0] for r in con.execute(
            "SELECT a.norm FROM entity_aliases a JOIN entities e ON e.id = a.entity_id WHERE e.key = 'org:isis'"
        ).fetchall()}
        assert {"داعش", "isis", "daesh", "تنظيم الدوله"} <= aliases
        texts = {(i, "title"): t for i, t, _ in con.execute("SELECT id, title, body FROM articles").fetchall()}
        texts |= {(i, "body"): b for i, _, b in con.execute("SELECT id, title, body FROM articles").fetchall()}
        mentions = con.execute('SELECT article_id, field, start, "end", surface FROM mentions').fetchall()
        assert all(texts[a, f][s:e] == surface for a, f, s, e, surface in mentions)
        assert {f for _, f, *_ in mentions} == {"title", "body"}


def test_a_name_in_title_and_body_counts_one_article(store):
    enrich_store(store)
    with store.read() as con:
        fields = con.execute(
            "SELECT m.field, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE e.key = 'per:mustafa_al_kadhimi' AND m.article_id = 1 GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        articles = con.execute(
            "SELECT count(DISTINCT m.article_id), count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE e.key = 'per:mustafa_al_kadhimi'"
        ).fetchall()[0]
    assert fields[0][0] == "body" and fields[1] == ("title", 1)
    row = top_entities(store, Query(), type="PER", n=50).set_index("key").loc["per:mustafa_al_kadhimi"]
    assert (row["articles"], row["mentions"]) == articles and row["mentions"] > row["articles"]


def test_rerun_touches_only_missing_or_stale(store):
    enrich_store(store)
    before = counts(store)
    assert pending_ids(store, below_version=PIPELINE_VERSION) == []
    assert enrich_store(store).articles == 0
    with store.write() as con:
        con.execute("UPDATE articles SET pipeline_version = 0 WHERE id = 2")
    assert pending_ids(store, below_version=PIPELINE_VERSION) == [2]
    assert enrich_store(store).articles == 1
    assert counts(store) == before


def test_all_reruns_everything_without_duplicating(store):
    enrich_store(store)
    before = counts(store)
    report = enrich_store(store, all=True)
    assert report.articles == 1 + N_ANT + N_REUTERS and report.new_entities == 0
    assert counts(store) == before
    with store.read() as con:
        assert con.execute("SELECT count(*) - count(DISTINCT key) FROM entities").fetchall() == [(0,)]


def test_ingest_hook_enriches_given_ids(store):
    enrich_stored(store, [1, 3])
    with store.read() as con:
        enriched = con.execute("SELECT id FROM articles WHERE pipeline_version > 0 ORDER BY id").fetchall()
        mentioned = con.execute("SELECT DISTINCT article_id FROM mentions ORDER BY 1").fetchall()
    assert enriched == [(1,), (3,)]
    assert {r[0] for r in mentioned} <= {1, 3}
    assert pending_ids(store, below_version=PIPELINE_VERSION) == [2, 4, 5, 6, 7, 8, 9, 10]


def test_stored_curated_entity_is_refreshed_from_the_alias_file(store):
    enrich_store(store)
    with store.write() as con:
        con.execute("UPDATE entities SET name_en = 'old name', type = 'LOC', curated = FALSE WHERE key = 'org:isis'")
    enrich_store(store, all=True)
    with store.read() as con:
        assert con.execute("SELECT type, name_en, curated FROM entities WHERE key = 'org:isis'").fetchall() == [
            ("ORG", "Islamic State (ISIS)", True)
        ]


def _results(store: Store) -> dict[str, list[tuple]]:
    with store.read() as con:
        return {
            "mentions": con.execute('SELECT m.article_id, e.key, m.field, m.start, m."end", m.surface FROM mentions m '
                                    "JOIN entities e ON e.id = m.entity_id ORDER BY ALL").fetchall(),
            "keywords": con.execute("SELECT * FROM keywords ORDER BY ALL").fetchall(),
            "places": con.execute("SELECT e.key, p.name, p.country, p.kind FROM places p "
                                  "JOIN entities e ON e.id = p.entity_id ORDER BY ALL").fetchall(),
        }


def test_worker_processes_store_what_one_process_stores(tmp_path):
    one, two = make_store(tmp_path / "one.duckdb"), make_store(tmp_path / "two.duckdb")
    ids = list(range(1, 1 + 1 + N_ANT + N_REUTERS))
    assert enrich_ids(one, ids, batch_size=4, n_process=1).articles == len(ids)
    assert enrich_ids(two, ids, batch_size=4, n_process=2).articles == len(ids)
    assert _results(two) == _results(one)


def test_when_the_workers_fail_the_run_goes_on_in_this_process(tmp_path, monkeypatch, caplog):
    from marsad.ingest import enrich as enrich_module

    # A target that raises on every part (json.loads of a list): the first batch's failure reaches this process
    # while the next batch is already with the workers.
    monkeypatch.setattr(enrich_module, "WORKER_TARGET", "json:loads")
    one, two = make_store(tmp_path / "one.duckdb"), make_store(tmp_path / "two.duckdb")
    ids = list(range(1, 1 + 1 + N_ANT + N_REUTERS))
    enrich_ids(one, ids, batch_size=3, n_process=1)
    report = enrich_ids(two, ids, batch_size=3, n_process=2)
    assert (report.articles, report.failed) == (len(ids), 0)
    assert "enrichment workers failed (TypeError" in caplog.text
    assert _results(two) == _results(one)


# -- one bad article never blocks enrichment ---------------------------------------------------------------
def _store_of(path: Path, bodies: list[tuple[str, str]]) -> Store:
    """A store holding these (body, language) articles, written directly (as an older Marsad may have)."""
    store = Store(path)
    store.ensure_schema()
    with store.write() as con:
        for i, (body, lang) in enumerate(bodies, 1):
            con.execute("INSERT INTO articles (id, body, language, ingested_at, content_hash) VALUES (?, ?, ?, now(), md5(?))",
                        [i, body, lang, body])
    return store


def test_a_body_over_a_million_characters_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    """Stored before ingest cut long bodies: spaCy refused it (over 1,000,000 characters) and its whole batch,
    and every later ``marsad enrich``, failed."""
    from marsad.nlp import pipeline as nlp_pipeline

    monkeypatch.setattr(nlp_pipeline, "MAX_BODY_CHARS", 20_000)  # the same cut as 200,000, faster to run
    sentence = "Officials in Baghdad met the delegation from Damascus on Monday. "
    store = _store_of(tmp_path / "long.duckdb", [(sentence * 17_000, "en"), (sentence * 3, "en")])
    report = enrich_store(store, n_process=1)
    assert report.articles == 2 and report.failed == 0 and pending_ids(store, below_version=PIPELINE_VERSION) == []
    with store.read() as con:
        ends = con.execute('SELECT max("end") FROM mentions WHERE article_id = 1').fetchall()[0][0]
    assert 0 < ends <= 20_000


def test_an_article_the_pipeline_raises_on_costs_only_itself(tmp_path, monkeypatch):
    from marsad.ingest import enrich as enrich_module

    real = enrich_module.enrich_batch

    def failing(articles):
        if any("BOOM" in a.body for a in articles):
            raise ValueError("cannot enrich BOOM")
        return real(articles)

    monkeypatch.setattr(enrich_module, "enrich_batch", failing)
    sentence = "Officials in Baghdad met the delegation from Damascus on Monday. "
    store = _store_of(tmp_path / "boom.duckdb", [(sentence, "en"), ("BOOM " + sentence, "en"), (sentence * 2, "en")])
    report = enrich_store(store, n_process=1)
    assert (report.articles, report.failed) == (2, 1)
    assert pending_ids(store, below_version=PIPELINE_VERSION) == [2]  # retried on the next run, blocks nothing
