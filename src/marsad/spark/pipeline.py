"""``marsad enrich --engine spark``: raw inputs → the Parquet lake, on Spark, with the embedded path's code.

What runs where (docs/scale.md):

1. The driver lists the input files (marsad.ingest.readers.folder_files: the order ``marsad ingest`` reads them).
2. Executors read them, one task per file (:func:`marsad.spark.tasks.read_files`: readers, body cut, language,
   content hash, MinHash fingerprint); a large Parquet file, one task per share of its row groups (:func:`read_tasks`).
3. Exact duplicates (same normalised-text hash, or same canonical URL) keep their first occurrence in reading
   order, as the ingest loop does. Article ids number the rest 1, 2, … in reading order: a lake written from the
   same input as an embedded ingest into an empty store has the same ids, and a re-run the same lake.
4. Near-duplicates across the whole input: LSH band keys exploded and self-joined in Spark give candidate pairs
   (later, earlier); executors verify them with dedup's own test (:func:`marsad.spark.tasks.verify_pairs`). An
   article is a copy of its earliest verified candidate and joins that one's cluster; the verified pairs (one per
   near-duplicate) go to the driver, which follows them to each cluster's first article — the ingest loop's
   "original" — and ships the result back as a broadcast join.
5. Topic model: the one given (``topics_model``: a store's ``*.topics.npz``, so the lake's topic ids are that
   store's), else one fitted on the driver per language over the originals (up to nlp.topics.MAX_FIT_DOCS by id,
   languages with nlp.topics.MIN_DOCS or more), as ``marsad topics fit`` does on a store. Either file is shipped to
   the executors (SparkContext.addFile), loaded once per worker process, and kept in the lake (``_models/``) for
   ``marsad import-parquet``.
6. Executors enrich the articles (:func:`marsad.spark.tasks.enrich_rows`) in ``mapInPandas`` over partitions.
7. Entity, source and topic ids are numbered in order of first appearance (the embedded path's order); every lake
   table is replaced whole (marsad.spark.lake_io), so re-running over the same input is idempotent.
8. Stories, once the other tables are written: on the driver, over the lake's files (marsad.ingest.lake_stories:
   story assignment is incremental in publication order, the embedded path's own code).

One difference from the sequential loop remains, on purpose: an article whose hash matches one earlier article
and whose canonical URL matches another is dropped here, and kept by the loop only when that second one had itself
been dropped. Duplicates of duplicates under two different keys are rare; the loop's answer depends on the order.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.ingest.enrich import BATCH_SIZE
from marsad.ingest.lake_stories import assign_lake_stories
from marsad.lake.layout import MONTH, UNDATED
from marsad.nlp.pipeline import PIPELINE_VERSION
from marsad.nlp.topics import MAX_FIT_DOCS, MIN_DOCS, TopicModel, fit_texts, load_models, save_models
from marsad.spark import tasks
from marsad.spark.frames import local_frame, task_frame
from marsad.spark.jobs import StepJobs
from marsad.spark.lake_io import spark_schema, write_table

LOGGER = logging.getLogger(__name__)

MODELS_DIR = "_models"  # in the lake; underscore-prefixed folders are not tables to Spark's readers
TOPICS_FILE = "topics.npz"
# A Parquet input larger than this is read by several tasks, a share of its row groups each (uncompressed bytes).
PARQUET_SHARE_BYTES = 128 * 1024 * 1024
# Partitions per core for the enrichment stage: several per core evens out slow partitions.
ENRICH_PARTITIONS_PER_CORE = 2


@dataclass
class SparkEnrichReport:
    read: int = 0
    stored: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    undated: int = 0
    cut: int = 0
    rejected: int = 0
    rejects: list[str] = field(default_factory=list)
    enriched: int = 0
    failed: int = 0
    mentions: int = 0
    entities: int = 0
    keywords: int = 0
    topics: int = 0
    stories: int = 0
    topic_model: str = ""  # where the topic model came from
    seconds: float = 0.0
    jobs: int = 0  # Spark jobs the run started (marsad.spark.jobs)
    stages: int = 0  # their stages that ran
    steps: dict[str, dict[str, int]] = field(default_factory=dict)  # jobs and stages per step

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["articles_per_second"] = round(self.read / self.seconds, 1) if self.seconds else 0.0
        return out


def input_files(inputs: Sequence[Path | str]) -> tuple[list[Path], list[str]]:
    """The files to read, in ``marsad ingest``'s order, and a reject line per input that has none."""
    from marsad.ingest.readers import folder_files

    files: list[Path] = []
    rejects: list[str] = []
    for raw in inputs:
        path = Path(raw)
        if str(raw).startswith(("http://", "https://")):
            raise MarsadError(f"{raw}: the Spark engine reads files and folders; fetch feeds with `marsad ingest`")
        if path.is_dir():
            found = folder_files(path)
            files += found
            if not found:
                rejects.append(f"{path}: folder without files")
        elif path.is_file():
            files.append(path)
        else:
            rejects.append(f"{path}: no such file or directory")
    return files, rejects


