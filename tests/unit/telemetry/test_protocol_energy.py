"""The energy fields on the wire: energy_mj → GpuSample.energy_j, energy_estimated, MIG GPU
instance ids, cpu_energy_j; garbage in any of them is a per-field note, never a crash; v2
carries the same as v1."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from console.fleet.packing import pack
from console.telemetry import nvml_sim
from console.telemetry.probe.compact import CompactEncoder
from console.telemetry.probe.sample import build_probe, to_json_line
from console.telemetry.protocol import parse_line
from console.telemetry.protocol_v2 import StreamDecoder
from tests.unit.telemetry.test_protocol import full_line, parse


def energy_line() -> dict:
    line = full_line()
    line["gpus"][0].update(energy_mj=40_197_000_490_905, energy_estimated=False)
    line["gpus"][1].update(
        energy_mj=1_250,
        energy_estimated=True,
        mig_mode=True,
        name="NVIDIA H100 80GB HBM3",
        mig_devices=[
            {"index": 0, "uuid": "MIG-a", "name": "NVIDIA H100 80GB HBM3 MIG 3g.40gb",
             "mem_used_mib": 10, "mem_total_mib": 40448, "gpu_instance_id": 2},
            {"index": 1, "uuid": "MIG-b", "name": "NVIDIA H100 80GB HBM3 MIG 1g.10gb",
             "mem_used_mib": 0, "mem_total_mib": 9856, "gpu_instance_id": 9},
        ],
        processes=[
            {"pid": 7, "user": "kim", "used_mib": 900.0, "command": "a", "gpu_instance_id": 2},
            {"pid": 8, "user": "lee", "used_mib": 100.0, "command": "b",
             "gpu_instance_id": 0xFFFFFFFF},
        ],
    )  # fmt: skip
    line["node"]["cpu_energy_j"] = 123.456789
    return line


def test_energy_fields_decode_to_the_model():
    sample = parse(energy_line())
    g0, g1 = sample.gpus
    assert (g0.energy_j, g0.energy_estimated) == (40_197_000_490.905, False)
    assert (g1.energy_j, g1.energy_estimated) == (1.25, True)
    assert [m.gpu_instance_id for m in g1.mig_devices] == [2, 9]
    assert [p.gpu_instance_id for p in g1.processes] == [2, None]  # NVML's "none" → None
    assert sample.info.cpu_energy_j == 123.456789
    assert not [e for e in sample.errors if "energy" in e or "instance" in e]


def test_an_older_probe_without_them_decodes_to_none():
    sample = parse(full_line())
    assert (sample.gpus[0].energy_j, sample.gpus[0].energy_estimated) == (None, None)
    assert sample.info.cpu_energy_j is None
    assert sample.gpus[0].processes[0].gpu_instance_id is None


BAD = {
    "text counter": ("gpus.0.energy_mj", "12", "gpu0.energy_mj: expected a number, got string"),
    "negative counter": ("gpus.0.energy_mj", -5, "gpu0.energy_mj: -5 is out of range (≥ 0)"),
    "huge counter": ("gpus.0.energy_mj", 2**70, "gpu0.energy_mj: 1180591620717411303424 is too"),
    "text flag": ("gpus.0.energy_estimated", "yes", "gpu0.energy_estimated: expected true or"),
    "text instance": (
        "gpus.1.mig_devices.0.gpu_instance_id", "2",
        "gpu1.mig_devices[0].gpu_instance_id: expected a GPU instance id, got '2'",
    ),
    "negative instance": (
        "gpus.1.processes.0.gpu_instance_id", -1,
        "gpu1.processes[0].gpu_instance_id: expected a GPU instance id, got -1",
    ),
    "boolean instance": (
        "gpus.1.processes.0.gpu_instance_id", True,
        "gpu1.processes[0].gpu_instance_id: expected a GPU instance id, got True",
    ),
    "text cpu energy": ("node.cpu_energy_j", [], "node.cpu_energy_j: expected a number, got"),
    "negative cpu energy": ("node.cpu_energy_j", -1.5, "node.cpu_energy_j: -1.5 is out of range"),
}  # fmt: skip


@pytest.mark.parametrize(("path", "value", "note"), BAD.values(), ids=BAD)
def test_garbage_in_an_energy_field_is_a_note_and_none(path, value, note):
    line = energy_line()
    *parents, key = path.split(".")
    target = line
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[key] = value
    sample = parse(line)
    assert any(e.startswith(note) for e in sample.errors), sample.errors
    field = {"energy_mj": "energy_j"}.get(key, key)
    holder = {
        "gpu_instance_id": (sample.gpus[1].mig_devices or [None])[0]
        if "mig_devices" in path
        else sample.gpus[1].processes[0],
        "cpu_energy_j": sample.info,
    }.get(key, sample.gpus[0])
    assert getattr(holder, field) is None
    assert sample.gpus[0].power_w == 612.43  # the rest survives


@pytest.fixture
def probe_lines(monkeypatch):
    """v1 dicts from an in-process probe on the simulated NVML, as they cross the wire."""
    monkeypatch.setitem(sys.modules, "nvml_sim", nvml_sim)
    probes = []

    def take(spec, count):
        probe = build_probe(spec, ["/"], 0.05)
        probes.append(probe)
        probe.node.prime()
        return [json.loads(to_json_line(probe.sample())) for _ in range(count)]

    yield take
    for probe in probes:
        probe.close()
    nvml_sim.configure("8")


@pytest.mark.parametrize(
    "spec", ["count=2,load=busy,mig=1,seed=3", "count=3,energy=0,seed=4,faults=lost:1"]
)
def test_v2_carries_the_energy_fields_as_v1_does(probe_lines, spec):
    samples = probe_lines(spec, 3)
    encoder, decoder = CompactEncoder(), StreamDecoder("n1")
    v1, v2 = [], []
    for sample in samples:
        v1.append(parse_line(to_json_line(sample).encode(), "n1"))
        for line in encoder.lines(sample):
            out = decoder.decode(line.encode())
            if out is not None:
                v2.append(out)
    for old, new in zip(v1, v2, strict=True):
        a, b = pack([old]), pack([new])
        np.testing.assert_array_equal(a.energy_j, b.energy_j)
        np.testing.assert_array_equal(a.energy_estimated, b.energy_estimated)
        np.testing.assert_array_equal(a.cpu_energy_j, b.cpu_energy_j)
        assert a.energy_split == b.energy_split
        assert new.full().gpus == old.gpus  # instance ids and all
    last = v1[-1]
    live = [g for g in last.gpus if not g.lost]
    assert live and all(g.energy_j is not None for g in live)
    assert all(g.energy_j is None for g in last.gpus if g.lost)
    estimated = "energy=0" in spec
    assert {g.energy_estimated for g in live} == {estimated}
    if "mig=1" in spec:
        assert pack([v2[-1]]).energy_split[0]  # MIG GPUs have their split
