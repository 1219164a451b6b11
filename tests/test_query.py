from datetime import date

import pytest

from marsad.analytics import Query
from marsad.errors import InvalidQuery


def test_defaults_are_empty_and_hashable():
    q = Query()
    assert q.to_params() == {}
    assert not q.has_content
    assert hash(q) == hash(Query())


@pytest.mark.parametrize(
    "query",
    [
        Query(),
        Query(text="الحدود AND (سوريا OR العراق)"),
        Query(text='"قوات سوريا الديمقراطية" -داعش', start=date(2020, 9, 1), end=date(2020, 9, 30)),
        Query(languages=("ar", "en"), sources=("alarabia", "ناس"), entities=("org:isis", "per:مصطفى_الكاظمي")),
        Query(topics=(3, 17), include_duplicates=True),
        Query(text="title:oil lang:en", start=date(1987, 2, 26)),
    ],
)
def test_params_round_trip(query):
    params = query.to_params()
    assert Query.from_params(params) == query
    # st.query_params hands multi-valued keys back as lists or as one comma-joined string
    flat = {k: ",".join(v) if isinstance(v, list) else v for k, v in params.items()}
    assert Query.from_params(flat) == query
    # the URL form a saved monitor keeps (with or without the "?")
    assert Query.from_url(query.to_url()) == Query.from_url("?" + query.to_url()) == query


def test_url_form_escapes_what_urls_reserve():
    q = Query(text="oil & gas = 100%", entities=("org:a&b",))
    assert "&gas" not in q.to_url() and Query.from_url(q.to_url()) == q
    with pytest.raises(InvalidQuery, match="from date"):
        Query.from_url("from=yesterday")


def test_params_use_short_stable_keys():
    q = Query(
        text="x",
        start="2020-01-01",
        end="2020-01-31",
        languages=["ar"],
        sources=["bbc"],
        entities=["org:isis"],
        topics=[4],
        include_duplicates=True,
        undated=True,
    )
    assert set(q.to_params()) == {"q", "from", "to", "lang", "src", "ent", "topic", "dups", "undated"}
    assert q.to_params()["topic"] == ["4"]


def test_lists_and_strings_are_normalised():
    q = Query(languages=["AR", "ar", " en "], topics=["5", 5], sources="a,b")
    assert q.languages == ("ar", "en")
    assert q.topics == (5,)
    assert q.sources == ("a", "b")


def test_base_drops_the_content_part():
    q = Query(text="x", entities=["org:isis"], topics=[1], languages=["ar"], start="2020-01-01")
    assert q.has_content
    assert q.base() == Query(languages=["ar"], start="2020-01-01")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": "2020-13-01"}, "not a date"),
        ({"start": "yesterday"}, "not a date"),
        ({"start": "2020-02-01", "end": "2020-01-01"}, "reversed"),
        ({"text": '"unclosed phrase'}, "quotation mark"),
        ({"text": "(a OR b"}, "parenthesis"),
        ({"text": "a )"}, "unexpected"),
        ({"text": "NOT a"}, "positive term"),
        ({"topics": ["three"]}, "topic"),
        ({"start": "0001-01-01"}, "outside the days"),
        ({"end": "9999-12-31"}, "outside the days"),
    ],
)
def test_invalid_queries_say_why(kwargs, message):
    with pytest.raises(InvalidQuery, match=message):
        Query(**kwargs)


@pytest.mark.parametrize("params", [{"from": "2020-02-30"}, {"dups": "maybe"}, {"undated": "maybe"}, {"topic": "x"}])
def test_invalid_params_raise(params):
    with pytest.raises(InvalidQuery):
        Query.from_params(params)


def test_unknown_params_are_ignored():
    assert Query.from_params({"page": "entities", "q": "oil"}) == Query(text="oil")
