"""Statistical NER (marsad.nlp.ner.statistical and the Arabic CRF) on the seed page and real corpora."""

from __future__ import annotations

import re

import pytest
from conftest import ANERCORP_LAST, CONLL_VALID_FIRST, SEED

from marsad.nlp.ner import statistical
from marsad.nlp.ner.arabic_crf import split_sequences, strip_clitics, tokenize
from marsad.nlp.ner.conll import read_conll, score


def entities(text: str, lang: str) -> set[tuple[str, str]]:
    [found] = statistical.predict([text], lang)
    return {(text[s:e], label) for s, e, label in found}


def test_available_languages():
    assert statistical.available_languages() == {"ar", "en", "fr"}


def test_unknown_language_is_a_marsad_error():
    with pytest.raises(statistical.UnsupportedLanguage, match="'de'"):
        statistical.predict(["Angela Merkel sprach in Berlin."], "de")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال الرئيس، في بغداد.", ["قال", "الرئيس", "،", "في", "بغداد", "."]),
        ("(د ب أ) أعلن", ["(", "د", "ب", "أ", ")", "أعلن"]),
        ("الـ6 عُمَر؟", ["الـ6", "عُمَر", "؟"]),
    ],
)
def test_tokenize_keeps_offsets(text, expected):
    spans = tokenize(text)
    assert [text[s:e] for s, e in spans] == expected


@pytest.mark.parametrize(
    "word, stripped",
    [
        ("والعراق", "عراق"),
        ("بالموصل", "موصل"),
        ("لأمريكا", "امريكا"),
        ("ولد", "ولد"),
        ("وكتابهم", "كتاب"),
        ("بوزارة", "وزاره"),
        ("قيادتها", "قيادت"),
    ],
)
def test_strip_clitics(word, stripped):
    assert strip_clitics(word) == stripped


def test_split_sequences_cuts_after_sentence_end():
    assert split_sequences(["a", "b", ".", "c", "؟", "d"]) == [(0, 3), (3, 5), (5, 6)]


def test_seed_page_persons_in_arabic():
    text = SEED.read_text(encoding="utf-8")
    found = entities(text, "ar")
    persons = {surface for surface, label in found if label == "PER"}
    for name in ("مصطفى الكاظمي", "تحسين الخفاجي", "كريستوفر ميلر"):
        assert name in persons, f"{name} not found as PER; persons: {sorted(persons)}"
    places = {surface for surface, label in found if label == "LOC"}
    assert {"سوريا", "بغداد"} <= places


def test_predict_offsets_point_into_text():
    text = "وقال وزير الخارجية الفرنسي جان إيف لودريان في باريس إن فرنسا ستدعم العراق.\nوزار الكاظمي طهران."
    [found] = statistical.predict([text], "ar")
    assert found, "no entity found"
    for start, end, label in found:
        assert label in {"PER", "LOC", "ORG", "MISC"}
        assert text[start:end] == text[start:end].strip() and "\n" not in text[start:end]
    assert ("باريس", "LOC") in {(text[s:e], lab) for s, e, lab in found}


