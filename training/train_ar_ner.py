"""Train Marsad's Arabic NER model (a CRF) and write it to data/models/ar_ner.

    .venv/bin/python training/train_ar_ner.py --out data/models/ar_ner --cv 5     (what `make ner-model` runs)

Steps: build lexicons, word clusters and vectors (training/ar_resources.py); then — unless ``--skip-eval`` —
train on the head of ANERcorp and score the document-level held-out tail (whole stories, none repeated from the
head: training/anercorp_split.py; random sentence splits overestimate) and, with ``--cv K``, K contiguous folds;
then train the shipped model on all of ANERcorp and score it on AQMAR (never trained on). Settings are in
training/ar_ner.json; all figures go to ``meta.json`` next to the model.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "training"))

from anercorp_split import heldout_split  # noqa: E402
from ar_resources import build_clusters, build_lexicons  # noqa: E402

from marsad.nlp.ner.arabic_crf import (  # noqa: E402
    LEXICON_DIR,
    META_FILE,
    MODEL_FILE,
    SEEN_LEXICONS,
    Resources,
    corpus_features,
    sentence_features,
)
from marsad.nlp.ner.conll import read_conll, read_conll_archive, score, spans  # noqa: E402

LOGGER = logging.getLogger("train_ar_ner")
CONFIG = REPO / "training" / "ar_ner.json"
# Unlabeled corpora in ../shared/corpora the word clusters and vectors are learnt from.
CORPORA = ("ant_v2.1_multisource.jsonl.gz",)
SEEN_FOLDS = 5  # blocks of the training data whose seen-name lexicons come from the other blocks
RESOURCE_KEYS = ("lexicons", "cluster_vocab", "cluster_corpus")  # what meta.json says of the feature resources


def train(sentences, resources: Resources, model_path: Path, config: dict) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, (_, tags) in zip(_training_features(sentences, resources, config), sentences, strict=True):
        trainer.append(features, tags)
    trainer.set_params(config["crf"])
    trainer.train(str(model_path))


def predict(sentences, resources: Resources, model_path: Path, config: dict) -> list[list[str]]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    return [tagger.tag(features) for features in _features(sentences, resources, config)]


def seen_names(sentences) -> dict[str, list[str]]:
    """The names tagged in ``sentences``, as the seen-name lexicons (SEEN_LEXICONS) hold them."""
    names: dict[str, set[str]] = {lexicon: set() for lexicon in SEEN_LEXICONS.values()}
    for tokens, tags in sentences:
        for start, end, label in spans(tags):
            if label in SEEN_LEXICONS:
                names[SEEN_LEXICONS[label]].add(" ".join(tokens[start:end]))
    return {lexicon: sorted(found) for lexicon, found in names.items()}


def with_seen(sentences, resources: Resources, config: dict) -> Resources:
    """``resources`` plus the names tagged in ``sentences`` (when the settings use seen-name features)."""
    return resources.with_lexicons(seen_names(sentences)) if config.get("seen_gazetteers") else resources


def _training_features(sentences, resources: Resources, config: dict):
    """Features of training sentences: with seen-name features, each block sees only the other blocks' names, as
    unseen text will (a name's own occurrence would otherwise always be in the lexicon, and the CRF trust it)."""
    if not config.get("seen_gazetteers"):
        return _features(sentences, resources, config)
    out = []
    for start, end in contiguous_folds(len(sentences), SEEN_FOLDS):
        others = sentences[:start] + sentences[end:]
        out.extend(_features(sentences[start:end], with_seen(others, resources, config), config))
    return out


def _features(sentences, resources: Resources, config: dict):
    tokens = [t for t, _ in sentences]
    if config.get("doc_memory"):
        return corpus_features(tokens, resources)
    return [sentence_features(t, resources) for t in tokens]


def evaluate(train_sents, test_sents, resources: Resources, config: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / MODEL_FILE
        start = time.perf_counter()
        train(train_sents, resources, model, config)
        seconds = time.perf_counter() - start
        tagging = with_seen(train_sents, resources, config)
        tagging.cache.clear()  # tag from a cold feature memo, as a fresh process would
        start = time.process_time()
        pred = predict(test_sents, tagging, model, config)
        tag_seconds = time.process_time() - start
    result = score([t for _, t in test_sents], pred)
    result["train_seconds"] = round(seconds, 1)
    # CPU time, not wall time: the figure should not depend on what else the shared machine runs.
    result["sentences_per_cpu_s"] = round(len(test_sents) / max(tag_seconds, 1e-9))
    return result


def contiguous_folds(n: int, k: int) -> list[tuple[int, int]]:
    bounds = [round(i * n / k) for i in range(k + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "models" / "ar_ner")
    parser.add_argument("--train", type=Path, default=SHARED / "ner" / "anercorp_train80.txt.gz")
    parser.add_argument("--aqmar", type=Path, default=SHARED / "ner" / "aqmar_articles.tar.gz")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[SHARED / "corpora" / name for name in CORPORA],
                        help="unlabeled Arabic news (JSONL.gz files) for word clusters")
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--tail", type=float, default=0.2,
                        help="share of ANERcorp (whole stories at its end) held out for the evaluation")
    parser.add_argument("--cv", type=int, default=0, help="also run K-fold cross-validation over contiguous folds")
    parser.add_argument("--skip-eval", action="store_true",
                        help="skip the ANERcorp held-out and CV runs: train the shipped model (and score it on AQMAR)")
    parser.add_argument("--reuse-resources", action="store_true", help="keep lexicons/clusters already in --out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    config = json.loads(args.config.read_text(encoding="utf-8"))
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    meta: dict = {"name": "marsad_ar_ner", "kind": "crfsuite", "config": config, "train_file": args.train.name}
    if not args.reuse_resources:
        meta["lexicons"] = build_lexicons(out, curated=config.get("curated_gazetteers", False))
        if config.get("clusters", True):
            meta["cluster_vocab"] = build_clusters(
                args.corpus, out, limit=config.get("cluster_articles"), vector_dims=config.get("vector_dims", 0)
            )
            meta["cluster_corpus"] = " + ".join(path.name for path in args.corpus)
    elif (out / META_FILE).exists():
        # The resources were built by an earlier run: keep its description of them.
        previous = json.loads((out / META_FILE).read_text(encoding="utf-8"))
        meta |= {key: previous[key] for key in RESOURCE_KEYS if key in previous}
    for lexicon in SEEN_LEXICONS.values():
        (out / LEXICON_DIR / f"{lexicon}.txt").unlink(missing_ok=True)  # written below, from this run's data
    resources = Resources.load(out)

    anercorp = read_conll(args.train)
    aqmar = read_conll_archive(args.aqmar)
    extra = aqmar if config.get("aqmar_in_training") else []
    if not args.skip_eval:
        split = heldout_split(anercorp, args.tail)
        heldout = evaluate(split.train + extra, split.test, resources, config)
        heldout["split"] = split.describe()
        LOGGER.info("document-level held-out (last %.0f%%): %s", args.tail * 100, _brief(heldout))
        meta["eval_heldout"] = heldout
        if args.cv > 1:
            folds = []
            for start, end in contiguous_folds(len(anercorp), args.cv):
                fold = evaluate(anercorp[:start] + anercorp[end:] + extra, anercorp[start:end], resources, config)
                LOGGER.info("fold %d-%d: %s", start, end, _brief(fold))
                folds.append(fold)
            meta["eval_cv"] = {
                "k": args.cv,
                "micro_f1_mean": sum(f["micro_f1"] for f in folds) / len(folds),
                "folds": [f["micro_f1"] for f in folds],
            }
            LOGGER.info("contiguous %d-fold CV micro-F1 mean %.3f", args.cv, meta["eval_cv"]["micro_f1_mean"])
    start = time.perf_counter()
    train(anercorp + extra, resources, out / MODEL_FILE, config)
    meta["train_seconds"] = round(time.perf_counter() - start, 1)
    if config.get("seen_gazetteers"):
        for lexicon, names in seen_names(anercorp + extra).items():
            (out / LEXICON_DIR / f"{lexicon}.txt").write_text(
                f"# Generated by training/train_ar_ner.py: names tagged in {args.train.name}.\n" + "\n".join(names)
                + "\n", encoding="utf-8")
            meta.setdefault("lexicons", {})[lexicon] = len(names)
    tagging = with_seen(anercorp + extra, resources, config)
    if aqmar and not extra:
        # The shipped model never saw AQMAR: score it there directly (another domain: Wikipedia articles).
        meta["eval_aqmar"] = score([t for _, t in aqmar], predict(aqmar, tagging, out / MODEL_FILE, config))
        LOGGER.info("shipped model on AQMAR: %s", _brief(meta["eval_aqmar"]))
    meta["train_sentences"] = len(anercorp) + len(extra)
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    LOGGER.info("wrote %s", out)
    return 0


def _brief(result: dict) -> str:
    return " ".join(f"{k}={result[k]:.3f}" for k in ("PER", "LOC", "ORG", "precision", "recall", "micro_f1"))


if __name__ == "__main__":
    sys.exit(main())
