"""Arabic NER as a small neural tagger (character CNN + word embeddings + lexicon flags → BiLSTM → CRF), run in numpy.

The weights are trained with PyTorch by training/train_ar_ner_neural.py (torch is a training-only dependency) and
exported to ``weights.npz``; this module is the whole runtime: embedding lookups, a character CNN with max-pooling,
a bidirectional LSTM batched over sentences, a linear layer to tag scores and Viterbi decoding over the learnt
transition scores.

Inputs per token (``encode``), all built from the CRF's feature resources (nlp.ner.arabic_crf.Resources), so that
the evidence that carried the CRF carries this tagger too:
- a word embedding of the clitic-free form (else the normalised form), initialised from the PPMI-SVD vectors
  learnt on unlabeled Arabic news;
- the normalised word's characters (the CNN sees clitics, affixes and letter patterns of unseen names);
- the word's two k-means cluster ids, article-rate and frequency buckets, and its stripped proclitic group;
- binary flags: membership in each lexicon (places, first names, context words, curated and seen names), the
  multi-word gazetteer phrase marks, the document-memory cues and the token's shape.

The model directory holds ``weights.npz``, ``vocab.json``, ``meta.json`` and the feature resources it was trained
with (``lexicons/``, ``clusters.tsv``), so that retraining the CRF cannot shift this model's inputs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from marsad.nlp.ner.arabic_crf import (
    DOC_WINDOW,
    LEXICON_NAMES,
    MEMORY_CUES,
    PHRASE_MARKS,
    ModelMissing,
    Resources,
    document_memory,
    phrase_start_words,
    phrase_tags,
    split_sequences,
    strip_clitics,
    word_shape,
)
from marsad.text.normalize import normalize_arabic

LOGGER = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
VOCAB_FILE = "vocab.json"
META_FILE = "meta.json"
MAX_WORD_CHARS = 20  # longer tokens are cut for the character CNN (Arabic words rarely exceed 12 letters)
CONV_WIDTH = 3
UNKNOWN = 0  # row 0 of every embedding table: unknown or absent value
SHAPES = ("digit", "arabic", "latin_cap", "latin", "alnum", "punct")  # the values of arabic_crf.word_shape
PHRASE_FLAGS = tuple(f"{prefix}:{bi}" if prefix else bi for prefix in PHRASE_MARKS.values() for bi in ("B", "I"))
# Order of the binary flag columns: lexicons, gazetteer phrase marks, document-memory cues, shapes.
FLAG_NAMES = (*LEXICON_NAMES, *PHRASE_FLAGS, *(f"m_{cue}" for cue in MEMORY_CUES), *(f"sh_{s}" for s in SHAPES))
CLUSTER_COLUMNS = 4  # clusters.tsv: coarse and fine k-means ids, article-rate bucket, log-frequency bucket
BATCH = 256  # sentences per LSTM batch at inference (sorted by length, so a larger batch adds no padding)
WORD_CACHE_SIZE = 100_000  # memoised per-word inputs (ids, flags), cleared when full
CHAR_CHUNK = 4096  # words per character-CNN product (bounds its temporary arrays to ~30 MB)
# Memoised LSTM input gates of word forms (8 × hidden float32 each: 3.2 kB at hidden 100, so ~160 MB when full,
# the order of the CRF's feature memo); cleared when full. ~45k distinct forms cover 1,000 news articles.
GATE_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class Vocab:
    """String → row maps of the embedding tables (row 0 = unknown) and the tag set."""

    words: dict[str, int]
    chars: dict[str, int]
    prefixes: dict[str, int]
    clusters: tuple[dict[str, int], ...]
    tags: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict) -> Vocab:
        def index(items: list[str]) -> dict[str, int]:
            return {item: i + 1 for i, item in enumerate(items)}

        return cls(index(data["words"]), index(data["chars"]), index(data["prefixes"]),
                   tuple(index(col) for col in data["clusters"]), tuple(data["tags"]))

    def to_json(self) -> dict:
        def items(mapping: dict[str, int]) -> list[str]:
            return sorted(mapping, key=mapping.__getitem__)

        return {"words": items(self.words), "chars": items(self.chars), "prefixes": items(self.prefixes),
                "clusters": [items(col) for col in self.clusters], "tags": list(self.tags)}


@dataclass(frozen=True)
class WordInputs:
    """One word form's context-free inputs: embedding rows and its flags (lexicons and shape)."""

    ids: tuple[int, ...]  # word, prefix, then the CLUSTER_COLUMNS cluster rows
    chars: tuple[int, ...]
    flags: np.ndarray  # (len(FLAG_NAMES),): its lexicon and shape flags
    norm: str
    strip: str
    starts: tuple[str, ...]  # first words of gazetteer phrases this word may open (arabic_crf.phrase_start_words)
    token: str
    cues: tuple[str, ...]  # the MEMORY_CUES among its lexicons (what it tells the document memory)