def read_tasks(files: Sequence[Path], *, settings: Settings, fmt: str = "auto",
               share_bytes: int | None = None) -> list[tuple[int, str, list[int] | None, int]]:
    """Spark's read tasks ``(file_idx, path, row_groups, first_rec)``: one per file (``row_groups`` None), except
    a Parquet file whose row groups hold more than ``share_bytes`` (uncompressed, from its footer; default
    :data:`PARQUET_SHARE_BYTES`) and that is within max_file_bytes: one task per share of its row groups
    (readers.parquet.row_group_shares) — its rows keep their file-wide numbers and reading order."""
    from marsad.ingest.readers.parquet import row_group_shares
    from marsad.ingest.readers.sniff import PARQUET_MAGIC

    share_bytes = PARQUET_SHARE_BYTES if share_bytes is None else share_bytes
    work: list[tuple[int, str, list[int] | None, int]] = []
    for file_idx, path in enumerate(files):
        shares = []
        if fmt in ("auto", "parquet") and path.stat().st_size <= settings.max_file_bytes:
            with path.open("rb") as head:
                if head.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC:
                    shares = row_group_shares(path, share_bytes)
        if len(shares) > 1:
            work += [(file_idx, str(path), groups, first) for groups, first in shares]
        else:
            work.append((file_idx, str(path), None, 0))
    return work


def _first_of(df, key: str, order: Sequence[str]):
    """Rows of ``df`` that come first (by ``order``) among those sharing ``key``; rows with a NULL key all stay."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rank = F.row_number().over(Window.partitionBy(key).orderBy(*order))
    return df.withColumn("_rank", F.when(F.col(key).isNull(), 1).otherwise(rank)).filter("_rank = 1").drop("_rank")


def _number(spark, df, order: Sequence[str], counts: Sequence[tuple[int, int]]):
    """``df`` with ``id`` = 1, 2, … in ``order`` within each file, offset by the files before it; ``counts`` are
    ``df``'s rows per file, ``(file_idx, rows)``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    offsets, total = [], 0
    for file_idx, n in sorted(counts):
        offsets.append((file_idx, total))
        total += n
    offsets_df = local_frame(spark, offsets, "file_idx INT, offset BIGINT")
    within = F.row_number().over(Window.partitionBy("file_idx").orderBy(*order))
    return df.join(F.broadcast(offsets_df), "file_idx").withColumn("id", F.col("offset") + within).drop("offset")


def cluster_roots(first_candidate: dict[int, int]) -> dict[int, int]:
    """Each near-duplicate's cluster root, from its earliest verified earlier article: that article's own root
    when it is a copy itself, else that article (ids ascending, so a candidate's root is known first)."""
    roots: dict[int, int] = {}
    for article_id in sorted(first_candidate):
        candidate = first_candidate[article_id]
        roots[article_id] = roots.get(candidate, candidate)
    return roots


def _near_duplicates(spark, articles) -> dict[int, int]:
    from pyspark.sql import functions as F

    bands = articles.select("id", F.posexplode("bands").alias("band", "key"))
    a, b = bands.alias("a"), bands.alias("b")
    pairs = (a.join(b, (F.col("a.band") == F.col("b.band")) & (F.col("a.key") == F.col("b.key"))
                    & (F.col("a.id") > F.col("b.id")))
             .select(F.col("a.id").alias("id"), F.col("b.id").alias("candidate")).distinct())
    prints = articles.select("id", "shingles", "title")
    earlier = prints.select(F.col("id").alias("candidate"), F.col("shingles").alias("c_shingles"),
                            F.col("title").alias("c_title"))
    verified = (pairs.join(prints, "id").join(earlier, "candidate")
                .select("id", "candidate", "shingles", "title", "c_shingles", "c_title")
                .mapInPandas(tasks.verify_pairs, tasks.PAIR_SCHEMA))
    first = verified.groupBy("id").agg(F.min("candidate").alias("candidate")).collect()
    return cluster_roots({int(r["id"]): int(r["candidate"]) for r in first})


