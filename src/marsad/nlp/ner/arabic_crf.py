"""Arabic NER as a linear-chain CRF (python-crfsuite) over clitic-aware, lexicon and distributional features.

Why a CRF: on ~120k tokens of ANERcorp a feature-rich CRF beats a small spaCy CNN trained from scratch, trains in
minutes on two cores and tags thousands of tokens per second (figures in docs/ner-models.md).

Features per token: normalised and clitic-free forms, Snowball stem, affixes, shape; membership in lexicons
(places, first names, person/place context words, organisation head words) and multi-word place names; word
clusters, article rate, frequency and dense PPMI-SVD vectors learnt from unlabeled news; the same for ±2
neighbours; and a document memory (cues seen before the same word elsewhere in the document).

Features are named once per word form (see WordFeatures); as crfsuite attributes ("w:قال" → 1.0, "e3" → 0.12) for
training and for crfsuite's tagger. Tagging decodes in numpy instead (marsad.nlp.ner.arabic_emissions and
crf_scoring: the model's weights summed per word form, batched Viterbi), with crfsuite's own tags — checked, and
crfsuite itself on the rare near-tie.

The model directory (data/models/ar_ner, built by training/train_ar_ner.py) holds ``model.crfsuite``,
``meta.json``, the feature lexicons ``lexicons/*.txt``, ``clusters.tsv`` and ``vectors.npy``. Training and
prediction both build features here, so they cannot drift apart.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from marsad.errors import MarsadError
from marsad.nlp.ner.crf_scoring import ChainScorer
from marsad.text.clitics import ARTICLE_PREFIXES, ENCLITICS, SINGLE_PROCLITICS
from marsad.text.normalize import RAW_WORD, normalize_arabic, stem, strip_diacritics

if TYPE_CHECKING:
    from marsad.nlp.ner.arabic_emissions import EmissionBuilder

LOGGER = logging.getLogger(__name__)

MODEL_FILE = "model.crfsuite"
META_FILE = "meta.json"
CLUSTERS_FILE = "clusters.tsv"
VECTORS_FILE = "vectors.npy"  # optional: dense word vectors, rows in clusters.tsv order
LEXICON_DIR = "lexicons"
# Names tagged in the training data, by type (training/train_ar_ner.py writes them; while training, each block of
# sentences sees only the names of the other blocks, so the CRF learns how far to trust a name it has seen).
SEEN_LEXICONS = {"PER": "seen_per", "ORG": "seen_org", "LOC": "seen_loc"}
LEXICON_NAMES = (
    "loc", "per_first", "per_context", "org_trigger", "loc_context", "gaz_per", "gaz_org", *SEEN_LEXICONS.values()
)
# Lexicons whose multi-word entries are matched as phrases, and the prefix of their B/I marks: a whole name
# ("نوري المالكي", "مجلس الأمن") is stronger evidence than any of its words. Place marks keep the bare "B"/"I"
# they had before person and organisation gazetteers were added (models trained then read them so).
PHRASE_MARKS = {"loc": "", "gaz_per": "per", "gaz_org": "org", "seen_per": "sper", "seen_org": "sorg", "seen_loc": "sloc"}

# Raw-text tokens as in ANERcorp: runs of letters/digits (with Arabic diacritics and tatweel kept inside the word),
# every other non-space character alone. Arabic punctuation (، ؛ ؟) is outside \w, so it splits off too.
_TOKEN = re.compile(RAW_WORD.pattern + r"|[^\w\s]", re.UNICODE)
# Proclitic groups stripped for the "clitic-free" feature, longest first: an article chain or one letter (never
# a two-letter chain without the article: وبغداد is و + بغداد, not وب + غداد). Enclitic pronouns are stripped
# only from words long enough that the rest is still a word.
_PREFIXES = (*ARTICLE_PREFIXES, *SINGLE_PROCLITICS)
# A stripped form must keep at least this many letters, or short words (ولد, بلد, كل) would be mangled.
_MIN_STEM = 3
_MAX_GAZ_TOKENS = 5  # longest multi-word place name matched as a feature
SENTENCE_END = {".", "!", "?", "؟", "…"}
# Sequences longer than this are cut at the next comma-like token: CRF inference is linear, but ANERcorp's
# training sentences are short, so very long runs without a full stop are unlike anything it has seen.
MAX_SEQUENCE_TOKENS = 120
# Memoised per-word features (each word form's own and context attributes, ~100 entries): ~50k distinct words
# cover most news text; cleared when full to bound memory (~1 GB at this size).
FEATURE_CACHE_SIZE = 100_000
# Dense vector components are unit-vector coordinates (~0.1); scaled so their weights are not crushed by the
# L1/L2 penalties relative to binary features.
VECTOR_SCALE = 2.0
# Lexicon cues whose presence before a word anywhere in the document becomes a feature of every occurrence.
MEMORY_CUES = ("per_first", "per_context", "loc_context", "org_trigger")
# Neighbours whose features a token sees, and the keys it sees of them (±1 also suffix and shape).
OFFSETS = (-2, -1, 1, 2)
CONTEXT_KEYS = ("w", "s", "c0", "c1", "c2", "gz", *LEXICON_NAMES)
NEAR_KEYS = ("x2", "sh")
# CoNLL-style corpora have no document marks: consecutive sentences are grouped into pseudo-documents this long
# (ANERcorp stories run 10–30 sentences).
DOC_WINDOW = 20


class ModelMissing(MarsadError):
    """A shipped NER model directory is absent or incomplete."""


def tokenize(text: str) -> list[tuple[int, int]]:
    """Character spans of the tokens of raw ``text`` (ANERcorp conventions: punctuation split off, clitics kept)."""
    return [m.span() for m in _TOKEN.finditer(text)]


def split_sequences(tokens: list[str]) -> list[tuple[int, int]]:
    """Token index ranges to tag as one sequence each: cut after sentence-final punctuation."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for i, tok in enumerate(tokens):
        long_enough = i - start + 1 >= MAX_SEQUENCE_TOKENS and tok in {"،", ",", "؛", ";"}
        if tok in SENTENCE_END or long_enough:
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        ranges.append((start, len(tokens)))
    return ranges


