"""Index and query terms: the topic-model term key and the search keys.

Arabic words are normalised (marsad.text.normalize) and light-stemmed in the Light10 style (Larkey, Ballesteros &
Connell 2007, the usual baseline for Arabic retrieval): strip the conjunction و, the article with its attached
particles (ال وال بال كال فال لل), then common suffixes. We do not use the Snowball Arabic stemmer for search keys
because it is inconsistent across clitic forms (الحدود→حدود but والحدود→والحدود; الوزير→وزير but وزير→زير;
بغداد→غداد), so the same word would index under different keys. Latin-script words use Snowball English. Topics use this
stem (``term_key``): conflating related words helps a topic model. Search does not (see "search keys" below).

``search_spans`` keeps the character offsets of every word in the ORIGINAL text so hits can be highlighted there.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from marsad.text.clitics import ARTICLE, ARTICLE_PREFIXES, ENCLITICS, PROCLITICS
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


# -- search keys ----------------------------------------------------------------------------------------
# Search matches WORDS, not stems: a query finds the word with its clitics and its inflections, never another
# word that happens to reduce to the same stem (the Light10 key above files لبنان under لبن, سلمان under سلم
# and والي under ال, i.e. beside every إلى). So the index keeps each word almost whole (``search_key``) and
# what cannot be decided from the word alone is decided at query time against the index vocabulary
# (marsad.store.search_vocab), with the rules below.

# Written with ال but not the article + a word: stripping it would file them under له, ذي, تي, ان.
_NOT_ARTICLE = frozenset({"الله", "اللهم", "الذي", "التي", "الذين", "اللذين", "اللتين", "اللاتي", "اللواتي", "الان"})
# Article chains stripped from the word itself (ال بال وال وبال …). Not لل (and ولل, فلل): it is ل + ال
# (للحدود) or ل + a word that starts with ل (للبنان), which only the vocabulary can tell apart.
_ARTICLE_CHAINS = tuple(p for p in ARTICLE_PREFIXES if not p.endswith("لل"))
# What may stand before a word and is ambiguous with its own first letters (ب ك ل و ف and their pairs: بسوريا
# vs بلد, لسوريا vs لبنان, وسوريا vs وزير), plus لل; longest first.
CLITIC_CHAINS = tuple(sorted({*PROCLITICS, "لل", "ولل", "فلل"}, key=lambda c: (-len(c), c)))
# Inflectional endings of a noun/adjective stem (after ة→ه): feminine ه, plurals ات ون ين, feminine duals تان
# تين, and the attached pronouns (after ت on a feminine noun: حكومتها). Not ي (it makes nisba adjectives,
# ايران→ايراني, a word of its own) and not the dual ان (names end in it: لبنان, سلمان, ايران).
INFLECTIONS = ("", "ه", "ات", "ون", "ين", "تان", "تين", *ENCLITICS, *("ت" + e for e in ENCLITICS))
# Plural/dual endings a query word is taken back from to build its inflections (اللاجئين → لاجئ), when at least
# this many letters stay: shorter remainders are mostly words of their own (حسين is not حس + ين).
_PLURALS = ("تين", "تان", "ات", "ون", "ين")
_MIN_STEM = 3
# Function words never read as the rest of a proclitic + word: والي (governor) is not و + إلى, ولي (guardian,
# ولي العهد) is not و + لي, whatever their counts in the archive.
FUNCTION_WORDS = frozenset(
    "الي علي في من عن مع لي له لها لهم لنا لك ما ماذا لا لم لن ان انه انها او ثم هو هي هم هذا هذه ذلك تلك "
    "كل بعد قبل بين عند حتي الا اذا لو قد".split()
)
# English words whose final s is no plural ending (Harman's S-stemmer rules would cut it).
_NOT_PLURAL = frozenset({"news", "series", "species", "means", "always", "perhaps", "whereas", "gas", "yes",
                         "texas", "paris", "athens", "sales"})


def strip_article(word: str) -> str:
    """A NORMALISED Arabic word without its article chain (وبالحدود → حدود) when >= 2 letters remain."""
    for prefix in _ARTICLE_CHAINS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix) :]
            return ARTICLE + rest if ARTICLE + rest in _NOT_ARTICLE else rest
    return word


def s_stem(word: str) -> str:
    """English plural → singular (Harman's S-stemmer, 1991, plus -ches/-shes/-xes/-sses → no "es"): only
    inflection, unlike Snowball/Porter, which file organization under organ and university under univers."""
    if len(word) <= 3 or word in _NOT_PLURAL:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=_CACHE_SIZE)
def search_key(word: str, *, stem: bool = True) -> str:
    """The search-index key of one surface word: normalised; Arabic without its article chain, English plural
    made singular (``stem=False`` keeps it, for prefix searches); "" when it holds no letters or digits."""
    norm = "".join(tokens(word))
    if not norm or norm.isdigit():
        return norm
    if is_arabic(norm):
        return strip_article(norm)
    return s_stem(norm) if stem else norm


def inflection_stem(key: str) -> str:
    """What a query key's inflections are built on: a plural/dual ending or the final ه taken off
    (لاجئين → لاجئ, حكومه → حكوم) when enough letters stay; otherwise the key itself."""
    for ending in _PLURALS:
        if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM:
            return key[: -len(ending)]
    if key.endswith("ه") and len(key) - 1 >= _MIN_STEM:
        return key[:-1]
    return key


def _search_words(text: str) -> Iterator[tuple[int, int, str]]:
    # Hashtag-style words (#محمد_بن_سلمان) are several words: split raw words at underscores.
    for m in RAW_WORD.finditer(text):
        start = m.start()
        for part in m.group().split("_"):
            if part:
                yield start, start + len(part), part
            start += len(part) + 1


def search_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, search key) of every word of ``text``; offsets index the original string."""
    return [(s, e, key) for s, e, word in _search_words(text) if (key := search_key(word))]


def search_keys(text: str) -> list[str]:
    """Search keys of every word of ``text`` in order (what the search index stores): those of :func:`search_spans`,
    found without the offsets (half the CPU time over the demo corpus: indexing it is much of `marsad demo`)."""
    return [key for word in RAW_WORD.findall(text) for part in word.split("_") if part and (key := search_key(part))]
