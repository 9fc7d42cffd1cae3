"""Fuzzing the probe's lines (tests/probe_fuzz.py): ~2,000 lines mutated from real probe output,
with a fixed seed, through the real parser, packing and FleetState. No exception escapes, every
rejected line marks its node PROBE_ERROR, accepted lines leave only finite values. The full
100,000 lines run in `make bench` (tests/bench/bench_probe_fuzz.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from console.fleet.model import GpuSample, NodeSample
from console.fleet.packing import pack
from console.telemetry.protocol import parse_line
from tests.probe_fuzz import MUTATIONS, OUTCOMES, run_fuzz, seed_lines, seed_streams
from tests.probe_fuzz_energy import check_packed_energy

LINES = 2_000
SEED = 20_261_203


@pytest.fixture(scope="module")
def seeds() -> list[bytes]:
    return seed_lines()


def test_seed_lines_are_real_probe_output_and_parse_clean(seeds):
    assert len(seeds) >= 5
    for line in seeds:
        sample = parse_line(line, "fz00")
        assert not [e for e in sample.errors if "expected" in e or "range" in e], sample.errors


@pytest.fixture(scope="module")
def streams() -> list[tuple[bytes, ...]]:
    return seed_streams()


def test_v2_seed_streams_are_a_header_then_compact_lines(streams):
    assert len(streams) >= 5
    for header, *data in streams:
        assert header.startswith(b'{"v":2') and data and all(d.startswith(b"[") for d in data)


def test_mutated_lines_never_escape_the_parser_or_packing(seeds, streams, artifacts):
    report = run_fuzz(seeds, LINES, SEED, streams)
    table = report.table()
    (artifacts / "probe_fuzz.txt").write_text(f"{LINES:,} lines, seed {SEED}\n{table}\n")
    print(f"\nprobe fuzz, {LINES:,} lines, seed {SEED}:\n{table}")
    crashes = "\n".join(f"{c.mutation}: {c.error}: {c.line_head[:120]!r}" for c in report.crashes)
    assert not report.crashes, f"{len(report.crashes)} lines escaped:\n{crashes}"
    assert report.lines == LINES == sum(report.outcomes[o] for o in OUTCOMES)
    assert set(report.by_mutation) == set(MUTATIONS)  # every kind of mutation was tried
    assert report.outcomes["rejected"] and report.outcomes["accepted with notes"]
    # a line the parser cannot decode is never accepted
    for name in ("truncation", "invalid UTF-8"):
        assert set(report.by_mutation[name]) == {"rejected"}, name


def test_seed_lines_carry_every_energy_shape(seeds, streams):
    """The fuzzer mutates energy fields only if its seeds have them: measured and estimated
    counters, RAPL joules (null here: no powercap) and MIG instance ids."""
    gpus = [g for line in seeds for g in json.loads(line)["gpus"]]
    assert {g["energy_estimated"] for g in gpus if g["energy_mj"] is not None} == {True, False}
    assert all("cpu_energy_j" in json.loads(line)["node"] for line in seeds)
    assert any(m["gpu_instance_id"] is not None for g in gpus for m in g["mig_devices"] or ())
    assert any(p["gpu_instance_id"] is not None for g in gpus for p in g["processes"] or ())
    header = json.loads(streams[-1][0])
    assert "energy_mj" in header["gpu_fields"] and "cpu_energy_j" in header["node_fields"]


def test_the_energy_checks_catch_what_they_look_for():
    good = pack([NodeSample("a", 1.0, (GpuSample(0, energy_j=5.0),))])
    assert check_packed_energy(good, 0) is None
    bad = replace(good, energy_j=np.array([[np.inf]]))
    assert "energy_j" in check_packed_energy(bad, 0)
    split = replace(good, energy_split=(((0, (("kim", 0.5), (None, 0.4))),),))
    assert "add up to 1" in check_packed_energy(split, 0)
