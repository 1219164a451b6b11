"""Train the small neural Arabic NER tagger (character CNN + word embeddings + lexicon flags → BiLSTM → CRF).

    .venv/bin/python training/train_ar_ner_neural.py --heldout            # compare with the CRF on the same split
    .venv/bin/python training/train_ar_ner_neural.py --out data/models/ar_ner_neural   # train on all of ANERcorp

PyTorch is needed here only (the ``training`` extra); the weights are exported to numpy and tagged by
marsad.nlp.ner.neural, which the tests check against this module's forward pass.

- Inputs: marsad.nlp.ner.neural.encode, over the CRF's feature resources (lexicons, clusters; ``--resources``,
  default data/models/ar_ner), copied into the model directory. Word embeddings start from the CRF's PPMI-SVD
  vectors learnt on unlabeled Arabic news (ANT v2.1), or with ``--vectors`` from skip-gram vectors
  (training/ar_word2vec.py, both Arabic corpora); fine-tuned unless the setting ``freeze_words`` is true.
- Seen-name lexicons as the CRF has them (training/train_ar_ner.py): each block of the training sentences sees only
  the other blocks' names; the early-stopping dev slice and the test see the names of the sentences trained on.
- Early stopping on a dev slice of the *training* data: its last DEV_SHARE, cut at a story start
  (training/anercorp_split.py), never the held-out stories. One thread, fixed seeds.
- ``--heldout``: train on the head of the document-level split, score the held-out stories and AQMAR, and write
  the row to training/ar_ner_comparison.json. Without it: train on all of ANERcorp, score AQMAR, write the model.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "training"))

from anercorp_split import heldout_split, stories  # noqa: E402
from train_ar_ner import SEEN_FOLDS, contiguous_folds, seen_names  # noqa: E402

from marsad.nlp.ner.arabic_crf import CLUSTERS_FILE, LEXICON_DIR, VECTORS_FILE, Resources  # noqa: E402
from marsad.nlp.ner.conll import read_conll, read_conll_archive, score  # noqa: E402
from marsad.nlp.ner.neural import (  # noqa: E402
    CLUSTER_COLUMNS,
    FLAG_NAMES,
    META_FILE,
    UNKNOWN,
    VOCAB_FILE,
    WEIGHTS_FILE,
    Encoded,
    NeuralTagger,
    Vocab,
    corpus_memories,
    encode,
)

LOGGER = logging.getLogger("train_ar_ner_neural")
COMPARISON = REPO / "training" / "ar_ner_comparison.json"
DEV_SHARE = 0.1
SETTINGS = {
    "char_dims": 30, "char_filters": 50, "prefix_dims": 8, "cluster_dims": [16, 16, 4, 4], "hidden": 100,
    "dropout": 0.5, "word_dropout": 0.1, "lr": 2e-3, "batch": 32, "max_epochs": 20, "patience": 4,
    "min_word_count": 2, "seed": 13, "clip": 5.0, "freeze_words": False,
    # A fixed epoch count (the best epoch of an early-stopped run with the same settings): train that long on all
    # the data, without the dev slice, and keep the last epoch.
    "epochs": None,
}
# The word-embedding table is shipped as float16 (100k skip-gram words × 100 d: 20 MB instead of 40); models are
# scored with the rounded table, as they ship.
HALF_PRECISION = ("word_emb.weight",)


class CRF(nn.Module):
    """Linear-chain CRF over tag scores: transitions[i, j] scores tag i → tag j."""

    def __init__(self, tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(tags, tags))
        self.start = nn.Parameter(torch.zeros(tags))
        self.end = nn.Parameter(torch.zeros(tags))

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of ``tags`` (B, T) under ``emissions`` (B, T, K); mask (B, T) bool."""
        batch, steps, _ = emissions.shape
        rows = torch.arange(batch)
        gold = self.start[tags[:, 0]] + emissions[rows, 0, tags[:, 0]]
        alpha = self.start + emissions[:, 0]
        last = tags[:, 0]
        for t in range(1, steps):
            m = mask[:, t]
            step = self.transitions[tags[:, t - 1], tags[:, t]] + emissions[rows, t, tags[:, t]]
            gold = gold + step * m
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(m.unsqueeze(1), nxt, alpha)
            last = torch.where(m, tags[:, t], last)
        gold = gold + self.end[last]
        return (torch.logsumexp(alpha + self.end, dim=1) - gold).sum()

    def decode(self, emissions: torch.Tensor) -> list[int]:
        """Viterbi path of one sequence's emissions (T, K)."""
        score = self.start + emissions[0]
        back = []
        for t in range(1, len(emissions)):
            total = score.unsqueeze(1) + self.transitions
            best, idx = total.max(dim=0)
            back.append(idx)
            score = best + emissions[t]
        path = [int((score + self.end).argmax())]
        for idx in reversed(back):
            path.append(int(idx[path[-1]]))
        return path[::-1]


