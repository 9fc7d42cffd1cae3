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
