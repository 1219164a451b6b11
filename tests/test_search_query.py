"""The search syntax (marsad.store.search_query): exclusions, nesting limits, and a fuzz of the parser."""

import random
import re

import pytest
from conftest import tiny_search_index

from marsad.errors import InvalidQuery
from marsad.store.search import SearchFilters
from marsad.store.search_query import MAX_DEPTH, compile_query, parse

# A tiny hand-built archive: which articles hold which words.
DOCS = {
    1: "ترامب يلتقي زعيم كوريا الشمالية في سنغافورة",
    2: "ترامب يفرض رسوما على الصين",
    3: "ترامب يزور كوريا الجنوبية",
    4: "ترامب يتحدث عن الاقتصاد الأمريكي",
    5: "كوريا الشمالية تطلق صاروخا",
    6: "Trump meets Kim in Singapore",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return tiny_search_index(tmp_path_factory.mktemp("search") / "tiny.search.sqlite", DOCS)


def _ids(index, text):
    return set(index.match_ids(text, filters=SearchFilters()))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ترامب", {1, 2, 3, 4}),
        ('ترامب -"كوريا الشمالية"', {2, 3, 4}),
        ('ترامب NOT "كوريا الشمالية"', {2, 3, 4}),
        ("ترامب -(كوريا OR الصين)", {4}),
        ("ترامب NOT (كوريا OR الصين)", {4}),
        ("ترامب -كوريا", {2, 4}),
        ('ترامب -(كوريا -"كوريا الشمالية")', {1, 2, 4}),  # excludes Korea unless it is North Korea
        ("ترامب - كوريا", {1, 3}),  # a dash standing alone is punctuation, not an operator
    ],
)
def test_exclusions(index, text, expected):
    assert _ids(index, text) == expected


@pytest.mark.parametrize(
    "minus, not_",
    [
        ('ترامب -"كوريا الشمالية"', 'ترامب NOT "كوريا الشمالية"'),
        ("ترامب -(كوريا OR الصين)", "ترامب NOT (كوريا OR الصين)"),
        ('a -title:"b c"', 'a NOT title:"b c"'),
    ],
)
def test_minus_is_not(minus, not_):
    assert compile_query(minus) == compile_query(not_)


@pytest.mark.parametrize(
    "text, why",
    [
        ("a -(", "not closed"),
        ("a -()", "needs a term"),
        ("a NOT OR b", "NOT needs a term"),
        ("a NOT AND b", "NOT needs a term"),
        ('-"كوريا الشمالية"', "positive term"),
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), "nested"),
        ("a " + "NOT " * (MAX_DEPTH + 1) + "b", "nested"),
        ("a " + "-" * 900 + "b", "nested"),
    ],
)
def test_user_errors(text, why):
    with pytest.raises(InvalidQuery, match=why):
        compile_query(text)


def test_nesting_up_to_the_limit_is_fine():
    deep = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert compile_query(deep) == compile_query("a")


# Pieces a hurried or hostile user types: operators, quotes, brackets, dashes, fields, stars, SQL and FTS5 syntax.
_PIECES = [
    "(", ")", '"', "-", "*", ":", "NOT", "AND", "OR", "NEAR", "^", "{", "}", "'", ";", "--", "/*",
    "title:", "source:", "lang:", "ترامب", "كوريا", "الشمالية", "والحدود", "Trump", "Kim", "oil*",
    "DROP TABLE docs", "1=1", "\\", "\u200f", "،", "ـ", "\x00", "😀",
]


def _random_query(rng: random.Random) -> str:
    parts = rng.choices(_PIECES, k=rng.randint(1, 12))
    return "".join(p + rng.choice(["", "", " "]) for p in parts)


# What the compiled MATCH expression may hold outside its quoted keys: FTS5 grammar only, never input text.
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_GRAMMAR = re.compile(r"^(?:\s|\(|\)|\{title body\}|title|source|lang|:|\*|AND|OR|NOT)*$")


def test_fuzzed_queries_fail_only_with_user_errors(index):
    rng = random.Random(20200927)
    compiled = 0
    for _ in range(1500):
        text = _random_query(rng)
        try:
            expr = compile_query(text)
        except InvalidQuery as exc:
            assert str(exc) and "\n" not in str(exc)
            continue
        if expr is None:
            continue
        compiled += 1
        assert _GRAMMAR.match(_QUOTED.sub("", expr)), (text, expr)
        index.count(text, filters=SearchFilters())  # a compiled query always runs (an FTS5 error would raise)
    assert compiled > 300  # the fuzz reaches the compiler, not only the error paths


def test_hostile_text_is_only_ever_a_bound_parameter(index):
    hostile = "x'; DROP TABLE doc_meta; --"
    assert _ids(index, hostile) == set()
    assert _ids(index, "ترامب") == {1, 2, 3, 4}


def test_parse_keeps_the_tree():
    tree = parse('ترامب -"كوريا الشمالية"')
    assert type(tree).__name__ == "And"
    assert type(tree.children[1]).__name__ == "Not"
