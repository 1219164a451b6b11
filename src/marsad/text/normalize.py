"""Arabic/Latin normalisation and tokenising for search keys, gazetteers and topic terms.

One place for these rules so that the index, the query, the gazetteer and the topic model agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# Tashkeel (U+064B–U+065F), superscript alef (U+0670) and tatweel (U+0640) carry no lexical identity.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_LETTER_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
# Eastern Arabic and Persian digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# A word of NORMALISED text (what ``tokens`` returns).
_TOKEN = re.compile(r"[\w\u0600-\u06ff]+", re.UNICODE)
# Arabic marks inside a written word that ``\w`` does not match: Quranic/honorific signs (U+0610–U+061A), tashkeel,
# superscript alef and tatweel. A word of RAW text is letters/digits plus these, so الحُدود stays one word and its
# offsets cover the marks.
WORD_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u0640"
RAW_WORD = re.compile(f"[\\w{WORD_MARKS}]+", re.UNICODE)
ARABIC_CHARS = re.compile("[\u0600-\u06ff]")


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


# The same mappings as replace() pairs: str.translate walks every character through a dict lookup, while a
# substring test + replace runs in C and skips absent letters — ~30x faster on whole article bodies (ingest hot path).
_REPLACEMENTS = tuple({**{chr(k): v for k, v in _LETTER_MAP.items()}, **{chr(k): chr(v) for k, v in _DIGITS.items()}}.items())


def normalize_arabic(text: str) -> str:
    """Search-key form of Arabic: no tashkeel/tatweel, unified alef/yeh/teh-marbuta, ASCII digits."""
    text = strip_diacritics(text)
    for src, dst in _REPLACEMENTS:
        if src in text:
            text = text.replace(src, dst)
    return text


def normalize(text: str) -> str:
    """Search-key form of any text: NFKC, casefolded, Arabic-normalised, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(normalize_arabic(text).split())


def tokens(text: str) -> list[str]:
    """Normalised word tokens (letters and digits) of ``text``."""
    return _TOKEN.findall(normalize(text))


def is_arabic(text: str) -> bool:
    return bool(ARABIC_CHARS.search(text))


@cache
def _stemmer(language: str):
    import snowballstemmer  # lazy: only search and topics need it

    return snowballstemmer.stemmer(language)


# Distinct (word, language) stems kept: Snowball's Arabic stemmer is pure Python (~0.1 ms a word) and news repeats
# its vocabulary, so keywords and topics stem each word once; bounded so that a long ingest stays small.
STEM_CACHE = 1 << 17


@lru_cache(maxsize=STEM_CACHE)
def stem(token: str, lang: str = "") -> str:
    """Light stem: Snowball Arabic for Arabic script, Snowball English/French by ``lang`` otherwise."""
    if is_arabic(token):
        return normalize_arabic(_stemmer("arabic").stemWord(token))
    language = {"fr": "french", "en": "english"}.get(lang, "english")
    return _stemmer(language).stemWord(token)
