"""The probe's line in process on the simulated NVML: every field and every fault."""

from __future__ import annotations

import json
import sys

import pytest

from console.telemetry import nvml_sim
from console.telemetry.probe import sample as probe_sample
from tests.probe_process import errors_of

MEASURED = (
    "util_gpu",
    "util_mem",
    "mem_used_mib",
    "mem_total_mib",
    "temp_c",
    "power_w",
    "sm_clock_mhz",
    "mem_clock_mhz",
    "pstate",
    "ecc_uncorrected_volatile",
    "remapped_rows",
    "clock_event_reasons",
    "mig_mode",
    "mig_devices",
    "processes",
)


@pytest.fixture
def sample(monkeypatch):
    """Lines from an in-process probe on the simulated NVML, as the console would parse them."""
    monkeypatch.setitem(sys.modules, "nvml_sim", nvml_sim)
    probes = []

    def take(spec, count=1, **options):
        p = probe_sample.build_probe(sim=spec, **options)
        probes.append(p)
        lines = [json.loads(p.line()) for _ in range(count)]
        return lines[0] if count == 1 else lines

    yield take
    for p in probes:
        p.close()
    nvml_sim.configure("8")


def test_healthy_busy_gpu_has_every_field(sample):
    gpu = sample("count=1,load=busy")["gpus"][0]
    assert gpu["name"] == "NVIDIA H100 80GB HBM3" and gpu["uuid"].startswith("GPU-")
    assert gpu["mem_total_mib"] == 81559 and gpu["power_limit_w"] == 700.0
    assert 90 <= gpu["util_gpu"] <= 100 and gpu["pstate"] == "P0"
    assert gpu["temp_c"] < gpu["temp_mem_c"] < 100
    assert (
        gpu["processes"][0]["user"] == "sim" and gpu["processes"][0]["command"] == "python train.py"
    )
    assert gpu["processes"][0]["used_mib"] > 0
    assert gpu["fan_pct"] is None  # SXM boards: not supported
    assert gpu["lost"] is False and gpu["mig_mode"] is False and gpu["mig_devices"] == []


def test_lost_gpu_is_null_and_reported_while_the_others_stay(sample):
    lines = sample("count=4,load=busy,faults=lost:2", count=2)
    for line in lines:
        lost = line["gpus"][2]
        assert lost["lost"] is True and lost["index"] == 2
        assert all(lost[f] is None for f in MEASURED)
        assert {e["error"] for e in errors_of(line, gpu=2)} == {"NVML_ERROR_GPU_IS_LOST"}
        for other in (0, 1, 3):
            gpu = line["gpus"][other]
            assert gpu["lost"] is False and gpu["util_gpu"] is not None and gpu["name"]


def test_xid79_arrives_once_in_xid(sample):
    first, second = sample("count=4,faults=xid79:1", count=2)
    assert [(x["gpu"], x["xid"]) for x in first["xid"]] == [(1, 79)]
    assert abs(first["xid"][0]["t"] - first["t"]) < 5
    assert second["xid"] == []
    assert not errors_of(first, field="xid")


def test_ecc_fault_shows_counters_and_pending_remap(sample):
    line = sample("count=2,faults=ecc:1")
    bad, good = line["gpus"][1], line["gpus"][0]
    assert (bad["ecc_uncorrected_volatile"], bad["ecc_uncorrected_aggregate"]) == (2, 5)
    assert bad["remapped_rows"] == {
        "correctable": 1,
        "uncorrectable": 2,
        "pending": True,
        "failure": False,
    }
    assert (good["ecc_uncorrected_volatile"], good["remapped_rows"]["pending"]) == (0, False)


def test_throttle_fault_sets_thermal_reasons(sample):
    line = sample("count=2,load=busy,faults=throttle:0")
    hot, cool = line["gpus"]
    assert hot["clock_event_reasons"] == ["sw_thermal_slowdown", "hw_thermal_slowdown"]
    assert hot["clock_event_mask"] == 0x60
    assert hot["sm_clock_mhz"] < cool["sm_clock_mhz"]
    assert cool["clock_event_reasons"] == []


def test_mig_devices(sample):
    gpu = sample("count=1,mig=1,load=busy")["gpus"][0]
    assert gpu["mig_mode"] is True
    assert [d["index"] for d in gpu["mig_devices"]] == [0, 1, 2, 3]
    first = gpu["mig_devices"][0]
    assert first["name"] == "NVIDIA H100 80GB HBM3 MIG 3g.40gb" and first["uuid"].startswith("MIG-")
    assert first["mem_total_mib"] == 40448 and 0 < first["mem_used_mib"] < 40448
    assert len({d["uuid"] for d in gpu["mig_devices"]} | {gpu["uuid"]}) == 5
    assert gpu["util_gpu"] is None  # NVML does not report utilisation per GPU in MIG mode


def test_not_supported_becomes_null_once_and_is_not_asked_again(sample, monkeypatch):
    asked = []
    real = nvml_sim.nvmlDeviceGetFanSpeed
    monkeypatch.setattr(nvml_sim, "nvmlDeviceGetFanSpeed", lambda h: asked.append(h) or real(h))
    first, second, third = sample("count=2", count=3)
    assert len(asked) == 2  # once per GPU, in the first sample only
    assert errors_of(first, field="fan_pct") == [
        {"gpu": 0, "field": "fan_pct", "error": "NVML_ERROR_NOT_SUPPORTED"},
        {"gpu": 1, "field": "fan_pct", "error": "NVML_ERROR_NOT_SUPPORTED"},
    ]
    assert not errors_of(second) and not errors_of(third)
    assert second["gpus"][0]["fan_pct"] is None


def test_every_fault_at_once_keeps_one_line(sample):
    line = sample("count=8,mig=1,faults=lost:3;xid79:5;ecc:2;throttle:1")
    assert len(line["gpus"]) == 8 and line["gpus"][3]["lost"] is True
    assert [x["xid"] for x in line["xid"]] == [79]
    assert line["gpus"][2]["ecc_uncorrected_volatile"] == 2
    assert "hw_thermal_slowdown" in line["gpus"][1]["clock_event_reasons"]


def test_the_consoles_parser_takes_a_line_with_every_fault(sample):
    from console.telemetry import protocol  # the console's side is always installed with it

    line = sample("count=8,mig=1,faults=lost:3;xid79:5;ecc:2;throttle:1")
    parsed = protocol.parse_line(probe_sample.to_json_line(line).encode(), "node-1")
    assert [g.index for g in parsed.gpus] == list(range(8))
    assert [(x.gpu, x.xid) for x in parsed.xids] == [(5, 79)]
    assert parsed.gpus[2].remapped_rows_pending is True
    assert len(parsed.gpus[0].mig_devices) == 4 and parsed.info.cuda == "12.4"


def test_json_line_has_no_nan_and_no_newline():
    line = probe_sample.to_json_line({"a": float("nan"), "b": [float("inf"), 1.5], "c": "x\ny"})
    assert json.loads(line) == {"a": None, "b": [None, 1.5], "c": "x\ny"}
    assert "\n" not in line and " " not in line
