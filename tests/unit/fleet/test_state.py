"""FleetState: freshness rules, missing values, unknown hosts, the snapshot's numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeEvent, NodeSample, NodeStatus, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec

T0 = 1_800_000_000.0
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


def inventory() -> Inventory:
    return Inventory(
        nodes=(
            NodeSpec("b-node", Sector.PUBLIC, None, 2),
            NodeSpec("a-node", Sector.PUBLIC, None, 2),
            NodeSpec("c-node", Sector.INTEREST, None, 4),
            NodeSpec("d-node", Sector.PRIVATE, None, 2),
        ),
        entitlements=SHARES,
    )


def sample(host: str, t: float, *utils: float | None) -> NodeSample:
    return NodeSample(host, t, tuple(GpuSample(i, util_gpu=u) for i, u in enumerate(utils)))


def test_nodes_are_ordered_by_sector_then_name():
    snap = FleetState(inventory(), default_registry()).snapshot(T0)
    assert snap.node_names == ("a-node", "b-node", "c-node", "d-node")
    assert list(snap.node_sector) == [0, 0, 1, 2]


def test_status_live_stale_unreachable_waiting():
    state = FleetState(inventory(), default_registry(), stale_after_s=10)
    state.apply(
        PollBatch(
            T0,
            samples=(
                sample("a-node", T0, 50, 60),
                sample("b-node", T0 - 30, 10, 10),
                sample("c-node", T0 - 5, 1, 2, 3, 4),
            ),
            events=(NodeEvent("c-node", T0, NodeStatus.UNREACHABLE, "connection refused"),),
        )
    )
    snap = state.snapshot(T0)
    status = dict(zip(snap.node_names, snap.node_status, strict=True))
    assert status == {
        "a-node": NodeStatus.LIVE,
        "b-node": NodeStatus.STALE,
        "c-node": NodeStatus.UNREACHABLE,
        "d-node": NodeStatus.WAITING,
    }
    assert snap.node_reason[2] == "connection refused"
    assert snap.counts[NodeStatus.LIVE] == 1 and snap.counts[NodeStatus.WAITING] == 1
    assert snap.oldest_age_s == pytest.approx(30)
    # a new sample after the failure makes the node live again
    state.apply(PollBatch(T0 + 1, samples=(sample("c-node", T0 + 1, 1, 2, 3, 4),)))
    assert state.snapshot(T0 + 1).node_status[2] == NodeStatus.LIVE


def test_stale_and_unreachable_gpus_never_count_as_live():
    state = FleetState(inventory(), default_registry(), stale_after_s=10)
    state.apply(
        PollBatch(T0, samples=(sample("a-node", T0, 90, 90), sample("b-node", T0 - 60, 90, 90)))
    )
    public = state.snapshot(T0).sectors[0]
    assert public.allocated_gpus == 4
    assert public.reporting_gpus == 2
    assert public.used_gpus == 2
    assert public.avg_util == pytest.approx(90)


def test_missing_values_are_not_zero():
    state = FleetState(inventory(), default_registry())
    state.apply(PollBatch(T0, samples=(sample("c-node", T0, None, 80, None, 0.0),)))
    snap = state.snapshot(T0)
    row = snap.gpu_util[2]
    assert math.isnan(row[0]) and math.isnan(row[2])
    interest = snap.sectors[1]
    assert interest.reporting_gpus == 2
    assert interest.used_gpus == 1  # 80 is busy; 0 is a real idle GPU; None is unknown
    assert interest.avg_util == pytest.approx(40)


def test_a_sample_replaces_the_previous_one_including_vanished_gpus():
    state = FleetState(inventory(), default_registry())
    state.apply(PollBatch(T0, samples=(sample("c-node", T0, 10, 20, 30, 40),)))
    state.apply(PollBatch(T0 + 1, samples=(sample("c-node", T0 + 1, 50, 60),)))
    row = state.snapshot(T0 + 1).gpu_util[2]
    assert list(row[:2]) == [50, 60] and np.isnan(row[2:]).all()


def test_unknown_hosts_and_out_of_range_gpus_are_ignored_not_fatal():
    state = FleetState(inventory(), default_registry())
    state.apply(
        PollBatch(
            T0,
            samples=(sample("ghost", T0, 99), sample("d-node", T0, 10, 20, 30)),
            events=(NodeEvent("phantom", T0, NodeStatus.UNREACHABLE, "refused"),),
        )
    )
    assert state.unknown_hosts == {"ghost", "phantom"}
    assert list(state.snapshot(T0).gpu_util[3][:2]) == [10, 20]


def test_snapshot_arrays_are_read_only_copies():
    state = FleetState(inventory(), default_registry())
    state.apply(PollBatch(T0, samples=(sample("a-node", T0, 10, 20),)))
    snap = state.snapshot(T0)
    with pytest.raises(ValueError):
        snap.gpu_util[0, 0] = 99
    state.apply(PollBatch(T0 + 1, samples=(sample("a-node", T0 + 1, 70, 80),)))
    assert list(snap.gpu_util[0][:2]) == [10, 20]


def test_sector_series_records_at_most_once_a_second_and_keeps_the_window():
    state = FleetState(inventory(), default_registry(), series_window_s=60)
    for k in range(0, 400):
        t = T0 + k * 0.25
        state.apply(PollBatch(t, samples=(sample("a-node", t, 50, 50),)))
        snap = state.snapshot(t)
    assert len(snap.series.t) == 60  # 100 s of data at 1 Hz, only the last 60 s kept
    assert np.all(np.diff(snap.series.t) >= 1.0)
    assert np.allclose(snap.series.util[0], 50)
    assert np.isnan(snap.series.util[1]).all()


def test_inventory_rejects_duplicates_and_bad_entitlements():
    node = NodeSpec("x", Sector.PUBLIC, None, 1)
    with pytest.raises(ValueError, match="listed twice: x"):
        Inventory(nodes=(node, node), entitlements=SHARES)
    with pytest.raises(ValueError, match=r"add up to 90\.0%"):
        Inventory(nodes=(node,), entitlements={**SHARES, Sector.PRIVATE: 0.1})
    with pytest.raises(ValueError, match="no entitlement"):
        Inventory(nodes=(node,), entitlements={Sector.PUBLIC: 1.0})


def test_gpu_work_is_charged_to_the_process_users_organisation():
    from console.fleet.model import GpuProcess, Organisation

    city = Organisation("city", Sector.PUBLIC, "시청", "City")
    lab = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
    inv = Inventory(
        nodes=(NodeSpec("a-node", Sector.PUBLIC, city, 3),),
        entitlements=SHARES,
        organisations=(city, lab),
        user_org={"kim": "lab"},
    )
    state = FleetState(inv, default_registry())
    gpus = (
        GpuSample(0, util_gpu=90, processes=(GpuProcess(1, "kim", 10), GpuProcess(2, "x", 99))),
        GpuSample(1, util_gpu=90, processes=(GpuProcess(3, "kim", 500), GpuProcess(4, "x", 9))),
        GpuSample(2, util_gpu=0),
    )
    state.apply(PollBatch(T0, samples=(NodeSample("a-node", T0, gpus),)))
    snap = state.snapshot(T0)
    assert snap.org_ids == ("city", "lab")
    # GPU 0's biggest process belongs to an unknown user: the node's organisation
    assert snap.gpu_org[0].tolist() == [0, 1, 0]


def test_sector_series_has_no_used_value_where_nothing_reports():
    state = FleetState(inventory(), default_registry())
    snap = state.snapshot(T0)  # nothing has reported yet
    assert np.isnan(snap.series.busy).all()
    assert snap.series.allocated[:, -1].tolist() == [4, 4, 2]


def test_subset_cuts_every_per_node_field_and_recounts():
    from console.fleet.model import GpuProcess, Organisation

    lab = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
    inv = Inventory(
        nodes=(*inventory().nodes[:3], NodeSpec("d-node", Sector.PRIVATE, lab, 2)),
        entitlements=SHARES,
        organisations=(lab,),
        user_org={"kim": "lab"},
    )
    state = FleetState(inv, default_registry())
    kim = (GpuProcess(1, "kim", 10),)
    state.apply(
        PollBatch(
            T0,
            samples=(
                sample("a-node", T0, 10, 20),
                NodeSample("d-node", T0, (GpuSample(0, util_gpu=70, processes=kim),)),
            ),
        )
    )
    snap = state.snapshot(T0)
    part = snap.subset(np.array([3, 0]))
    assert part.node_names == ("d-node", "a-node")
    assert part.node_org == (lab, None)
    assert part.gpu_util[0, 0] == 70 and part.gpu_util[1, :2].tolist() == [10, 20]
    assert part.gpu_org.shape[0] == 2 and part.gpu_org[0, 0] == 0
    assert part.counts[NodeStatus.LIVE] == 2 and part.counts[NodeStatus.WAITING] == 0
    assert not part.gpu_util.flags.writeable
    assert part.sectors == snap.sectors  # fleet-wide figures stay as they are


def test_reallocate_moves_a_node_and_its_gpus_to_the_new_sector():
    fleet = FleetState(inventory(), default_registry())
    fleet.apply(PollBatch(100.0, samples=(sample("b-node", 100.0, 50.0, 50.0),)))
    before = fleet.snapshot(100.5)
    row = before.node_names.index("b-node")
    moved_from = before.sector_of(row)
    target = Sector.PRIVATE if moved_from != Sector.PRIVATE else Sector.PUBLIC
    assert fleet.reallocate({"b-node": target}) is True
    assert fleet.reallocate({"b-node": target}) is False  # nothing new
    after = fleet.snapshot(101.0)
    assert after.node_names == before.node_names  # rows keep their place (history is by row)
    assert after.sector_of(row) == target
    alloc = {s.sector: s.allocated_gpus for s in after.sectors}
    was = {s.sector: s.allocated_gpus for s in before.sectors}
    gpus = int(before.node_gpu_count[row])
    assert alloc[target] == was[target] + gpus and alloc[moved_from] == was[moved_from] - gpus
    assert after.node_org[row] is None or after.node_org[row].sector == target
