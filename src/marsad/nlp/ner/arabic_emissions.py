"""Emission scores of the Arabic CRF (marsad.nlp.ner.arabic_crf) for the numpy decoder (crf_scoring).

A token's crfsuite attributes are its word form's own features, its neighbours' features seen from an offset, and a
few sequence-dependent ones (bigrams, gazetteer-phrase marks, edges, document-memory cues). The first two depend on
the word form and the slot only, so their summed weights are memoised per word form (one row per slot); a sequence's
emissions are then a handful of shifted array additions plus the few sequence-dependent rows.

The model's attribute names are parsed once into tables (feature key → value → (slot, weight row) codes), so a new
word form's rows are looked up from its named feature values: attribute strings are never built, and features the
model gives no weight are never looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from itertools import chain

import numpy as np

from marsad.nlp.ner.arabic_crf import (
    FEATURE_CACHE_SIZE,
    OFFSETS,
    Resources,
    context_keys,
    cues_of,
    local_attributes,
    sequence_marks,
    word_features,
)
from marsad.nlp.ner.crf_scoring import ChainScorer, RowTable

LOGGER = logging.getLogger(__name__)

# Attribute-name prefix of each slot: the word itself, then the neighbour at each of OFFSETS (as attributes() names).
SLOT_PREFIXES = ("", *(str(off) for off in OFFSETS))
VECTOR_KEY = "e"  # dense-vector features are named e0, e1 … (arabic_crf.vector_keys)


class EmissionBuilder:
    """Score rows (ChainScorer.score_row) of the tokens of sequences, as sentence_features + score_row would give."""

    def __init__(self, scorer: ChainScorer, resources: Resources) -> None:
        self.scorer = scorer
        self.resources = resources
        self.strings, self.numbers = _slot_tables(scorer.rows)
        self.bias = scorer.score_row({"bias": 1.0})
        self.rows = RowTable((len(SLOT_PREFIXES), scorer.width), FEATURE_CACHE_SIZE)
        self._vector_rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, parts: list[list[str]], memories: list[dict[str, frozenset[str]] | None]) -> np.ndarray:
        """Score rows of the tokens of all ``parts`` (sequences), one after another; ``memories[k]``: the document
        memory of part k (see document_memory)."""
        res = self.resources
        tokens = [token for part in parts for token in part]
        lengths = np.array([len(part) for part in parts])
        block = self.rows.lookup(tokens, self.word_rows)  # [token, slot, label scores + slack]
        scores = block[:, 0] + self.bias
        position = np.arange(len(tokens)) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # within its part
        part_length = np.repeat(lengths, lengths)
        for slot, off in enumerate(OFFSETS, start=1):  # token i sees word i + off of its own part
            seen = np.flatnonzero((position + off >= 0) & (position + off < part_length))
            scores[seen] += block[seen + off, slot]
        rows = self.scorer.rows
        index: list[int] = []
        found: list[int] = []
        first = 0
        for part, memory in zip(parts, memories, strict=True):
            words = [word_features(token, res) for token in part]
            norms, marks = sequence_marks(words, res)
            for i, names in enumerate(local_attributes(norms, marks, [cues_of(word, memory) for word in words])):
                for name in names:
                    row = rows.get(name)
                    if row is not None:
                        index.append(first + i)
                        found.append(row)
            first += len(part)
        if found:
            np.add.at(scores[:, :-1], index, self.scorer.weights[found])
            np.add.at(scores[:, -1], index, 1.0)
        return scores

    def word_rows(self, tokens: Sequence[str]) -> np.ndarray:
        """Per word form: the summed weights (and slack) of its own attributes, then of what it shows each offset."""
        slots, width = len(SLOT_PREFIXES), self.scorer.width
        out = np.zeros((len(tokens) * slots, width))
        hit_lists: list[Hits] = []  # the (slot, row) codes of each string feature that has weights …
        owners: list[int] = []  # … and whose word it is
        numeric: list[tuple[int, int, float]] = []  # (word, code, value) of numeric features (lexicon flags)
        vectors: list[tuple[int, tuple[float, ...]]] = []
        strings, numbers = self.strings, self.numbers
        for w, token in enumerate(tokens):
            word = word_features(token, self.resources)
            base = word.base
            for key, value in base.items():
                if isinstance(value, str):
                    by_value = strings.get(key)
                    if by_value is not None and (hits := by_value.get(value)):
                        hit_lists.append(hits)
                        owners.append(w)
                elif (codes := numbers.get(key)) is not None:
                    numeric.extend((w, code, float(value)) for code in codes)
            if word.vector:
                vectors.append((w, word.vector))
        codes = np.fromiter(chain.from_iterable(hit_lists), dtype=np.intp)
        owner = np.repeat(owners, [len(hits) for hits in hit_lists]).astype(np.intp)
        values = np.ones(len(codes))
        if numeric:
            extra_owner, extra_codes, extra_values = zip(*numeric, strict=True)
            owner = np.concatenate([owner, extra_owner]).astype(np.intp)
            codes = np.concatenate([codes, extra_codes]).astype(np.intp)
            values = np.concatenate([values, extra_values])
        if len(codes):
            slot, row = np.divmod(codes, len(self.scorer.rows))
            at = owner * slots + slot
            np.add.at(out[:, :-1], at, self.scorer.weights[row] * values[:, None])
            np.add.at(out[:, -1], at, np.abs(values))
        if vectors:
            at_word, vecs = zip(*vectors, strict=True)
            matrix = np.asarray(vecs)
            weights, present = self._vectors(matrix.shape[1])
            first = np.asarray(at_word) * slots  # the word's own slot
            out[first, :-1] += matrix @ weights
            out[first, -1] += np.abs(matrix) @ present
        return out.reshape(len(tokens), slots, width)

    def _vectors(self, dims: int) -> tuple[np.ndarray, np.ndarray]:
        """Weight rows of the dense-vector features e0 … e{dims-1} (zero where the model has none), and which exist."""
        if dims not in self._vector_rows:
            weights = np.zeros((dims, len(self.scorer.labels)))
            present = np.zeros(dims)
            for d in range(dims):
                row = self.scorer.rows.get(f"{VECTOR_KEY}{d}")
                if row is not None:
                    weights[d] = self.scorer.weights[row]
                    present[d] = 1.0
            self._vector_rows[dims] = (weights, present)
        return self._vector_rows[dims]


Hits = tuple[int, ...]  # codes slot × number of weighted attributes + weight row


def _slot_tables(rows: dict[str, int]) -> tuple[dict[str, dict[str, Hits]], dict[str, Hits]]:
    """The model attributes a word form's features can produce (see WordFeatures.own/context), by feature: for
    string features key → value → codes of (slot, row), for numeric ones key → codes (scaled by the value).
    Dense-vector dimensions are left out (summed as a matrix product), and so are attributes that cannot be a word
    feature of their slot (bias, edges, memory cues); a few that are not features at all (bigrams, gazetteer marks)
    stay in the own slot's table, where no word form has their key."""
    allowed = [None, *(set(context_keys(off)) for off in OFFSETS)]  # the word itself may show any key
    strings: dict[str, dict[str, list[int]]] = {}
    numbers: dict[str, list[int]] = {}
    # The longest prefixes first, so "-1w:…" is not read as slot "" or "1"; the word's own keys start with a letter.
    by_length = sorted(range(len(SLOT_PREFIXES)), key=lambda s: -len(SLOT_PREFIXES[s]))
    for name, row in rows.items():
        for slot in by_length:
            prefix = SLOT_PREFIXES[slot]
            if not name.startswith(prefix):
                continue
            key, colon, value = name[len(prefix) :].partition(":")
            code = slot * len(rows) + row
            if (allowed[slot] is None or key in allowed[slot]) and key[:1].isalpha():
                if colon:
                    strings.setdefault(key, {}).setdefault(value, []).append(code)
                elif not _is_vector_key(key):
                    numbers.setdefault(key, []).append(code)
            break
    return (
        {key: {value: tuple(hits) for value, hits in by_value.items()} for key, by_value in strings.items()},
        {key: tuple(hits) for key, hits in numbers.items()},
    )


def _is_vector_key(key: str) -> bool:
    return key.startswith(VECTOR_KEY) and key[len(VECTOR_KEY) :].isdigit()

