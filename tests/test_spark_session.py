"""The shared SparkSession: local masters stay on loopback with few partitions; workers run this interpreter."""

from __future__ import annotations

import sys

import pytest

from marsad.spark.session import LOCAL_JVM_OPTIONS, local_cores


@pytest.mark.parametrize(
    ("master", "cores"),
    [("local", 1), ("local[1]", 1), ("local[2]", 2), ("local[4,3]", 4), ("spark://host:7077", None), ("k8s://https://x", None)],
)
def test_local_cores(master, cores):
    assert local_cores(master) == cores


def test_local_star_is_the_machine():
    assert local_cores("local[*]") >= 1


def test_local_session_settings(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.ui.enabled") == "false"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    assert spark.sparkContext.master == "local[2]"
    assert LOCAL_JVM_OPTIONS in conf.get("spark.driver.extraJavaOptions")  # the short-lived JVM skips C2 compiling


def test_workers_run_this_python(spark):
    def executable(batches):
        import sys as worker_sys

        for batch in batches:
            yield batch.assign(python=worker_sys.executable)

    df = spark.range(4, numPartitions=2).mapInPandas(executable, "id long, python string").toPandas()
    assert set(df["python"]) == {sys.executable}
