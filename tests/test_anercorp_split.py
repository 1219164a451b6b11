"""training/anercorp_split.py: story starts, a held-out cut at a story boundary, repeated stories dropped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from anercorp_split import heldout_split, is_story_start, stories  # noqa: E402


def sent(text: str) -> tuple[list[str], list[str]]:
    tokens = text.split()
    return tokens, ["O"] * len(tokens)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("فرانكفورت ( د ب أ ) أعلن اتحاد", True),
        ("رجح الممثل الأعلى للأمن", True),
        ("وقال رئيس الاتحاد", False),
        ("فيما أكد الوزير", False),
        ("مؤكدا أنهم لم يتمكنوا", False),
        ("كما أكد ان الحزب", False),
        ("من جهته رفض السفير", False),
        ("ولد الطفل", True),  # a three-letter word starting with و is a word, not و + a connective
        ("", False),
    ],
)
def test_story_starts(text, start):
    assert is_story_start(text.split()) is start


STORY_A = [sent("أعلن الوزير شيئا ."), sent("وقال إنه مهم ."), sent("وأضاف أنه جديد .")]
STORY_B = [sent("قررت الحكومة أمرا ."), sent("وأكدت ذلك .")]
STORY_C = [sent("ارتفع عدد الضحايا ."), sent("وقال مسؤول إنه كبير .")]


def test_stories_are_ranges_from_one_start_to_the_next():
    assert stories(STORY_A + STORY_B) == [(0, 3), (3, 5)]


def test_cut_falls_on_the_next_story_start_never_inside_a_story():
    corpus = STORY_A + STORY_B + STORY_C  # stories start at sentences 0, 3 and 5
    split = heldout_split(corpus, 0.4)  # wanted cut round(7 * 0.6) = 4, inside B: the cut moves to C's start
    assert split.train == STORY_A + STORY_B and split.test == STORY_C
    assert split.describe()["test_stories"] == 1 and split.describe()["duplicate_stories_dropped"] == 0


def test_a_held_out_story_repeated_from_the_training_part_is_dropped():
    split = heldout_split(STORY_A + STORY_B + STORY_C + STORY_A, 0.5)
    assert split.train == STORY_A + STORY_B and split.test == STORY_C
    assert split.describe()["duplicate_stories_dropped"] == 1
    assert split.describe()["duplicate_sentences_dropped"] == len(STORY_A)


@pytest.mark.parametrize("share", [0, 1, -0.2, 1.5])
def test_share_must_be_a_proper_fraction(share):
    with pytest.raises(ValueError):
        heldout_split(STORY_A, share)
