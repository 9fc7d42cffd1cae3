"""FleetLoop: the bridge's duties on a plain thread (no Qt)."""

from __future__ import annotations

import threading
import time

from console.fleet.metrics import default_registry
from console.fleet.model import NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.room.loop import FleetLoop
from console.sources.demo.fleet import SimFleet


def test_batches_and_allocations_reach_the_snapshot_listeners():
    sim = SimFleet.build(6)
    loop = FleetLoop(FleetState(sim.inventory, default_registry()))
    seen: list = []
    got = threading.Condition()

    def listener(snap) -> None:
        with got:
            seen.append(snap)
            got.notify_all()

    def boom(snap) -> None:
        raise RuntimeError("a broken listener")

    loop.snapshot_ready.connect(boom)  # must not stop the others
    loop.snapshot_ready.connect(listener)
    loop.start()
    try:
        now = time.time()  # the loop's clock: samples of now are live
        samples = tuple(i for i in sim.sample(now) if isinstance(i, NodeSample))
        loop.submit(PollBatch(now, samples=samples))
        first = sim.inventory.nodes[0].name
        loop.submit_allocation({first: Sector.PRIVATE})
        with got:
            assert got.wait_for(
                lambda: seen and seen[-1].node_sector[seen[-1].node_names.index(first)] == 2
                and (seen[-1].node_status == 0).sum() == len(samples), timeout=10)
        assert loop.first_data_at is not None and loop.latest is seen[-1]
    finally:
        loop.stop()
    assert not any(t.name == "fleet-loop" for t in threading.enumerate())


def test_scheduler_jobs_reach_the_fleet_on_its_thread():
    import dataclasses

    from console.fleet.charging import RULE_JOB
    from console.fleet.jobs import RunningJob, SchedulerJobs

    sim = SimFleet.build(6)
    node = next(n for n in sim.inventory.nodes if n.organisation is not None)
    org, account = node.organisation.id, "acct_x"
    inventory = dataclasses.replace(sim.inventory, org_accounts={org: account})
    loop = FleetLoop(FleetState(inventory, default_registry()))
    seen: list = []
    got = threading.Condition()

    def listener(snap) -> None:
        with got:
            seen.append(snap)
            got.notify_all()

    loop.snapshot_ready.connect(listener)
    loop.start()
    try:
        running = {"9": RunningJob("9", account, "u")}
        jobs = SchedulerJobs(time.time(), running, {(node.name, 0): "9"})
        loop.submit_scheduler_jobs(jobs)

        def charged() -> bool:
            if not seen:
                return False
            snap, row = seen[-1], seen[-1].node_names.index(node.name)
            return snap.gpu_rule[row, 0] == RULE_JOB and snap.org_ids[snap.gpu_org[row, 0]] == org

        with got:
            assert got.wait_for(charged, timeout=10)
    finally:
        loop.stop()