def strip_clitics(word: str) -> str:
    """Normalised word without one proclitic group and one enclitic pronoun, when enough letters remain.

    Affixes are matched before letter normalisation so that teh marbuta (ة) is never taken for the pronoun ه.
    """
    word = strip_diacritics(word)
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            word = word[len(prefix) :]
            break
    for suffix in ENCLITICS:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    return normalize_arabic(word)


def word_shape(token: str) -> str:
    if token.isdigit():
        return "digit"
    if any("\u0600" <= ch <= "\u06ff" for ch in token):
        return "arabic"
    if token.isalpha():
        return "latin_cap" if token[0].isupper() else "latin"
    if any(ch.isdigit() for ch in token):
        return "alnum"
    return "punct"


@dataclass
class Resources:
    """Lexicons (normalised, clitic-free entries) and word clusters used as features."""

    lexicons: dict[str, frozenset[str]] = field(default_factory=dict)
    # Multi-word gazetteer names, first token → (token tuple, mark prefix), longest first.
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    vectors: Mapping[str, tuple[float, ...]] = field(default_factory=dict, repr=False)
    cache: dict[str, WordFeatures] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, directory: Path) -> Resources:
        res = cls()
        for name in LEXICON_NAMES:
            path = directory / LEXICON_DIR / f"{name}.txt"
            res.add_lexicon(name, read_lexicon(path) if path.exists() else [])
        cluster_path = directory / CLUSTERS_FILE
        if cluster_path.exists():
            with cluster_path.open(encoding="utf-8") as handle:
                for line in handle:
                    word, *ids = line.rstrip("\n").split("\t")
                    res.clusters[word] = tuple(ids)
        vector_path = directory / VECTORS_FILE
        if vector_path.exists():
            import numpy as np  # lazy: only models with dense vectors need it

            res.vectors = WordVectors(res.clusters, np.load(vector_path).astype(float) * VECTOR_SCALE)
        return res

    def add_lexicon(self, name: str, entries: list[str]) -> None:
        """Set lexicon ``name``: single words (normalised and clitic-free) and, for PHRASE_MARKS, multi-word names."""
        single = {strip_clitics(e) for e in entries if " " not in e}
        single |= {normalize_arabic(e) for e in entries if " " not in e}
        self.lexicons[name] = frozenset(single)
        if name not in PHRASE_MARKS:
            return
        for entry in entries:
            parts = tuple(normalize_arabic(p) for p in entry.split())
            if 1 < len(parts) <= _MAX_GAZ_TOKENS:
                phrases = self.phrases.setdefault(parts[0], [])
                phrases.append((parts, PHRASE_MARKS[name]))
                phrases.sort(key=lambda phrase: len(phrase[0]), reverse=True)

    def with_lexicons(self, extra: dict[str, list[str]]) -> Resources:
        """A copy with the lexicons of ``extra`` set (and an empty feature memo); clusters and vectors shared."""
        res = Resources(dict(self.lexicons), {k: list(v) for k, v in self.phrases.items()}, self.clusters, self.vectors)
        for name, entries in extra.items():
            res.add_lexicon(name, entries)
        return res


