"""serve's energy series: the DCGM counter (mJ), the estimated flag, RAPL joules per node and the
sectors' power, read back with prometheus_client's parsers and Prometheus's own promtool."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import numpy as np
import pytest
from prometheus_client import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om

from console.fleet.model import SECTORS
from console.room import names as n
from console.room.exposition import registry_for
from tests.peers import require_peer
from tests.unit.room.test_exposition import demo_view, families


def by_gpu(fams, name) -> dict[tuple[str, str], float]:
    return {(s.labels["Hostname"], s.labels["gpu"]): s.value for s in fams[name].samples}


def test_every_gpu_with_a_counter_exports_it_in_mj_with_the_dcgm_labels():
    view, samples = demo_view()
    fams = families(view)
    energy = by_gpu(fams, n.DCGM_ENERGY)
    assert len(energy) == 64
    for sample in samples:
        for g in sample.gpus:
            assert g.energy_j is not None and g.energy_estimated is False
            assert energy[(sample.host, str(g.index))] == round(g.energy_j * 1000)
    labels = fams[n.DCGM_ENERGY].samples[0].labels
    assert set(labels) == {"gpu", "UUID", "device", "modelName", "Hostname"}
    assert set(by_gpu(fams, n.GPU_ENERGY_ESTIMATED).values()) == {0.0}


def test_estimated_flags_and_gpus_without_a_counter():
    view, _ = demo_view()
    snap = view.snapshot
    energy = np.array(snap.gpu_energy_j)
    energy[0, 2] = np.nan  # this GPU has no counter: no series, never 0
    flags = np.array(snap.gpu_energy_estimated)
    flags[1, 5] = True
    snap = dataclasses.replace(snap, gpu_energy_j=energy, gpu_energy_estimated=flags)
    fams = families(dataclasses.replace(view, snapshot=snap))
    exported = by_gpu(fams, n.DCGM_ENERGY)
    assert (snap.node_names[0], "2") not in exported and len(exported) == 63
    flag = by_gpu(fams, n.GPU_ENERGY_ESTIMATED)
    assert (snap.node_names[0], "2") not in flag
    assert flag[(snap.node_names[1], "5")] == 1.0
    assert sum(flag.values()) == 1.0
    # the other GPUs keep their series: one missing counter hides nothing else
    assert len(by_gpu(fams, n.DCGM_UTIL)) == 64


def test_cpu_joules_per_live_node_are_a_counter():
    down_view, _ = demo_view(down="hg-r01n3")
    view, samples = demo_view()
    for v, expect in ((view, 8), (down_view, 7)):
        text = generate_latest(registry_for(lambda v=v: v)).decode()
        assert f"# TYPE {n.NODE_CPU_ENERGY} counter" in text
        fam = families(v)["hangang_node_cpu_energy_joules"]  # the parser's name: no _total
        assert fam.type == "counter"
        assert {s.name for s in fam.samples} == {n.NODE_CPU_ENERGY}
        assert len(fam.samples) == expect
    got = {
        s.labels["node"]: s.value for s in families(view)["hangang_node_cpu_energy_joules"].samples
    }
    assert got == {s.host: pytest.approx(s.info.cpu_energy_j) for s in samples}
    assert "hg-r01n3" not in {
        s.labels["node"] for s in families(down_view)["hangang_node_cpu_energy_joules"].samples
    }


def test_sector_power_is_the_sum_of_the_live_gpus_power():
    down = "hg-r01n3"
    view, samples = demo_view(down=down)
    fams = families(view)
    power = {s.labels["sector"]: s.value for s in fams[n.SECTOR_POWER].samples}
    assert set(power) == {s.value for s in SECTORS}
    sector_of = {
        name: view.snapshot.sector_of(i) for i, name in enumerate(view.snapshot.node_names)
    }
    want = dict.fromkeys(power, 0.0)
    for s in samples:  # the down node's GPUs are not in the samples: they draw nothing here
        want[sector_of[s.host].value] += sum(g.power_w for g in s.gpus)
    assert power == pytest.approx(want, abs=0.05)
    assert all(w > 0 for w in power.values())


def test_openmetrics_keeps_the_dcgm_counter_name_and_parses():
    view, _ = demo_view()
    text = generate_openmetrics(registry_for(lambda: view)).decode()
    fams = {f.name: f for f in parse_om(text)}  # strict: a counter without _total would fail
    assert len(fams[n.DCGM_ENERGY].samples) == 64
    assert {s.name for s in fams["hangang_node_cpu_energy_joules"].samples} == {n.NODE_CPU_ENERGY}
    assert len(fams[n.SECTOR_POWER].samples) == 3


def test_promtool_finds_nothing_but_the_contracts_camel_case():
    """promtool's linter reads the whole exposition; the DCGM and node_exporter names and labels
    (Hostname, modelName, MemTotal) are the contract's and stay, anything else is a fault."""
    promtool = shutil.which("promtool")
    if promtool is None:
        require_peer("promtool", "install Debian's prometheus (packaging/debian-packages.sh test)")
    view, _ = demo_view()
    text = generate_latest(registry_for(lambda: view))
    assert n.DCGM_ENERGY.encode() in text and n.NODE_CPU_ENERGY.encode() in text
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, timeout=60
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).decode().splitlines()
        if line and "should be written in 'snake_case' not 'camelCase'" not in line
    ]
    assert problems == [], problems
