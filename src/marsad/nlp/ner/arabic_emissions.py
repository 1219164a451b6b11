"""Emission scores of the Arabic CRF (marsad.nlp.ner.arabic_crf) for the numpy decoder (crf_scoring).

A token's crfsuite attributes are its word form's own features, its neighbours' features seen from an offset, and a
few sequence-dependent ones (bigrams, gazetteer-phrase marks, edges, document-memory cues). The first two depend on
the word form and the slot only, so their summed weights are memoised per word form (one row per slot); a sequence's
emissions are then a handful of shifted array additions plus the few sequence-dependent rows.

The model's attribute names are parsed once into per-slot tables (slot → feature key → value → weight row), so a new
word form's rows are looked up from its named feature values: attribute strings are never built, and features the
model gives no weight are never looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from marsad.nlp.ner.arabic_crf import (
    FEATURE_CACHE_SIZE,
    OFFSETS,
    Resources,
    _token_features,
    context_keys,
    cues_of,
    local_attributes,
    sequence_marks,
)
from marsad.nlp.ner.crf_scoring import ChainScorer, RowTable

LOGGER = logging.getLogger(__name__)

# Attribute-name prefix of each slot: the word itself, then the neighbour at each of OFFSETS (as attributes() names).
SLOT_PREFIXES = ("", *(str(off) for off in OFFSETS))
VECTOR_KEY = "e"  # dense-vector features are named e0, e1 … (arabic_crf.vector_keys)


class EmissionBuilder:
    """Score rows (ChainScorer.score_row) of the tokens of one sequence, as sentence_features + score_row would give."""

    def __init__(self, scorer: ChainScorer, resources: Resources) -> None:
        self.scorer = scorer
        self.resources = resources
        self.tables = _slot_tables(scorer.rows)
        self.bias = scorer.score_row({"bias": 1.0})
        self.rows = RowTable((len(SLOT_PREFIXES), scorer.width), FEATURE_CACHE_SIZE)
        self._vector_rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, tokens: list[str], memory: dict[str, frozenset[str]] | None) -> np.ndarray:
        words = [_token_features(t, self.resources) for t in tokens]
        norms, marks = sequence_marks(words, self.resources)
        n = len(tokens)
        block = self.rows.lookup(tokens, self.word_rows)  # [token, slot, label scores + slack]
        scores = block[:, 0] + self.bias
        for slot, off in enumerate(OFFSETS, start=1):  # token i sees word i + off
            if off < 0:
                scores[-off:] += block[: max(0, n + off), slot]
            else:
                scores[: max(0, n - off)] += block[off:, slot]
        rows = self.scorer.rows
        local = local_attributes(norms, marks, [cues_of(word, memory) for word in words])
        hits = [(i, row) for i, names in enumerate(local) for name in names if (row := rows.get(name)) is not None]
        if hits:
            index, found = zip(*hits, strict=True)
            np.add.at(scores[:, :-1], list(index), self.scorer.weights[list(found)])
            np.add.at(scores[:, -1], list(index), 1.0)
        return scores

    def word_rows(self, tokens: Sequence[str]) -> np.ndarray:
        """Per word form: the summed weights (and slack) of its own attributes, then of what it shows each offset."""
        out = np.zeros((len(tokens), len(SLOT_PREFIXES), self.scorer.width))
        where: list[tuple[int, int]] = []
        found: list[int] = []
        values: list[float] = []
        vectors: list[tuple[int, tuple[float, ...]]] = []
        for w, token in enumerate(tokens):
            word = _token_features(token, self.resources)
            base = word.base
            for slot, table in enumerate(self.tables):
                for key, entry in table.items():
                    value = base.get(key)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        row = entry.get(value) if isinstance(entry, dict) else None
                        if row is not None:
                            where.append((w, slot))
                            found.append(row)
                            values.append(1.0)
                    elif not isinstance(entry, dict):
                        where.append((w, slot))
                        found.append(entry)
                        values.append(float(value))
            if word.vector:
                vectors.append((w, word.vector))
        if found:
            weighted = self.scorer.weights[found] * np.asarray(values)[:, None]
            ws, slots = zip(*where, strict=True)
            np.add.at(out[:, :, :-1], (list(ws), list(slots)), weighted)
            np.add.at(out[:, :, -1], (list(ws), list(slots)), np.abs(values))
        if vectors:
            ws, vecs = zip(*vectors, strict=True)
            matrix = np.asarray(vecs)
            weights, present = self._vectors(matrix.shape[1])
            out[list(ws), 0, :-1] += matrix @ weights
            out[list(ws), 0, -1] += np.abs(matrix) @ present
        return out

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


def _slot_tables(rows: dict[str, int]) -> list[dict[str, int | dict[str, int]]]:
    """Per slot: feature key → weight row (numeric features) or value → weight row (string features), for every
    model attribute that a word form's features can produce (see WordFeatures.own/context). Attributes that are not
    a word feature (bias, bigrams, marks, edges, memory cues) and the dense-vector dimensions are left out."""
    allowed = [None, *(set(context_keys(off)) for off in OFFSETS)]  # the word itself may show any key
    tables: list[dict[str, int | dict[str, int]]] = [{} for _ in SLOT_PREFIXES]
    # The longest prefixes first, so "-1w:…" is not read as slot "" or "1"; the word's own keys start with a letter.
    by_length = sorted(range(len(SLOT_PREFIXES)), key=lambda s: -len(SLOT_PREFIXES[s]))
    for name, row in rows.items():
        for slot in by_length:
            prefix = SLOT_PREFIXES[slot]
            if not name.startswith(prefix):
                continue
            key, colon, value = name[len(prefix) :].partition(":")
            if allowed[slot] is not None and key not in allowed[slot]:
                break
            if not key[:1].isalpha() or (not colon and _is_vector_key(key)):
                break
            if colon:
                entry = tables[slot].setdefault(key, {})
                if isinstance(entry, dict):
                    entry[value] = row
            else:
                tables[slot][key] = row
            break
    return tables


def _is_vector_key(key: str) -> bool:
    return key.startswith(VECTOR_KEY) and key[len(VECTOR_KEY) :].isdigit()

