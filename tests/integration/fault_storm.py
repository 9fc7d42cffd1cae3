"""A fault storm over the real sshd testbed, shared by the test and the benchmark.

N nodes go live through the real collector processes and window; then at once:
  killed     (30 %) the machine dies: its relay closes the connections and refuses new ones
  blackholed (10 %) a silent partition: its relay holds every byte, sockets stay open
  key changed (5 %) the machine is replaced: its relay drops the connections and sends new ones
                    to a second sshd with another host key
  hung probe  (5 %) the probe process stops (SIGSTOP); sshd still answers keepalives
and the rest (50 %) must keep updating. Those three kinds are dialled through relays
from the start (tests/integration/relay_host.py, a process of its own), so the storm is real TCP
behaviour, not a flag in the console. The expected end state of each kind is in EXPECTED.

The window's responsiveness is the lateness of a 10 ms QTimer in the process that runs it
(StallMeter): its p99 is the figure `make bench` prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from console.cli import parse_args
from console.fleet.metrics import default_registry
from console.fleet.model import NodeStatus, Sector
from console.fleet.poller import Poller
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.services import Services
from console.telemetry.workers import SshSource
from tests.integration.sshd_testbed import (
    SshdTestbed,
    _established_inodes,
    _process_table,
    _socket_inodes,
)

ROOT = Path(__file__).resolve().parents[2]
SHARES = {"killed": 0.30, "blackholed": 0.10, "key_changed": 0.05, "hung": 0.05}

# What each kind must show once the storm has settled. A hung probe is noticed by the watchdog
# (STALE) and the console reconnects with a fresh probe, so it comes back LIVE; `SEEN` below
# records that it was STALE on the way.
EXPECTED: dict[str, frozenset[NodeStatus]] = {
    "healthy": frozenset({NodeStatus.LIVE}),
    "killed": frozenset({NodeStatus.UNREACHABLE, NodeStatus.CONNECTING}),
    "blackholed": frozenset({NodeStatus.STALE, NodeStatus.UNREACHABLE, NodeStatus.CONNECTING}),
    "key_changed": frozenset({NodeStatus.HOSTKEY_CHANGED}),
    "hung": frozenset({NodeStatus.LIVE}),
}
RELAYED = ("killed", "blackholed", "key_changed")
SEEN: dict[str, NodeStatus] = {"hung": NodeStatus.STALE, "blackholed": NodeStatus.STALE}


@dataclass
class Storm:
    tb: SshdTestbed
    reinstalled: SshdTestbed  # the same nodes with another host key
    tmp: Path
    interval: float
    kinds: dict[str, str]  # node address -> kind
    specs: tuple[NodeSpec, ...] = ()
    known_hosts: Path | None = None
    relays: subprocess.Popen[str] | None = None
    dial: dict[str, tuple[str, int]] = field(default_factory=dict)
    node_of: dict[str, str] = field(default_factory=dict)  # node name -> testbed address
    _hung_probes: list[int] = field(default_factory=list)

    def kind_of(self, spec: NodeSpec) -> str:
        return self.kinds[self.node_of[spec.name]]

    @classmethod
    def plan(
        cls,
        tb: SshdTestbed,
        reinstalled: SshdTestbed,
        tmp: Path,
        n: int,
        interval: float = 1.0,
        seed: int = 7,
    ) -> Storm:
        addresses = tb.node_addresses(n)
        shuffled = random.Random(seed).sample(addresses, n)
        kinds = dict.fromkeys(addresses, "healthy")
        start = 0
        for kind, share in SHARES.items():
            count = round(n * share)
            kinds.update(dict.fromkeys(shuffled[start : start + count], kind))
            start += count
        return cls(tb, reinstalled, Path(tmp), interval, kinds)

    def names(self, kind: str) -> list[str]:
        return [s.name for s in self.specs if self.kind_of(s) == kind]

    # ---- set up ------------------------------------------------------------------------------

    def start_relays(self) -> None:
        relayed = [a for a, k in self.kinds.items() if k in RELAYED]
        self.relays = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.relay_host", str(self.tb.port), *relayed],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.relays.stdout.readline()
        if not line:
            raise RuntimeError("relay host died at start")
        self.dial = {a: (host, port) for a, (host, port) in json.loads(line).items()}

    def build_specs(self) -> tuple[NodeSpec, ...]:
        specs, known = [], []
        for i, address in enumerate(self.kinds):
            host, port = self.dial.get(address, (address, self.tb.port))
            specs.append(
                NodeSpec(
                    f"n{i:04d}",
                    Sector.PUBLIC,
                    None,
                    8,
                    address=host,
                    port=port,
                    user="root",
                    identity_file=str(self.tb.client_key_path),
                    python=self.tb.python,
                    interval=self.interval,
                )
            )
            known.append(self.tb.known_hosts_line(host, port))
            self.node_of[f"n{i:04d}"] = address
        self.specs = tuple(specs)
        self.known_hosts = self.tmp / "storm_known_hosts"
        self.known_hosts.write_text("".join(line + "\n" for line in known))
        return self.specs

    # ---- the storm ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """Find the probes to hang now, so the storm itself is quick (a pass over /proc with
        hundreds of sessions takes seconds on this machine)."""
        sessions = sessions_by_address(self.tb, [self.node_of[s.name] for s in self.specs])
        for spec in self.specs:
            if self.kind_of(spec) == "hung":
                node = self.node_of[spec.name]
                probes = probe_pids(sessions.get(node, []))
                self._hung_probes += probes
                self.tb._frozen.setdefault(node, []).extend(probes)

    def unleash(self) -> None:
        """Every fault at once (as close to it as one loop allows); safe from any thread."""
        verbs = {"killed": "close", "blackholed": "blackhole", "key_changed": "retarget"}
        for spec in self.specs:
            kind = self.kind_of(spec)
            if kind in verbs:
                node = self.node_of[spec.name]
                extra = f" {self.reinstalled.port}" if kind == "key_changed" else ""
                self._relay(f"{verbs[kind]} {node}{extra}")
        for pid in self._hung_probes:
            _kill(pid, signal.SIGSTOP)

    def _relay(self, command: str) -> None:
        assert self.relays is not None and self.relays.stdin is not None
        self.relays.stdin.write(command + "\n")
        self.relays.stdin.flush()
        answer = self.relays.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"relay host: {command!r} -> {answer!r}")

    def close(self) -> None:
        if self.relays is not None:
            if self.relays.poll() is None:
                try:
                    self.relays.stdin.write("quit\n")
                    self.relays.stdin.flush()
                except OSError:
                    pass
            try:
                self.relays.wait(10)
            except subprocess.TimeoutExpired:
                self.relays.kill()
                self.relays.wait(5)
        self.tb.thaw()


def sessions_by_address(tb: SshdTestbed, addresses: list[str]) -> dict[str, list[int]]:
    """Each node's sshd session processes, in one pass over /proc (session_pids() per node
    rescans every process each time)."""
    owners: dict[int, int] = {}
    for pid in tb.pids():
        for inode in _socket_inodes(pid):
            owners[inode] = pid
    found: dict[str, list[int]] = {}
    for address in addresses:
        pids = {owners[i] for i in _established_inodes(address, tb.port) if i in owners}
        found[address] = sorted(pids)
    return found


def probe_pids(session_pids: list[int]) -> list[int]:
    """The non-sshd descendants of these sessions: the probe (and the shell that runs it)."""
    table = _process_table()
    found, frontier = [], list(session_pids)
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _state) in table.items():
            if ppid == parent:
                frontier.append(pid)
                if _comm(pid) != "sshd":
                    found.append(pid)
    return found


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _kill(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


class StallMeter:
    """Lateness of a 10 ms QTimer: how long the event loop could not run it."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.late_ms: list[float] = []
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.monotonic()
        self.late_ms.append(max(0.0, (now - self._last - 0.010) * 1e3))
        self._last = now

    def quantile(self, q: float) -> float:
        ordered = sorted(self.late_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def settled(storm: Storm, snap, seen: dict[str, set[str]]) -> list[str]:
    """Nodes not yet in their expected state (empty: the storm has settled)."""
    by_name = {name: i for i, name in enumerate(snap.node_names)}
    pending = []
    for spec in storm.specs:
        kind = storm.kind_of(spec)
        i = by_name[spec.name]
        status = NodeStatus(int(snap.node_status[i]))
        if kind in SEEN and status == SEEN[kind]:
            seen.setdefault(kind, set()).add(spec.name)
        ok = status in EXPECTED[kind]
        if kind == "healthy":
            ok = ok and snap.node_age_s[i] < 3 * storm.interval
        if kind in SEEN:
            ok = ok and spec.name in seen.get(kind, set())
        if not ok:
            pending.append(f"{spec.name} ({kind}): {status.name} {snap.node_reason[i]!r}")
    return pending


def run_storm(storm: Storm, stall: StallMeter, frontend, wait, nodes: int) -> dict:
    """Start the console on the storm's fleet, wait for all live, unleash, wait until every node
    is in its expected state. `frontend` is a WindowFrontend with its application created;
    `wait(predicate, timeout_ms)` runs the event loop until predicate() (raising on timeout)."""
    from console.bridge import Bridge

    storm.start_relays()
    specs = storm.build_specs()
    inventory = Inventory(specs, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25})
    fleet = FleetState(inventory, default_registry(), stale_after_s=3 * storm.interval)
    bridge = Bridge(fleet)
    source = SshSource(specs, storm.known_hosts)
    poller = Poller([source], on_batch=bridge.submit)
    services = Services(inventory, default_registry(), fleet, poller, bridge, (source,))
    frontend.open(services, parse_args(["--lang", "en"]), started_at=time.time())
    latest = {}
    bridge.snapshot_ready.connect(lambda snap: latest.__setitem__("snap", snap))
    figures: dict = {}
    services.start()
    try:
        t0 = time.monotonic()

        def all_live() -> bool:
            snap = latest.get("snap")
            return snap is not None and int((snap.node_status == NodeStatus.LIVE).sum()) == nodes

        wait(all_live, 240_000)
        figures["all_live_s"] = round(time.monotonic() - t0, 1)
        storm.prepare()
        stall.start()
        # from another thread, as faults come from outside: the window must ride the storm
        failed: list[BaseException] = []

        def unleash() -> None:
            try:
                storm.unleash()
            except BaseException as exc:  # reported below, in the test's thread
                failed.append(exc)

        storm_thread = threading.Thread(target=unleash, name="storm", daemon=True)
        storm_thread.start()
        t1 = time.monotonic()
        seen: dict[str, set[str]] = {}
        pending: list[str] = ["not yet"]

        def calm() -> bool:
            snap = latest.get("snap")
            if snap is None:
                return False
            pending[:] = settled(storm, snap, seen)
            return not pending

        try:
            wait(lambda: failed or calm(), 120_000)
        except Exception as exc:
            raise AssertionError(
                f"{len(pending)} nodes not in their expected state: {pending[:10]}"
            ) from exc
        storm_thread.join(30)
        if failed:
            raise AssertionError(f"the storm could not be unleashed: {failed[0]!r}")
        figures["settled_s"] = round(time.monotonic() - t1, 1)
        stall.stop()
        figures["p50_ms"] = round(stall.quantile(0.5), 1)
        figures["p99_ms"] = round(stall.quantile(0.99), 1)
        figures["max_ms"] = round(stall.quantile(1.0), 1)
        figures["ticks"] = len(stall.late_ms)
    finally:
        stall.stop()  # a failed wait must not leave its timer ticking into later tests
        services.stop()
        storm.close()
    return figures