def _fit_topics(articles, path: Path) -> int:
    """Fit one topic model per language with enough originals on the driver (as ``marsad topics fit`` does on a
    store: ids 1, 2, … by language, largest first) and save them to ``path``; topics fitted."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    # One collect for every language (the originals per language, and each one's first MAX_FIT_DOCS by id) rather
    # than a count, then a sort and a collect per language.
    by_lang = Window.partitionBy("language")
    originals = (articles.filter(F.col("duplicate_of").isNull() & F.col("language").isNotNull())
                 .withColumn("_n", F.count("*").over(by_lang))
                 .withColumn("_rank", F.row_number().over(by_lang.orderBy("id")))
                 .filter((F.col("_n") >= MIN_DOCS) & (F.col("_rank") <= MAX_FIT_DOCS))
                 .select("language", "_n", "id", "title", "lead", "body", "source_id").collect())
    fit_rows: dict[str, list] = {}
    for r in sorted(originals, key=lambda r: (-r["_n"], r["language"], r["id"])):
        fit_rows.setdefault(r["language"], []).append(r)
    models: dict[str, TopicModel] = {}
    next_id = 1
    for lang, rows in fit_rows.items():
        model = fit_texts([tasks.topic_text(r["title"], r["lead"], r["body"]) for r in rows], language=lang,
                          sources=["" if r["source_id"] is None else str(r["source_id"]) for r in rows])
        model.ids = list(range(next_id, next_id + model.k))
        next_id += model.k
        models[lang] = model
    path.parent.mkdir(parents=True, exist_ok=True)
    save_models(path, models, version=1)
    return next_id - 1


def enrich_to_lake(spark, inputs: Sequence[Path | str], lake: Path | str, *, settings: Settings, fmt: str = "auto",
                   mapping: dict[str, str] | None = None, source: str | None = None,
                   topics_model: Path | str | None = None) -> SparkEnrichReport:
    """Read ``inputs`` (files, folders), deduplicate, enrich and give topics on ``spark``; write the lake at ``lake``
    (every table replaced). See the module docstring. The report counts the Spark jobs and stages of each step
    (marsad.spark.jobs): each job costs the driver's JVM planning time, so the steps start as few as they can."""
    from pyspark import SparkFiles, StorageLevel
    from pyspark.sql import functions as F

    started = time.perf_counter()
    ingested_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    lake = Path(lake)
    report = SparkEnrichReport()
    jobs = StepJobs(spark)
    files, report.rejects = input_files(inputs)
    cores = spark.sparkContext.defaultParallelism
    if files:
        work = read_tasks(files, settings=settings, fmt=fmt)
        paths = task_frame(spark, work, "file_idx INT, path STRING, row_groups ARRAY<INT>, first_rec INT",
                           min(len(work), 4 * cores))
        reader = functools.partial(tasks.read_files, settings=settings, fmt=fmt, mapping=mapping, source=source)
        read = paths.mapInPandas(reader, tasks.READ_SCHEMA)
    else:
        read = local_frame(spark, [], tasks.READ_SCHEMA)
    read = read.persist(StorageLevel.MEMORY_AND_DISK)
    # One job for the counts and the rejects.
    found_row = F.col("reject").isNull()
    with jobs.step("read"):
        totals = read.agg(
            F.count_if(found_row).alias("read"), F.count_if(found_row & F.col("cut")).alias("cut"),
            F.sort_array(F.collect_list(F.when(~found_row, F.struct("file_idx", "rec_idx", "reject")))).alias("rejects"),
        ).first()
    report.rejects += [r["reject"] for r in totals["rejects"]]  # in reading order: sorted by (file_idx, rec_idx)
    report.read, report.cut = totals["read"], totals["cut"]
    found = read.filter(found_row)
    LOGGER.info("read %d articles from %d files (%.1f s)", report.read, len(files), time.perf_counter() - started)

    order = ("file_idx", "rec_idx")
    unique = _first_of(_first_of(found, "content_hash", order), "canonical_url", order)
    with jobs.step("exact duplicates"):
        per_file = unique.groupBy("file_idx").count().collect()
        articles = _number(spark, unique, order, [(r["file_idx"], r["count"]) for r in per_file])
        articles = articles.persist(StorageLevel.MEMORY_AND_DISK)
        # Also what fills the cache: the near-duplicate joins that follow are then planned on its known size
        # (broadcasts, fewer jobs) — counting the stored articles from ``per_file`` instead saves this job and
        # costs eight there.
        report.stored, report.undated = articles.agg(F.count("*"), F.count_if(F.col("published_at").isNull())).first()
    report.exact_duplicates = report.read - report.stored
    read.unpersist()

    LOGGER.info("%d after exact dedup (%.1f s)", report.stored, time.perf_counter() - started)
    with jobs.step("near duplicates"):
        roots = _near_duplicates(spark, articles)
    LOGGER.info("%d near-duplicates (%.1f s)", len(roots), time.perf_counter() - started)
    report.near_duplicates = len(roots)
    dups = local_frame(spark, sorted(roots.items()), "id BIGINT, duplicate_of BIGINT")
    with jobs.step("sources"):
        # Sorted here, not by Spark (a sort is a job more, to sample the keys): one row per source.
        first_seen = sorted((articles.filter(F.col("source_key").isNotNull()).groupBy("source_key")
                             .agg(F.min("id").alias("first"), F.min_by("source_name", "id").alias("name"),
                                  F.min_by("source_domain", F.when(F.col("source_domain").isNotNull(), F.col("id")))
                                  .alias("domain"))
                             .collect()), key=lambda r: r["first"])
    sources = local_frame(
        spark,
        [(i, r["source_key"], r["name"] or r["source_key"], r["domain"]) for i, r in enumerate(first_seen, start=1)],
        "id INT, key STRING, name STRING, domain STRING",
    )
    articles = (articles.join(F.broadcast(dups), "id", "left")
                .join(F.broadcast(sources.select(F.col("key").alias("source_key"), F.col("id").alias("source_id"))),
                      "source_key", "left")
                .withColumn(MONTH, F.coalesce(F.date_format("published_at", "yyyy-MM"), F.lit(UNDATED)))
                .drop("shingles", "bands").persist(StorageLevel.MEMORY_AND_DISK))

    models_path = lake / MODELS_DIR / TOPICS_FILE
    if lake.exists():
        shutil.rmtree(lake / MODELS_DIR, ignore_errors=True)
    models_path.parent.mkdir(parents=True, exist_ok=True)
    if topics_model:
        shutil.copyfile(topics_model, models_path)
        report.topic_model = str(topics_model)
    else:
        with jobs.step("topic fit"):
            _fit_topics(articles, models_path)
        report.topic_model = "fitted on this input"
    models, version = load_models(models_path)
    shipped = _ship(spark, models_path)

    def enrich(batches):
        return tasks.enrich_rows(batches, topics_file=SparkFiles.get(shipped) if models else "")

    # Each Python worker loads the models once (seconds): no more partitions than batches of work to share.
    partitions = max(1, min(ENRICH_PARTITIONS_PER_CORE * cores, -(-report.stored // BATCH_SIZE)))
    enriched = (articles.select("id", "title", "lead", "body", "language").repartition(partitions)
                .mapInPandas(enrich, tasks.ENRICH_SCHEMA)
                .withColumn("p", F.from_json("payload", tasks.PAYLOAD_SCHEMA)).drop("payload")
                .persist(StorageLevel.MEMORY_AND_DISK))

    # The report's counts in the job that computes (and caches) the enrichment, rather than one job per written
    # table: every mention's entity is among its article's entities and every article has its month, so the
    # writes' joins keep every element.
    def total(column: str):
        return F.sum(F.when(F.col(f"p.{column}").isNotNull(), F.size(f"p.{column}")).otherwise(0))

    with jobs.step("enrich"):
        counts = enriched.agg(F.count_if("enriched"), total("mentions"), total("keywords"), total("topics")).first()
    report.enriched, report.mentions, report.keywords, report.topics = (int(c or 0) for c in counts)
    LOGGER.info("enriched %d articles (%.1f s)", report.enriched, time.perf_counter() - started)
    report.failed = report.stored - report.enriched
    _write_tables(spark, jobs, lake, articles, enriched, sources, models, version, ingested_at, report)
    enriched.unpersist()
    articles.unpersist()
    report.stories = assign_lake_stories(lake).new_stories
    report.rejected = len(report.rejects)
    steps = jobs.counts()
    report.steps = {name: {"jobs": c.jobs, "stages": c.stages_run} for name, c in steps.items()}
    report.jobs = sum(c.jobs for c in steps.values())
    report.stages = sum(c.stages_run for c in steps.values())
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info("spark enrich: %s", report.as_dict())
    return report


def _ship(spark, models_path: Path) -> str:
    """Send the topic model file to the executors (SparkContext.addFile) under a name made of its content hash:
    Spark keeps one file per name for the session's life, and the workers cache the model by path, so another run
    with another model must not reuse the name. Returns the name to give SparkFiles.get."""
    data = models_path.read_bytes()
    name = f"topics-{hashlib.sha256(data).hexdigest()[:16]}.npz"
    folder = Path(tempfile.gettempdir()) / "marsad-spark-models"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).is_file():
        (folder / name).write_bytes(data)
    spark.sparkContext.addFile(str(folder / name))
    return name


def _exploded(enriched, column: str):
    """One row per element of the payload's ``column``: ``article_id``, ``pos`` (its place in the article's list),
    and the element's fields."""
    from pyspark.sql import functions as F

    return (enriched.select("article_id", F.posexplode(f"p.{column}").alias("pos", "e"))
            .select("article_id", "pos", "e.*"))


def _first_per(df, keys: Sequence[str], order: Sequence[str]):
    """One row per ``keys``: the first by ``order``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rank = F.row_number().over(Window.partitionBy(*keys).orderBy(*order))
    return df.withColumn("_rank", rank).filter("_rank = 1").drop("_rank")


def _write_tables(spark, jobs: StepJobs, lake: Path, articles, enriched, sources, models: dict[str, TopicModel], version: int,
                  ingested_at: datetime, report: SparkEnrichReport) -> None:
    from pyspark.sql import functions as F

    def write(df, name: str) -> None:
        with jobs.step(f"write {name}"):
            write_table(df, lake, name)

    months = articles.select(F.col("id").alias("article_id"), MONTH)
    status = enriched.select(F.col("article_id").alias("id"), "enriched")
    write(articles.join(status, "id", "left")
          .withColumn("pipeline_version", F.when(F.col("enriched"), F.lit(PIPELINE_VERSION)).otherwise(0))
          .withColumn("ingested_at", F.lit(ingested_at).cast("timestamp_ntz")), "articles")
    write(sources, "sources")

    # Entities numbered in order of first appearance: (article id, place in its list), as the store numbers them;
    # sorted here, not by Spark (a sort is a job more, to sample the keys): one row per entity.
    with jobs.step("entities"):
        first = _first_per(_exploded(enriched, "entities"), ["key"], ["article_id", "pos"]).collect()
    entity_rows = sorted(first, key=lambda r: (r["article_id"], r["pos"]))
    entities = local_frame(
        spark,
        [(i, r["key"], r["type"], r["name_ar"], r["name_en"], bool(r["curated"])) for i, r in enumerate(entity_rows, 1)],
        "id INT, key STRING, type STRING, name_ar STRING, name_en STRING, curated BOOLEAN",
    )
    report.entities = len(entity_rows)
    write(entities, "entities")
    ids = F.broadcast(entities.select(F.col("key"), F.col("id").alias("entity_id")))

    mentions = _exploded(enriched, "mentions").join(ids, "key").join(months, "article_id")
    write(mentions, "mentions")
    aliases = _first_per(_exploded(enriched, "aliases").join(ids, "key"), ["entity_id", "norm"], ["article_id", "pos"])
    write(aliases, "aliases")
    places = _first_per(_exploded(enriched, "places").join(ids, "key"), ["entity_id"], ["article_id", "pos"])
    write(places, "places")
    keywords = _exploded(enriched, "keywords").join(months, "article_id")
    write(keywords, "keywords")
    article_topics = _exploded(enriched, "topics").join(months, "article_id")
    write(article_topics, "article_topics")
    topics = [(int(tid), label, list(terms), lang, version, True)
              for lang, model in models.items() for tid, label, terms in zip(model.ids, model.labels, model.terms, strict=True)]
    write(local_frame(spark, topics, "id INT, label STRING, terms ARRAY<STRING>, language STRING, "
                                  "model_version INT, active BOOLEAN"), "topics")
    terms = articles.select(F.col("id").alias("article_id"), "title", "body", MONTH).mapInPandas(
        tasks.term_frames, spark_schema("terms"))
    write(terms, "terms")
