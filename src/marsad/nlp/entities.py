"""Canonical entities: one id per actor across Arabic, English and French spellings.

Sources, in order of authority: the curated alias file ``data/entities/aliases.tsv`` (read and written by hand),
the places module (countries, Iraqi/Syrian governorates and regions, large cities) and, for everything else,
automatic keys built from the normalised surface form. Linking rules for the rest:

- Arabic clitics and the article (و ب ل ف ك + ال, وال, بال, لل …) are peeled before look-up;
- diacritics and letter variants (أ إ آ → ا, ى → ي, ة → ه) and Latin case go through ``marsad.text.normalize``;
- a leading English "the" is dropped;
- within one article a bare last name (الخفاجي, Miller) links to the full name used elsewhere in it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from marsad.config import DATA_DIR
from marsad.errors import RejectedInput
from marsad.models import EntityType, Mention
from marsad.text.clitics import ARTICLE_PREFIXES, ATTACHED_ARTICLES, PROCLITICS
from marsad.text.normalize import is_arabic, normalize

LOGGER = logging.getLogger(__name__)

ALIASES_FILE = DATA_DIR / "entities" / "aliases.tsv"
ENTITY_TYPES: frozenset[str] = frozenset({"PER", "ORG", "LOC", "MISC"})
# Arabic proclitics that attach to a name: conjunctions و/ف, prepositions ب/ل/ك, and the article.
# "لل" is ل + ال with the alef dropped. Longest first so "وبال" is tried before "و".
# A stem left after peeling must keep this many letters, or the "clitic" was part of the word (ولد, بلد).
MIN_STEM_CHARS = 3
# A bare last name shorter than this is too ambiguous to link to a full name in the article (Li, Ma).
MIN_SHORT_NAME_CHARS = 3
_THE = re.compile(r"^(the|l'|la|le|les)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class CanonicalEntity:
    """One actor or place: stable key ("org:isis"), type, display names and every known alias."""

    key: str
    type: EntityType
    name_ar: str = ""
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    curated: bool = False
    # Names the gazetteer may match in free text when not all names are safe to (a place whose display name is
    # also a common word); None means every name.
    match: tuple[str, ...] | None = None
    # Aliases too ambiguous for free text ("الأسد" is also "the lion", "ريال" a currency) that still link a span the
    # statistical model tagged with this entity's type. Written "~alias" in the alias file.
    link_only: tuple[str, ...] = ()

    @property
    def match_names(self) -> tuple[str, ...]:
        return self.names if self.match is None else self.match

    @property
    def names(self) -> tuple[str, ...]:
        """Display names and aliases, without empties or repeats."""
        seen: dict[str, None] = {}
        for name in (self.name_ar, self.name_en, *self.aliases):
            if name:
                seen.setdefault(name, None)
        return tuple(seen)


def _split_aliases(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


def read_entities(path: Path = ALIASES_FILE) -> list[CanonicalEntity]:
    """Curated entities from a tab-separated file: key, type, name_ar, name_en, aliases ("a | b | c")."""
    entities: list[CanonicalEntity] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RejectedInput(f"{path.name}: cannot read the entity alias file", detail=repr(exc)) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4 or cols[1] not in ENTITY_TYPES or ":" not in cols[0]:
            raise RejectedInput(
                f"{path.name}: line {number} is not 'key<TAB>type<TAB>name_ar<TAB>name_en<TAB>aliases'",
                detail=line,
            )
        aliases = _split_aliases(cols[4]) if len(cols) > 4 else ()
        free = tuple(a for a in aliases if not a.startswith("~"))
        link_only = tuple(a[1:].strip() for a in aliases if a.startswith("~") and a[1:].strip())
        entities.append(CanonicalEntity(cols[0], cols[1], cols[2].strip(), cols[3].strip(), free,  # type: ignore[arg-type]
                                        curated=True, link_only=link_only))
    return entities


def merge_entities(*sources: Iterable[CanonicalEntity]) -> dict[str, CanonicalEntity]:
    """Entities by key; a later source with the same key adds aliases and overrides non-empty display names."""
    merged: dict[str, CanonicalEntity] = {}
    for source in sources:
        for entity in source:
            old = merged.get(entity.key)
            if old is None:
                merged[entity.key] = entity
                continue
            aliases = tuple(dict.fromkeys((*old.aliases, old.name_ar, old.name_en, *entity.aliases)))
            merged[entity.key] = CanonicalEntity(
                entity.key,
                old.type,
                entity.name_ar or old.name_ar,
                entity.name_en or old.name_en,
                tuple(a for a in aliases if a),
                old.curated or entity.curated,
                link_only=tuple(dict.fromkeys((*old.link_only, *entity.link_only))),
            )
    return merged


def name_norm(text: str) -> str:
    """Normalised form of a name for look-ups: ``normalize`` with hashtag underscores read as spaces."""
    return normalize(text.replace("_", " ").lstrip("#"))


def peel(norm: str) -> list[str]:
    """Candidate look-up forms of one normalised name: itself, then with clitics/article or "the" removed.

    "والعراق" → ["والعراق", "العراق", "عراق"]; "the white house" → ["the white house", "white house"].
    """
    forms = [norm]
    latin = _THE.sub("", norm)
    if latin != norm:
        forms.append(latin)
    if not is_arabic(norm[:1]):
        return forms
    for prefix in ARTICLE_PREFIXES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_STEM_CHARS - 1:
            stem = norm[len(prefix) :]
            forms += ["ال" + stem, stem]
            break
    for prefix in PROCLITICS:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_STEM_CHARS:
            forms.append(norm[len(prefix) :])
            break
    return list(dict.fromkeys(forms))


def display_name(surface: str) -> str:
    """A surface form without a proclitic before the article ("والخفاجي" → "الخفاجي", "للعراق" → "العراق")."""
    surface = " ".join(surface.split())
    if not is_arabic(surface[:1]):
        return _THE.sub("", surface)
    norm = normalize(surface.split(" ", 1)[0])
    for prefix in ATTACHED_ARTICLES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_STEM_CHARS:
            cut = len(prefix) - 2  # characters before the article's alef-lam ("لل" keeps one lam as the article's)
            if prefix.endswith("لل") or prefix == "لل":
                return "ال" + surface[len(prefix):]
            return surface[cut:]
    return surface


def unknown_key(surface: str, type_: str) -> str:
    """Key of an entity not in any gazetteer: type plus the normalised form ("per:تحسين_الخفاجي")."""
    norm = name_norm(surface)
    if is_arabic(norm[:1]):
        for prefix in ATTACHED_ARTICLES:  # و/ب/ف/ك/ل before the article; keep the article itself
            if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_STEM_CHARS:
                norm = "ال" + norm[len(prefix) :]
                break
    else:
        norm = _THE.sub("", norm)
    return f"{type_.lower()}:{norm.replace(' ', '_')}"


@dataclass
class EntityIndex:
    """All known canonical entities and a normalised-alias → key map for linking."""

    entities: dict[str, CanonicalEntity]
    by_alias: dict[str, str] = field(default_factory=dict)
    by_link_alias: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_alias:
            # Curated entities first so that their aliases win over generated places with the same name.
            ordered = sorted(self.entities.values(), key=lambda e: not e.curated)
            for entity in ordered:
                for name in entity.names:
                    self.by_alias.setdefault(name_norm(name), entity.key)
                for name in entity.link_only:
                    self.by_link_alias.setdefault(name_norm(name), entity.key)

    def lookup(self, surface: str, type_: str = "") -> CanonicalEntity | None:
        """The known entity a surface form names, after normalisation and clitic/article peeling.

        With ``type_`` (the model's type for the span), link-only aliases of entities of that type count too.
        """
        forms = peel(name_norm(surface))
        for form in forms:
            key = self.by_alias.get(form)
            if key is not None:
                return self.entities[key]
        if type_:
            for form in forms:
                key = self.by_link_alias.get(form)
                if key is not None and self.entities[key].type == type_:
                    return self.entities[key]
        return None

    def get(self, key: str) -> CanonicalEntity | None:
        return self.entities.get(key)


@dataclass(frozen=True)
class EntitySpan:
    """A typed character span found by the statistical model and/or the gazetteer layer."""

    start: int
    end: int
    type: EntityType
    key: str = ""  # canonical key when the gazetteer knows the entity
    source: str = "model"  # "model", "gazetteer" (curated entity), "place" (generated place) or "short-name"


def last_word(norm: str) -> str:
    return norm.rsplit(" ", 1)[-1]


def link(text: str, spans: Sequence[EntitySpan], index: EntityIndex) -> list[tuple[Mention, CanonicalEntity]]:
    """Mentions with canonical entities for ``spans`` of ``text`` (offsets into ``text``).

    Unknown multi-word PER names also serve the within-article rule: a later (or earlier) bare last name links to them.
    """
    resolved: list[CanonicalEntity | None] = []
    full_names: dict[str, CanonicalEntity] = {}  # normalised last word → entity of a multi-word PER mention
    for span in spans:
        surface = text[span.start : span.end]
        entity = index.get(span.key) if span.key else index.lookup(surface, span.type)
        if entity is None:
            key = unknown_key(surface, span.type)
            name = display_name(surface)
            entity = index.get(key) or CanonicalEntity(
                key, span.type, name if is_arabic(name) else "", "" if is_arabic(name) else name
            )
        resolved.append(entity)
        norm = normalize(surface)
        if entity.type == "PER" and " " in norm:
            full_names.setdefault(last_word(norm), entity)
            for form in peel(last_word(norm))[1:]:
                full_names.setdefault(form, entity)
    out: list[tuple[Mention, CanonicalEntity]] = []
    for span, entity in zip(spans, resolved, strict=True):
        surface = text[span.start : span.end]
        norm = normalize(surface)
        if entity is not None and span.type == "PER" and " " not in norm and not entity.curated:
            for form in peel(norm):
                full = full_names.get(form)
                if full is not None and len(form) >= MIN_SHORT_NAME_CHARS:
                    entity = full
                    break
        assert entity is not None
        mention = Mention(
            text=surface,
            type=entity.type if entity.curated else span.type,
            start=span.start,
            end=span.end,
            canonical_id=entity.key,
            canonical_name_ar=entity.name_ar,
            canonical_name_en=entity.name_en,
        )
        out.append((mention, entity))
    return out


@cache
def curated_entities() -> tuple[CanonicalEntity, ...]:
    """The shipped curated alias file, read once."""
    return tuple(read_entities(ALIASES_FILE))
