"""squeue's running jobs as SchedulerJobs (console/scheduler/running.py): both forms, the JSON
decided once, and the feed thread that hands each read on and survives a failed one."""

from __future__ import annotations

import json
import threading

import pytest

from console.capacity.backends.slurm_runner import CommandFailed
from console.capacity.backends.slurm_squeue import parse_squeue_text
from console.scheduler.running import RunningJobsFeed, RunningReader, scheduler_jobs

TEXT = (
    "101|RUNNING|interest|1|2026-12-03T20:00:00|lee|Int_Flood|gres/gpu:2|N/A|n04|None|\n"
    "102|PENDING|public|1|N/A|kim|public|gres/gpu:4|N/A||QOSGrpGRES|\n"
    "103|COMPLETING|private|2|2026-12-03T20:00:00|park|prv_chip|gres/gpu:8|N/A|n[07-08]|None|\n"
)
JSON = {
    "jobs": [
        {"job_id": 201, "job_state": ["RUNNING"], "partition": "public", "node_count": 1,
         "user_name": "kim", "account": "pub_transit", "tres_alloc_str": "cpu=1,gres/gpu=3",
         "nodes": "n01"},
        {"job_id": 202, "job_state": ["PENDING"], "partition": "public", "user_name": "kim",
         "account": "public", "tres_req_str": "gres/gpu=1"},
    ]
}  # fmt: skip


def test_running_jobs_of_the_text_form():
    jobs = scheduler_jobs(parse_squeue_text(TEXT), 5.0)
    assert sorted(jobs.jobs) == ["101", "103"]  # the pending one is left out
    flood = jobs.jobs["101"]
    assert (flood.account, flood.user, flood.partition, flood.gpus) == (
        "int_flood", "lee", "interest", 2)  # fmt: skip
    assert jobs.jobs["103"].gpus == 16 and jobs.read_at == 5.0 and jobs.holders == {}


class Runner:
    where = "here"

    def __init__(self, json_works: bool) -> None:
        self.json_works = json_works
        self.calls: list[list[str]] = []

    def run(self, argv, stdin=None, timeout=30):
        self.calls.append(list(argv))
        if "--json" in argv:
            if not self.json_works:
                raise CommandFailed(argv, 1, "squeue: unrecognized option '--json'", "here")
            return json.dumps(JSON)
        return TEXT


def test_the_reader_uses_json_where_it_works_and_the_text_where_not():
    runner = Runner(json_works=True)
    reader = RunningReader(runner, clock=lambda: 1.0)
    assert sorted(reader.read().jobs) == ["201"] and reader.json is True
    assert reader.read().jobs["201"].gpus == 3
    runner.json_works = False  # it worked before: a real failure, not a missing form
    with pytest.raises(CommandFailed):
        reader.read()
    old = RunningReader(Runner(json_works=False))
    assert sorted(old.read().jobs) == ["101", "103"] and old.json is False
    assert sorted(old.read().jobs) == ["101", "103"]
    assert sum("--json" in c for c in old.runner.calls) == 1  # asked once


def test_the_feed_delivers_each_read_and_survives_a_failure():
    got, ready = [], threading.Event()
    reads = iter([RuntimeError("slurmctld down"), scheduler_jobs(parse_squeue_text(TEXT), 2.0)])

    def read():
        item = next(reads, None)
        if isinstance(item, Exception):
            raise item
        if item is None:
            ready.set()
            raise RuntimeError("no more")
        return item

    feed = RunningJobsFeed(read, got.append, interval_s=0.01)
    feed.start()
    try:
        assert ready.wait(10), "the feed stopped reading"
    finally:
        feed.stop()
    assert [sorted(j.jobs) for j in got] == [["101", "103"]]
    assert feed.problem == "no more" and feed.latest is got[0]
