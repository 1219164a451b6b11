"""enrich_article / enrich_batch / tag_tokens: language routing, the seed's must-show list, places on mentions."""

from __future__ import annotations

import pytest
from conftest import SEED

from marsad.models import Article
from marsad.nlp.pipeline import enrich_article, enrich_batch, language_of, tag_tokens, without_markup
from marsad.text.normalize import normalize

SEED_MUST_SHOW = [
    ("مصطفى الكاظمي", "PER"), ("تحسين الخفاجي", "PER"), ("كريستوفر ميلر", "PER"),
    ("داعش", "ORG"), ("قوات سوريا الديمقراطية", "ORG"), ("قسد", "ORG"), ("قيادة العمليات المشتركة", "ORG"),
    ("جهاز الأمن الوطني", "ORG"), ("التحالف الدولي", "ORG"), ("خلية الإعلام الأمني", "ORG"),
    ("العراق", "LOC"), ("سوريا", "LOC"), ("بغداد", "LOC"), ("نينوى", "LOC"), ("النيجر", "LOC"),
]


@pytest.fixture(scope="module")
def seed_article() -> Article:
    text = SEED.read_text(encoding="utf-8")
    return enrich_article(Article(body=text[text.index("وجّه رئيس الحكومة") :], language="ar"))


def test_seed_must_show(seed_article):
    found = {(normalize(m.text), m.type) for m in seed_article.entities}
    for name, kind in SEED_MUST_SHOW:
        assert (normalize(name), kind) in found, name


def test_seed_mentions_carry_canonical_names_and_body_offsets(seed_article):
    body = seed_article.body
    for m in seed_article.entities:
        assert body[m.start : m.end] == m.text
        assert m.canonical_id and (m.canonical_name_ar or m.canonical_name_en)
    by_text = {m.text: m for m in seed_article.entities}
    assert by_text["الخفاجي"].canonical_id == by_text["تحسين الخفاجي"].canonical_id == "per:tahseen_al_khafaji"
    assert by_text["ميلر"].canonical_name_en == "Christopher Miller"
    assert by_text["قسد"].canonical_id == by_text["قوات سوريا الديمقراطية"].canonical_id


@pytest.mark.parametrize("name", ["العراق", "سوريا", "بغداد", "نينوى", "النيجر"])
def test_seed_places_have_coordinates(seed_article, name):
    records = {r["name"]: r for r in seed_article.extra["places"]}
    record = records[name]
    assert isinstance(record["lat"], float) and isinstance(record["lon"], float)
    assert len(record["country"]) == 2 and record["entity"].startswith("loc:")


def test_seed_keywords(seed_article):
    assert seed_article.keywords and all(0 < s <= 1 for _, s in seed_article.keywords)


def test_english_article_links_across_scripts():
    article = enrich_article(Article(
        body="Iraqi Prime Minister Mustafa al-Kadhimi met Christopher Miller in Baghdad on Friday. "
             "Miller said Islamic State fighters remain active near the border with Syria.",
        language="en"))
    ids = {m.canonical_id for m in article.entities}
    assert {"per:mustafa_al_kadhimi", "per:christopher_miller", "loc:baghdad", "org:isis", "loc:sy"} <= ids
    assert {r["entity"] for r in article.extra["places"]} >= {"loc:baghdad", "loc:sy"}


def test_french_article():
    article = enrich_article(Article(body="L'État islamique a revendiqué l'attaque près de Bagdad, en Irak.", language="fr"))
    ids = {m.canonical_id for m in article.entities}
    assert {"org:isis", "loc:iq"} <= ids


def test_language_without_model_gets_the_gazetteer_layer():
    article = enrich_article(Article(body="Der Islamische Staat (ISIS) griff im Irak an; Baghdad meldete Opfer.", language="de"))
    assert {"org:isis", "loc:baghdad"} <= {m.canonical_id for m in article.entities}


def test_batch_routes_languages_and_keeps_order():
    articles = [Article(body="انفجار في بغداد"), Article(body="An explosion hit Baghdad."), Article(body="")]
    out = enrich_batch(articles)
    assert out is not None and [a.body for a in out] == [a.body for a in articles]
    assert [m.canonical_id for m in out[0].entities] == ["loc:baghdad"]
    assert "loc:baghdad" in {m.canonical_id for m in out[1].entities}
    assert out[2].entities == [] and out[2].keywords == []


@pytest.mark.parametrize(
    ("body", "lang", "expected"),
    [("انفجار في بغداد", "", "ar"), ("An explosion", "", "en"), ("whatever", "fr", "fr")],
)
def test_language_of(body, lang, expected):
    assert language_of(Article(body=body, language=lang)) == expected


