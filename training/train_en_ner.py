"""Fine-tune en_core_web_sm's NER on CoNLL-2003 train; ship it as data/models/en_ner.

    .venv/bin/python training/train_en_ner.py --out data/models/en_ner

Only the ``ner`` component is kept (it has its own tok2vec in the sm pipeline), resumed from the stock OntoNotes
weights with the CoNLL labels PER/LOC/ORG/MISC added. Each epoch is scored on CoNLL valid (exact spans, PER/LOC/ORG,
given tokens) and the best epoch is written; valid is never trained on. Settings: training/en_ner.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

from marsad.nlp.ner.conll import read_conll, score  # noqa: E402
from marsad.nlp.ner.statistical import EN_STOCK, UNUSED_COMPONENTS  # noqa: E402

LOGGER = logging.getLogger("train_en_ner")
CONFIG = REPO / "training" / "en_ner.json"
LABELS = ("PER", "LOC", "ORG", "MISC")
# OntoNotes labels of the stock model that mean the same as a CoNLL type; anything else counts as O.
STOCK_MAP = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "NORP": "MISC"}


def tag_sentences(nlp, sentences, label_map=None) -> list[list[str]]:
    from spacy.tokens import Doc

    ner = nlp.get_pipe("ner")
    out = []
    for tokens, _ in sentences:
        doc = ner(Doc(nlp.vocab, words=tokens))
        tags = ["O"] * len(doc)
        for ent in doc.ents:
            label = label_map.get(ent.label_) if label_map else ent.label_
            if label:
                tags[ent.start] = f"B-{label}"
                tags[ent.start + 1 : ent.end] = [f"I-{label}"] * (ent.end - ent.start - 1)
        out.append(tags)
    return out


def keep_hyphenated_words(nlp) -> None:
    """Tokenise like CoNLL: "al-Kadhimi", "Paris-based" stay one token (spaCy splits them; the NER is trained
    on CoNLL tokens, so split names come out as two entities). Saved with the pipeline's tokenizer."""
    from spacy.lang.char_classes import HYPHENS
    from spacy.util import compile_infix_regex

    infixes = [p for p in nlp.Defaults.infixes if f"(?:{HYPHENS})" not in p]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def examples(nlp, sentences):
    from spacy.tokens import Doc
    from spacy.training import Example, iob_to_biluo

    return [
        Example.from_dict(Doc(nlp.vocab, words=tokens), {"entities": iob_to_biluo(tags)}) for tokens, tags in sentences
    ]


def main(argv: list[str] | None = None) -> int:
    import spacy
    from spacy.util import compounding, fix_random_seed, minibatch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "models" / "en_ner")
    parser.add_argument("--train", type=Path, default=SHARED / "ner" / "conll2003_train.txt.gz")
    parser.add_argument("--valid", type=Path, default=SHARED / "ner" / "conll2003_valid.txt.gz")
    parser.add_argument("--config", type=Path, default=CONFIG)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    config = json.loads(args.config.read_text(encoding="utf-8"))
    fix_random_seed(config["seed"])
    rng = random.Random(config["seed"])

    train = read_conll(args.train)
    valid = read_conll(args.valid)
    gold = [tags for _, tags in valid]
    nlp = spacy.load(EN_STOCK, exclude=list(UNUSED_COMPONENTS))
    keep_hyphenated_words(nlp)
    stock = score(gold, tag_sentences(nlp, valid, STOCK_MAP))
    LOGGER.info("stock %s on valid: micro-F1 %.3f", EN_STOCK, stock["micro_f1"])

    ner = nlp.get_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    train_examples = examples(nlp, train)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = config["learn_rate"]
    best = {"micro_f1": -1.0}
    history = []
    for epoch in range(config["epochs"]):
        start = time.perf_counter()
        rng.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(train_examples, size=compounding(*config["batch"])):
            nlp.update(batch, sgd=optimizer, drop=config["dropout"], losses=losses)
        result = score(gold, tag_sentences(nlp, valid))
        seconds = time.perf_counter() - start
        history.append({"epoch": epoch + 1, "loss": round(losses.get("ner", 0.0), 1), **_brief(result)})
        LOGGER.info("epoch %d loss %.0f valid %s (%.0f s)", epoch + 1, losses.get("ner", 0.0), _brief(result), seconds)
        if result["micro_f1"] > best["micro_f1"]:
            best = {**result, "epoch": epoch + 1}
            with nlp.use_params(optimizer.averages):
                averaged = score(gold, tag_sentences(nlp, valid))
            use_averages = averaged["micro_f1"] >= result["micro_f1"]
            if use_averages:
                best = {**averaged, "epoch": epoch + 1, "averaged": True}
            nlp.meta.update(
                {
                    "name": "marsad_ner",
                    "version": "1.0.0",
                    "description": f"{EN_STOCK} ner fine-tuned on CoNLL-2003 train (training/train_en_ner.py)",
                    "author": "Marsad project (base model: Explosion)",
                    "license": "MIT (base en_core_web_sm); fine-tuned on CoNLL-2003, research use",
                    "marsad_eval": {"valid": _brief(best), "stock_valid": _brief(stock), "history": history},
                }
            )
            if use_averages:
                with nlp.use_params(optimizer.averages):
                    nlp.to_disk(args.out)
            else:
                nlp.to_disk(args.out)
            LOGGER.info("saved epoch %d (micro-F1 %.3f, averaged=%s) to %s", epoch + 1, best["micro_f1"],
                        use_averages, args.out)
    return 0


def _brief(result: dict) -> dict:
    return {k: round(result[k], 4) for k in ("PER", "LOC", "ORG", "precision", "recall", "micro_f1")}


if __name__ == "__main__":
    sys.exit(main())