class Net(nn.Module):
    """The tagger; parameter names are the keys of weights.npz that marsad.nlp.ner.neural reads."""

    def __init__(self, vocab: Vocab, settings: dict, word_vectors: np.ndarray | None = None, word_dims: int = 50):
        super().__init__()
        dims = word_vectors.shape[1] if word_vectors is not None else word_dims
        self.word_emb = nn.Embedding(len(vocab.words) + 1, dims)
        if word_vectors is not None:
            with torch.no_grad():
                self.word_emb.weight.copy_(torch.from_numpy(word_vectors))
        # Frozen, unseen words keep the place their vectors have among the seen ones (fine-tuning moves only the
        # words of the training data away from the rest).
        self.word_emb.weight.requires_grad_(not settings.get("freeze_words", False))
        self.char_emb = nn.Embedding(len(vocab.chars) + 1, settings["char_dims"])
        self.char_conv = nn.Conv1d(settings["char_dims"], settings["char_filters"], 3, padding=1)
        self.prefix_emb = nn.Embedding(len(vocab.prefixes) + 1, settings["prefix_dims"])
        for k, size in enumerate(settings["cluster_dims"]):
            self.add_module(f"cluster_emb{k}", nn.Embedding(len(vocab.clusters[k]) + 1, size))
        inputs = (dims + settings["char_filters"] + settings["prefix_dims"] + sum(settings["cluster_dims"])
                  + len(FLAG_NAMES))
        self.dropout = nn.Dropout(settings["dropout"])
        self.lstm = nn.LSTM(inputs, settings["hidden"], batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * settings["hidden"], len(vocab.tags))
        self.crf = CRF(len(vocab.tags))

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        words = batch["words"]
        n_batch, steps = words.shape
        chars = batch["chars"].view(n_batch * steps, -1)
        char_len = batch["char_len"].view(-1)
        positions = torch.arange(chars.shape[1]).unsqueeze(0)
        inside = positions < char_len.unsqueeze(1)  # (N, L): real characters, not padding
        emb = self.char_emb(chars) * inside.unsqueeze(2)  # padding embeds as zeros, like the conv's own padding
        conv = self.char_conv(emb.transpose(1, 2)).transpose(1, 2)  # (N, L, filters)
        conv = conv.masked_fill(~inside.unsqueeze(2), float("-inf")).max(dim=1).values
        conv = conv.masked_fill(char_len.unsqueeze(1) == 0, 0.0).view(n_batch, steps, -1)  # padded tokens
        parts = [self.word_emb(words), conv, self.prefix_emb(batch["prefixes"])]
        parts += [getattr(self, f"cluster_emb{k}")(batch["clusters"][:, :, k]) for k in range(CLUSTER_COLUMNS)]
        parts.append(batch["flags"])
        x = self.dropout(torch.cat(parts, dim=2))
        packed = nn.utils.rnn.pack_padded_sequence(x, batch["lengths"], batch_first=True, enforce_sorted=False)
        hidden, _ = self.lstm(packed)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=steps)
        return self.out(self.dropout(hidden))


def to_batch(encoded: list[Encoded], word_dropout: float = 0.0, rng: random.Random | None = None) -> dict:
    """Padded tensors of a list of encoded sentences."""
    n, steps = len(encoded), max(len(e.words) for e in encoded)
    width = max(len(c) for e in encoded for c in e.chars)
    words = torch.zeros(n, steps, dtype=torch.long)
    chars = torch.zeros(n, steps, width, dtype=torch.long)
    char_len = torch.zeros(n, steps, dtype=torch.long)
    prefixes = torch.zeros(n, steps, dtype=torch.long)
    clusters = torch.zeros(n, steps, CLUSTER_COLUMNS, dtype=torch.long)
    flags = torch.zeros(n, steps, len(FLAG_NAMES))
    for b, e in enumerate(encoded):
        t = len(e.words)
        ids = torch.from_numpy(e.words)
        if word_dropout and rng is not None:
            ids = ids.clone()
            ids[torch.tensor([rng.random() < word_dropout for _ in range(t)])] = UNKNOWN
        words[b, :t] = ids
        for i, c in enumerate(e.chars):
            chars[b, i, : len(c)] = torch.tensor(c)
            char_len[b, i] = len(c)
        prefixes[b, :t] = torch.from_numpy(e.prefixes)
        clusters[b, :t] = torch.from_numpy(e.clusters)
        flags[b, :t] = torch.from_numpy(e.flags)
    return {"words": words, "chars": chars, "char_len": char_len, "prefixes": prefixes, "clusters": clusters,
            "flags": flags, "lengths": torch.tensor([len(e.words) for e in encoded])}


