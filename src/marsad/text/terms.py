"""Index and query terms: one rule for the search index, the search query and topic terms.

Arabic words are normalised (marsad.text.normalize) and light-stemmed in the Light10 style (Larkey, Ballesteros &
Connell 2007, the usual baseline for Arabic retrieval): strip the conjunction و, the article with its attached
particles (ال وال بال كال فال لل), then common suffixes. We do not use the Snowball Arabic stemmer for search keys
because it is inconsistent across clitic forms (الحدود→حدود but والحدود→والحدود; الوزير→وزير but وزير→زير;
بغداد→غداد), so the same word would index under different keys. Latin-script words use Snowball English.

``term_spans`` keeps the character offsets of every word in the ORIGINAL text so hits can be highlighted there.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.text.clitics import ARTICLE_PREFIXES
from marsad.text.normalize import RAW_WORD, is_arabic, stem, tokens

# Light10 suffixes (after ة→ه, ى→ي normalisation), tried in this order, each stripped when >= 2 letters remain.
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
# و is stripped when at least this many letters remain (Light10). Shorter remainders are mostly words that
# start with و (وفد, وطن) rather than the conjunction.
_MIN_AFTER_WAW = 3
# Caching the key per surface word: news vocabulary is Zipfian, so a bounded cache gives most hits.
_CACHE_SIZE = 400_000


def _strip_prefixes(word: str) -> str:
    """Clitics of a NORMALISED Arabic word: the article with what is attached before it (Light10's prefixes,
    extended to every chain of marsad.text.clitics) when >= 2 letters remain, then a bare conjunction و.

    The bare و is stripped after the article so that وزير and الوزير (and وزارة/الوزارة) get the same key;
    when و is a root letter it is dropped from every form alike, which keeps the index consistent.
    """
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    if word.startswith("و") and len(word) - 1 >= _MIN_AFTER_WAW:
        word = word[1:]
    return word


def light_stem_arabic(word: str) -> str:
    """Light10-style stem of one NORMALISED Arabic word (see module docstring)."""
    word = _strip_prefixes(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=_CACHE_SIZE)
def term_key(word: str) -> str:
    """The index/query key of one surface word (any script); "" when it holds no letters or digits."""
    found = tokens(word)
    if not found:
        return ""
    norm = "".join(found)
    if is_arabic(norm):
        return light_stem_arabic(norm)
    if norm.isdigit():
        return norm
    return stem(norm, "en")


@lru_cache(maxsize=_CACHE_SIZE)
def prefix_key(word: str) -> str:
    """Key for a prefix search (``word*``): normalised and stripped of clitics, but not suffix-stemmed,
    since stemming a truncated word is meaningless."""
    found = tokens(word)
    norm = "".join(found)
    if not norm or not is_arabic(norm):
        return norm
    return _strip_prefixes(norm)


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) for every word of ``text``; offsets index the original string."""
    out = []
    for m in RAW_WORD.finditer(text):
        key = term_key(m.group())
        if key:
            out.append((m.start(), m.end(), key))
    return out


def term_keys(text: str) -> list[str]:
    """Keys of every word of ``text`` in order (what the search index stores)."""
    return [key for word in RAW_WORD.findall(text) if (key := term_key(word))]