@dataclass(frozen=True)
class Encoded:
    """Inputs of one sentence: ids per token and the flag matrix (tokens × FLAG_NAMES)."""

    words: np.ndarray  # (T,)
    chars: list[tuple[int, ...]]
    prefixes: np.ndarray  # (T,)
    clusters: np.ndarray  # (T, CLUSTER_COLUMNS)
    flags: np.ndarray  # (T, len(FLAG_NAMES)) float32
    tokens: tuple[str, ...]


_FLAG_INDEX = {name: i for i, name in enumerate(FLAG_NAMES)}
_CUE_COLUMNS = tuple(_FLAG_INDEX[cue] for cue in MEMORY_CUES)
_ARABIC_COLUMN = _FLAG_INDEX["sh_arabic"]
# Flags set by a word's context (gazetteer phrase marks, document-memory cues), not by the word form itself: the
# LSTM input gates of a word form are memoised without them, and their columns of the input weights added per token.
CONTEXT_FLAGS = np.array([_FLAG_INDEX[name] for name in (*PHRASE_FLAGS, *(f"m_{cue}" for cue in MEMORY_CUES))])


def word_inputs(token: str, res: Resources, vocab: Vocab, cache: dict[str, WordInputs]) -> WordInputs:
    """Context-free inputs of ``token`` (memoised in ``cache``, one per ``res``: news repeats its words)."""
    found = cache.get(token)
    if found is not None:
        return found
    norm = normalize_arabic(token)
    strip = strip_clitics(token)
    word = vocab.words.get(strip) or vocab.words.get(norm) or UNKNOWN
    chars = tuple(vocab.chars.get(ch, UNKNOWN) for ch in norm[:MAX_WORD_CHARS]) or (UNKNOWN,)
    prefix = norm[: norm.find(strip)] if norm != strip and strip in norm else ""
    ids = res.clusters.get(strip) or res.clusters.get(norm) or ()
    clusters = tuple(col.get(cid, UNKNOWN) for col, cid in zip(vocab.clusters, ids, strict=False))
    clusters += (UNKNOWN,) * (CLUSTER_COLUMNS - len(clusters))
    flags = np.zeros(len(FLAG_NAMES), dtype=np.float32)
    flags[[_FLAG_INDEX[name] for name, entries in res.lexicons.items() if strip in entries or norm in entries]] = 1.0
    flags[_FLAG_INDEX[f"sh_{word_shape(token)}"]] = 1.0
    starts = phrase_start_words(norm, strip, res.phrases)
    cues = tuple(cue for cue, col in zip(MEMORY_CUES, _CUE_COLUMNS, strict=True) if flags[col])
    entry = WordInputs((word, vocab.prefixes.get(prefix, UNKNOWN), *clusters), chars, flags, norm, strip, starts,
                       token, cues)
    if len(cache) >= WORD_CACHE_SIZE:
        cache.clear()
    cache[token] = entry
    return entry


def encode(
    tokens: list[str], res: Resources, vocab: Vocab, cache: dict[str, WordInputs],
    memory: dict[str, frozenset[str]] | None = None,
) -> Encoded:
    """Inputs of one token sequence (``memory``: nlp.ner.arabic_crf.document_memory of its document)."""
    return encode_words([word_inputs(t, res, vocab, cache) for t in tokens], res, memory)


