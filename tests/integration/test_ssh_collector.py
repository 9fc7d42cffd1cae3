"""The SSH collector against a real sshd, running the real probe with simulated NVML."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from console.fleet.model import NodeEvent, NodeSample, NodeStatus, Sector
from console.inventory.model import NodeSpec
from console.telemetry.bundle import probe_payload
from console.telemetry.collector import SshCollector
from console.telemetry.hostkeys import HostKeyStore
from console.telemetry.openssh_collector import OpensshCollector
from console.telemetry.ssh import Timeouts
from console.telemetry.ssh_resolve import SshResolver
from tests.integration.sshd_testbed import SshdTestbed

INTERVAL = 0.5
# every test here runs on both transports: paramiko in this process, and an `ssh` per node
TRANSPORTS = {"paramiko": SshCollector, "openssh": OpensshCollector}
FAST = Timeouts(connect=2, banner=3, handshake=3, auth=3, channel=3)


class Recorder:
    """A sink that remembers everything and lets a test wait for a condition."""

    def __init__(self) -> None:
        self.items: list[NodeSample | NodeEvent] = []
        self._cond = threading.Condition()

    def __call__(self, item: NodeSample | NodeEvent) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def samples(self, host: str | None = None) -> list[NodeSample]:
        with self._cond:
            return [
                i
                for i in self.items
                if isinstance(i, NodeSample) and (host is None or i.host == host)
            ]

    def events(self, host: str, status: NodeStatus | None = None) -> list[NodeEvent]:
        with self._cond:
            return [
                i
                for i in self.items
                if isinstance(i, NodeEvent)
                and i.host == host
                and (status is None or i.status == status)
            ]

    def wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
                self._cond.wait(min(left, 0.2))


def spec(tb: SshdTestbed, name: str, address: str, port: int | None = None, **extra) -> NodeSpec:
    return NodeSpec(
        name=name,
        sector=Sector.PUBLIC,
        organisation=None,
        gpu_count=8,
        address=address,
        port=port or tb.port,
        user="root",
        identity_file=str(tb.client_key_path),
        python=tb.python,
        interval=INTERVAL,
        **extra,
    )


def isolated_resolver(tmp_path: Path) -> SshResolver:
    """ssh -G on a private config: never the runner's ~/.ssh or /etc/ssh files."""
    config = tmp_path / "ssh_config"
    if not config.exists():
        config.write_text(
            "Host *\n"
            f"    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
            f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n"
        )
    return SshResolver(config)


@pytest.fixture(params=list(TRANSPORTS))
def transport(request) -> str:
    return request.param


@pytest.fixture
def collect(
    tmp_path: Path, transport: str
) -> Iterator[Callable[..., tuple[SshCollector, Recorder]]]:
    made: list[SshCollector] = []

    def start(
        specs: list[NodeSpec], known: Path | None = None, **kwargs
    ) -> tuple[SshCollector, Recorder]:
        recorder = Recorder()
        keys = HostKeyStore(known or tmp_path / "console_known_hosts", global_files=())
        kwargs.setdefault("resolver", isolated_resolver(tmp_path))
        kwargs.setdefault("timeouts", FAST)
        kwargs.setdefault("backoff", (0.2, 2.0))
        collector = TRANSPORTS[transport](specs, recorder, keys, probe_payload(), **kwargs)
        made.append(collector)
        collector.start()
        return collector, recorder

    yield start
    for collector in made:
        collector.stop()


def test_fifty_nodes_stream_live(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=50)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    specs = [spec(tb, f"gpu{i:03d}", a) for i, a in enumerate(tb.addresses)]
    _, rec = collect(specs, known)
    names = {s.name for s in specs}
    rec.wait(lambda: {s.host for s in rec.samples()} == names, 90, "a sample from every node")
    first = {s.host: s for s in reversed(rec.samples())}
    assert all(len(s.gpus) == 8 for s in first.values())
    assert all(s.info is not None and s.info.hostname for s in first.values())
    # nodes are told apart by the dialled address: their simulated GPUs differ
    uuids = {s.gpus[0].uuid for s in first.values()}
    assert len(uuids) == 50
    # each node streams: more lines keep coming over the same connection
    before = len(rec.samples("gpu000"))
    rec.wait(lambda: len(rec.samples("gpu000")) >= before + 3, 10, "gpu000 to keep streaming")
    sessions = tb.session_pids(tb.addresses[0])
    assert len(sessions) >= 1, "one persistent connection per node"


def test_sshd_killed_then_back(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=3)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    specs = [spec(tb, f"n{i}", a) for i, a in enumerate(tb.addresses)]
    _, rec = collect(specs, known)
    rec.wait(lambda: all(rec.samples(s.name) for s in specs), 30, "all nodes live")
    tb.kill()
    down = (NodeStatus.UNREACHABLE, NodeStatus.PROBE_ERROR, NodeStatus.STALE)
    rec.wait(
        lambda: all(any(e.status in down for e in rec.events(s.name)) for s in specs),
        15,
        "every node reported down",
    )
    count = len(rec.samples())
    tb.start()
    rec.wait(
        lambda: all(any(x.host == s.name for x in rec.samples()[count:]) for s in specs),
        30,
        "all nodes back after sshd restart",
    )