def export(net: Net) -> dict[str, np.ndarray]:
    """The weights as numpy arrays, named as marsad.nlp.ner.neural reads them (HALF_PRECISION ones as float16)."""
    return {name: value.detach().cpu().numpy().astype(np.float16 if name in HALF_PRECISION else np.float32)
            for name, value in net.state_dict().items()}


def pretrained_vectors(resources: Resources, resource_dir: Path, vectors_file: Path | None) -> tuple[list[str], np.ndarray]:
    """Words and their pretrained vectors: ``vectors_file`` (training/ar_word2vec.py's .npz), else the resources'
    cluster words and PPMI-SVD vectors."""
    if vectors_file is not None:
        with np.load(vectors_file) as data:
            return [str(w) for w in data["words"]], data["vectors"].astype(np.float32)
    words = list(resources.clusters)
    vectors_path = resource_dir / VECTORS_FILE
    vectors = np.load(vectors_path).astype(np.float32) if vectors_path.exists() else np.zeros((len(words), 50), np.float32)
    return words, vectors


def build_vocab(
    train, resources: Resources, resource_dir: Path, settings: dict, vectors_file: Path | None = None
) -> tuple[Vocab, np.ndarray]:
    """Vocabularies and the initial word-embedding matrix: the pretrained vector words (pretrained_vectors,
    rescaled) then training words seen at least ``min_word_count`` times (random rows)."""
    from collections import Counter

    from marsad.nlp.ner.arabic_crf import strip_clitics
    from marsad.text.normalize import normalize_arabic

    words, vectors = pretrained_vectors(resources, resource_dir, vectors_file)
    vectors *= 0.5 / max(float(vectors.std()), 1e-6)  # coordinates on the scale of a fresh embedding's
    known = set(words)
    counts = Counter(strip_clitics(t) for tokens, _ in train for t in tokens)
    extra = sorted(w for w, c in counts.items() if c >= settings["min_word_count"] and w not in known)
    words += extra
    rng = np.random.default_rng(settings["seed"])
    matrix = np.concatenate([np.zeros((1, vectors.shape[1]), np.float32), vectors,
                             rng.normal(0, 0.5, (len(extra), vectors.shape[1])).astype(np.float32)])
    chars = sorted({ch for tokens, _ in train for t in tokens for ch in normalize_arabic(t)})
    prefixes = sorted({n[: n.find(s)] for tokens, _ in train for t in tokens
                       if (n := normalize_arabic(t)) != (s := strip_clitics(t)) and s in n})
    columns = [sorted({ids[k] for ids in resources.clusters.values() if len(ids) > k}) for k in range(CLUSTER_COLUMNS)]
    tags = sorted({tag for _, ts in train for tag in ts}, key=lambda t: (t != "O", t[2:], t))
    vocab = Vocab.from_json({"words": words, "chars": chars, "prefixes": prefixes, "clusters": columns, "tags": tags})
    return vocab, matrix


def encode_corpus(sentences, resources: Resources, vocab: Vocab) -> list[Encoded]:
    cache: dict = {}
    tokens = [t for t, _ in sentences]
    memories = corpus_memories(tokens, resources)
    return [encode(t, resources, vocab, cache, m) for t, m in zip(tokens, memories, strict=True)]


def encode_training(sentences, resources: Resources, vocab: Vocab) -> list[Encoded]:
    """Training inputs with jackknifed seen-name lexicons (each block sees the other blocks' names)."""
    out = []
    for start, end in contiguous_folds(len(sentences), SEEN_FOLDS):
        others = sentences[:start] + sentences[end:]
        out.extend(encode_corpus(sentences[start:end], resources.with_lexicons(seen_names(others)), vocab))
    return out


def tagger_for(net: Net, vocab: Vocab, resources: Resources) -> NeuralTagger:
    return NeuralTagger(export(net), vocab, resources, {})


def tag_with(net: Net, vocab: Vocab, resources: Resources, sentences) -> list[list[str]]:
    return tagger_for(net, vocab, resources).tag_sentences([t for t, _ in sentences])


