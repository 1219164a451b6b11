"""Bytes → text for every reader: BOMs, UTF-8, UTF-16, windows-1256 and friends; binary files and mojibake refused.

Arabic pages still come as windows-1256 (and UTF-16 from Windows exports); a wrong guess stores gibberish that no
search will ever find, so a file whose text cannot be decoded with confidence is rejected with a reason instead.
"""

from __future__ import annotations

import codecs
import logging
import re
from functools import cache

from marsad.errors import RejectedInput

LOGGER = logging.getLogger(__name__)

# Enough bytes to judge an encoding or spot a binary file without decoding a whole large export.
SNIFF_BYTES = 64 * 1024
# Share of control bytes (NUL included; not tab/newline/CR/form feed) above which a file is binary, not text.
# A share, not "any NUL": one stray NUL in an export must cost only its record, not the file.
MAX_CONTROL_SHARE = 0.02
# UTF-16 without a BOM: at least this share of the odd (LE) or even (BE) bytes are NUL for Latin/Arabic text
# (Arabic code units are 0x06xx, so the high byte is 0x06 — we accept that too).
UTF16_HIGH_BYTE_SHARE = 0.6
# Invalid sequences tolerated per valid non-ASCII character for a file to still count as UTF-8.
MAX_STRAY_UTF8_SHARE = 0.05
# Among letters, this share must be Arabic for a non-UTF-8 file to be accepted as windows-1256.
MIN_ARABIC_LETTER_SHARE = 0.5
# Mojibake markers: UTF-8 Arabic read as cp1252/latin-1 gives "Ø§Ù„…", Latin accents give "Ã©"; a few such
# pairs may be legitimate French/Spanish ("Ãs" is not a word), so we judge by density.
_MOJIBAKE = re.compile("[ØÙÚÛÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
_MOJIBAKE_LEADS = "ØÙÚÛÃÂ"
# Mojibake pairs per 100 characters above which a short text is treated as mis-decoded, and the count at which
# any text is (three such pairs never occur in real text).
MOJIBAKE_PER_100 = 1.0
MIN_MOJIBAKE_PAIRS = 3
# A run of this many U+FFFD replacement characters means bytes were lost in an earlier bad decode.
_REPLACEMENT_RUN = re.compile("\ufffd{2,}")
# Isolated U+FFFD characters per 1,000 characters tolerated (a stray one in a long export happens).
MAX_REPLACEMENT_PER_1000 = 1.0
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def detect_encoding(data: bytes, *, name: str) -> str:
    """The Python codec name for ``data`` (judged on its first :data:`SNIFF_BYTES`).

    Order: BOM; UTF-16 without BOM; valid UTF-8; a declared charset (HTML meta / XML prolog) that decodes;
    windows-1256 when it yields mostly Arabic letters; charset-normalizer's best guess. Raises
    :class:`RejectedInput` for binary data or when nothing decodes plausibly.
    """
    head = data[:SNIFF_BYTES]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if _is_binary(head):
        raise RejectedInput(f"{name}: binary file, not text", detail=f"control bytes in the first {len(head)} bytes")
    if _decodes(head, "utf-8") or _mostly_utf8(head):
        return "utf-8"
    declared = _declared_charset(head)
    if declared and declared != "utf-8" and _decodes(head, declared):
        return declared
    if _decodes(head, "cp1256") and _arabic_share(head.decode("cp1256", "replace")) >= MIN_ARABIC_LETTER_SHARE:
        return "cp1256"
    return _charset_normalizer_guess(head, name=name)


def detect_lines_encoding(head: bytes, *, name: str) -> str:
    """:func:`detect_encoding` for formats read line by line (JSON lines, CSV): a few lines of garbage among text
    lines are those records' problem (each becomes a reject), not the file's. Judged on the whole head, one line of
    binary bytes made a small export "binary", and one of invalid UTF-8 made a UTF-8 export of Arabic records
    decode as cp1256 (every record mojibake). So: UTF-8 when the lines with non-ASCII bytes that decode as UTF-8
    hold most of those lines' bytes; else the head without its binary-looking lines, when those are a minority of
    its bytes; a file that is binary throughout is still refused."""
    if not head.startswith(tuple(bom for bom, _ in _BOMS)) and not _utf16_without_bom(head):
        lines = head.split(b"\n")
        wide = [line for line in lines if max(line, default=0) > 0x7F]
        utf8 = sum(len(line) for line in wide if not _is_binary(line) and _decodes(line, "utf-8"))
        if wide and 2 * utf8 > sum(len(line) for line in wide):
            return "utf-8"
        clean = [line for line in lines if not _is_binary(line)]
        if _is_binary(head) and 2 * sum(len(line) + 1 for line in clean) > len(head):
            return detect_encoding(b"\n".join(clean), name=name)
    return detect_encoding(head, name=name)


def decode_bytes(data: bytes, *, name: str) -> str:
    """Decode a whole document and check the result (see :func:`check_text`). Raises :class:`RejectedInput`."""
    if not data.strip():
        raise RejectedInput(f"{name}: empty file")
    codec = detect_encoding(data, name=name)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        # The sniffed head decoded but a later byte does not: keep what decodes only if the damage is tiny.
        text = data.decode(codec, errors="replace")
        LOGGER.debug("%s: %s decode error at byte %d, replaced", name, codec, exc.start)
    return check_text(text.lstrip("\ufeff"), name=name)


def check_text(text: str, *, name: str) -> str:
    """Repair mojibake (a UTF-8 text that was read as cp1252/latin-1) or refuse lost text; return clean text."""
    if "\ufffd" in text and (
        _REPLACEMENT_RUN.search(text) or text.count("\ufffd") * 1000 > MAX_REPLACEMENT_PER_1000 * max(len(text), 1)
    ):
        raise RejectedInput(
            f"{name}: text has lost characters (U+FFFD replacement characters from an earlier wrong decoding)",
            detail=f"{text.count(chr(0xFFFD))} replacement characters in {len(text)}",
        )
    if not _looks_mojibake(text):
        return text
    repaired = _repair_mojibake(text)
    if repaired is None or _looks_mojibake(repaired):
        raise RejectedInput(
            f"{name}: mojibake (UTF-8 text that was decoded as windows-1252/latin-1) that cannot be repaired",
            detail=text[:80],
        )
    LOGGER.info("%s: repaired mojibake (latin-1 → UTF-8 round trip)", name)
    return repaired


def _looks_mojibake(text: str) -> bool:
    # The common case first: none of the lead characters at all (substring tests are much cheaper than a regex).
    if not any(lead in text for lead in _MOJIBAKE_LEADS) or not _MOJIBAKE.search(text):
        return False
    hits = len(_MOJIBAKE.findall(text))
    return hits >= MIN_MOJIBAKE_PAIRS or hits * 100 > MOJIBAKE_PER_100 * len(text)


def _sloppy_cp1252(text: str) -> bytes:
    """Encode as windows-1252, mapping its five undefined bytes (0x81, 0x8D, …) as latin-1 does.

    Mojibake makers decode UTF-8 Arabic with such a "sloppy" windows-1252: "ف" (D9 81) becomes "Ù\x81".
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                raise
            out.append(ord(char))
    return bytes(out)


def _repair_mojibake(text: str) -> str | None:
    try:
        return _sloppy_cp1252(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass

    # Mixed text (real characters beside mojibake): repair each run of mis-decoded characters separately.
    def fix(match: re.Match[str]) -> str:
        chunk = match.group(0)
        try:
            return _sloppy_cp1252(chunk).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return chunk

    return _MOJIBAKE_RUN.sub(fix, text)


# A maximal run of characters that sloppy windows-1252 encodes as high bytes: one mis-decoded word or phrase.
_MOJIBAKE_RUN = re.compile(
    "[\u00c0-\u00ff][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]+"
)


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8 with a few stray bytes (one mis-encoded record in an export) is still UTF-8: the bad records are
    rejected one by one rather than the whole file decoded as something else."""
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    wide = sum(1 for char in text if ord(char) > 0x7F) - bad
    return wide > 0 and bad <= MAX_STRAY_UTF8_SHARE * wide


def _is_binary(head: bytes) -> bool:
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > MAX_CONTROL_SHARE * len(head)


def _utf16_without_bom(head: bytes) -> str:
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return ""
    for codec, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        # Text: the high bytes are mostly 0x00 (Latin) or 0x06 (Arabic), the low bytes almost never NUL.
        # Binary data with runs of zeros has NULs on both sides.
        high_ok = sum(1 for b in high if b in (0, 6)) >= UTF16_HIGH_BYTE_SHARE * len(high)
        low_nul = low.count(0) <= MAX_CONTROL_SHARE * len(low)
        if high_ok and low_nul and _decodes(sample, codec):
            return codec
    return ""


def _decodes(data: bytes, codec: str) -> bool:
    try:
        # A multi-byte character cut at the sniff boundary is not an error: decode incrementally, not final.
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


@cache
def _codec_name(label: str) -> str:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _declared_charset(head: bytes) -> str:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return ""
    name = _codec_name(match.group(1).decode("ascii", "ignore").lower())
    # Browsers read "iso-8859-1"/"latin-1" declarations as windows-1252 (WHATWG encoding standard).
    return "cp1252" if name in ("latin-1", "iso8859-1") else name.replace("utf-8-sig", "utf-8")


def _arabic_share(text: str) -> float:
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return arabic / (arabic + latin) if arabic + latin else 0.0


def _charset_normalizer_guess(head: bytes, *, name: str) -> str:
    from charset_normalizer import from_bytes  # lazy: only non-UTF-8 input needs it

    best = from_bytes(head).best()
    if best is None:
        raise RejectedInput(f"{name}: unknown text encoding (not UTF-8, UTF-16 or windows-1256)")
    LOGGER.debug("%s: charset-normalizer guessed %s", name, best.encoding)
    return best.encoding
