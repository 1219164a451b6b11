"""marsad.nlp.ner.neural: the numpy runtime of the neural Arabic NER tagger, checked against PyTorch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ANERCORP_LAST, FIXTURES

from marsad.nlp.ner import neural
from marsad.nlp.ner.arabic_crf import ModelMissing, Resources, document_memory
from marsad.nlp.ner.conll import read_conll
from marsad.nlp.ner.neural import (
    FLAG_NAMES,
    encode,
    load_directory,
    lstm,
    viterbi,
    viterbi_batch,
    word_inputs,
    word_memory,
)

TINY = FIXTURES / "ar_ner_neural_tiny"  # built by tests/fixtures/build_neural_fixture.py
EXPECTED = json.loads((TINY / "expected.json").read_text(encoding="utf-8"))


def test_numpy_tags_equal_the_fixture_tags_of_torch():
    tagger = load_directory(TINY)
    tags = tagger.tag_sentences(EXPECTED["sentences"])
    assert tags == EXPECTED["tags"]
    assert {t for s in tags for t in s} > {"O"}  # the fixture tags entities, not only O


def test_tagging_a_batch_equals_tagging_one_by_one():
    tagger = load_directory(TINY)
    sentences = EXPECTED["sentences"][:8]
    encoded = [encode(s, tagger.resources, tagger.vocab, {}, None) for s in sentences]
    together = tagger.emissions(encoded)
    for enc, batched in zip(encoded, together, strict=True):
        [alone] = tagger.emissions([enc])
        np.testing.assert_allclose(batched, alone, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cache_size, chunk", [(8, 5), (50_000, 4096)])
def test_memoised_gates_give_the_same_emissions(monkeypatch, cache_size, chunk):
    """Word forms' input gates are memoised (and the memo cleared when full): cold, warm and evicting runs agree,
    whatever the chunks the character CNN runs in."""
    monkeypatch.setattr(neural, "GATE_CACHE_SIZE", cache_size)
    monkeypatch.setattr(neural, "CHAR_CHUNK", chunk)
    tagger = load_directory(TINY)
    sentences = EXPECTED["sentences"]
    encoded = [encode(s, tagger.resources, tagger.vocab, {}, None) for s in sentences]
    cold = tagger.emissions(encoded)
    warm = tagger.emissions(encoded[::-1])[::-1]
    tagger.clear_memo()
    one_by_one = [tagger.emissions([e])[0] for e in encoded]  # a small memo is cleared many times over
    for a, b, c in zip(cold, warm, one_by_one, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5)
    assert len(tagger._gate_rows) <= max(cache_size, max(len(e.tokens) for e in encoded))


def test_empty_lines_get_no_tags():
    tagger = load_directory(TINY)
    assert tagger.tag_document([[], ["قال", "ميلر"], []])[::2] == [[], []]
    assert tagger.tag_sentences([]) == []
    assert tagger.tag_documents([]) == []


def test_documents_tag_in_one_batch_as_one_by_one():
    tagger = load_directory(TINY)
    sentences = EXPECTED["sentences"]
    # Two documents, the first with a line of two sentences (split after its full stop).
    docs = [[sentences[0] + ["."] + sentences[1], sentences[2]], [sentences[3]]]
    together = tagger.tag_documents(docs)
    assert together == [tagger.tag_document(d) for d in docs]
    assert [len(t) for t in together[0]] == [len(line) for line in docs[0]]


def test_word_memory_equals_the_crf_document_memory():
    tagger = load_directory(TINY)
    res = tagger.resources.with_lexicons({"per_context": ["اللواء", "الرئيس"], "loc_context": ["مدينة"]})
    lines = [tokens for tokens, _ in read_conll(ANERCORP_LAST)] + [["قال", "اللواء", "الخفاجي", "في", "مدينة", "الموصل"]]
    words = [[word_inputs(t, res, tagger.vocab, {}) for t in tokens] for tokens in lines]
    expected = document_memory(lines, res)
    assert word_memory(words) == expected
    assert expected["خفاجي"] >= {"per_context"}


def test_missing_model_is_a_marsad_error(tmp_path):
    with pytest.raises(ModelMissing, match="neural NER model is missing"):
        load_directory(tmp_path)


@pytest.mark.parametrize(
    "emissions, transitions, expected",
    [
        # Emissions alone decide when transitions are flat.
        ([[1, 0], [0, 1], [1, 0]], [[0, 0], [0, 0]], [0, 1, 0]),
        # A forbidding 0 → 1 transition outweighs a small emission preference.
        ([[1, 0], [0, 0.5], [0, 0.5]], [[0, -5], [0, 0]], [0, 0, 0]),
        # A strong emission pays the transition once and then stays.
        ([[0, 3], [0, 1], [0, 1]], [[0, 0], [-1, 2]], [1, 1, 1]),
        ([[0.2, 0.1]], [[0, 0], [0, 0]], [0]),
    ],
)
def test_viterbi(emissions, transitions, expected):
    zeros = np.zeros(2)
    assert viterbi(np.array(emissions, float), np.array(transitions, float), zeros, zeros) == expected


def test_batched_viterbi_equals_one_by_one():
    rng = np.random.default_rng(3)
    lengths = np.array([7, 5, 5, 1])
    emissions = rng.normal(size=(4, 7, 5))
    transitions, start, end = rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5)
    together = viterbi_batch(emissions, lengths, transitions, start, end)
    alone = [viterbi(emissions[b, :n], transitions, start, end) for b, n in enumerate(lengths)]
    assert together == alone
    assert [len(p) for p in together] == [7, 5, 5, 1]


def brute_force(emissions, transitions, start, end) -> list[int]:
    from itertools import pairwise, product

    def total(path):
        return (start[path[0]] + end[path[-1]] + sum(emissions[t, k] for t, k in enumerate(path))
                + sum(transitions[a, b] for a, b in pairwise(path)))

    return list(max(product(range(emissions.shape[1]), repeat=len(emissions)), key=total))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_viterbi_finds_the_best_path(seed):
    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(4, 3))
    transitions, start, end = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    assert viterbi(emissions, transitions, start, end) == brute_force(emissions, transitions, start, end)


def test_flags_mark_lexicons_phrases_memory_and_shape():
    res = Resources()
    res.add_lexicon("per_context", ["اللواء"])
    res.add_lexicon("gaz_org", ["مجلس الأمن"])
    res.add_lexicon("loc", ["بغداد"])
    tagger = load_directory(TINY)
    tokens = ["قال", "اللواء", "الخفاجي", "في", "بغداد", "مجلس", "الأمن", "2020"]
    enc = encode(tokens, res, tagger.vocab, {}, {"خفاجي": frozenset({"per_context"})})
    on = [{FLAG_NAMES[k] for k in np.flatnonzero(row)} for row in enc.flags]
    assert "per_context" in on[1]
    assert "m_per_context" in on[2]
    assert "loc" in on[4]
    assert {"org:B"} <= on[5] and {"org:I"} <= on[6]
    assert "sh_digit" in on[7] and "sh_arabic" in on[0]
    assert enc.words.shape == (8,) and enc.clusters.shape == (8, 4)


def test_numpy_forward_equals_torch():
    torch = pytest.importorskip("torch")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
    from train_ar_ner_neural import Net, to_batch

    tagger = load_directory(TINY)
    meta = json.loads((TINY / "meta.json").read_text(encoding="utf-8"))
    net = Net(tagger.vocab, meta["settings"], word_dims=tagger.w["word_emb.weight"].shape[1])
    net.load_state_dict({name: torch.from_numpy(array) for name, array in tagger.w.items()})
    net.eval()
    sentences = EXPECTED["sentences"][:6]
    encoded = [encode(s, tagger.resources, tagger.vocab, {}, None) for s in sentences]
    with torch.no_grad():
        emissions = net.emissions(to_batch(encoded))
    for k, ours in enumerate(tagger.emissions(encoded)):
        theirs = emissions[k, : len(ours)]
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-4, atol=1e-4)
        assert net.crf.decode(theirs) == viterbi(ours, tagger.w["crf.transitions"], tagger.w["crf.start"],
                                                 tagger.w["crf.end"])


def test_numpy_lstm_equals_torch_on_padded_batches():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    layer = torch.nn.LSTM(5, 4, batch_first=True)
    x = torch.randn(3, 6, 5)
    lengths = np.array([6, 4, 1])
    weights = {name: p.detach().numpy() for name, p in layer.named_parameters()}
    gates = x.numpy() @ weights["weight_ih_l0"].T + weights["bias_ih_l0"] + weights["bias_hh_l0"]
    ours = lstm(gates, lengths, weights["weight_hh_l0"])
    with torch.no_grad():
        for b, n in enumerate(lengths):
            theirs, _ = layer(x[b : b + 1, :n])
            np.testing.assert_allclose(ours[b, :n], theirs[0].numpy(), rtol=1e-5, atol=1e-5)
            assert not ours[b, n:].any()
