"""Viterbi decoding of a trained crfsuite model in numpy, with a proof that each answer is crfsuite's own.

Why: tagging through python-crfsuite converts every token's attribute dict to crfsuite's ids on each call, which
cost more than the features themselves. Here the model's weights are read once (``Tagger.info()``, python-crfsuite's
public API) into a matrix, a token's emission is the sum of the weight rows of its attributes — callers sum cached
per-word-form rows instead of rebuilding attributes — and Viterbi runs over a batch of sequences at once.

Exactness: ``info()`` gives the weights to six decimals (crfsuite's dump format), so a path score here may differ from
crfsuite's by at most ``WEIGHT_ERROR`` per unit of attribute value on the path. Decoding follows crfsuite's own
algorithm and tie rule (first-order chain, no start/end weights, the lowest label id wins a tie); each decision on
the chosen path (the last label, then every back-pointer taken) is checked to win by more than twice that bound.
If one does not, the sequence is returned as undecided and the caller tags it with crfsuite itself, so the tags
are crfsuite's in every case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LOGGER = logging.getLogger(__name__)

# info() prints weights with "%f": each is off by at most half a unit of the sixth decimal. Twice that keeps a margin
# for the float sums (crfsuite's and ours add the same terms in different orders, ~1e-15 relative).
WEIGHT_ERROR = 1e-6
# Absolute slack on top, for the float error of the sums themselves.
SUM_ERROR = 1e-9
# Sequences decoded together: enough to spread numpy's per-call cost, few enough to keep the arrays small (padding
# to the longest of the batch costs little since sequences are grouped by length).
BATCH = 512


@dataclass(frozen=True)
class Decoded:
    """Label ids of each sequence, or None where crfsuite must decide (a near-tie within the weights' rounding)."""

    paths: list[np.ndarray | None]
    undecided: int


@dataclass(frozen=True)
class ChainScorer:
    """A crfsuite linear-chain model as arrays: ``weights[row, label]`` for attribute ``rows[name]``, transitions
    ``transitions[from, to]``; labels in crfsuite's id order (which decides ties)."""

    labels: tuple[str, ...]
    rows: Mapping[str, int]
    weights: np.ndarray
    transitions: np.ndarray

    @classmethod
    def from_tagger(cls, tagger) -> ChainScorer:
        """Read an open ``pycrfsuite.Tagger``'s model."""
        info = tagger.info()
        labels = tuple(sorted(info.labels, key=lambda name: int(info.labels[name])))
        label_ids = {name: i for i, name in enumerate(labels)}
        rows: dict[str, int] = {}
        for attribute, _ in info.state_features:
            rows.setdefault(attribute, len(rows))
        weights = np.zeros((len(rows), len(labels)))
        for (attribute, label), weight in info.state_features.items():
            weights[rows[attribute], label_ids[label]] = weight
        transitions = np.zeros((len(labels), len(labels)))
        for (source, target), weight in info.transitions.items():
            transitions[label_ids[source], label_ids[target]] = weight
        LOGGER.debug("CRF scorer: %d labels, %d weighted attributes", len(labels), len(rows))
        return cls(labels, rows, weights, transitions)

    @property
    def width(self) -> int:
        """Columns of a score row: one per label, then the rounding slack (sum of |value| of weighted attributes)."""
        return len(self.labels) + 1

    def score_row(self, attributes: Mapping[str, float]) -> np.ndarray:
        """Summed weights of ``attributes`` (name → value) per label, then their rounding slack; attributes the
        model has no weight for count for nothing, as in crfsuite."""
        out = np.zeros(self.width)
        hits = [(self.rows[name], value) for name, value in attributes.items() if name in self.rows]
        if hits:
            index, values = zip(*hits, strict=True)
            values = np.asarray(values, dtype=float)
            out[:-1] = values @ self.weights[list(index)]
            out[-1] = np.abs(values).sum()
        return out

    def decode(self, scores: np.ndarray, lengths: Sequence[int]) -> Decoded:
        """Best label ids of each sequence. ``scores`` holds the score rows (see score_row) of every token of all
        the sequences one after another, ``lengths`` their (non-zero) lengths. Sequences of similar length are
        decoded together, BATCH at a time, all advancing one numpy step per position."""
        lengths = np.asarray(lengths, dtype=np.intp)
        starts = np.cumsum(lengths) - lengths
        order = np.argsort(-lengths, kind="stable")
        paths: list[np.ndarray | None] = [None] * len(lengths)
        for first in range(0, len(order), BATCH):
            batch = order[first : first + BATCH]
            for s, path in zip(batch, self._decode_batch(scores, starts[batch], lengths[batch]), strict=True):
                paths[s] = path
        return Decoded(paths, sum(path is None for path in paths))

    def _decode_batch(self, scores: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> list[np.ndarray | None]:
        """Viterbi over sequences sorted longest first (so the live ones at step t are a prefix)."""
        count, longest, n_labels = len(lengths), int(lengths[0]), len(self.labels)
        live_at = np.searchsorted(-lengths, -np.arange(longest), side="left")  # sequences longer than t
        steps = np.arange(longest)
        inside = steps < lengths[:, None]  # [sequence, t]
        padded = np.zeros((count, longest, self.width))
        padded[inside] = scores[(starts[:, None] + steps)[inside]]
        # Path scores here and crfsuite's differ by at most this: the rounding of every weight on the path.
        bound = 2 * WEIGHT_ERROR * (padded[:, :, -1].sum(axis=1) + lengths - 1) + SUM_ERROR
        alpha = np.zeros((longest, count, n_labels))
        back = np.zeros((longest, count, n_labels), dtype=np.intp)
        alpha[0] = padded[:, 0, :-1]
        for t in range(1, longest):
            live = live_at[t]
            candidates = alpha[t - 1, :live, :, None] + self.transitions  # [sequence, from, to]
            back[t, :live] = candidates.argmax(axis=1)  # the first maximum: crfsuite keeps the lowest id on a tie
            alpha[t, :live] = candidates.max(axis=1) + padded[:live, t, :-1]
        rows = np.arange(count)
        last = alpha[lengths - 1, rows]
        path = np.zeros((count, longest), dtype=np.intp)
        path[rows, lengths - 1] = last.argmax(axis=1)
        for t in range(longest - 1, 0, -1):
            live = live_at[t]
            path[:live, t - 1] = back[t, rows[:live], path[:live, t]]
        # The margin of every decision taken: the last label, then each back-pointer on the path.
        margin = _margin(last, path[rows, lengths - 1])
        if longest > 1:
            taken = alpha[:-1].transpose(1, 0, 2) + self.transitions.T[path[:, 1:]]  # [sequence, step, from]
            margin = np.minimum(margin, np.where(inside[:, 1:], _margin(taken, path[:, :-1]), np.inf).min(axis=1))
        decided = margin > bound
        return [path[k, : lengths[k]] if decided[k] else None for k in range(count)]


def _margin(values: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """How far ``values[..., chosen]`` beats the best other value along the last axis (∞ with one label)."""
    picked = np.take_along_axis(values, chosen[..., None], axis=-1)
    others = values.copy()
    np.put_along_axis(others, chosen[..., None], -np.inf, axis=-1)
    return (picked - others.max(axis=-1, keepdims=True))[..., 0]


class RowTable:
    """Score rows memoised per key (a word form) in one growing array, so a sequence's rows are one fancy index.

    ``block`` is the shape stored per key; the table is emptied when ``limit`` keys are held, to bound memory.
    """

    def __init__(self, block: tuple[int, ...], limit: int) -> None:
        self.block = block
        self.limit = limit
        self.ids: dict[str, int] = {}
        self.rows = np.zeros((1024, *block))

    def lookup(self, keys: Sequence[str], build) -> np.ndarray:
        """Rows of ``keys`` (len(keys), *block); ``build(new_keys)`` makes the blocks of the keys not seen yet."""
        ids = self.ids
        missing = [key for key in dict.fromkeys(keys) if key not in ids]
        if len(ids) + len(missing) > self.limit:
            ids.clear()
            missing = list(dict.fromkeys(keys))
        if missing:
            needed = len(ids) + len(missing)
            if needed > len(self.rows):
                grown = np.zeros((max(needed, 2 * len(self.rows)), *self.block))
                grown[: len(ids)] = self.rows[: len(ids)]
                self.rows = grown
            self.rows[len(ids) : needed] = build(missing)
            ids.update(zip(missing, range(len(ids), needed), strict=True))
        return self.rows[[ids[key] for key in keys]]
