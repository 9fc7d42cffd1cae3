"""Corrected (single-bit) ECC errors and retired pages on the probe: read from NVML where the board
has them, NOT_SUPPORTED remembered and reported once (Ampere and newer remap rows instead of
retiring pages), and read back by both protocol versions into the GpuSample."""

from __future__ import annotations

from console.telemetry import nvml_sim
from console.telemetry.probe.compact import CompactEncoder
from console.telemetry.probe.sample import to_json_line
from console.telemetry.protocol import parse_line
from console.telemetry.protocol_v2 import StreamDecoder
from tests.unit.telemetry.probe.test_energy import sim  # noqa: F401  (the fixture)

PAGE_FIELDS = ("retired_pages.sbe", "retired_pages.dbe", "retired_pages.pending")


def three_samples(gpus, clock):
    lines = []
    for _ in range(3):
        lines.append(gpus.sample(clock.t)[0])
        clock.t += 1.0
    return lines


def test_a_v100_with_ecc_errors_retires_pages(sim):  # noqa: F811
    gpus, clock = sim("count=2,model=V100,faults=ecc:1")
    lines = three_samples(gpus, clock)
    healthy, faulty = lines[-1]
    assert (faulty["ecc_corrected_volatile"], faulty["ecc_corrected_aggregate"]) == (7, 19)
    assert (faulty["ecc_uncorrected_volatile"], faulty["ecc_uncorrected_aggregate"]) == (2, 5)
    assert faulty["retired_pages"] == {"sbe": 3, "dbe": 1, "pending": True}
    assert healthy["retired_pages"] == {"sbe": 0, "dbe": 0, "pending": False}
    assert healthy["ecc_corrected_volatile"] == 0
    assert faulty["remapped_rows"] is None  # a V100 retires pages, it does not remap rows
    errors = gpus.take_errors()
    assert not [e for e in errors if e["field"].startswith("retired_pages")]
    assert [e["gpu"] for e in errors if e["field"] == "remapped_rows"] == [0, 1]  # once each


def test_an_h100_has_no_retired_pages_and_is_asked_once(sim):  # noqa: F811
    gpus, clock = sim("count=2,model=H100,faults=ecc:0")
    calls = []
    real = nvml_sim.nvmlDeviceGetRetiredPages
    nvml_sim.nvmlDeviceGetRetiredPages = lambda *a: calls.append(a) or real(*a)
    try:
        lines = three_samples(gpus, clock)
    finally:
        nvml_sim.nvmlDeviceGetRetiredPages = real
    assert len(calls) == 4  # two causes × two GPUs, the first sample only
    assert all(g["retired_pages"] is None for line in lines for g in line)
    assert lines[-1][0]["ecc_corrected_volatile"] == 7  # SBE counters exist on every board
    errors = [e for e in gpus.take_errors() if e["field"].startswith("retired_pages")]
    assert sorted((e["gpu"], e["field"]) for e in errors) == sorted(
        (g, f) for g in (0, 1) for f in PAGE_FIELDS
    )
    assert {e["error"] for e in errors} == {"NVML_ERROR_NOT_SUPPORTED"}


def line_of(gpus_line):
    return {
        "v": 1,
        "host": "n1",
        "t": 1_700_000_000.0,
        "source": "nvml_sim",
        "gpus": gpus_line,
        "node": {},
        "xid": [],
        "errors": [],
    }


def test_both_protocol_versions_read_them_back(sim):  # noqa: F811
    gpus, clock = sim("count=2,model=V100,faults=ecc:1")
    sample = line_of(three_samples(gpus, clock)[-1])
    v1 = parse_line(to_json_line(sample).encode(), "n1")
    decoder, encoder = StreamDecoder("n1", compact=False), CompactEncoder()
    v2 = [decoder.decode(line.encode()) for line in encoder.lines(sample)][-1]
    for parsed in (v1, v2):
        g = parsed.gpus[1]
        assert (g.ecc_corrected_volatile, g.ecc_corrected_aggregate) == (7, 19)
        assert (g.retired_pages_sbe, g.retired_pages_dbe, g.retired_pages_pending) == (3, 1, True)
        assert parsed.gpus[0].retired_pages_pending is False
    bad = dict(sample["gpus"][1], retired_pages={"sbe": -2, "dbe": "x", "pending": 3})
    parsed = parse_line(to_json_line(line_of([bad])).encode(), "n1")
    g = parsed.gpus[0]
    assert (g.retired_pages_sbe, g.retired_pages_dbe, g.retired_pages_pending) == (None,) * 3
    assert len([n for n in parsed.errors if "retired_pages" in n]) == 3
