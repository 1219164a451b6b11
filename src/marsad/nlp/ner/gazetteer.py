"""The rule and gazetteer layer over every language's NER: known entities in, known errors out.

Matching runs with one Aho-Corasick automaton (pyahocorasick) over the normalised text (``marsad.text.normalize``
rules: no diacritics or tatweel, unified alef/yeh/teh marbuta, casefolded Latin, whitespace runs collapsed), and each
hit maps back to character offsets of the original text. A hit counts only at word boundaries, allowing Arabic
proclitics in front: و ف ب ل ك and their combinations before a name, and before names that carry the article
(indexed without it) one of ال وال بال فال كال لل ولل …. Latin aliases written capitalised in the data match only
capitalised text, and acronyms (US, WHO) only in capitals.

On top of the statistical model's spans (``merge``):
- a gazetteer hit that covers a model span (same extent, wider, or the model span plus a clitic) replaces it: the
  curated type and extent win (type and boundary fixes) — except that a generated place (geonames/babel, not the
  curated file) on exactly a model span of another type yields to the model: a city's name is often its team;
- a gazetteer hit crossing a model span wins over it; one inside a longer model span (جامعة بغداد) loses to it;
- model spans on the false-positive list (``data/stoplists/ner_false_positives.txt``) are dropped;
- hits nothing overlaps are added. Model MISC spans take part as blockers (a place inside "U.S. Open" is no place)
  and are dropped by the caller.
Finally, bare last names of multi-word PER names found in the article are marked where they recur (``short_names``).
Languages without a statistical model get the gazetteer hits and short names alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from marsad.config import DATA_DIR
from marsad.nlp.entities import (
    MIN_SHORT_NAME_CHARS,
    CanonicalEntity,
    EntitySpan,
    curated_entities,
)
from marsad.text.clitics import ARTICLE_PREFIXES, PROCLITICS
from marsad.text.normalize import is_arabic, normalize

LOGGER = logging.getLogger(__name__)

FALSE_POSITIVES_FILE = DATA_DIR / "stoplists" / "ner_false_positives.txt"
_ARTICLE_SET = frozenset(ARTICLE_PREFIXES)
_CLITIC_SET = frozenset(("", *PROCLITICS))
# Longest proclitic chain in front of a name ("وبال"); a longer word prefix means the hit is inside another word.
# Generic head nouns before a place name ("محافظة نينوى", "قطاع غزة", "دولة الإمارات"): the name alone is the
# mention (ANERcorp tags "غزة", not "قطاع غزة"), and the name alone is in the gazetteer too.
_LOC_HEADS = frozenset(normalize(w) for w in ("محافظة", "مدينة", "قطاع", "منطقة", "قضاء", "ولاية", "بلدة", "دولة", "جمهورية", "إقليم"))
_MAX_PREFIX = max(len(p) for p in (*ARTICLE_PREFIXES, *PROCLITICS))


@cache
def _norm_char(ch: str) -> str:
    return normalize(ch) if not ch.isspace() else " "


# The layer runs two matchers over each text (the gazetteer, then the article's own short names): the last
# texts' results are kept so the second pass does not normalise again. Callers must not modify them.
@lru_cache(maxsize=2)
def normalize_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize``-equivalent text plus, for each of its characters, the offset of the source character.

    The list has one extra entry (``len(text)``) so that an exclusive end maps too. Computed per distinct
    character and then in bulk (str.translate, numpy) — a loop over every character cost ~1.5 ms an article —
    unless some character normalises to several (ligatures, "…"), which the character loop handles.
    """
    mapping = {ch: _norm_char(ch) for ch in set(text)}
    if any(len(norm) > 1 or (norm and _norm_char(norm) != norm) for norm in mapping.values()):
        return _normalize_offsets_by_char(text)  # expansions, or a change that one more replace would redo
    dropped = [ord(ch) for ch, norm in mapping.items() if not norm]
    norm = text
    for ch, to in mapping.items():  # a few distinct changes per text: str.replace beats a translate table
        if to != ch:
            norm = norm.replace(ch, to)
    index = np.arange(len(text) + 1)
    if dropped:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        index = np.concatenate([np.flatnonzero(~np.isin(codes, dropped)), [len(text)]])
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    space = codes == ord(" ")
    # A space at the start or right after another one goes, as in normalize().
    repeat = space & np.concatenate([[True], space[:-1]])
    if repeat.any():
        norm = codes[~repeat].tobytes().decode("utf-32-le")
        index = np.concatenate([index[:-1][~repeat], index[-1:]])
    return norm, index.tolist()


