import dataclasses
import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import duckdb
import pytest
from conftest import ANT_SAMPLE, SEED, read_lines, read_records

from marsad.config import Settings
from marsad.ingest import pipeline
from marsad.ingest.inspect import article_record, inspect_path, iso_in_original_offset, parse_zone
from marsad.ingest.pipeline import (
    Ingestor,
    estimate_records,
    ingest,
    prepare_in_workers,
    source_domain,
)
from marsad.models import Article, Mention, Reject
from marsad.store import Store
from marsad.store import articles as store_articles
from marsad.store.articles import count_articles, is_empty, stats


def _ant_articles(n: int, start: int = 0) -> list[Article]:
    """Real ANT records as Articles built here (independent of the readers)."""
    out = []
    for i, r in enumerate(read_records(ANT_SAMPLE, start + n)[start:]):
        out.append(Article(body=r["text"], title=r["title"], lead=r["abstract"], url=r["url"], canonical_url=r["url"],
                           source="ant-" + r["src"], published_at=parsedate_to_datetime(r["time"]),
                           published_tz="+04:00", origin=f"ant#{start + i}"))
    return out


def _settings(tmp_path: Path, **kw) -> Settings:
    return dataclasses.replace(Settings.load(db_path=tmp_path / "s.duckdb"), **kw)


def _edited(article: Article, **changes) -> Article:
    """A syndicated copy: other URL, one word in 40 changed, a sign-off added."""
    words = article.body.split()
    body = " ".join("تعديل" if i % 40 == 7 else w for i, w in enumerate(words)) + "\n\nالمصدر: وكالات"
    return dataclasses.replace(article, body=body, url=article.url + "?copy", canonical_url=article.url + "/copy",
                               origin=article.origin + "-copy", **changes)


def _ingest_articles(store: Store, settings: Settings, articles, **kw):
    with Ingestor(store, settings=settings, **kw) as ingestor:
        ingestor.add_all(articles)
    return ingestor


