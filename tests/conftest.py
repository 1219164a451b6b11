"""Shared fixtures and the paths of the suite's data.

The suite stands on the repository alone: real samples come from ``data/demo/`` (the demo corpus) and
``tests/fixtures/`` (small attributed slices, see its README). Tests that truly need the large corpora take the
``shared`` fixture: it is the folder ``$MARSAD_SHARED`` names, else ``shared`` beside the repository; when it is
absent they skip, saying which folder they wanted. Such tests carry the ``shared`` marker, so ``pytest -m shared``
runs exactly them.

``seeded_store``: a SMALL store built from real ANT v2.1 and Reuters-21578 records (the demo samples) plus
hand-made entities, mentions (real offsets found in the bodies), places, keywords and topics, with its search
index. Session-scoped and read-only for tests: copy it (``seeded_store_copy``) before writing.

What is in it (tests rely on these facts):
- ANT: every ``ANT_STRIDE``-th record of the ANT sample (all five outlets, all six categories), language "ar",
  source keys = the ``src`` field; Reuters: the first ``REUTERS_N`` records of the Reuters sample, language "en",
  source "reuters". ANT dates are Feb–Oct 2018 (a few older, back to 2012); Reuters 1987.
- One near-duplicate: a copy of the first ANT article with ``duplicate_of`` pointing at it.
- Entities: see ``ENTITIES``; a mention wherever a surface form occurs in a body (offsets into the body).
- Topics: one per ANT category present (id = 100 + index), every ANT article weighted 1.0 on its category's
  topic; keywords: the category name and "reuters" per article.
"""

from __future__ import annotations

import email.utils
import gzip
import itertools
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from marsad.store import Store

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
ANT_SAMPLE = DEMO / "ant_v2.1_sample.jsonl.gz"  # 3,012 ANT v2.1 records, the full corpus's fields, by outlet/category
REUTERS_SAMPLE = DEMO / "reuters21578_sample.jsonl.gz"  # 300 Reuters-21578 stories, every one with a 50+ word body
SEED = DEMO / "nas_2020-09-25_iraq-syria-border.txt"  # the seed page, as scraped
FIXTURES = REPO / "tests" / "fixtures"
HTML_PAGES = FIXTURES / "html" / "pages"
HTML_GOLD = FIXTURES / "html" / "gold.json"
HTML_WARC = FIXTURES / "html" / "pages.warc.gz"
FEED = FIXTURES / "feeds" / "skynews.rss"
JAWHARAFM_SAMPLE = FIXTURES / "records" / "ant_v1.1_jawharafm_sample.jsonl.gz"
ANERCORP_FIRST = FIXTURES / "ner" / "anercorp_train80_first200.txt"
ANERCORP_LAST = FIXTURES / "ner" / "anercorp_train80_last100.txt"
CONLL_VALID_FIRST = FIXTURES / "ner" / "conll2003_valid_first400.txt"
AQMAR_ARTICLE = FIXTURES / "ner" / "aqmar_Atom.txt"

ANT_STRIDE = 15  # ~200 articles spread over the whole sample (it is ordered by outlet and category)
REUTERS_N = 60


@pytest.fixture(scope="session")
def shared() -> Path:
    """The large shared corpora: ``$MARSAD_SHARED``, else ``shared`` beside the repository; skips when absent."""
    path = Path(os.environ.get("MARSAD_SHARED") or REPO.parent / "shared")
    if not path.is_dir():
        pytest.skip(f"needs the shared corpora folder {path} (absent; set MARSAD_SHARED)")
    return path


_CACHE_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared: needs the large shared corpora (the ``shared`` fixture)")
    # Built resources (marsad.nlp.resource_cache) go to a folder of this run, not the user's ~/.cache: a test run
    # neither depends on what earlier checkouts left there nor leaves files behind. Set here, before any worker or
    # subprocess starts, so they inherit it.
    if "MARSAD_CACHE_DIR" not in os.environ:
        config.stash[_CACHE_DIR] = os.environ["MARSAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="marsad-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if folder := config.stash.get(_CACHE_DIR, None):
        del os.environ["MARSAD_CACHE_DIR"]
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # fixturenames is the closure: a test also needs the folder when one of its fixtures takes it.
    for item in items:
        if "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)


def read_lines(path: Path, n: int | None = None, *, step: int = 1) -> list[str]:
    """Every ``step``-th line of a (gzipped) JSONL file, at most ``n`` of them."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return list(itertools.islice(fh, 0, None if n is None else n * step, step))


def read_records(path: Path, n: int | None = None, *, step: int = 1) -> list[dict]:
    """Every ``step``-th record of a (gzipped) JSONL file, at most ``n`` of them."""
    return [json.loads(line) for line in read_lines(path, n, step=step)]


def write_parquet(records: list[dict], path: Path, *, row_group_size: int | None = None) -> Path:
    """``records`` as a Parquet file, one column per key of any record (missing values null), in first-seen order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(dict.fromkeys(key for record in records for key in record))
    pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in records]), path,
                   row_group_size=row_group_size)
    return path


