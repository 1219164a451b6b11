"""keyphrases.rank: YAKE's statistics on hand-made texts — candidates, grouping, and what ranks first."""

from __future__ import annotations

import pytest

from marsad.nlp.keyphrases import rank
from marsad.text.normalize import normalize

STOPS = frozenset(normalize(w) for w in ("the", "of", "in", "on", "a", "and", "said", "في", "من", "على", "إلى"))


def phrases(text: str, **kw) -> list[str]:
    return [p for p, _ in rank(text, STOPS, **kw)]


def test_a_repeated_name_ranks_first_and_scores_ascend():
    text = ("The Bank of England raised rates on Thursday. Traders said the Bank of England surprised markets. "
            "Pound traders bought sterling. The Bank of England will meet again in May.")
    ranked = list(rank(text, STOPS))
    assert ranked[0][0] == "Bank of England"
    assert [s for _, s in ranked] == sorted(s for _, s in ranked)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Oil prices rose, traders said on Monday.", "prices rose traders"),  # across a comma
        ("وصل الوفد إلى بغداد، وبدأ المحادثات.", "بغداد وبدا"),  # across an Arabic comma
        ("The army moved. Troops left the city.", "moved Troops"),  # across a sentence end
        ("Sales of 2,500 cars fell in 1987 at F16 plants.", "2,500 cars"),  # numbers and digit-words are never in
        ("Sales of 2,500 cars fell in 1987 at F16 plants.", "F16 plants"),
        ("The talks in Geneva ended.", "the talks"),  # a stopword never starts or ends a phrase
    ],
)
def test_phrases_never_cross_punctuation_or_hold_numbers_or_edge_stopwords(text, absent):
    found = [normalize(p) for p in phrases(text)]
    assert normalize(absent) not in found
    assert all(p.split()[0] not in STOPS and p.split()[-1] not in STOPS for p in found)


def test_spellings_of_one_arabic_word_count_together():
    # أزمة / ازمة / أزمه are one word after normalisation: one candidate, shown as first written, ranked above
    # the same shape said once (ومشكلة المياه).
    text = "تفاقمت أزمة الكهرباء. وزير يعد بحل ازمة الكهرباء. الشارع يشكو أزمه الكهرباء ومشكلة المياه."
    found = phrases(text)
    keys = [normalize(p) for p in found]
    assert len(keys) == len(set(keys))
    assert "أزمة الكهرباء" in found and "ازمة الكهرباء" not in found and "أزمه الكهرباء" not in found
    assert found.index("أزمة الكهرباء") < found.index("ومشكلة المياه")


def test_long_phrases_are_cut_at_max_words():
    assert all(len(p.split()) <= 2 for p in phrases("Iraqi Prime Minister Mustafa Kadhimi met officials.", max_words=2))


@pytest.mark.parametrize("text", ["", "   ", "12 34 ...", "، . ؟"])
def test_no_words_no_phrases(text):
    assert phrases(text) == []
