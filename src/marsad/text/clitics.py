"""Arabic clitics: the one list that search keys, NER features, the gazetteer layer, entity linking and keyword
filtering strip or test for. Their letters are the same before and after marsad.text.normalize, so they match
normalised words and, tashkeel removed, raw ones.

A written word may carry, in this order: a conjunction (و "and", ف "so"), a preposition (ب "with/in",
ك "like", ل "for/to"), the article ال — and ل + ال is written لل — then the stem, then an object/possessive
pronoun (ه ها هم …). Each caller decides how many letters must remain for a strip to be safe.
"""

from __future__ import annotations

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
ARTICLE = "ال"


def _with_article(prefix: str) -> str:
    return prefix[:-1] + "لل" if prefix.endswith("ل") else prefix + ARTICLE


def _longest_first(forms: set[str]) -> tuple[str, ...]:
    # Longest first, so that a caller taking the first match strips the whole chain (وبال before وب before و).
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


# Conjunction and/or preposition without the article: وب ول وك فب فل فك و ف ب ل ك.
PROCLITICS = _longest_first({c + p for c in ("", *CONJUNCTIONS) for p in ("", *PREPOSITIONS)} - {""})
# The article with something attached before it: وبال فبال وكال فكال ولل فلل وال فال بال كال لل.
ATTACHED_ARTICLES = _longest_first({_with_article(p) for p in PROCLITICS})
# Every article form, bare ال last (it is the shortest): what "strip the article and what precedes it" tries.
ARTICLE_PREFIXES = (*ATTACHED_ARTICLES, ARTICLE)
# One-letter proclitics (a conjunction or a preposition alone).
SINGLE_PROCLITICS = (*CONJUNCTIONS, *PREPOSITIONS)
# Object/possessive pronouns attached at the end, longest first.
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "نا", "ها", "ه")
