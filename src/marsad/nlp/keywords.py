"""Key phrases per article: YAKE on the clean body with extended stoplists and post-filters.

YAKE's bundled Arabic stoplist (161 words) misses إلى, يتم, وأكد, طريق and most reporting verbs, and YAKE does not
know Arabic punctuation (the Arabic comma sticks to words and phrases run across it). So: Arabic punctuation is
spaced out and tashkeel removed before YAKE runs; the stoplist is YAKE's plus ``data/stoplists/<lang>.txt`` compared
after normalisation; a phrase is kept only if it neither starts nor ends with a stopword, contains no boilerplate
(``data/stoplists/boilerplate.txt``: app-store banners, share buttons, disclaimers), has letters, and — for Arabic
articles — is written in Arabic script (Latin menu lines such as "Play store icon" are not what the article is about).
Near-repeats (a phrase sharing most of its stemmed words with a better-ranked one) are dropped.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from marsad.config import DATA_DIR
from marsad.text.clitics import ATTACHED_ARTICLES
from marsad.text.normalize import is_arabic, normalize, stem, strip_diacritics, tokens

LOGGER = logging.getLogger(__name__)

STOPLIST_DIR = DATA_DIR / "stoplists"
BOILERPLATE_FILE = STOPLIST_DIR / "boilerplate.txt"
# Keywords per article: enough to characterise a story on a card without repeating its title word by word.
TOP_N = 10
# Phrases up to three words: Arabic names of organisations (قيادة العمليات المشتركة) need three.
MAX_WORDS = 3
# YAKE scans this many characters of the body at most. News puts what the story is about in its first paragraphs,
# and YAKE's cost grows with length: 2,000 characters (the median ANT body is ~1,400) take ~17 ms per article on
# this machine against ~40 ms for 6,000 — the difference between meeting and missing 50 articles/s end to end.
MAX_CHARS = 2000
# Over-generate before filtering so that TOP_N survive.
CANDIDATES = 30
# A candidate sharing this fraction of its (stemmed) words with a better-ranked keyword repeats it
# (لإنهاء ملف الحدود after إنهاء ملف الحدود; ملف الحدود المشتركة after ملف أمن الحدود).
MIN_SHARED = 0.6
_EDGE_PUNCT = " .,;:!?\"'()[]-–—…"
YAKE_LANGS = {"ar": "ar", "en": "en", "fr": "fr"}
_ARABIC_PUNCT = str.maketrans({"،": " , ", "؛": " ; ", "؟": " ? ", "«": ' " ', "»": ' " ', "“": ' " ', "”": ' " '})
_QUOTES = ('"', "“", "”", "«", "»")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _yake_stopwords(lang: str) -> set[str]:
    import yake

    path = Path(yake.__file__).parent / "core" / "StopwordsList" / f"stopwords_{lang}.txt"
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


@cache
def _extractor(lang: str):
    import yake

    # YAKE compares lowercased surface tokens: give it both the written and the normalised forms.
    stops = _yake_stopwords(YAKE_LANGS.get(lang, "en")) | set(stopwords(lang))
    # window_size=1: co-occurrence with direct neighbours only (YAKE's default, stated because it bounds the cost).
    return yake.KeywordExtractor(lan=YAKE_LANGS.get(lang, "en"), n=MAX_WORDS, top=CANDIDATES, dedup_lim=0.9,
                                 window_size=1, stopwords=stops)


def prepare(body: str) -> str:
    """The body as YAKE should see it: no tashkeel/tatweel, Arabic punctuation spaced out, capped in length."""
    return strip_diacritics(body[:MAX_CHARS]).translate(_ARABIC_PUNCT)


def acceptable(phrase: str, lang: str) -> bool:
    """Whether a candidate phrase may be shown as a keyword of a ``lang`` article."""
    words = tokens(phrase)
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
    """Up to ``top`` (phrase, score) pairs for an article body; lower YAKE scores are better, so scores are
    returned as 1/(1+yake) — higher is more relevant, in (0, 1]."""
    text = prepare(body)
    if not _HAS_LETTER.search(text):
        return []
    kept: list[tuple[str, float]] = []
    seen: list[frozenset[str]] = []
    for phrase, score in _extractor(lang).extract_keywords(text):
        phrase = " ".join(phrase.split()).strip(_EDGE_PUNCT)
        if not acceptable(phrase, lang):
            continue
        words = frozenset(stem(w, lang) for w in tokens(phrase))
        if any(len(words & other) >= MIN_SHARED * min(len(words), len(other)) for other in seen):
            continue
        seen.append(words)
        kept.append((phrase, round(1.0 / (1.0 + float(score)), 6)))
        if len(kept) >= top:
            break
    return kept
