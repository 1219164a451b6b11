"""The lake's Arrow schemas as Spark types (no Spark needed) and a table written and read back by Spark."""

from __future__ import annotations

import pyarrow as pa
import pytest

from marsad.lake.layout import TABLES
from marsad.spark.lake_io import spark_schema, spark_type


@pytest.mark.parametrize(
    ("arrow", "spark"),
    [(pa.int64(), "BIGINT"), (pa.int32(), "INT"), (pa.string(), "STRING"), (pa.timestamp("us"), "TIMESTAMP_NTZ"),
     (pa.list_(pa.string()), "ARRAY<STRING>"), (pa.bool_(), "BOOLEAN")],
)
def test_spark_type(arrow, spark):
    assert spark_type(arrow) == spark


def test_a_type_the_lake_does_not_use():
    with pytest.raises(TypeError, match="no Spark type"):
        spark_type(pa.uint64())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_lake_table_has_a_spark_schema(name):
    schema = spark_schema(name)
    assert schema.startswith("`") and ("`month` STRING" in schema) is TABLES[name].by_article
