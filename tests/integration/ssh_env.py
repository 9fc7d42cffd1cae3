"""A private SSH client environment for tests: HOME in a temp dir, an ssh config given with -F
(so neither the runner's ~/.ssh nor /etc/ssh is read), known_hosts files of our own."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from console.inventory.loader import load_inventory
from console.inventory.model import Inventory
from console.telemetry.bundle import probe_payload
from console.telemetry.hostkeys import HostKeyStore
from console.telemetry.ssh import Authenticator, Timeouts
from console.telemetry.ssh_check import CheckResult, check_node
from console.telemetry.ssh_resolve import SshResolver
from console.telemetry.ssh_route import RouteOpener, route_for
from tests.integration.sshd_testbed import SshdTestbed

FAST = Timeouts(connect=2, banner=3, handshake=3, auth=3, channel=3)
FLEET_HEAD = """\
[sectors.public]
entitlement = 0.4
[sectors.interest]
entitlement = 0.35
[sectors.private]
entitlement = 0.25

[[organisations]]
id = "lab"
sector = "interest"
name_ko = "연구소"
name_en = "The Lab"
"""


class SshEnv:
    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.dir = tmp_path
        self.home = tmp_path / "home"
        (self.home / ".ssh").mkdir(parents=True)
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        self.known_hosts = tmp_path / "known_hosts"  # the user's (UserKnownHostsFile)
        self.global_known_hosts = tmp_path / "global_known_hosts"
        self.own_known_hosts = tmp_path / "console_known_hosts"
        self.config = tmp_path / "ssh_config"
        self.write_config("")

    def write_config(self, blocks: str, path: Path | None = None) -> Path:
        """`blocks` first (first value wins in ssh), then the known_hosts files for every host."""
        path = path or self.config
        path.write_text(
            textwrap.dedent(blocks)
            + "\nHost *\n"
            + f"    UserKnownHostsFile {self.known_hosts}\n"
            + f"    GlobalKnownHostsFile {self.global_known_hosts}\n"
        )
        return path

    def resolver(self) -> SshResolver:
        return SshResolver(self.config)

    def store(self) -> HostKeyStore:
        return HostKeyStore(self.own_known_hosts, global_files=())

    def know(self, *lines: str) -> None:
        with open(self.known_hosts, "a") as f:
            f.writelines(line + "\n" for line in lines)

    def fleet(self, nodes: str, name: str = "fleet.toml") -> Path:
        path = self.dir / name
        path.write_text(FLEET_HEAD + textwrap.dedent(nodes), encoding="utf-8")
        return path

    def inventory(self, nodes: str) -> Inventory:
        return load_inventory(self.fleet(nodes), self.config, ssh_options=self.resolver().options)

    def stream(self, nodes: str, transport: str) -> dict[str, CheckResult]:
        """As check(), but as the console follows nodes: the streaming collector of `transport`
        ("paramiko" or "openssh"), until each node's first sample or first refusal."""
        import dataclasses

        from console.fleet.model import NodeStatus
        from console.telemetry.collector import SshCollector
        from console.telemetry.openssh_collector import OpensshCollector
        from tests.integration.test_ssh_collector import Recorder

        specs = [dataclasses.replace(s, interval=0.5) for s in self.inventory(nodes).nodes]
        kind = OpensshCollector if transport == "openssh" else SshCollector
        rec = Recorder()
        collector = kind(specs, rec, self.store(), probe_payload(), timeouts=FAST,
                         backoff=(0.2, 2.0), resolver=self.resolver())

        def first(name: str) -> CheckResult | None:
            for item in rec.items:
                if item.host != name:
                    continue
                if hasattr(item, "gpus"):
                    return CheckResult(name, NodeStatus.LIVE, "", len(item.gpus))
                if item.status != NodeStatus.CONNECTING:
                    return CheckResult(name, item.status, item.message, 0, item.fingerprint)
            return None

        collector.start()
        try:
            rec.wait(lambda: all(first(s.name) for s in specs), 30, "every node's outcome")
            return {s.name: first(s.name) for s in specs}
        finally:
            collector.stop()

    def check(self, nodes: str, store: HostKeyStore | None = None) -> dict[str, CheckResult]:
        """Open every node of the fleet once (jump hosts shared), as `fleet check --connect`."""
        inventory = self.inventory(nodes)
        resolver = self.resolver()
        opener = RouteOpener(store or self.store(), Authenticator(), FAST)
        try:
            return {
                s.name: check_node(s, route_for(s, resolver), opener, probe_payload())
                for s in inventory.nodes
            }
        finally:
            opener.close()


def node_block(alias: str, tb: SshdTestbed, address: str, extra: str = "") -> str:
    """An ssh config Host block for one testbed node (its own client key)."""
    lines = [
        f"Host {alias}",
        f"    HostName {address}",
        f"    Port {tb.port}",
        "    User root",
        f"    IdentityFile {tb.client_key_path}",
        *(f"    {line}" for line in extra.splitlines() if line.strip()),
    ]
    return "\n".join(lines) + "\n"


def fleet_node(name: str, tb: SshdTestbed, org: str | None = "lab", **extra: str) -> str:
    lines = [
        "[[nodes]]",
        f'name = "{name}"',
        *([f'organisation = "{org}"'] if org else []),
        f'python = "{tb.python}"',
        "interval = 0.5",
        *(f'{k} = "{v}"' for k, v in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def make_ca(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-ca", "-f", path],
        check=True,
        capture_output=True,
    )
    return path
