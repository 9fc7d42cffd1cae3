"""Host lists expand exactly as Slurm does: a corpus checked against the real `scontrol show
hostnames`, plus the fleet-file errors (file:line: field: message) for what Slurm refuses."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from console.inventory.hostlist import MAX_NAMES, HostlistError, expand_hostlist
from console.inventory.loader import load_inventory
from console.inventory.model import InventoryError
from tests.peers import require_peer

# Expressions Slurm expands; ours must give the same names in the same order.
ACCEPTED = [
    "login",
    "gpu[1-2],dgx[1-2]",
    "gpu[1-2] dgx[1-2]",
    "a\tb\nc",
    "a,,b",
    ",a",
    "n[1-2],",
    "r[1-2]n[01-03]",
    "x[1-2][3-4]",
    "n[1-2]m[1-2]o[1-2]",
    "n[1-2]m[1-2]o[1-2]p[1-2]",
    "a[1-2]b[3-4],c[5-6]",
    "n[1-2]-[3-4]",
    "[1-2]",
    "[1-2]a[3-4]",
    "n[1,3,5-7]",
    "n[01-10]",
    "n[9-11]",
    "n[009-011]",
    "n[001-3]",
    "n[1-003]",
    "n[01-100]",
    "n[0001-0003]",
    "n[01,2]",
    "n[1,02]",
    "n[007]",
    "n[1]",
    "n[0-0]",
    "n[1,1]",
    "n[1-2],n[2-3]",
    "n[1-]",
    "10.0.1.[9-10]",
    "hg-pub[01-16]",
    "dgx[1-4,7]",
    "N[1-2]",
    "n.[1-2]",
    "n_[1-2]",
    "n[1-2],[3-4]",
    "n[4294967296-4294967297]",
    "n[18446744073709551615]",
    "n[1-65536]",
    "a[1-300]b[1-300]",
    "",
    " ",
]

# Expressions Slurm refuses ("Invalid hostlist"); ours must raise HostlistError.
REFUSED = [
    "n[1-10:2]",
    "n[3-1]",
    "n[5-3,1]",
    "n[]",
    "n[a-b]",
    "n[1a]",
    "n[1-2a]",
    "n[1x2]",
    "n[1-2]x",
    "n[1-2].ib",
    "a[1-2]b[3]c",
    "n[]m",
    "n[1-2][]",
    "n[-1]",
    "n[1-2-3]",
    "n[1,,2]",
    "n[,1]",
    "n[1-2 ],a",
    "n[[1-2]]",
    "n[1-2]]",
    "n[1-2]],a",
    "n[1-2]]x",
    "n[1-65537]",
    "n[0-99999]",
]

# Slurm accepts these but prints names no fleet means; we refuse them with a clear message.
STRICTER = {
    "n[1-2": "unclosed bracket: Slurm prints 'n]'",
    "n[[1]": "unclosed bracket: Slurm prints 'n[1'",
    "n1-2]": "stray ']': Slurm keeps it in the name",
    "n[ 1-2]": "space in a bound: Slurm pads to n01 n02",
    "n[+1-2]": "sign in a bound: Slurm pads to n01 n02",
    "n[1a-2]": "letters in a bound: Slurm ignores them and pads to n01 n02",
    "n[1- 2]": "space in a bound",
    "n[99999999999999999999]": "beyond 64 bits: Slurm clamps to 18446744073709551615",
}


@pytest.fixture(scope="module")
def scontrol(tmp_path_factory) -> callable:
    """Run the real `scontrol show hostnames` (it needs a slurm.conf but no controller)."""
    exe = shutil.which("scontrol")
    if exe is None:
        require_peer("scontrol", "install slurm-client (packaging/debian-packages.sh test)")
    conf = tmp_path_factory.mktemp("slurm") / "slurm.conf"
    conf.write_text(
        "ClusterName=hostlist\nSlurmctldHost=localhost\nAuthType=auth/none\n"
        "NodeName=n1\nPartitionName=p Nodes=n1\n"
    )
    env = {**os.environ, "SLURM_CONF": str(conf)}

    def run(expr: str) -> list[str] | None:
        """Slurm's names, or None where Slurm refuses the expression."""
        done = subprocess.run(
            [exe, "show", "hostnames", expr], env=env, capture_output=True, text=True, timeout=60
        )
        if "Invalid hostlist" in done.stderr:
            return None
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr
        return done.stdout.split()

    return run


