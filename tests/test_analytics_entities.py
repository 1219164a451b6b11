import pytest

from marsad.analytics import (
    Query,
    cooccurrence_pairs,
    cooccurring_entities,
    entities_of,
    entity_info,
    find_entities,
    matching_ids,
    top_entities,
    top_places,
)
from marsad.errors import InvalidQuery
from marsad.store import Store


def _articles_mentioning(store, key):
    with store.read() as con:
        return {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT m.article_id FROM mentions m JOIN entities e ON e.id = m.entity_id "
                "JOIN articles a ON a.id = m.article_id WHERE e.key = ? AND a.duplicate_of IS NULL",
                [key],
            ).fetchall()
        }


def test_top_entities_counts_articles_and_mentions(seeded_store):
    df = top_entities(seeded_store, Query(), n=5)
    assert list(df.columns) == ["key", "name_ar", "name_en", "type", "mentions", "articles"]
    assert len(df) == 5
    assert list(df["articles"]) == sorted(df["articles"], reverse=True)
    assert (df["mentions"] >= df["articles"]).all()
    for key, articles in zip(df["key"], df["articles"], strict=True):
        assert articles == len(_articles_mentioning(seeded_store, key))


@pytest.mark.parametrize("type_", ["PER", "ORG", "LOC"])
def test_type_filter(seeded_store, type_):
    df = top_entities(seeded_store, Query(), type=type_)
    assert len(df) and set(df["type"]) == {type_}


def test_bad_type(seeded_store):
    with pytest.raises(InvalidQuery, match="entity type"):
        top_entities(seeded_store, Query(), type="PERSON")


def test_filters_narrow_the_counts(seeded_store):
    everything = top_entities(seeded_store, Query()).set_index("key")["articles"]
    english = top_entities(seeded_store, Query(languages=["en"])).set_index("key")["articles"]
    assert set(english.index) <= set(everything.index)
    assert (english <= everything.reindex(english.index)).all()
    assert "org:isis" not in english.index  # only in Arabic bodies


def test_cooccurring_entities(seeded_store):
    df = cooccurring_entities(seeded_store, "loc:سوريا", Query(), n=10)
    assert "loc:سوريا" not in set(df["key"])
    assert set(df["entity"]) == {"loc:سوريا"}
    syria = _articles_mentioning(seeded_store, "loc:سوريا")
    for key, n in zip(df["key"], df["articles"], strict=True):
        assert n == len(syria & _articles_mentioning(seeded_store, key))


def test_cooccurrence_pairs_are_symmetric_counts(seeded_store):
    df = cooccurrence_pairs(seeded_store, Query(), n_entities=8)
    assert (df["source"] < df["target"]).all()
    row = df.iloc[0]
    both = _articles_mentioning(seeded_store, row["source"]) & _articles_mentioning(seeded_store, row["target"])
    assert row["articles"] == len(both)


def test_top_places_have_coordinates(seeded_store):
    df = top_places(seeded_store, Query())
    assert len(df) >= 4
    assert df["lat"].between(-90, 90).all() and df["lon"].between(-180, 180).all()
    assert set(df["country"]) >= {"IQ", "SY", "EG"}
    assert "org:isis" not in set(df["key"])


def test_entity_info_and_find(seeded_store):
    info = entity_info(seeded_store, "org:isis")
    assert info["name_en"] == "ISIS" and "تنظيم الدولة" in info["aliases"]
    assert info["surfaces"][0][1] >= info["surfaces"][-1][1]
    assert info["place"] is None
    assert entity_info(seeded_store, "org:nobody") is None
    assert entity_info(seeded_store, "loc:العراق")["place"]["country"] == "IQ"
    assert find_entities(seeded_store, "عراق")["key"].tolist() == ["loc:العراق"]
    assert find_entities(seeded_store, "opec")["key"].tolist() == ["org:opec"]
    assert set(find_entities(seeded_store, "", type="PER")["type"]) == {"PER"}


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_candidate_ranking_is_exact_when_it_has_to_expand(seeded_store, monkeypatch, n):
    from marsad.analytics import entities

    monkeypatch.setattr(entities, "CANDIDATE_FACTOR", 1)  # forces the expand-and-recheck path
    got = top_entities(seeded_store, Query(languages=["ar"]), n=n)
    with seeded_store.read() as con:
        brute = con.execute(
            "SELECT e.key, count(DISTINCT m.article_id) AS articles, count(*) AS mentions FROM mentions m "
            "JOIN entities e ON e.id = m.entity_id JOIN articles a ON a.id = m.article_id "
            "WHERE a.language = 'ar' AND a.duplicate_of IS NULL GROUP BY e.key "
            "ORDER BY articles DESC, mentions DESC, e.key LIMIT ?",
            [n],
        ).fetchall()
    assert list(zip(got["key"], got["articles"], got["mentions"], strict=True)) == brute