def test_blackholed_node_goes_stale_while_others_keep_updating(
    sshd_testbed_factory, relay_factory, collect, tmp_path
):
    tb = sshd_testbed_factory(nodes=2)
    relay = relay_factory("127.2.0.1", tb.addresses[0], tb.port)
    known = tmp_path / "known"
    known.write_text(
        tb.known_hosts_line("127.2.0.1", relay.port)
        + "\n"
        + tb.known_hosts_line(tb.addresses[1])
        + "\n"
    )
    cut = spec(tb, "cut", "127.2.0.1", port=relay.port)
    fine = spec(tb, "fine", tb.addresses[1])
    _, rec = collect([cut, fine], known)
    rec.wait(lambda: rec.samples("cut") and rec.samples("fine"), 30, "both live")
    relay.blackhole()
    # the line watchdog marks it (not a TCP timeout): waited for, however slow the machine
    rec.wait(lambda: rec.events("cut", NodeStatus.STALE), 120, "the cut node marked stale")
    assert rec.events("cut", NodeStatus.STALE)[0].message.startswith("no data for")
    fine_now = len(rec.samples("fine"))
    rec.wait(lambda: len(rec.samples("fine")) >= fine_now + 3, 10, "the other node to go on")
    relay.heal()
    cut_now = len(rec.samples("cut"))
    rec.wait(lambda: len(rec.samples("cut")) > cut_now, 30, "the cut node back after healing")


def test_hung_session_is_caught_by_the_line_watchdog(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=2)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    _, rec = collect([spec(tb, "hung", tb.addresses[0]), spec(tb, "ok", tb.addresses[1])], known)
    rec.wait(lambda: rec.samples("hung") and rec.samples("ok"), 30, "both live")
    assert tb.freeze(tb.addresses[0])
    try:
        rec.wait(lambda: rec.events("hung", NodeStatus.STALE), 10, "the frozen node stale")
        assert not rec.events("ok", NodeStatus.STALE)
    finally:
        tb.thaw()


def test_unknown_host_key_waits_for_the_operator_then_trusted(
    sshd_testbed_factory, collect, tmp_path
):
    tb = sshd_testbed_factory(nodes=1)
    own = tmp_path / "console_known_hosts"
    collector, rec = collect([spec(tb, "new", tb.addresses[0])], own)
    rec.wait(lambda: rec.events("new", NodeStatus.HOSTKEY_UNKNOWN), 20, "host key unknown")
    event = rec.events("new", NodeStatus.HOSTKEY_UNKNOWN)[0]
    assert event.fingerprint == tb.host_key_fingerprint()
    assert not rec.samples("new") and not own.exists()
    collector.trust_host_key("new", "SHA256:not-what-was-shown")
    rec.wait(
        lambda: len(rec.events("new", NodeStatus.HOSTKEY_UNKNOWN)) >= 2,
        10,
        "a wrong fingerprint refused",
    )
    assert not own.exists()
    collector.trust_host_key("new", event.fingerprint)
    rec.wait(lambda: rec.samples("new"), 30, "live once trusted")
    assert own.read_text().strip() == tb.known_hosts_line(tb.addresses[0]).strip()


def test_changed_host_key_blocks_the_node_and_cannot_be_trusted(
    sshd_testbed_factory, collect, tmp_path
):
    tb = sshd_testbed_factory(nodes=2)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    before = known.read_text()
    tb.regenerate_host_key()
    collector, rec = collect([spec(tb, "moved", tb.addresses[0])], known)
    rec.wait(lambda: rec.events("moved", NodeStatus.HOSTKEY_CHANGED), 20, "host key changed")
    event = rec.events("moved", NodeStatus.HOSTKEY_CHANGED)[0]
    assert event.fingerprint == tb.host_key_fingerprint()
    assert "HOST KEY CHANGED" in event.message
    collector.trust_host_key("moved", event.fingerprint)
    rec.wait(lambda: collector._commands.empty(), 5, "the trust command to be taken")
    assert collector.links["moved"].pending_key is None
    assert known.read_text() == before
    assert not rec.samples("moved")


def test_auth_failure_is_its_own_state(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=1)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    stranger = tmp_path / "stranger_key"  # a key sshd has never seen
    key = ed25519.Ed25519PrivateKey.generate()
    stranger.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    node = dataclasses.replace(spec(tb, "locked", tb.addresses[0]), identity_file=str(stranger))
    _, rec = collect([node], known)
    rec.wait(lambda: rec.events("locked", NodeStatus.AUTH_FAILED), 20, "auth failed")
    assert not rec.samples("locked")