def _normalize_offsets_by_char(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        norm = _norm_char(ch)
        if norm == " ":
            if not out or out[-1] == " ":
                continue
        for c in norm:
            out.append(c)
            index.append(i)
    index.append(len(text))
    return "".join(out), index


@dataclass(frozen=True)
class _Pattern:
    key: str
    type: str
    needs_article: bool
    exact: str  # the alias as written, when only that exact casing may match (acronyms)
    capital: bool  # Latin alias written capitalised: the text must be capitalised too
    rank: int  # lower wins when several entities share a pattern
    curated: bool  # from the curated alias file (its type is trusted over the model's)
    alias: str = ""  # the alias as written (for the capitalisation check)


def _patterns(entity: CanonicalEntity, rank: int) -> Iterable[tuple[str, _Pattern]]:
    for alias in entity.match_names:
        norm = normalize(alias)
        if not norm or (entity.type == "LOC" and norm.split(" ", 1)[0] in _LOC_HEADS and " " in norm):
            continue
        if is_arabic(norm[:1]):
            first, _, rest = norm.partition(" ")
            if first.startswith("ال") and len(first) > 3:
                yield norm[2:], _Pattern(entity.key, entity.type, True, "", False, rank, entity.curated)
            else:
                yield norm, _Pattern(entity.key, entity.type, False, "", False, rank, entity.curated)
            continue
        letters = [c for c in alias if c.isalpha()]
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        capital = alias[:1].isupper()
        yield norm, _Pattern(entity.key, entity.type, False, alias if acronym else "", capital, rank, entity.curated, alias)


class Matcher:
    """An automaton over the aliases of ``entities`` (earlier entities win a shared alias)."""

    def __init__(self, entities: Sequence[CanonicalEntity]) -> None:
        import ahocorasick  # lazy: building the automaton is the cost, not the import

        table: dict[str, list[_Pattern]] = {}
        for rank, entity in enumerate(entities):
            for norm, pattern in _patterns(entity, rank):
                table.setdefault(norm, []).append(pattern)
        self.automaton = ahocorasick.Automaton()
        for norm, patterns in table.items():
            patterns.sort(key=lambda p: p.rank)
            self.automaton.add_word(norm, (len(norm), tuple(patterns)))
        self.automaton.make_automaton()
        self.size = len(table)

    def find(self, text: str) -> list[EntitySpan]:
        """Non-overlapping gazetteer spans (leftmost-longest) in ``text``, offsets into ``text``."""
        if not self.size:
            return []
        norm, index = normalize_offsets(text)
        candidates: list[tuple[int, int, _Pattern]] = []
        for last, (length, patterns) in self.automaton.iter(norm):
            start, end = last - length + 1, last + 1
            if end < len(norm) and (norm[end].isalnum() or _hyphen_joined(norm, end, end + 1)):
                continue
            if start > 1 and _hyphen_joined(norm, start - 1, start - 2):
                continue  # "Pro-Moscow", "London-based": a compound word, not the name
            word_start = start
            while word_start > 0 and norm[word_start - 1].isalnum() and start - word_start <= _MAX_PREFIX:
                word_start -= 1
            prefix = norm[word_start:start]
            if start - word_start > _MAX_PREFIX:
                continue
            for pattern in patterns:
                if _accepts(pattern, prefix, text, index[word_start], index[start], index[end]):
                    first = start
                    if pattern.needs_article:  # keep the article in the surface form, drop a clitic before it
                        first = start - 2 if prefix.endswith("ال") else word_start
                    candidates.append((index[first], index[end], pattern))
                    break
        return _leftmost_longest(candidates)


def _hyphen_joined(norm: str, hyphen: int, other: int) -> bool:
    return 0 <= other < len(norm) and norm[hyphen] == "-" and norm[other].isalnum() and not is_arabic(norm[other])


def _capitalised_like(alias: str, surface: str) -> bool:
    """Each word capitalised in the alias is capitalised in the text ("Islamic State", not "Islamic state")."""
    alias_words, words = alias.split(), surface.split()
    if len(alias_words) != len(words):
        return surface[:1].isupper()
    return all(w[:1].isupper() for a, w in zip(alias_words, words, strict=True) if a[:1].isupper())


def _accepts(pattern: _Pattern, prefix: str, text: str, word_start: int, start: int, end: int) -> bool:
    if pattern.needs_article:
        return prefix in _ARTICLE_SET
    if is_arabic(text[start:end][:1]):
        return prefix in _CLITIC_SET
    if prefix:
        return False
    if pattern.exact:
        return text[start:end] == pattern.exact
    return not pattern.capital or _capitalised_like(pattern.alias, text[start:end])


def _leftmost_longest(candidates: list[tuple[int, int, _Pattern]]) -> list[EntitySpan]:
    chosen: list[EntitySpan] = []
    taken: list[tuple[int, int]] = []
    for start, end, pattern in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0], c[2].rank)):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        source = "gazetteer" if pattern.curated else "place"
        chosen.append(EntitySpan(start, end, pattern.type, pattern.key, source))  # type: ignore[arg-type]
    return sorted(chosen, key=lambda s: s.start)


