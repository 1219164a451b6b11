"""One place that builds the SparkSession every Spark path uses (the pipeline and the analytics backend).

Local masters (``local[N]``) are for a laptop and CI: nothing listens beyond 127.0.0.1, no web UI, few shuffle
partitions (the default 200 makes a small job spend its time scheduling empty tasks), the JVM's quick JIT compiler
only (:data:`LOCAL_JVM_OPTIONS`), scratch files under the system temp folder, and only errors logged. A cluster
master (``spark://…``, ``k8s://…``) keeps Spark's own defaults for hosts, partitions, JIT and scratch: the
cluster's spark-defaults.conf knows them better than we do.

Executors run the same Python as the driver (``PYSPARK_PYTHON`` = ``sys.executable``) so the workers import the
very ``marsad`` package, models included, that the driver imports.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOGGER = logging.getLogger(__name__)

DEFAULT_MASTER = "local[2]"
APP_NAME = "marsad"
LOOPBACK = "127.0.0.1"
# Partitions after a shuffle on a local master: a few per core keeps the tasks busy without the
# scheduling overhead of Spark's default 200 on a few thousand articles.
LOCAL_SHUFFLE_PARTITIONS_PER_CORE = 2
# A local session's JVM lives for one command, and the JVM's own work there is light (planning, small shuffles,
# Parquet writes; the articles are processed by the Python workers). Its optimising JIT compiler (C2) is what costs:
# on 1,000 articles in local[2] the JIT threads used 39 of the JVM's 58 CPU seconds (C2 alone 43 s of a 6,000-article
# run), while code compiled by C1 alone did the same work with 3.5 s of compiling and no slower tasks (docs/scale.md).
# Cluster executors are long-lived and keep the JVM's defaults.
LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1"
# Spark (log4j2) prints INFO and WARN lines by the hundred on start; a CLI's output must stay readable.
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def java_available() -> bool:
    """Spark's driver is a JVM: without ``java`` (on PATH or under JAVA_HOME) no session can start."""
    java_home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").is_file()))


def local_cores(master: str) -> int | None:
    """The number of cores of a ``local[N]`` / ``local[*]`` / ``local`` master; None for a cluster master."""
    if master == "local":
        return 1
    if master.startswith("local[") and master.endswith("]"):
        inner = master[len("local[") : -1].split(",")[0]  # local[N,maxFailures]
        return os.cpu_count() or 1 if inner == "*" else int(inner)
    return None


def spark_session(master: str | None = DEFAULT_MASTER, *, app_name: str = APP_NAME,
                  conf: dict[str, str] | None = None) -> SparkSession:
    """The SparkSession on ``master`` (``local[2]`` by default), reused when one is already running in this process.
    ``master=None``: the one spark-submit was given (``--master``) when run under it, else ``local[2]``.

    ``conf`` adds or overrides Spark settings (``spark.executor.memory`` …). Raises RuntimeError when no ``java``
    is found, before Spark fails with a less direct message.
    """
    from pyspark.sql import SparkSession

    submitted = master is None and bool(os.environ.get("PYSPARK_GATEWAY_PORT"))  # spark-submit started the JVM
    if submitted:
        from pyspark import SparkConf

        master = SparkConf().get("spark.master", DEFAULT_MASTER)
    master = master or DEFAULT_MASTER
    if not submitted and not java_available():
        raise RuntimeError("Spark needs Java 17: install it (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME")
    # The workers must run this interpreter (the venv that holds marsad and its models), not whatever
    # "python3" is first on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Arrow moves the pandas batches of mapInPandas and toPandas without per-row pickling.
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        # The lake's month partitions ('2018-03', '__undated__') are strings: inferred, dated-only lakes would
        # read them as dates (marsad.lake.layout).
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    }
    cores = local_cores(master)
    if cores is not None:
        scratch = Path(tempfile.gettempdir()) / f"marsad-spark-{os.getuid()}"
        scratch.mkdir(parents=True, exist_ok=True)
        log_config = scratch / "log4j2.properties"
        log_config.write_text(_LOG4J2, encoding="utf-8")
        settings |= {
            "spark.driver.host": LOOPBACK,
            "spark.driver.bindAddress": LOOPBACK,
            "spark.sql.shuffle.partitions": str(LOCAL_SHUFFLE_PARTITIONS_PER_CORE * cores),
            "spark.default.parallelism": str(cores),
            "spark.local.dir": str(scratch),
            "spark.sql.warehouse.dir": str(scratch / "warehouse"),
            "spark.driver.extraJavaOptions": f"{LOCAL_JVM_OPTIONS} -Dlog4j2.configurationFile={log_config} "
                                             f"-Dderby.system.home={scratch}",
        }
    settings |= conf or {}
    builder = SparkSession.builder.appName(app_name)
    if not submitted:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    LOGGER.info("starting Spark on %s", master)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
