"""The one list of Arabic clitics: every chain, longest first, and the article forms callers rely on."""

import pytest

from marsad.text import clitics as C


def test_proclitic_chains():
    assert set(C.PROCLITICS) == {"و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل"}
    assert set(C.ATTACHED_ARTICLES) == {"بال", "كال", "لل", "وال", "وبال", "وكال", "ولل", "فال", "فبال", "فكال", "فلل"}
    assert C.ARTICLE_PREFIXES[-1] == C.ARTICLE and set(C.ARTICLE_PREFIXES[:-1]) == set(C.ATTACHED_ARTICLES)


@pytest.mark.parametrize("forms", [C.PROCLITICS, C.ATTACHED_ARTICLES, C.ARTICLE_PREFIXES, C.ENCLITICS])
def test_longest_first_so_the_first_match_is_the_whole_chain(forms):
    assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
    assert len(set(forms)) == len(forms)


@pytest.mark.parametrize(("word", "expected"), [
    ("وللعراق", "ولل"), ("فبالحدود", "فبال"), ("بالعراق", "بال"), ("العراق", "ال"), ("وزير", None),
])
def test_first_article_prefix_of_a_word(word, expected):
    assert next((p for p in C.ARTICLE_PREFIXES if word.startswith(p)), None) == expected
