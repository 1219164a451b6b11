"""Topics of stored articles: fit the models on the store, keep topic ids stable, give articles their weights.

``fit(store)`` is ``marsad topics fit`` (and the demo's last step); ``assign_new(store, ids)`` is the after-batch
hook of ``marsad ingest`` and ``marsad topics assign``. The modelling is marsad.nlp.topics; reading and writing
is marsad.store.topics. This orchestration lives in ingest/ beside the enrichment step (ingest → nlp, store).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypedDict

from marsad.nlp.topics import (
    MAX_CHARS,
    MAX_FIT_DOCS,
    MIN_DOCS,
    TopicModel,
    analyze,
    fit_terms,
    load_models,
    match_topics,
    save_models,
)
from marsad.store import Store
from marsad.store import topics as store_topics
from marsad.store.db import unwritable_error

LOGGER = logging.getLogger(__name__)

# Articles transformed and written per transaction by assign (bounded memory, short write locks).
ASSIGN_BATCH = 2_000


class FitReport(TypedDict):
    version: int
    languages: dict[str, dict[str, int]]  # language → topics, articles, kept_ids, new_ids, retired


def live_models(store: Store) -> tuple[dict[str, TopicModel], int]:
    """The saved models of the live fit and its version (({}, 0) before the first fit).

    A fit saves its models to a pending file, commits its topics and weights, then renames the file into place
    (see :func:`fit`). A kill between the commit and the rename leaves a pending file of the live version: it is
    published here. One of another version is a fit that never committed (or one committing right now, in
    another process): it is left alone and the current file is used. A store fitted before model files were named
    after the store's full file name has its file adopted (:func:`_adopt_legacy`)."""
    path, pending = store_topics.model_file(store), store_topics.pending_model_file(store)
    if pending.is_file():
        _, version = load_models(pending)
        if version == store_topics.fitted_version(store):
            LOGGER.info("topics: publishing the model file of fit %s (its writer was interrupted)", version)
            _publish(pending, path)
    if not path.is_file():
        return load_models(_adopt_legacy(store, path))
    return load_models(path)


def _adopt_legacy(store: Store, path: Path) -> Path:
    """The file to read the live fit from when ``path`` does not exist: ``path`` itself after copying to it a model
    file of the old naming (``news.topics.npz``) that is this store's live fit — the same version and the same
    active topics (ids and labels). The old name was shared by ``news.duckdb`` and ``news.db``: a file that is
    another store's fit is left alone, and the old file stays in place, since it may be that other store's to
    adopt. Where the copy cannot be written (a read-only folder), the old file is read where it is."""
    fitted = store_topics.fitted_version(store)
    for legacy in store_topics.legacy_model_files(store) if fitted else []:
        if not legacy.is_file():
            continue
        models, version = load_models(legacy)
        held = {lang: sorted(zip(m.ids, m.labels, strict=True)) for lang, m in models.items()}
        if version != fitted or held != store_topics.active_topics(store):
            continue
        tmp = path.with_name(path.name + ".copy")
        try:
            shutil.copyfile(legacy, tmp)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            LOGGER.warning("topics: cannot copy %s to %s (%s); reading it where it is", legacy.name, path.name, exc)
            return legacy
        LOGGER.info("topics: %s holds this store's fit %s; copied to %s", legacy.name, version, path.name)
        return path
    return path


def _publish(pending: Path, path: Path) -> None:
    try:
        pending.replace(path)
    except FileNotFoundError:  # another process published it first
        pass


