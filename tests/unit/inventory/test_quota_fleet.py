"""The fleet file's `[slurm] mode` and `[slurm.quota]`: read with their defaults into the settings
quota mode runs on, and every mistake named by file, line and field."""

from __future__ import annotations

import pytest

from console.capacity.quota.model import CapacityMode, QuotaSettings
from console.capacity.quota.setup import fleet_mode, quota_settings
from console.fleet.model import Sector
from console.inventory.loader import InventoryError
from tests.unit.inventory.test_loader import BASE, load_text, marked_line

NODE = '[[nodes]]\nname = "a"\nsector = "public"\n'


def test_quota_mode_with_every_field(tmp_path):
    inv = load_text(
        tmp_path,
        BASE
        + NODE
        + (
            '[slurm]\nmode = "quota"\n[slurm.quota]\npartition = "floating"\n'
            'borrow_qos = "hg_borrow"\ngrace_time = 300\n[slurm.quota.qos]\npublic = "hg_pub"\n'
        ),
    )
    assert fleet_mode(inv) is CapacityMode.QUOTA
    settings = quota_settings(inv)
    assert settings == QuotaSettings(
        "floating",
        {
            Sector.PUBLIC: "hg_pub",
            Sector.INTEREST: "hangang_interest",
            Sector.PRIVATE: "hangang_private",
        },
        "hg_borrow",
        300,
    )
    assert settings.sector_of_qos("hg_pub") is Sector.PUBLIC


def test_defaults_nodes_mode_and_a_quota_table_when_quota_is_chosen(tmp_path):
    inv = load_text(tmp_path, BASE + NODE + "[slurm]\nport = 22\n")
    assert inv.slurm["mode"] == "nodes" and "quota" not in inv.slurm
    assert fleet_mode(inv) is CapacityMode.NODES
    assert fleet_mode(load_text(tmp_path, BASE + NODE)) is CapacityMode.NODES
    inv = load_text(tmp_path, BASE + NODE + '[slurm]\nmode = "quota"\n')
    assert inv.slurm["quota"]["partition"] == "shared"
    assert quota_settings(inv).qos[Sector.PRIVATE] == "hangang_private"
    assert quota_settings(inv).borrow_qos is None


CASES = {
    "unknown mode": ('[slurm]\nmode = "qos"  # <-\n', "slurm.mode", "mode must be"),
    "unknown quota key": (
        '[slurm.quota]\npartitions = "x"  # <-\n',
        "slurm.quota.partitions",
        "did you mean 'partition'",
    ),
    "bad partition name": (
        '[slurm.quota]\npartition = "a,b"  # <-\n',
        "slurm.quota.partition",
        "is not a Slurm partition name",
    ),
    "grace time out of range": (
        "[slurm.quota]\ngrace_time = -1  # <-\n",
        "slurm.quota.grace_time",
        "grace_time must be",
    ),
    "grace time as text": (
        '[slurm.quota]\ngrace_time = "2m"  # <-\n',
        "slurm.quota.grace_time",
        "expected an integer",
    ),
    "qos of an unknown sector": (
        '[slurm.quota.qos]\nacademia = "q"  # <-\n',
        "slurm.quota.qos.academia",
        "unknown sector 'academia'",
    ),
    "qos with a space": (
        '[slurm.quota.qos]\npublic = "my q"  # <-\n',
        "slurm.quota.qos.public",
        "is not a Slurm QOS name",
    ),
    "one qos for two": (
        '[slurm.quota]\nborrow_qos = "hangang_public"\n[slurm.quota.qos]  # <-\ninterest = "x"\n',
        "slurm.quota.qos",
        "a QOS of their own",
    ),
}


@pytest.mark.parametrize(("tail", "field", "message"), CASES.values(), ids=CASES)
def test_errors_name_line_and_field(tmp_path, tail, field, message):
    text = BASE + NODE + tail
    with pytest.raises(InventoryError) as exc:
        load_text(tmp_path, text)
    assert (exc.value.line, exc.value.field) == (marked_line(text), field), str(exc.value)
    assert message in exc.value.message
