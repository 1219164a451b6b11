"""The driver's small Python data (ids, offsets, the list of files to read) as Spark DataFrames, without Python
workers.

``spark.createDataFrame(list_of_tuples)`` and ``parallelize(...).toDF()`` build an RDD of pickled Python rows:
every time Spark computes such a DataFrame (a broadcast, a join), Python worker processes unpickle it — with a
Python daemon of their own, apart from the one ``mapInPandas`` uses, whose workers Spark stops after a minute idle
and forks again for the next such job (a second or so of CPU each, for a handful of rows: docs/scale.md). An Arrow
table goes to the JVM as it is and stays there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

TASK = "_task"  # the task number column of task_frame's range, dropped from its result


def local_frame(spark: SparkSession, rows: Sequence[Sequence[object]], ddl: str) -> DataFrame:
    """``rows`` (tuples in the order of ``ddl``'s columns) as a DataFrame of schema ``ddl`` (``"id INT, key
    STRING"``), held in the JVM."""
    from pyspark.sql.types import DataType, StructType

    schema = DataType.fromDDL(ddl)
    if not isinstance(schema, StructType):
        raise ValueError(f"not a list of columns: {ddl!r}")
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    # Arrow infers each column's type from its values (a column of None only: the null type); Spark casts the
    # table to ``schema`` on the way in.
    table = pa.table({name: pa.array(list(values)) for name, values in zip(schema.names, columns, strict=True)})
    return spark.createDataFrame(table, schema)


def task_frame(spark: SparkSession, rows: Sequence[Sequence[object]], ddl: str, partitions: int) -> DataFrame:
    """``rows`` as :func:`local_frame` gives them, spread over ``partitions`` partitions in consecutive runs (as
    ``parallelize`` slices a list): one Spark task per partition for the stage that reads them. The rows are
    broadcast and joined to ``spark.range``'s partitions by their number, so no Python worker unpickles them."""
    from pyspark.sql import functions as F

    numbered = local_frame(spark, [(i, *row) for i, row in enumerate(rows)], f"{TASK} BIGINT, {ddl}")
    spread = spark.range(0, len(rows), 1, max(1, partitions)).withColumnRenamed("id", TASK)
    return spread.join(F.broadcast(numbered), TASK).drop(TASK)
