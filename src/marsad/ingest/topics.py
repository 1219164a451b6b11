"""Topics of stored articles: fit the models on the store, keep topic ids stable, give articles their weights.

``fit(store)`` is ``marsad topics fit`` (and the demo's last step); ``assign_new(store, ids)`` is the after-batch
hook of ``marsad ingest`` and ``marsad topics assign``. The modelling is marsad.nlp.topics; reading and writing
is marsad.store.topics. This orchestration lives in ingest/ beside the enrichment step (ingest → nlp, store).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypedDict

from marsad.nlp.topics import (
    MAX_CHARS,
    MAX_FIT_DOCS,
    MIN_DOCS,
    TopicModel,
    fit_texts,
    load_models,
    match_topics,
    save_models,
)
from marsad.store import Store
from marsad.store import topics as store_topics

LOGGER = logging.getLogger(__name__)

# Articles transformed and written per transaction (bounded memory, short write locks).
ASSIGN_BATCH = 2_000


class FitReport(TypedDict):
    version: int
    languages: dict[str, dict[str, int]]  # language → topics, articles, kept_ids, new_ids, retired


def fit(store: Store, *, k: int | None = None) -> FitReport:
    """(Re)fit one model per language with enough articles, keep ids of matching old topics, assign every
    article. ``k`` topics per language (default: :func:`marsad.nlp.topics.default_k` of its size)."""
    path = store_topics.model_file(store)
    old_models, version = load_models(path)
    version += 1
    langs = store_topics.languages_to_fit(store, min_articles=MIN_DOCS)
    next_id = store_topics.next_topic_id(store)
    models: dict[str, TopicModel] = dict(old_models)
    report: FitReport = {"version": version, "languages": {}}
    for lang, n in langs:
        rows = store_topics.sample_texts(store, language=lang, limit=MAX_FIT_DOCS, max_chars=MAX_CHARS)
        LOGGER.info("topics[%s]: fitting on %s of %s articles", lang, len(rows), n)
        model = fit_texts([r[1] for r in rows], language=lang, k=k, sources=[r[2] for r in rows])
        old = old_models.get(lang)
        mapping = match_topics(old, model) if old else {}
        model.ids = []
        for t in range(model.k):
            if t in mapping:
                model.ids.append(old.ids[mapping[t]])  # type: ignore[union-attr]
            else:
                model.ids.append(next_id)
                next_id += 1
        retired = [i for i in (old.ids if old else []) if i not in model.ids]
        models[lang] = model
        store_topics.replace_topics(store, language=lang, version=version,
                                    topics=list(zip(model.ids, model.labels, model.terms, strict=True)))
        if retired:
            LOGGER.info("topics[%s]: %s old topics retired (kept inactive)", lang, len(retired))
        report["languages"][lang] = {
            "topics": model.k,
            "articles": int(n),
            "kept_ids": len(mapping),
            "new_ids": model.k - len(mapping),
            "retired": len(retired),
        }
    save_models(path, models, version=version)
    for lang in report["languages"]:
        _assign(store, models[lang], store_topics.texts_to_assign(store, language=lang, max_chars=MAX_CHARS,
                                                                  unassigned_only=False), replace=True)
    return report


def _assign(store: Store, model: TopicModel, rows: list[store_topics.TopicText], *, replace: bool) -> int:
    """Weigh ``rows``' texts under ``model`` and store the weights, a batch per transaction; articles done."""
    for i in range(0, len(rows), ASSIGN_BATCH):
        batch = rows[i : i + ASSIGN_BATCH]
        found = model.assignments([r[1] for r in batch])
        weights = [(r[0], topic, weight) for r, pairs in zip(batch, found, strict=True) for topic, weight in pairs]
        store_topics.write_article_topics(store, [r[0] for r in batch], weights, replace=replace)
    return len(rows)


def assign_new(store: Store, article_ids: Sequence[int] | None = None) -> int:
    """Ingest/enrich hook ``(store, article_ids)``: give articles without topic weights their weights under the
    saved models (ids stay those of the last fit). With ``article_ids=None``, every such article. Returns how
    many articles were assigned; 0 (and a log line) when no model was fitted yet (``marsad topics fit``)."""
    models, _ = load_models(store_topics.model_file(store))
    if not models:
        LOGGER.info("topics: no fitted model yet; run `marsad topics fit`")
        return 0
    if article_ids is not None and not article_ids:
        return 0
    done = 0
    for lang, model in models.items():
        rows = store_topics.texts_to_assign(store, language=lang, max_chars=MAX_CHARS, unassigned_only=True,
                                            ids=article_ids)
        done += _assign(store, model, rows, replace=False)
    return done
