"""SshSource: the SSH side of the poller, run in collector processes.

paramiko spends a thread per Transport that wakes every 0.1 s, so a GUI process holding 2,000
connections would spend its time in the scheduler. The fleet is split into shards of at most
`per_process` nodes; each shard runs an SshCollector in its own process (spawned, never forked
from a process that runs Qt) and sends what it collected back over a pipe every `flush_interval`.
The GUI process holds one reader thread and no paramiko at all.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from console.inventory import NodeSpec
from console.model import NodeEvent, NodeSample

Item = NodeSample | NodeEvent


def _collector_main(
    specs: Sequence[NodeSpec],
    conn: Connection,
    own_known_hosts: str,
    user_known_hosts: tuple[str, ...],
    max_handshakes: int,
    flush_interval: float,
) -> None:
    """Entry point of a collector process."""
    from console.telemetry.bundle import probe_payload
    from console.telemetry.collector import SshCollector
    from console.telemetry.hostkeys import HostKeyStore

    lock = threading.Lock()
    pending: list[Item] = []

    def sink(item: Item) -> None:
        with lock:
            pending.append(item)

    keys = HostKeyStore(Path(own_known_hosts), tuple(Path(p) for p in user_known_hosts))
    collector = SshCollector(specs, sink, keys, probe_payload(), max_handshakes=max_handshakes)
    collector.start()
    try:
        while True:
            if conn.poll(flush_interval):
                command = conn.recv()
                if command[0] == "stop":
                    break
                if command[0] == "trust":
                    collector.trust_host_key(command[1], command[2])
            with lock:
                batch, pending[:] = list(pending), []
            if batch:
                conn.send(batch)
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
    ) -> None:
        self.specs = tuple(specs)
        self._own_known_hosts = own_known_hosts
        self._user_known_hosts = user_known_hosts
        self._per_process = per_process
        self._max_handshakes = max_handshakes
        self._flush_interval = flush_interval
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._conns: list[Connection] = []
        self._shard_of: dict[str, int] = {}
        self._send_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def node_count(self) -> int:
        return len(self.specs)

    def shards(self) -> list[tuple[NodeSpec, ...]]:
        size = max(1, self._per_process)
        return [self.specs[i : i + size] for i in range(0, len(self.specs), size)]

    def start(self, sink: Callable[[Item], None]) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        self._stopping.clear()
        for index, shard in enumerate(self.shards()):
            ours, theirs = ctx.Pipe(duplex=True)
            proc = ctx.Process(
                target=_collector_main,
                args=(
                    shard,
                    theirs,
                    str(self._own_known_hosts),
                    tuple(map(str, self._user_known_hosts)),
                    self._max_handshakes,
                    self._flush_interval,
                ),
                name=f"hangang-collector-{index}",
                daemon=True,
            )
            proc.start()
            theirs.close()
            self._procs.append(proc)
            self._conns.append(ours)
            self._shard_of.update((s.name, index) for s in shard)
        self._reader = threading.Thread(
            target=self._read, args=(sink,), name="ssh-source-reader", daemon=True
        )
        self._reader.start()

    def _read(self, sink: Callable[[Item], None]) -> None:
        open_conns = list(self._conns)
        while open_conns and not self._stopping.is_set():
            for conn in wait(open_conns, timeout=0.5):
                try:
                    batch = conn.recv()
                except (EOFError, OSError):
                    open_conns.remove(conn)  # a collector died; its nodes go stale by age
                    continue
                for item in batch:
                    sink(item)

    def trust_host_key(self, name: str, expected_fingerprint: str) -> None:
        index = self._shard_of.get(name)
        if index is None:
            raise KeyError(f"unknown node {name!r}")
        with self._send_lock:
            self._conns[index].send(("trust", name, expected_fingerprint))

    def stop(self) -> None:
        self._stopping.set()
        with self._send_lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.send(("stop",))
        deadline = time.monotonic() + 10
        for proc in self._procs:
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=2)
        if self._reader is not None:
            self._reader.join(timeout=5)
        for conn in self._conns:
            conn.close()
        self._procs.clear()
        self._conns.clear()