def reuters_time(record: dict) -> datetime:
    """Reuters-21578's date ("26-FEB-1987 15:01:01.79") to the second, naive UTC, read independently of the readers."""
    return datetime.strptime(record["date"].split(".")[0], "%d-%b-%Y %H:%M:%S")


def html_gold(file: str) -> dict:
    """The gold entry (title, date, author, with/without snippets) of a fixture page."""
    gold = json.loads(HTML_GOLD.read_text(encoding="utf-8"))
    return next(entry for entry in gold.values() if entry["file"] == file)


# (id, key, type, name_ar, name_en, surfaces searched in bodies, place (country, lat, lon) or None)
ENTITIES = [
    (1, "loc:العراق", "LOC", "العراق", "Iraq", ["العراق", "Iraq"], ("IQ", 33.0, 44.0)),
    (2, "loc:سوريا", "LOC", "سوريا", "Syria", ["سوريا", "Syria"], ("SY", 35.0, 38.0)),
    (3, "loc:مصر", "LOC", "مصر", "Egypt", ["مصر", "Egypt"], ("EG", 27.0, 30.0)),
    (
        4,
        "loc:الولايات_المتحدة",
        "LOC",
        "الولايات المتحدة",
        "United States",
        ["الولايات المتحدة", "U.S."],
        ("US", 39.8, -98.6),
    ),
    (5, "org:isis", "ORG", "داعش", "ISIS", ["داعش", "تنظيم الدولة"], None),
    (6, "per:ترامب", "PER", "دونالد ترامب", "Donald Trump", ["ترامب", "Trump"], None),
    (7, "org:opec", "ORG", "أوبك", "OPEC", ["أوبك", "OPEC"], None),
    (8, "loc:روسيا", "LOC", "روسيا", "Russia", ["روسيا", "Russia", "Soviet"], ("RU", 61.5, 105.3)),
]


def tiny_search_index(path: Path, docs: dict[int, str], *, titled: frozenset[int] = frozenset()):
    """A search index of hand-written bodies (id → body; ids in ``titled`` also carry the body as their title),
    for tests of the query language and the vocabulary rules without a store."""
    from marsad.store.search import SqliteSearchIndex

    index = SqliteSearchIndex(path)
    index.add(
        {
            "id": i, "title": body if i in titled else "", "body": body, "language": "en" if body.isascii() else "ar",
            "source_key": "src", "source_name": "Source", "published_day": None, "duplicate": False,
        }
        for i, body in docs.items()
    )
    return index


def _ant_records() -> list[dict]:
    return read_records(ANT_SAMPLE, step=ANT_STRIDE)


def _reuters_records() -> list[dict]:
    return [r for r in read_records(REUTERS_SAMPLE) if r.get("body")][:REUTERS_N]


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None)


