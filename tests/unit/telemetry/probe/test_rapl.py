"""RAPL CPU package energy from a powercap tree built in tmp_path: package zones summed, wraps
undone, subzones and psys left out, an unreadable energy_uj (root-only) null and no crash."""

from __future__ import annotations

import builtins
import errno

import pytest

from console.telemetry.probe import rapl as rapl_module
from console.telemetry.probe.node import NodeReader
from console.telemetry.probe.rapl import RaplReader

WRAP = 262_143_328_850  # a real max_energy_range_uj (Intel Xeon)


def zone(root, name, label, energy, top=WRAP):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "name").write_text(label + "\n")
    (folder / "energy_uj").write_text(f"{energy}\n")
    (folder / "max_energy_range_uj").write_text(f"{top}\n")
    return folder


def set_energy(folder, energy):
    (folder / "energy_uj").write_text(f"{energy}\n")


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "powercap"
    zones = {
        "p0": zone(root, "intel-rapl:0", "package-0", 1_000_000),
        "p1": zone(root, "intel-rapl:1", "package-1", WRAP - 500_000),
        "dram": zone(root, "intel-rapl:0:0", "dram", 5_000_000),  # a subzone: not a package
        "psys": zone(root, "intel-rapl:2", "psys", 9_000_000),  # platform: counts packages too
    }
    (root / "intel-rapl").mkdir()  # the control type folder sysfs also has
    return root, zones


def test_packages_summed_since_the_first_reading_across_a_wrap(tree):
    root, zones = tree
    reader = RaplReader(str(root))
    assert reader.read() == (0.0, [])
    set_energy(zones["p0"], 3_000_000)  # +2 J
    set_energy(zones["p1"], 1_500_000)  # wrapped: +0.5 J to the top, +1.5 J after it
    for other in ("dram", "psys"):
        set_energy(zones[other], 99_000_000)
    joules, errors = reader.read()
    assert joules == pytest.approx(4.0) and errors == []
    set_energy(zones["p0"], 4_000_000)
    assert reader.read()[0] == pytest.approx(5.0)  # monotonic: it only goes up


def test_root_only_energy_is_null_reported_once_and_never_a_crash(tree, monkeypatch):
    root, zones = tree
    real_open = builtins.open
    denied = {str(zones["p0"] / "energy_uj"), str(zones["p1"] / "energy_uj")}

    def guarded(path, *args, **kwargs):  # 0400 root:root, as kernels since 5.10 have it
        if str(path) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(rapl_module, "open", guarded, raising=False)
    reader = RaplReader(str(root))
    joules, errors = reader.read()
    assert joules is None
    assert [e["field"] for e in errors] == ["cpu_energy_j", "cpu_energy_j"]
    assert "intel-rapl:0/energy_uj: PermissionError" in errors[0]["error"]
    assert reader.read() == (None, [])  # said once
    denied.discard(str(zones["p0"] / "energy_uj"))  # one package readable again
    assert reader.read() == (0.0, [])
    set_energy(zones["p0"], 1_250_000)
    assert reader.read()[0] == pytest.approx(0.25)


def test_a_zone_that_goes_unreadable_is_a_gap_not_a_jump(tree):
    root, zones = tree
    reader = RaplReader(str(root))
    reader.read()
    (zones["p1"] / "energy_uj").unlink()
    set_energy(zones["p0"], 2_000_000)
    joules, errors = reader.read()
    assert joules == pytest.approx(1.0) and "FileNotFoundError" in errors[0]["error"]
    (zones["p1"] / "energy_uj").write_text("7000000\n")  # back: a new baseline, nothing added
    assert reader.read()[0] == pytest.approx(1.0)


def test_a_wrap_with_no_range_adds_nothing(tmp_path):
    root = tmp_path / "powercap"
    folder = zone(root, "intel-rapl:0", "package-0", 5_000_000, top="garbage")
    reader = RaplReader(str(root))
    reader.read()
    set_energy(folder, 1_000_000)
    joules, errors = reader.read()
    assert joules == 0.0 and "max_energy_range_uj: ValueError" in errors[0]["error"]


def test_no_powercap_is_null_without_an_error(tmp_path):
    assert RaplReader(str(tmp_path / "absent")).read() == (None, [])


def test_node_line_carries_cpu_energy(tree):
    root, zones = tree
    node = NodeReader(use_psutil=False, powercap=str(root))
    first, _ = node.sample()
    set_energy(zones["p0"], 2_500_000)
    second, errors = node.sample()
    assert (first["cpu_energy_j"], second["cpu_energy_j"]) == (0.0, 1.5)
    assert not [e for e in errors if e["field"] == "cpu_energy_j"]