class WordVectors(Mapping[str, tuple[float, ...]]):
    """Dense word vectors by word: the rows of one matrix, in ``words`` order. A row becomes a tuple only when a
    word is looked up (turning all ~54k rows into tuples cost ~0.4 CPU-s in every process that loads the model)."""

    def __init__(self, words: Iterable[str], matrix) -> None:
        self._rows = {word: i for i, word in enumerate(words)}
        if len(self._rows) != len(matrix):
            raise ValueError(f"{len(matrix)} vectors for {len(self._rows)} words")
        self._matrix = matrix

    def __getitem__(self, word: str) -> tuple[float, ...]:
        return tuple(self._matrix[self._rows[word]].tolist())

    def __contains__(self, word: object) -> bool:
        return word in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def read_lexicon(path: Path) -> list[str]:
    """Entries of a lexicon file: one per line, ``#`` comments and blank lines ignored."""
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def phrase_start_words(norm: str, stripped: str, phrases: dict[str, list[tuple[tuple[str, ...], str]]]) -> tuple[str, ...]:
    """The first words of multi-word gazetteer names a word may stand for: itself, or without (or with another)
    proclitic, e.g. وبغداد → بغداد, البغداد."""
    return tuple(sorted({norm, stripped, "ال" + stripped} & phrases.keys()))


def phrase_tags(
    norms: list[str], starts: list[tuple[str, ...]], phrases: dict[str, list[tuple[tuple[str, ...], str]]]
) -> list[str]:
    """B/I marks ("B", "I" for places, "per:B", "org:I" …) of tokens covered by a multi-word gazetteer name
    (``starts``: see phrase_start_words); the first token may carry a proclitic. The longest match wins, places on
    ties."""
    marks = [""] * len(norms)
    if not any(starts):
        return marks
    i = 0
    while i < len(norms):
        matched, kind = 0, ""
        for first in starts[i]:
            for phrase, prefix in phrases.get(first, ()):
                n = len(phrase)
                if n > matched or (n == matched and not prefix):
                    if tuple(norms[i + 1 : i + n]) == phrase[1:]:
                        matched, kind = n, prefix
        if matched:
            mark = f"{kind}:" if kind else ""
            marks[i] = mark + "B"
            for j in range(i + 1, i + matched):
                marks[j] = mark + "I"
            i += matched
        else:
            i += 1
    return marks


@dataclass(frozen=True)
class WordFeatures:
    """One word form's features: ``base`` as named values (for the document memory, the numpy scorer and for
    reading) and ``vector``, its dense vector (attributes e0, e1 …); and the same as crfsuite attributes —
    ``own`` for the word itself, ``context[k]`` for the word seen at OFFSETS[k] from another. crfsuite reads a
    string value {"w": "قال"} as the attribute "w:قال" of weight 1 and a number as the weight of the attribute
    named by its key; building that form once per word form makes a sequence's features a few dict merges per
    token, and crfsuite converts plain attribute→weight dicts fastest. The attribute forms are built on first use:
    the numpy scorer (marsad.nlp.ner.arabic_emissions) reads ``base`` only."""

    base: dict[str, str | float]
    vector: tuple[float, ...] | None = None
    phrase_starts: tuple[str, ...] = ()  # see phrase_start_words

    @cached_property
    def cues(self) -> tuple[str, ...]:
        """The MEMORY_CUES lexicons this word is in (see document_memory)."""
        return tuple(name for name in MEMORY_CUES if name in self.base)

    @cached_property
    def own(self) -> dict[str, float]:
        own = attributes(self.base)
        if self.vector:
            own.update(zip(vector_keys(len(self.vector)), self.vector, strict=True))
        return own

    @cached_property
    def context(self) -> tuple[dict[str, float], ...]:
        return tuple(
            attributes({key: self.base[key] for key in context_keys(off) if key in self.base}, prefix=str(off))
            for off in OFFSETS
        )


