"""Input limits: long bodies cut at a boundary with a note."""

import pytest

from marsad.ingest.limits import CUT_MARK, MAX_BODY_CHARS, cut_body


def test_short_bodies_are_unchanged() -> None:
    body = "فقرة أولى.\n\nفقرة ثانية."
    assert cut_body(body) is body


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("فقرة " * 30_000 + "\n\n" + "كلمة " * 40_000, ("فقرة " * 30_000).rstrip()),  # at the paragraph break
        ("word " * 60_000, None),  # no paragraph break: at a space
        ("x" * 300_000, None),  # no break at all: at the limit
    ],
)
def test_long_bodies_are_cut_at_a_boundary_with_a_note(body: str, kept: str | None) -> None:
    cut = cut_body(body)
    assert len(cut) <= MAX_BODY_CHARS and cut.endswith("\n\n" + CUT_MARK)
    text = cut.removesuffix("\n\n" + CUT_MARK)
    assert body.startswith(text) and len(text) > MAX_BODY_CHARS // 2
    if kept is not None:
        assert text == kept
    if " " in body:
        assert text.endswith(("فقرة", "word"))
