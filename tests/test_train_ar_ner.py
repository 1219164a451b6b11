"""training/train_ar_ner.py: seen-name lexicons from tagged sentences, and each training block blind to its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from train_ar_ner import SEEN_FOLDS, _training_features, contiguous_folds, seen_names, with_seen  # noqa: E402

from marsad.nlp.ner.arabic_crf import Resources  # noqa: E402


def sent(*pairs: str) -> tuple[list[str], list[str]]:
    return [p.split("/")[0] for p in pairs], [p.split("/")[1] for p in pairs]


SENTENCES = [
    sent("قال/O", "ميلر/B-PERS", "في/O", "بغداد/B-LOC"),
    sent("زار/O", "نوري/B-PERS", "المالكي/I-PERS", "مجلس/B-ORG", "الأمن/I-ORG"),
    sent("وصل/O", "كروكر/B-PERS", "./O"),
    sent("غادر/O", "بيترايوس/B-PERS", "./O"),
    sent("تحدث/O", "ساترفيلد/B-PERS", "./O"),
]


def test_seen_names_by_type():
    assert seen_names(SENTENCES[:2]) == {
        "seen_per": ["ميلر", "نوري المالكي"], "seen_org": ["مجلس الأمن"], "seen_loc": ["بغداد"]
    }


@pytest.mark.parametrize("enabled", [True, False])
def test_seen_names_only_when_the_settings_ask(enabled):
    res = with_seen(SENTENCES, Resources(), {"seen_gazetteers": enabled})
    assert ("كروكر" in res.lexicons.get("seen_per", frozenset())) is enabled


def test_a_training_block_never_sees_its_own_names():
    assert len(SENTENCES) == SEEN_FOLDS and contiguous_folds(len(SENTENCES), SEEN_FOLDS)[2] == (2, 3)
    feats = _training_features(SENTENCES, Resources(), {"seen_gazetteers": True})
    # كروكر is tagged only in sentence 2 (its own block): no seen-name feature there; ميلر is tagged in block 0,
    # so block 0 does not see it either, but a sentence of another block naming it would.
    assert "seen_per" not in feats[2][1] and "seen_per" not in feats[0][1]
    later = _training_features([*SENTENCES, sent("قال/O", "كروكر/B-PERS")], Resources(), {"seen_gazetteers": True})
    assert later[-1][1]["seen_per"] == 1.0