# -- the loop on hand-fed real articles ----------------------------------------------------------------
def test_stores_articles_with_sources_language_and_utc_dates(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    articles = _ant_articles(60)
    report = _ingest_articles(store, settings, articles).report
    assert report.read == 60 and report.stored + report.exact_duplicates == 60 and report.rejected == 0
    with store.read() as con:
        rows = con.execute("SELECT a.title, a.language, a.language_confidence, a.published_at, a.published_tz, "
                           "s.key, s.domain FROM articles a JOIN sources s ON a.source_id = s.id ORDER BY a.id").fetchall()
        keys = {k for (k,) in con.execute("SELECT key FROM sources").fetchall()}
    assert rows[0][0] == articles[0].title
    assert {r[1] for r in rows} == {"ar"} and min(r[2] for r in rows) > 0.5
    expected = articles[0].published_at.astimezone(UTC).replace(tzinfo=None)
    assert rows[0][3] == expected and rows[0][4] == "+04:00"
    assert keys == {a.source for a in articles}
    assert rows[0][6] == "alarabiya.net"  # the domain comes from the URL when the key is not one


def test_rerun_adds_nothing(tmp_path):
    settings = _settings(tmp_path, write_batch=25)
    store = Store(settings.db_path)
    first = _ingest_articles(store, settings, _ant_articles(60)).report
    again = _ingest_articles(store, settings, _ant_articles(60)).report
    assert first.stored > 50
    assert again.stored == 0 and again.exact_duplicates == 60
    assert count_articles(store, include_duplicates=True) == first.stored


def test_exact_duplicates_by_normalised_text_and_by_canonical_url(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    a = _ant_articles(1)[0]
    same_text = dataclasses.replace(a, url="http://x.test/other", canonical_url="http://x.test/other",
                                    body=a.body.replace("ا", "أ", 3) + "  ")  # alef forms, whitespace
    same_url = dataclasses.replace(a, body="نص مختلف تماما عن الأصل " * 20)
    report = _ingest_articles(store, settings, [a, same_text, same_url]).report
    assert (report.stored, report.exact_duplicates) == (1, 2)


def test_near_duplicate_stored_and_marked_within_and_across_runs(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    original, other, later = _ant_articles(3, start=100)
    report = _ingest_articles(store, settings, [original, _edited(original), other]).report
    assert (report.stored, report.near_duplicates) == (3, 1)
    report2 = _ingest_articles(store, settings, [_edited(other, title=other.title + " | وكالات")]).report
    assert (report2.stored, report2.near_duplicates) == (1, 1)
    with store.read() as con:
        pairs = con.execute("SELECT d.origin, o.origin FROM articles d JOIN articles o ON d.duplicate_of = o.id "
                            "ORDER BY d.id").fetchall()
    assert pairs == [(original.origin + "-copy", original.origin), (other.origin + "-copy", other.origin)]
    assert stats(store)["articles"] == 2 and stats(store)["duplicates"] == 2
    assert stats(store, include_duplicates=True)["articles"] == 4
    assert later.title  # unused third record keeps the slice honest


def _reworded(article: Article, offset: int, word: str, origin: str) -> Article:
    """A copy with every 20th word (from ``offset``) replaced: 3-word shingles overlap the source's by ~0.74."""
    body = " ".join(word if i % 20 == offset else w for i, w in enumerate(article.body.split()))
    return dataclasses.replace(article, body=body, url=f"{article.url}?{origin}", canonical_url=f"{article.url}/{origin}",
                               origin=f"{article.origin}-{origin}")


def _clusters(store: Store) -> dict[str, str | None]:
    with store.read() as con:
        rows = con.execute("SELECT a.origin, o.origin FROM articles a LEFT JOIN articles o ON a.duplicate_of = o.id")
        return dict(rows.fetchall())


@pytest.mark.parametrize("runs", [1, 3])
def test_a_copy_of_a_copy_joins_the_first_articles_cluster(tmp_path, runs):
    from marsad.ingest.dedup import NEAR_DUP_JACCARD, MinHasher, jaccard, normalized_text

    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    first = _ant_articles(1, start=100)[0]
    copy = _reworded(first, 3, "تعديل", "copy")
    copy_of_copy = _reworded(copy, 13, "تغيير", "copy2")
    hasher = MinHasher()
    sh = {a.origin: hasher.shingles(normalized_text(a.title, a.body), normalized=True) for a in (first, copy, copy_of_copy)}
    # The edge: the copy of the copy matches the copy, but has drifted too far to match the first article.
    assert jaccard(sh[copy_of_copy.origin], sh[first.origin]) < NEAR_DUP_JACCARD
    assert jaccard(sh[copy_of_copy.origin], sh[copy.origin]) >= NEAR_DUP_JACCARD
    articles = [first, copy, copy_of_copy]
    for batch in ([articles] if runs == 1 else [[a] for a in articles]):
        _ingest_articles(store, settings, batch)
    assert _clusters(store) == {first.origin: None, copy.origin: first.origin, copy_of_copy.origin: first.origin}


@pytest.mark.parametrize("runs", [1, 2])
def test_a_new_headline_over_a_reused_body_is_not_a_duplicate(tmp_path, runs):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    story = _ant_articles(1, start=100)[0]
    update = _edited(story, title="ارتفاع حصيلة الضحايا وتطورات جديدة في القضية")  # an update: the body reused
    retitled = _edited(story, title=story.title + " - وكالات")  # the same headline with a suffix: a copy
    retitled = dataclasses.replace(retitled, origin=story.origin + "-retitled", canonical_url=story.url + "/r")
    articles = [story, update, retitled]
    for batch in ([articles] if runs == 1 else [articles[:1], articles[1:]]):
        _ingest_articles(store, settings, batch)
    assert _clusters(store) == {story.origin: None, update.origin: None, retitled.origin: story.origin}


def test_undated_articles_are_stored_without_date_and_counted(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    a, b = _ant_articles(2)
    b = dataclasses.replace(b, published_at=None, published_tz="", date_note="future date dropped")
    report = _ingest_articles(store, settings, [a, b]).report
    assert report.undated == 1
    with store.read() as con:
        row = con.execute("SELECT published_at, date_note FROM articles WHERE origin = ?", [b.origin]).fetchall()
    assert row == [(None, "future date dropped")]
    assert stats(store)["undated"] == 1


def test_rejects_are_collected_and_run_goes_on(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    a, b = _ant_articles(2)
    items = [Reject("f.jsonl", 1, "invalid JSON"), a, dataclasses.replace(b, body="  \n"), b]
    report = _ingest_articles(store, settings, items).report
    assert report.stored == 2
    assert [str(r) for r in report.rejects] == ["f.jsonl#1: invalid JSON", f"{b.origin}: no article text"]


def test_failing_batch_rolls_back_entirely_and_the_run_goes_on(tmp_path, monkeypatch):
    settings = _settings(tmp_path, write_batch=20)
    store = Store(settings.db_path)
    articles = _ant_articles(60, start=300)
    real_insert_bands = store_articles.insert_bands
    calls = {"n": 0}

    def failing_second_batch(con, ids, keys):
        calls["n"] += 1
        real_insert_bands(con, ids, keys)  # articles AND bands are written before the failure
        if calls["n"] == 2:
            raise duckdb.ConstraintException("simulated failure in the middle of a batch")

    monkeypatch.setattr(store_articles, "insert_bands", failing_second_batch)
    report = _ingest_articles(store, settings, articles).report
    second = {a.origin for a in articles[20:40]}
    assert len(report.rejects) == 20 and all("rolled back" in r.reason for r in report.rejects)
    assert {r.file for r in report.rejects} == second
    with store.read() as con:
        origins = {o for (o,) in con.execute("SELECT origin FROM articles").fetchall()}
        orphans = con.execute("SELECT count(*) FROM article_bands WHERE article_id NOT IN (SELECT id FROM articles)").fetchall()
    assert not origins & second and len(origins) == report.stored == 40
    assert report.stored + report.exact_duplicates + report.rejected == 60  # nothing counted twice
    assert orphans == [(0,)]
    monkeypatch.setattr(store_articles, "insert_bands", real_insert_bands)
    retry = _ingest_articles(store, settings, articles).report  # nothing lost: the rest goes in on a re-run
    assert retry.stored == 20 and retry.exact_duplicates == 40


def test_after_batch_hooks_get_the_new_ids_and_a_failing_hook_loses_nothing(tmp_path):
    settings = _settings(tmp_path, write_batch=25)
    store = Store(settings.db_path)
    seen: list[list[int]] = []

    def broken(store, ids):
        raise RuntimeError("enrichment crashed")

    report = _ingest_articles(store, settings, _ant_articles(60), after_batch=[broken, lambda s, ids: seen.append(ids)]).report
    assert [len(ids) for ids in seen] == [25, 25, report.stored - 50]
    flat = [i for ids in seen for i in ids]
    assert flat == sorted(flat) and len(set(flat)) == report.stored == count_articles(store, include_duplicates=True)


def test_an_ingest_first_finishes_the_steps_a_killed_run_left(tmp_path):
    """A kill between a batch's commit and its hooks leaves stored articles unindexed and unenriched; the next
    ingest of the same file stores nothing new, yet completes them (custom hooks have no catch-up: not called)."""
    from marsad.ingest.enrich import enrich_stored
    from marsad.store.search import SqliteSearchIndex, index_stored, search_path

    settings = _settings(tmp_path)
    path = tmp_path / "ant.jsonl"
    path.write_text("".join(read_lines(ANT_SAMPLE, 12)), encoding="utf-8")
    store = Store(settings.db_path)
    assert ingest([path], settings=settings, workers=0).stored == 12  # as if killed before its hooks ran
    seen: list = []
    again = ingest([path], settings=settings, workers=0,
                   after_batch=[index_stored, enrich_stored, lambda s, ids: seen.append(ids)])
    assert again.stored == 0 and again.exact_duplicates == 12 and seen == []
    assert SqliteSearchIndex(search_path(store)).doc_count() == 12
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles WHERE pipeline_version = 0").fetchall()[0][0] == 0
        assert con.execute("SELECT count(DISTINCT article_id) FROM mentions").fetchall()[0][0] > 6


def test_progress_reports_done_and_total(tmp_path):
    settings = _settings(tmp_path)
    path = tmp_path / "ant.jsonl"
    path.write_text("".join(read_lines(ANT_SAMPLE, 250)), encoding="utf-8")
    calls: list[tuple[int, int | None]] = []
    ingest([path], settings=settings, progress=lambda n, total: calls.append((n, total)), workers=0)
    assert calls[-1] == (250, 250)
    assert [n for n, _ in calls] == sorted(n for n, _ in calls)


def test_worker_processes_give_the_same_result(tmp_path):
    articles = _ant_articles(150) + [_edited(_ant_articles(1)[0])]
    in_process = list(map(pipeline.prepare, articles))
    in_workers = list(prepare_in_workers(iter(articles), 2))
    assert [p.digest for p in in_workers] == [p.digest for p in in_process]
    assert [p.article.language for p in in_workers] == [p.article.language for p in in_process]
    assert all((a.fingerprint.bands == b.fingerprint.bands).all() for a, b in zip(in_workers, in_process, strict=True))


def test_worker_and_reader_failures_are_raised_not_hung():
    items = [Reject("x", 1, "r")] * 3 + [Article(body="نص " * 30, origin="o")]
    assert len(list(prepare_in_workers(iter(items), 1))) == 4
    with pytest.raises(AttributeError):  # raised inside the worker, re-raised here
        list(prepare_in_workers(iter([Article(body=123)]), 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reader broke"):
        list(prepare_in_workers(_broken_reader(), 1))


def _broken_reader():
    yield Article(body="نص " * 30, origin="o")
    raise ValueError("reader broke")


# -- on real files, through the readers --------------------------------------------------------------
def test_ingest_real_jsonl_gz_then_rerun(tmp_path):
    settings = _settings(tmp_path, write_batch=100)
    path = tmp_path / "ant_head.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(read_lines(ANT_SAMPLE, 300))
    store = Store(settings.db_path)
    report = ingest([path], settings=settings, workers=0)
    assert report.read == 300 and report.rejected == 0
    assert report.stored + report.exact_duplicates == 300
    s = stats(store)
    assert s["languages"] == {"ar": s["articles"]} and s["undated"] == 0
    assert s["first_date"] < s["last_date"]
    assert ingest([path], settings=settings, workers=0).stored == 0


def test_missing_path_is_one_reject_and_others_go_on(tmp_path):
    settings = _settings(tmp_path)
    report = ingest([tmp_path / "nope.jsonl", SEED], settings=settings, workers=0)
    assert report.stored == 1
    assert len(report.rejects) == 1 and "nope.jsonl" in str(report.rejects[0])


def test_inspect_seed_page_stores_nothing(tmp_path):
    settings = _settings(tmp_path)
    article = inspect_path(SEED, settings=settings, enrich=False)
    record = article_record(article)
    assert record["title"] == "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"
    assert record["published_at"] == "2020-09-25T21:32:00+03:00"
    assert (record["language"], record["source"], record["dateline"]) == ("ar", "ناس", "بغداد")
    assert {"body", "url", "author", "entities", "places", "keywords"} <= record.keys()
    assert is_empty(Store(settings.db_path))


# -- small pure functions ------------------------------------------------------------------------
def test_article_record_serialises_nlp_results():
    when = datetime(2020, 9, 25, 18, 32, tzinfo=UTC)
    article = Article(body="ب", title="t", published_at=when, published_tz="+03:00",
                      entities=[Mention("الكاظمي", "PER", 0, 7, "per:x", "مصطفى الكاظمي", "Mustafa al-Kadhimi")],
                      keywords=[("الحدود", 0.5)],
                      extra={"places": [{"name": "بغداد", "lat": 33.3, "lon": 44.4, "country": "IQ"}], "f": object()})
    record = article_record(article)
    json.dumps(record)  # JSON-ready
    assert record["published_at"] == "2020-09-25T21:32:00+03:00"
    assert record["entities"][0]["canonical_id"] == "per:x" and record["entities"][0]["type"] == "PER"
    assert record["places"][0]["country"] == "IQ" and record["keywords"] == [{"keyword": "الحدود", "score": 0.5}]
    assert record["extra"] == {}


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("+03:00", "2020-09-25T21:32:00+03:00"),
        ("-0500", "2020-09-25T13:32:00-05:00"),
        ("Asia/Baghdad", "2020-09-25T21:32:00+03:00"),
        ("", "2020-09-25T18:32:00+00:00"),
        ("not a zone", "2020-09-25T18:32:00+00:00"),
    ],
)
def test_iso_in_original_offset(tz, expected):
    assert iso_in_original_offset(datetime(2020, 9, 25, 18, 32, tzinfo=UTC), tz) == expected


def test_iso_of_missing_date_is_none_and_naive_is_utc():
    assert iso_in_original_offset(None, "+03:00") is None
    assert iso_in_original_offset(datetime(2020, 1, 1), "") == "2020-01-01T00:00:00+00:00"


@pytest.mark.parametrize(("tz", "offset"), [("+04:30", timedelta(hours=4, minutes=30)), ("UTC", timedelta(0)), ("-02", timedelta(hours=-2))])
def test_parse_zone(tz, offset):
    assert parse_zone(tz).utcoffset(None) == offset


@pytest.mark.parametrize(
    ("key", "url", "expected"),
    [
        ("alarabiya.net", "", "alarabiya.net"),
        ("ناس", "https://www.nasnews.com/view.php?cat=1", "nasnews.com"),
        ("ناس", "", ""),
        ("Reuters", "http://WWW.Reuters.com/x", "reuters.com"),
    ],
)
def test_source_domain(key, url, expected):
    assert source_domain(key, url) == expected


def test_estimate_records(tmp_path):
    jsonl = tmp_path / "a.jsonl.gz"
    with gzip.open(jsonl, "wt", encoding="utf-8") as fh:
        fh.write("{}\n{}\n{}\n")
    assert estimate_records([jsonl, SEED]) == 4
    assert estimate_records([tmp_path]) is None  # a folder: unknown without reading it
    (tmp_path / "b.csv").write_text("a\n1\n", encoding="utf-8")
    assert estimate_records([tmp_path / "b.csv"]) is None  # CSV fields may span lines


def test_timezone_aware_dates_from_other_offsets_become_utc(tmp_path):
    settings = _settings(tmp_path)
    store = Store(settings.db_path)
    a = _ant_articles(1)[0]
    a = dataclasses.replace(a, published_at=datetime(2018, 2, 18, 21, 35, tzinfo=timezone(timedelta(hours=4))))
    _ingest_articles(store, settings, [a])
    with store.read() as con:
        assert con.execute("SELECT published_at FROM articles").fetchall() == [(datetime(2018, 2, 18, 17, 35),)]


def test_standard_hooks():
    from marsad.ingest.pipeline import standard_hooks

    names = [f"{h.__module__}.{h.__name__}" for h in standard_hooks(enrich=False)]
    assert all(not n.startswith("marsad.nlp.") for n in names)  # --no-enrich: search indexing at most
    assert names == ["marsad.store.search.index_stored"]
    assert [f"{h.__module__}.{h.__name__}" for h in standard_hooks(enrich=True)] == [
        "marsad.store.search.index_stored",
        "marsad.ingest.enrich.enrich_stored",
        "marsad.ingest.topics.assign_new",
        "marsad.ingest.stories.assign_new",
    ]


# -- bad text costs only its article ----------------------------------------------------------------------
def _demo_articles(n: int) -> list[Article]:
    records = read_records(ANT_SAMPLE, n)
    return [Article(body=r["text"], title=r["title"], url=r["url"], canonical_url=r["url"], origin=f"demo#{i}")
            for i, r in enumerate(records)]


@pytest.mark.parametrize("workers", [0, 1])
def test_text_that_cannot_be_processed_costs_only_its_article(tmp_path, workers):
    """A lone surrogate that reached an Article (language id raised TypeError and ended the whole ingest)."""
    settings = _settings(tmp_path)
    a, b, c = _demo_articles(3)
    bad = dataclasses.replace(b, title="عنوان \ud800", language="")
    with Ingestor(Store(settings.db_path), settings=settings) as ingestor:
        ingestor.add_all([a, bad, c], workers=workers)
    report = ingestor.report
    assert report.stored == 2 and len(report.rejects) == 1
    assert report.rejects[0].file == b.origin and "cannot be processed" in report.rejects[0].reason


def test_a_very_long_body_is_cut_with_a_note(tmp_path):
    from marsad.ingest.limits import CUT_MARK
    from marsad.models import MAX_BODY_CHARS

    settings = _settings(tmp_path)
    a, b = _demo_articles(2)
    long = dataclasses.replace(a, body="\n\n".join([a.body] * (1_100_000 // len(a.body) + 1)))
    assert len(long.body) > 1_000_000
    store = Store(settings.db_path)
    report = _ingest_articles(store, settings, [long, b]).report
    assert report.stored == 2 and report.cut == 1 and report.as_dict()["cut"] == 1
    with store.read() as con:
        body = con.execute("SELECT body FROM articles WHERE origin = ?", [a.origin]).fetchall()[0][0]
    assert len(body) <= MAX_BODY_CHARS and body.endswith("\n\n" + CUT_MARK) and body.startswith(a.body)


def test_json_lines_parsed_in_workers_store_what_one_process_stores(tmp_path):
    """With workers, JSONL lines are parsed there (JsonLines): the same rows, rejects, duplicates and cut bodies."""
    from marsad.models import MAX_BODY_CHARS

    lines = read_lines(ANT_SAMPLE, 150)
    record = json.loads(lines[0])
    record["text"] = "\n\n".join([record["text"]] * (MAX_BODY_CHARS // len(record["text"]) + 2))
    record["url"] += "/long"
    path = tmp_path / "export.jsonl"
    path.write_text("".join([*lines[:70], "{broken\n", json.dumps(record, ensure_ascii=False) + "\n", *lines[70:],
                             lines[3]]), encoding="utf-8")
    results = []
    for workers in (0, 2):
        settings = _settings(tmp_path / f"w{workers}", write_batch=40)
        report = ingest([path], settings=settings, workers=workers)
        with Store(settings.db_path).read() as con:
            rows = con.execute("SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY id").fetchall()
        results.append((report.as_dict(), [str(r) for r in report.rejects], rows))
    assert results[0] == results[1]
    report, rejects, _ = results[1]
    assert report["cut"] == 1 and report["exact_duplicates"] >= 1 and any("#71: invalid" in r for r in rejects)