def context_keys(off: int) -> tuple[str, ...]:
    """The features of a word that a token at offset ``off`` from it sees."""
    return (*CONTEXT_KEYS, *NEAR_KEYS) if abs(off) == 1 else CONTEXT_KEYS


def attributes(features: dict[str, str | float], prefix: str = "") -> dict[str, float]:
    """``features`` as crfsuite attributes ("key:value" → 1.0 for strings, "key" → weight for numbers)."""
    return {
        (f"{prefix}{key}:{value}" if isinstance(value, str) else f"{prefix}{key}"): (
            1.0 if isinstance(value, str) else float(value)
        )
        for key, value in features.items()
    }


def word_features(tok: str, res: Resources) -> WordFeatures:
    """Features of one token on its own (no context): memoised per word form, since news repeats its words."""
    cached = res.cache.get(tok)
    if cached is not None:
        return cached
    norm = normalize_arabic(tok)
    strip = strip_clitics(tok)
    f: dict[str, str | float] = {
        "w": norm,
        "s": strip,
        "st": stem(tok) if len(norm) > _MIN_STEM else norm,
        "p2": norm[:2],
        "p3": norm[:3],
        "x1": norm[-1:],
        "x2": norm[-2:],
        "x3": norm[-3:],
        "sh": word_shape(tok),
        "len": str(min(len(norm), 8)),
    }
    if norm != strip:
        f["pre"] = norm[: norm.find(strip)] if strip in norm else "?"
    for name, entries in res.lexicons.items():
        if strip in entries or norm in entries:
            f[name] = 1.0
    ids = res.clusters.get(strip) or res.clusters.get(norm)
    if ids:
        for k, cid in enumerate(ids):
            f[f"c{k}"] = cid
    vector = res.vectors.get(strip) or res.vectors.get(norm)
    if len(res.cache) >= FEATURE_CACHE_SIZE:
        res.cache.clear()
    entry = WordFeatures(f, vector or None, phrase_start_words(norm, strip, res.phrases) if res.phrases else ())
    res.cache[tok] = entry
    return entry


@cache
def vector_keys(dims: int) -> tuple[str, ...]:
    return tuple(f"e{k}" for k in range(dims))


def document_memory(sequences: list[list[str]], res: Resources) -> dict[str, frozenset[str]]:
    """Cues seen right before each word anywhere in a document (non-local evidence).

    A name is often introduced once with a cue ("اللواء تحسين الخفاجي", "قال ميلر") and then repeated bare; the
    memory lets every occurrence of "الخفاجي"/"ميلر" see the cue.
    """
    memory: dict[str, set[str]] = {}
    for tokens in sequences:
        words = [word_features(t, res) for t in tokens]
        for prev, cur in pairwise(words):
            if prev.cues and cur.base["sh"] == "arabic":
                memory.setdefault(str(cur.base["s"]), set()).update(prev.cues)
    return {form: frozenset(cues) for form, cues in memory.items()}


def corpus_features(sentences: list[list[str]], res: Resources) -> list[list[dict[str, str | float]]]:
    """Features of consecutive sentences, with document memory over windows of DOC_WINDOW sentences.

    Used for CoNLL-style input (training data, eval files), which has no document boundaries.
    """
    out = []
    for start in range(0, len(sentences), DOC_WINDOW):
        window = sentences[start : start + DOC_WINDOW]
        memory = document_memory(window, res)
        out.extend(sentence_features(tokens, res, memory) for tokens in window)
    return out


