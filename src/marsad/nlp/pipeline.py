"""Article enrichment: language-routed NER + gazetteer layer + canonical linking + places + keywords.

``enrich_article(article) -> Article`` fills ``article.entities`` (``marsad.models.Mention``: found in the title
and the body, offsets into the ``field`` each was found in), ``article.keywords`` and ``article.extra["places"]``
(a list of ``places.PlaceRecord``: name, entity, lat, lon, country, kind). The models read the title and the body
as one text — a paragraph break between them — so a full name in one links a bare last name in the other.
``enrich_batch`` does the same for many articles, running each language's statistical model once over the batch
(``nlp.pipe``-style). Articles whose language has no statistical model get
the gazetteer layer alone; so do all articles when a model is missing from this build (logged once).

Bump ``PIPELINE_VERSION`` whenever a change here, in the gazetteers or in the models changes results:
``marsad enrich`` re-runs every article stored with an older version.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Literal

from marsad.errors import MarsadError
from marsad.models import MAX_BODY_CHARS, Article, Mention
from marsad.nlp.entities import CanonicalEntity, EntityIndex, EntitySpan, curated_entities, link, merge_entities
from marsad.nlp.keywords import extract_keywords
from marsad.nlp.ner import gazetteer as gaz
from marsad.nlp.places import GAZETTEER_MIN_POPULATION, PlaceRecord
from marsad.nlp.places import gazetteer as places_gazetteer
from marsad.text.normalize import is_arabic

LOGGER = logging.getLogger(__name__)

# Version of the enrichment results stored per article (articles.pipeline_version); 0 means "never enriched".
# 2: the shipped Arabic CRF joined the gazetteer layer (version 1 stores were enriched by the gazetteer alone).
# 3: mentions in titles (Mention.field); version 2 stores have body mentions only.
# 4: keywords scored by marsad.nlp.keyphrases instead of the yake package.
PIPELINE_VERSION = 4
# Between the title and the body in the text the models read: a paragraph break, which no span crosses (the
# models tag paragraphs separately) and which the article view also puts between them (marsad.ui.render).
TITLE_BREAK = "\n\n"
# Markup left in some corpora's text by their conversion (blanked out before the statistical model reads it).
_MARKUP = re.compile(r"&\\t|&#\d+;")
# Two to five letters-and-dots groups: "بي.بي.سي", "تي.بي.جي", "U.S.A" (a trailing dot is sentence punctuation).
_DOTTED = re.compile(r"(?<![\w.])(?:[^\W\d_]{1,3}\.){1,4}[^\W\d_]{1,3}(?![\w])")
_HASHTAG = re.compile(r"#[^\W\d_][\w]*")
ENTITY_TYPES = frozenset({"PER", "ORG", "LOC", "MISC"})
MENTION_TYPES = frozenset({"PER", "ORG", "LOC"})
# When an article carries no language code, this share of Arabic letters among its letters makes it Arabic.
ARABIC_SHARE = 0.5


@cache
def entity_index() -> EntityIndex:
    """Curated entities and gazetteer places, by key and normalised alias (built once)."""
    return EntityIndex(merge_entities(places_gazetteer().entities(), curated_entities()))


def language_of(article: Article) -> str:
    """The article's language code; when unset, Arabic if most letters are Arabic, else English."""
    if article.language:
        return article.language
    letters = [c for c in article.body[:2000] if c.isalpha()]
    arabic = sum(1 for c in letters if is_arabic(c))
    return "ar" if letters and arabic / len(letters) >= ARABIC_SHARE else "en"


_warned: set[str] = set()


def model_spans(texts: Sequence[str], lang: str) -> list[list[EntitySpan]]:
    """Statistical NER spans per text, or empty lists when ``lang`` has no (installed) model."""
    from marsad.nlp.ner import statistical

    if lang not in statistical.available_languages():
        return [[] for _ in texts]
    try:
        predicted = statistical.predict([without_markup(t) for t in texts], lang)
    except (MarsadError, OSError) as exc:
        if lang not in _warned:
            _warned.add(lang)
            LOGGER.warning("statistical NER for %r unavailable (%s); gazetteer layer only", lang, exc)
        return [[] for _ in texts]
    return [
        _whole_acronyms(text, [span for s, e, t in spans if t in ENTITY_TYPES and (span := _trimmed(text, s, e, t)) is not None])
        for text, spans in zip(texts, predicted, strict=True)
    ]