def encode_words(words: list[WordInputs], res: Resources, memory: dict[str, frozenset[str]] | None) -> Encoded:
    """Inputs of one sequence of words (see encode), from their context-free inputs."""
    n = len(words)
    flags = np.array([w.flags for w in words], dtype=np.float32).reshape(n, len(FLAG_NAMES))
    marks = phrase_tags([w.norm for w in words], [w.starts for w in words], res.phrases)
    for i, mark in enumerate(marks):
        if mark:
            flags[i, _FLAG_INDEX[mark]] = 1.0
    if memory:
        for i, word in enumerate(words):
            for cue in memory.get(word.strip, ()):
                flags[i, _FLAG_INDEX[f"m_{cue}"]] = 1.0
    ids = np.array([w.ids for w in words], dtype=np.int64).reshape(n, 2 + CLUSTER_COLUMNS)
    return Encoded(words=ids[:, 0], chars=[w.chars for w in words], prefixes=ids[:, 1], clusters=ids[:, 2:],
                   flags=flags, tokens=tuple(w.token for w in words))


def word_memory(lines: list[list[WordInputs]]) -> dict[str, frozenset[str]]:
    """arabic_crf.document_memory from the words' inputs (their cue-lexicon and shape flags): the same cues,
    without building the CRF's full per-word features, which cost about a third of tagging fresh text."""
    memory: dict[str, set[str]] = {}
    for words in lines:
        for prev, cur in pairwise(words):
            if prev.cues and cur.flags[_ARABIC_COLUMN]:
                memory.setdefault(cur.strip, set()).update(prev.cues)
    return {form: frozenset(cues) for form, cues in memory.items()}


def corpus_memories(sentences: list[list[str]], res: Resources) -> list[dict[str, frozenset[str]]]:
    """Document memory of each of consecutive CoNLL-style sentences (windows of DOC_WINDOW, as the CRF does)."""
    out = []
    for start in range(0, len(sentences), DOC_WINDOW):
        window = sentences[start : start + DOC_WINDOW]
        memory = document_memory(window, res)
        out.extend([memory] * len(window))
    return out


def gate_scale(hidden: int) -> np.ndarray:
    """Per gate column, the factor that lets one tanh give all four LSTM gates: sigmoid(x) = (tanh(x/2) + 1)/2
    for the i, f, o gates, tanh itself for g (PyTorch's gate order i, f, g, o)."""
    scale = np.full(4 * hidden, 0.5, dtype=np.float32)
    scale[2 * hidden : 3 * hidden] = 1.0
    return scale


def lstm(gates_in: np.ndarray, lengths: np.ndarray, w_hh: np.ndarray) -> np.ndarray:
    """One LSTM direction, left to right, over a padded batch whose input part ``gates_in`` (B, T, 4H) = x W_ih' + b
    is computed for every step at once; PyTorch's gate order (i, f, g, o). Sequences sorted longest first;
    positions at or past a sequence's length are left zero."""
    scale = gate_scale(w_hh.shape[1])
    out = scaled_lstm(gates_in.transpose(1, 0, 2)[None] * scale, lengths, (w_hh * scale[:, None])[None])[0]
    return out.transpose(1, 0, 2)


def scaled_lstm(gates_in: np.ndarray, lengths: np.ndarray, w_hh: np.ndarray) -> np.ndarray:
    """LSTM directions run side by side (lstm does one), time-major: ``gates_in`` (D, T, B, 4H) and ``w_hh``
    (D, 4H, H) with their gate columns multiplied by gate_scale, so that each step takes one tanh over all gates.
    A backward direction is given its sequences reversed. Returns (D, T, B, H)."""
    dirs, steps, batch, four = gates_in.shape
    hidden = four // 4
    w_hh_t = w_hh.transpose(0, 2, 1).copy()  # (D, H, 4H)
    c = np.zeros((dirs, batch, hidden), dtype=gates_in.dtype)
    out = np.zeros((dirs, steps, batch, hidden), dtype=gates_in.dtype)
    h = out[:, 0]  # the state before the first step is zero
    for t in range(steps):
        active = int(np.count_nonzero(lengths > t))  # batches are sorted by length, longest first
        z = gates_in[:, t, :active] + (h[:, :active] @ w_hh_t if t else 0.0)
        np.tanh(z, out=z)
        sig = 0.5 * z + 0.5  # the sigmoid gates (the g columns of sig are unused)
        c_t = sig[..., hidden : 2 * hidden] * c[:, :active] + sig[..., :hidden] * z[..., 2 * hidden : 3 * hidden]
        c[:, :active] = c_t
        h = out[:, t]
        h[:, :active] = sig[..., 3 * hidden :] * np.tanh(c_t)
    return out


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """Best tag path for one sequence: ``emissions`` (T, K), ``transitions[i, j]`` scores tag i → tag j."""
    return viterbi_batch(emissions[None], np.array([len(emissions)]), transitions, start, end)[0]


