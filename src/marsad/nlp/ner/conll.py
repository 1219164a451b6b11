"""CoNLL-style NER files (token first column, tag last column) and exact-span entity scoring.

Shared by the training scripts, the quality benchmark and ``marsad eval-ner``: one reader and one scorer so
that every figure the project reports is computed the same way.
"""

from __future__ import annotations

import gzip
import logging
import re
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from marsad.errors import RejectedInput

LOGGER = logging.getLogger(__name__)

Sentence = tuple[list[str], list[str]]
TokenSpan = tuple[int, int, str]  # (first token, end token exclusive, type)

DEFAULT_TYPES = ("PER", "LOC", "ORG")
# Label names of the corpora and of spaCy's OntoNotes models, mapped to the project's four types.
# GPE and FAC are places on a map for Marsad's users; NORP (nationalities, religious and political groups)
# has no place among PER/ORG/LOC, so it is kept as secondary MISC.
LABEL_MAP = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "ORG": "ORG",
    "MISC": "MISC",
    "NORP": "MISC",
}
# AQMAR's MIS0–MIS3 (and its typos MIS-1, MISS1, MIS1`) are its miscellaneous classes.
_MISC_LIKE = re.compile(r"^MISS?\W*\d*\W*$")
# Tags that are "O" spelled wrongly in AQMAR ("IO", "OO").
_O_LIKE = {"O", "IO", "OO", ""}


def normalize_label(label: str) -> str:
    """Project type for a corpus or model label; unknown types become MISC (they are never scored as PER/LOC/ORG)."""
    label = label.strip().upper()
    if label in LABEL_MAP:
        return LABEL_MAP[label]
    if _MISC_LIKE.match(label):
        return "MISC"
    return "MISC"


def _split_tag(tag: str) -> tuple[str, str]:
    """("B"|"I"|"O", type) for one raw tag such as "B-PERS", "I--ORG", "I-MIS1", "O", "IO"."""
    tag = tag.strip()
    if tag.upper() in _O_LIKE:
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix.upper() not in {"B", "I", "E", "S"}:
        # A bare type ("PER") is an inside tag in IOB1-style files without prefixes.
        return "I", normalize_label(tag)
    kind = "B" if prefix.upper() in {"B", "S"} else "I"
    return kind, normalize_label(label.lstrip("-"))


def to_bio(tags: Sequence[str]) -> list[str]:
    """Normalise one sentence's tags to B-/I- BIO over PER/LOC/ORG/MISC.

    IOB1 (an entity starts with I- unless it follows one of the same type) becomes BIO: an I-X that does not
    continue an X entity starts one.
    """
    out: list[str] = []
    previous = ""
    for tag in tags:
        kind, label = _split_tag(tag)
        if kind == "O":
            out.append("O")
            previous = ""
            continue
        if kind == "I" and previous != label:
            kind = "B"
        out.append(f"{kind}-{label}")
        previous = label
    return out


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of a CoNLL-style file as (tokens, BIO tags).

    Token = first column, tag = last column, whitespace-separated; a blank line ends a sentence; ``-DOCSTART-``
    lines are ignored; ``.gz`` files are read directly. Lines with a single column carry no token (ANERcorp
    has a few " O" lines whose token was lost) and are skipped.
    """
    path = Path(path)
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    skipped = 0

    def flush() -> None:
        if tokens:
            sentences.append((list(tokens), to_bio(tags)))
        tokens.clear()
        tags.clear()

    try:
        with _open_text(path) as handle:
            for line in handle:
                parts = line.split()
                if not parts:
                    flush()
                    continue
                if parts[0] == "-DOCSTART-":
                    flush()
                    continue
                if len(parts) < 2:
                    skipped += 1
                    continue
                tokens.append(parts[0])
                tags.append(parts[-1])
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise RejectedInput(f"{path.name}: cannot read this CoNLL file", detail=repr(exc)) from exc
    flush()
    if skipped:
        LOGGER.debug("%s: skipped %d lines without a token", path.name, skipped)
    if not sentences:
        raise RejectedInput(f"{path.name}: no tagged tokens found (expected 'token ... TAG' lines)", detail=str(path))
    return sentences


def read_conll_archive(path: str | Path) -> list[Sentence]:
    """Every ``*.txt`` CoNLL file in a tar(.gz) archive (AQMAR ships one per article), in file-name order."""
    sentences: list[Sentence] = []
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")), key=lambda m: m.name)
        tar.extractall(tmp, members=members, filter="data")  # "data" filter: no absolute paths, links or devices
        for member in members:
            sentences.extend(read_conll(Path(tmp) / member.name))
    return sentences


def spans(tags: Sequence[str]) -> list[TokenSpan]:
    """Entity spans (start token, end token exclusive, type) of one sentence's tags (BIO or IOB1)."""
    found: list[TokenSpan] = []
    start = -1
    label = ""
    for i, tag in enumerate([*to_bio(tags), "O"]):
        kind = tag[0]
        if start >= 0 and (kind in {"O", "B"} or tag[2:] != label):
            found.append((start, i, label))
            start = -1
        if kind == "B":
            start, label = i, tag[2:]
    return found


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]], *, types: Sequence[str] = DEFAULT_TYPES) -> dict:
    """Exact-span entity-level scores over ``types``.

    Returns ``{TYPE: f1, …, "micro_f1", "precision", "recall"}`` plus ``"{TYPE}_precision"``, ``"{TYPE}_recall"``
    and ``"{TYPE}_support"`` (gold count) per type. A predicted span counts only if its start, end and type all match.
    """
    gold = list(gold)
    pred = list(pred)
    if len(gold) != len(pred):
        raise ValueError(f"score: {len(gold)} gold sentences but {len(pred)} predicted")
    wanted = set(types)
    counts = {t: [0, 0, 0] for t in types}  # true positives, predicted, gold
    for number, (g, p) in enumerate(zip(gold, pred, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"score: sentence {number} has {len(g)} gold tags but {len(p)} predicted")
        gold_spans = {s for s in spans(g) if s[2] in wanted}
        pred_spans = {s for s in spans(p) if s[2] in wanted}
        for s in gold_spans:
            counts[s[2]][2] += 1
        for s in pred_spans:
            counts[s[2]][1] += 1
            counts[s[2]][0] += s in gold_spans
    result: dict[str, float] = {}
    for t, (tp, n_pred, n_gold) in counts.items():
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        result[t] = _f1(precision, recall)
        result[f"{t}_precision"] = precision
        result[f"{t}_recall"] = recall
        result[f"{t}_support"] = n_gold
    tp, n_pred, n_gold = (sum(c[i] for c in counts.values()) for i in range(3))
    result["precision"] = tp / n_pred if n_pred else 0.0
    result["recall"] = tp / n_gold if n_gold else 0.0
    result["micro_f1"] = _f1(result["precision"], result["recall"])
    return result