def test_large_selections_use_stated_estimates(seeded_store, monkeypatch):
    from marsad.analytics import entities

    exact = top_entities(seeded_store, Query(), n=5)
    assert exact.attrs["approximate"] is False
    monkeypatch.setattr(entities, "EXACT_MENTIONS", 0)
    approx = top_entities(seeded_store, Query(), n=5)
    assert approx.attrs["approximate"] is True
    assert approx.attrs["mentions_total"] == exact.attrs["mentions_total"]
    assert list(approx["mentions"]) == list(exact.set_index("key").loc[approx["key"], "mentions"])
    # HyperLogLog: DuckDB 2.0's estimate is off by ~2% on average and up to ~6% (measured over 30 random id sets
    # of each size from 50 to 100,000), so allow 10%: a wrong column or a lost filter is off by far more.
    for key, n in zip(approx["key"], approx["articles"], strict=True):
        assert abs(n - len(_articles_mentioning(seeded_store, key))) <= max(2, 0.1 * n)


# -- a tiny hand-built store: exact expectations ------------------------------------------------------------------
# article id -> (duplicate_of, [(entity id, surface), …]); article 4 is a near-duplicate of article 1.
_TINY_ARTICLES = {
    1: (None, [(1, "الولايات المتحدة"), (2, "ترامب")]),
    2: (None, [(1, "أمريكا"), (2, "ترامب"), (3, "الأمم المتحدة")]),
    3: (None, [(1, "الولايات المتحدة"), (3, "الأمم المتحدة")]),
    4: (1, [(1, "U.S."), (2, "Trump"), (2, "Trump")]),
}
_TINY_ENTITIES = [(1, "loc:us", "LOC"), (2, "per:donald_trump", "PER"), (3, "org:un", "ORG")]


@pytest.fixture
def tiny_store(tmp_path):
    store = Store(tmp_path / "tiny.duckdb")
    store.ensure_schema()
    with store.write() as con:
        for eid, key, type_ in _TINY_ENTITIES:
            con.execute("INSERT INTO entities (id, key, type, name_en) VALUES (?, ?, ?, ?)", [eid, key, type_, key])
        for aid, (dup, mentions) in _TINY_ARTICLES.items():
            con.execute(
                "INSERT INTO articles (id, body, published_at, ingested_at, content_hash, duplicate_of) "
                "VALUES (?, 'text', TIMESTAMP '2020-09-27', now(), ?, ?)",
                [aid, str(aid), dup],
            )
            for eid, surface in mentions:
                con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) VALUES (?, ?, 0, ?, ?)',
                            [aid, eid, len(surface), surface])
    return store


@pytest.mark.parametrize(
    "entity, query_entities, expected",
    [
        ("loc:us", ["loc:us", "per:donald_trump"], {"per:donald_trump": 2, "org:un": 1}),
        ("loc:us", ["per:donald_trump", "loc:us"], {"per:donald_trump": 2, "org:un": 1}),
        ("loc:us", ["per:donald_trump"], {"per:donald_trump": 2, "org:un": 1}),
        ("per:donald_trump", ["loc:us"], {"loc:us": 2, "org:un": 1}),
        ("org:un", [], {"loc:us": 2, "per:donald_trump": 1}),
    ],
)
def test_cooccurring_leaves_out_the_entity_asked_about(tiny_store, entity, query_entities, expected):
    df = cooccurring_entities(tiny_store, entity, Query(entities=query_entities))
    assert dict(zip(df["key"], df["articles"], strict=True)) == expected
    assert set(df["entity"]) == {entity}


def test_entity_page_counts_leave_out_near_duplicates(tiny_store):
    info = entity_info(tiny_store, "per:donald_trump")
    assert info["surfaces"] == [("ترامب", 2)]  # not the duplicate's two "Trump"
    found = find_entities(tiny_store, "donald")
    assert found[["key", "mentions"]].values.tolist() == [["per:donald_trump", 2]]
    assert top_entities(tiny_store, Query(), n=1)[["key", "mentions"]].values.tolist() == [["loc:us", 3]]


def test_entities_of_given_articles(seeded_store):
    ids = matching_ids(seeded_store, Query(entities=["org:opec"]))[:3]
    df = entities_of(seeded_store, [*ids, 10**9])
    assert set(df["article_id"]) == set(ids) and list(df.columns) == ["article_id", "key", "name_ar", "name_en", "type"]
    assert (df.groupby("article_id")["key"].apply(lambda k: "org:opec" in set(k))).all()
    assert not df.duplicated(["article_id", "key"]).any()
    assert entities_of(seeded_store, []).empty
