"""EnergyMeter: counter deltas between sample times; resets, wraps, spikes and missing counters
fall back to power × dt (estimated); gaps stay gaps. And the MIG split adds up."""

from __future__ import annotations

import numpy as np
import pytest

from console.energy.attribution import attribute
from console.energy.meter import EnergyMeter
from console.fleet.model import NodeStatus
from tests.unit.energy.fleet import T0, base, snap

NAN = float("nan")


@pytest.fixture(scope="module")
def template():
    return base()


def two_steps(template, first, second, dt=10.0, **kw):
    meter = EnergyMeter(max_gap_s=30.0)
    meter.step(snap(template, T0, first, **kw.get("before", {})))
    return meter.step(snap(template, T0 + dt, second, **kw.get("after", {})))


def test_the_counter_delta_between_samples_is_the_energy(template):
    step = two_steps(template, ((1000, 2000), (0, 5e6)), ((4000, 2100), (2500, 5.001e6)))
    assert step.gpu_j.tolist() == [[3000, 100], [2500, 1000]]
    assert not step.estimated.any()


def test_frames_repeating_a_sample_add_nothing_and_the_next_sample_adds_the_interval(template):
    meter = EnergyMeter(max_gap_s=30.0)
    meter.step(snap(template, T0, ((0, 0), (0, 0))))
    # one second later, the same sample (1 s old): nothing new
    again = meter.step(snap(template, T0 + 1, ((0, 0), (0, 0)), age=(1.0, 1.0)))
    assert not again.gpu_j.any()
    # the next sample came at T0 + 5 and is 2 s old at T0 + 7
    later = meter.step(snap(template, T0 + 7, ((1500, 0), (0, 0)), age=(2.0, 2.0)))
    assert later.gpu_j[0, 0] == 1500
    assert not later.estimated.any()


def test_a_reset_falls_back_to_power_times_dt_marked_estimated(template):
    # driver reload: the counter starts again near 0
    step = two_steps(
        template,
        ((5e6, 1000), (0, 0)),
        ((120, 4000), (0, 0)),
        before={"power": ((200, 300), (0, 0))},
        after={"power": ((300, 300), (0, 0))},
    )
    assert step.gpu_j[0, 0] == pytest.approx(250 * 10)  # the trapezoid of 200 W and 300 W
    assert step.estimated[0, 0]
    assert step.gpu_j[0, 1] == 3000 and not step.estimated[0, 1]
    assert (step.gpu_j >= 0).all()


def test_a_wrapped_counter_never_gives_a_negative(template):
    top = 2.0**64 / 1000  # NVML counts millijoules in 64 bits
    step = two_steps(template, ((top - 500, 0), (0, 0)), ((1200, 0), (0, 0)))
    assert step.gpu_j[0, 0] == pytest.approx(300 * 10)
    assert step.estimated[0, 0]


def test_a_spike_is_not_believed(template):
    # 10 MJ in 10 s would be 1 MW
    step = two_steps(template, ((0, 0), (0, 0)), ((1e7, 0), (0, 0)))
    assert step.gpu_j[0, 0] == pytest.approx(3000)
    assert step.estimated[0, 0]
    # just under the limit: 2,000 W × (10 s + 5 s) is believed
    ok = two_steps(template, ((0, 0), (0, 0)), ((29_999, 0), (0, 0)))
    assert ok.gpu_j[0, 0] == 29_999 and not ok.estimated[0, 0]


def test_no_counter_is_power_times_dt_estimated_and_no_power_is_nothing(template):
    step = two_steps(
        template,
        ((NAN, NAN), (0, 0)),
        ((NAN, NAN), (0, 0)),
        after={"power": ((310, NAN), (0, 0))},
        before={"power": ((290, NAN), (0, 0))},
    )
    assert step.gpu_j[0].tolist() == [pytest.approx(3000), 0.0]
    assert step.estimated[0].tolist() == [True, False]


