"""SshSource: the SSH side of the poller, run in collector processes.

paramiko spends a thread per Transport that wakes every 0.1 s, so a GUI process holding 2,000
connections would spend its time in the scheduler. The fleet is split into shards of at most
`per_process` nodes; each shard runs an SshCollector in its own process (spawned, never forked
from a process that runs Qt) and sends what it collected back over a pipe every `flush_interval`.
The GUI process holds one reader thread and no paramiko at all.

Samples cross the pipe already packed into arrays (console/fleet/packing.py), never as NodeSample
objects: unpickling thousands of dataclasses a second would keep the GUI process's reader thread
on the GIL, and the GUI thread, which needs the GIL for every call into Python while it paints,
would wait for it in 5 ms slices (seconds of stall at 1,000 nodes, measured). Full samples
(processes, node info) do not cross yet; a node detail view will have to ask its collector.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from console.fleet.model import NodeEvent, NodeSample, NodeStatus
from console.fleet.packing import PackedSamples
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec

Item = NodeSample | NodeEvent
# Collector processes run below the window in the CPU scheduler: while hundreds of nodes connect,
# their handshake threads would otherwise take the CPU the GUI thread needs for its next frame.
# The pipe buffers what they collect, so a collector that waits a few ms loses nothing.
COLLECTOR_NICENESS = 10


def _collector_main(
    specs: Sequence[NodeSpec],
    conn: Connection,
    own_known_hosts: str,
    user_known_hosts: tuple[str, ...],
    max_handshakes: int,
    flush_interval: float,
    ssh_config: str | None = None,
    transport: str = "paramiko",
    niceness: int = 0,
) -> None:
    """Entry point of a collector process."""
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    from console.fleet.compact import CompactSample
    from console.fleet.health import newest_keeping_xids
    from console.fleet.packing import pack
    from console.telemetry.bundle import probe_payload
    from console.telemetry.collector import SshCollector
    from console.telemetry.hostkeys import HostKeyStore
    from console.telemetry.ssh_resolve import SshResolver

    lock = threading.Lock()
    samples: dict[str, NodeSample | CompactSample] = {}  # newest per node since the last flush
    events: list[NodeEvent] = []
    watched: frozenset[str] = frozenset()  # nodes whose full samples the console is showing

    def sink(item: Item) -> None:
        with lock:
            if isinstance(item, NodeSample | CompactSample):
                samples[item.host] = newest_keeping_xids(samples.get(item.host), item)
            else:
                events.append(item)

    keys = HostKeyStore(Path(own_known_hosts), tuple(Path(p) for p in user_known_hosts))
    resolver = SshResolver(Path(ssh_config) if ssh_config else None)
    from console.telemetry.openssh_collector import OpensshCollector

    kind = OpensshCollector if transport == "openssh" else SshCollector
    collector = kind(
        specs, sink, keys, probe_payload(), max_handshakes=max_handshakes, resolver=resolver,
        compact=True,  # protocol v2 samples stay compact: only the watched are made whole
    )
    collector.start()
    try:
        while True:
            if conn.poll(flush_interval):
                command = conn.recv()
                if command[0] == "stop":
                    break
                if command[0] == "trust":
                    collector.trust_host_key(command[1], command[2])
                if command[0] == "watch":
                    watched = command[1]
            with lock:
                fresh, sent_events = list(samples.values()), list(events)
                samples.clear()
                events.clear()
            if fresh or sent_events:
                # packed arrays for everyone; whole samples (processes, node info) only for the
                # few nodes someone has open
                details = tuple(
                    s.full() if isinstance(s, CompactSample) else s
                    for s in fresh
                    if s.host in watched
                )
                conn.send((pack(fresh) if fresh else None, tuple(sent_events), details))
    except (EOFError, OSError):
        pass  # the console went away: stop quietly, the probes end with their channels
    finally:
        collector.stop()


class SshSource:
    kind = "ssh"

    def __init__(
        self,
        specs: Sequence[NodeSpec],
        own_known_hosts: Path,
        user_known_hosts: tuple[Path, ...] = (),
        per_process: int = 250,
        max_handshakes: int = 16,
        flush_interval: float = 0.25,
        ssh_config: Path | None = None,
        transport: str = "paramiko",  # or "openssh": an `ssh` process per node
        niceness: int = COLLECTOR_NICENESS,  # 0: as the console's own priority (bench baseline)
    ) -> None:
        self.specs = tuple(specs)
        self._niceness = niceness
        self._transport = transport
        self._ssh_config = ssh_config  # ssh -F; None: ~/.ssh/config and /etc/ssh/ssh_config
        self._own_known_hosts = own_known_hosts
        self._user_known_hosts = user_known_hosts
        self._per_process = per_process
        self._max_handshakes = max_handshakes
        self._flush_interval = flush_interval
        self._shards: list[tuple[NodeSpec, ...]] = []
        self._procs: list[multiprocessing.process.BaseProcess | None] = []
        self._conns: list[Connection | None] = []
        self._shard_of: dict[str, int] = {}
        self._send_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._stopping = threading.Event()
        self._watched: frozenset[str] = frozenset()  # told again to a respawned collector

    @property
    def node_count(self) -> int:
        return len(self.specs)

    def shards(self) -> list[tuple[NodeSpec, ...]]:
        size = max(1, self._per_process)
        return [self.specs[i : i + size] for i in range(0, len(self.specs), size)]

    def start(
        self, sink: Callable[[Item], None], packed_sink: Callable[[PackedSamples], None]
    ) -> None:
        self._stopping.clear()
        self._shards = self.shards()
        self._procs = [None] * len(self._shards)
        self._conns = [None] * len(self._shards)
        for index, shard in enumerate(self._shards):
            self._shard_of.update((s.name, index) for s in shard)
            self._spawn(index)
        self._reader = threading.Thread(
            target=self._read, args=(sink, packed_sink), name="ssh-source-reader", daemon=True
        )
        self._reader.start()

    def _spawn(self, index: int) -> Connection:
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        ours, theirs = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_collector_main,
            args=(
                self._shards[index],
                theirs,
                str(self._own_known_hosts),
                tuple(map(str, self._user_known_hosts)),
                self._max_handshakes,
                self._flush_interval,
                str(self._ssh_config) if self._ssh_config else None,
                self._transport,
                self._niceness,
            ),
            name=f"hangang-collector-{index}",
            daemon=True,
        )
        proc.start()
        theirs.close()
        with self._send_lock:
            self._procs[index], self._conns[index] = proc, ours
            mine = frozenset(n for n in self._watched if self._shard_of.get(n) == index)
            if mine:
                with contextlib.suppress(OSError):
                    ours.send(("watch", mine))
        return ours

    def _read(
        self, sink: Callable[[Item], None], packed_sink: Callable[[PackedSamples], None]
    ) -> None:
        shard_of_conn = {conn: i for i, conn in enumerate(self._conns)}
        restarts = [0] * len(self._shards)
        due: dict[int, float] = {}  # shard → when to respawn its collector
        while not self._stopping.is_set():
            for conn in wait(list(shard_of_conn), timeout=0.5):
                try:
                    packed, events, details = conn.recv()
                except (EOFError, OSError):
                    index = shard_of_conn.pop(conn)
                    if not self._stopping.is_set():
                        due[index] = self._collector_died(index, restarts[index], sink)
                        restarts[index] += 1
                    continue
                if packed is not None:
                    packed_sink(packed)
                for item in (*events, *details):
                    sink(item)
            for index, when in list(due.items()):
                if time.monotonic() >= when and not self._stopping.is_set():
                    del due[index]
                    shard_of_conn[self._spawn(index)] = index

    def _collector_died(self, index: int, restarts: int, sink: Callable[[Item], None]) -> float:
        """Say so for each of its nodes (never let 250 nodes just fade), and when to respawn."""
        proc = self._procs[index]
        proc.join(timeout=1)
        delay = min(60.0, 2.0**restarts)
        message = translate(
            "Collector", "collector process exited (code {code}); restarting in {delay:g} s"
        ).fill(code=proc.exitcode, delay=delay)
        now = time.time()
        for spec in self._shards[index]:
            sink(NodeEvent(spec.name, now, NodeStatus.UNREACHABLE, message))
        return time.monotonic() + delay

    def trust_host_key(self, name: str, expected_fingerprint: str) -> None:
        index = self._shard_of.get(name)
        if index is None:
            raise KeyError(f"unknown node {name!r}")
        with self._send_lock:
            self._conns[index].send(("trust", name, expected_fingerprint))

    def watch(self, names: frozenset[str]) -> None:
        """Ask for whole samples of these nodes (the rest arrive packed only)."""
        with self._send_lock:
            self._watched = frozenset(names)
            for index, conn in enumerate(self._conns):
                mine = frozenset(n for n in names if self._shard_of.get(n) == index)
                if conn is not None:
                    with contextlib.suppress(OSError):
                        conn.send(("watch", mine))

    def stop(self) -> None:
        self._stopping.set()
        if self._reader is not None:  # first, so no collector is respawned behind our back
            self._reader.join(timeout=5)
        with self._send_lock:
            for conn in self._conns:
                if conn is not None:
                    with contextlib.suppress(OSError):
                        conn.send(("stop",))
        deadline = time.monotonic() + 10
        for proc in self._procs:
            if proc is None:
                continue
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=2)
        for conn in self._conns:
            if conn is not None:
                conn.close()
        self._procs.clear()
        self._conns.clear()
