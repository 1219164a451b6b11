"""A query's words read against the search index's vocabulary: which indexed forms are the word itself with
its clitics and inflections.

The index files every word under its search key (marsad.text.terms.search_key): what can be decided from the
word alone (normalisation, the article, English plurals). A letter in front of a word may be a proclitic or
the word's own first letter — بسوريا is ب + سوريا but بلد is no ب + لد, لسوريا is ل + سوريا but لبنان is no
ل + بنان, وسوريا but not وزير — and no list of words can tell them apart. The archive can: a clitic form is
rarer than the bare word (سوريا is in 267 demo articles, بسوريا in 27), while a word that merely starts with
those letters is far more common than its remainder (وزير 434 demo articles against زير 0, فريق 614 against
ريق 0, بحث 108 against حث 19). So:

    "C + W" counts as W with the proclitic chain C (marsad.text.terms.CLITIC_CHAINS) when W's C-forms are in
    at most CLITIC_RATIO times as many articles as W's own forms, and W is no function word (والي is not
    و + إلى).

The same rule reads the query's own first letters (لسوريا searches سوريا) and decides which indexed C-forms a
query word also finds. Inflections (marsad.text.terms.INFLECTIONS) are endings that keep the word (حكومات,
حكومته, لاجئين); derivations (ايراني from ايران) and the Light10 stem's cuts are not followed. A plural query is
taken back to its singular only when the archive has that singular (اللاجئين → لاجئ, but بوتين is no plural of
بوت). A form is matched only if it is in the vocabulary, so the query holds no more alternatives than the
archive has. Figures: docs/reliability.md, "Search precision and recall".
"""

from __future__ import annotations

import sqlite3

from marsad.text.normalize import is_arabic
from marsad.text.terms import CLITIC_CHAINS, FUNCTION_WORDS, INFLECTIONS, inflection_stem

# A phrase is matched as alternatives, one per combination of its words' forms: cap them, dropping the rarest
# forms first, so a long phrase of common words cannot build a huge MATCH expression.
MAX_PHRASE_VARIANTS = 64
# How much more common a proclitic's forms may be than the bare word's: a clitic form can outnumber its word
# (لكرة القدم, FIFA's Arabic name, is in 314 demo articles, كرة القدم in 268), a word that merely starts with the
# letters outnumbers its remainder by far more (above). Measured on the demo query set (docs/reliability.md).
CLITIC_RATIO = 2


class Vocabulary:
    """Terms of an open index connection and the number of indexed articles holding each (FTS5 ``fts5vocab``)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, docs, row)")
        self._cache: dict[str, dict[str, int]] = {}

    def starting_with(self, prefix: str) -> dict[str, int]:
        """Every indexed term that starts with ``prefix``, with its article count (one range scan)."""
        if prefix not in self._cache:
            rows = self.con.execute(
                "SELECT term, doc FROM temp.search_vocab WHERE term >= ? AND term < ?", [prefix, prefix + "\U0010ffff"]
            )
            self._cache[prefix] = dict(rows.fetchall())
        return self._cache[prefix]

    def inflected(self, stem: str, *, prefix: bool = False) -> dict[str, int]:
        """Indexed forms of ``stem`` + an inflection (any continuation with ``prefix``), with their counts."""
        found = self.starting_with(stem)
        if prefix:
            return found
        return {t: n for t, n in found.items() if t[len(stem) :] in _ENDINGS}


_ENDINGS = frozenset(INFLECTIONS)


def _attached(chain: str, stem: str, own: int, vocab: Vocabulary, prefix: bool) -> dict[str, int]:
    """The forms of ``stem`` written with ``chain`` in front, if the rule reads ``chain`` as a proclitic there
    (``own``: how many articles hold ``stem``'s own forms)."""
    if not own or stem in FUNCTION_WORDS:
        return {}
    forms = vocab.inflected(chain + stem, prefix=prefix)
    return forms if own * CLITIC_RATIO >= sum(forms.values()) else {}


def _without_own_proclitic(key: str, vocab: Vocabulary, prefix: bool) -> str:
    """``key`` with a proclitic chain taken off its front when the rule reads it as one (لسوريا → سوريا)."""
    for chain in CLITIC_CHAINS:
        rest = key[len(chain) :]
        if key.startswith(chain) and len(rest) >= 2 and rest not in FUNCTION_WORDS:
            stem = rest if prefix else inflection_stem(rest)
            if _attached(chain, stem, sum(vocab.inflected(stem, prefix=prefix).values()), vocab, prefix):
                return rest
    return key


def word_forms(key: str, vocab: Vocabulary, *, prefix: bool = False) -> dict[str, int]:
    """Indexed keys that are the query word ``key`` (a search key) with its clitics and inflections, with their
    article counts; with ``prefix`` (``word*``), the prefixes to search: ``key`` and ``key`` behind each chain
    read as a proclitic. Always holds ``key`` (or its remainder when its own front is a proclitic)."""
    if not is_arabic(key):  # English plurals are made singular in the key itself: nothing to look up
        return {key: 0}
    key = _without_own_proclitic(key, vocab, prefix)
    # The query is one sighting of its word: a word the archive holds only with a proclitic (بكأس but never
    # كأس alone) still finds those forms when they are in one article, but not when in more (فريق for ريق).
    if prefix:  # the alternatives are prefixes themselves (FTS5 expands them): key and its accepted chains
        own = sum(vocab.inflected(key, prefix=True).values())
        forms = {key: own}
        for chain in CLITIC_CHAINS:
            if attached := _attached(chain, key, max(own, 1), vocab, prefix=True):
                forms[chain + key] = sum(attached.values())
        return forms
    stem = inflection_stem(key)
    if stem != key and not key.endswith("ه") and not ({stem, stem + "ه"} & vocab.starting_with(stem).keys()):
        stem = key  # no singular in the archive: the ending is the word's own (بوتين, فلسطين)
    own_forms = vocab.inflected(stem)
    forms = {key: own_forms.get(key, 0), **own_forms}
    for chain in CLITIC_CHAINS:
        forms.update(_attached(chain, stem, max(sum(own_forms.values()), 1), vocab, prefix=False))
    return forms


def phrase_variants(keys: tuple[str, ...], vocab: Vocabulary, *, prefix: bool = False) -> list[tuple[str, ...]]:
    """The alternatives of a query term of one or more words (a phrase): each word's forms, combined in order,
    at most MAX_PHRASE_VARIANTS (the rarest forms of the most varied word dropped first). ``prefix`` applies to
    the last word."""
    per_word = []
    for i, key in enumerate(keys):
        forms = word_forms(key, vocab, prefix=prefix and i == len(keys) - 1)
        # The word as the query has it first (never dropped), then by how common, then alphabetically.
        per_word.append(sorted(forms.items(), key=lambda f, key=key: (f[0] != key, -f[1], f[0])))

    def combinations() -> int:
        n = 1
        for forms in per_word:
            n *= len(forms)
        return n

    while combinations() > MAX_PHRASE_VARIANTS:
        widest = max(per_word, key=len)
        widest.pop()
    variants: list[tuple[str, ...]] = [()]
    for forms in per_word:
        variants = [(*v, form) for v in variants for form, _ in forms]
    return variants