FAULTS = {
    "127.1.9.1": ("garbage", NodeStatus.PROBE_ERROR, "bad line"),
    "127.1.9.2": ("truncated", NodeStatus.PROBE_ERROR, "bad line"),
    "127.1.9.3": ("nonutf8", NodeStatus.PROBE_ERROR, "bad line"),
    "127.1.9.4": ("oversized", NodeStatus.PROBE_ERROR, "longer than 1 MiB"),
    "127.1.9.5": ("hang", NodeStatus.STALE, "no data"),
    "127.1.9.6": ("exit", NodeStatus.PROBE_ERROR, "probe exited (status 1)"),
}


def test_misbehaving_nodes_are_marked_and_never_take_the_others_down(
    sshd_testbed_factory, collect, tmp_path
):
    tb = sshd_testbed_factory(nodes=2, faults={a: f[0] for a, f in FAULTS.items()})
    addresses = [*tb.addresses, *FAULTS]
    known = tb.write_known_hosts(tmp_path / "known", addresses)
    specs = [spec(tb, f"ok{i}", a) for i, a in enumerate(tb.addresses)]
    specs += [spec(tb, kind, a) for a, (kind, _, _) in FAULTS.items()]
    _, rec = collect(specs, known)
    for _, (kind, status, words) in FAULTS.items():
        rec.wait(
            lambda k=kind, s=status, w=words: any(w in e.message for e in rec.events(k, s)),
            30,
            f"{kind} node marked {status.name} ({words})",
        )
        assert not rec.samples(kind)
    # the oversized node is reconnected after each offence, with backoff
    rec.wait(
        lambda: len(rec.events("oversized", NodeStatus.PROBE_ERROR)) >= 2,
        30,
        "the oversized node reconnected and reported again",
    )
    for s in specs[:2]:
        count = len(rec.samples(s.name))
        rec.wait(
            lambda n=s.name, c=count: len(rec.samples(n)) >= c + 3, 15, f"{s.name} still streaming"
        )


def test_jump_host_shares_one_bastion_connection(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=4)
    bastion, *inner = tb.addresses
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    jump = f"root@{bastion}:{tb.port}"
    specs = [spec(tb, f"inner{i}", a, proxy_jump=jump) for i, a in enumerate(inner)]
    collector, rec = collect(specs, known)
    rec.wait(lambda: all(rec.samples(s.name) for s in specs), 30, "nodes behind the bastion live")
    if isinstance(collector, OpensshCollector):
        # one ssh per node, each reaching it through its own `ssh -W` to the bastion
        for s in specs:
            children = psutil.Process(collector.links[s.name].proc.pid).children()
            jumps = [c.cmdline() for c in children if "-W" in c.cmdline()]
            assert [j[-1] for j in jumps] == [bastion], jumps
            assert jumps[0][jumps[0].index("-W") + 1] == f"[{s.address}]:{tb.port}"
    else:
        assert len(collector._bastions) == 1
    # the inner nodes' sessions came through the bastion: sshd saw them dialled on their address
    assert all(s.info.hostname for s in (rec.samples(x.name)[0] for x in specs))


def test_node_dying_mid_stream_is_reported_and_comes_back(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=2)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    _, rec = collect([spec(tb, "dies", tb.addresses[0]), spec(tb, "ok", tb.addresses[1])], known)
    rec.wait(lambda: rec.samples("dies") and rec.samples("ok"), 30, "both live")
    victims = tb.session_pids(tb.addresses[0])
    assert victims
    # the node's probe and its session die at once, as in a crash, while lines are flowing
    doomed = [p for pid in victims for p in [psutil.Process(pid), *psutil.Process(pid).children(
        recursive=True)]]
    for process in doomed:
        process.kill()
    down = (NodeStatus.UNREACHABLE, NodeStatus.PROBE_ERROR)
    rec.wait(lambda: any(e.status in down for e in rec.events("dies")), 15, "the death reported")
    assert not any(e.status in down for e in rec.events("ok"))
    count = len(rec.samples("dies"))
    rec.wait(lambda: len(rec.samples("dies")) > count, 30, "the node back after reconnecting")


def test_stop_leaves_no_process_and_no_session(sshd_testbed_factory, collect, tmp_path):
    tb = sshd_testbed_factory(nodes=3)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    collector, rec = collect([spec(tb, f"n{i}", a) for i, a in enumerate(tb.addresses)], known)
    rec.wait(lambda: all(rec.samples(f"n{i}") for i in range(3)), 30, "all live")
    mine = psutil.Process()
    before = {c.pid for c in mine.children(recursive=True)}
    collector.stop()
    # nothing this collector started is left (its ssh processes and their jump hops), and
    # every node's session on the server ends
    assert not [c for c in mine.children(recursive=True) if c.name() == "ssh"], before
    rec.wait(lambda: not any(tb.session_pids(a) for a in tb.addresses), 15, "sessions gone")
