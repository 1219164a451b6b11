"""AppTest of the Stories page on the stories store (tests/conftest.py: STORY_ARTICLES): the largest stories, one
story's titles, timeline and articles linking to the reader, and the view in the URL."""

from __future__ import annotations

import pytest
from apptest import assert_ok, figures, markdown, on_store, values
from conftest import STORY_ARTICLES

from marsad.ui.i18n import t

TITLE = {a[0]: a[2] for a in STORY_ARTICLES}


@pytest.fixture
def app(stories_store, monkeypatch):
    with on_store(monkeypatch, stories_store.path) as open_on_it:
        yield open_on_it


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_the_largest_story_first_with_its_titles_timeline_and_articles(app, ui):
    at = app("stories", ui=ui, all="1")
    assert_ok(at)
    assert at.title[0].value == ("Stories" if ui == "en" else "القصص الإخبارية")
    table = at.dataframe[0].value
    story = t("story", ui)
    assert table[story].tolist() == [TITLE[1], TITLE[8]]  # the death (3 articles), then the summit (2)
    assert table[t("articles", ui)].tolist() == [3, 2]
    shown = markdown(at)
    assert TITLE[1] in shown and "marsad-meta" in shown
    for aid in (1, 2, 3):  # the story's articles, each linking to the reader
        assert f"a={aid}" in shown and TITLE[aid] in shown
    assert "a=4" not in shown  # the near-duplicate is left out, as everywhere
    (fig,) = figures(at)
    assert sum(values(fig["data"][0]["y"])) == 3
    assert fig["layout"]["title"]["xanchor"] == ("right" if ui == "ar" else "left")


def test_choosing_a_story_writes_the_url(app):
    at = app("stories", all="1")
    at.selectbox(key=at.selectbox[0].key).set_value("8").run()
    assert_ok(at)
    assert at.query_params.get("story") == "8"
    shown = markdown(at)
    assert TITLE[8] in shown and TITLE[9] in shown and "a=2" not in shown
    again = app("stories", all="1", story="8")
    assert TITLE[9] in markdown(again)


def test_filters_apply_and_an_empty_selection_says_so(app):
    at = app("stories", all="1", src=["cnn.com", "skynewsarabia.com"])
    assert_ok(at)
    assert len(at.dataframe[0].value) == 1  # the summit has one article left from these outlets
    empty = app("stories", all="1", lang="en")
    assert_ok(empty)
    assert "marsad stories rebuild" in "\n".join(i.value for i in empty.info)


@pytest.mark.parametrize("story", ["", "0", "-1", "99999999999999999999", "abc", "<script>alert(1)</script>", "1,8"])
def test_an_odd_story_in_the_url_shows_the_largest(app, story):
    at = app("stories", all="1", story=story)
    assert_ok(at)
    assert TITLE[2] in markdown(at)  # the largest story's articles
