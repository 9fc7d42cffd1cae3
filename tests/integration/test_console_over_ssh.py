"""The whole console on a real fleet: fleet file → collector processes → sshd → probe → window."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import paramiko
import pytest

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import NodeStatus
from console.inventory.loader import load_inventory
from console.paths import config_dir
from widgets.window.frontend import WindowFrontend

NODES = 12


def fleet_file(tmp_path: Path, tb, addresses: list[str], transport: str = "paramiko") -> Path:
    first, last = addresses[0].rsplit(".", 1)[1], addresses[-1].rsplit(".", 1)[1]
    assert int(last) - int(first) + 1 == len(addresses)
    prefix = addresses[0].rsplit(".", 1)[0]
    path = tmp_path / "fleet.toml"
    path.write_text(
        f"""
[sectors.public]
entitlement = "50%"
[sectors.interest]
entitlement = "30%"
[sectors.private]
entitlement = "20%"

[ssh]
transport = "{transport}"

[defaults]
user = "root"
port = {tb.port}
identity_file = "{tb.client_key_path}"
python = "{tb.python}"
interval = 0.5

[[nodes]]
name = "gpu[01-{len(addresses):02d}]"
host = "{prefix}.[{first}-{last}]"
sector = "public"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def console_on(qtbot, tmp_path):
    running = []

    def start(inventory_path: Path):
        # a private ssh config: never the runner's ~/.ssh or /etc/ssh files
        ssh_config = tmp_path / "ssh_config"
        ssh_config.write_text(
            f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
            f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n"
        )
        argv = ["--inventory", str(inventory_path), "--lang", "en", "--ssh-config", str(ssh_config)]
        options = parse_args(argv)
        inventory = load_inventory(inventory_path, ssh_config)
        frontend = WindowFrontend()
        frontend.create_application([])
        services = build_services(options, inventory)
        frontend.open(services, options, started_at=0.0)
        qtbot.addWidget(frontend.window)
        services.start()
        running.append(services)
        return frontend, services

    yield start
    for services in running:
        services.stop()


def wait_snapshot(qtbot, services, predicate, timeout_ms=60_000):
    with qtbot.waitSignal(
        services.bridge.snapshot_ready, timeout=timeout_ms, check_params_cb=predicate
    ) as blocker:
        pass
    return blocker.args[0]


@pytest.mark.parametrize("transport", ["paramiko", "openssh"])
def test_console_follows_a_real_fleet_and_trusts_a_key_on_request(
    sshd_testbed_factory, console_on, qtbot, tmp_path, transport
):
    tb = sshd_testbed_factory(nodes=NODES)
    known = config_dir() / "known_hosts"
    known.parent.mkdir(parents=True, exist_ok=True)
    # every node but the last is known; the last must be trusted by the operator
    tb.write_known_hosts(known, tb.addresses[:-1])
    frontend, services = console_on(fleet_file(tmp_path, tb, tb.addresses, transport))
    window = frontend.window

    def settled(snap) -> bool:
        s = snap.node_status
        return (s == NodeStatus.LIVE).sum() == NODES - 1 and s[-1] == NodeStatus.HOSTKEY_UNKNOWN

    snap = wait_snapshot(qtbot, services, settled)
    assert snap.node_fingerprint[-1] == tb.host_key_fingerprint()
    assert (snap.gpu_util[:-1] >= 0).all()  # 8 simulated GPUs per live node, all with values
    assert np.isnan(snap.gpu_util[-1]).all()
    # the GUI process holds no paramiko transports: the SSH side lives in collector processes
    assert not any(isinstance(t, paramiko.Transport) for t in threading.enumerate())
    assert "host key unknown" in window.status.nodes.text()

    table = window.table
    assert not table.can_trust(0)
    shown: list[str] = []
    table.confirm = lambda text: shown.append(text) or True
    assert table.ask_trust(NODES - 1)
    assert snap.node_fingerprint[-1] in shown[0]
    wait_snapshot(qtbot, services, lambda s: (s.node_status == NodeStatus.LIVE).all())
    assert tb.known_hosts_line(tb.addresses[-1]) in known.read_text()


def test_broken_fleet_file_names_file_line_and_field(tmp_path, capsys):
    from console import app

    bad = tmp_path / "fleet.toml"
    bad.write_text(
        '[sectors.public]\nentitlement = "40%"\n[sectors.interest]\nentitlement = "35%"\n'
        '[sectors.private]\nentitlement = "25%"\n\n[[nodes]]\nname = "gpu1"\nsector = "pubic"\n',
        encoding="utf-8",
    )
    assert app.main(["--inventory", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:10: nodes[0].sector: unknown sector 'pubic'" in err
