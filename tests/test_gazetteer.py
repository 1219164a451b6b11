"""The rule and gazetteer layer: offsets, Arabic clitics, case rules, merge rules, short names, the seed."""

from __future__ import annotations

import pytest
from conftest import ANT_SAMPLE, REUTERS_SAMPLE, SEED, read_records

from marsad.nlp.entities import CanonicalEntity, EntitySpan
from marsad.nlp.ner.gazetteer import Matcher, _normalize_offsets_by_char, apply, merge, normalize_offsets, short_names
from marsad.text.normalize import normalize

# Page furniture of the seed: menus, tag line, app-store banner.
MENU_LINES = ("Shadow Shadow", "كـل الأخبار", "كاميرات حرارية وبناء أسيجة", "App store icon Play store icon Play store icon")

ENTITIES = [
    CanonicalEntity("org:isis", "ORG", "داعش", "Islamic State", ("تنظيم الدولة", "ISIS", "État islamique")),
    CanonicalEntity("loc:iq", "LOC", "العراق", "Iraq"),
    CanonicalEntity("loc:us", "LOC", "الولايات المتحدة", "United States", ("US", "U.S.")),
    CanonicalEntity("org:who", "ORG", "منظمة الصحة العالمية", "World Health Organization", ("WHO",)),
    CanonicalEntity("loc:baghdad", "LOC", "بغداد", "Baghdad"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ENTITIES)


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.key) for s in matcher.find(text)]


@pytest.mark.parametrize(
    "text",
    ["", " ", "  \n ", "ً", " ًً  بغداد", "قالَ  الرئيسُ\u200f إنّ العراقَ ", "ﻻ يوجد… ½ Straße", "Ｉｒａｑ\t\tand ـالعراق",
     "\u00a0Baghdad\u00a0\u00a0Mosul", "abc ًdef  ً  ghi"],
)
def test_normalize_offsets_in_bulk_equals_the_character_loop(text):
    assert normalize_offsets(text) == _normalize_offsets_by_char(text)


def test_normalize_offsets_in_bulk_on_real_articles():
    for record in read_records(ANT_SAMPLE, 40) + read_records(REUTERS_SAMPLE, 20):
        text = record.get("text") or record["body"]
        assert normalize_offsets(text) == _normalize_offsets_by_char(text)


@pytest.mark.parametrize(
    "text",
    ["قالَ  الرئيسُ إنّ العراقَ", "Ｉｒａｑ and ـالعراق", "abc\n\n  def", "إلى بغداد، ثم العراق"],
)
def test_normalize_offsets_matches_normalize_and_maps_back(text):
    norm, index = normalize_offsets(text)
    assert norm.strip() == normalize(text)
    assert len(index) == len(norm) + 1
    for i, ch in enumerate(norm):
        if ch != " ":
            assert normalize(text[index[i]]).startswith(ch) or normalize(text[index[i]]) == ch


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("سافر إلى العراق أمس", "العراق", "loc:iq"),
        ("قال إن والعراق", "العراق", "loc:iq"),
        ("عاد بالعراق", "العراق", "loc:iq"),
        ("زيارة للعراق", "للعراق", "loc:iq"),
        ("عناصر ينتمون لداعش", "داعش", "org:isis"),
        ("مقاتلو وداعش", "داعش", "org:isis"),
        ("قصف بغداد", "بغداد", "loc:baghdad"),
        ("وصل لبغداد", "بغداد", "loc:baghdad"),
        ("ضرب تنظيمُ الدولةِ", "تنظيمُ الدولةِ", "org:isis"),
        ("the Islamic State said", "Islamic State", "org:isis"),
        ("les combattants de l'État islamique", "État islamique", "org:isis"),
        ("the US and Iraq", "US", "loc:us"),
        ("the U.S. said", "U.S.", "loc:us"),
        ("WHO said", "WHO", "org:who"),
    ],
)
def test_matches_with_clitics_and_case(matcher, text, surface, key):
    assert (surface, key) in found(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        "الحدود العراقية",  # adjective, not the country
        "عراقي",  # no article: the pattern needs one
        "مبغداد",  # not a clitic
        "who said that",  # acronym only in capitals
        "help us now",
        "islamic state of mind",  # capitalised alias needs capitalised text
        "كالداعشي",
    ],
)
def test_no_match_inside_words_or_wrong_case(matcher, text):
    assert found(matcher, text) == []