def _whole_acronyms(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Spans touching a dotted acronym (بي.بي.سي, تي.بي.جي, U.S.A.) widened to the whole acronym: the models'
    tokenisers split it at the dots and tag a piece."""
    acronyms = [m.span() for m in _DOTTED.finditer(text)]
    if not acronyms:
        return spans
    out: list[EntitySpan] = []
    for span in spans:
        for a, b in acronyms:
            if span.start < b and a < span.end:
                span = EntitySpan(min(a, span.start), max(b, span.end), span.type)
        if not out or out[-1].start != span.start or out[-1].end != span.end:
            out.append(span)
    return out


def without_markup(text: str) -> str:
    """``text`` with conversion debris blanked out, same length so offsets still hold (Reuters-21578's "&\\t"
    paragraph marks and "&#3;" end marks, which the models read as parts of names: "&\\tIt" → ORG "tIt"), and
    hashtags read as words ("#عاصي_الحلاني" → " عاصي الحلاني")."""
    text = _MARKUP.sub(lambda m: " " * len(m.group()), text)
    return _HASHTAG.sub(lambda m: " " + m.group()[1:].replace("_", " "), text)


def _trimmed(text: str, start: int, end: int, type_: str) -> EntitySpan | None:
    """A model span without leading/trailing punctuation or markup debris ("&\tIt" in Reuters); None if no word."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
        end -= 1
    return EntitySpan(start, end, type_) if start < end else None  # type: ignore[arg-type]


def _place_records(mentions: list[tuple[Mention, CanonicalEntity]]) -> tuple[list[Mention], list[PlaceRecord]]:
    """LOC mentions resolved to places (relinked to the place's entity when found by name); one record per place."""
    places = places_gazetteer()
    out: list[Mention] = []
    records: dict[str, PlaceRecord] = {}
    for mention, entity in mentions:
        if mention.type == "LOC":
            place = places.for_key(entity.key) or (None if entity.curated else places.resolve(mention.text))
            if place is not None:
                if place.key != entity.key:
                    mention = Mention(mention.text, "LOC", mention.start, mention.end, place.key, place.name_ar, place.name_en)
                records.setdefault(place.key, place.record())
        out.append(mention)
    return out, list(records.values())


def _retype_places(text: str, spans: list[EntitySpan], lang: str) -> list[EntitySpan]:
    """Arabic model ORG spans that are exactly a sizeable place's name become that place ("أتلانتا، الولايات
    المتحدة (CNN)": datelines). Arabic news names clubs with their own words, which the curated file carries."""
    if lang != "ar":
        return spans
    places = places_gazetteer()
    out = []
    for span in spans:
        if span.type == "ORG" and not span.key:
            place = places.resolve(text[span.start : span.end], min_population=GAZETTEER_MIN_POPULATION)
            if place is not None:
                span = EntitySpan(span.start, span.end, "LOC", place.key, "place")
        out.append(span)
    return out


def title_and_body(article: Article) -> tuple[str, int]:
    """The text enrichment reads — the title, ``TITLE_BREAK``, the body (cut at MAX_BODY_CHARS: stores written
    before ingest cut bodies may hold longer ones, which the models refuse or take minutes on) — and the offset
    where the body starts in it (0 without a title)."""
    body = article.body[:MAX_BODY_CHARS]
    if not article.title.strip():
        return body, 0
    return article.title + TITLE_BREAK + body, len(article.title) + len(TITLE_BREAK)


def _in_field(mention: Mention, body_start: int) -> Mention:
    """A mention found in ``title_and_body`` with offsets into the part it is in."""
    if mention.start >= body_start:
        return dataclasses.replace(mention, start=mention.start - body_start, end=mention.end - body_start, field="body")
    return dataclasses.replace(mention, field="title")


def _finish(article: Article, text: str, body_start: int, spans: list[EntitySpan], lang: str) -> Article:
    # MISC spans (nationalities, events) only guarded the gazetteer layer; Marsad's mentions are PER/ORG/LOC.
    # A span reaching from the title into the break would belong to neither part.
    title_end = body_start - len(TITLE_BREAK)
    kept = [s for s in spans if s.type in MENTION_TYPES and not (s.start < body_start and s.end > title_end)]
    linked = link(text, _retype_places(text, kept, lang), entity_index())
    mentions, records = _place_records(linked)
    article.entities = [_in_field(m, body_start) for m in mentions]
    article.extra["places"] = records
    article.keywords = extract_keywords(without_markup(article.body), lang)
    return article


def enrich_batch(articles: Sequence[Article]) -> list[Article]:
    """Enrich ``articles`` in place (and return them): one statistical-model pass per language. Also the target
    of enrichment's worker processes (marsad.ingest.enrich)."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        by_lang[language_of(article)].append(i)
    for lang, indices in by_lang.items():
        texts = [title_and_body(articles[i]) for i in indices]
        predicted = model_spans([text for text, _ in texts], lang)
        for i, (text, body_start), spans in zip(indices, texts, predicted, strict=True):
            _finish(articles[i], text, body_start, gaz.apply(without_markup(text), spans), lang)
    return list(articles)


def warm_up(langs: Sequence[str] = ("ar", "en")) -> None:
    """Build the gazetteers and load the models now (so that timing what follows measures the work alone)."""
    entity_index()
    gaz.default_layer()
    for lang in langs:
        model_spans(["warm up"], lang)
        extract_keywords("warm up text for the keyword extractor", lang)


def enrich_article(article: Article) -> Article:
    """Entities, places and keywords of one article (mention offsets into their ``field``: title or body)."""
    return enrich_batch([article])[0]


# -- evaluation on given tokens ---------------------------------------------------------------------
Layer = Literal["full", "model", "gazetteer"]


def tag_tokens(sentences: Sequence[Sequence[str]], lang: str, *, layer: Layer = "full") -> list[list[str]]:
    """BIO tags for GIVEN tokens (no re-tokenising): the statistical model tags the tokens, the gazetteer layer runs
    on the tokens joined with single spaces, and its character spans map back to the tokens they touch.

    ``layer="model"`` is the statistical model alone, ``"gazetteer"`` the rule layer alone (for comparisons).
    """
    from marsad.nlp.ner import statistical
    from marsad.nlp.ner.conll import spans as bio_spans

    sentences = [list(tokens) for tokens in sentences]
    if layer != "gazetteer" and lang in statistical.available_languages():
        try:
            model_tags = statistical.predict_tokens(sentences, lang)
        except (MarsadError, OSError) as exc:
            LOGGER.warning("statistical NER for %r unavailable (%s); gazetteer layer only", lang, exc)
            model_tags = [["O"] * len(tokens) for tokens in sentences]
    else:
        model_tags = [["O"] * len(tokens) for tokens in sentences]
    out: list[list[str]] = []
    for tokens, tags in zip(sentences, model_tags, strict=True):
        starts, pos = [], 0
        for token in tokens:
            starts.append(pos)
            pos += len(token) + 1
        ends = [s + len(t) for s, t in zip(starts, tokens, strict=True)]
        text = " ".join(tokens)
        spans = [EntitySpan(starts[a], ends[b - 1], t) for a, b, t in bio_spans(tags)]  # type: ignore[arg-type]
        if layer != "model":
            spans = gaz.apply(text, spans)
        spans = [s for s in spans if s.type in MENTION_TYPES]
        result = ["O"] * len(tokens)
        for span in sorted(spans, key=lambda s: (s.start, -s.end)):
            first = bisect.bisect_right(starts, span.start) - 1
            last = bisect.bisect_left(ends, span.end)
            if first < 0 or last >= len(tokens) or any(t != "O" for t in result[first : last + 1]):
                continue
            result[first] = f"B-{span.type}"
            for i in range(first + 1, last + 1):
                result[i] = f"I-{span.type}"
        out.append(result)
    return out
