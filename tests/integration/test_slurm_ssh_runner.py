"""The Slurm controller is reached as `ssh ctl` would reach it: an alias from the ssh config,
its jump host, each host key checked; an unknown key is refused, never accepted on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm_runner import SshRunner
from tests.integration.ssh_env import SshEnv, node_block


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SshEnv:
    return SshEnv(tmp_path, monkeypatch)


def runner(env: SshEnv) -> SshRunner:
    return SshRunner("slurm-ctl", None, None, env.own_known_hosts, (), None, None,
                     resolver=env.resolver())


def test_controller_alias_behind_a_jump_host(env, sshd_testbed_factory):
    bastion, ctl = sshd_testbed_factory(), sshd_testbed_factory(nodes=1)
    env.write_config(
        node_block("jump", bastion, "127.0.0.1")
        + node_block("slurm-ctl", ctl, ctl.addresses[0], "ProxyJump jump")
    )
    env.know(bastion.known_hosts_line("127.0.0.1"), ctl.known_hosts_line(ctl.addresses[0]))
    run = runner(env)
    try:
        assert run.run(["sh", "-c", 'echo "$1" ${SSH_CONNECTION##* }', "sh", "hello"]) == (
            f"hello {ctl.port}\n"
        )
        run.write_file(str(env.dir / "include.conf"), "PartitionName=public\n", keep=1)
        assert run.read_file(str(env.dir / "include.conf")) == "PartitionName=public\n"
    finally:
        run.close()


def test_an_unknown_jump_host_key_is_refused(env, sshd_testbed_factory):
    bastion, ctl = sshd_testbed_factory(), sshd_testbed_factory(nodes=1)
    env.write_config(
        node_block("jump", bastion, "127.0.0.1")
        + node_block("slurm-ctl", ctl, ctl.addresses[0], "ProxyJump jump")
    )
    env.know(ctl.known_hosts_line(ctl.addresses[0]))
    run = runner(env)
    with pytest.raises(BackendError, match=r"jump host jump: \[127\.0\.0\.1\]:\d+: unknown"):
        run.run(["true"])
    run.close()