def build_seeded_store(path: Path) -> Store:
    """Build the seeded store at ``path`` (and its search index beside it)."""
    store = Store(path)
    store.ensure_schema()
    ant, reuters = _ant_records(), _reuters_records()
    src_keys = sorted({r["src"] for r in ant}) + ["reuters"]
    source_id = {k: i + 1 for i, k in enumerate(src_keys)}
    rows: dict[str, list] = {
        k: []
        for k in ("id", "source_id", "title", "body", "language", "published_at", "category", "url", "duplicate_of")
    }

    def add(aid, src, title, body, lang, when, cat, url, dup=None):
        for k, v in zip(rows, (aid, source_id[src], title, body, lang, when, cat, url, dup), strict=True):
            rows[k].append(v)

    for i, r in enumerate(ant, start=1):
        when = _utc(email.utils.parsedate_to_datetime(r["time"]))
        add(i, r["src"], r["title"], r["text"], "ar", when, r["cat"], r["url"])
    for j, r in enumerate(reuters, start=len(ant) + 1):
        add(j, "reuters", r["title"] or "", r["body"], "en", reuters_time(r), "", "")
    dup_id = len(ant) + len(reuters) + 1
    add(dup_id, ant[0]["src"], ant[0]["title"], ant[0]["text"], "ar", rows["published_at"][0], ant[0]["cat"], "", 1)

    mentions: dict[str, list] = {"article_id": [], "entity_id": [], "start": [], "end": [], "surface": []}
    for aid, body in zip(rows["id"], rows["body"], strict=True):
        for eid, *_rest, surfaces, _place in ENTITIES:
            for surface in surfaces:
                pos = body.find(surface)
                while pos != -1:
                    for k, v in zip(mentions, (aid, eid, pos, pos + len(surface), surface), strict=True):
                        mentions[k].append(v)
                    pos = body.find(surface, pos + len(surface))
    cats = sorted({r["cat"] for r in ant})
    topic_of = {c: 100 + i for i, c in enumerate(cats)}
    with store.write() as con:
        con.register(
            "_src",
            pa.table({"id": list(source_id.values()), "key": list(source_id), "name": [k.upper() for k in source_id]}),
        )
        con.execute("INSERT INTO sources SELECT id, key, name, NULL FROM _src")
        con.register("_a", pa.table(rows))
        con.execute(
            "INSERT INTO articles (id, source_id, title, body, language, published_at, category, url, duplicate_of, "
            "ingested_at, content_hash) SELECT id, source_id, title, body, language, published_at, category, url, "
            "duplicate_of, TIMESTAMP '2026-01-01', md5(body) FROM _a"
        )
        for eid, key, typ, ar, en, surfaces, place in ENTITIES:
            con.execute(
                "INSERT INTO entities (id, key, type, name_ar, name_en) VALUES (?, ?, ?, ?, ?)", [eid, key, typ, ar, en]
            )
            for s in surfaces:
                con.execute(
                    "INSERT INTO entity_aliases VALUES (?, ?, ?, ?)",
                    [eid, s, s.lower(), "ar" if s[0] > "\u0600" else "en"],
                )
            if place:
                con.execute(
                    "INSERT INTO places (entity_id, name, country, lat, lon, kind) VALUES (?, ?, ?, ?, ?, 'country')",
                    [eid, en, *place],
                )
        con.register("_m", pa.table(mentions))
        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) SELECT * FROM _m')
        for c, tid in topic_of.items():
            con.execute(
                "INSERT INTO topics (id, label, terms, language, model_version) VALUES (?, ?, ?, 'ar', 1)",
                [tid, c, [c]],
            )
        at = {"article_id": [], "topic_id": [], "weight": []}
        kw = {"article_id": [], "keyword": [], "score": []}
        for aid, cat in zip(rows["id"], rows["category"], strict=True):
            if cat:
                at["article_id"].append(aid)
                at["topic_id"].append(topic_of[cat])
                at["weight"].append(1.0)
            kw["article_id"].append(aid)
            kw["keyword"].append(cat or "reuters")
            kw["score"].append(0.1)
        con.register("_at", pa.table(at))
        con.execute("INSERT INTO article_topics SELECT * FROM _at")
        con.register("_kw", pa.table(kw))
        con.execute("INSERT INTO keywords SELECT * FROM _kw")
    from marsad.store.search import rebuild

    rebuild(store)
    return store


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory) -> Store:
    """A small real-text store with entities/topics/keywords and a search index (treat as read-only)."""
    return build_seeded_store(tmp_path_factory.mktemp("seeded") / "seeded.duckdb")


@pytest.fixture
def seeded_store_copy(seeded_store, tmp_path) -> Store:
    """A private copy of ``seeded_store`` (with its search index) for tests that write."""
    for src in seeded_store.path.parent.iterdir():
        shutil.copy(src, tmp_path / src.name)
    return Store(tmp_path / seeded_store.path.name)


