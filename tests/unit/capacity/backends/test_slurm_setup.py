"""From a fleet file's [slurm] table and the command line to a backend (nothing is dialled)."""

from __future__ import annotations

from console.capacity.backends.slurm_runner import LocalRunner, SshRunner
from console.capacity.backends.slurm_setup import slurm_backend_from, slurm_options_for
from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from tests.paths import REPO

EXAMPLE = REPO / "resources" / "examples" / "fleet.toml"


def test_example_fleet_drives_the_controller_over_ssh(tmp_path):
    (tmp_path / "ssh_config").write_text("")
    inventory = load_inventory(EXAMPLE, ssh_config_path=tmp_path / "ssh_config")
    options = slurm_options_for(inventory)
    assert options.controller == "slurm-ctl.hangang.example"
    backend = slurm_backend_from(options, known_hosts=tmp_path / "known_hosts")
    assert isinstance(backend.runner, SshRunner)
    # no port in the fleet file: ssh -G decides it (the ssh config, else 22)
    assert backend.runner.where == "hgops@slurm-ctl.hangang.example"
    assert backend.include_file == "/etc/slurm/hangang-partitions.conf"
    assert backend.partitions[Sector.PRIVATE] == "private"


def test_slurm_flag_runs_here_and_include_flag_wins(tmp_path):
    (tmp_path / "ssh_config").write_text("")
    inventory = load_inventory(EXAMPLE, ssh_config_path=tmp_path / "ssh_config")
    options = slurm_options_for(inventory, local=True, include_file=str(tmp_path / "p.conf"))
    backend = slurm_backend_from(options)
    assert isinstance(backend.runner, LocalRunner) and backend.runner.where == "local"
    assert backend.include_file == str(tmp_path / "p.conf")
    bare = slurm_backend_from(slurm_options_for(None, local=True))
    assert bare.include_file is None and bare.partitions[Sector.PUBLIC] == "public"
