"""The numpy CRF decoder (marsad.nlp.ner.crf_scoring) against crfsuite on small hand-trained models."""

from __future__ import annotations

import numpy as np
import pycrfsuite
import pytest

from marsad.nlp.ner import crf_scoring
from marsad.nlp.ner.crf_scoring import WEIGHT_ERROR, ChainScorer, RowTable

# Tiny training data: a name after "قال", a place after "في"; numeric attributes too (crfsuite scales by value).
TRAIN = [
    ([{"w:قال": 1.0}, {"w:زيد": 1.0, "len": 0.5}, {"w:في": 1.0}, {"w:بغداد": 1.0, "len": 0.7}],
     ["O", "B-PER", "O", "B-LOC"]),
    ([{"w:قال": 1.0}, {"w:عمر": 1.0, "len": 0.4}, {"w:إن": 1.0}], ["O", "B-PER", "O"]),
    ([{"w:في": 1.0}, {"w:دمشق": 1.0, "len": 0.6}, {"w:قال": 1.0}, {"w:علي": 1.0}, {"w:حسن": 1.0}],
     ["O", "B-LOC", "O", "B-PER", "I-PER"]),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> pycrfsuite.Tagger:
    path = tmp_path_factory.mktemp("crf") / "tiny.crfsuite"
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in TRAIN:
        trainer.append(features, labels)
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 50, "feature.possible_transitions": True})
    trainer.train(str(path))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


def rows(scorer: ChainScorer, sequence: list[dict[str, float]]) -> np.ndarray:
    return np.stack([scorer.score_row(features) for features in sequence])


@pytest.mark.parametrize(
    "sequence",
    [
        [{"w:قال": 1.0}, {"w:زيد": 1.0}],
        [{"w:في": 1.0}, {"w:بغداد": 1.0, "len": 2.0}, {"w:قال": 1.0}, {"w:علي": 1.0}, {"w:حسن": 1.0}],
        [{"w:في": 1.0}, {"w:غير": 1.0, "unknown": 3.0}],  # attributes the model never saw count for nothing
        [{"w:قال": 1.0}, {"len": -1.5}, {"w:في": 0.5}, {"w:دمشق": 1.0}, {}],
    ],
)
def test_decode_gives_crfsuite_tags(model, sequence):
    scorer = ChainScorer.from_tagger(model)
    decoded = scorer.decode(rows(scorer, sequence), [len(sequence)])
    assert decoded.undecided == 0
    assert [scorer.labels[k] for k in decoded.paths[0]] == model.tag(sequence)


@pytest.mark.parametrize("batch", [1, 2, 512])
def test_decode_batches_sequences_of_any_length_in_order(model, monkeypatch, batch):
    monkeypatch.setattr(crf_scoring, "BATCH", batch)
    scorer = ChainScorer.from_tagger(model)
    sequences = [features for features, _ in TRAIN] + [[{"w:قال": 1.0}]]
    decoded = scorer.decode(np.concatenate([rows(scorer, s) for s in sequences]), [len(s) for s in sequences])
    assert [[scorer.labels[k] for k in path] for path in decoded.paths] == [model.tag(s) for s in sequences]


def test_labels_keep_crfsuite_ids_and_weights_their_values(model):
    scorer = ChainScorer.from_tagger(model)
    info = model.info()
    assert [int(info.labels[name]) for name in scorer.labels] == list(range(len(scorer.labels)))
    row = scorer.score_row({"len": 2.0, "w:قال": 1.0, "unknown": 5.0})
    expected = [2.0 * info.state_features.get(("len", label), 0.0) + info.state_features.get(("w:قال", label), 0.0)
                for label in scorer.labels]
    assert row[:-1] == pytest.approx(expected)
    assert row[-1] == 3.0  # the rounding slack counts only the attributes the model weights


def test_near_tie_is_left_to_crfsuite():
    scorer = ChainScorer(("A", "B"), {}, np.zeros((0, 2)), np.zeros((2, 2)))
    tie = np.array([[1.0, 1.0 - WEIGHT_ERROR, 1.0]])  # B within the rounding of A
    clear = np.array([[1.0, 0.0, 1.0], [0.0, 2.0, 1.0]])
    decoded = scorer.decode(np.concatenate([tie, clear]), [1, 2])
    assert decoded.paths[0] is None and decoded.undecided == 1
    assert decoded.paths[1].tolist() == [0, 1]


def test_decode_of_nothing():
    scorer = ChainScorer(("A",), {}, np.zeros((0, 1)), np.zeros((1, 1)))
    assert scorer.decode(np.zeros((0, 2)), []).paths == []


def test_row_table_builds_each_key_once_and_empties_when_full():
    built: list[list[str]] = []

    def build(keys):
        built.append(list(keys))
        return np.array([[float(len(k))] for k in keys])

    table = RowTable((1,), limit=3)
    assert table.lookup(["ab", "a", "ab"], build)[:, 0].tolist() == [2.0, 1.0, 2.0]
    assert table.lookup(["a", "abc"], build)[:, 0].tolist() == [1.0, 3.0]
    assert built == [["ab", "a"], ["abc"]]
    assert table.lookup(["abcd"], build)[:, 0].tolist() == [4.0]  # a fourth key: emptied, rebuilt from here
    assert built[-1] == ["abcd"] and list(table.ids) == ["abcd"]
