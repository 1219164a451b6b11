"""Topic model: Arabic-aware TF-IDF → LSA → k-means clusters described by c-TF-IDF, per language; stable ids.

- Terms are the search keys of marsad.text.terms (normalised, Light10-style Arabic stem, English Snowball), so
  والحدود/بالحدود/الحدود are one term. Stopwords (yake's Arabic/English/French lists plus news function words
  below, passed through the same key function) and boilerplate are removed: a fixed list of agency/outlet
  signatures, terms in more than ``MAX_DF`` of the documents, and — when sources are known — terms concentrated
  in one outlet (its signature lines: "سكاي نيوز عربية – أبوظبي").
- Clustering: the sublinear TF-IDF rows are projected on ``LSA_DIMS`` latent dimensions (truncated SVD),
  normalised, and clustered with k-means (fixed seed, several inits): deterministic and fast. Each topic is
  described by c-TF-IDF (BERTopic's class-based TF-IDF: a term's frequency in the cluster × log(1 + average
  cluster size / the term's total frequency)), which gives its top terms. We chose this over NMF after measuring
  both on ANT v2.1 (docs/topics.md): NMF's dominant topic reached NMI 0.36–0.41 with the categories, LSA +
  k-means 0.45–0.49. Article weights are a softmax of the cosine similarity to each cluster centre
  (``TEMPERATURE``): near 1 for an article squarely in one topic, split for one between two.
  One model per language with enough articles (Arabic and English vocabularies do not overlap, so a joint
  model would just be two models glued together).
- Labels are words as readers see them: for each top stem, its most frequent surface form in the topic's
  top articles (الحدود rather than حدود).
- Ids are stable: ``fit`` maps each new topic to an old one of the same language by cosine similarity of their
  term vectors (Hungarian assignment); matched topics keep their id, the rest get new ids, unmatched old topics
  become inactive. Saved views that filter by topic id keep working.
- The fitted model (vocabulary, idf, projection, centres, term vectors, ids) is saved to a file (beside the store:
  marsad.store.topics.model_file) so new articles get weights in a new process (marsad.ingest.topics, the
  ingest/enrich hook). Reading articles and writing topics is marsad.ingest.topics' job, with marsad.store.topics.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from marsad.text.normalize import RAW_WORD, strip_diacritics
from marsad.text.terms import term_key

LOGGER = logging.getLogger(__name__)

# Below this many articles a language gets no model: clusters of a handful of texts are noise.
MIN_DOCS = 50
# A term in more than this share of documents is boilerplate or a function word, whatever the stoplist says.
MAX_DF = 0.3
# A term in fewer documents than this cannot characterise a topic (typos, one-off names).
MIN_DF = 5
# Vocabulary cap per language: enough for news topics, bounded memory at millions of articles.
MAX_FEATURES = 40_000
# Characters of title+body used per article: the lead carries the topic; tails are often boilerplate.
MAX_CHARS = 3_000
# Article weights below this (after normalising each article's weights to sum 1) are not stored: a row in
# article_topics means "substantially about this topic". The dominant topic is always kept.
MIN_WEIGHT = 0.2
# A refit topic inherits an old id when their term vectors' cosine similarity is at least this.
MATCH_MIN_SIMILARITY = 0.3
# Terms kept per topic (labels use the first LABEL_TERMS).
TOP_TERMS = 10
LABEL_TERMS = 3
# Articles fitted per language at most (a deterministic sample beyond): fit cost grows with it, topics do not.
MAX_FIT_DOCS = 60_000
# An outlet-signature term: in at least this share of one outlet's articles and (nearly) only there.
SIGNATURE_SOURCE_DF = 0.2
SIGNATURE_CONCENTRATION = 0.8
_SEED = 0
# Latent dimensions of the LSA projection: enough to separate news themes, small enough for fast k-means.
LSA_DIMS = 100
# k-means restarts (the best inertia wins): fewer gave noticeably different partitions between seeds.
KMEANS_INITS = 10
# Softmax temperature on cosine similarities: a 0.1 higher similarity to one centre is e² ≈ 7× the weight.
TEMPERATURE = 0.05
# Topics per language when not given: a newspaper's handful of broad sections. On ANT v2.1 (6 categories) the
# agreement with categories is best around 8–10 (NMI 0.45–0.50 over seeds at 9; 0.40 at 20); ask for more with --k.
DEFAULT_K = 9

# Function words and news-wire boilerplate beyond yake's lists (yake's Arabic list misses these; see
# ../shared/notes/stack-facts.md). Compared after term_key, so one form per word is enough.
_EXTRA_STOP = """
في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين كان كانت يكون تكون كانوا قد لقد لم لن لا ما ماذا
هل أو ثم بين بعد قبل خلال حول ضد عند منذ حتى كل بعض غير أي أن إن أنه إنه أنها إنها كما قال قالت يقول وأضاف أضاف
أكد أكدت أوضح أشار أشارت يتم تم طريق إطار وفق وفقا حيث إذ إذا لكن لكنه أيضا فقط عليه عليها فيه فيها منه منها له لها
لهم هو هي هم نحن أنا يوم اليوم أمس الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت عام العام سنة شهر أكثر أقل
جدا مثل نحو عدد عدة واحد واحدة يمكن ضمن لدى دون سوى عبر أمام وراء تحت فوق الماضي المقبل الجاري الحالي مساء صباح
أجل بشأن إثر جانب كذلك ذات وهو وهي وذلك بينما حين عندما لدى مدى أمر حال بسبب نفسه نفس آخر أخرى الأخرى يذكر ذكر
وقت مرة أول الأول الثاني ثاني ثلاثة أربعة خمسة مليون ألف مئة مائة نسبة بالمئة المئة وكالة وكالات المصدر مصادر
سكاي نيوز عربية العربية نت أبوظبي دبي برس فرانس رويترز أسوشيتد بي سي إن فرانس24 تويتر فيسبوك انستغرام يوتيوب
صورة صور فيديو أرشيفية تعبيرية متابعات
said say says reuter reuters also would could told mr mrs ms one two three year years inc corp co ltd
"""
# Outlet/agency names are boilerplate in every language; kept separately so the quality bench can report them.
BOILERPLATE = frozenset(
    term_key(w) for w in "سكاي نيوز عربية العربية.نت برس فرانس رويترز وكالات reuter reuters".split()
)


@cache
def stopword_keys() -> frozenset[str]:
    """Stopword keys (yake's ar/en/fr lists + _EXTRA_STOP), in the same key form as the vocabulary."""
    words = set(_EXTRA_STOP.split())
    try:
        import yake

        base = Path(yake.__file__).parent / "core" / "StopwordsList"
        for lang in ("ar", "en", "fr"):
            path = base / f"stopwords_{lang}.txt"
            if path.is_file():
                words.update(path.read_text(encoding="utf-8", errors="ignore").split())
    except ImportError:  # yake is a main dependency; without it the extra list still covers the worst
        LOGGER.warning("yake not installed: topic stoplists limited to the built-in list")
    return frozenset(k for w in words if (k := term_key(w)))


def analyze(text: str) -> list[str]:
    """Topic terms of one text: keys without stopwords, digits or single letters."""
    stop = stopword_keys()
    out = []
    for word in RAW_WORD.findall(text[:MAX_CHARS]):
        key = term_key(word)
        if len(key) > 1 and not key.isdigit() and key not in stop:
            out.append(key)
    return out


@dataclass
class TopicModel:
    """A fitted model for one language: vocabulary and idf, LSA projection (dims × terms), cluster centres
    (topics × dims), c-TF-IDF term vectors (topics × terms), and the stable ids and labels of its topics."""

    language: str
    vocabulary: list[str]
    idf: np.ndarray
    components: np.ndarray
    projection: np.ndarray | None = None
    centroids: np.ndarray | None = None
    ids: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    terms: list[list[str]] = field(default_factory=list)

    @property
    def k(self) -> int:
        return self.components.shape[0]

    def tfidf(self, texts: Sequence[str]):
        return self.tfidf_of_terms([analyze(t) for t in texts])

    def tfidf_of_terms(self, docs_terms: Sequence[Sequence[str]]):
        """TF-IDF rows of texts already analysed (:func:`analyze`), as in fitting."""
        from scipy import sparse

        index = {t: i for i, t in enumerate(self.vocabulary)}
        rows, cols, vals = [], [], []
        for r, terms in enumerate(docs_terms):
            counts = Counter(index[t] for t in terms if t in index)
            for c, n in counts.items():
                rows.append(r)
                cols.append(c)
                vals.append(1.0 + np.log(n))  # sublinear tf, as in fitting
        x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs_terms), len(self.vocabulary)), dtype=np.float64)
        x = x.multiply(self.idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ x

    def weights_of(self, x) -> np.ndarray:
        """Topic weights of TF-IDF rows ``x`` (rows sum to 1; all-zero for an empty row)."""
        z = np.asarray(x @ self.projection.T)
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        empty = norms.ravel() == 0
        z = z / np.where(norms == 0, 1.0, norms)
        sims = z @ self.centroids.T
        e = np.exp((sims - sims.max(axis=1, keepdims=True)) / TEMPERATURE)
        w = e / e.sum(axis=1, keepdims=True)
        w[empty] = 0.0
        return w

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Topic weights per text (rows sum to 1; all-zero when no known term occurs)."""
        if not texts:
            return np.zeros((0, self.k))
        return self.weights_of(self.tfidf(texts))

    def assignments(self, texts: Sequence[str]) -> list[list[tuple[int, float]]]:
        """Per text, the ``(topic id, weight)`` pairs worth storing: weights of at least ``MIN_WEIGHT``, or the
        dominant topic alone when none reaches it; nothing for a text with no known term."""
        return self.assignments_of_terms([analyze(t) for t in texts])

    def assignments_of_terms(self, docs_terms: Sequence[Sequence[str]]) -> list[list[tuple[int, float]]]:
        """:meth:`assignments` of texts already analysed (:func:`analyze`): a fit reuses its own analysis."""
        if not docs_terms:
            return []
        out: list[list[tuple[int, float]]] = []
        for weights in self.weights_of(self.tfidf_of_terms(docs_terms)):
            if not weights.any():
                out.append([])
                continue
            keep = np.flatnonzero(weights >= MIN_WEIGHT)
            if keep.size == 0:
                keep = np.array([int(weights.argmax())])
            out.append([(int(self.ids[j]), float(round(weights[j], 4))) for j in keep])
        return out

    def top_term_keys(self, n: int = TOP_TERMS) -> list[list[str]]:
        """Each topic's ``n`` strongest terms among those it weighs more than any other topic does: a term
        shared by two topics describes the one it belongs to most, so labels tell topics apart."""
        owner = self.components.argmax(axis=0)
        out = []
        for c, row in enumerate(self.components):
            order = [j for j in np.argsort(-row) if owner[j] == c and row[j] > 0]
            out.append([self.vocabulary[j] for j in order[:n]])
        return out


def _signature_terms(docs_terms: Sequence[Sequence[str]], sources: Sequence[str]) -> set[str]:
    """Terms that are one outlet's signature (see SIGNATURE_*), e.g. its dateline or credit line."""
    per_source: dict[str, Counter] = {}
    n_source = Counter(sources)
    if len(n_source) < 2:
        return set()
    total: Counter = Counter()
    for terms, src in zip(docs_terms, sources, strict=True):
        uniq = set(terms)
        per_source.setdefault(src, Counter()).update(uniq)
        total.update(uniq)
    found = set()
    n_docs = len(docs_terms)
    for src, counts in per_source.items():
        if n_source[src] / n_docs > 0.5:  # a dominant outlet's words are the corpus's words
            continue
        for term, df in counts.items():
            if df >= SIGNATURE_SOURCE_DF * n_source[src] and df >= SIGNATURE_CONCENTRATION * total[term]:
                found.add(term)
    return found


def default_k(n_docs: int) -> int:
    """Topics for a corpus of ``n_docs``: DEFAULT_K, fewer for small corpora (at least ~25 articles a topic)."""
    return max(2, min(DEFAULT_K, n_docs // 25))


def c_tf_idf(counts, labels: np.ndarray, k: int) -> np.ndarray:
    """Class-based TF-IDF (Grootendorst 2022): per cluster, term frequency × log(1 + A / term total), where A is
    the average number of terms per cluster. Rows are L1-normalised term frequencies first."""
    from scipy import sparse

    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    tf = np.asarray((member @ counts).todense(), dtype=np.float64)
    avg = tf.sum() / k
    idf = np.log(1.0 + avg / np.maximum(tf.sum(axis=0), 1.0))
    tf = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1.0)
    return tf * idf[None, :]


def fit_texts(
    texts: Sequence[str], *, language: str, k: int | None = None, sources: Sequence[str] | None = None
) -> TopicModel:
    """Fit a model on ``texts`` (ids are filled by the caller; labels and terms here)."""
    return fit_terms([analyze(t) for t in texts], texts, language=language, k=k, sources=sources)


def fit_terms(
    docs_terms: Sequence[Sequence[str]], texts: Sequence[str], *, language: str, k: int | None = None,
    sources: Sequence[str] | None = None,
) -> TopicModel:
    """:func:`fit_texts` on texts already analysed: ``docs_terms[i]`` is ``analyze(texts[i])`` (the texts give the
    labels their surface forms). A caller that assigns the same texts afterwards keeps the analysis for
    :meth:`TopicModel.assignments_of_terms` instead of analysing every text twice."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.preprocessing import normalize

    if len(docs_terms) != len(texts):
        raise ValueError(f"{len(docs_terms)} analysed texts for {len(texts)} texts")
    banned = set(BOILERPLATE)
    if sources is not None:
        sig = _signature_terms(docs_terms, sources)
        LOGGER.info("topics[%s]: %s outlet-signature terms excluded", language, len(sig))
        banned |= sig

    def keep(terms: Sequence[str]) -> list[str]:
        return [t for t in terms if t not in banned]

    vec = TfidfVectorizer(
        analyzer=keep,
        min_df=min(MIN_DF, max(1, len(texts) // 20)),
        max_df=MAX_DF,
        max_features=MAX_FEATURES,
        sublinear_tf=True,
        dtype=np.float64,
    )
    x = vec.fit_transform(docs_terms)
    vocab = vec.get_feature_names_out().tolist()
    k = k or default_k(len(texts))
    k = max(1, min(k, x.shape[0] - 1))
    dims = max(1, min(LSA_DIMS, x.shape[1] - 1, x.shape[0] - 1))
    svd = TruncatedSVD(dims, random_state=_SEED)
    z = normalize(svd.fit_transform(x))
    km = KMeans(k, n_init=KMEANS_INITS, random_state=_SEED).fit(z)
    counts = CountVectorizer(analyzer=keep, vocabulary=vocab).transform(docs_terms)
    model = TopicModel(
        language=language,
        vocabulary=vocab,
        idf=vec.idf_.copy(),
        components=c_tf_idf(counts, km.labels_, k),
        projection=svd.components_.astype(np.float32),
        centroids=normalize(km.cluster_centers_),
    )
    label_model(model, texts, weights=model.weights_of(x))
    return model


def label_model(model: TopicModel, texts: Sequence[str], *, weights: np.ndarray) -> None:
    """Readable labels/terms: each top stem shown in its most frequent surface form in the topic's top texts."""
    model.terms, model.labels = [], []
    top_keys = model.top_term_keys()
    for t, keys in enumerate(top_keys):
        wanted = set(keys)
        surfaces: dict[str, Counter] = {k: Counter() for k in keys}
        for i in np.argsort(-weights[:, t])[:200]:
            for word in RAW_WORD.findall(texts[i][:MAX_CHARS]):
                key = term_key(word)
                if key in wanted:
                    surfaces[key][strip_diacritics(word)] += 1
        shown = [surfaces[k].most_common(1)[0][0] if surfaces[k] else k for k in keys]
        model.terms.append(shown)
        model.labels.append(" · ".join(shown[:LABEL_TERMS]))


# -- persistence --------------------------------------------------------------------------------------
def save_models(path: Path, models: dict[str, TopicModel], *, version: int) -> None:
    """Write ``models`` to ``path`` whole or not at all: through a temp file beside it, renamed into place."""
    arrays: dict[str, np.ndarray] = {}
    meta = {"version": version, "languages": {}}
    for lang, m in models.items():
        arrays[f"{lang}__idf"] = m.idf
        arrays[f"{lang}__components"] = m.components
        arrays[f"{lang}__projection"] = m.projection
        arrays[f"{lang}__centroids"] = m.centroids
        arrays[f"{lang}__vocabulary"] = np.array(m.vocabulary, dtype=str)
        meta["languages"][lang] = {"ids": m.ids, "labels": m.labels, "terms": m.terms}
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    tmp = path.with_suffix(".tmp.npz")
    try:
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)
    except BaseException:
        # A full disk (or Ctrl-C) leaves a partial temp file of up to the model's size beside the store: remove
        # it; the caller reports the failure and the file at ``path`` stays as it was.
        tmp.unlink(missing_ok=True)
        raise


def load_models(path: Path) -> tuple[dict[str, TopicModel], int]:
    """Models saved by :func:`save_models` and their version; ({}, 0) when none was fitted yet."""
    if not path.is_file():
        return {}, 0
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        models = {}
        for lang, info in meta["languages"].items():
            models[lang] = TopicModel(
                language=lang,
                vocabulary=z[f"{lang}__vocabulary"].tolist(),
                idf=z[f"{lang}__idf"],
                components=z[f"{lang}__components"],
                projection=z[f"{lang}__projection"],
                centroids=z[f"{lang}__centroids"],
                ids=info["ids"],
                labels=info["labels"],
                terms=info["terms"],
            )
    return models, int(meta["version"])


def match_topics(old: TopicModel, new: TopicModel) -> dict[int, int]:
    """new topic index → old topic index, by Hungarian assignment on term-vector cosine (≥ MATCH_MIN_SIMILARITY)."""
    from scipy.optimize import linear_sum_assignment

    vocab = {t: i for i, t in enumerate(dict.fromkeys(old.vocabulary + new.vocabulary))}

    def dense(m: TopicModel) -> np.ndarray:
        out = np.zeros((m.k, len(vocab)))
        out[:, [vocab[t] for t in m.vocabulary]] = m.components
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    sim = dense(new) @ dense(old).T
    rows, cols = linear_sum_assignment(-sim)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if sim[r, c] >= MATCH_MIN_SIMILARITY}
