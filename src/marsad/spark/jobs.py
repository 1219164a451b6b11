"""The Spark jobs and stages a pipeline run starts, per step.

Each job costs the driver's JVM planning and scheduling time whatever its size (docs/scale.md, "Measured"), so the
number of jobs is a figure of its own next to a run's seconds: unlike them it does not move with the machine's
load. A step's jobs go into a job group of their own (SparkContext.setJobGroup, a local property of the calling
thread) and are counted afterwards from the status tracker (SparkContext.statusTracker: no listener, no web UI).
The tracker keeps the last ``spark.ui.retainedJobs`` jobs (1,000 by default): far more than a run starts.

The same input gives the same counts on a fresh session (adaptive execution plans by the sizes it meets, the same
each time). A second run in the same session may start fewer jobs for some steps (11 → 6 for the exact duplicates
on the parity test's input): compare runs of fresh sessions, as bench/spark_scale.py makes them.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOGGER = logging.getLogger(__name__)

GROUP_PROPERTY = "spark.jobGroup.id"  # the local property SparkContext.setJobGroup sets
_RUNS = itertools.count(1)


@dataclass(frozen=True)
class StepCount:
    jobs: int
    stages: int  # distinct stage ids of the step's jobs, skipped ones included (a reused shuffle)
    stages_run: int  # of those, stages whose tasks ran


class StepJobs:
    """Job groups for one run's steps: ``with jobs.step("read"): ...`` puts the Spark jobs started inside in the
    run's group ``read``; :meth:`counts` gives each step's jobs and stages. Groups are named per run (process id
    and a counter), so two runs in one session do not count each other's jobs."""

    def __init__(self, spark: SparkSession) -> None:
        self._context = spark.sparkContext
        self._run = f"marsad-{os.getpid()}-{next(_RUNS)}"
        self._steps: list[str] = []

    def _group(self, name: str) -> str:
        return f"{self._run}:{name}"

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Jobs started in this block (by this thread) belong to step ``name``; the thread's previous job group,
        if any, is restored after."""
        previous = self._context.getLocalProperty(GROUP_PROPERTY)
        if name not in self._steps:
            self._steps.append(name)
        self._context.setJobGroup(self._group(name), name)
        try:
            yield
        finally:
            self._context.setLocalProperty(GROUP_PROPERTY, previous)  # None removes the property

    def counts(self) -> dict[str, StepCount]:
        """Each step's jobs and stages, in the order the steps first ran."""
        tracker = self._context.statusTracker()
        out: dict[str, StepCount] = {}
        for name in self._steps:
            stages: set[int] = set()
            for job in tracker.getJobIdsForGroup(self._group(name)):
                info = tracker.getJobInfo(job)
                if info is None:  # dropped by the tracker (spark.ui.retainedJobs)
                    LOGGER.warning("Spark job %d of step %s is no longer tracked: its stages are not counted", job, name)
                    continue
                stages.update(info.stageIds)
            ran = sum(1 for s in stages if (stage := tracker.getStageInfo(s)) is not None and stage.numCompletedTasks)
            out[name] = StepCount(len(tracker.getJobIdsForGroup(self._group(name))), len(stages), ran)
        return out
