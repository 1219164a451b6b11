"""Places: governorates, regions, countries and cities with coordinates; guards against false hits."""

from __future__ import annotations

import pytest

from marsad.errors import RejectedInput
from marsad.nlp.ner.gazetteer import apply
from marsad.nlp.places import (
    GAZETTEER_MIN_POPULATION,
    gazetteer,
    read_regions,
)

# Rough bounding boxes (lat min, lat max, lon min, lon max) to check coordinates land in the right country.
BOXES = {"IQ": (29.0, 37.5, 38.7, 48.7), "SY": (32.3, 37.4, 35.6, 42.4), "NE": (11.6, 23.6, 0.1, 16.0),
         "US": (24.0, 50.0, -125.0, -66.0), "FR": (41.0, 51.5, -5.5, 9.7)}


@pytest.mark.parametrize(
    ("name", "key", "country", "kind"),
    [
        ("نينوى", "loc:nineveh", "IQ", "admin1"),
        ("الأنبار", "loc:anbar", "IQ", "admin1"),
        ("صلاح الدين", "loc:salah_ad_din", "IQ", "admin1"),
        ("ديالى", "loc:diyala", "IQ", "admin1"),
        ("كركوك", "loc:kirkuk", "IQ", "admin1"),
        ("إقليم كردستان", "loc:kurdistan_region", "IQ", "region"),
        ("the Kurdistan Region", "loc:kurdistan_region", "IQ", "region"),
        ("دير الزور", "loc:deir_ez_zor", "SY", "admin1"),
        ("الحسكة", "loc:hasakah", "SY", "admin1"),
        ("الرقة", "loc:raqqa", "SY", "admin1"),
        ("بالرقة", "loc:raqqa", "SY", "admin1"),
        ("بغداد", "loc:baghdad", "IQ", "city"),
        ("Baghdad", "loc:baghdad", "IQ", "city"),
        ("العراق", "loc:iq", "IQ", "country"),
        ("Irak", "loc:iq", "IQ", "country"),
        ("سوريا", "loc:sy", "SY", "country"),
        ("النيجر", "loc:ne", "NE", "country"),
        ("واشنطن", "loc:washington_dc", "US", "city"),
        ("Paris", "loc:paris", "FR", "city"),
    ],
)
def test_resolves_with_country_and_coordinates(name, key, country, kind):
    place = gazetteer().resolve(name)
    assert place is not None
    assert (place.key, place.country, place.kind) == (key, country, kind)
    lat0, lat1, lon0, lon1 = BOXES.get(country, (-90, 90, -180, 180))
    assert lat0 <= place.lat <= lat1 and lon0 <= place.lon <= lon1


@pytest.mark.parametrize("word", ["امن", "أمن", "كان", "بيان", "الجزيرة", "عمان", "مالي", "المدينة", "دولة", "وأن", "بن"])
def test_common_words_are_not_places(word):
    assert gazetteer().resolve(word) is None


def test_free_text_does_not_turn_words_into_places():
    text = "كان الأمن مستتبا وفق بيان صدر في الجزيرة وأن المدينة الجديدة دولة بن عمان"
    assert [text[s.start : s.end] for s in apply(text) if s.type == "LOC"] == []


def test_population_threshold_separates_free_text_from_tagged_spans():
    g = gazetteer()
    emmen = g.resolve("Emmen")  # 57k people: a LOC tag may resolve to it ...
    assert emmen is not None and emmen.country == "NL"
    assert emmen.population < GAZETTEER_MIN_POPULATION
    assert [s for s in apply("He lives in Emmen now") if s.type == "LOC"] == []  # ... free text never names it


def test_focus_country_city_found_in_free_text():
    text = "انفجار في الموصل وآخر في البصرة وثالث في أربيل"
    keys = [s.key for s in apply(text)]
    assert keys == ["loc:mosul", "loc:basra", "loc:erbil"]


def test_one_place_one_key():
    g = gazetteer()
    assert g.by_name["مكه"] == ["loc:mecca"]
    assert len(g.by_name["الموصل"]) == 1


def test_record_shape():
    record = gazetteer().resolve("بغداد").record("loc:baghdad")
    assert set(record) == {"name", "entity", "lat", "lon", "country", "kind"}
    assert record["name"] == "بغداد" and record["country"] == "IQ"


def test_malformed_regions_file_is_rejected(tmp_path):
    path = tmp_path / "regions.tsv"
    path.write_text("loc:x\tregion\tIQ\tnorth\t44\tس\tX\n", encoding="utf-8")
    with pytest.raises(RejectedInput, match="regions.tsv: malformed"):
        read_regions(path)
