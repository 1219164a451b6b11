"""Duplicate detection: exact keys (canonical URL, normalised-text hash) and near-duplicates (MinHash + LSH).

What a duplicate is:
- an exact duplicate has the same canonical URL or the same normalised headline and body: it is skipped;
- a near-duplicate is the same story published again: under the same headline (or one sharing at least
  SAME_HEADLINE_JACCARD of its words, e.g. with an outlet's suffix or a word changed), a text whose 3-word
  shingles overlap an earlier article's by at least NEAR_DUP_JACCARD (syndicated copies, light edits, an added
  sign-off). It is stored, but every count leaves it out.
- a new headline over a reused body is NOT a duplicate: it is a story update or a new angle, which an outlet
  publishes (and an analyst counts) as an article of its own.
Near-duplicates form clusters: each points at the first article of its cluster (``duplicate_of``), and a new
article is compared with every member, not only the first, so a copy of a copy joins the cluster even when it
has drifted too far from the first article to match it directly.

MinHash is vectorised with numpy over stable 64-bit hashes
(blake2b of tokens, never Python's salted ``hash()``), so signatures and LSH band keys are the same in
every process and across runs; the band keys are stored in ``article_bands`` to find candidates later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from marsad.text.normalize import normalize, tokens

# 3-word shingles: long enough that two unrelated articles share few, short enough that one edited word
# only changes three of them.
SHINGLE_WORDS = 3
# 16 bands x 4 rows = 64 permutations. The LSH S-curve crosses 50% at Jaccard (1/16)^(1/4) = 0.5, and
# finds a pair at J = 0.7 with probability 1-(1-0.7^4)^16 = 0.99; every candidate is then verified on
# its real shingle sets, so the low threshold costs only a few extra comparisons.
BANDS = 16
ROWS = 4
NUM_PERM = BANDS * ROWS
# Pairs at or above this Jaccard similarity of shingle sets are near-duplicates. Syndicated copies with a
# changed headline, intro or sign-off stay above it; on ANT v2.1, follow-ups on the same story and
# recurring columns with a shared intro scored 0.3-0.63, so the line sits above them.
NEAR_DUP_JACCARD = 0.7
# Headlines sharing fewer of their words than this are different headlines: the article is an update or
# another story over a reused body. Half still covers an outlet's suffix ("… | سكاي نيوز عربية") or a changed word.
SAME_HEADLINE_JACCARD = 0.5
# Texts with fewer shingles than this (briefs, captions) are only checked for exact duplicates: a
# handful of shared phrases would make them "near-duplicates" of anything on the same subject.
MIN_SHINGLES = 8
# Only the start of a long article is shingled: copies agree there, and it bounds the cost.
MAX_TOKENS = 2000

# Characters of the text looked at: ~2,000 Arabic or English words, more than MAX_TOKENS needs.
MAX_CHARS = 16_000
# A character of a token: normalize.tokens()' pattern, one character at a time.
_TOKEN_CHAR = re.compile(r"[\w\u0600-\u06ff]")
# Characters of one token with their own power in the token hash (longer "words" are URLs or garbage).
MAX_TOKEN_CHARS = 64


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed multiply-shift hash family (seeded: stable across processes and versions of this code)."""
    rng = np.random.Generator(np.random.PCG64(20200925))
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    band_mix = rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)
    return a, b, band_mix


def normalized_text(title: str, body: str) -> str:
    """Normalised title and body, computed once per article for both the hash and the shingles."""
    return normalize(title) + "\n" + normalize(body)


def content_hash(title: str, body: str, *, normalized: str | None = None) -> str:
    """Hash of the normalised title and body: equal for copies that differ only in case, tashkeel,
    alef/yeh forms, digits or whitespace."""
    key = normalized if normalized is not None else normalized_text(title, body)
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


@cache
def _word_chars() -> np.ndarray:
    """Which BMP code points are word characters: the same set as normalize.tokens() (``\\w`` plus the
    Arabic block), as a lookup table so that tokenising and hashing run in numpy, not per word in Python."""
    table = np.zeros(0x10000, dtype=bool)
    # The tokeniser's own pattern over every BMP character at once (a per-character Python loop cost ~0.4 s in
    # each ingest process).
    table[[m.start() for m in _TOKEN_CHAR.finditer("".join(map(chr, range(0x10000))))]] = True
    return table


@cache
def _char_powers() -> np.ndarray:
    """P**k mod 2**64 for the polynomial hash of a token's characters (P odd, k < MAX_TOKEN_CHARS)."""
    p, mask, out = 0x100000001B3, (1 << 64) - 1, []
    value = 1
    for _ in range(MAX_TOKEN_CHARS):
        out.append(value)
        value = (value * p) & mask
    return np.array(out, dtype=np.uint64)