def _peeled_start(text: str, span: EntitySpan) -> int:
    """Start of ``span`` after an Arabic proclitic chain or an English "the" the model included
    ("والعراق" → "العراق", "the United Nations" → "United Nations")."""
    surface = text[span.start : span.end]
    if surface[:4].lower() == "the ":
        return span.start + 4
    word = normalize(surface.split(" ", 1)[0])
    for prefix in (*ARTICLE_PREFIXES, *PROCLITICS):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return span.start + len(prefix) - (2 if prefix in _ARTICLE_SET and prefix.endswith("ال") else 0)
    return span.start


def _same_extent(text: str, model: EntitySpan, hit: EntitySpan) -> bool:
    """The model span is the hit, possibly with a clitic or "the" in front."""
    return model.end == hit.end and model.start <= hit.start <= max(model.start, _peeled_start(text, model))


def merge(text: str, model: Sequence[EntitySpan], gazetteer: Sequence[EntitySpan], *, false_positives: frozenset[str] = frozenset()) -> list[EntitySpan]:
    """Model spans corrected and completed by gazetteer spans (see the module docstring for the rules)."""
    kept = [s for s in model if normalize(text[s.start : s.end]) not in false_positives]
    out: list[EntitySpan] = []
    dropped: set[int] = set()
    for hit in gazetteer:
        overlapping = [i for i, s in enumerate(kept) if s.start < hit.end and hit.start < s.end]
        inside_longer = [
            i for i in overlapping
            if kept[i].start <= hit.start and kept[i].end >= hit.end and (kept[i].end - kept[i].start) > (hit.end - hit.start)
            and not (_peeled_start(text, kept[i]) >= hit.start and kept[i].end == hit.end)
        ]
        if inside_longer:
            continue  # a longer model entity contains the known name: جامعة بغداد stays an ORG
        same = [i for i in overlapping if _same_extent(text, kept[i], hit)]
        if hit.source == "place" and same and kept[same[0]].type != hit.type and not is_arabic(text[hit.start]):
            # A town's name the English model reads as a team or a person (CHICAGO beat …, Jordan scored). Arabic
            # news names clubs with their own words (curated), so there the place wins (أتلانتا is no ORG).
            continue
        dropped.update(overlapping)
        out.append(hit)
    out += [s for i, s in enumerate(kept) if i not in dropped]
    return sorted(out, key=lambda s: (s.start, s.end))


def short_names(text: str, spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """Spans for bare last names of the article's multi-word PER names where nothing else covers them."""
    last: dict[str, tuple[str, str]] = {}
    for span in spans:
        if span.type != "PER":
            continue
        words = normalize(text[span.start : span.end]).split(" ")
        if len(words) >= 2 and len(words[-1]) >= MIN_SHORT_NAME_CHARS:
            # The last word as written, so that a capitalised name matches only capitalised text.
            written = text[span.start : span.end].split()[-1]
            last.setdefault(words[-1], (span.key or "", written))
    if not last:
        return []
    entities = [CanonicalEntity(f"short:{word}", "PER", aliases=(written,)) for word, (_, written) in last.items()]
    found = []
    for hit in Matcher(entities).find(text):
        if any(s.start < hit.end and hit.start < s.end for s in spans):
            continue
        key = last[hit.key.removeprefix("short:")][0]
        found.append(EntitySpan(hit.start, hit.end, "PER", key, "short-name"))
    return found


def _read_false_positives() -> frozenset[str]:
    if not FALSE_POSITIVES_FILE.exists():
        return frozenset()
    lines = FALSE_POSITIVES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(x) for x in lines if x.strip() and not x.startswith("#"))


@cache
def default_layer() -> tuple[Matcher, frozenset[str]]:
    """The shipped layer: curated entities first, then places (regions, countries, large cities); built once."""
    from marsad.nlp.places import gazetteer as places

    entities = [*curated_entities(), *places().entities()]
    matcher = Matcher(entities)
    LOGGER.info("gazetteer: %d patterns from %d entities", matcher.size, len(entities))
    return matcher, _read_false_positives()


def apply(text: str, model: Sequence[EntitySpan] = ()) -> list[EntitySpan]:
    """The whole layer on one text: gazetteer hits merged with ``model`` spans, plus in-article short names."""
    matcher, false_positives = default_layer()
    spans = merge(text, model, matcher.find(text), false_positives=false_positives)
    return sorted([*spans, *short_names(text, spans)], key=lambda s: s.start)

