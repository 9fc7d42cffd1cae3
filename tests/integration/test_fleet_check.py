"""`hangang-console fleet check FLEET.toml [--connect]` against real sshds: what it prints,
and its exit status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.commands.fleet import main
from tests.integration.ssh_env import SshEnv, fleet_node, node_block
from tests.paths import REPO


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SshEnv:
    return SshEnv(tmp_path, monkeypatch)


def run(env: SshEnv, fleet: Path, *extra: str, capsys) -> tuple[int, str]:
    argv = ["check", str(fleet), "--ssh-config", str(env.config), "--known-hosts",
            str(env.own_known_hosts), *extra]
    code = main(argv)
    return code, capsys.readouterr().out


def test_settings_are_printed_per_node(env, sshd_testbed_factory, capsys):
    bastion, tb = sshd_testbed_factory(), sshd_testbed_factory(nodes=2)
    a, b = tb.addresses
    env.write_config(
        node_block("bastion1", bastion, "127.0.0.1")
        + node_block("gpu1", tb, a, "ProxyJump bastion1")
        + node_block("gpu2", tb, b)
    )
    fleet = env.fleet(fleet_node("gpu1", tb) + fleet_node("gpu2", tb, org=None, sector="private"))
    code, out = run(env, fleet, "--lang", "en", capsys=capsys)
    assert code == 0, out
    assert "gpu1: sector Public-interest, organisation The Lab" in out
    assert f"ssh: root@{a}:{tb.port}" in out
    assert f"jumps: root@127.0.0.1:{bastion.port} (bastion1)" in out
    assert f"identity: {tb.client_key_path}" in out
    assert f"known_hosts: {env.known_hosts}, {env.global_known_hosts}" in out
    assert "jumps: none (direct)" in out  # gpu2
    code, out = run(env, fleet, "--lang", "ko", capsys=capsys)
    assert "gpu1: 섹터 공익, 기관 연구소" in out


def test_bad_entries_name_file_line_and_field(env, sshd_testbed_factory, capsys):
    tb = sshd_testbed_factory(nodes=1)
    env.write_config(node_block("gpu1", tb, tb.addresses[0]))
    fleet = env.fleet(fleet_node("gpu1", tb, sector="nowhere"))
    code, out = run(env, fleet, capsys=capsys)
    assert code == 1
    line = fleet.read_text().splitlines().index('sector = "nowhere"') + 1
    assert out.startswith(f"{fleet}:{line}: nodes[0].sector: unknown sector 'nowhere'")
    # a bad line in the ssh config is named by ssh itself: file and line
    env.config.write_text(env.config.read_text() + "    Bogus yes\n")
    fleet = env.fleet(fleet_node("gpu1", tb), "ok.toml")
    code, out = run(env, fleet, capsys=capsys)
    last = len(env.config.read_text().splitlines())
    assert code == 1
    assert f"{env.config}:{last}: Host gpu1: Bad configuration option: bogus" in out


def test_connect_prints_one_status_per_node(env, sshd_testbed_factory, capsys):
    tb = sshd_testbed_factory(nodes=2)
    a, b = tb.addresses
    env.write_config(node_block("gpu1", tb, a) + node_block("gpu2", tb, b))
    env.know(tb.known_hosts_line(a), "garbage line")
    fleet = env.fleet(fleet_node("gpu1", tb) + fleet_node("gpu2", tb))
    code, out = run(env, fleet, "--connect", "--lang", "en", capsys=capsys)
    assert code == 1
    assert "gpu1: OK: host key known, logged in, probe sent 8 GPUs" in out
    assert f"gpu2: HOST KEY UNKNOWN: [{b}]:{tb.port}: unknown ssh-ed25519 host key" in out
    assert f"warning: skipped known_hosts line: {env.known_hosts}:2:" in out
    env.know(tb.known_hosts_line(b))
    code, out = run(env, fleet, "--connect", capsys=capsys)
    assert code == 0, out
    assert out.count(": OK: ") == 2


def test_the_command_line_entry_point(env, sshd_testbed_factory):
    tb = sshd_testbed_factory(nodes=1)
    (a,) = tb.addresses
    env.write_config(node_block("gpu1", tb, a))
    env.know(tb.known_hosts_line(a))
    fleet = env.fleet(fleet_node("gpu1", tb))
    done = subprocess.run(
        [sys.executable, "-m", "console.app", "fleet", "check", str(fleet), "--connect",
         "--ssh-config", str(env.config), "--known-hosts", str(env.own_known_hosts),
         "--lang", "ko"],
        capture_output=True, text=True, cwd=REPO, env=os.environ.copy(), timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gpu1: 정상:" in done.stdout
