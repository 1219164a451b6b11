import pytest

from marsad.analytics import Query, highlight_segments, sample_articles, search
from marsad.analytics.search import find_hits, make_snippet
from marsad.errors import InvalidQuery
from marsad.store import Store
from marsad.store.search import HitPattern, SearchFilters, SqliteSearchIndex, index_stored, search_path
from marsad.store.search_query import compile_query, parse, positive_terms
from marsad.text.terms import CLITIC_CHAINS, term_key


@pytest.mark.parametrize("form", ["الحدود", "والحدود", "بالحدود", "الحُدود", "للحدود", "وبالحدود", "فالحدود", "حدود"])
def test_arabic_clitics_and_marks_share_one_key(form):
    assert term_key(form) == term_key("الحدود")


@pytest.mark.parametrize(
    "a, b",
    [
        ("وزير", "الوزير"),
        ("وزارة", "الوزارة"),
        ("العراق", "والعراق"),
        ("migrants", "migrant"),
        ("Elections", "election"),
    ],
)
def test_same_word_same_key(a, b):
    assert term_key(a) == term_key(b)


@pytest.mark.parametrize("word", ["فرنسا", "فلسطين", "بغداد"])
def test_root_letters_are_not_taken_for_clitics(word):
    assert term_key(word)[0] == word[0]


@pytest.mark.parametrize(
    "text, fts",
    [
        ("الحدود", '{title body} : "حدود"'),
        ("a OR b", '({title body} : "a" OR {title body} : "b")'),
        ('"oil prices" -opec', '(({title body} : "oil price") NOT {title body} : "opec")'),
        ("title:Iraq lang:en", '((title : "iraq" AND lang : "en"))'),
        ("migra*", '{title body} : "migra" *'),
        ("", None),
        ("،،", None),
    ],
)
def test_compile(text, fts):
    assert compile_query(text) == fts


def test_positive_terms_skip_negations_and_metadata():
    terms = positive_terms(parse('oil NOT gas source:bbc title:"crude price"'))
    assert [t.keys for t in terms] == [("oil",), ("crude", "price")]


def _ids(store, text, **filters):
    return set(SqliteSearchIndex(search_path(store)).match_ids(text, filters=SearchFilters(**filters)))


def test_boolean_operators_on_real_articles(seeded_store):
    iraq = _ids(seeded_store, "العراق")
    syria = _ids(seeded_store, "سوريا")
    assert iraq and syria
    assert _ids(seeded_store, "العراق OR سوريا") == iraq | syria
    assert _ids(seeded_store, "العراق AND سوريا") == iraq & syria
    assert _ids(seeded_store, "العراق سوريا") == iraq & syria
    assert _ids(seeded_store, "العراق NOT سوريا") == iraq - syria
    assert _ids(seeded_store, "العراق -سوريا") == iraq - syria
    assert _ids(seeded_store, "(العراق OR سوريا) NOT مصر") == (iraq | syria) - _ids(seeded_store, "مصر")


def test_clitic_forms_find_the_same_articles(seeded_store):
    assert _ids(seeded_store, "الحدود") == _ids(seeded_store, "والحدود") == _ids(seeded_store, "بالحُدود")


def test_fields_and_filters(seeded_store):
    english = _ids(seeded_store, "lang:en oil")
    assert english and english <= _ids(seeded_store, "oil", languages=("en",))
    assert _ids(seeded_store, "oil", languages=("ar",)) == set()
    assert _ids(seeded_store, "source:reuters oil") == _ids(seeded_store, "oil", sources=("reuters",))
    assert _ids(seeded_store, "title:oil") <= _ids(seeded_store, "oil")


def test_phrase_and_prefix(seeded_store):
    assert _ids(seeded_store, '"تنظيم الدولة"') <= _ids(seeded_store, "تنظيم الدولة")
    assert _ids(seeded_store, "oil") <= _ids(seeded_store, "oi*")


