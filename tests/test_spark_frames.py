"""The driver's small data as Spark DataFrames held in the JVM: the schema given, every row, the partitions asked
for — and plans that scan local rows, not an RDD of pickled Python rows (which Python workers would unpickle)."""

from __future__ import annotations

import datetime as dt

import pytest

from marsad.spark.frames import local_frame, task_frame
from marsad.spark.tasks import READ_SCHEMA  # what the pipeline reads from no input files

ROWS = [(1, "a", None, ["x", "y"]), (2, None, 2.5, []), (3, "c", 1.0, None)]
DDL = "id INT, key STRING, score DOUBLE, terms ARRAY<STRING>"


def test_local_frame_keeps_the_schema_and_the_rows(spark):
    df = local_frame(spark, ROWS, DDL)
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("id", "int"), ("key", "string"), ("score", "double"), ("terms", "array<string>")]
    assert sorted(tuple(r) for r in df.collect()) == ROWS


@pytest.mark.parametrize("ddl", ["id INT, key STRING", "at TIMESTAMP_NTZ, flag BOOLEAN, n BIGINT", READ_SCHEMA])
def test_no_rows_give_an_empty_frame_of_that_schema(spark, ddl):
    df = local_frame(spark, [], ddl)
    assert df.count() == 0
    assert ", ".join(f"{f.name} {f.dataType.simpleString()}" for f in df.schema.fields).upper() == ddl.upper()


def test_a_timestamp_stays_naive(spark):
    at = dt.datetime(2018, 3, 4, 5, 6, 7)
    assert local_frame(spark, [(at,)], "at TIMESTAMP_NTZ").first()["at"] == at


def test_a_ddl_that_is_no_list_of_columns(spark):
    with pytest.raises(ValueError, match="not a list of columns"):
        local_frame(spark, [(1,)], "INT")


@pytest.mark.parametrize(("n", "partitions"), [(12, 8), (3, 3), (1, 4), (5, 1)])
def test_task_frame_spreads_the_rows_in_consecutive_runs(spark, n, partitions):
    rows = [(i, f"file-{i}") for i in range(n)]
    df = task_frame(spark, rows, "file_idx INT, path STRING", partitions)
    assert df.rdd.getNumPartitions() == partitions
    # Each partition holds a run of consecutive rows, in order, as parallelize slices a list.
    parts = df.rdd.mapPartitions(lambda it: [[tuple(r) for r in it]]).collect()
    assert [row for part in parts for row in part] == rows
    assert sum(1 for part in parts if part) == min(n, partitions)


@pytest.mark.parametrize("make", [lambda spark: local_frame(spark, ROWS, DDL),
                                  lambda spark: task_frame(spark, ROWS, DDL, 2)])
def test_the_rows_are_held_in_the_jvm(spark, capsys, make):
    make(spark).explain()
    plan = capsys.readouterr().out
    assert "LocalTableScan" in plan
    assert "ExistingRDD" not in plan  # what createDataFrame(list) and parallelize().toDF() plan
