"""Spark DataFrames in and out of the lake: the lake's Arrow schemas (marsad.lake.layout) as Spark types, and
writing a table whole (replacing what was there: re-running over the same input gives the same lake)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from marsad.lake.export import write_empty
from marsad.lake.layout import MONTH, TABLES, schema, table_path

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

LOGGER = logging.getLogger(__name__)

_SIMPLE = {
    pa.int64(): "BIGINT",
    pa.int32(): "INT",
    pa.int16(): "SMALLINT",
    pa.string(): "STRING",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us"): "TIMESTAMP_NTZ",  # the store's naive-UTC TIMESTAMP; Parquet "not adjusted to UTC"
}


def spark_type(arrow_type: pa.DataType) -> str:
    """The Spark SQL type of a lake column's Arrow type."""
    if pa.types.is_list(arrow_type):
        return f"ARRAY<{spark_type(arrow_type.value_type)}>"
    if arrow_type in _SIMPLE:
        return _SIMPLE[arrow_type]
    raise TypeError(f"no Spark type for the lake column type {arrow_type}")


def spark_schema(name: str) -> str:
    """Lake table ``name``'s columns as a Spark DDL schema (``month`` included on tables keyed by article)."""
    return ", ".join(f"`{f.name}` {spark_type(f.type)}" for f in schema(name))


def as_lake_table(df: DataFrame, name: str) -> DataFrame:
    """``df``'s columns of lake table ``name``, in the lake's order and types."""
    from pyspark.sql import functions as F

    return df.select(*[F.col(f"`{f.name}`").cast(spark_type(f.type)).alias(f.name) for f in schema(name)])


def write_table(df: DataFrame, lake: Path | str, name: str) -> None:
    """Replace lake table ``name`` with ``df`` (partitioned by month when keyed by article). A table without rows
    gets an empty file, so that readers still find its columns."""
    path = table_path(lake, name)
    writer = as_lake_table(df, name).write.mode("overwrite")
    if TABLES[name].by_article:
        writer = writer.partitionBy(MONTH)
    writer.parquet(str(path))
    if not any(path.rglob("*.parquet")):
        write_empty(Path(lake), name)


def read_table(spark, lake: Path | str, name: str) -> DataFrame:
    """Lake table ``name`` as a Spark DataFrame (``month`` a string: the session turns partition type inference
    off)."""
    return spark.read.schema(spark_schema(name)).parquet(str(table_path(lake, name)))
