"""`hangang-console status` as a real process, on the demo and on a real sshd fleet."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.integration.test_console_over_ssh import fleet_file
from tests.paths import REPO


def run_status(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **{v: str(tmp_path / v.lower()) for v in (
        "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}}
    return subprocess.run([sys.executable, "-m", "console.app", "status", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)


def test_status_of_the_demo_fleet_as_json_and_table(tmp_path):
    result = run_status(tmp_path, "--demo", "8", "--format", "json", "--data-dir",
                        str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["sectors"]
    assert [r["sector"] for r in rows] == ["public", "interest", "private"]
    assert sum(r["allocated"] for r in rows) == 64
    assert sum(r["live"] + r["stale"] + r["unreachable"] for r in rows) == 8
    table = run_status(tmp_path, "--demo", "8", "--lang", "en", "--data-dir",
                       str(tmp_path / "d"))
    assert table.returncode == 0 and table.stdout.splitlines()[0].split()[:3] == [
        "Sector", "Entitled", "Allocated"]


def test_status_of_an_sshd_fleet_and_of_one_it_cannot_read(sshd_testbed, tmp_path):
    tb = sshd_testbed
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(
        f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
        f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n"
    )
    known = tmp_path / "xdg_config_home" / "hangang-console" / "known_hosts"
    known.parent.mkdir(parents=True)
    tb.write_known_hosts(known, tb.addresses[:-1])  # the last node's key is unknown
    fleet = fleet_file(tmp_path, tb, tb.addresses)
    result = run_status(tmp_path, "--inventory", str(fleet), "--ssh-config", str(ssh_config),
                        "--format", "json", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    public = json.loads(result.stdout)["sectors"][0]
    assert (public["live"], public["unreachable"], public["allocated"]) == (3, 1, 32)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[nodes]]\nname = 'x'\nsector = 'pubic'\n")
    result = run_status(tmp_path, "--inventory", str(bad))
    assert result.returncode == 2 and "bad.toml" in result.stderr