def fit(
    train, dev, resources: Resources, resource_dir: Path, settings: dict, vectors_file: Path | None = None
) -> tuple[Net, Vocab, dict]:
    """Train on ``train``, keep the epoch with the best micro-F1 on ``dev`` (dev tagged with train's names); with
    the setting ``epochs``, train that many epochs and keep the last (``dev`` unused, may be empty)."""
    torch.manual_seed(settings["seed"])
    rng = random.Random(settings["seed"])
    vocab, matrix = build_vocab(train, resources, resource_dir, settings, vectors_file)
    net = Net(vocab, settings, matrix)
    tag_index = {t: i for i, t in enumerate(vocab.tags)}
    encoded = encode_training(train, resources, vocab)
    gold = [torch.tensor([tag_index[t] for t in ts]) for _, ts in train]
    dev_resources = resources.with_lexicons(seen_names(train))
    optimizer = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=settings["lr"])
    best, best_state, best_epoch, history = -1.0, None, 0, []
    # Batches of sentences of similar length (the LSTM and CRF loops run to the longest one), in random order.
    by_length = sorted(range(len(encoded)), key=lambda i: len(encoded[i].words))
    batches = [by_length[k : k + settings["batch"]] for k in range(0, len(by_length), settings["batch"])]
    for epoch in range(1, (settings["epochs"] or settings["max_epochs"]) + 1):
        net.train()
        rng.shuffle(batches)
        start, total = time.process_time(), 0.0
        for idx in batches:
            batch = to_batch([encoded[i] for i in idx], settings["word_dropout"], rng)
            tags = nn.utils.rnn.pad_sequence([gold[i] for i in idx], batch_first=True)
            mask = torch.arange(tags.shape[1]).unsqueeze(0) < batch["lengths"].unsqueeze(1)
            loss = net.crf.nll(net.emissions(batch), tags, mask) / len(idx)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), settings["clip"])
            optimizer.step()
            total += loss.item() * len(idx)
        net.eval()
        f1 = score([t for _, t in dev], tag_with(net, vocab, dev_resources, dev))["micro_f1"] if dev else 0.0
        history.append({"epoch": epoch, "loss": round(total / len(encoded), 3), "dev_f1": round(f1, 4),
                        "cpu_s": round(time.process_time() - start, 1)})
        LOGGER.info("epoch %d: %s", epoch, history[-1])
        if f1 > best or settings["epochs"]:
            best, best_epoch = f1, epoch
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        elif epoch - best_epoch >= settings["patience"]:
            break
    net.load_state_dict(best_state)
    net.eval()
    return net, vocab, {"best_epoch": best_epoch, "dev_f1": best, "history": history}


def dev_cut(sentences) -> int:
    """Index of the first story start at or after (1 - DEV_SHARE) of ``sentences``: the dev slice's start."""
    wanted = round(len(sentences) * (1 - DEV_SHARE))
    return next((s for s, _ in stories(sentences) if s >= wanted), len(sentences))