def test_tag_tokens_maps_gazetteer_spans_to_given_tokens():
    tokens = ["وصل", "الوفد", "إلى", "بالعراق", "و", "الولايات", "المتحدة", "."]
    tags = tag_tokens([tokens], "ar", layer="gazetteer")[0]
    assert tags == ["O", "O", "O", "B-LOC", "O", "B-LOC", "I-LOC", "O"]


def test_tag_tokens_keeps_one_tag_per_token():
    sentences = [["Mustafa", "al-Kadhimi", "visited", "Washington", "."], [], ["Nothing", "here"]]
    tags = tag_tokens(sentences, "en")
    assert [len(t) for t in tags] == [5, 0, 2]
    assert tags[0][:2] == ["B-PER", "I-PER"] and tags[0][3] == "B-LOC"


def test_competition_names_block_the_place_inside_them():
    article = enrich_article(Article(body="تأهل ليفربول إلى نهائي دوري أبطال أوروبا بعد فوزه في روما", language="ar"))
    ids = [m.canonical_id for m in article.entities]
    assert "loc:europe" not in ids and "misc:uefa_champions_league" not in ids
    assert "org:liverpool_fc" in ids


def test_conversion_markup_is_blanked_for_the_model():
    body = "Sales rose 5 pct.\n&\\tIt said prices fell.\n Reuter\n&#3;"
    assert len(without_markup(body)) == len(body) and "&" not in without_markup(body)
    article = enrich_article(Article(body=body, language="en"))
    assert [m.text for m in article.entities] == []


def test_hashtag_names_are_found():
    article = enrich_article(Article(body="وقال #دونالد_ترمب إن #الحوثيين يهددون الملاحة", language="ar"))
    assert [m.canonical_id for m in article.entities] == ["per:donald_trump", "org:houthis"]
    assert article.entities[0].text == "دونالد_ترمب"


def test_dotted_acronyms_and_arabic_datelines():
    body = "أتلانتا، الولايات المتحدة (CNN) -- ونقلت هيئة الإذاعة البريطانية (بي.بي.سي) عن مصادر أن شركة تي.بي.جي تفاوض."
    article = enrich_article(Article(body=body, language="ar"))
    by_text = {m.text: m for m in article.entities}
    assert by_text["أتلانتا"].type == "LOC" and by_text["أتلانتا"].canonical_id.startswith("loc:")
    assert by_text["بي.بي.سي"].canonical_id == "org:bbc"
    assert not any(m.text in ("بي", "سي", "جي") for m in article.entities)


# The seed page's headline, as printed above its body.
SEED_TITLE = "عقب تحذيرات دولية.. الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"


@pytest.fixture(scope="module")
def titled_seed(seed_article) -> Article:
    return enrich_article(Article(body=seed_article.body, title=SEED_TITLE, language="ar"))


def test_title_mentions_count_from_the_title_and_link_to_the_body_names(titled_seed):
    in_title = [m for m in titled_seed.entities if m.field == "title"]
    assert {m.text for m in in_title} >= {"الكاظمي", "سوريا"}
    for m in in_title:
        assert SEED_TITLE[m.start : m.end] == m.text
    # The bare last name in the title is the full name the body uses.
    assert {m.canonical_id for m in in_title if m.text == "الكاظمي"} == {"per:mustafa_al_kadhimi"}


def test_a_title_leaves_the_body_mentions_as_they_were(seed_article, titled_seed):
    def body_mentions(article):
        return [(m.start, m.end, m.text, m.canonical_id) for m in article.entities if m.field == "body"]

    assert body_mentions(titled_seed) == body_mentions(seed_article)
    assert all(m.field == "body" for m in seed_article.entities)


@pytest.mark.parametrize(
    ("title", "body", "lang", "key"),
    [
        ("انفجار في الموصل", "قالت مصادر أمنية إن الانفجار أوقع إصابات.", "ar", "loc:mosul"),
        ("Explosion in Mosul", "Security sources said the blast wounded several people.", "en", "loc:mosul"),
    ],
)
def test_a_name_only_in_the_title_is_a_mention(title, body, lang, key):
    article = enrich_article(Article(body=body, title=title, language=lang))
    found = [m for m in article.entities if m.canonical_id == key]
    assert [m.field for m in found] == ["title"]
    assert title[found[0].start : found[0].end] == found[0].text


def test_no_span_reaches_across_the_title_break():
    # A title ending in a name and a body starting with one: two mentions, one in each part.
    article = enrich_article(Article(body="Baghdad said the talks would go on.", title="Talks in Syria", language="en"))
    fields = {(m.field, m.canonical_id) for m in article.entities}
    assert {("title", "loc:sy"), ("body", "loc:baghdad")} <= fields
    assert all(m.end <= len(article.title if m.field == "title" else article.body) for m in article.entities)
