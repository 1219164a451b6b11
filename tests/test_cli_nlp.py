"""The CLI: marsad enrich and marsad eval-ner, invoked as a user would."""

from __future__ import annotations

import json

import pytest
from conftest import ANERCORP_FIRST, AQMAR_ARTICLE, CONLL_VALID_FIRST, REPO

from marsad.cli import main
from marsad.nlp.ner.conll import read_conll, score
from marsad.nlp.pipeline import tag_tokens
from marsad.store.db import Store

AR_TRAINING_CONFIG = REPO / "training" / "ar_ner.json"

TINY = """-DOCSTART- -X- -X- O

Mustafa NNP B-NP B-PER
al-Kadhimi NNP I-NP I-PER
visited VBD B-VP O
Baghdad NNP B-NP B-LOC
. . O O

The DT B-NP O
United NNP I-NP B-ORG
Nations NNP I-NP I-ORG
met VBD B-VP O
. . O O
"""


def test_eval_ner_json(tmp_path, capsys):
    path = tmp_path / "tiny.conll"
    path.write_text(TINY, encoding="utf-8")
    assert main(["eval-ner", str(path), "--lang", "en", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"PER", "LOC", "ORG", "micro_f1", "precision", "recall"}
    assert result["micro_f1"] == pytest.approx(1.0)


def test_eval_ner_text_output_and_layers(tmp_path, capsys):
    assert main(["eval-ner", str(ANERCORP_FIRST), "--lang", "ar", "--layer", "gazetteer"]) == 0
    out = capsys.readouterr().out
    assert "micro_f1=" in out and "PER=" in out


def test_eval_ner_missing_file(tmp_path, capsys):
    assert main(["eval-ner", str(tmp_path / "nope.txt"), "--lang", "ar"]) == 2
    assert "nope.txt" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_gazetteer_layer_does_not_lower_f1(lang):
    """On text the statistical model was not trained on (an AQMAR article for Arabic unless the training config
    adds AQMAR; the first 400 sentences of CoNLL-2003 valid for English), the full pipeline scores at least as well
    as the model alone."""
    if lang == "ar" and json.loads(AR_TRAINING_CONFIG.read_text(encoding="utf-8")).get("aqmar_in_training"):
        pytest.skip("AQMAR is part of the Arabic model's training data")
    sentences = read_conll(AQMAR_ARTICLE if lang == "ar" else CONLL_VALID_FIRST)
    gold = [tags for _, tags in sentences]
    tokens = [toks for toks, _ in sentences]
    model = score(gold, tag_tokens(tokens, lang, layer="model"))["micro_f1"]
    full = score(gold, tag_tokens(tokens, lang, layer="full"))["micro_f1"]
    assert full >= model


BODIES = [("انفجار في بغداد وأعلن تنظيم داعش مسؤوليته عن الهجوم في العراق", "ar"),
          ("OPEC ministers met in Vienna while Iraq raised output.", "en")]


def _stored_not_enriched(db) -> Store:
    """A store holding the BODIES as articles that no enrichment has seen."""
    store = Store(db)
    store.ensure_schema()
    with store.write() as con:
        for i, (body, lang) in enumerate(BODIES, 1):
            con.execute("INSERT INTO articles (id, body, language, ingested_at, content_hash) VALUES (?, ?, ?, now(), ?)",
                        [i, body, lang, str(i)])
    return store


def test_enrich_command(tmp_path, capsys):
    store = _stored_not_enriched(tmp_path / "cli.duckdb")
    db = store.path
    assert main(["enrich", "--db", str(db), "--json", "--no-progress"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["articles"] == 2 and first["mentions"] >= 5
    # The rate is reported, but its value is a timing (rounded to 0.1, it reads 0.0 on a loaded machine).
    assert first["articles_per_second"] >= 0
    assert main(["enrich", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("enriched 0 articles")
    assert main(["enrich", "--db", str(db), "--all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2
    with store.read() as con:
        keys = {r[0] for r in con.execute("SELECT key FROM entities").fetchall()}
    assert {"loc:baghdad", "org:isis", "loc:iq", "org:opec", "loc:vienna"} <= keys


def test_enrich_runs_the_monitors(tmp_path, capsys):
    # OPEC is named in article 2's text, but no mention says so before enrichment: the monitor's baseline is empty,
    # and the article alerts when `marsad enrich` finds the entity, not on some later run.
    store = _stored_not_enriched(tmp_path / "cli.duckdb")
    db = store.path
    assert main(["monitors", "add", "opec", "--entity", "org:opec", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["enrich", "--db", str(db), "--no-progress"]) == 0
    assert capsys.readouterr().err == "monitors: 2 new alerts (opec: 1 new article; opec: newly co-mentioned: Iraq, Vienna)\n"
    assert main(["monitors", "run", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["enrich", "--db", str(db), "--no-progress"]) == 0  # nothing enriched: the monitors are not run
    assert "monitors:" not in capsys.readouterr().err