@pytest.mark.parametrize("expr", ACCEPTED)
def test_same_names_as_scontrol(scontrol, expr):
    assert expand_hostlist(expr) == scontrol(expr)


@pytest.mark.parametrize("expr", REFUSED)
def test_refused_like_scontrol(scontrol, expr):
    assert scontrol(expr) is None, "scontrol accepts it now: move it to ACCEPTED"
    with pytest.raises(HostlistError, match="in '"):  # the message quotes the expression
        expand_hostlist(expr)


@pytest.mark.parametrize("expr", STRICTER, ids=STRICTER.values())
def test_stricter_than_scontrol_where_slurm_prints_odd_names(scontrol, expr):
    assert scontrol(expr) is not None, "scontrol refuses it now: move it to REFUSED"
    with pytest.raises(HostlistError):
        expand_hostlist(expr)


# ── without scontrol: the messages and the memory cap ─────────────────────────────────────────


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("gpu[1-10:2]", "no step"),
        ("gpu[1x2]", "boxes"),
        ("gpu[010-001]", "goes backwards"),
        ("gpu[a-b]", "expected numbers like 001-128"),
        ("gpu[1-2", "never closed"),
        ("gpu1]", "']' without '['"),
        ("gpu[[1]]", "brackets inside brackets"),
        ("gpu[1,,2]", "empty item"),
        ("gpu[1-2].ib", "after the last ']'"),
        ("gpu[1-65537]", "more than 65,536 names"),
        ("a[1-1000]b[1-1000]", f"more than {MAX_NAMES:,} names"),
        ("gpu[١-٢]", "ASCII digits"),  # Arabic-Indic digits pass isdecimal()
    ],
)
def test_refusals_say_why(expr, message):
    with pytest.raises(HostlistError, match=message.replace("[", r"\[").replace("]", r"\]")):
        expand_hostlist(expr)


def test_top_level_commas_make_separate_nodes_in_a_fleet_file(tmp_path: Path):
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(
        '[sectors.public]\nentitlement = "100%"\n[sectors.interest]\nentitlement = 0\n'
        '[sectors.private]\nentitlement = 0\n\n[[nodes]]\nname = "gpu[1-2],dgx[1-2]"\n'
        'sector = "public"\n\n[[nodes]]\nname = "r[1-2]n[01-02]"\nsector = "public"\n'
    )
    (tmp_path / "ssh_config").write_text("")
    inventory = load_inventory(fleet, ssh_config_path=tmp_path / "ssh_config")
    assert [n.name for n in inventory.nodes] == [
        "gpu1", "gpu2", "dgx1", "dgx2", "r1n01", "r1n02", "r2n01", "r2n02",
    ]  # fmt: skip


def test_bad_expression_in_a_fleet_file_names_file_line_and_field(tmp_path: Path):
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(
        '[sectors.public]\nentitlement = "100%"\n[sectors.interest]\nentitlement = 0\n'
        '[sectors.private]\nentitlement = 0\n\n[[nodes]]\nname = "gpu[1-2],dgx[1-8:2]"\n'
        'sector = "public"\n'
    )
    (tmp_path / "ssh_config").write_text("")
    with pytest.raises(InventoryError) as exc:
        load_inventory(fleet, ssh_config_path=tmp_path / "ssh_config")
    assert str(exc.value).startswith(f"{fleet}:9: nodes[0].name: '1-8:2' in [1-8:2] in ")
    assert "no step" in str(exc.value)