def viterbi_batch(
    emissions: np.ndarray, lengths: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray
) -> list[list[int]]:
    """Best tag paths of a padded batch ``emissions`` (B, T, K) of sequences sorted longest first."""
    batch, steps, _ = emissions.shape
    score = start + emissions[:, 0]  # (B, K)
    back = np.zeros((batch, steps, emissions.shape[2]), dtype=np.int64)
    for t in range(1, steps):
        active = int(np.count_nonzero(lengths > t))
        total = score[:active, :, None] + transitions  # (active, K from, K to)
        back[:active, t] = total.argmax(axis=1)
        score[:active] = total.max(axis=1) + emissions[:active, t]
    paths = np.zeros((batch, steps), dtype=np.int64)
    best = (score + end).argmax(axis=1)
    rows = np.arange(batch)
    for t in range(steps - 1, -1, -1):
        # A sequence ending at t starts from its best final tag; one running past t follows its back-pointer.
        follow = back[rows, t + 1, paths[:, t + 1]] if t + 1 < steps else best
        paths[:, t] = np.where(lengths - 1 == t, best, np.where(lengths - 1 > t, follow, 0))
    return [paths[b, : lengths[b]].tolist() for b in range(batch)]


class NeuralTagger:
    """A loaded neural tagger: weights (numpy arrays), vocab and the feature resources it was trained with."""

    def __init__(self, weights: dict[str, np.ndarray], vocab: Vocab, resources: Resources, meta: dict):
        self.w = {name: np.asarray(array, dtype=np.float32) for name, array in weights.items()}
        self.vocab = vocab
        self.resources = resources
        self.meta = meta
        self._inputs: dict[str, WordInputs] = {}
        conv = self.w["char_conv.weight"]  # (filters, char dims, width), as torch.nn.Conv1d stores it
        self._conv = conv.transpose(2, 1, 0).reshape(-1, conv.shape[0])  # (width × char dims, filters)
        w = self.w
        hidden = w["lstm.weight_hh_l0"].shape[1]
        scale = np.tile(gate_scale(hidden), 2)
        # Both directions' input weights side by side, (inputs, 2 × 4H), gate columns pre-scaled for scaled_lstm.
        self._w_in = np.concatenate([w["lstm.weight_ih_l0"], w["lstm.weight_ih_l0_reverse"]]).T * scale
        self._bias = np.concatenate([w["lstm.bias_ih_l0"] + w["lstm.bias_hh_l0"],
                                     w["lstm.bias_ih_l0_reverse"] + w["lstm.bias_hh_l0_reverse"]]) * scale
        self._w_hh = np.stack([w["lstm.weight_hh_l0"], w["lstm.weight_hh_l0_reverse"]]) * scale[: 4 * hidden, None]
        # The input weights of the context flags (rows of _w_in), added per token to the word form's gates.
        self._w_context = self._w_in[self._w_in.shape[0] - len(FLAG_NAMES) + CONTEXT_FLAGS]
        self._gate_rows: dict[str, int] = {}  # token → row of _gate_table: its input gates without context flags
        self._gate_table = np.zeros((0, 8 * hidden), dtype=np.float32)

    def clear_memo(self) -> None:
        """Forget the memoised per-word inputs and input gates (a cold start)."""
        self._inputs.clear()
        self._gate_rows.clear()

    def _char_vectors(self, chars: list[tuple[int, ...]]) -> np.ndarray:
        """Character-CNN outputs (N, filters) of words given as character rows: convolution over the zero-padded
        character embeddings, max over each word's own positions."""
        if len(chars) > CHAR_CHUNK:
            return np.concatenate([self._char_vectors(chars[k : k + CHAR_CHUNK])
                                   for k in range(0, len(chars), CHAR_CHUNK)])
        width = max(len(c) for c in chars)
        ids = np.zeros((len(chars), width), dtype=np.int64)
        for k, c in enumerate(chars):
            ids[k, : len(c)] = c
        inside = np.arange(width) < np.array([len(c) for c in chars])[:, None]  # (N, L): real characters
        emb = self.w["char_emb.weight"][ids] * inside[:, :, None]  # padding embeds as zeros, like the conv's own
        pad = np.zeros((len(chars), CONV_WIDTH // 2, emb.shape[2]), dtype=np.float32)
        padded = np.concatenate([pad, emb, pad], axis=1)
        windows = np.concatenate([padded[:, k : k + width] for k in range(CONV_WIDTH)], axis=2)
        conv = windows @ self._conv + self.w["char_conv.bias"]  # (N, L, filters)
        conv[~inside] = -np.inf
        return conv.max(axis=1)

    def _gates(self, encoded: list[Encoded]) -> np.ndarray:
        """Input gates (tokens, 2 × 4H) of the tokens of ``encoded``, one after another: the concatenation the
        training model builds, times the LSTM's input weights. A word form's part (W_ih·x over its embedding,
        characters, clusters and lexicons) does not depend on its context and is memoised per token; the weight
        rows of its context flags are added per token. ``encoded`` comes from this tagger's resources."""
        w, rows = self.w, self._gate_rows
        tokens = [t for e in encoded for t in e.tokens]
        flags = np.concatenate([e.flags for e in encoded])
        fresh: dict[str, int] = {}  # token → its first position
        for k, token in enumerate(tokens):
            if token not in rows and token not in fresh:
                fresh[token] = k
        if len(rows) + len(fresh) > GATE_CACHE_SIZE and rows:  # full: start again with this batch's words only
            rows.clear()
            fresh = {}
            for k, token in enumerate(tokens):
                fresh.setdefault(token, k)
        if fresh:
            at = np.fromiter(fresh.values(), dtype=np.int64, count=len(fresh))
            chars = [c for e in encoded for c in e.chars]
            clusters = np.concatenate([e.clusters for e in encoded])[at]
            own_flags = flags[at]
            own_flags[:, CONTEXT_FLAGS] = 0.0
            inputs = np.concatenate([
                w["word_emb.weight"][np.concatenate([e.words for e in encoded])[at]],
                self._char_vectors([chars[k] for k in at]),
                w["prefix_emb.weight"][np.concatenate([e.prefixes for e in encoded])[at]],
                *(w[f"cluster_emb{k}.weight"][clusters[:, k]] for k in range(CLUSTER_COLUMNS)),
                own_flags,
            ], axis=1)
            first = len(rows)
            if first + len(fresh) > len(self._gate_table):  # grow by doubling, up to the cache size
                size = max(2 * len(self._gate_table), first + len(fresh), 1024)
                table = np.zeros((min(size, max(GATE_CACHE_SIZE, first + len(fresh))), self._gate_table.shape[1]),
                                 dtype=np.float32)
                table[:first] = self._gate_table[:first]
                self._gate_table = table
            self._gate_table[first : first + len(fresh)] = inputs @ self._w_in + self._bias
            rows.update(zip(fresh, range(first, first + len(fresh)), strict=True))
        gates = self._gate_table[[rows[t] for t in tokens]]
        context = flags[:, CONTEXT_FLAGS]
        marked = np.flatnonzero(context.any(axis=1))  # few tokens: inside a gazetteer phrase or cued by memory
        gates[marked] += context[marked] @ self._w_context
        return gates

    def _batches(self, encoded: list[Encoded]):
        """(indexes, lengths, emissions (B, T, K)) of batches of non-empty sentences, sorted longest first."""
        w = self.w
        order = sorted((i for i in range(len(encoded)) if len(encoded[i].words)), key=lambda i: -len(encoded[i].words))
        for first in range(0, len(order), BATCH):
            batch = order[first : first + BATCH]
            lengths = np.array([len(encoded[i].words) for i in batch])
            gates = self._gates([encoded[i] for i in batch])  # (tokens, 2 × 4H)
            # Token k of the batch is position pos[k] of sentence row[k]; the backward direction reads it reversed.
            row = np.repeat(np.arange(len(batch)), lengths)
            pos = np.arange(len(row)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            rev = np.repeat(lengths, lengths) - 1 - pos
            four = gates.shape[1] // 2
            gates_in = np.zeros((2, lengths[0], len(batch), four), dtype=np.float32)  # time-major
            gates_in[0, pos, row] = gates[:, :four]
            gates_in[1, rev, row] = gates[:, four:]
            hidden = scaled_lstm(gates_in, lengths, self._w_hh)
            states = np.concatenate([hidden[0, pos, row], hidden[1, rev, row]], axis=1)  # (tokens, 2H), reading order
            scores = np.zeros((len(batch), lengths[0], len(self.vocab.tags)), dtype=np.float32)
            scores[row, pos] = states @ w["out.weight"].T + w["out.bias"]
            yield batch, lengths, scores

    def emissions(self, encoded: list[Encoded]) -> list[np.ndarray]:
        """Tag scores (T, K) of each encoded sentence, in input order."""
        out: list[np.ndarray] = [np.zeros((0, len(self.vocab.tags)), dtype=np.float32)] * len(encoded)
        for batch, lengths, scores in self._batches(encoded):
            for b, i in enumerate(batch):
                out[i] = scores[b, : lengths[b]]
        return out

    def _decode(self, encoded: list[Encoded]) -> list[list[str]]:
        from threadpoolctl import threadpool_limits

        w, tags = self.w, self.vocab.tags
        out: list[list[str]] = [[] for _ in encoded]
        # One BLAS thread: the LSTM's matrices are small, and OpenBLAS threads spinning on the shared cores cost
        # five times the CPU of the work (68 vs 371 sentences per CPU-second on the held-out ANERcorp part).
        with threadpool_limits(limits=1, user_api="blas"):
            for batch, lengths, scores in self._batches(encoded):
                paths = viterbi_batch(scores, lengths, w["crf.transitions"], w["crf.start"], w["crf.end"])
                for i, path in zip(batch, paths, strict=True):
                    out[i] = [tags[k] for k in path]
        return out

    def _word(self, token: str) -> WordInputs:
        return word_inputs(token, self.resources, self.vocab, self._inputs)

    def _encode(self, tokens: list[str], memory: dict[str, frozenset[str]] | None) -> Encoded:
        return encode(tokens, self.resources, self.vocab, self._inputs, memory)

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """BIO tags for the token lines of each document (a document memory each; long lines cut into sentences),
        all sentences decoded in one batch."""
        ranges = [[split_sequences(tokens) for tokens in lines] for lines in documents]
        encoded: list[Encoded] = []
        for lines, spans in zip(documents, ranges, strict=True):
            words = [[self._word(t) for t in tokens] for tokens in lines]  # looked up once for memory and inputs
            memory = word_memory(words)
            for line, line_spans in zip(words, spans, strict=True):
                encoded.extend(encode_words(line[start:end], self.resources, memory) for start, end in line_spans)
        tagged = iter(self._decode(encoded))
        return [[[tag for _ in line_spans for tag in next(tagged)] for line_spans in spans] for spans in ranges]

    def tag_document(self, lines: list[list[str]]) -> list[list[str]]:
        """BIO tags for the token lines of one document, sharing one document memory."""
        return self.tag_documents([lines])[0]

    def tag(self, tokens: list[str]) -> list[str]:
        """BIO tags for one token sequence (its own document)."""
        return self.tag_document([tokens])[0]

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for consecutive sentences without document boundaries (CoNLL-style input)."""
        memories = corpus_memories(sentences, self.resources)
        return self._decode([self._encode(s, m) for s, m in zip(sentences, memories, strict=True)])


def load_directory(path: Path) -> NeuralTagger:
    """A tagger from a model directory (no cache: see load_tagger)."""
    weights_path = path / WEIGHTS_FILE
    if not weights_path.exists():
        raise ModelMissing(
            f"{weights_path}: the Arabic neural NER model is missing; build it with training/train_ar_ner_neural.py",
            detail=f"looked for {WEIGHTS_FILE} in {path.resolve()}",
        )
    with np.load(weights_path) as data:
        weights = {name: data[name] for name in data.files}
    vocab = Vocab.from_json(json.loads((path / VOCAB_FILE).read_text(encoding="utf-8")))
    meta_path = path / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return NeuralTagger(weights, vocab, Resources.load(path), meta)


@cache
def load_tagger(directory: str) -> NeuralTagger:
    """Load the neural tagger once per directory (cached): nothing is read at import time."""
    tagger = load_directory(Path(directory))
    LOGGER.info("loaded Arabic neural NER from %s", directory)
    return tagger
