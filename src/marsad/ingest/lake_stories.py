"""Stories of a lake (marsad.nlp.stories), computed on the machine that holds it: the lake's ``stories`` and
``article_stories`` tables, for ``marsad enrich --engine spark`` (which runs this on the driver once the other tables
are written) and ``marsad import-parquet`` (which brings them into the store).

Story assignment is incremental and order-dependent — each article joins the stories of the articles published
before it — so it does not split across executors. It runs here as ``marsad stories rebuild`` runs on a store: the
very code of marsad.ingest.stories and marsad.store.stories, over a scratch DuckDB file whose ``articles``,
``mentions``, ``entities`` and ``places`` are views of the lake's Parquet files (nothing is copied) and whose story
tables are the store's own (V4_STORIES). Every enriched article, in publication order, in chunks of
marsad.ingest.stories.CHUNK: the stories a store gets from ``marsad ingest --no-enrich`` then ``marsad enrich`` on the
same input, or from ``marsad stories rebuild``.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from marsad.ingest.stories import StoriesReport, assign_pending
from marsad.lake.export import copy_table
from marsad.lake.layout import TABLES, read_parquet_sql
from marsad.nlp.stories import DEFAULT_PARAMS, StoryParams
from marsad.store.db import Store
from marsad.store.schema import V4_STORIES

LOGGER = logging.getLogger(__name__)

# The lake tables story assignment reads (marsad.store.stories), seen under their store names.
READS = ("articles", "mentions", "entities", "places")
WRITES = ("stories", "article_stories")


def assign_lake_stories(lake: Path | str, *, params: StoryParams = DEFAULT_PARAMS) -> StoriesReport:
    """Assign every article of ``lake`` to a story and replace the lake's ``stories`` and ``article_stories``."""
    lake = Path(lake)
    with tempfile.TemporaryDirectory(prefix="marsad-lake-stories-") as scratch:
        store = Store(Path(scratch) / "stories.duckdb")
        with store.write() as con:
            for name in READS:
                con.execute(f"CREATE VIEW {TABLES[name].store_table} AS SELECT * FROM {read_parquet_sql(lake, name)}")
            con.execute(V4_STORIES)
        report = assign_pending(store, params=params)
        with store.read() as con:
            for name in WRITES:
                copy_table(con, lake, name)
    LOGGER.info("lake %s: %d articles in %d stories (%.1f s)", lake, report.articles, report.new_stories,
                report.seconds)
    return report
