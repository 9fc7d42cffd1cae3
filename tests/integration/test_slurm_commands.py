"""`hangang-console rebalance` against the loopback Slurm (locally and through a fleet file's
[slurm] table), and the backend over SSH to the "controller" (a loopback sshd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.capacity.audit import AuditLog, audit_path
from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm_setup import SlurmOptions, slurm_backend_from
from console.commands import rebalance
from console.fleet.model import Sector
from console.inventory.loader import load_inventory


def fleet_file(tmp_path: Path, tb, controller: str = "") -> Path:
    path = tmp_path / "fleet.toml"
    path.write_text(f"""
[sectors]
public = "40%"
interest = "35%"
private = "25%"

[[nodes]]
name = "n[01-03]"
sector = "public"
[[nodes]]
name = "n[04-06]"
sector = "interest"
[[nodes]]
name = "n[07-08]"
sector = "private"

[slurm]
{controller}
slurm_conf = "{tb.conf}"
include_file = "{tb.include}"
keep_versions = 2
""")
    return path


def test_rebalance_command_with_a_fleet_file_slurm_table(slurm, tmp_path, capsys):
    fleet = fleet_file(tmp_path, slurm)
    assert load_inventory(fleet).slurm["include_file"] == str(slurm.include)
    data = tmp_path / "data"
    code = rebalance.main(["--inventory", str(fleet), "--data-dir", str(data),
                           "--set", "public=32,interest=16", "--reason", "flood model", "--yes"])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "Result: applied" in out.out
    parts = slurm.partition_nodes()
    assert len(parts["public"]) == 4 and len(parts["interest"]) == 2
    entry = AuditLog(audit_path(data)).entries()[-1]
    assert entry.body["backend"] == "slurm" and "Nodes=" in entry.body["written"]["text"]
    assert not (slurm.include.parent / "partitions.conf.3").exists()  # keep_versions = 2


def test_rebalance_slurm_flag_uses_local_scontrol_and_slurm_conf(slurm, tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("SLURM_CONF", str(slurm.conf))
    code = rebalance.main(["--slurm", "--slurm-include", str(slurm.include), "--data-dir",
                           str(tmp_path), "--move", "n05=private", "--dry-run", "--lang", "ko"])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "n05" in out.out and "시험 실행" in out.out
    assert slurm.partition_nodes()["interest"] == ["n04", "n05", "n06"]  # dry run
    code = rebalance.main(["--slurm", "--demo", "8", "--dry-run"])
    assert code == 2 and "--demo" in capsys.readouterr().err


def test_backend_over_ssh_to_the_controller(slurm, sshd_testbed_factory, tmp_path):
    ssh = sshd_testbed_factory(nodes=1)
    address = ssh.addresses[0]
    known = ssh.write_known_hosts(tmp_path / "known_hosts", [address])
    options = SlurmOptions(controller=f"root@{address}:{ssh.port}",
                           identity_file=str(ssh.client_key_path), slurm_conf=str(slurm.conf),
                           include_file=str(slurm.include))
    backend = slurm_backend_from(options, known_hosts=known)
    try:
        assert backend.runner.where == f"root@{address}:{ssh.port}"
        state = backend.read()
        assert state.nodes["n04"].sector == Sector.INTEREST and len(state.nodes) == 8
        assert any(f"Slurm {slurm.version_text} on root@" in line for line in backend.features())
        plan_reason = "hangang plan=ssh1 interest->private"
        backend.drain("n04", plan_reason)
        assert backend.is_drained("n04")
        backend.assign("n04", Sector.INTEREST, Sector.PRIVATE)
        backend.resume("n04", plan_reason)
        assert "n04" in slurm.partition_nodes()["private"]
        written = backend.last_written()
        assert written.where.startswith("root@") and written.text == slurm.include.read_text()
        assert (slurm.include.parent / "partitions.conf.1").exists()
    finally:
        backend.runner.close()
    # an unknown host key is refused, never accepted on the fly
    stranger = slurm_backend_from(options, known_hosts=tmp_path / "empty_known_hosts")
    with pytest.raises(BackendError, match="unknown"):
        stranger.read()
    stranger.runner.close()
