"""Poller: newest item per node wins, batches reach the callback from the flush thread."""

from __future__ import annotations

import threading

from console.fleet.model import NodeEvent, NodeSample, NodeStatus, PollBatch
from console.fleet.poller import Poller
from console.sources.demo.fleet import SimFleet, SimSource


def test_newest_item_per_node_wins_and_empty_flush_sends_nothing():
    got: list[PollBatch] = []
    poller = Poller([], on_batch=got.append, clock=lambda: 5.0)
    poller.receive(NodeSample("n1", 1.0, ()))
    poller.receive(NodeSample("n1", 2.0, ()))
    poller.receive(NodeEvent("n2", 2.0, NodeStatus.UNREACHABLE, "refused"))
    poller.receive(NodeSample("n2", 3.0, ()))
    poller.receive(NodeEvent("n3", 3.0, NodeStatus.UNREACHABLE, "timed out"))
    batch = poller.flush()
    assert got == [batch]
    assert sorted((s.host, s.t) for s in batch.samples) == [("n1", 2.0), ("n2", 3.0)]
    assert [(f.host, f.message) for f in batch.events] == [("n3", "timed out")]
    assert not poller.flush()
    assert len(got) == 1


def test_sim_source_reaches_the_callback_through_the_flush_thread():
    fleet = SimFleet.build(12)
    hosts = {n.name for n in fleet.inventory.nodes}
    seen: set[str] = set()
    done = threading.Event()
    threads: set[str] = set()

    def on_batch(batch: PollBatch) -> None:
        threads.add(threading.current_thread().name)
        seen.update(s.host for s in batch.samples)
        seen.update(f.host for f in batch.events)
        if seen >= hosts:
            done.set()

    poller = Poller([SimSource(fleet, interval=0.05)], on_batch=on_batch, flush_interval=0.02)
    poller.start()
    try:
        assert done.wait(timeout=10), f"never heard from {sorted(hosts - seen)}"
    finally:
        poller.stop()
    assert threads == {"poller-flush"}
    assert poller.batches_sent >= 1


def test_paused_source_sends_nothing_until_resumed():
    fleet = SimFleet.build(3)
    source = SimSource(fleet, interval=0.02)
    items: list[object] = []
    arrived = threading.Event()

    def sink(item: object) -> None:
        items.append(item)
        arrived.set()

    source.pause()
    source.start(sink)
    try:
        assert not arrived.wait(timeout=0.3)
        source.resume()
        assert arrived.wait(timeout=10)
    finally:
        source.stop()
    assert items