def token_hashes(text: str) -> np.ndarray:
    """A stable 64-bit hash per word token of (normalised) ``text``, in order (at most MAX_TOKENS), all in numpy.

    Each token's hash is a polynomial over its code points (mod 2**64) followed by a bit mixer; the same
    in every process and run. Characters beyond MAX_TOKEN_CHARS of one token share the last power (such
    "words" are URLs or garbage; they still hash deterministically).
    """
    hashes, starts = _batch_token_hashes([text])
    return hashes[starts[0]:starts[1]]


def _batch_token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_hashes` of many texts in one pass: all their hashes, and where each text's start
    (``hashes[starts[i]:starts[i + 1]]`` are text i's). One pass over the joined texts instead of a few dozen
    numpy calls per text: per-call overhead, not arithmetic, was most of the cost on news-sized texts."""
    cut = [t[:MAX_CHARS] for t in texts]
    # "\n" is not a word character: no token spans two texts.
    cps = np.frombuffer("\n".join(cut).encode("utf-32-le"), dtype=np.uint32)
    bounds = np.cumsum([0] + [len(t) + 1 for t in cut])  # text i is cps[bounds[i]:bounds[i + 1] - 1]
    inword = np.zeros(len(cps), dtype=bool)
    bmp = cps < 0x10000
    inword[bmp] = _word_chars()[cps[bmp]]
    pos = np.flatnonzero(inword)
    is_start = np.ones(len(pos), dtype=bool)
    is_start[1:] = pos[1:] != pos[:-1] + 1  # a word character not right after another one starts a token
    seg = np.flatnonzero(is_start)
    token_of = np.cumsum(is_start) - 1
    offset = np.minimum(pos - pos[seg][token_of], MAX_TOKEN_CHARS - 1)
    with np.errstate(over="ignore"):
        values = (cps[pos].astype(np.uint64) + np.uint64(1)) * _char_powers()[offset]
        h = np.add.reduceat(values, seg) if len(seg) else np.empty(0, dtype=np.uint64)
        h ^= h >> np.uint64(31)  # splitmix64-style finaliser: spreads the polynomial's low-entropy bits
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    # Tokens per text (from where each token starts), then only the first MAX_TOKENS of each.
    first = np.searchsorted(pos[seg], bounds)
    counts = np.minimum(np.diff(first), MAX_TOKENS)
    keep = np.arange(len(h)) - np.repeat(first[:-1], np.diff(first)) < np.repeat(counts, np.diff(first))
    return h[keep], np.concatenate(([0], np.cumsum(counts)))


@dataclass
class Fingerprint:
    shingles: np.ndarray  # unique uint64 shingle hashes (sorted), for exact Jaccard verification
    bands: np.ndarray | None  # BANDS uint64 LSH keys, None when the text is too short


# Shingle x permutation cells (uint64) hashed at once by :func:`fingerprints`: ~32 MB, whatever the batch.
_SIGNATURE_CELLS = 4_000_000


def batch_shingles(texts: Sequence[str]) -> list[np.ndarray]:
    """The shingle-hash set (sorted, unique uint64) of each already-normalised text, computed together."""
    h, starts = _batch_token_hashes(texts)
    counts = np.diff(starts)
    n_sh = np.maximum(counts - (SHINGLE_WORDS - 1), 0)  # shingles per text
    # Shingle j of text i starts at token starts[i] + j: consecutive windows, never across two texts.
    first = np.repeat(starts[:-1], n_sh) + (np.arange(int(n_sh.sum())) - np.repeat(np.cumsum(n_sh) - n_sh, n_sh))
    owner = np.repeat(np.arange(len(texts)), n_sh)
    # Order-dependent combination of consecutive token hashes (uint64 arithmetic wraps, as intended).
    with np.errstate(over="ignore"):
        sh = h[first]
        for k in range(1, SHINGLE_WORDS):
            sh = sh * np.uint64(0x9E3779B97F4A7C15) + h[first + k]
    order = np.lexsort((sh, owner))  # by text, then by hash: each text's set comes out sorted
    sh, owner = sh[order], owner[order]
    fresh = np.ones(len(sh), dtype=bool)
    fresh[1:] = (sh[1:] != sh[:-1]) | (owner[1:] != owner[:-1])
    sh, owner = sh[fresh], owner[fresh]
    cuts = np.searchsorted(owner, np.arange(len(texts) + 1))
    return [sh[cuts[i]:cuts[i + 1]] for i in range(len(texts))]


def fingerprints(texts: Sequence[str]) -> list[Fingerprint]:
    """:meth:`MinHasher.fingerprint` of many already-normalised texts, in a few numpy calls for the lot."""
    sets = batch_shingles(texts)
    out = [Fingerprint(sh, None) for sh in sets]
    keyed = [i for i, sh in enumerate(sets) if len(sh) >= MIN_SHINGLES]

    def sign(group: list[int]) -> None:
        lengths = np.array([len(sets[i]) for i in group])
        sigs = _signatures(np.concatenate([sets[i] for i in group]), np.cumsum(lengths) - lengths)
        for i, keys in zip(group, band_keys(sigs), strict=True):
            out[i].bands = keys

    group: list[int] = []
    cells = 0
    for i in keyed:  # signatures in groups of at most about _SIGNATURE_CELLS cells
        if group and cells + len(sets[i]) * NUM_PERM > _SIGNATURE_CELLS:
            sign(group)
            group, cells = [], 0
        group.append(i)
        cells += len(sets[i]) * NUM_PERM
    if group:
        sign(group)
    return out


class MinHasher:
    """Computes shingle sets, MinHash signatures and LSH band keys."""

    def shingles(self, text: str, *, normalized: bool = False) -> np.ndarray:
        """Shingle hashes of ``text``; pass ``normalized=True`` when it is already ``normalize()``d."""
        return batch_shingles([text if normalized else normalize(text)])[0]

    def fingerprint(self, text: str, *, normalized: bool = False) -> Fingerprint:
        return fingerprints([text if normalized else normalize(text)])[0]


def signature(shingles: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint64 values, 32 significant bits each) of a shingle-hash set."""
    return _signatures(shingles, np.zeros(1, dtype=np.int64))[0]


def _signatures(shingles: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Signatures of several non-empty shingle sets laid end to end (set i starts at ``starts[i]``), one per row."""
    a, b, _ = _permutations()
    with np.errstate(over="ignore"):
        # Multiply-shift: the high 32 bits of a*x+b mod 2^64 are a universal hash of x (in place: one array).
        hashed = np.multiply.outer(shingles, a)
        hashed += b
        hashed >>= np.uint64(32)
    return np.minimum.reduceat(hashed, starts, axis=0)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One uint64 key per LSH band: equal keys mean all ROWS minima of that band agree. ``sig`` may hold
    one signature or one per row (then one row of keys each)."""
    _, _, mix = _permutations()
    rows = sig.reshape(*sig.shape[:-1], BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * mix).sum(axis=-1, dtype=np.uint64)
    # Top bit cleared: DuckDB UBIGINT takes it, but keys also pass through signed int64 (pandas, SQL).
    return keys & np.uint64(0x7FFFFFFFFFFFFFFF)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def headline_words(title: str) -> frozenset[str]:
    """The normalised words of a headline, for :func:`same_headline`."""
    return frozenset(tokens(title))


def same_headline(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two headlines (as :func:`headline_words`) are the same story's; a missing headline (records
    without titles) cannot tell two texts apart, so the text alone decides."""
    if not a or not b:
        return True
    return len(a & b) / len(a | b) >= SAME_HEADLINE_JACCARD


class ClusterMember:
    """What a later article is compared with: an earlier article's shingles and headline, and its cluster.

    ``ClusterMember.of_title(...)`` takes the headline as text and splits it only when a later article is
    compared with this one: most articles never are (no band key in common), and normalising every headline
    cost about a tenth of the ingest's main process."""

    __slots__ = ("shingles", "root", "_headline", "_title")

    def __init__(self, shingles: np.ndarray, headline: frozenset[str], root: int) -> None:
        self.shingles = shingles
        self.root = root  # the first article of its cluster (its own id for an original)
        self._headline: frozenset[str] | None = headline
        self._title = ""

    @classmethod
    def of_title(cls, shingles: np.ndarray, title: str, root: int) -> ClusterMember:
        member = cls(shingles, frozenset(), root)
        member._headline, member._title = None, title
        return member

    @property
    def headline(self) -> frozenset[str]:
        if self._headline is None:
            self._headline = headline_words(self._title)
        return self._headline


def is_copy(shingles: np.ndarray, headline: frozenset[str], member: ClusterMember) -> bool:
    """Whether an article (its shingles and headline words) is a near-duplicate of ``member``."""
    return same_headline(headline, member.headline) and jaccard(shingles, member.shingles) >= NEAR_DUP_JACCARD