def sentence_features(
    tokens: list[str], res: Resources, memory: dict[str, frozenset[str]] | None = None
) -> list[dict[str, float]]:
    """crfsuite attributes of each token of one sequence (``memory``: see document_memory): the token's own
    features; the word, clitic-free form, clusters, place-phrase mark and lexicons of its ±2 neighbours (±1 also
    suffix and shape); the word bigrams around it; cues of the document memory."""
    words = [word_features(t, res) for t in tokens]
    norms, marks = sequence_marks(words, res)
    n = len(tokens)
    out: list[dict[str, float]] = []
    local = local_attributes(norms, marks, [cues_of(word, memory) for word in words])
    for i, word in enumerate(words):
        f = {"bias": 1.0}
        f.update(word.own)
        for k, off in enumerate(OFFSETS):
            if 0 <= i + off < n:
                f.update(words[i + off].context[k])
        f.update(dict.fromkeys(local[i], 1.0))
        out.append(f)
    return out


def sequence_marks(words: list[WordFeatures], res: Resources) -> tuple[list[str], list[str]]:
    """Normalised forms of a sequence's words and their multi-word gazetteer marks (see phrase_tags)."""
    norms = [str(w.base["w"]) for w in words]
    if not res.phrases:
        return norms, [""] * len(words)
    return norms, phrase_tags(norms, [w.phrase_starts for w in words], res.phrases)


def cues_of(word: WordFeatures, memory: dict[str, frozenset[str]] | None) -> frozenset[str] | tuple[()]:
    return memory.get(str(word.base["s"]), ()) if memory else ()


def local_attributes(norms: list[str], marks: list[str], cues: list[frozenset[str] | tuple[()]]) -> list[list[str]]:
    """Names (each of value 1) of each token's attributes that depend on its sequence or document, not on its word
    form alone: document-memory cues, gazetteer-phrase marks of itself and its neighbours, the sequence's edges,
    the word bigrams around it."""
    n = len(norms)
    out = [[f"m_{cue}" for cue in token_cues] for token_cues in cues]
    for j, mark in enumerate(marks):
        if mark:
            out[j].append(f"gz:{mark}")
            for off in OFFSETS:  # token j - off sees token j at offset off
                if 0 <= j - off < n:
                    out[j - off].append(f"{off}gz:{mark}")
    for off in OFFSETS:
        for i in range(n - off, n) if off > 0 else range(min(n, -off)):
            if i >= 0:
                out[i].append(f"{off}edge")
    for i in range(1, n):
        pair = f"{norms[i - 1]}|{norms[i]}"
        out[i].append("w-1|w:" + pair)
        out[i - 1].append("w|w+1:" + pair)
    return out


