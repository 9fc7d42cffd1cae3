"""The poller owns the telemetry sources and hands their output over in batches. No Qt here.

Sources push items (a NodeSample or a NodeEvent) from their own threads. The poller keeps only
the newest item per node ("newest wins"), and every `flush_interval` hands one immutable PollBatch
to `on_batch` from its flush thread. A burst of samples therefore costs the GUI one batch, never one
event per sample, and a slow or silent source never blocks another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from console.fleet.health import newest_keeping_xids
from console.fleet.model import NodeEvent, NodeSample, PollBatch
from console.fleet.packing import PackedSamples, merge, pack

Item = NodeSample | NodeEvent
Sink = Callable[[Item], None]


class Source(Protocol):
    """A source pushes NodeSamples and NodeEvents one by one into `sink`, or, when it packed
    its samples itself (collector processes do), whole PackedSamples into `packed_sink`."""

    kind: str  # "demo", "ssh": the UI names the source from this
    node_count: int

    def start(self, sink: Sink, packed_sink: Callable[[PackedSamples], None]) -> None: ...

    def stop(self) -> None: ...


class Poller:
    def __init__(
        self,
        sources: Sequence[Source],
        on_batch: Callable[[PollBatch], None],
        flush_interval: float = 0.25,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sources = tuple(sources)
        self._on_batch = on_batch
        self._flush_interval = flush_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, Item] = {}
        self._packs: list[PackedSamples] = []
        self._watched: set[str] = set()
        self._details: dict[str, NodeSample] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.batches_sent = 0

    def receive(self, item: Item) -> None:
        """The sink handed to sources; safe to call from any thread."""
        with self._lock:
            if isinstance(item, NodeSample):
                item = newest_keeping_xids(self._pending.get(item.host), item)
            self._pending[item.host] = item
            if item.host in self._watched and isinstance(item, NodeSample):
                self._details[item.host] = item

    # -- whole samples of the nodes an operator is looking at (node detail) -------------------

    def watch(self, host: str) -> None:
        self.watch_many((host,))

    def watch_many(self, hosts: Sequence[str]) -> None:
        """Whole samples of all these nodes (`serve` exports their clocks, UUIDs, node info)."""
        with self._lock:
            self._watched.update(hosts)
            watched = frozenset(self._watched)
        self._tell_sources(watched)

    def unwatch(self, host: str) -> None:
        with self._lock:
            self._watched.discard(host)
            self._details.pop(host, None)
            watched = frozenset(self._watched)
        self._tell_sources(watched)

    def detail(self, host: str) -> NodeSample | None:
        """The newest whole sample of a watched node (processes, node info), or None yet."""
        with self._lock:
            return self._details.get(host)

    def details(self) -> dict[str, NodeSample]:
        """The newest whole sample of every watched node that has sent one (a copy)."""
        with self._lock:
            return dict(self._details)

    def _tell_sources(self, watched: frozenset[str]) -> None:
        for source in self.sources:
            watch = getattr(source, "watch", None)  # sources that pack far away need telling
            if watch is not None:
                watch(watched)

    def receive_packed(self, packed: PackedSamples) -> None:
        """The sink for samples a source packed itself; safe to call from any thread."""
        with self._lock:
            self._packs.append(packed)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._flush_loop, name="poller-flush", daemon=True)
        self._thread.start()
        for source in self.sources:
            source.start(self.receive, self.receive_packed)

    def stop(self) -> None:
        for source in self.sources:
            source.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def flush(self) -> PollBatch:
        """Take everything pending as one batch and deliver it if it holds anything."""
        with self._lock:
            pending, self._pending = self._pending, {}
            packs, self._packs = self._packs, []
        samples = tuple(i for i in pending.values() if isinstance(i, NodeSample))
        if samples:
            packs.append(pack(samples))
        batch = PollBatch(
            t=self._clock(),
            samples=samples,
            events=tuple(i for i in pending.values() if isinstance(i, NodeEvent)),
            packed=merge(packs) if packs else None,
        )
        if batch:
            self._on_batch(batch)
            self.batches_sent += 1
        return batch

    def _flush_loop(self) -> None:
        while not self._stop.wait(self._flush_interval):
            self.flush()