def save(net: Net, vocab: Vocab, resource_dir: Path, out: Path, meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / WEIGHTS_FILE, **export(net))
    (out / VOCAB_FILE).write_text(json.dumps(vocab.to_json(), ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(out / LEXICON_DIR, ignore_errors=True)
    shutil.copytree(resource_dir / LEXICON_DIR, out / LEXICON_DIR)
    shutil.copyfile(resource_dir / CLUSTERS_FILE, out / CLUSTERS_FILE)
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def tagging_speed(tagger: NeuralTagger, sentences) -> int:
    """Sentences per CPU-second, from a cold memo (as a fresh process tags)."""
    tagger.clear_memo()
    start = time.process_time()
    tagger.tag_sentences([t for t, _ in sentences])
    return round(len(sentences) / max(time.process_time() - start, 1e-9))


def embeddings_name(vectors_file: Path | None) -> str:
    """What the word embeddings were initialised from, for the comparison row and meta.json."""
    if vectors_file is None:
        return "PPMI-SVD (the resources' vectors.npy)"
    with np.load(vectors_file) as data:
        made = json.loads(str(data["settings"])) if "settings" in data.files else {}
    return f"skip-gram ({vectors_file.name}: {json.dumps(made, ensure_ascii=False)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "models" / "ar_ner_neural")
    parser.add_argument("--resources", type=Path, default=REPO / "data" / "models" / "ar_ner",
                        help="the CRF model directory whose lexicons, clusters and vectors are the inputs")
    parser.add_argument("--train", type=Path, default=SHARED / "ner" / "anercorp_train80.txt.gz")
    parser.add_argument("--aqmar", type=Path, default=SHARED / "ner" / "aqmar_articles.tar.gz")
    parser.add_argument("--vectors", type=Path, help="pretrained word vectors (.npz of training/ar_word2vec.py) "
                        "instead of the resources' PPMI-SVD vectors")
    parser.add_argument("--heldout", action="store_true", help="train on the split's head and score its held-out part")
    parser.add_argument("--variant", default="neural", help="name of the comparison row (with --heldout)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=JSON", help="override SETTINGS entries")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    torch.set_num_threads(1)
    settings = dict(SETTINGS)
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = json.loads(value)

    resources = Resources.load(args.resources)
    for lexicon in ("seen_per", "seen_org", "seen_loc"):  # built from the data trained on, never from the CRF's
        resources.lexicons.pop(lexicon, None)
    resources = resources.with_lexicons({})
    resources.phrases = {k: [p for p in v if p[1] not in ("sper", "sorg", "sloc")] for k, v in resources.phrases.items()}
    resources.vectors = {}
    anercorp = read_conll(args.train)
    aqmar = read_conll_archive(args.aqmar)
    data = heldout_split(anercorp).train if args.heldout else anercorp
    cut = len(data) if settings["epochs"] else dev_cut(data)
    start = time.process_time()
    net, vocab, run = fit(data[:cut], data[cut:], resources, args.resources, settings, args.vectors)
    run["train_cpu_s"] = round(time.process_time() - start, 1)
    tagging = resources.with_lexicons(seen_names(data))
    tagger = tagger_for(net, vocab, tagging)
    run["aqmar"] = score([t for _, t in aqmar], tagger.tag_sentences([t for t, _ in aqmar]))
    LOGGER.info("AQMAR micro-F1 %.3f", run["aqmar"]["micro_f1"])
    if args.heldout:
        split = heldout_split(anercorp)
        result = score([t for _, t in split.test], tagger.tag_sentences([t for t, _ in split.test]))
        LOGGER.info("held-out micro-F1 %.3f (PER %.3f LOC %.3f ORG %.3f)", result["micro_f1"], result["PER"],
                    result["LOC"], result["ORG"])
        result["sentences_per_cpu_s"] = tagging_speed(tagger, split.test)
        result["aqmar_micro_f1"] = run["aqmar"]["micro_f1"]
        result["train_cpu_seconds"] = run["train_cpu_s"]
        result["best_epoch"] = run["best_epoch"]
        result["dev_f1"] = round(run["dev_f1"], 4) if cut < len(data) else None
        result["variant"] = args.variant
        trained_on = (f"the whole head for {settings['epochs']} epochs" if settings["epochs"]
                      else f"the head minus a {DEV_SHARE:.0%} dev slice")
        result["description"] = (f"neural: char-CNN + {embeddings_name(args.vectors)} word embeddings + "
                                 "lexicon/gazetteer/seen-name flags "
                                 f"-> BiLSTM-CRF, trained on {trained_on} "
                                 f"(training/train_ar_ner_neural.py); settings {json.dumps(settings)}; "
                                 "AQMAR: this held-out model, not one trained on all of ANERcorp")
        rows = json.loads(COMPARISON.read_text(encoding="utf-8"))
        rows["runs"] = [r for r in rows["runs"] if r.get("variant") != args.variant] + [result]
        COMPARISON.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    rows = json.loads(COMPARISON.read_text(encoding="utf-8"))["runs"]
    heldout = next((r for r in rows if r.get("variant") == args.variant), None)
    if heldout is not None:
        # The held-out figure of these settings: the --heldout run's row (a model trained on the split's head).
        heldout = dict(heldout, run=f"the --heldout run of training/train_ar_ner_neural.py (training/"
                                    f"ar_ner_comparison.json, variant {args.variant!r})")
    meta = {"name": "marsad_ar_ner_neural", "kind": "bilstm-crf-numpy", "settings": settings,
            "word_vectors": embeddings_name(args.vectors),
            **({"eval_heldout": heldout} if heldout else {}),
            "train_file": args.train.name, "train_sentences": cut, "dev_sentences": len(data) - cut,
            "resources_from": str(args.resources.relative_to(REPO)) if args.resources.is_relative_to(REPO) else "",
            "eval_aqmar": run["aqmar"], "training": {k: v for k, v in run.items() if k != "aqmar"}}
    save(net, vocab, args.resources, args.out, meta)
    for lexicon, names in seen_names(data).items():
        (args.out / LEXICON_DIR / f"{lexicon}.txt").write_text(
            f"# Generated by training/train_ar_ner_neural.py: names tagged in {args.train.name}.\n"
            + "\n".join(names) + "\n", encoding="utf-8")
    LOGGER.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