def build_undated_store(path: Path) -> Store:
    """Two outlets by hand: "wire" has 10 articles, 4 of them undated (plus an undated near-duplicate of one),
    "daily" 3 dated ones; every wire article says "harbour"."""
    store = Store(path)
    store.ensure_schema()
    rows: dict[str, list] = {k: [] for k in ("id", "source_id", "title", "body", "language", "published_at", "duplicate_of")}
    for i in range(1, 11):
        when = None if i <= 4 else datetime(2020, 3, i, 9, tzinfo=UTC)
        for k, v in zip(rows, (i, 1, f"wire {i}", f"The harbour report number {i}.", "en", when, None), strict=True):
            rows[k].append(v)
    for k, v in zip(rows, (11, 1, "wire 1 again", "The harbour report number 1.", "en", None, 1), strict=True):
        rows[k].append(v)
    for i in range(12, 15):
        when = datetime(2020, 3, i - 6, 9, tzinfo=UTC)
        for k, v in zip(rows, (i, 2, f"daily {i}", f"Weather bulletin {i}.", "en", when, None), strict=True):
            rows[k].append(v)
    with store.write() as con:
        con.execute("INSERT INTO sources (id, key, name) VALUES (1, 'wire', 'Wire'), (2, 'daily', 'Daily')")
        con.register("_a", pa.table(rows))
        con.execute(
            "INSERT INTO articles (id, source_id, title, body, language, published_at, duplicate_of, ingested_at, "
            "content_hash) SELECT id, source_id, title, body, language, published_at, duplicate_of, "
            "TIMESTAMP '2026-01-01', md5(body || id::VARCHAR) FROM _a"
        )
    from marsad.store.search import rebuild

    rebuild(store)
    return store


@pytest.fixture(scope="session")
def undated_store(tmp_path_factory) -> Store:
    """See :func:`build_undated_store` (treat as read-only)."""
    return build_undated_store(tmp_path_factory.mktemp("undated") / "undated.duckdb")


@pytest.fixture(scope="session")
def spark():
    """One local[2] SparkSession for the whole test session (a start costs seconds); skips, saying why, only when
    pyspark (the ``spark`` extra) or Java is absent."""
    pytest.importorskip("pyspark", reason="needs the spark extra (pip install -e '.[spark]')")
    from marsad.spark.session import java_available, spark_session

    if not java_available():
        pytest.skip("needs Java 17 for Spark (java not on PATH, JAVA_HOME unset)")
    session = spark_session("local[2]", app_name="marsad-tests")
    yield session
    session.stop()


# -- a store with stories ------------------------------------------------------------------------------------------
# (id, source, title, body, language, published_at (UTC) or None, duplicate_of): three reports of one death in two
# days from three outlets and a copy of one of them, an English report of it, the same death again three weeks on,
# an undated report, two reports of a summit, and an unrelated match.
STORY_ARTICLES = [
    (1, "alarabiya.net", "النائب العام السعودي يعلن وفاة الصحفي جمال خاشقجي في القنصلية",
     "أعلن النائب العام السعودي وفاة الصحفي جمال خاشقجي داخل القنصلية السعودية في إسطنبول إثر شجار.", "ar",
     datetime(2018, 10, 19, 22), None),
    (2, "cnn.com", "السعودية تعلن وفاة الصحفي جمال خاشقجي داخل القنصلية في إسطنبول",
     "أعلنت السعودية وفاة الصحفي جمال خاشقجي داخل القنصلية السعودية في إسطنبول بعد شجار مع أشخاص قابلوه.", "ar",
     datetime(2018, 10, 20, 3), None),
    (3, "skynewsarabia.com", "ردود فعل دولية على إعلان وفاة الصحفي جمال خاشقجي في إسطنبول",
     "توالت ردود الفعل الدولية على إعلان السعودية وفاة الصحفي جمال خاشقجي في القنصلية في إسطنبول.", "ar",
     datetime(2018, 10, 21, 9), None),
    (4, "france24.com", "السعودية تعلن وفاة الصحفي جمال خاشقجي داخل القنصلية في إسطنبول",
     "أعلنت السعودية وفاة الصحفي جمال خاشقجي داخل القنصلية السعودية في إسطنبول بعد شجار مع أشخاص قابلوه.", "ar",
     datetime(2018, 10, 20, 5), 2),
    (5, "reuters.com", "Saudi Arabia says journalist Jamal Khashoggi died in Istanbul consulate",
     "Saudi Arabia said on Saturday that journalist Jamal Khashoggi died in its consulate in Istanbul.", "en",
     datetime(2018, 10, 20, 6), None),
    (6, "alarabiya.net", "وفاة الصحفي جمال خاشقجي في القنصلية السعودية في إسطنبول",
     "وفاة الصحفي جمال خاشقجي في القنصلية السعودية في إسطنبول، بعد ثلاثة أسابيع.", "ar",
     datetime(2018, 11, 10, 9), None),
    (7, "cnn.com", "وفاة الصحفي جمال خاشقجي", "خبر عن وفاة الصحفي جمال خاشقجي في إسطنبول بلا تاريخ.", "ar", None, None),
    (8, "bbc.co.uk", "قمة ترامب وكيم في سنغافورة تنتهي بوثيقة مشتركة",
     "انتهت قمة الرئيس الأمريكي دونالد ترامب والزعيم الكوري الشمالي كيم جونغ أون في سنغافورة بتوقيع وثيقة مشتركة.",
     "ar", datetime(2018, 6, 12, 8), None),
    (9, "skynewsarabia.com", "ترامب وكيم يوقعان وثيقة مشتركة في قمة سنغافورة",
     "وقع الرئيس الأمريكي دونالد ترامب والزعيم الكوري الشمالي كيم جونغ أون وثيقة مشتركة في ختام قمة سنغافورة.",
     "ar", datetime(2018, 6, 12, 10), None),
    (10, "alarabiya.net", "المنتخب المصري يخسر أمام روسيا في كأس العالم",
     "خسر المنتخب المصري لكرة القدم أمام روسيا بثلاثة أهداف مقابل هدف في كأس العالم.", "ar",
     datetime(2018, 6, 19, 20), None),
]
# (key, type, surfaces, place kind or None)
STORY_ENTITIES = [
    ("per:jamal_khashoggi", "PER", ("جمال خاشقجي", "Jamal Khashoggi"), None),
    ("loc:istanbul", "LOC", ("إسطنبول", "Istanbul"), "city"),
    ("loc:sa", "LOC", ("السعودية", "Saudi Arabia"), "country"),
    ("per:donald_trump", "PER", ("دونالد ترامب",), None),
    ("per:kim_jong_un", "PER", ("كيم جونغ أون",), None),
    ("loc:sg", "LOC", ("سنغافورة",), "country"),
    ("loc:ru", "LOC", ("روسيا",), "country"),
]