def test_leftmost_longest(matcher):
    text = "قالت منظمة الصحة العالمية في الولايات المتحدة"
    assert found(matcher, text) == [("منظمة الصحة العالمية", "org:who"), ("الولايات المتحدة", "loc:us")]


def test_merge_fixes_type_and_boundary_and_keeps_longer_model_span():
    text = "قال مصطفى الكاظمي في جامعة بغداد إن والعراق"
    model = [
        EntitySpan(4, 17, "LOC"),  # right extent, wrong type
        EntitySpan(21, 32, "ORG"),  # جامعة بغداد: longer model entity containing a known place
        EntitySpan(36, 43, "ORG"),  # والعراق with the conjunction, wrong type
    ]
    gaz = [
        EntitySpan(4, 17, "PER", "per:kadhimi", "gazetteer"),
        EntitySpan(27, 32, "LOC", "loc:baghdad", "gazetteer"),
        EntitySpan(37, 43, "LOC", "loc:iq", "gazetteer"),
    ]
    merged = merge(text, model, gaz)
    assert [(text[s.start : s.end], s.type, s.key) for s in merged] == [
        ("مصطفى الكاظمي", "PER", "per:kadhimi"),
        ("جامعة بغداد", "ORG", ""),
        ("العراق", "LOC", "loc:iq"),
    ]


def test_merge_drops_false_positives_and_adds_unseen_hits():
    text = "والله إن داعش"
    merged = merge(text, [EntitySpan(0, 5, "PER")], [EntitySpan(9, 13, "ORG", "org:isis", "gazetteer")],
                   false_positives=frozenset({normalize("والله")}))
    assert [(s.type, s.key) for s in merged] == [("ORG", "org:isis")]


def test_crossing_gazetteer_hit_wins():
    text = "Christopher Miller said"
    merged = merge(text, [EntitySpan(12, 23, "PER")], [EntitySpan(0, 18, "PER", "per:miller", "gazetteer")])
    assert [(text[s.start : s.end], s.key) for s in merged] == [("Christopher Miller", "per:miller")]


def test_short_names_mark_bare_last_names():
    text = "قال تحسين الخفاجي إن الوضع جيد. وأكد الخفاجي ذلك. Christopher Wray spoke; Wray added."
    spans = [EntitySpan(4, 17, "PER"), EntitySpan(50, 66, "PER")]
    extra = short_names(text, spans)
    assert [(text[s.start : s.end], s.source) for s in extra] == [("الخفاجي", "short-name"), ("Wray", "short-name")]


def test_seed_entities_with_types_and_no_menu_entities():
    text = SEED.read_text(encoding="utf-8")
    spans = apply(text)
    got = {(normalize(text[s.start : s.end]), s.type) for s in spans}
    for name, kind in [
        ("مصطفى الكاظمي", "PER"), ("تحسين الخفاجي", "PER"), ("كريستوفر ميلر", "PER"),
        ("داعش", "ORG"), ("قوات سوريا الديمقراطية", "ORG"), ("قسد", "ORG"), ("قيادة العمليات المشتركة", "ORG"),
        ("جهاز الأمن الوطني", "ORG"), ("التحالف الدولي", "ORG"), ("خلية الإعلام الأمني", "ORG"),
        ("العراق", "LOC"), ("سوريا", "LOC"), ("بغداد", "LOC"), ("نينوى", "LOC"), ("النيجر", "LOC"),
    ]:
        assert (normalize(name), kind) in got, name
    menus = [(m, m + len(line)) for line in MENU_LINES for m in [text.index(line)]]
    assert [text[s.start : s.end] for s in spans if any(a <= s.start < b for a, b in menus)] == []
