"""FleetState's energy: counters, estimated flags, RAPL joules and the MIG split in the snapshot."""

from __future__ import annotations

import numpy as np
import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, Organisation, PollBatch, Sector
from console.fleet.packing import GPU_FIELDS, PackedSamples
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec

T0 = 1_800_000_000.0
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}
LAB = Organisation("lab", Sector.PRIVATE, "Lab", "Lab")
UNI = Organisation("uni", Sector.INTEREST, "Uni", "Uni")


def inventory() -> Inventory:
    return Inventory(
        nodes=(
            NodeSpec("a-node", Sector.PUBLIC, None, 2),
            NodeSpec("c-node", Sector.INTEREST, UNI, 4),
            NodeSpec("d-node", Sector.PRIVATE, LAB, 2),
        ),
        entitlements=SHARES,
        organisations=(LAB, UNI),
        # "ghost" belongs to an organisation the inventory does not know: unmapped
        user_org={"kim": "lab", "lee": "uni", "ghost": "nowhere"},
    )


def packed(hosts, energy, estimated=None, cpu=None, split=None, t=T0) -> PackedSamples:
    energy = np.asarray(energy, dtype=np.float64)
    n, width = energy.shape
    gpu = np.full((len(GPU_FIELDS), n, width), np.nan, dtype=np.float32)
    gpu[GPU_FIELDS.index("power_w")] = np.where(np.isnan(energy), np.nan, 300.0)
    return PackedSamples(
        hosts=tuple(hosts),
        t=np.full(n, t),
        cpu_percent=np.full(n, 10.0, dtype=np.float32),
        gpu=gpu,
        energy_j=energy,
        energy_estimated=None if estimated is None else np.asarray(estimated, dtype=bool),
        cpu_energy_j=None if cpu is None else np.asarray(cpu, dtype=np.float64),
        energy_split=split,
    )


def row(snap, name: str) -> int:
    return snap.node_names.index(name)


def test_counters_flags_and_rapl_reach_the_snapshot_in_float64():
    state = FleetState(inventory(), default_registry())
    big = 123_456_789.125  # float32 would round this to 123456792
    state.apply(
        PollBatch(
            T0,
            packed=packed(
                ["c-node", "a-node"],
                [[big, 2.0, 3.0, np.nan], [10.0, 20.0, np.nan, np.nan]],
                estimated=[[False, True, False, False], [True, True, False, False]],
                cpu=[5e6 + 0.5, np.nan],
            ),
        )
    )
    snap = state.snapshot(T0)
    c, a, d = row(snap, "c-node"), row(snap, "a-node"), row(snap, "d-node")
    assert snap.gpu_energy_j.dtype == np.float64
    assert snap.gpu_energy_j[c, 0] == big
    assert snap.gpu_energy_j[c, :3].tolist() == [big, 2.0, 3.0]
    assert np.isnan(snap.gpu_energy_j[c, 3])  # no counter: missing, never zero
    assert snap.gpu_energy_j[a, :2].tolist() == [10.0, 20.0]
    assert np.isnan(snap.gpu_energy_j[d]).all()  # never reported
    assert snap.gpu_energy_estimated[c].tolist() == [False, True, False, False]
    assert snap.gpu_energy_estimated[a, :2].tolist() == [True, True]
    assert snap.node_cpu_energy_j[c] == 5e6 + 0.5
    assert np.isnan(snap.node_cpu_energy_j[a]) and np.isnan(snap.node_cpu_energy_j[d])
    assert not snap.gpu_energy_j.flags.writeable
    assert not snap.node_cpu_energy_j.flags.writeable
    assert snap.node_energy_split == ((), (), ())


def test_a_gpu_missing_from_the_next_sample_has_nan_energy():
    state = FleetState(inventory(), default_registry())
    state.apply(
        PollBatch(
            T0, packed=packed(["c-node"], [[1.0, 2.0, 3.0, 4.0]], estimated=[[True] * 4], cpu=[9.0])
        )
    )
    # the next sample has two GPUs, no flags and no RAPL reading
    state.apply(PollBatch(T0 + 1, packed=packed(["c-node"], [[5.0, 6.0]], t=T0 + 1)))
    snap = state.snapshot(T0 + 1)
    c = row(snap, "c-node")
    assert snap.gpu_energy_j[c, :2].tolist() == [5.0, 6.0]
    assert np.isnan(snap.gpu_energy_j[c, 2:]).all()
    assert not snap.gpu_energy_estimated[c].any()
    assert np.isnan(snap.node_cpu_energy_j[c])


def test_a_source_without_energy_leaves_nan_not_the_old_counter():
    state = FleetState(inventory(), default_registry())
    state.apply(PollBatch(T0, packed=packed(["a-node"], [[1.0, 2.0]], cpu=[3.0])))
    state.apply(
        PollBatch(
            T0 + 1,
            samples=(
                NodeSample(
                    "a-node", T0 + 1, (GpuSample(0, util_gpu=5.0), GpuSample(1, util_gpu=5.0))
                ),
            ),
        )
    )
    snap = state.snapshot(T0 + 1)
    a = row(snap, "a-node")
    assert np.isnan(snap.gpu_energy_j[a]).all() and np.isnan(snap.node_cpu_energy_j[a])


