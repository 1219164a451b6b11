"""Measure the alternative to the Arabic CRF: a stock spaCy ``ner`` pipeline trained on the same contiguous split.

    .venv/bin/python training/compare_ar_spacy.py [--steps 2000] [--out /tmp/ar_spacy] [--result FILE]

Trains ``spacy init config --lang ar --pipeline ner --optimize efficiency`` (CNN tok2vec, no vectors) on the first
80% of ANERcorp (document order) and scores the contiguous last 20% with the project's scorer, i.e. exactly the
split of the CRF's "tail" figure. Prints the scores as JSON and writes them to ``--result``
(training/ar_spacy_baseline.json, read by bench/ner_quality.py); the model is not shipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

from marsad.nlp.ner.conll import read_conll, score  # noqa: E402


def to_docbin(nlp, sentences, path: Path) -> None:
    from spacy.tokens import Doc, DocBin
    from spacy.training import biluo_tags_to_spans, iob_to_biluo

    docs = DocBin()
    for tokens, tags in sentences:
        doc = Doc(nlp.vocab, words=tokens)
        doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
        docs.add(doc)
    docs.to_disk(path)


def main(argv: list[str] | None = None) -> int:
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train
    from spacy.tokens import Doc

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=SHARED / "ner" / "anercorp_train80.txt.gz")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "ar_spacy_ner")
    parser.add_argument("--tail", type=float, default=0.2)
    parser.add_argument("--result", type=Path, default=REPO / "training" / "ar_spacy_baseline.json")
    args = parser.parse_args(argv)

    sentences = read_conll(args.train)
    cut = round(len(sentences) * (1 - args.tail))
    head, tail = sentences[:cut], sentences[cut:]
    args.out.mkdir(parents=True, exist_ok=True)
    blank = spacy.blank("ar")
    # The dev set for spaCy's own checkpoint choice is the end of the head, never the scored tail.
    dev_cut = round(len(head) * 0.9)
    to_docbin(blank, head[:dev_cut], args.out / "train.spacy")
    to_docbin(blank, head[dev_cut:], args.out / "dev.spacy")
    config = init_config(lang="ar", pipeline=["ner"], optimize="efficiency")
    config_path = args.out / "config.cfg"
    config.to_disk(config_path)
    train(
        config_path,
        args.out / "model",
        overrides={
            "paths.train": str(args.out / "train.spacy"),
            "paths.dev": str(args.out / "dev.spacy"),
            "training.max_steps": args.steps,
            "training.eval_frequency": 250,
        },
    )
    nlp = spacy.load(args.out / "model" / "model-best")
    ner = nlp.get_pipe("ner")
    pred = []
    for tokens, _ in tail:
        doc = nlp.get_pipe("tok2vec")(Doc(nlp.vocab, words=tokens)) if "tok2vec" in nlp.pipe_names else None
        doc = ner(doc if doc is not None else Doc(nlp.vocab, words=tokens))
        tags = ["O"] * len(doc)
        for ent in doc.ents:
            label = "PER" if ent.label_ == "PERS" else ent.label_
            tags[ent.start] = f"B-{label}"
            tags[ent.start + 1 : ent.end] = [f"I-{label}"] * (len(ent) - 1)
        pred.append(tags)
    result = score([t for _, t in tail], pred)
    result["steps"] = args.steps
    text = json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()})
    args.result.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
