"""The demo fleet: sizes, sector split, aggregates that add up, load shapes, determinism."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, NodeEvent, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.sources.demo.fleet import SimFleet, office_hours_factor

SEOUL = ZoneInfo("Asia/Seoul")
WED_2PM = datetime(2026, 11, 25, 14, 0, tzinfo=SEOUL).timestamp()
WED_3AM = datetime(2026, 11, 25, 3, 0, tzinfo=SEOUL).timestamp()


def snapshot_at(fleet: SimFleet, t: float):
    state = FleetState(fleet.inventory, default_registry())
    items = fleet.sample(t)
    state.apply(
        PollBatch(
            t=t,
            samples=tuple(i for i in items if isinstance(i, NodeSample)),
            events=tuple(i for i in items if isinstance(i, NodeEvent)),
        )
    )
    return state.snapshot(t)


def test_default_fleet_is_48_nodes_of_8_gpus_split_40_35_25():
    fleet = SimFleet.build()
    nodes = fleet.inventory.nodes
    assert len(nodes) == 48
    assert {n.gpu_count for n in nodes} == {8}
    per_sector = {s: sum(1 for n in nodes if n.sector == s) for s in SECTORS}
    assert per_sector == {Sector.PUBLIC: 19, Sector.INTEREST: 17, Sector.PRIVATE: 12}
    assert all(n.organisation.sector == n.sector for n in nodes)


@pytest.mark.parametrize("size", [3, 48, 101, 2000])
def test_sector_aggregates_add_up_to_the_fleet(size):
    fleet = SimFleet.build(size, seed=7)
    snap = snapshot_at(fleet, WED_2PM)
    total_gpus = fleet.inventory.gpu_total
    assert sum(s.allocated_gpus for s in snap.sectors) == total_gpus
    assert sum(s.entitled_share for s in snap.sectors) == pytest.approx(1.0)
    assert sum(s.entitled_gpus for s in snap.sectors) == pytest.approx(total_gpus)
    live = snap.node_status == 0
    live_util = snap.gpu_util[live]
    assert sum(s.reporting_gpus for s in snap.sectors) == int(live_util.size)
    assert sum(s.used_gpus for s in snap.sectors) == int((live_util >= snap.busy_threshold).sum())
    for i, summary in enumerate(snap.sectors):
        mine = snap.gpu_util[live & (snap.node_sector == i)]
        if mine.size == 0:  # the sector's only node is the unreachable one
            assert summary.avg_util is None and summary.reporting_gpus == 0
        else:
            assert summary.avg_util == pytest.approx(float(mine.mean()), rel=1e-5)


def test_same_seed_same_time_same_sample_and_other_seed_differs():
    a = SimFleet.build(48, seed=1).utilisation(WED_2PM)
    b = SimFleet.build(48, seed=1).utilisation(WED_2PM)
    c = SimFleet.build(48, seed=2).utilisation(WED_2PM)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_public_follows_office_hours_in_seoul():
    assert office_hours_factor(WED_2PM) == 1.0
    assert office_hours_factor(WED_3AM) < 0.2
    saturday_2pm = WED_2PM + 3 * 86400
    assert office_hours_factor(saturday_2pm) < 0.5
    fleet = SimFleet.build(48)
    public = np.array([n.sector == Sector.PUBLIC for n in fleet.inventory.nodes])
    day = fleet.utilisation(WED_2PM)[public].mean()
    night = fleet.utilisation(WED_3AM)[public].mean()
    assert day > 2.5 * night


def test_interest_runs_long_jobs_near_90_percent():
    fleet = SimFleet.build(48)
    interest = np.array([n.sector == Sector.INTEREST for n in fleet.inventory.nodes])
    hours = [WED_3AM + h * 3600 for h in range(24)]
    busy = np.concatenate([fleet.utilisation(t)[interest].ravel() for t in hours])
    running = busy[busy > 50]
    assert 85 <= np.median(running) <= 95
    assert len(running) / len(busy) > 0.8  # mostly running, short gaps between jobs


def test_private_is_bursty():
    fleet = SimFleet.build(48)
    private = np.array([n.sector == Sector.PRIVATE for n in fleet.inventory.nodes])
    means = [fleet.utilisation(WED_2PM + k * 300)[private].mean(axis=1) for k in range(24)]
    per_node = np.array(means)  # (time, node)
    # the same node swings between near idle and near full within two hours
    assert (per_node.max(axis=0) - per_node.min(axis=0)).mean() > 30


def test_temperature_and_power_follow_utilisation_and_some_gpus_idle():
    fleet = SimFleet.build(200)
    samples = [s for s in fleet.sample(WED_2PM) if isinstance(s, NodeSample)]
    gpus = [g for s in samples for g in s.gpus]
    util = np.array([g.util_gpu for g in gpus])
    temp = np.array([g.temp_c for g in gpus])
    power = np.array([g.power_w for g in gpus])
    assert np.corrcoef(util, temp)[0, 1] > 0.9
    assert np.corrcoef(util, power)[0, 1] > 0.9
    assert all(g.power_w <= g.power_limit_w for g in gpus)
    assert 0 < (util == 0).sum() < 0.2 * len(util)


def test_one_node_is_unreachable_now_and_then():
    fleet = SimFleet.build(48)
    day = [WED_3AM + k * 30 for k in range(24 * 120)]
    down = [fleet.unreachable(t) for t in day]
    hit = [d for d in down if d is not None]
    assert 0 < len(hit) < 0.2 * len(day)
    t = day[down.index(hit[0])]
    failures = [i for i in fleet.sample(t) if isinstance(i, NodeEvent)]
    assert [f.host for f in failures] == [fleet.inventory.nodes[hit[0]].name]


def test_too_small_fleet_is_refused():
    with pytest.raises(ValueError, match="at least 3 nodes"):
        SimFleet.build(2)


def test_busy_gpus_run_a_process_of_a_known_user_of_the_nodes_sector():
    from console.fleet.model import NodeSample

    fleet = SimFleet.build(48)
    orgs = {o.id: o for o in fleet.inventory.organisations}
    private_orgs = set()
    for s in fleet.sample(1_795_968_000.0):
        if not isinstance(s, NodeSample):
            continue
        spec = next(n for n in fleet.inventory.nodes if n.name == s.host)
        assert s.info is not None and s.info.mem_total_bytes
        for g in s.gpus:
            assert bool(g.processes) == (g.util_gpu > 3)
            for p in g.processes:
                org = orgs[fleet.inventory.user_org[p.user]]
                assert org.sector == spec.sector
                if spec.sector == "private":
                    private_orgs.add(org.id)
                else:
                    assert org == spec.organisation
    assert len(private_orgs) > 1  # the private pool is shared by several startups


def test_a_drained_demo_node_empties_and_a_moved_one_follows_its_sector(tmp_path):
    from console.capacity.backends.local import LocalBackend
    from console.capacity.model import SchedState
    from console.sources.demo.capacity import DRAIN_S, SimWorkload

    sim = SimFleet.build(12)
    clock = [1_800_000_000.0 + 11 * 3600]  # a weekday morning in Seoul: public nodes busy
    backend = LocalBackend(
        tmp_path / "c.sqlite", sim.inventory, SimWorkload(sim),
        clock=lambda: clock[0], on_change=sim.control.update,
    )
    busy = next(r for r in backend.read().nodes.values() if not r.idle)
    row = [s.name for s in sim.inventory.nodes].index(busy.name)
    backend.drain(busy.name, "hangang plan=t x->y")
    assert backend.read().nodes[busy.name].state == SchedState.DRAINING
    clock[0] += DRAIN_S + 1
    assert backend.read().nodes[busy.name].state == SchedState.DRAINED
    assert sim.utilisation(clock[0])[row].max() == 0.0
    target = next(s for s in Sector if s != busy.sector)
    backend.assign(busy.name, busy.sector, target)
    backend.resume(busy.name, "hangang plan=t x->y")
    assert sim.control.sector_index(sim.inventory.nodes)[row] == list(Sector).index(target)
