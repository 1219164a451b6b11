"""CoNLL reading and exact-span scoring (marsad.nlp.ner.conll)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import ANERCORP_FIRST, CONLL_VALID_FIRST

from marsad.errors import RejectedInput
from marsad.nlp.ner.conll import normalize_label, read_conll, score, spans, to_bio


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_conll_columns_docstart_and_sentence_breaks(tmp_path):
    path = write(
        tmp_path / "tiny.txt",
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n"
        "Peter NNP B-NP B-PER\nBlackburn NNP B-NP I-PER\n",
    )
    assert read_conll(path) == [
        (["EU", "rejects", "German"], ["B-ORG", "O", "B-MISC"]),
        (["Peter", "Blackburn"], ["B-PER", "I-PER"]),
    ]


def test_read_conll_gzip_and_anercorp_conventions(tmp_path):
    path = tmp_path / "ar.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        # PERS is PER; a line without a token (ANERcorp has " O" lines) is skipped; MIS1 is MISC.
        handle.write("قال O\nجورج B-PERS\nبوش I-PERS\n O\nفي O\nالعراق B-LOC\nالإسلام B-MIS1\n.\tO\n\n")
    [(tokens, tags)] = read_conll(path)
    assert tokens == ["قال", "جورج", "بوش", "في", "العراق", "الإسلام", "."]
    assert tags == ["O", "B-PER", "I-PER", "O", "B-LOC", "B-MISC", "O"]


@pytest.mark.parametrize(
    "content, message",
    [("", "no tagged tokens"), ("\n\n-DOCSTART- O\n", "no tagged tokens")],
)
def test_read_conll_rejects_empty_files(tmp_path, content, message):
    with pytest.raises(RejectedInput, match=message):
        read_conll(write(tmp_path / "empty.txt", content))


def test_read_conll_missing_file_names_it(tmp_path):
    with pytest.raises(RejectedInput, match="nothere.txt"):
        read_conll(tmp_path / "nothere.txt")


@pytest.mark.parametrize(
    "raw, bio",
    [
        # IOB1: entities start with I-; B- only separates two adjacent entities of one type.
        (["I-PER", "I-PER", "O", "I-LOC"], ["B-PER", "I-PER", "O", "B-LOC"]),
        (["I-PER", "B-PER", "I-PER"], ["B-PER", "B-PER", "I-PER"]),
        (["I-ORG", "I-LOC"], ["B-ORG", "B-LOC"]),
        (["B-PERS", "I-PERS"], ["B-PER", "I-PER"]),
        (["B-GPE", "B-PERSON", "B-NORP"], ["B-LOC", "B-PER", "B-MISC"]),
        (["B-MIS0", "I-MIS0", "B-MIS-2", "IO", "I--ORG"], ["B-MISC", "I-MISC", "B-MISC", "O", "B-ORG"]),
    ],
)
def test_to_bio(raw, bio):
    assert to_bio(raw) == bio


@pytest.mark.parametrize("label, expected", [("PERS", "PER"), ("fac", "LOC"), ("MIS3", "MISC"), ("ENGLISH", "MISC")])
def test_normalize_label(label, expected):
    assert normalize_label(label) == expected


def test_spans_are_token_ranges():
    assert spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_score_exact_spans_only():
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"]]
    # Person right; place with wrong extent; organisation typed as a place.
    pred = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-LOC", "I-LOC"]]
    result = score(gold, pred)
    assert result["PER"] == 1.0
    assert result["LOC"] == 0.0 and result["LOC_precision"] == 0.0 and result["LOC_support"] == 1
    assert result["ORG"] == 0.0 and result["ORG_recall"] == 0.0
    assert result["precision"] == pytest.approx(1 / 3)
    assert result["recall"] == pytest.approx(1 / 3)
    assert result["micro_f1"] == pytest.approx(1 / 3)


def test_score_pers_equals_per_and_ignores_misc():
    gold = [["B-PERS", "I-PERS", "B-MISC"]]
    pred = [["B-PER", "I-PER", "O"]]
    result = score(gold, pred)
    assert result["micro_f1"] == 1.0 and result["PER"] == 1.0


def test_score_custom_types_and_empty_prediction():
    gold = [["B-MISC", "O", "B-PER"]]
    result = score(gold, [["B-MISC", "O", "O"]], types=("MISC", "PER"))
    assert result["MISC"] == 1.0 and result["PER"] == 0.0
    assert result["micro_f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)


@pytest.mark.parametrize("gold, pred", [([["O"]], []), ([["O", "O"]], [["O"]])])
def test_score_rejects_misaligned_input(gold, pred):
    with pytest.raises(ValueError):
        score(gold, pred)


def _check_real_file(path: Path, first_tokens: list[str], first_tags: list[str]) -> None:
    sentences = read_conll(path)
    tokens, tags = sentences[0]
    assert tokens[: len(first_tokens)] == first_tokens
    assert tags[: len(first_tags)] == first_tags
    assert all(len(t) == len(g) for t, g in sentences)
    assert score([g for _, g in sentences], [g for _, g in sentences])["micro_f1"] == 1.0


ANERCORP_HEAD = (["فرانكفورت", "(د", "ب", "أ)"], ["B-LOC", "O", "O", "O"])
CONLL_VALID_HEAD = (["CRICKET", "-", "LEICESTERSHIRE"], ["O", "O", "B-ORG"])


@pytest.mark.parametrize(
    "path, head", [(ANERCORP_FIRST, ANERCORP_HEAD), (CONLL_VALID_FIRST, CONLL_VALID_HEAD)], ids=["anercorp", "conll"]
)
def test_real_slices_first_sentence(path, head):
    _check_real_file(path, *head)


@pytest.mark.parametrize(
    "name, head",
    [
        ("anercorp_train80.txt.gz", ANERCORP_HEAD),
        ("conll2003_valid.txt.gz", CONLL_VALID_HEAD),
        ("conll2003_train.txt.gz", (["EU", "rejects", "German"], ["B-ORG", "O", "B-MISC"])),
    ],
)
def test_whole_real_files(shared, name, head):
    _check_real_file(shared / "ner" / name, *head)