def test_duplicates_hidden_unless_asked(seeded_store):
    with seeded_store.read() as con:  # the seeded store's one copy (see conftest)
        [(title,)] = con.execute("SELECT title FROM articles WHERE duplicate_of IS NOT NULL").fetchall()
    title_word = max(title.split(), key=len)
    plain = _ids(seeded_store, title_word)
    with_dups = _ids(seeded_store, title_word, include_duplicates=True)
    assert len(with_dups) == len(plain) + 1


def test_search_ranks_and_marks_hits_in_original_text(seeded_store):
    df = search(seeded_store, Query(text="الحدود"), per_page=5)
    assert df.attrs["total"] >= len(df) > 0
    assert list(df["score"]) == sorted(df["score"], reverse=True)
    for snippet, hits in zip(df["snippet"], df["hits"], strict=True):
        for start, end in hits:
            # a form of the word, perhaps behind a proclitic chain (بحدود: ب + حدود) or with an enclitic (حدودها)
            word = snippet[start:end]
            forms = [word[len(chain) :] for chain in ("", *CLITIC_CHAINS) if word.startswith(chain)]
            assert any(term_key(f) == "حدود" or f.startswith(("حدود", "الحدود")) for f in forms), word


def test_search_pages_do_not_overlap(seeded_store):
    one = search(seeded_store, Query(text="oil OR company"), page=1, per_page=3)
    two = search(seeded_store, Query(text="oil OR company"), page=2, per_page=3)
    assert not set(one["id"]) & set(two["id"])
    assert one.attrs["total"] == two.attrs["total"]


def test_search_combines_with_entity_filter(seeded_store):
    df = search(seeded_store, Query(text="سوريا", entities=["org:isis"]), per_page=50)
    isis = sample_articles(seeded_store, Query(entities=["org:isis"]), n=1000)
    syria = _ids(seeded_store, "سوريا")
    assert len(df) == df.attrs["total"] > 0
    assert set(df["id"]) == set(isis["id"]) & syria


def test_search_without_text_lists_newest(seeded_store):
    df = search(seeded_store, Query(languages=["en"]), per_page=5)
    assert len(df) == 5 and df["score"].isna().all()
    assert list(df["published_at"]) == sorted(df["published_at"], reverse=True)


@pytest.mark.parametrize("page, per_page", [(0, 20), (1, 0), (1, 10_000)])
def test_bad_paging(seeded_store, page, per_page):
    with pytest.raises(InvalidQuery):
        search(seeded_store, Query(text="oil"), page=page, per_page=per_page)


def test_snippet_window_and_markers_are_safe():
    text = "<b>x</b> " * 50 + "the border crossing at الحُدود opened. " + "filler " * 60
    hits = find_hits(text, [HitPattern((("حدود",),)), HitPattern((("border",),))])
    snippet, moved = make_snippet(text, hits)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert {snippet[a:b] for a, b in moved} == {"border", "الحُدود"}
    pieces = highlight_segments(snippet, moved)
    assert "".join(p for p, _ in pieces) == snippet
    assert [p for p, hit in pieces if hit] == ["border", "الحُدود"]


def test_incremental_index_makes_new_articles_searchable(seeded_store_copy):
    store: Store = seeded_store_copy
    assert _ids(store, "zanzibarite") == set()
    with store.write() as con:
        con.execute(
            "INSERT INTO articles (id, title, body, language, published_at, ingested_at, content_hash) "
            "VALUES (9001, 'Zanzibarite found', 'Miners found zanzibarite near the border.', 'en', "
            "TIMESTAMP '2020-09-25 10:00', now(), 'h9001')"
        )
    assert index_stored(store, [9001]) == 1
    assert index_stored(store, [9001]) == 0  # idempotent
    assert _ids(store, "zanzibarite") == {9001}
    assert _ids(store, "zanzibarite", start=__import__("datetime").date(2020, 9, 26)) == set()


