"""The demo fleet's energy counters: the integral of the power it reports, live and in simulate."""

from __future__ import annotations

import numpy as np
import pytest

from console.commands.simulate import FrameMaker
from console.fleet.model import NodeSample
from console.sources.demo import energy as demo_energy
from console.sources.demo.fleet import GPUS_PER_NODE, SimFleet

# 08:00 Seoul on a weekday: the public sector ramps up into office hours during the hour
START = 1_799_971_200.0 - 3600.0
HOUR = 3600


def sample_arrays(sim: SimFleet, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energy, estimated flags and CPU joules as the demo's samples carry them (NaN: down)."""
    energy = np.full((len(sim.inventory.nodes), GPUS_PER_NODE), np.nan)
    flags = np.zeros(energy.shape, dtype=object)
    cpu = np.full(len(sim.inventory.nodes), np.nan)
    row = {s.name: i for i, s in enumerate(sim.inventory.nodes)}
    for item in sim.sample(t):
        if isinstance(item, NodeSample):
            i = row[item.host]
            energy[i] = [g.energy_j for g in item.gpus]
            flags[i] = [g.energy_estimated for g in item.gpus]
            cpu[i] = item.info.cpu_energy_j
    return energy, flags, cpu


def test_a_polled_hour_adds_up_to_the_mean_power_it_reported():
    """A console polling every second: each GPU's counter delta is the mean of the power the
    demo reported (sampled every second, also while the node is unreachable) × 1 h."""
    sim = SimFleet.build(6)
    first, flags, cpu_first = sample_arrays(sim, START)
    assert (flags == False).all()  # noqa: E712  (measured, as NVML's counter, not None)
    gpu_w = np.zeros(first.shape)
    cpu_w = np.zeros(len(cpu_first))
    for k in range(1, HOUR + 1):
        a = sim.arrays(START + k)
        gpu_w += a["power"] / HOUR
        cpu_w += demo_energy.cpu_power(a["cpu"]) / HOUR
        gpu_j = sim.energy.at(START + k)[0]
    last, _, cpu_last = sample_arrays(sim, START + HOUR)
    assert np.array_equal(np.round(gpu_j, 3), last)  # the samples carry the counters
    delta = last - first
    assert delta == pytest.approx(gpu_w * HOUR, rel=0.01)
    assert cpu_last - cpu_first == pytest.approx(cpu_w * HOUR, rel=0.01)
    # plausible watts: an H100 between idle and its limit, two CPU sockets idle to busy
    assert ((delta / HOUR > 60) & (delta / HOUR < 700)).all()
    assert ((cpu_w > 120) & (cpu_w < 560)).all()
    assert len(np.unique(delta)) == delta.size  # each GPU its own counter


def test_simulate_frames_keep_the_counters_consistent():
    """simulate's frames (5 min apart, then 1 min) carry counters whose deltas add up to the
    fleet's power over the hour: per sector within 1 % of a per-second integral."""
    sim = SimFleet.build(12)
    maker = FrameMaker(sim)
    sector = np.asarray(maker.template.node_sector)
    watts = np.zeros((len(sector), GPUS_PER_NODE))
    for k in range(HOUR // 10):  # the power reported, every 10 s, display order
        watts += sim.arrays(START + 10 * k + 5)["power"][maker.rows] * 10 / HOUR
    frames = [maker.at(START + 300 * k) for k in range(12)]
    frames += [maker.at(START + 3600 - 60 * k) for k in range(4, -1, -1)]
    counters = np.array([f.gpu_energy_j for f in frames])
    assert (np.diff(counters, axis=0) > 0).all()  # forward only, every GPU draws power
    assert not frames[-1].gpu_energy_estimated.any()
    assert (np.diff([f.node_cpu_energy_j for f in frames], axis=0) > 0).all()
    delta = counters[-1] - counters[0]
    for i in range(3):
        mine = sector == i
        assert delta[mine].sum() == pytest.approx(watts[mine].sum() * HOUR, rel=0.01)


def test_counters_never_run_backwards_and_start_at_the_seeds_offset():
    a, b = SimFleet.build(6), SimFleet.build(6)
    other = SimFleet.build(6, seed=7)
    gpu_a, cpu_a = a.energy.at(START)
    gpu_b, _ = b.energy.at(START + 86400)  # a new instance may start anywhere: its offsets
    assert np.array_equal(gpu_a, gpu_b)
    assert not np.array_equal(gpu_a, other.energy.at(START)[0])
    assert (gpu_a > 0).all() and (gpu_a < demo_energy.GPU_OFFSET_MAX_J).all()
    assert (cpu_a > 0).all()
    later, _ = a.energy.at(START + 60)
    assert (later > gpu_a).all()
    again, _ = a.energy.at(START + 30)  # an earlier time: the counters stay where they were
    assert np.array_equal(again, later)
    assert np.array_equal(a.energy.at(START + 60)[0], later)


def test_one_long_step_equals_many_short_ones_where_power_is_steady():
    """Ten-second cells hold one noise value each: stepping 1 s or 10 s through the same cells
    gives the same joules (the integral does not depend on how often it is asked)."""
    fine, coarse = SimFleet.build(3), SimFleet.build(3)
    t0 = START + 100.0  # a cell boundary
    fine.energy.at(t0)
    coarse.energy.at(t0)
    for k in range(1, 51):
        fine.energy.at(t0 + k)
    for k in range(1, 6):
        coarse.energy.at(t0 + 10 * k)
    assert fine.energy.at(t0 + 50)[0] == pytest.approx(coarse.energy.at(t0 + 50)[0], rel=1e-12)


def test_the_power_cap_is_never_what_the_formula_hits():
    """gpu_power caps at the limit; the demo's busiest GPU stays below it, so the reported
    power is the formula's and the counter integrates the same values."""
    top = demo_energy.gpu_power(np.array([100.0]), np.array([0.999]))
    assert top[0] < demo_energy.GPU_POWER_LIMIT_W
