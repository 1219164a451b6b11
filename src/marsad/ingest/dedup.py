"""Duplicate detection: exact keys (canonical URL, normalised-text hash) and near-duplicates (MinHash + LSH).

Exact duplicates are skipped. Near-duplicates (syndicated or lightly edited copies) are stored but point
at the first article of their cluster. MinHash is vectorised with numpy over stable 64-bit hashes
(blake2b of tokens, never Python's salted ``hash()``), so signatures and LSH band keys are the same in
every process and across runs; the band keys are stored in ``article_bands`` to find candidates later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np

# _TOKEN is the tokeniser behind normalize.tokens(); used directly on text that is already normalised
# (normalising twice is the costliest step of ingest).
from marsad.text.normalize import _TOKEN, normalize, tokens

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
# Texts with fewer shingles than this (briefs, captions) are only checked for exact duplicates: a
# handful of shared phrases would make them "near-duplicates" of anything on the same subject.
MIN_SHINGLES = 8
# Only the start of a long article is shingled: copies agree there, and it bounds the cost.
MAX_TOKENS = 2000

# Distinct tokens whose hashes are cached (~100 bytes each); the cache restarts when full.
MAX_CACHED_TOKENS = 2_000_000


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


class _TokenHasher:
    """Stable 64-bit token hashes, cached per run (news vocabulary repeats heavily)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, words: list[str]) -> np.ndarray:
        cache_ = self._cache
        missing = [w for w in set(words) if w not in cache_]
        if len(cache_) + len(missing) > MAX_CACHED_TOKENS:  # bound memory on huge multilingual runs
            cache_.clear()
        for w in missing:
            cache_[w] = int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
        return np.fromiter(map(cache_.__getitem__, words), dtype=np.uint64, count=len(words))


@dataclass
class Fingerprint:
    shingles: np.ndarray  # unique uint64 shingle hashes (sorted), for exact Jaccard verification
    bands: np.ndarray | None  # BANDS uint64 LSH keys, None when the text is too short


class MinHasher:
    """Computes shingle sets, MinHash signatures and LSH band keys."""

    def __init__(self) -> None:
        self._hash_tokens = _TokenHasher()

    def shingles(self, text: str, *, normalized: bool = False) -> np.ndarray:
        """Shingle hashes of ``text``; pass ``normalized=True`` when it is already ``normalize()``d."""
        words = (_TOKEN.findall(text) if normalized else tokens(text))[:MAX_TOKENS]
        if len(words) < SHINGLE_WORDS:
            return np.empty(0, dtype=np.uint64)
        h = self._hash_tokens(words)
        # Order-dependent combination of consecutive token hashes (uint64 arithmetic wraps, as intended).
        with np.errstate(over="ignore"):
            sh = h[: len(h) - SHINGLE_WORDS + 1].copy()
            for k in range(1, SHINGLE_WORDS):
                sh = sh * np.uint64(0x9E3779B97F4A7C15) + h[k : len(h) - SHINGLE_WORDS + 1 + k]
        return np.unique(sh)

    def fingerprint(self, text: str, *, normalized: bool = False) -> Fingerprint:
        sh = self.shingles(text, normalized=normalized)
        if len(sh) < MIN_SHINGLES:
            return Fingerprint(sh, None)
        return Fingerprint(sh, band_keys(signature(sh)))


def signature(shingles: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint64 values, 32 significant bits each) of a shingle-hash set."""
    a, b, _ = _permutations()
    with np.errstate(over="ignore"):
        # Multiply-shift: the high 32 bits of a*x+b mod 2^64 are a universal hash of x.
        hashed = (shingles[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return hashed.min(axis=0)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One uint64 key per LSH band: equal keys mean all ROWS minima of that band agree."""
    _, _, mix = _permutations()
    rows = sig.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * mix[None, :]).sum(axis=1, dtype=np.uint64)
    # Top bit cleared: DuckDB UBIGINT takes it, but keys also pass through signed int64 (pandas, SQL).
    return keys & np.uint64(0x7FFFFFFFFFFFFFFF)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
