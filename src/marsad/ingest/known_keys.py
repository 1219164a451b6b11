"""The exact-duplicate keys (content hash, canonical URL) of articles in the store that this ingest did not write.

Checking a batch against the store with a join scanned the whole ``articles`` table every batch (DuckDB does
not use the ART indexes for a join or an ``IN`` list): ~0.05 ms an article on a 10,000-article store, growing
with it. The keys are read once instead, then only those of articles added since by another writer (a
``marsad watch`` beside a ``marsad ingest``): ``articles.id`` only grows, so "added since" is "id above the
highest id seen". The ingest's own articles are not kept here (its ``seen`` sets hold them already). If the row
count shows that articles were removed (an emptied store), everything is read again.
"""

from __future__ import annotations

import logging

import duckdb

from marsad.store import articles as store_articles

LOGGER = logging.getLogger(__name__)


class KnownKeys:
    """Content hashes and canonical URLs of the stored articles this process did not write; call
    :meth:`refresh` at the start of each write transaction and :meth:`wrote` after each committed one."""

    def __init__(self) -> None:
        self.hashes: set[str] = set()
        self.urls: set[str] = set()
        self._high = 0  # highest article id accounted for (read here, or written by this process)
        self._count = 0  # articles accounted for
        self._loaded = False

    def refresh(self, con: duckdb.DuckDBPyConnection) -> None:
        """Bring the keys up to date with the store, inside the transaction about to use them."""
        high, count = store_articles.article_extent(con)
        if self._loaded and (high, count) == (self._high, self._count):
            return
        after = self._high if self._loaded else 0
        hashes, urls = store_articles.article_keys(con, after_id=after)
        if self._loaded and (high < self._high or self._count + len(hashes) != count):
            LOGGER.info("articles were removed from the store during the ingest: reading its keys again")
            self.hashes.clear()
            self.urls.clear()
            hashes, urls = store_articles.article_keys(con)
        self.hashes.update(hashes)
        self.urls.update(urls)
        self._high, self._count, self._loaded = high, count, True

    def wrote(self, ids: list[int]) -> None:
        """This process committed articles ``ids`` (ascending, above every id seen before)."""
        if ids:
            self._high = ids[-1]
            self._count += len(ids)
