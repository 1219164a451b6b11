"""Quality and speed of the statistical NER models; prints the figures and writes docs/benchmarks/ner_quality.md.

    .venv/bin/python bench/ner_quality.py [--retrain] [--cv 5] [--out FILE]

- Arabic: the default CRF (data/models/ar_ner) and the neural tagger (data/models/ar_ner_neural, the setting
  ``arabic_ner = "neural"``), each scored as statistical.py runs it. F1 on the document-level held-out part of
  ANERcorp (whole stories at its end, none repeated from the training part: training/anercorp_split.py) and
  contiguous k-fold CV come from the training runs (each model's meta.json); ``--retrain`` recomputes the CRF's here with the same code.
  AQMAR F1 is measured directly: the shipped model never saw AQMAR.
- English: CoNLL-2003 valid, stock en_core_web_sm vs the shipped fine-tune, on the given tokens.
- Speed: tokens/s and CPU ms per text of ``predict`` on raw text (ANT articles for Arabic, Reuters for English, a French sample).

Figures are indicative: the machine has 2 cores shared with other work.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "training"))

from report_page import ReportPage  # noqa: E402

from marsad.nlp.ner import statistical  # noqa: E402
from marsad.nlp.ner.arabic_crf import tokenize  # noqa: E402
from marsad.nlp.ner.conll import read_conll, read_conll_archive, score  # noqa: E402

TYPES = ("PER", "LOC", "ORG")
SPEED_TEXTS = 300  # articles per language for the tokens/s figure: enough for a stable rate, quick to run
# A French paragraph (our own wording) repeated for the speed figure: no French news corpus is in ../shared.
FRENCH_SAMPLE = (
    "Le Premier ministre irakien Moustafa al-Kazimi a ordonné vendredi à Bagdad le renforcement de la frontière "
    "avec la Syrie, après des mises en garde de la coalition internationale et de l'ONU sur l'activité de l'État "
    "islamique dans la province de Ninive. Le porte-parole du commandement des opérations conjointes, le général "
    "Tahsin al-Khafaji, a annoncé l'installation de caméras thermiques."
)


def scored(sentences, lang: str) -> dict:
    pred = statistical.predict_tokens([t for t, _ in sentences], lang)
    return score([g for _, g in sentences], pred)


def stock_english(sentences) -> dict:
    """The stock en_core_web_sm NER on the given tokens, labels mapped (the floor the fine-tune must beat)."""
    import spacy
    from train_en_ner import STOCK_MAP, tag_sentences

    nlp = spacy.load(statistical.EN_STOCK, exclude=list(statistical.UNUSED_COMPONENTS))
    return score([g for _, g in sentences], tag_sentences(nlp, sentences, STOCK_MAP))


def jsonl_texts(path: Path, field: str, n: int) -> list[str]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get(field) or ""
            if text.strip():
                out.append(text)
            if len(out) >= n:
                break
    return out


def speed(texts: list[str], lang: str) -> dict:
    """Wall and CPU time of ``predict`` over ``texts`` in this process (CPU time is what the shared machine's load
    does not skew)."""
    statistical.predict(texts[:2], lang)  # load the model outside the timing
    tokens = sum(len(tokenize(t)) for t in texts)
    start, cpu = time.perf_counter(), time.process_time()
    statistical.predict(texts, lang)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"texts": len(texts), "tokens": tokens, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "tokens_per_s": round(tokens / seconds), "texts_per_s": round(len(texts) / seconds, 1),
            "cpu_ms_per_text": round(1000 * cpu / len(texts), 2)}


def arabic_training_figures(retrain: bool, cv: int) -> dict:
    """The CRF's training figures (its meta.json), recomputed by training it here with ``retrain``."""
    meta_path = statistical.AR_MODEL_DIR / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not retrain:
        return meta
    from anercorp_split import heldout_split
    from train_ar_ner import contiguous_folds, evaluate

    from marsad.nlp.ner.arabic_crf import Resources

    resources = Resources.load(statistical.AR_MODEL_DIR)
    config = meta["config"]
    anercorp = read_conll(SHARED / "ner" / "anercorp_train80.txt.gz")
    split = heldout_split(anercorp, 0.2)
    meta["eval_heldout"] = evaluate(split.train, split.test, resources, config) | {"split": split.describe()}
    if cv < 2:
        meta.pop("eval_cv", None)
        return meta
    folds = [evaluate(anercorp[:a] + anercorp[b:], anercorp[a:b], resources, config)
             for a, b in contiguous_folds(len(anercorp), cv)]
    meta["eval_cv"] = {"k": cv, "micro_f1_mean": sum(f["micro_f1"] for f in folds) / cv,
                       "folds": [f["micro_f1"] for f in folds]}
    return meta


def figures_source(retrain: bool, heldout: dict) -> str:
    if retrain:
        return "recomputed by this run (--retrain)"
    # A model trained with --skip-eval carries the held-out figure of the run that compared its settings.
    return f"from data/models/ar_ner/meta.json ({heldout.get('run', 'the training run that built the model')})"


