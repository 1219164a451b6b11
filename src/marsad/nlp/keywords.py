"""Key phrases per article: YAKE-style statistical scores on the clean body, extended stoplists and post-filters.

Candidates and scores come from marsad.nlp.keyphrases (YAKE's features — Campos et al. 2020 — computed in one
pass: ~2 ms an article where the ``yake`` package took 15–30 ms, same or better lists: docs/keywords.md). YAKE's
bundled Arabic stoplist (161 words) misses إلى, يتم, وأكد, طريق and most reporting verbs: the stoplist is the
``yake`` package's list plus ``data/stoplists/<lang>.txt``, compared after normalisation. Tashkeel is removed
before scoring and Arabic punctuation bounds phrases. A phrase is kept only if it neither starts nor ends with a
stopword, contains no boilerplate (``data/stoplists/boilerplate.txt``: app-store banners, share buttons,
disclaimers), has letters, and — for Arabic articles — is written in Arabic script (Latin menu lines such as
"Play store icon" are not what the article is about). Near-repeats (a phrase sharing most of its stemmed words with
a better-ranked one) are dropped.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from marsad.config import DATA_DIR
from marsad.nlp import keyphrases
from marsad.text.clitics import ATTACHED_ARTICLES
from marsad.text.normalize import is_arabic, normalize, stem, strip_diacritics, tokens

LOGGER = logging.getLogger(__name__)

STOPLIST_DIR = DATA_DIR / "stoplists"
BOILERPLATE_FILE = STOPLIST_DIR / "boilerplate.txt"
# Keywords per article: enough to characterise a story on a card without repeating its title word by word.
TOP_N = 10
# Phrases up to three words: Arabic names of organisations (قيادة العمليات المشتركة) need three.
MAX_WORDS = 3
# Keywords are scored on this many characters of the body at most: news puts what the story is about in its first
# paragraphs (the median ANT body is ~1,400 characters), and the cost grows with length.
MAX_CHARS = 2000
# A candidate sharing this fraction of its (stemmed) words with a better-ranked keyword repeats it
# (لإنهاء ملف الحدود after إنهاء ملف الحدود; ملف الحدود المشتركة after ملف أمن الحدود).
MIN_SHARED = 0.6
_EDGE_PUNCT = " .,;:!?\"'()[]-–—…"
YAKE_LANGS = {"ar": "ar", "en": "en", "fr": "fr"}
_QUOTES = ('"', "“", "”", "«", "»")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _yake_stopwords(lang: str) -> set[str]:
    # Located, not imported: importing yake imports networkx and its scorer (~0.2 CPU-s in every enrichment worker)
    # for a text file.
    spec = importlib.util.find_spec("yake")
    if spec is None or spec.origin is None:
        LOGGER.warning("yake is not installed; using the project's stoplist only")
        return set()
    path = Path(spec.origin).parent / "core" / "StopwordsList" / f"stopwords_{lang}.txt"
    try:
        return {w.strip() for w in path.read_text(encoding="utf-8", errors="replace").splitlines() if w.strip()}
    except OSError:
        LOGGER.warning("yake stoplist %s missing; using the project's list only", path)
        return set()


def _read_list(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {normalize(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Normalised stopwords for ``lang``: YAKE's list plus the project's extension."""
    return frozenset({normalize(w) for w in _yake_stopwords(YAKE_LANGS.get(lang, "en"))} | _read_list(STOPLIST_DIR / f"{lang}.txt"))


@cache
def boilerplate() -> tuple[frozenset[str], tuple[str, ...]]:
    """Boilerplate single words and multi-word phrases (normalised)."""
    entries = _read_list(BOILERPLATE_FILE)
    return frozenset(e for e in entries if " " not in e), tuple(e for e in entries if " " in e)


def prepare(body: str) -> str:
    """The body as it is scored: no tashkeel/tatweel, capped in length."""
    return strip_diacritics(body[:MAX_CHARS])


def acceptable(phrase: str, lang: str) -> bool:
    """Whether a candidate phrase may be shown as a keyword of a ``lang`` article."""
    return _acceptable(phrase, tokens(phrase), lang)


def _acceptable(phrase: str, words: list[str], lang: str) -> bool:
    """``acceptable`` given the phrase's normalised ``tokens`` (select needs them again: normalised once)."""
    if not words or not _HAS_LETTER.search(phrase) or any(q in phrase for q in _QUOTES):
        return False  # a quote inside means the phrase straddles a quotation's edge
    stops = stopwords(lang)
    if words[0] in stops or words[-1] in stops or all(w in stops for w in words):
        return False
    if lang == "ar" and (any(w in stops for w in words) or any(w.startswith(ATTACHED_ARTICLES) for w in (words[0], words[-1]))):
        # Arabic key phrases are noun groups: a function word inside ("مشار إلى جنوب") or a conjunction/preposition
        # glued to the article at an edge ("لكرة القدم للمرة", "والحكومة") marks a fragment cut out of a sentence.
        return False
    if any(len(w) < 2 for w in (words[0], words[-1])):
        return False
    single, phrases = boilerplate()
    joined = " ".join(words)
    if any(w in single for w in words) or any(p in f" {joined} " for p in (f" {x} " for x in phrases)):
        return False
    if lang == "ar" and not all(is_arabic(w) or w.isdigit() for w in words):
        return False
    return True


def extract_keywords(body: str, lang: str, *, top: int = TOP_N) -> list[tuple[str, float]]:
    """Up to ``top`` (phrase, score) pairs for an article body, most relevant first; scores are 1/(1+s) of the
    statistical score s (lower s is better), so higher is more relevant, in (0, 1]."""
    text = prepare(body)
    if not _HAS_LETTER.search(text):
        return []
    return select(keyphrases.rank(text, stopwords(lang), max_words=MAX_WORDS), lang, top=top)


def select(ranked: Iterable[tuple[str, float]], lang: str, *, top: int = TOP_N) -> list[tuple[str, float]]:
    """The first ``top`` acceptable, non-repeating phrases of ``ranked`` (phrase, score; best = lowest first)."""
    kept: list[tuple[str, float]] = []
    seen: list[frozenset[str]] = []
    for phrase, score in ranked:
        phrase = " ".join(phrase.split()).strip(_EDGE_PUNCT)
        normalized = tokens(phrase)
        if not _acceptable(phrase, normalized, lang):
            continue
        words = frozenset(stem(w, lang) for w in normalized)
        if any(len(words & other) >= MIN_SHARED * min(len(words), len(other)) for other in seen):
            continue
        seen.append(words)
        kept.append((phrase, round(1.0 / (1.0 + float(score)), 6)))
        if len(kept) >= top:
            break
    return kept
