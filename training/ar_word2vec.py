"""Skip-gram word vectors of Arabic clitic-free word forms, learnt on the unlabeled news of ../shared/corpora.

    .venv/bin/python training/ar_word2vec.py --out build/ar_word2vec.npz     # ~10 CPU-min on ~12M tokens

The neural NER tagger (training/train_ar_ner_neural.py --vectors) starts its word embeddings from these. Tokens are
the tagger's own: arabic_crf.tokenize, then arabic_crf.strip_clitics (the form the tagger looks its embedding up
by), so that "وبغداد" and "بغداد" share one vector. Each title, abstract and body is one sentence for word2vec
(its window never crosses from one text into the next).

gensim (LGPL-2.1) is a training-only dependency, like torch (the ``training`` extra): the output is a plain .npz
(``words``: the forms by frequency, ``vectors``: float32 rows), and nothing at run time imports gensim.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = (SHARED / "corpora" / "ant_v2.1_multisource.jsonl.gz", SHARED / "corpora" / "ant_v1.1_jawharafm.jsonl.gz")
TEXT_FIELDS = ("title", "abstract", "text")
# Skip-gram with negative sampling: it models rare words (most names) better than CBOW. 100 dimensions is the
# usual size for ~10M tokens; forms seen fewer than MIN_COUNT times get no vector (their vectors would be noise,
# and the character CNN covers them).
SETTINGS = {"vector_size": 100, "window": 5, "min_count": 3, "sg": 1, "negative": 5, "epochs": 5, "sample": 1e-4,
            "seed": 1}
MAX_WORDS = 100_000  # most frequent forms kept in the output (the tagger's embedding table grows with it)

LOGGER = logging.getLogger("ar_word2vec")


def corpus_sentences(paths: Sequence[Path], limit: int | None = None) -> list[list[str]]:
    """Clitic-free forms of every text field of the JSONL.gz ``paths`` (``limit``: records per file)."""
    from marsad.nlp.ner.arabic_crf import strip_clitics, tokenize

    forms: dict[str, str] = {}  # raw token → form; news repeats its words, strip_clitics is the costly part
    out: list[list[str]] = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if limit is not None and n >= limit:
                    break
                record = json.loads(line)
                for field in TEXT_FIELDS:
                    text = record.get(field) or ""
                    tokens = []
                    for s, e in tokenize(text):
                        raw = text[s:e]
                        form = forms.get(raw)
                        if form is None:
                            form = forms[raw] = strip_clitics(raw) or raw
                        tokens.append(form)
                    if tokens:
                        out.append(tokens)
    return out


def train(sentences: list[list[str]], settings: dict) -> tuple[list[str], np.ndarray]:
    """Word2vec over ``sentences`` on one worker; returns the forms by frequency and their vectors."""
    from gensim.models import Word2Vec

    model = Word2Vec(sentences=sentences, workers=1, **settings)
    words = list(model.wv.index_to_key)  # gensim sorts by descending frequency
    return words, np.asarray(model.wv.vectors, dtype=np.float32)


def iter_neighbours(words: list[str], vectors: np.ndarray, probes: Sequence[str], k: int = 5) -> Iterator[str]:
    """Lines naming each probe's nearest neighbours: a quick look that the vectors mean something."""
    index = {w: i for i, w in enumerate(words)}
    unit = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
    for probe in probes:
        if probe in index:
            sims = unit @ unit[index[probe]]
            best = [words[i] for i in np.argsort(-sims)[1 : k + 1]]
            yield f"{probe}: {' '.join(best)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "ar_word2vec.npz")
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(CORPORA))
    parser.add_argument("--limit", type=int, default=None, help="records per corpus file (for a quick try)")
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=JSON", help="override SETTINGS entries")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    settings = dict(SETTINGS)
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = json.loads(value)
    start = time.process_time()
    sentences = corpus_sentences(args.corpus, args.limit)
    LOGGER.info("%d texts, %d tokens read in %.0f CPU-s", len(sentences), sum(map(len, sentences)),
                time.process_time() - start)
    words, vectors = train(sentences, settings)
    words, vectors = words[: args.max_words], vectors[: args.max_words]
    LOGGER.info("%d word vectors of %d dimensions, %.0f CPU-s in all", len(words), vectors.shape[1],
                time.process_time() - start)
    for line in iter_neighbours(words, vectors, ("بغداد", "المالكي", "محمد", "وزارة", "برشلونة")):
        LOGGER.info("neighbours %s", line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, words=np.array(words), vectors=vectors,
                        settings=np.array(json.dumps({**settings, "corpus": [p.name for p in args.corpus]})))
    LOGGER.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())
