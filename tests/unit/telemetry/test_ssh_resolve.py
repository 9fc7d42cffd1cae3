"""A host's settings as ssh works them out: `ssh -G` itself, and the paramiko fallback (with
Include expanded) giving the same answers for the same files; routes through jump hosts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from console.inventory.model import InventoryError, NodeSpec
from console.telemetry.ssh_resolve import (
    ResolveError,
    SshResolver,
    expand_includes,
    local_user,
    split_hop,
)
from console.telemetry.ssh_route import route_for


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "10-bastions.conf").write_text(
        textwrap.dedent("""\
            Host bastion
                HostName 192.0.2.10
                Port 2201
                User ops
                IdentityFile ~/.ssh/ops_key
            Host inner-bastion
                HostName 192.0.2.11
                ProxyJump bastion
        """)
    )
    path = tmp_path / "ssh_config"
    path.write_text(
        textwrap.dedent(f"""\
            Include {tmp_path}/conf.d/*.conf
            Host gpu*
                HostName %h.ib.example
                User gpuadmin
                ProxyJump bastion,inner-bastion
                UserKnownHostsFile {tmp_path}/fleet_known_hosts
                HostKeyAlgorithms ecdsa-sha2-nistp256,ssh-ed25519
                ConnectTimeout 7
            Host *
                GlobalKnownHostsFile {tmp_path}/global_known_hosts
        """)
    )
    return path


@pytest.mark.parametrize("how", ["auto", None], ids=["ssh -G", "paramiko"])
def test_both_sources_agree(config, tmp_path, how):
    resolver = SshResolver(config, ssh=how)
    home = tmp_path / "home"
    gpu = resolver.resolve("gpu7")
    assert (gpu.hostname, gpu.port, gpu.user) == ("gpu7.ib.example", 22, "gpuadmin")
    assert gpu.proxy_jump == ("bastion", "inner-bastion")
    # (ssh -G expands ~ there with the passwd entry's home, not $HOME: absolute paths here)
    assert gpu.user_known_hosts == (tmp_path / "fleet_known_hosts",)
    assert gpu.global_known_hosts == (tmp_path / "global_known_hosts",)
    assert gpu.host_key_algorithms == ("ecdsa-sha2-nistp256", "ssh-ed25519")
    assert gpu.connect_timeout == 7.0
    bastion = resolver.resolve("bastion")  # from the Included file
    assert (bastion.hostname, bastion.port, bastion.user) == ("192.0.2.10", 2201, "ops")
    assert bastion.identity_files == (str(home / ".ssh" / "ops_key"),)
    # -p and -l beat the files, as on ssh's command line
    forced = resolver.resolve("bastion", 2299, "root")
    assert (forced.port, forced.user) == (2299, "root")


def test_a_route_through_two_aliases_and_the_first_ones_own_jump(config):
    resolver = SshResolver(config)
    spec = NodeSpec(
        "gpu7",
        Sector.PUBLIC,
        None,
        8,
        address="gpu7.ib.example",
        user="gpuadmin",
        proxy_jump="inner-bastion",
        ssh_host="gpu7",
    )
    route = route_for(spec, resolver)
    # inner-bastion's own ProxyJump (bastion) comes first, as ssh -J builds it
    assert [h.label for h in route] == [
        "ops@192.0.2.10:2201",
        f"{local_user()}@192.0.2.11:22",
        "gpuadmin@gpu7.ib.example:22",
    ]
    assert [h.name for h in route] == ["bastion", "inner-bastion", "gpu7"]
    assert route[0].identities[0].endswith("/.ssh/ops_key")
    assert route[-1].algorithms == ("ecdsa-sha2-nistp256", "ssh-ed25519")
    assert route[-1].key_name == "gpu7.ib.example"


def test_the_loader_takes_what_ssh_says_and_the_fleet_file_still_wins(config, tmp_path):
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(
        textwrap.dedent("""\
            [sectors.public]
            entitlement = 0.4
            [sectors.interest]
            entitlement = 0.35
            [sectors.private]
            entitlement = 0.25
            [defaults]
            port = 2022
            [[nodes]]
            name = "gpu1"
            sector = "public"
            [[nodes]]
            name = "gpu2"
            sector = "public"
            user = "me"
            proxy_jump = ""
            [[nodes]]
            name = "cpu1"
            sector = "public"
        """)
    )
    nodes = {
        n.name: n for n in load_inventory(fleet, ssh_options=SshResolver(config).options).nodes
    }
    gpu1, gpu2, cpu1 = nodes["gpu1"], nodes["gpu2"], nodes["cpu1"]
    assert (gpu1.address, gpu1.user, gpu1.ssh_host) == ("gpu1.ib.example", "gpuadmin", "gpu1")
    assert gpu1.proxy_jump == "bastion,inner-bastion"
    assert gpu1.port == 2022  # ssh's built-in 22 is no setting: the fleet's [defaults] apply
    assert (gpu2.user, gpu2.proxy_jump) == ("me", None)
    assert cpu1.address == "cpu1"


def test_a_bad_config_line_is_named_by_file_and_line(tmp_path):
    path = tmp_path / "ssh_config"
    path.write_text("Host a\n    HostName x\n    NoSuchOption yes\n")
    with pytest.raises(ResolveError) as exc:
        SshResolver(path).resolve("a")
    assert (exc.value.path, exc.value.line) == (str(path), 3)
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(
        "[sectors.public]\nentitlement = 1.0\n[sectors.interest]\nentitlement = 0\n"
        '[sectors.private]\nentitlement = 0\n[[nodes]]\nname = "a"\nsector = "public"\n'
    )
    with pytest.raises(InventoryError) as bad:
        load_inventory(fleet, ssh_options=SshResolver(path).options)
    assert str(bad.value).startswith(f"{path}:3: Host a: Bad configuration option")


def test_include_expansion_is_relative_to_dot_ssh(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".ssh" / "config.d").mkdir(parents=True)
    (tmp_path / ".ssh" / "config.d" / "a").write_text("Host a\n  Port 1\n")
    (tmp_path / ".ssh" / "config.d" / "b").write_text("Include config.d/a\nHost b\n  Port 2\n")
    main = tmp_path / ".ssh" / "config"
    main.write_text("Include config.d/b\n")
    text = expand_includes(main, tmp_path / ".ssh")
    assert text.split() == ["Host", "a", "Port", "1", "Host", "b", "Port", "2"]
    loop = tmp_path / ".ssh" / "loop"
    loop.write_text(f"Include {loop}\n")
    with pytest.raises(ResolveError, match="nested too deeply"):
        expand_includes(loop, tmp_path / ".ssh")


def test_jump_forms():
    assert split_hop("ops@bastion:2222") == ("ops", "bastion", 2222)
    assert split_hop("bastion") == (None, "bastion", None)
    assert split_hop("ssh://ops@[fd00::1]:22") == ("ops", "fd00::1", 22)
    with pytest.raises(ResolveError):
        split_hop("a b")