def test_catch_up_indexes_articles_stored_without_the_hook(seeded_store_copy):
    store: Store = seeded_store_copy
    with store.write() as con:
        con.execute(
            "INSERT INTO articles (id, title, body, language, ingested_at, content_hash) "
            "VALUES (9002, 'Quokkas', 'A quokka colony.', 'en', now(), 'h9002')"
        )
    df = search(store, Query(text="quokka"))
    assert df["id"].tolist() == [9002]


def _row(i: int, body: str = "a quokka colony") -> dict:
    return {"id": i, "title": "", "body": body, "language": "en", "source_key": "src", "source_name": "Source",
            "published_day": None, "duplicate": False}


def test_concurrent_writers_never_add_an_article_twice(tmp_path):
    # A search's catch-up and an ingest's hook index overlapping ids at the same time (issue 10: IntegrityError
    # 3 times in 134). Each writer checks and inserts inside one write lock, so all finish and none doubles.
    import threading

    path = tmp_path / "s.duckdb.search.sqlite"
    rows = [_row(i) for i in range(1, 401)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(offset: int) -> None:
        index = SqliteSearchIndex(path)  # its own connections, like another process
        start.wait()
        try:
            for i in range(offset, len(rows), 20):
                index.add(rows[i : i + 40])
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure of a writer
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 5,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    index = SqliteSearchIndex(path)
    assert index.doc_count() == index.recount() == 400
    assert len(index.match_ids("quokka", filters=SearchFilters())) == 400


@pytest.mark.parametrize("name", ["s.duckdb", "s.db", "store"])
def test_index_is_named_after_the_full_store_file_name(tmp_path, name):
    assert search_path(Store(tmp_path / name)) == tmp_path / f"{name}.search.sqlite"


def test_stores_differing_only_in_suffix_have_their_own_index(tmp_path):
    for name, word in (("s.duckdb", "quokka"), ("s.db", "wombat")):
        store = Store(tmp_path / name)
        store.ensure_schema()
        with store.write() as con:
            con.execute(
                "INSERT INTO articles (id, title, body, language, ingested_at, content_hash) "
                f"VALUES (1, '', 'a {word} colony', 'en', now(), 'h1')"
            )
        index_stored(store, [1])
    assert _ids(Store(tmp_path / "s.duckdb"), "wombat") == set()
    assert _ids(Store(tmp_path / "s.db"), "wombat") == {1}


def test_an_index_of_an_older_format_is_rebuilt_once(seeded_store_copy):
    store: Store = seeded_store_copy
    index = SqliteSearchIndex(search_path(store))
    expected = _ids(store, "العراق")
    with index.connect() as con:
        con.execute("PRAGMA user_version = 1")
    assert index.doc_count() == 0  # reopened: the old tables are gone
    df = search(store, Query(text="العراق"), per_page=1)  # its catch-up re-indexes the store
    assert df.attrs["total"] == len(expected)
    with store.read() as con:
        assert index.doc_count() == con.execute("SELECT count(*) FROM articles").fetchall()[0][0]


def test_a_legacy_index_file_is_removed(seeded_store_copy):
    store: Store = seeded_store_copy
    legacy = store.path.with_suffix(".search.sqlite")
    SqliteSearchIndex(legacy).add([_row(1)])
    search_path(store).unlink()
    search(store, Query(text="oil"), per_page=1)
    assert not legacy.exists() and search_path(store).exists()


def test_the_ingest_hook_indexes_articles_a_killed_run_left_behind(seeded_store_copy):
    # A kill between the store's commit and the hook leaves articles unindexed; the next batch's hook adds them.
    store: Store = seeded_store_copy
    with store.write() as con:
        for i, word in ((9101, "quokka"), (9102, "wombat")):
            con.execute(
                "INSERT INTO articles (id, title, body, language, ingested_at, content_hash) "
                f"VALUES ({i}, '', 'a {word} colony', 'en', now(), 'h{i}')"
            )
    assert index_stored(store, [9102]) == 2
    index = SqliteSearchIndex(search_path(store))
    with index.connect() as con:
        assert {9101, 9102} <= {r[0] for r in con.execute("SELECT id FROM doc_meta")}
    with store.read() as con:
        assert index.doc_count() == con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
