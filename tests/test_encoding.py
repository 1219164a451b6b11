"""Encodings: UTF-8 (BOM), UTF-16, windows-1256 on real Arabic text; mojibake repaired or refused; binary refused."""

import codecs

import pytest
from conftest import ANT_SAMPLE, SEED, read_records

from marsad.errors import RejectedInput
from marsad.ingest.encoding import check_text, decode_bytes, detect_encoding


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encode", "codec"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.encode("cp1256"), "cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-nobom", "utf16be-nobom", "cp1256"],
)
def test_real_arabic_page_round_trips(seed_text: str, encode, codec: str) -> None:
    data = encode(seed_text)
    assert detect_encoding(data, name="seed") == codec
    assert decode_bytes(data, name="seed") == seed_text


def test_cp1256_detected_on_ant_record_text() -> None:
    texts = [r["text"] for r in read_records(ANT_SAMPLE, 5)]
    for text in texts:
        # cp1256 cannot encode every character (e.g. some punctuation); real cp1256 pages replace them.
        data = text.encode("cp1256", errors="replace")
        assert detect_encoding(data, name="ant") == "cp1256"
        assert decode_bytes(data, name="ant")[:200] == data.decode("cp1256")[:200]


def test_latin_text_not_taken_for_arabic() -> None:
    text = "Die Bundesregierung hat am Mittwoch beschlossen, dass die Maßnahmen verlängert werden. " * 3
    data = text.encode("cp1252")
    assert detect_encoding(data, name="de") != "cp1256"
    assert "Maßnahmen" in decode_bytes(data, name="de")


@pytest.mark.parametrize("wrong_codec", ["latin-1", "cp1252"])
def test_mojibake_is_repaired(seed_text: str, wrong_codec: str) -> None:
    paragraph = seed_text.split("\n")[13]
    mojibake = paragraph.encode("utf-8").decode(wrong_codec, errors="ignore" if wrong_codec == "cp1252" else "strict")
    assert "Ø" in mojibake or "Ù" in mojibake
    if wrong_codec == "latin-1":
        assert check_text(mojibake, name="page") == paragraph
    else:
        # cp1252 drops the bytes it does not define (0x81, 0x8D, …): part of the text is gone for good.
        with pytest.raises(RejectedInput, match="mojibake"):
            check_text(mojibake, name="page")


def test_mixed_text_with_a_mojibake_title_is_repaired() -> None:
    mixed = "العراق: " + "الحدود مع سوريا".encode().decode("latin-1")
    assert check_text(mixed, name="x") == "العراق: الحدود مع سوريا"


@pytest.mark.parametrize("text", ["Café crème à Paris, Ørsted and Ça va", "Straße, Müller, Öl – €5", "naïve façade"])
def test_legitimate_accents_are_not_mojibake(text: str) -> None:
    assert check_text(text, name="x") == text


@pytest.mark.parametrize(
    ("text", "match"),
    [("بغداد \ufffd\ufffd\ufffd ناس", "lost characters"), ("\ufffd" * 5 + " abc", "lost characters")],
)
def test_replacement_characters_are_refused(text: str, match: str) -> None:
    with pytest.raises(RejectedInput, match=match):
        check_text(text, name="x")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    ],
    ids=["empty", "blank", "all-bytes", "png"],
)
def test_empty_and_binary_are_refused(data: bytes, match: str) -> None:
    with pytest.raises(RejectedInput, match=match):
        decode_bytes(data, name="f.bin")


def test_declared_html_charset_is_used() -> None:
    page = '<html><head><meta charset="windows-1256"></head><body>مرحبا بكم في بغداد</body></html>'
    assert detect_encoding(page.encode("cp1256"), name="p.html") == "cp1256"


ARABIC_LINES = ['{"title": "عقب تحذيرات دولية", "text": "الكاظمي يوجّه بتأمين الحدود العراقية مع سوريا"}'] * 20
LATIN_LINES = ['{"title": "Le café", "text": "Une réunion à Genève"}'] + ['{"title": "plain", "text": "ascii only"}'] * 6


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("\n".join(ARABIC_LINES).encode() + b"\n" + bytes(range(128, 256)) * 4 + b"\n", "الكاظمي"),  # not cp1256
        ("\n".join(ARABIC_LINES).encode() + b"\n" + bytes(range(256)) * 4 + b"\n", "الكاظمي"),  # not "binary"
        ("\n".join(ARABIC_LINES).encode("cp1256"), "الكاظمي"),
        ("\n".join(LATIN_LINES).encode("cp1252"), "Le café"),  # ASCII lines are no evidence of UTF-8
    ],
    ids=["utf-8-with-a-line-of-high-bytes", "utf-8-with-a-binary-line", "cp1256", "cp1252-mostly-ascii"],
)
def test_detect_lines_encoding_judges_the_lines_not_the_whole_head(head: bytes, expected: str) -> None:
    from marsad.ingest.encoding import detect_lines_encoding

    assert expected in head.decode(detect_lines_encoding(head, name="x.jsonl"), errors="replace")


def test_detect_lines_encoding_still_refuses_binary() -> None:
    import random

    from marsad.ingest.encoding import detect_lines_encoding

    with pytest.raises(RejectedInput, match="binary file, not text"):
        detect_lines_encoding(random.Random(0).randbytes(8192), name="x.csv")
