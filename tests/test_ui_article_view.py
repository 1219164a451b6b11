"""The article view's placing of stored mentions (title or body offsets) in the text it renders."""

from __future__ import annotations

import pytest

from marsad.ui.article_view import placed_mentions

TITLE = "الكاظمي يزور بغداد"
BODY = "وصل مصطفى الكاظمي إلى بغداد."


def mention(field: str | None, surface: str, text: str, key: str = "loc:baghdad", type_: str = "LOC") -> dict:
    start = text.index(surface)
    row = {"key": key, "type": type_, "start": start, "end": start + len(surface), "surface": surface}
    return row if field is None else row | {"field": field}


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (mention("title", "بغداد", TITLE), TITLE.index("بغداد")),
        (mention("body", "بغداد", BODY), len(TITLE) + 2 + BODY.index("بغداد")),
        (mention(None, "بغداد", BODY), len(TITLE) + 2 + BODY.index("بغداد")),  # stores without the field
    ],
)
def test_mentions_land_on_their_surface_in_title_and_body(row, where):
    full = f"{TITLE}\n\n{BODY}"
    [(start, end, type_, key)] = placed_mentions(TITLE, BODY, [row])
    assert (start, full[start:end], type_, key) == (where, "بغداد", "LOC", "loc:baghdad")


def test_a_mention_that_does_not_match_its_text_is_dropped():
    stale = mention("title", "الكاظمي", TITLE, key="per:mustafa_al_kadhimi", type_="PER")
    assert placed_mentions("عنوان آخر تماما", BODY, [stale]) == []