def fit(store: Store, *, k: int | None = None) -> FitReport:
    """(Re)fit one model per language with enough articles, keep ids of matching old topics, assign every
    article. ``k`` topics per language (default: :func:`marsad.nlp.topics.default_k` of its size).

    Killed at any point, the store keeps the previous fit or holds this one whole (topics, every weight and the
    model file): the models go to a pending file, the topics and weights are one transaction, then the file is
    renamed into place (:func:`live_models` finishes that last step when a kill cut it short)."""
    old_models, version = live_models(store)
    version = max(version, store_topics.fitted_version(store)) + 1
    langs = store_topics.languages_to_fit(store, min_articles=MIN_DOCS)
    next_id = store_topics.next_topic_id(store)
    models: dict[str, TopicModel] = dict(old_models)
    report: FitReport = {"version": version, "languages": {}}
    analysed: dict[int, list[str]] = {}  # article id → its terms, analysed once for the fit and its assignment
    for lang, n in langs:
        rows = store_topics.sample_texts(store, language=lang, limit=MAX_FIT_DOCS, max_chars=MAX_CHARS)
        LOGGER.info("topics[%s]: fitting on %s of %s articles", lang, len(rows), n)
        docs_terms = [analyze(r[1]) for r in rows]
        analysed.update((r[0], terms) for r, terms in zip(rows, docs_terms, strict=True))
        model = fit_terms(docs_terms, [r[1] for r in rows], language=lang, k=k, sources=[r[2] for r in rows])
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
        if retired:
            LOGGER.info("topics[%s]: %s old topics retired (kept inactive)", lang, len(retired))
        report["languages"][lang] = {
            "topics": model.k,
            "articles": int(n),
            "kept_ids": len(mapping),
            "new_ids": model.k - len(mapping),
            "retired": len(retired),
        }
    if not report["languages"]:
        return report
    weights = [w for lang in report["languages"] for w in _weights(models[lang], store_topics.texts_to_assign(
        store, language=lang, max_chars=MAX_CHARS, unassigned_only=False), analysed)]
    path, pending = store_topics.model_file(store), store_topics.pending_model_file(store)
    try:
        save_models(pending, models, version=version)
    except OSError as exc:  # a full or read-only disk: one line, and the live fit stays as it was
        if (unwritable := unwritable_error(pending, exc)) is None:
            raise
        raise unwritable from exc
    store_topics.replace_fit(store, version=version, weights=weights, topics={
        lang: list(zip(models[lang].ids, models[lang].labels, models[lang].terms, strict=True))
        for lang in report["languages"]
    })
    _publish(pending, path)
    return report


def _weights(model: TopicModel, rows: list[store_topics.TopicText],
             analysed: Mapping[int, list[str]] | None = None) -> list[tuple[int, int, float]]:
    """``(article id, topic id, weight)`` of ``rows``' texts under ``model``, transformed a batch at a time.
    ``analysed``: terms of articles analysed already (the texts a fit just read); the others are analysed here."""
    analysed = analysed or {}
    out = []
    for i in range(0, len(rows), ASSIGN_BATCH):
        batch = rows[i : i + ASSIGN_BATCH]
        found = model.assignments_of_terms([analysed[r[0]] if r[0] in analysed else analyze(r[1]) for r in batch])
        out += [(r[0], topic, weight) for r, pairs in zip(batch, found, strict=True) for topic, weight in pairs]
    return out


def assign_new(store: Store, article_ids: Sequence[int] | None = None) -> int:
    """Ingest/enrich hook ``(store, article_ids)``: give articles without topic weights their weights under the
    live models (ids stay those of the last fit). With ``article_ids=None``, every such article. Returns how
    many articles were assigned; 0 (and a log line) when no model was fitted yet (``marsad topics fit``)."""
    models, version = live_models(store)
    if not models:
        LOGGER.info("topics: no fitted model yet; run `marsad topics fit`")
        return 0
    if article_ids is not None and not article_ids:
        return 0
    done = 0
    for lang, model in models.items():
        rows = store_topics.texts_to_assign(store, language=lang, max_chars=MAX_CHARS, unassigned_only=True,
                                            ids=article_ids)
        for i in range(0, len(rows), ASSIGN_BATCH):
            batch = rows[i : i + ASSIGN_BATCH]
            if not store_topics.write_article_topics(store, _weights(model, batch), model_version=version):
                LOGGER.warning("topics: the saved models (fit %s) are not the store's live fit (another fit went "
                               "live meanwhile?); %s articles left for the next `marsad topics assign`", version,
                               len(rows) - i)
                return done
            done += len(batch)
    return done
