"""Jump hosts as ssh takes them: two hops, aliases from the config, Include, and a jump host
whose key is unknown (offered for trust under its own name, never the node's)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from console.fleet.model import NodeStatus
from console.telemetry.bundle import probe_payload
from console.telemetry.known_hosts import host_entry
from tests.integration.ssh_env import FAST, SshEnv, fleet_node, node_block
from tests.integration.test_ssh_collector import TRANSPORTS, Recorder


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SshEnv:
    return SshEnv(tmp_path, monkeypatch)


@pytest.fixture(params=["check", "paramiko", "openssh"])
def judge(request, env):
    """`fleet check`, or a streaming collector of either transport (openssh: nested
    ProxyCommands, each hop checked by ssh against its own files)."""
    if request.param == "check":
        return env.check
    return lambda nodes: env.stream(nodes, request.param)


@pytest.fixture
def hops(sshd_testbed_factory):
    """Two bastions (each its own sshd, host key and client key) and one node."""
    first, second = sshd_testbed_factory(), sshd_testbed_factory()
    node = sshd_testbed_factory(nodes=1)
    return first, second, node


def two_hop_config(first, second, node) -> str:
    return (
        node_block("bastion1", first, "127.0.0.1")
        + node_block("bastion2", second, "127.0.0.2")
        + node_block("gpu1", node, node.addresses[0], "ProxyJump bastion1,bastion2")
    )


def know_all(env: SshEnv, first, second, node) -> None:
    env.know(
        first.known_hosts_line("127.0.0.1"),
        second.known_hosts_line("127.0.0.2"),
        node.known_hosts_line(node.addresses[0]),
    )


def test_two_hops_by_alias(env, judge, hops):
    first, second, node = hops
    env.write_config(two_hop_config(first, second, node))
    know_all(env, first, second, node)
    spec = env.inventory(fleet_node("gpu1", node)).nodes[0]
    assert (spec.address, spec.port, spec.proxy_jump) == (
        node.addresses[0], node.port, "bastion1,bastion2"
    )
    result = judge(fleet_node("gpu1", node))["gpu1"]
    assert (result.status, result.gpus) == (NodeStatus.LIVE, 8), result.message
    # both bastions were logged into, each with its own key from its own Host block
    assert all("Accepted publickey for root" in tb.log_text() for tb in hops)


def test_included_config_is_read(env, judge, hops):
    first, second, node = hops
    included = env.dir / "conf.d"
    included.mkdir()
    env.write_config(two_hop_config(first, second, node), included / "cluster.conf")
    env.config.write_text(f"Include {included}/*.conf\n")
    know_all(env, first, second, node)
    result = judge(fleet_node("gpu1", node))["gpu1"]
    assert result.status == NodeStatus.LIVE, result.message


def test_a_jump_hosts_own_proxyjump_comes_first(env, judge, hops):
    # ProxyJump bastion2 on the node, and bastion2 itself sits behind bastion1
    first, second, node = hops
    env.write_config(
        node_block("bastion1", first, "127.0.0.1")
        + node_block("bastion2", second, "127.0.0.2", "ProxyJump bastion1")
        + node_block("gpu1", node, node.addresses[0], "ProxyJump bastion2")
    )
    know_all(env, first, second, node)
    result = judge(fleet_node("gpu1", node))["gpu1"]
    assert result.status == NodeStatus.LIVE, result.message


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_unknown_bastion_key_is_offered_under_the_bastions_name(env, hops, transport):
    first, second, node = hops
    env.write_config(two_hop_config(first, second, node))
    env.know(first.known_hosts_line("127.0.0.1"), node.known_hosts_line(node.addresses[0]))
    spec = env.inventory(fleet_node("gpu1", node)).nodes[0]
    rec = Recorder()
    collector = TRANSPORTS[transport](
        [dataclasses.replace(spec, interval=0.5)], rec, env.store(), probe_payload(),
        timeouts=FAST, backoff=(0.2, 2.0), resolver=env.resolver(),
    )
    collector.start()
    try:
        rec.wait(lambda: rec.events("gpu1", NodeStatus.HOSTKEY_UNKNOWN), 20, "an unknown key")
        event = rec.events("gpu1", NodeStatus.HOSTKEY_UNKNOWN)[0]
        bastion = host_entry("127.0.0.2", second.port)
        assert event.key_host == bastion
        assert "bastion2" in event.message and event.fingerprint == second.host_key_fingerprint()
        collector.trust_host_key("gpu1", event.fingerprint)
        rec.wait(lambda: rec.samples("gpu1"), 30, "gpu1 live once the bastion is trusted")
    finally:
        collector.stop()
    # the key went into the console's own file for the bastion, not for the node
    assert env.own_known_hosts.read_text().startswith(f"{bastion} ssh-ed25519 ")
    assert host_entry(node.addresses[0], node.port) not in env.own_known_hosts.read_text()
