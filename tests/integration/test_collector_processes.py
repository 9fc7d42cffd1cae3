"""SshSource: collector processes ship packed samples; a collector that dies is reported for
every one of its nodes and comes back by itself."""

from __future__ import annotations

import os
import threading
import time

import psutil
import pytest

from console.fleet.model import NodeEvent, NodeStatus
from console.telemetry.workers import COLLECTOR_NICENESS, SshSource
from tests.integration.test_ssh_collector import TRANSPORTS, spec

pytestmark = pytest.mark.parametrize("transport", list(TRANSPORTS))


def ssh_processes(port: int) -> list[psutil.Process]:
    """Any `ssh` client process still dialling the testbed's port (an orphan of a collector)."""
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "ssh" and str(port) in (p.info["cmdline"] or []):
            found.append(p)
    return found


class Received:
    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.events: list[NodeEvent] = []
        self.cond = threading.Condition()

    def packed(self, p) -> None:
        with self.cond:
            self.hosts.extend(p.hosts)
            self.cond.notify_all()

    def item(self, e) -> None:
        with self.cond:
            self.events.append(e)
            self.cond.notify_all()

    def wait(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out waiting for {what}"
                self.cond.wait(min(left, 0.2))


def test_dead_collector_is_reported_and_respawned(sshd_testbed_factory, tmp_path, transport):
    tb = sshd_testbed_factory(nodes=4)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    specs = [spec(tb, f"n{i}", a) for i, a in enumerate(tb.addresses)]
    ssh_config = tmp_path / "ssh_config"  # never the runner's ~/.ssh or /etc/ssh files
    ssh_config.write_text(f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
                          f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n")
    source = SshSource(specs, known, per_process=2, ssh_config=ssh_config,  # two collectors
                       transport=transport)
    got = Received()
    source.start(got.item, got.packed)
    try:
        names = {s.name for s in specs}
        got.wait(lambda: set(got.hosts) >= names, 60, "packed samples from every node")
        # collectors run below the console in the scheduler (workers.COLLECTOR_NICENESS): they
        # have sent samples, so each has set its priority
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert [os.getpriority(os.PRIO_PROCESS, p.pid) for p in source._procs] == [
            min(19, ours + COLLECTOR_NICENESS)] * 2
        victim = source._procs[0]
        victim.kill()
        dead = {"n0", "n1"}

        def reported() -> bool:
            return dead <= {
                e.host
                for e in got.events
                if e.status == NodeStatus.UNREACHABLE and "collector process exited" in e.message
            }

        got.wait(reported, 20, "the dead collector's nodes reported")
        assert not any(
            "collector process exited" in e.message for e in got.events if e.host not in dead
        )
        seen = len(got.hosts)
        got.wait(lambda: dead <= set(got.hosts[seen:]), 60, "its nodes back after the respawn")
        assert source._procs[0] is not victim and source._procs[0].is_alive()
    finally:
        source.stop()
    assert not any(p.is_alive() for p in (victim,))
    # a collector killed outright leaves no ssh behind either (they end with their parent)
    got.wait(lambda: not ssh_processes(tb.port), 20, "no ssh process left")


def test_a_respawned_collector_is_told_the_watched_nodes_again(
    sshd_testbed_factory, tmp_path, transport
):
    """serve watches every node: whole samples must keep coming after a collector died."""
    from console.fleet.model import NodeSample

    tb = sshd_testbed_factory(nodes=2)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    specs = [spec(tb, f"n{i}", a) for i, a in enumerate(tb.addresses)]
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
                          f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n")
    source = SshSource(specs, known, per_process=2, ssh_config=ssh_config, transport=transport)
    source.watch(frozenset({"n0", "n1"}))  # before start, as serve does
    got = Received()
    source.start(got.item, got.packed)
    try:
        def whole() -> set[str]:
            return {e.host for e in got.events if isinstance(e, NodeSample)}

        got.wait(lambda: whole() >= {"n0", "n1"}, 60, "whole samples of the watched nodes")
        victim = source._procs[0]
        victim.kill()
        got.wait(lambda: source._procs[0] is not victim, 30, "the respawn")
        seen = len(got.events)
        got.wait(lambda: {e.host for e in got.events[seen:] if isinstance(e, NodeSample)}
                 >= {"n0", "n1"}, 60, "whole samples after the respawn")
    finally:
        source.stop()