def test_mig_split_users_become_organisations_and_unmapped_go_to_the_node():
    state = FleetState(inventory(), default_registry())
    lab, uni = state.org_ids.index("lab"), state.org_ids.index("uni")
    split_c = ((1, (("kim", 3 / 7), ("lee", 2 / 7), (None, 1 / 7), ("ghost", 1 / 7))),)
    split_a = ((0, (("kim", 4 / 7), ("stranger", 3 / 7))),)
    state.apply(
        PollBatch(
            T0,
            packed=packed(
                ["c-node", "a-node", "d-node"],
                [[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, np.nan, np.nan], [1.0, 2.0, np.nan, np.nan]],
                split=(split_c, split_a, ()),
            ),
        )
    )
    snap = state.snapshot(T0)
    c, a, d = row(snap, "c-node"), row(snap, "a-node"), row(snap, "d-node")
    # c-node is uni's: lee's slices, None and the unmapped "ghost" all go to uni, added up
    ((col, parts),) = snap.node_energy_split[c]
    assert col == 1
    assert dict(parts) == pytest.approx({lab: 3 / 7, uni: 4 / 7})
    assert sum(f for _, f in parts) == pytest.approx(1.0)
    # a-node has no organisation: an unmapped user stays -1 (nobody's), kim is lab's
    assert dict(snap.node_energy_split[a][0][1]) == pytest.approx({lab: 4 / 7, -1: 3 / 7})
    assert snap.node_energy_split[d] == ()

    # the next sample of c-node has no MIG GPU any more: its split goes; a-node keeps its own
    state.apply(PollBatch(T0 + 1, packed=packed(["c-node"], [[1.0, 2.0, 3.0, 4.0]], t=T0 + 1)))
    snap = state.snapshot(T0 + 1)
    assert snap.node_energy_split[c] == ()
    assert snap.node_energy_split[a][0][0] == 0


def test_a_node_moved_to_another_sector_charges_its_unowned_slices_anew():
    state = FleetState(inventory(), default_registry())
    uni = state.org_ids.index("uni")
    state.apply(
        PollBatch(
            T0, packed=packed(["c-node"], [[1.0, 2.0, 3.0, 4.0]], split=(((0, ((None, 1.0),)),),))
        )
    )
    c = row(state.snapshot(T0), "c-node")
    assert state.snapshot(T0).node_energy_split[c] == ((0, ((uni, 1.0),)),)
    assert state.reallocate({"c-node": Sector.PUBLIC})
    # uni is no public organisation: the node works for the public pool (no organisation)
    assert state.snapshot(T0).node_energy_split[c] == ((0, ((-1, 1.0),)),)


def test_subset_cuts_the_energy_fields_with_the_rest():
    state = FleetState(inventory(), default_registry())
    split_d = ((1, (("lee", 0.5), (None, 0.5))),)
    state.apply(
        PollBatch(
            T0,
            packed=packed(
                ["a-node", "d-node"],
                [[1.0, 2.0], [7.0, 8.0]],
                estimated=[[True, False], [False, True]],
                cpu=[100.0, 200.0],
                split=((), split_d),
            ),
        )
    )
    snap = state.snapshot(T0)
    a, d = row(snap, "a-node"), row(snap, "d-node")
    part = snap.subset(np.array([d, a]))
    assert part.gpu_energy_j[:, :2].tolist() == [[7.0, 8.0], [1.0, 2.0]]
    assert part.gpu_energy_estimated[:, :2].tolist() == [[False, True], [True, False]]
    assert part.node_cpu_energy_j.tolist() == [200.0, 100.0]
    lab, uni = state.org_ids.index("lab"), state.org_ids.index("uni")
    assert part.node_energy_split == (((1, ((uni, 0.5), (lab, 0.5))),), ())
    assert not part.gpu_energy_j.flags.writeable


def test_samples_through_pack_bring_the_wire_s_energy_and_mig_split():
    """NodeSamples as the collectors hand them over: pack() makes the arrays, the state keeps
    them; the MIG GPU's 3g slice runs kim's work (lab), the rest is the node's (uni)."""
    from console.fleet.model import GpuProcess, MigDevice, NodeInfo

    state = FleetState(inventory(), default_registry())
    lab, uni = state.org_ids.index("lab"), state.org_ids.index("uni")
    migs = (
        MigDevice(0, "MIG-a", "3g.40gb", 100.0, 40000.0, gpu_instance_id=1),
        MigDevice(1, "MIG-b", "2g.20gb", 0.0, 20000.0, gpu_instance_id=2),
    )
    kim = GpuProcess(7, "kim", 100.0, gpu_instance_id=1)
    gpus = (
        GpuSample(0, util_gpu=50.0, energy_j=1e9 + 0.25, energy_estimated=False),
        GpuSample(
            1,
            util_gpu=50.0,
            name="NVIDIA A100-SXM4-80GB",
            mig_mode=True,
            mig_devices=migs,
            processes=(kim,),
            energy_j=5.0,
            energy_estimated=True,
        ),
    )
    info = NodeInfo(cpu_energy_j=12345.5)
    state.apply(PollBatch(T0, samples=(NodeSample("c-node", T0, gpus, info=info),)))
    snap = state.snapshot(T0)
    c = row(snap, "c-node")
    assert snap.gpu_energy_j[c, :2].tolist() == [1e9 + 0.25, 5.0]
    assert snap.gpu_energy_estimated[c, :2].tolist() == [False, True]
    assert snap.node_cpu_energy_j[c] == 12345.5
    ((col, parts),) = snap.node_energy_split[c]
    assert col == 1
    assert dict(parts) == pytest.approx({lab: 3 / 7, uni: 4 / 7})
