"""The shipped Arabic CRF decoded in numpy (marsad.nlp.ner.arabic_emissions + crf_scoring) gives crfsuite's tags."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import ANERCORP_LAST, ANT_SAMPLE, SEED, read_records

from marsad.nlp.ner import statistical
from marsad.nlp.ner.arabic_crf import document_memory, sentence_features, split_sequences, tokenize
from marsad.nlp.ner.conll import read_conll
from marsad.nlp.ner.statistical import _LINE

ANT_ARTICLES = 120  # ~33k tokens, ~1,200 sequences: a few seconds both ways
MAX_FALLBACK = 0.02  # near-ties left to crfsuite: ~0.4% of news sequences


@pytest.fixture(scope="module")
def taggers():
    fast = statistical._arabic()
    assert fast.emissions is not None
    return fast, dataclasses.replace(fast, emissions=None, decoded={"scorer": 0, "crfsuite": 0})


def token_lines(text: str) -> list[list[str]]:
    lines = ([text[s:e] for s, e in tokenize(m.group())] for m in _LINE.finditer(text))
    return [line for line in lines if line]


def test_rows_are_the_weights_of_sentence_features(taggers):
    fast, _ = taggers
    lines = token_lines(SEED.read_text(encoding="utf-8"))
    memory = document_memory(lines, fast.resources)
    scorer = fast.emissions.scorer
    for line in lines:
        for start, end in split_sequences(line):
            part = line[start:end]
            expected = np.stack([scorer.score_row(f) for f in sentence_features(part, fast.resources, memory)])
            np.testing.assert_allclose(fast.emissions([part], [memory]), expected, rtol=1e-9, atol=1e-9)


def test_documents_tag_as_crfsuite_tags_them(taggers):
    fast, slow = taggers
    docs = [token_lines(r["text"]) for r in read_records(ANT_SAMPLE, ANT_ARTICLES) if r.get("text")]
    before = dict(fast.decoded)
    expected = [slow.tag_document(d) for d in docs]
    assert fast.tag_documents(docs) == expected
    assert fast.tag_document(docs[0]) == expected[0]
    scored, fallback = (fast.decoded[k] - before[k] for k in ("scorer", "crfsuite"))
    assert scored > 1000
    assert fallback <= MAX_FALLBACK * (scored + fallback)


def test_sentences_tag_as_crfsuite_tags_them(taggers):
    fast, slow = taggers
    sentences = [tokens for tokens, _ in read_conll(ANERCORP_LAST)] + [[]]
    assert fast.tag_sentences(sentences) == slow.tag_sentences(sentences)
    assert fast.tag(sentences[0]) == slow.tag(sentences[0])
