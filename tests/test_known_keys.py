import dataclasses
from email.utils import parsedate_to_datetime

import pytest
from conftest import ANT_SAMPLE, read_records

from marsad.config import Settings
from marsad.ingest.known_keys import KnownKeys
from marsad.ingest.pipeline import Ingestor
from marsad.models import Article
from marsad.store import Store
from marsad.store.articles import count_articles


def _articles(n: int, start: int = 0) -> list[Article]:
    return [Article(body=r["text"], title=r["title"], url=r["url"], canonical_url=r["url"], source="ant-" + r["src"],
                    published_at=parsedate_to_datetime(r["time"]), origin=f"ant#{start + i}")
            for i, r in enumerate(read_records(ANT_SAMPLE, start + n)[start:])]


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "k.duckdb")


def _settings(store: Store, batch: int = 2) -> Settings:
    return dataclasses.replace(Settings.load(db_path=store.path), write_batch=batch)


def _ingest(store: Store, articles: list[Article]) -> Ingestor:
    with Ingestor(store, settings=_settings(store)) as ingestor:
        ingestor.add_all(articles)
    return ingestor


def _keys_now(store: Store, keys: KnownKeys) -> KnownKeys:
    with store.write() as con:
        keys.refresh(con)
    return keys


def test_reads_the_stored_keys_once_then_only_what_another_writer_added(store):
    first, later = _articles(3), _articles(2, start=3)
    _ingest(store, first)
    keys = _keys_now(store, KnownKeys())
    assert keys.urls == {a.canonical_url for a in first} and len(keys.hashes) == 3
    _ingest(store, later)  # another writer
    _keys_now(store, keys)
    assert keys.urls == {a.canonical_url for a in first + later} and len(keys.hashes) == 5


def test_what_this_process_wrote_is_not_read_back(store):
    _ingest(store, _articles(2))
    keys = _keys_now(store, KnownKeys())
    ingestor = _ingest(store, _articles(2, start=2))
    keys.wrote(ingestor.new_ids)
    assert len(_keys_now(store, keys).hashes) == 2


def test_articles_removed_from_the_store_are_forgotten(store):
    articles = _articles(4)
    _ingest(store, articles)
    keys = _keys_now(store, KnownKeys())
    with store.write() as con:
        con.execute("DELETE FROM article_bands")
        con.execute("DELETE FROM articles WHERE id <= 2")
    assert _keys_now(store, keys).urls == {a.canonical_url for a in articles[2:]}


def test_an_article_another_writer_stored_during_the_ingest_is_an_exact_duplicate(store):
    articles = _articles(5)
    with Ingestor(store, settings=_settings(store)) as ingestor:
        ingestor.add_all(articles[:2])  # one batch written: the keys are read
        _ingest(store, [articles[4]])  # meanwhile, another writer
        ingestor.add_all(articles[2:])
    assert ingestor.report.stored == 4 and ingestor.report.exact_duplicates == 1
    assert count_articles(store, include_duplicates=True) == 5
