"""A document-level held-out split of ANERcorp: train on the head, test on whole stories of the tail.

ANERcorp is a run of news sentences with no document marks, and some stories occur twice (sentences 8–38 of
anercorp_train80 recur as 39–69). A contiguous cut in the middle of a story, or a tail story that also sits in
the head, lets the model see test text: both inflate the score. So:

- stories are found by their first sentence: a dateline ("فرانكفورت ( د ب أ )", "بغداد -") opens one; a
  continuation sentence opens with a connective (وقال, فيما, كما …) or a participle hanging on the previous one
  (مؤكدا, مشيرا); any other sentence is a story start;
- the held-out part starts at the first story start at or after the requested share from the end;
- held-out stories whose sentences mostly occur verbatim in the head are dropped (duplicated stories).

Used by training/train_ar_ner.py and bench/ner_quality.py so that both report the same split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from marsad.text.normalize import normalize_arabic

LOGGER = logging.getLogger(__name__)

# First words of sentences that continue a story (after normalisation: أ/إ/آ → ا, ى → ي, ة → ه).
CONTINUATIONS = frozenset(
    normalize_arabic(w)
    for w in (
        "كما", "لكن", "لكنه", "غير", "الا", "إلا", "بينما", "فيما", "حيث", "اذ", "إذ", "أي", "أما", "ثم", "بل",
        "مؤكدا", "مشيرا", "مضيفا", "موضحا", "نافيا", "معتبرا", "معربا", "قائلا", "لافتا", "داعيا", "مشددا",
        "من", "وهو", "وهي", "وذلك", "هذا", "هذه", "ذلك", "وكان", "وكانت", "كذلك", "يذكر", "يشار", "يأتي",
        "جاء", "وقد", "ومن", "الى", "إلى", "على", "في", ")", "\"", "،", ".", ",", "-",
    )
)
# Second tokens that make the first a dateline: "بغداد ( اف ب )", "واشنطن - ".
DATELINE_MARKS = ("(", "-", "ـ", ":")
# A story's sentences that must occur in the head for the story to count as a duplicate.
DUPLICATE_SHARE = 0.5


@dataclass(frozen=True)
class Split:
    """Sentence lists of a held-out split and what was dropped from the held-out part as duplicated."""

    train: list
    test: list
    stories_train: int
    stories_test: int
    stories_dropped: int
    sentences_dropped: int

    def describe(self) -> dict:
        return {
            "train_sentences": len(self.train),
            "test_sentences": len(self.test),
            "train_stories": self.stories_train,
            "test_stories": self.stories_test,
            "duplicate_stories_dropped": self.stories_dropped,
            "duplicate_sentences_dropped": self.sentences_dropped,
        }


def is_story_start(tokens: list[str]) -> bool:
    """Whether a sentence opens a new story rather than continuing the previous one."""
    if not tokens:
        return False
    if len(tokens) > 1 and tokens[1].startswith(DATELINE_MARKS):
        return True
    first = normalize_arabic(tokens[0])
    if first in CONTINUATIONS:
        return False
    # A connective proclitic (و, ف) on a word of 3+ letters: وقال, وأضاف, فيما.
    return not (len(first) >= 4 and first[0] in "وف")


def stories(sentences: list) -> list[tuple[int, int]]:
    """(start, end) sentence ranges of the stories of ``sentences`` ((tokens, tags) pairs), in order."""
    starts = [0] + [i for i in range(1, len(sentences)) if is_story_start(sentences[i][0])]
    return list(zip(starts, [*starts[1:], len(sentences)], strict=True))


def heldout_split(sentences: list, share: float = 0.2) -> Split:
    """Train on the stories before the cut, test on the stories after it that are not in the training part."""
    if not 0 < share < 1:
        raise ValueError(f"held-out share must be between 0 and 1, got {share}")
    ranges = stories(sentences)
    wanted = round(len(sentences) * (1 - share))
    # The first story starting at or after the wanted cut (or the last story, if the tail is one story).
    cut_index = next((k for k, (start, _) in enumerate(ranges) if start >= wanted), len(ranges) - 1)
    cut = ranges[cut_index][0]
    train = sentences[:cut]
    seen = {tuple(tokens) for tokens, _ in train}
    test: list = []
    dropped = dropped_sentences = 0
    for start, end in ranges[cut_index:]:
        story = sentences[start:end]
        repeated = sum(tuple(tokens) in seen for tokens, _ in story)
        if repeated > DUPLICATE_SHARE * len(story):
            dropped += 1
            dropped_sentences += len(story)
            continue
        test.extend(story)
    split = Split(train, test, cut_index, len(ranges) - cut_index - dropped, dropped, dropped_sentences)
    LOGGER.info("document-level held-out split: %s", split.describe())
    return split