def build_stories_store(path: Path) -> Store:
    """:data:`STORY_ARTICLES` with their entities (a mention wherever a surface form occurs in a body), enriched
    (pipeline_version 1), stories assigned by ``marsad stories rebuild``'s code, and a search index."""
    from marsad.ingest.stories import rebuild
    from marsad.store.search import rebuild as rebuild_search

    store = Store(path)
    store.ensure_schema()
    sources = sorted({a[1] for a in STORY_ARTICLES})
    with store.write() as con:
        for i, key in enumerate(sources, start=1):
            con.execute("INSERT INTO sources (id, key, name) VALUES (?, ?, ?)", [i, key, key.split(".")[0].upper()])
        for aid, src, title, body, lang, when, dup in STORY_ARTICLES:
            con.execute(
                "INSERT INTO articles (id, source_id, title, body, language, published_at, duplicate_of, url, "
                "ingested_at, content_hash, pipeline_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, TIMESTAMP '2026-01-01', "
                "md5(?), 1)",
                [aid, sources.index(src) + 1, title, body, lang, when, dup, f"https://{src}/{aid}", f"{aid}{body}"],
            )
        for eid, (key, typ, surfaces, kind) in enumerate(STORY_ENTITIES, start=1):
            con.execute("INSERT INTO entities (id, key, type) VALUES (?, ?, ?)", [eid, key, typ])
            if kind:
                con.execute("INSERT INTO places (entity_id, name, kind) VALUES (?, ?, ?)", [eid, key, kind])
            for aid, _src, _title, body, *_rest in STORY_ARTICLES:
                for surface in surfaces:
                    if (pos := body.find(surface)) != -1:
                        con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) '
                                    "VALUES (?, ?, ?, ?, ?)", [aid, eid, pos, pos + len(surface), surface])
    rebuild(store)
    rebuild_search(store)
    return store


@pytest.fixture(scope="session")
def stories_store(tmp_path_factory) -> Store:
    """See :func:`build_stories_store` (treat as read-only)."""
    return build_stories_store(tmp_path_factory.mktemp("stories") / "stories.duckdb")


def lake_of(store: Store, spark, folder: Path):
    """``store`` exported to a lake in ``folder`` (marsad.lake.export), as a SparkLake read by ``spark``: passed to
    analytics calls in place of the store."""
    from marsad.analytics.on_spark import SparkLake
    from marsad.lake.export import export_store

    export_store(store, folder)
    return SparkLake(folder, master=spark.sparkContext.master)


@pytest.fixture(scope="session")
def seeded_lake(spark, seeded_store, tmp_path_factory):
    """``seeded_store`` as a lake (:func:`lake_of`), exported once per session."""
    return lake_of(seeded_store, spark, tmp_path_factory.mktemp("seeded_lake"))


@pytest.fixture(scope="session")
def stories_lake(spark, stories_store, tmp_path_factory):
    """``stories_store`` as a lake (:func:`lake_of`), exported once per session."""
    return lake_of(stories_store, spark, tmp_path_factory.mktemp("stories_lake"))
