"""Host keys judged as ssh judges them, against a real sshd that offers several key types:
only one type known, @revoked, @cert-authority with signed host certificates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from console.fleet.model import NodeStatus
from tests.integration.ssh_env import SshEnv, fleet_node, make_ca, node_block


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SshEnv:
    return SshEnv(tmp_path, monkeypatch)


@pytest.fixture(params=["check", "paramiko", "openssh"])
def judge(request, env):
    """How a node is reached: `fleet check` (paramiko, once), or followed by the streaming
    collector of either transport: the same keys must get the same verdicts, whoever checks
    them (with openssh, ssh itself checks)."""
    if request.param == "check":
        return env.check
    return lambda nodes: env.stream(nodes, request.param)


@pytest.mark.parametrize("kind", ["ecdsa", "rsa"])
def test_only_one_key_type_known_is_enough(env, judge, sshd_testbed_factory, kind):
    # the server offers ed25519 first; knowing only its ECDSA (or RSA) key must still be "known"
    tb = sshd_testbed_factory(nodes=1, host_key_types=("ecdsa", "rsa"))
    (address,) = tb.addresses
    env.write_config(node_block("gpu1", tb, address))
    env.know(tb.known_hosts_line(address, kind=kind))
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert (result.status, result.gpus) == (NodeStatus.LIVE, 8), result.message


def test_a_different_key_of_a_known_type_is_a_changed_key(env, judge, sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=1, host_key_types=("ecdsa",))
    (address,) = tb.addresses
    env.write_config(node_block("gpu1", tb, address))
    env.know(tb.known_hosts_line(address, kind="ecdsa"))
    tb.extra_host_keys["ecdsa"].unlink()
    Path(f"{tb.extra_host_keys['ecdsa']}.pub").unlink()
    path = tb.extra_host_keys["ecdsa"]
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", path], check=True)
    tb.restart()
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert result.status == NodeStatus.HOSTKEY_CHANGED
    assert "HOST KEY CHANGED" in result.message and "known_hosts:1" in result.message


def test_revoked_key_is_refused_with_its_own_words(env, judge, sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=1)
    (address,) = tb.addresses
    env.write_config(node_block("gpu1", tb, address))
    line = tb.known_hosts_line(address)
    key = line.split(" ", 1)[1]
    env.know(line, f"@revoked * {key}")
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert result.status == NodeStatus.HOSTKEY_CHANGED
    assert "REVOKED" in result.message and f"{env.known_hosts}:2" in result.message


def test_markers_and_bad_lines_do_not_stop_the_others(
    env, judge, sshd_testbed_factory, caplog, request
):
    tb = sshd_testbed_factory(nodes=1)
    (address,) = tb.addresses
    env.write_config(node_block("gpu1", tb, address))
    other_ca = " ".join(Path(f"{make_ca(env.dir / 'ca')}.pub").read_text().split()[:2])
    env.know(
        f"@cert-authority *.corp.example {other_ca}",
        "this line is nonsense",
        tb.known_hosts_line(address),
    )
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert result.status == NodeStatus.LIVE, result.message
    if request.node.callspec.params["judge"] != "openssh":  # there ssh reads the file, not us
        assert f"{env.known_hosts}:2" in caplog.text


@pytest.mark.parametrize(
    "algorithm",
    ["", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com"],
    ids=["ed25519", "ecdsa", "rsa"],
)
def test_host_certificate_signed_by_a_known_ca(env, judge, sshd_testbed_factory, algorithm):
    tb = sshd_testbed_factory(nodes=1, host_key_types=("ecdsa", "rsa"))
    (address,) = tb.addresses
    ca = make_ca(env.dir / "host_ca")
    tb.certify_host_keys(ca, address)
    forced = f"HostKeyAlgorithms {algorithm}" if algorithm else ""
    env.write_config(node_block("gpu1", tb, address, forced))
    ca_public = Path(f"{ca}.pub").read_text().split()[:2]
    env.know(f"@cert-authority [{address}]:{tb.port} {' '.join(ca_public)}")
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert (result.status, result.gpus) == (NodeStatus.LIVE, 8), result.message


def test_host_certificate_for_another_name_is_refused(env, judge, sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=1)
    (address,) = tb.addresses
    ca = make_ca(env.dir / "host_ca")
    tb.certify_host_keys(ca, "other.example")
    env.write_config(node_block("gpu1", tb, address))
    env.know("@cert-authority * " + " ".join(Path(f"{ca}.pub").read_text().split()[:2]))
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert result.status == NodeStatus.HOSTKEY_CHANGED
    assert "certificate" in result.message and "other.example" in result.message


def test_a_revoked_ca_refuses_its_certificates(env, judge, sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=1)
    (address,) = tb.addresses
    ca = make_ca(env.dir / "host_ca")
    tb.certify_host_keys(ca, address)
    env.write_config(node_block("gpu1", tb, address))
    ca_key = " ".join(Path(f"{ca}.pub").read_text().split()[:2])
    env.know(f"@cert-authority * {ca_key}", f"@revoked * {ca_key}")
    result = judge(fleet_node("gpu1", tb))["gpu1"]
    assert result.status == NodeStatus.HOSTKEY_CHANGED and "REVOKED" in result.message
