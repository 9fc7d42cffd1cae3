"""The scheduler's jobs reach FleetState on the GUI thread: a feed thread (the one the app
starts with [slurm], console/scheduler/running.py) → Bridge.submit_scheduler_jobs → the next
snapshot charges the held GPU to the job's account's organisation."""

from __future__ import annotations

import threading

from console.bridge import Bridge
from console.fleet.charging import RULE_JOB, RULE_NODE
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, Organisation, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.scheduler.running import feed_for

CITY = Organisation("city", Sector.PUBLIC, "시청", "City")
FLOOD = Organisation("flood", Sector.INTEREST, "홍수", "Flood")
JOBS = SchedulerJobs(0.0, {"7": RunningJob("7", "int_flood", "lee")}, {("n1", 1): "7"})


def test_a_feed_thread_charges_through_the_bridge(qtbot):
    inv = Inventory(
        nodes=(NodeSpec("n1", Sector.PUBLIC, CITY, 2),),
        entitlements={Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2},
        organisations=(CITY, FLOOD),
        org_accounts={"flood": "int_flood"},
        slurm={"slurm_conf": "/nowhere"},
    )
    state = FleetState(inv, default_registry(), stale_after_s=1e9)
    bridge = Bridge(state)
    seen = []
    bridge.snapshot_ready.connect(seen.append)
    bridge.submit(
        PollBatch(
            1.0,
            samples=(NodeSample("n1", 1.0, (GpuSample(0, util_gpu=9), GpuSample(1, util_gpu=90))),),
        )
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[-1].gpu_rule[0].tolist() == [RULE_NODE, RULE_NODE]
    reads = threading.Event()

    def read():
        reads.set()
        return JOBS

    feed = feed_for(inv, bridge.submit_scheduler_jobs, read=read)
    feed.start()
    try:
        assert reads.wait(5)
        qtbot.waitUntil(lambda: state.scheduler_jobs is JOBS, timeout=5000)
    finally:
        feed.stop()
    snap = bridge.emit_snapshot()
    assert snap.gpu_rule[0].tolist() == [RULE_NODE, RULE_JOB]
    assert snap.org_ids[snap.gpu_org[0, 1]] == "flood" and snap.gpu_job[0].tolist() == [None, "7"]
