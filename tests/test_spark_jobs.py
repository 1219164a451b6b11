"""Spark jobs counted per step: each step's own jobs, the thread's job group restored, runs kept apart."""

from __future__ import annotations

import pytest

from marsad.spark.jobs import GROUP_PROPERTY, StepCount, StepJobs


@pytest.mark.parametrize("actions", [1, 3])
def test_each_step_counts_its_own_jobs(spark, actions):
    jobs = StepJobs(spark)
    with jobs.step("one"):
        spark.range(5).collect()  # no shuffle: one job, one stage
    with jobs.step("many"):
        for n in range(actions):
            spark.range(n + 1).collect()
    spark.range(3).collect()  # outside any step: not counted
    assert jobs.counts() == {"one": StepCount(1, 1, 1), "many": StepCount(actions, actions, actions)}


def test_a_step_entered_twice_adds_up(spark):
    jobs = StepJobs(spark)
    for _ in range(2):
        with jobs.step("write"):
            spark.range(2).collect()
    assert jobs.counts()["write"].jobs == 2


def test_two_runs_do_not_count_each_other(spark):
    first, second = StepJobs(spark), StepJobs(spark)
    with first.step("read"):
        spark.range(2).collect()
    with second.step("read"):
        spark.range(2).collect()
        spark.range(3).collect()
    assert (first.counts()["read"].jobs, second.counts()["read"].jobs) == (1, 2)


@pytest.mark.parametrize("previous", [None, "callers-group"])
def test_the_threads_job_group_is_restored(spark, previous):
    context = spark.sparkContext
    if previous:
        context.setJobGroup(previous, "the caller's")
    try:
        jobs = StepJobs(spark)
        with pytest.raises(ZeroDivisionError), jobs.step("failing"):
            spark.range(1).collect()
            1 / 0  # noqa: B018 — a step that raises still restores the group
        assert context.getLocalProperty(GROUP_PROPERTY) == previous
        assert jobs.counts()["failing"].jobs == 1
    finally:
        context.setLocalProperty(GROUP_PROPERTY, None)