def test_the_probes_own_integral_is_used_but_marked_estimated(template):
    flags = ((True, False), (False, False))
    step = two_steps(
        template,
        ((100, 100), (0, 0)),
        ((2100, 1100), (0, 0)),
        before={"estimated": flags},
        after={"estimated": flags},
    )
    assert step.gpu_j[0].tolist() == [2000, 1000]
    assert step.estimated[0].tolist() == [True, False]
    assert step.estimated_j[0].tolist() == [2000, 0]


def test_a_gap_stays_a_gap(template):
    # samples 60 s apart with a 30 s limit: no straight line across the gap
    step = two_steps(template, ((0, 0), (0, 0)), ((18_000, 0), (0, 0)), dt=60.0)
    assert not step.gpu_j.any()
    # a node that was not live in between starts again at its next sample
    meter = EnergyMeter(max_gap_s=30.0)
    meter.step(snap(template, T0, ((0, 0), (0, 0))))
    down = (NodeStatus.STALE, NodeStatus.LIVE)
    gone = meter.step(snap(template, T0 + 10, ((3000, 0), (0, 0)), status=down))
    assert gone.gpu_j[0, 0] == 0.0
    back = meter.step(snap(template, T0 + 20, ((6000, 0), (0, 0))))
    assert back.gpu_j[0, 0] == 0.0  # the interval since T0 spans the time it was not live
    next_one = meter.step(snap(template, T0 + 30, ((9000, 0), (0, 0))))
    assert next_one.gpu_j[0, 0] == 3000


def test_cpu_energy_is_metered_without_a_power_fallback(template):
    zeros = ((0, 0), (0, 0))
    step = two_steps(
        template, zeros, zeros, before={"cpu": (1000, 5e5)}, after={"cpu": (1800, 100)}
    )
    assert step.cpu_j.tolist() == [800, 0.0]  # prv1 reset: missing, not estimated
    missing = two_steps(template, zeros, zeros, before={"cpu": (NAN, 1)}, after={"cpu": (5, 9)})
    assert missing.cpu_j.tolist() == [0.0, 8.0]


def test_nodes_are_followed_by_name_when_the_rows_change(template):
    meter = EnergyMeter(max_gap_s=30.0)
    meter.step(snap(template, T0, ((0, 0), (100, 200))))
    swapped = snap(template, T0 + 10, ((3000, 0), (1100, 1200)))
    from dataclasses import replace

    swapped = replace(swapped, node_names=("prv1", "pub1"), gpu_energy_j=swapped.gpu_energy_j[::-1])
    step = meter.step(swapped)
    assert step.gpu_j.tolist() == [[1000, 1000], [3000, 0]]


def test_a_mig_gpus_split_adds_up_to_the_gpus_total():
    gpu_org = np.array([[0, 0], [1, 1]])
    joules = np.array([[7000.0, 500.0], [1000.0, 0.0]])
    est = np.array([[700.0, 0.0], [0.0, 0.0]])
    # GPU 0 of node 0: 3g to org 2, 2g to org 1, 1g idle and one slice unallocated → owner 0
    split = (((0, ((2, 3 / 7), (1, 2 / 7), (0, 2 / 7))),), ())
    rows, orgs, (j, e) = attribute(gpu_org, split, joules, est)
    assert j.sum() == pytest.approx(joules.sum())
    assert e.sum() == pytest.approx(est.sum())
    by_org = np.bincount(orgs, j)
    assert by_org.tolist() == pytest.approx([2000 + 500, 2000 + 1000, 3000])
    node0 = rows == 0
    assert j[node0].sum() == pytest.approx(7500)
    # fractions that do not quite add up are normalised: the parts still make the whole
    uneven = (((0, ((2, 0.5), (1, 0.3))),), ())
    _, _, (j2,) = attribute(gpu_org, uneven, joules)
    assert j2.sum() == pytest.approx(joules.sum())
