"""Safe HTML for article text: escaping, direction, hit and entity highlighting."""

import pytest

from marsad.ui import render
from marsad.ui.render import HIT_CLOSE, HIT_OPEN, Highlight

XSS = ['<script>window.__xss=1</script>', '<img src=x onerror="window.__xss=2">']


@pytest.mark.parametrize("payload", XSS)
def test_text_block_escapes_markup(payload):
    out = render.text_block(payload)
    assert "<script>" not in out and "<img" not in out
    assert "&lt;" in out


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("أعلنت قيادة العمليات المشتركة", "rtl"),
        ("The border crossing reopened", "ltr"),
        ("قال Reuters إن المعبر", "rtl"),
        ("2020-09-25", "ltr"),
        ("", "ltr"),
    ],
)
def test_text_direction(text, direction):
    assert render.text_direction(text) == direction
    assert f'dir="{direction}"' in render.text_block(text)


def test_mark_spans_escapes_between_and_inside_spans():
    text = "<b>x</b> بغداد & more"
    start = text.index("بغداد")
    out = render.mark_spans(text, [Highlight(start, start + 5, "marsad-ent", href="entities?entity=loc:بغداد", tip='a"b')])
    assert out.startswith("&lt;b&gt;x&lt;/b&gt; ")
    assert '<a class="marsad-ent" href="entities?entity=loc:بغداد" target="_self" title="a&quot;b">بغداد</a>' in out
    assert out.endswith(" &amp; more")


@pytest.mark.parametrize(
    "spans",
    [
        [Highlight(0, 3, "a"), Highlight(2, 5, "b")],  # overlap: second skipped
        [Highlight(0, 3, "a"), Highlight(4, 99, "b")],  # out of range: skipped
        [Highlight(3, 3, "a")],  # empty: skipped
    ],
)
def test_mark_spans_skips_bad_spans_without_losing_text(spans):
    text = "abcdefgh"
    out = render.mark_spans(text, spans)
    plain = out.replace('<mark class="a">', "").replace('<mark class="b">', "").replace("</mark>", "")
    assert plain == text


def test_snippet_from_markers_and_from_ranges_agree():
    marked = f"عبر {HIT_OPEN}الحدود{HIT_CLOSE} <script>"
    plain = "عبر الحدود <script>"
    by_marker = render.snippet_html(marked)
    by_range = render.snippet_html(plain, [(4, 10)])
    assert by_marker == by_range
    assert '<mark class="marsad-hit">الحدود</mark>' in by_marker
    assert "&lt;script&gt;" in by_marker and 'dir="rtl"' in by_marker


def test_article_html_marks_entities_in_title_and_body_with_links():
    title = "الكاظمي في أربيل"
    body = "زار رئيس الوزراء مصطفى الكاظمي أربيل.\n\nثم عاد إلى بغداد <img src=x onerror=1>."
    full = title + "\n\n" + body
    mentions = [
        (0, 7, "PER", "per:kadhimi"),
        (full.index("مصطفى"), full.index("مصطفى") + len("مصطفى الكاظمي"), "PER", "per:kadhimi"),
        (full.index("بغداد"), full.index("بغداد") + 5, "LOC", "loc:baghdad"),
    ]
    out = render.article_html(title, body, mentions, link=lambda k: f"entities?entity={k}")
    assert out.count('href="entities?entity=per:kadhimi"') == 2
    assert '<a class="marsad-ent marsad-ent-LOC" href="entities?entity=loc:baghdad"' in out
    assert ">مصطفى الكاظمي</a>" in out and ">بغداد</a>" in out
    assert "<img" not in out and "&lt;img" in out
    assert out.count("<p>") == 2
    assert 'dir="rtl"' in out


def test_page_href_encodes_params():
    assert render.page_href("entities", {"entity": "per:x y", "lang": ["ar", "en"]}) == "entities?entity=per%3Ax+y&lang=ar&lang=en"
    assert render.page_href("search", {}) == "search"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](javascript:alert(1))", r"\[x\]\(javascript:alert\(1\)\)"),
        ("<b>y</b>", r"\<b\>y\</b\>"),
        ("سوريا", "سوريا"),
        (None, ""),
    ],
)
def test_md_escape(text, expected):
    assert render.md_escape(text) == expected


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u202a", "\u202c", "\u202d"])
@pytest.mark.parametrize("escape", [render.esc, render.md_escape, render.text_block])
def test_bidi_overrides_are_dropped_marks_kept(control, escape):
    out = escape(f"{control}gnp.exe\u200f سوريا")
    assert control not in out
    assert "gnp" in out and "\u200f" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u2066a\u2069 b", "\u2066a\u2069 b"),  # the app's own isolate around a date
        ("a\u2069 \u2066b\u2069", "a \u2066b\u2069"),  # a stray PDI cannot close an isolate early
        ("\u2067a \u2068b", "\u2067a \u2068b\u2069\u2069"),  # open isolates end with the text
        ("\u202e\u2066x\u2069", "\u2066x\u2069"),
    ],
)
def test_isolates_are_balanced(text, expected):
    assert render.plain_text(text) == expected
