"""marsad.nlp.stories: which story an article joins, by hand-built articles."""

import random
from datetime import datetime, timedelta

import pytest

from marsad.nlp.stories import BROAD_PLACE_WEIGHT, StoryInput, StoryParams, assign, entity_weights, story_text

DAY = datetime(2018, 10, 20, 9)
DEATH = "وفاة الصحفي جمال خاشقجي داخل القنصلية السعودية في إسطنبول"
SUMMIT = "قمة ترامب وكيم في سنغافورة تنتهي بتوقيع وثيقة مشتركة"
MATCH = "المنتخب المصري يخسر أمام روسيا في كأس العالم لكرة القدم"
WEIGHTS = {"per:jamal_khashoggi": 6.0, "loc:istanbul": 4.0, "org:saudi_consulate": 7.0, "loc:sa": 1.0}


def art(i, text, *, days=0.0, lang="ar", entities=(), dup=None, dated=True):
    when = DAY + timedelta(days=days) if dated else None
    return StoryInput(i, when, lang, text, frozenset(entities), dup)


def stories(found):
    return {a.article_id: a.story_id for a in found}


def test_same_event_joins_and_other_events_start_their_own():
    found = assign([art(1, DEATH), art(2, "السعودية تعلن " + DEATH, days=0.5), art(3, SUMMIT, days=0.2),
                    art(4, MATCH, days=1)], [], weights=WEIGHTS)
    assert stories(found) == {1: 1, 2: 1, 3: 3, 4: 4}
    first = next(a for a in found if a.article_id == 1)
    assert first.similarity == 1.0 and 0.4 <= next(a for a in found if a.article_id == 2).similarity < 1.0


@pytest.mark.parametrize(("days", "joins"), [(2.9, True), (3.1, False)])
def test_the_window_is_three_days(days, joins):
    found = stories(assign([art(1, DEATH), art(2, DEATH + " مجددا", days=days)], [], weights=WEIGHTS))
    assert (found[2] == 1) is joins


def test_weak_text_needs_shared_entities_that_weigh_enough():
    a = "إعلان وفاة الصحفي في القنصلية"
    b = "تركيا تطالب بكشف ملابسات الوفاة في القنصلية وردود فعل دولية غاضبة"
    rare = ("per:jamal_khashoggi", "org:saudi_consulate")
    assert stories(assign([art(1, a, entities=rare), art(2, b, entities=rare)], [], weights=WEIGHTS))[2] == 1
    broad = ("loc:sa",)
    assert stories(assign([art(1, a, entities=broad), art(2, b, entities=broad)], [], weights=WEIGHTS))[2] == 2


@pytest.mark.parametrize(
    ("entities", "joins"),
    [(("per:jamal_khashoggi", "loc:istanbul", "org:saudi_consulate"), True), (("per:jamal_khashoggi", "loc:sa"), False)],
)
def test_across_languages_entities_alone_link(entities, joins):
    english = art(2, "Saudi Arabia says Jamal Khashoggi died in its Istanbul consulate", lang="en", entities=entities)
    found = stories(assign([art(1, DEATH, entities=entities), english], [], weights=WEIGHTS))
    assert (found[2] == 1) is joins


def test_near_duplicates_join_their_original_and_undated_originals_join_nothing():
    found = stories(assign([art(1, DEATH), art(2, MATCH, days=1, dup=1), art(3, DEATH, dated=False),
                            art(4, DEATH, dated=False, dup=1), art(5, SUMMIT, dup=3)], [], weights=WEIGHTS))
    assert found == {1: 1, 2: 1, 4: 1}  # 3 is undated; 5 copies an article that has no story


def test_a_known_story_keeps_its_id_and_grows():
    known = [(art(7, DEATH, days=-1), 5), (art(5, "بيان عن " + DEATH, days=-1.5), 5)]
    found = stories(assign([art(9, "ردود فعل على " + DEATH), art(10, SUMMIT)], known, weights=WEIGHTS))
    assert found == {9: 5, 10: 10}


def test_the_strongest_link_wins_and_stories_never_merge():
    known = [(art(1, DEATH), 1), (art(2, "تركيا تحقق في " + DEATH + " وتفتش القنصلية", days=0.1), 2)]
    found = stories(assign([art(3, DEATH + " رسميا", days=0.2)], known, weights=WEIGHTS))
    assert found == {3: 1}


def test_deterministic_whatever_the_input_order():
    articles = [art(i, text, days=i / 10) for i, text in enumerate([DEATH, SUMMIT, MATCH, "السعودية تعلن " + DEATH,
                                                                      SUMMIT + " تاريخية", MATCH + " مجددا"])]
    expected = assign(articles, [], weights=WEIGHTS)
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(assign(shuffled, [], weights=WEIGHTS), key=lambda a: a.article_id) == sorted(
        expected, key=lambda a: a.article_id)


def test_stricter_thresholds_split_what_looser_ones_join():
    articles = [art(1, DEATH), art(2, "السعودية تعلن " + DEATH, days=0.5)]
    assert stories(assign(articles, [], weights=WEIGHTS, params=StoryParams(same_text=0.99)))[2] == 2


def test_entity_weights_favour_rare_entities_and_discount_broad_places():
    w = entity_weights({"loc:us": 700, "per:jamal_khashoggi": 30, "loc:istanbul": 30, "never": 0}, 3000,
                       broad_places={"loc:istanbul"})
    assert w["per:jamal_khashoggi"] > w["loc:us"] > 0
    assert w["loc:istanbul"] == pytest.approx(w["per:jamal_khashoggi"] * BROAD_PLACE_WEIGHT)
    assert w["never"] >= w["per:jamal_khashoggi"]


@pytest.mark.parametrize(
    ("title", "lead", "body", "expected"),
    [("T", "the lead", "the body", "T\nthe lead"), ("T", "", "the body", "T\nthe body"), (None, None, None, "\n")],
)
def test_story_text_is_title_and_lead(title, lead, body, expected):
    assert story_text(title, lead, body) == expected