def test_predict_keeps_order_and_empty_texts():
    texts = ["", "زار الرئيس الفرنسي بغداد.", "   "]
    results = statistical.predict(texts, "ar")
    assert len(results) == 3 and results[0] == [] and results[2] == []
    assert ("بغداد", "LOC") in {(texts[1][s:e], lab) for s, e, lab in results[1]}


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_predict_tokens_keeps_token_counts(lang):
    sentences = {
        "ar": [["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "."], [], ["العراق"]],
        "en": [["U.S.", "President", "George", "Bush", "visited", "New", "York", "."], [], ["Paris-based"]],
        "fr": [["Emmanuel", "Macron", "s'est", "rendu", "à", "Bagdad", "."], [], ["l'ONU"]],
    }[lang]
    tags = statistical.predict_tokens(sentences, lang)
    assert [len(t) for t in tags] == [len(s) for s in sentences]
    assert all(re.fullmatch(r"O|[BI]-(PER|LOC|ORG|MISC)", tag) for sent in tags for tag in sent)


def test_predict_tokens_arabic_on_anercorp_sample():
    # The last sentences of ANERcorp's training part are also the shipped model's training data, so this only
    # guards against a broken model or feature drift (a real held-out figure is in docs/ner-models.md).
    sentences = read_conll(ANERCORP_LAST)
    pred = statistical.predict_tokens([t for t, _ in sentences], "ar")
    assert score([g for _, g in sentences], pred)["micro_f1"] > 0.8


@pytest.fixture
def neural_arabic(monkeypatch):
    """statistical with the setting arabic_ner = "neural" (the model choice is cached per process)."""
    monkeypatch.setenv("MARSAD_ARABIC_NER", "neural")
    statistical.arabic_model_dir.cache_clear()
    yield
    statistical.arabic_model_dir.cache_clear()


def test_the_crf_is_the_default_arabic_model():
    assert statistical.arabic_model_dir() == statistical.AR_MODEL_DIR


def test_the_neural_arabic_model_when_chosen(neural_arabic):
    from marsad.nlp.ner.neural import NeuralTagger

    assert statistical.arabic_model_dir() == statistical.AR_NEURAL_DIR
    assert isinstance(statistical._arabic(), NeuralTagger)
    # Its training data too (see the CRF's test above): a smoke test against a broken export, not a score.
    sentences = read_conll(ANERCORP_LAST)
    pred = statistical.predict_tokens([t for t, _ in sentences], "ar")
    assert score([g for _, g in sentences], pred)["micro_f1"] > 0.8
    text = SEED.read_text(encoding="utf-8")
    persons = {surface for surface, label in entities(text, "ar") if label == "PER"}
    assert {"مصطفى الكاظمي", "كريستوفر ميلر"} <= persons, sorted(persons)


def test_english_on_conll_valid_sample():
    sentences = read_conll(CONLL_VALID_FIRST)[:300]
    pred = statistical.predict_tokens([t for t, _ in sentences], "en")
    # The stock model scores about 0.64 here; the shipped fine-tune about 0.9 (docs/ner-models.md).
    assert score([g for _, g in sentences], pred)["micro_f1"] > 0.75


def test_english_raw_text_types():
    found = entities("Iraqi Prime Minister Mustafa al-Kadhimi met NATO officials in Baghdad on Friday.", "en")
    assert ("Baghdad", "LOC") in found
    assert any(label == "PER" and "Kadhimi" in surface for surface, label in found)


def test_french_sanity():
    found = entities("Le président Emmanuel Macron a rencontré à Bagdad le Premier ministre irakien.", "fr")
    assert ("Emmanuel Macron", "PER") in found
    assert ("Bagdad", "LOC") in found


def test_features_use_clitic_free_forms_and_lexicons():
    from marsad.nlp.ner.arabic_crf import Resources, sentence_features

    res = Resources.load(statistical.AR_MODEL_DIR)
    feats = sentence_features(["وقال", "اللواء", "تحسين", "الخفاجي", "بالعراق"], res)
    # crfsuite attributes: a string feature s="عراق" is "s:عراق" of weight 1; a number is the attribute's weight.
    assert feats[4]["s:عراق"] == 1.0 and feats[4].get("loc") == 1.0
    assert feats[1].get("per_context") == 1.0 and feats[2].get("-1per_context") == 1.0
    assert feats[2].get("per_first") == 1.0 and feats[3]["-1w:تحسين"] == feats[3]["-2s:لواء"] == 1.0
    assert feats[0]["-1edge"] == 1.0 and feats[4]["1edge"] == 1.0
    assert feats[3]["w-1|w:تحسين|الخفاجي"] == 1.0 and all(isinstance(v, float) for f in feats for v in f.values())


def test_features_are_the_named_features_as_crfsuite_reads_them():
    from marsad.nlp.ner.arabic_crf import Resources, attributes, sentence_features

    res = Resources(lexicons={"loc": frozenset({"عراق"})}, clusters={"عراق": ("7", "71", "713")},
                    vectors={"عراق": (0.5, -0.25)})
    own = sentence_features(["بالعراق"], res)[0]
    assert own == {"bias": 1.0, "-2edge": 1.0, "-1edge": 1.0, "1edge": 1.0, "2edge": 1.0, **attributes(
        {"w": "بالعراق", "s": "عراق", "st": "عراق", "p2": "با", "p3": "بال", "x1": "ق", "x2": "اق", "x3": "راق",
         "sh": "arabic", "len": "7", "pre": "بال", "loc": 1.0, "c0": "7", "c1": "71", "c2": "713", "e0": 0.5,
         "e1": -0.25})}


def test_document_memory_carries_cues_to_bare_repeats():
    from marsad.nlp.ner.arabic_crf import Resources, corpus_features, document_memory, sentence_features

    res = Resources(lexicons={"per_context": frozenset({"لواء", "اللواء"}), "per_first": frozenset({"تحسين"})})
    first = ["وقال", "اللواء", "تحسين", "الخفاجي", "."]
    later = ["وأكد", "الخفاجي", "ذلك", "."]
    memory = document_memory([first, later], res)
    assert memory["تحسين"] == {"per_context"} and memory["خفاجي"] == {"per_first"}
    assert sentence_features(later, res, memory)[1]["m_per_first"] == 1.0
    assert "m_per_first" not in sentence_features(later, res)[1]
    # CoNLL-style input: consecutive sentences share a pseudo-document.
    assert corpus_features([first, later], res)[1][1]["m_per_first"] == 1.0


@pytest.mark.parametrize(
    ("tokens", "marks"),
    [
        (["زار", "نوري", "المالكي", "بغداد"], {1: "per:B", 2: "per:I"}),
        (["في", "مجلس", "الأمن", "الدولي"], {1: "org:B", 2: "org:I", 3: "org:I"}),
        (["إلى", "الولايات", "المتحدة"], {1: "B", 2: "I"}),  # places keep their bare marks
        (["ومجلس", "الأمن"], {0: "org:B", 1: "org:I"}),  # the first word may carry a proclitic
        (["نوري", "قال"], {}),
    ],
)
def test_gazetteer_phrases_mark_their_type(tokens, marks):
    from marsad.nlp.ner.arabic_crf import PHRASE_MARKS, Resources, sentence_features
    from marsad.text.normalize import normalize_arabic

    entries = {"loc": ["الولايات المتحدة"], "gaz_per": ["نوري المالكي"], "gaz_org": ["مجلس الأمن", "مجلس الأمن الدولي"]}
    phrases: dict = {}
    for name, names in entries.items():
        for entry in names:
            parts = tuple(normalize_arabic(p) for p in entry.split())
            phrases.setdefault(parts[0], []).append((parts, PHRASE_MARKS[name]))
    feats = sentence_features(tokens, Resources(phrases=phrases))
    found = {i: key[3:] for i, f in enumerate(feats) for key in f if key.startswith("gz:")}
    assert found == marks
    if 1 in marks and len(tokens) > 2:
        assert feats[2][f"-1gz:{marks[1]}"] == 1.0  # neighbours see the mark too


def test_with_lexicons_adds_names_to_a_copy():
    from marsad.nlp.ner.arabic_crf import Resources, sentence_features

    base = Resources(lexicons={"loc": frozenset({"عراق"})})
    seen = base.with_lexicons({"seen_per": ["ميلر", "تحسين الخفاجي"]})
    feats = sentence_features(["قال", "ميلر", "وتحسين", "الخفاجي"], seen)
    assert feats[1]["seen_per"] == 1.0 and feats[2]["gz:sper:B"] == feats[3]["gz:sper:I"] == 1.0
    assert seen.lexicons["loc"] == base.lexicons["loc"]
    assert "seen_per" not in base.lexicons and not base.phrases  # the original is untouched


def test_word_vectors_are_matrix_rows_by_word():
    import numpy as np

    from marsad.nlp.ner.arabic_crf import WordVectors

    vectors = WordVectors(["بغداد", "دمشق"], np.array([[0.5, -1.0], [2.0, 0.25]]))
    assert vectors["دمشق"] == (2.0, 0.25) and vectors.get("عمان") is None
    assert "بغداد" in vectors and list(vectors) == ["بغداد", "دمشق"] and len(vectors) == 2
    with pytest.raises(ValueError, match="1 vectors for 2 words"):
        WordVectors(["بغداد", "دمشق"], np.zeros((1, 2)))