@dataclass
class ArabicTagger:
    """A loaded CRF model with its feature resources.

    With a ``scorer`` (marsad.nlp.ner.crf_scoring, built by load_tagger) sequences are decoded in numpy from score
    rows memoised per word form; crfsuite (``tagger``) tags only the sequences the scorer cannot prove it decodes
    as crfsuite would. Without one every sequence goes through crfsuite.
    """

    tagger: object
    resources: Resources
    meta: dict
    # The numpy path: emission rows for crf_scoring's decoder (marsad.nlp.ner.arabic_emissions); None: crfsuite only.
    emissions: EmissionBuilder | None = field(default=None, repr=False)
    # Sequences decoded by the scorer and by crfsuite (the near-ties): how often the fallback runs.
    decoded: dict[str, int] = field(default_factory=lambda: {"scorer": 0, "crfsuite": 0}, repr=False)

    def tag(self, tokens: list[str], memory: dict[str, frozenset[str]] | None = None) -> list[str]:
        """BIO tags for one token sequence (any length; long inputs are tagged sentence by sentence)."""
        parts = [tokens[start:end] for start, end in split_sequences(tokens)]
        if memory is None and self.meta.get("config", {}).get("doc_memory"):
            memory = document_memory(parts, self.resources)
        return [tag for part_tags in self._tag_parts(parts, [memory] * len(parts)) for tag in part_tags]

    def tag_document(self, lines: list[list[str]]) -> list[list[str]]:
        """BIO tags for the token lines of one document, sharing one document memory."""
        return self.tag_documents([lines])[0]

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """BIO tags for the token lines of each document (a document memory each), tagged in one batch."""
        with_memory = self.meta.get("config", {}).get("doc_memory")
        ranges = [[split_sequences(tokens) for tokens in lines] for lines in documents]
        parts: list[list[str]] = []
        memories: list[dict[str, frozenset[str]] | None] = []
        for lines, spans in zip(documents, ranges, strict=True):
            memory = document_memory(lines, self.resources) if with_memory else None
            for tokens, line_spans in zip(lines, spans, strict=True):
                parts.extend(tokens[start:end] for start, end in line_spans)
                memories.extend([memory] * len(line_spans))
        tagged = iter(self._tag_parts(parts, memories))
        return [[[tag for _ in line_spans for tag in next(tagged)] for line_spans in spans] for spans in ranges]

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for consecutive sentences without document boundaries (CoNLL-style input): each sentence one
        sequence, with document memory over windows of DOC_WINDOW sentences (see corpus_features)."""
        if not self.meta.get("config", {}).get("doc_memory"):
            return [self.tag(tokens, {}) if tokens else [] for tokens in sentences]
        parts: list[list[str]] = []
        memories: list[dict[str, frozenset[str]] | None] = []
        for start in range(0, len(sentences), DOC_WINDOW):
            window = sentences[start : start + DOC_WINDOW]
            memory = document_memory(window, self.resources)
            parts.extend(tokens for tokens in window if tokens)
            memories.extend(memory for tokens in window if tokens)
        tagged = iter(self._tag_parts(parts, memories))
        return [next(tagged) if tokens else [] for tokens in sentences]

    def _tag_parts(
        self, parts: list[list[str]], memories: list[dict[str, frozenset[str]] | None]
    ) -> list[list[str]]:
        """BIO tags of each (non-empty) sequence, ``memories[k]`` the document memory of ``parts[k]``."""
        if self.emissions is None or not parts:
            return [
                list(self.tagger.tag(sentence_features(part, self.resources, memory)))
                for part, memory in zip(parts, memories, strict=True)
            ]
        scorer = self.emissions.scorer
        decoded = scorer.decode(self.emissions(parts, memories), [len(part) for part in parts])
        out = []
        for part, memory, path in zip(parts, memories, decoded.paths, strict=True):
            if path is None:
                out.append(list(self.tagger.tag(sentence_features(part, self.resources, memory))))
            else:
                out.append([scorer.labels[k] for k in path])
        self.decoded["crfsuite"] += decoded.undecided
        self.decoded["scorer"] += len(parts) - decoded.undecided
        return out


@cache
def load_tagger(directory: str) -> ArabicTagger:
    """Load the CRF once per directory (cached): nothing is read at import time."""
    import pycrfsuite  # lazy: only Arabic NER needs it

    path = Path(directory)
    model = path / MODEL_FILE
    if not model.exists():
        raise ModelMissing(
            f"{model}: the Arabic NER model is missing; build it with `make ner-model`",
            detail=f"looked for {MODEL_FILE} in {path.resolve()}",
        )
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    meta_path = path / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    from marsad.nlp import resource_cache
    from marsad.nlp.ner import arabic_emissions, crf_scoring  # emissions build on this module's features
    from marsad.text import clitics, normalize

    def build() -> tuple[Resources, ChainScorer]:
        return Resources.load(path), ChainScorer.from_tagger(tagger)

    # Reading the lexicons and the weights costs ~0.6 CPU-s: once per model, not once per enrichment worker.
    inputs = [model, path / CLUSTERS_FILE, path / VECTORS_FILE, *(path / LEXICON_DIR / f"{n}.txt" for n in LEXICON_NAMES)]
    resources, scorer = resource_cache.cached(
        "ar_crf", build, inputs=inputs, code=(sys.modules[__name__], crf_scoring, clitics, normalize),
        packages=("python-crfsuite", "numpy"),
    )
    LOGGER.info("loaded Arabic NER CRF from %s", path)
    emissions = arabic_emissions.EmissionBuilder(scorer, resources)
    return ArabicTagger(tagger=tagger, resources=resources, meta=meta, emissions=emissions)
