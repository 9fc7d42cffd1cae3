"""The shipped probe (bundle payload) streaming on the simulated NVML: the energy counter goes
up as power × time does, measured or estimated, a driver reload shows as a reset, and protocol
v2 carries the counters to the packed arrays."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from console.fleet.packing import pack
from console.telemetry.protocol_v2 import StreamDecoder
from tests.probe_process import run_probe

INTERVAL = 0.25


def stream(spec, seconds=3.1, protocol=1):
    args = ("--stream", str(INTERVAL), "--max-seconds", str(seconds), "--sim", spec)
    done = run_probe(*args, "--protocol", str(protocol), timeout=60, check=True, text=False)
    return [line for line in done.stdout.splitlines() if line.strip()]


def trapezoid(lines, gpu):
    """Joules by the lines' own power readings and times."""
    points = [(line["t"], line["gpus"][gpu]["power_w"]) for line in lines]
    return sum((p0 + p1) / 2 * (t1 - t0) for (t0, p0), (t1, p1) in itertools.pairwise(points))


@pytest.mark.parametrize(
    ("spec", "estimated", "tolerance"),
    [
        # NVML's counter integrates the power second by second; the lines sample it: close
        ("count=2,load=busy,seed=8", False, 0.05),
        # the probe integrates the very readings it prints: closer still
        ("count=2,load=busy,seed=8,energy=0", True, 0.01),
    ],
)
def test_energy_counter_advances_as_power_times_time(spec, estimated, tolerance):
    lines = [json.loads(line) for line in stream(spec)]
    assert len(lines) >= 8
    for gpu in (0, 1):
        energy = [line["gpus"][gpu]["energy_mj"] for line in lines]
        assert {line["gpus"][gpu]["energy_estimated"] for line in lines} == {estimated}
        assert all(b > a for a, b in itertools.pairwise(energy))  # busy: always up
        counted = (energy[-1] - energy[0]) / 1000.0
        assert counted == pytest.approx(trapezoid(lines, gpu), rel=tolerance)
        assert 400 < counted / (lines[-1]["t"] - lines[0]["t"]) < 700  # watts of a busy H100
    if estimated:
        assert lines[0]["gpus"][0]["energy_mj"] == 0  # since the probe started
    else:
        assert lines[0]["gpus"][0]["energy_mj"] > 10**9  # since the driver loaded


def test_a_driver_reload_resets_the_counter_and_it_counts_on():
    lines = [json.loads(line) for line in stream("count=2,load=busy,seed=8,faults=reload:0@1.5")]
    energy = [line["gpus"][0]["energy_mj"] for line in lines]
    drops = [k for k, (a, b) in enumerate(itertools.pairwise(energy)) if b < a]
    assert len(drops) == 1  # one reset, then up again
    after = energy[drops[0] + 1 :]
    assert after == sorted(after) and after[-1] > after[0]
    other = [line["gpus"][1]["energy_mj"] for line in lines]
    assert other == sorted(other)  # GPU 1 was not reloaded


def test_v2_stream_carries_energy_to_the_packed_arrays():
    decoder = StreamDecoder("n1")
    samples = [s for s in (decoder.decode(line) for line in stream("count=2,mig=1,seed=5", 1.6, 2))
               if s is not None]  # fmt: skip
    packed = [pack([s]) for s in samples]
    assert len(packed) >= 4
    energy = np.array([p.energy_j[0] for p in packed])
    assert (np.diff(energy, axis=0) > 0).all() and not packed[-1].energy_estimated.any()
    assert [column for column, _ in packed[-1].energy_split[0]] == [0, 1]  # both MIG GPUs
    for _, split in packed[-1].energy_split[0]:
        assert sum(f for _, f in split) == pytest.approx(1.0)