def row(name: str, result: dict) -> str:
    cells = " | ".join(f"{result[t]:.3f}" for t in (*TYPES, "precision", "recall", "micro_f1"))
    return f"| {name} | {cells} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the page here instead of docs/benchmarks/ner_quality.md")
    parser.add_argument("--retrain", action="store_true", help="recompute Arabic tail/CV figures by training here")
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args(argv)
    page = ReportPage("ner_quality", "Statistical NER models: quality and speed")

    meta = arabic_training_figures(args.retrain, args.cv)
    aqmar_sentences = read_conll_archive(SHARED / "ner" / "aqmar_articles.tar.gz")
    ant = jsonl_texts(SHARED / "corpora" / "ant_v2.1_multisource.jsonl.gz", "text", SPEED_TEXTS)
    aqmar = scored(aqmar_sentences, "ar")
    speeds = {"ar": speed(ant, "ar")}
    neural = (statistical.AR_NEURAL_DIR / "weights.npz").exists()
    if neural:
        # The same calls with the setting arabic_ner = "neural" (the model choice is read once per process).
        os.environ["MARSAD_ARABIC_NER"] = "neural"
        statistical.arabic_model_dir.cache_clear()
        neural_meta = json.loads((statistical.AR_NEURAL_DIR / "meta.json").read_text(encoding="utf-8"))
        neural_aqmar = scored(aqmar_sentences, "ar")
        speeds["ar (neural)"] = speed(ant, "ar")
        os.environ.pop("MARSAD_ARABIC_NER")
        statistical.arabic_model_dir.cache_clear()
    valid = read_conll(SHARED / "ner" / "conll2003_valid.txt.gz")
    en_stock = stock_english(valid)
    en_shipped = scored(valid, "en")
    speeds |= {
        "en": speed(jsonl_texts(SHARED / "corpora" / "reuters21578.jsonl.gz", "body", SPEED_TEXTS), "en"),
        "fr": speed([FRENCH_SAMPLE] * SPEED_TEXTS, "fr"),
    }
    heldout, cv = meta["eval_heldout"], meta.get("eval_cv", {})
    split = heldout.get("split", {})
    spacy_path = REPO / "training" / "ar_spacy_baseline.json"
    spacy_tail = json.loads(spacy_path.read_text(encoding="utf-8")) if spacy_path.exists() else None
    header = "| model / test set | PER | LOC | ORG | precision | recall | micro-F1 |\n|---|---|---|---|---|---|---|"
    lines = [
        "Exact-span entity level over PER/LOC/ORG, scored by `marsad.nlp.ner.conll.score` on the given tokens.",
        "",
        "## Arabic — CRF (`data/models/ar_ner`, the default) and neural tagger (`data/models/ar_ner_neural`)",
        "",
        header,
        *([row("neural tagger, ANERcorp document-level held-out 20%", neural_meta["eval_heldout"])]
          if neural else []),
        row("CRF, ANERcorp document-level held-out 20%", heldout),
        *([row(f"spaCy `ner` CNN from scratch ({spacy_tail['steps']} steps), contiguous sentence tail 20%",
               spacy_tail)] if spacy_tail else []),
        *([row("neural tagger (shipped), AQMAR", neural_aqmar)] if neural else []),
        row("CRF (shipped), AQMAR", aqmar),
        "",
        f"Held-out part: {split.get('test_stories', '?')} stories, {split.get('test_sentences', '?')} sentences "
        f"after the first story start past 80% of ANERcorp; {split.get('duplicate_stories_dropped', '?')} stories "
        "that repeat text of the training part dropped. Trained on the "
        f"{split.get('train_sentences', '?')} sentences before it.",
        "",
        *([f"Contiguous {cv['k']}-fold cross-validation over ANERcorp (document order, no shuffling): "
           f"mean micro-F1 **{cv['micro_f1_mean']:.3f}** (folds: {', '.join(f'{f:.3f}' for f in cv['folds'])}).",
           ""] if cv else []),
        f"CRF held-out and cross-validation figures: {figures_source(args.retrain, heldout)}.",
        *([f"Neural held-out figure: {neural_meta['eval_heldout'].get('run', 'its training run')}.", ""]
          if neural else []),
        "",
        "## English — en_core_web_sm NER fine-tuned on CoNLL-2003 train (`data/models/en_ner`)",
        "",
        header,
        row("stock en_core_web_sm (labels mapped), CoNLL valid", en_stock),
        row("shipped fine-tune, CoNLL valid", en_shipped),
        "",
        "## Speed of `statistical.predict` on raw text (1 process)",
        "",
        "| language | texts | tokens | seconds | tokens/s | texts/s | CPU s | CPU ms/text |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {lang} | {s['texts']} | {s['tokens']} | {s['seconds']} | {s['tokens_per_s']} | {s['texts_per_s']} "
          f"| {s['cpu_seconds']} | {s['cpu_ms_per_text']} |" for lang, s in speeds.items()),
        "",
        *([f"Arabic neural tagger settings: `{json.dumps(neural_meta.get('settings', {}))}`; word embeddings "
           f"initialised from {neural_meta.get('word_vectors', 'the PPMI-SVD vectors of the CRF')}; its other inputs "
           "are the CRF's lexicons and clusters below, copied beside it.", ""] if neural else []),
        f"Arabic CRF settings: `{json.dumps(meta.get('config', {}))}`; lexicon sizes: "
        f"`{json.dumps(meta.get('lexicons', {}), ensure_ascii=False)}`; word clusters learnt on "
        f"{meta.get('cluster_vocab', 0)} words of `{meta.get('cluster_corpus', '-')}`.",
        "",
    ]
    body = "\n".join(lines)
    print(body)
    page.write(body, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
