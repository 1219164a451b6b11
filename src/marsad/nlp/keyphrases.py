"""Candidate key phrases of one text and their statistical scores: YAKE's features, computed in one pass.

YAKE (Campos et al., "YAKE! Keyword extraction from single documents using multiple local features",
Information Sciences 509, 2020) scores each word of a text by five local statistics — casing, position,
frequency, relatedness to its context and spread over sentences — and a phrase of up to three words by the
product of its words' scores over its frequency. It needs no training and no corpus, which is what an offline,
multilingual monitor wants. The ``yake`` package spends ~15–30 ms an article building graph objects per word and
comparing every candidate with every kept one (edit-distance deduplication); the same statistics over plain
dictionaries cost about a tenth of that. This module implements the paper's formulas (not the package's code):

    S(w)  = Rel · Pos / (Case + Freq / Rel + Sent / Rel)
    Case  = max(capitalised, acronym occurrences) / (1 + ln TF)      (0 for scripts without case)
    Pos   = ln(ln(3 + median sentence index))
    Freq  = TF / (mean TF + stdev TF)          mean and stdev over the text's non-stopwords
    Rel   = 1 + (distinct left / all left + distinct right / all right neighbours) · TF / max TF
    Sent  = sentences containing w / all sentences
    S(p)  = Π S(w) / (TF(p) · (1 + Σ S(w)))                           lower is better

A word inside a phrase that is a stopword ("Bank of England") weighs by how often its neighbours lead to it and
it to them, as in the paper. Words are grouped by their normalised form (``marsad.text.normalize``), so hamza
and teh-marbuta spellings of one Arabic word count together; a phrase is shown as first written.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from functools import lru_cache

from marsad.text.normalize import normalize

# Sentence ends (a single line break is not one: wire copy wraps its lines mid-sentence) and, inside sentences,
# the punctuation no phrase may cross (Arabic comma and semicolon included).
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+|\n\s*\n")
_CHUNK = re.compile(r"[,،;؛:()\[\]{}\"“”«»|/–—…]+|\s-\s")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")  # letters and digits; a hashtag's underscore separates words
# Numbers ("2018", "1,5") and words mixing digits and letters ("32-bit", "F16") are never part of a phrase.
_HAS_DIGIT = re.compile(r"\d")
# Distinct normalised words kept between calls (news vocabularies repeat): bounded so a long ingest stays small.
WORD_CACHE = 1 << 16


@lru_cache(maxsize=WORD_CACHE)
def _key(word: str) -> str:
    return normalize(word)


def _words(text: str) -> list[list[list[str]]]:
    """Sentences → chunks → words of ``text`` (surface forms)."""
    out = []
    for sentence in _SENTENCE.split(text):
        chunks = [_WORD.findall(chunk) for chunk in _CHUNK.split(sentence)]
        chunks = [c for c in chunks if c]
        if chunks:
            out.append(chunks)
    return out


def rank(text: str, stopwords: Collection[str], *, max_words: int = 3) -> Iterator[tuple[str, float]]:
    """Candidate phrases of ``text`` (1 to ``max_words`` words, neither starting nor ending with a stopword or a
    number, never crossing punctuation) with their scores, best (lowest) first, as first written. ``stopwords``
    are normalised. Lazy: a caller that stops after the first few pays for joining only those."""
    sentences = _words(text)
    if not sentences:
        return iter(())
    tf: Counter[str] = Counter()
    cased: Counter[str] = Counter()  # YAKE keeps the larger of the capitalised and the acronym counts
    acronym: Counter[str] = Counter()
    where: dict[str, list[int]] = defaultdict(list)
    pairs: Counter[tuple[str, str]] = Counter()  # (word, the word right after it), within a chunk
    keyed: list[list[tuple[str, str, bool]]] = []  # chunks of (surface, key, usable in a candidate)
    for s_index, chunks in enumerate(sentences):
        first = True
        for chunk in chunks:
            row = []
            prev = ""
            for word in chunk:
                key = _key(word)
                usable = not _HAS_DIGIT.search(word)
                row.append((word, key, usable))
                tf[key] += 1
                where[key].append(s_index)
                if word[:1].isupper():
                    if len(word) > 1 and word.isupper():
                        acronym[key] += 1
                    elif not first:
                        cased[key] += 1
                first = False
                if prev and usable:  # a window of one word on each side, as YAKE's default
                    pairs[prev, key] += 1
                prev = key if usable else ""
            keyed.append(row)
    score = _word_scores(tf, cased, acronym, where, pairs, stopwords, len(sentences))
    return _phrases(keyed, score, tf, pairs, stopwords, max_words)


def _word_scores(tf, cased, acronym, where, pairs, stopwords, n_sentences: int) -> dict[str, float]:
    """S(w) of every word but the stopwords (see the module's docstring)."""
    distinct_left: Counter[str] = Counter()
    all_left: Counter[str] = Counter()
    distinct_right: Counter[str] = Counter()
    all_right: Counter[str] = Counter()
    for (a, b), n in pairs.items():
        distinct_right[a] += 1
        all_right[a] += n
        distinct_left[b] += 1
        all_left[b] += n
    cased_get, acronym_get, left_get, right_get = cased.get, acronym.get, all_left.get, all_right.get
    content = [n for k, n in tf.items() if k not in stopwords] or list(tf.values())
    mean = sum(content) / len(content)
    norm = mean + math.sqrt(sum((n - mean) ** 2 for n in content) / len(content))
    max_tf = max(tf.values())
    score: dict[str, float] = {}
    for key, n in tf.items():
        if key in stopwords:  # a stopword weighs by its neighbours in a phrase (_phrases), never by S(w)
            continue
        case = max(cased_get(key, 0), acronym_get(key, 0)) / (1.0 + math.log(n))
        sentences = where[key]
        mid = len(sentences) // 2  # already in order
        median = sentences[mid] if len(sentences) % 2 else (sentences[mid - 1] + sentences[mid]) / 2
        pos = math.log(math.log(3.0 + median))
        lefts, rights = left_get(key, 0), right_get(key, 0)
        wl = distinct_left[key] / lefts if lefts else 0.0
        wr = distinct_right[key] / rights if rights else 0.0
        rel = 1.0 + (wl + wr) * n / max_tf
        spread = len(set(sentences)) / n_sentences
        score[key] = rel * pos / (case + n / norm / rel + spread / rel)
    return score


def _phrases(keyed, score, tf, pairs, stopwords, max_words) -> Iterator[tuple[str, float]]:
    counts: Counter[tuple[str, ...]] = Counter()
    first_at: dict[tuple[str, ...], tuple[int, int, int]] = {}
    for r, row in enumerate(keyed):
        for start in range(len(row)):
            first = row[start]
            if not first[2] or first[1] in stopwords:
                continue
            keys: tuple[str, ...] = ()
            for end in range(start, min(start + max_words, len(row))):
                word = row[end]
                if not word[2]:
                    break
                keys += (word[1],)
                if word[1] in stopwords:
                    continue
                counts[keys] += 1
                if keys not in first_at:
                    first_at[keys] = (r, start, end + 1)
    ranked = []
    for keys, n in counts.items():
        product, total = 1.0, 0.0
        for i, key in enumerate(keys):
            if key in stopwords:  # inside: how strongly its neighbours lead to it and it to them
                p_in = pairs[keys[i - 1], key] / tf[keys[i - 1]]
                p_out = pairs[key, keys[i + 1]] / tf[key]
                product *= 2.0 - p_in * p_out
                total -= 1.0 - p_in * p_out
            else:
                product *= score[key]
                total += score[key]
        ranked.append((product / (n * (1.0 + total)), keys))
    ranked.sort()
    for value, keys in ranked:
        r, start, end = first_at[keys]
        yield " ".join(w[0] for w in keyed[r][start:end]), value
