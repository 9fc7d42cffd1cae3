"""Packing the energy fields: counters in float64, the estimated flag, RAPL joules, and each MIG
GPU's energy split by its instances' slices (adding up to 1; idle and unallocated slices → None),
from v1 NodeSamples and v2 CompactSamples alike; merge() keeps them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.fleet.compact import CompactSample
from console.fleet.model import GpuProcess, GpuSample, MigDevice, NodeInfo, NodeSample
from console.fleet.packing import GPU_FIELDS, merge, mig_energy_split, pack

H100 = "NVIDIA H100 80GB HBM3"


def mig(index, profile, instance):
    return MigDevice(index, f"MIG-{index}", f"{H100} MIG {profile}", gpu_instance_id=instance)


def proc(pid, user, used, instance):
    return GpuProcess(pid, user, used, "python x.py", gpu_instance_id=instance)


def mig_gpu(index=0, processes=()):
    devices = (mig(0, "3g.40gb", 1), mig(1, "2g.20gb", 5), mig(2, "1g.10gb", 13))
    return GpuSample(
        index, name=H100, mig_mode=True, mig_devices=devices, processes=tuple(processes),
        energy_j=1_000.0, energy_estimated=False, power_w=300.0,
    )  # fmt: skip


def test_split_by_slices_largest_process_per_instance_idle_and_unallocated_to_none():
    gpu = mig_gpu(
        processes=(
            proc(1, "kim", 100.0, 1), proc(2, "lee", 30_000.0, 1),  # lee holds more of GI 1
            proc(3, "park", 5_000.0, 5),
        )
    )  # fmt: skip
    split = dict(mig_energy_split(gpu.name, gpu.mig_devices, gpu.processes))
    # GI 1 (3g) → lee 3/7; GI 5 (2g) → park 2/7; GI 13 (1g) idle and 1 slice unallocated → None
    assert split == pytest.approx({"lee": 3 / 7, "park": 2 / 7, None: 2 / 7})
    assert math.isclose(sum(split.values()), 1.0)


def test_one_user_in_two_instances_is_one_share_and_a_full_gpu_leaves_no_owner_share():
    devices = (mig(0, "3g.40gb", 1), mig(1, "3g.40gb", 2), mig(2, "1g.10gb", 9))
    processes = (proc(1, "kim", 1.0, 1), proc(2, "kim", 1.0, 2), proc(3, "lee", 1.0, 9))
    split = mig_energy_split(H100, devices, processes)
    assert dict(split) == pytest.approx({"kim": 6 / 7, "lee": 1 / 7})
    assert math.isclose(sum(f for _, f in split), 1.0)


def test_compute_instances_of_one_gpu_instance_count_its_slices_once():
    devices = tuple(
        MigDevice(i, f"MIG-{i}", f"{H100} MIG 1c.3g.40gb", gpu_instance_id=2) for i in range(3)
    )
    split = mig_energy_split(H100, devices, (proc(1, "kim", 1.0, 2),))
    assert dict(split) == pytest.approx({"kim": 3 / 7, None: 4 / 7})


def test_no_instances_unknown_profiles_and_other_slice_counts():
    assert mig_energy_split(H100, (), ()) == ((None, 1.0),)
    odd = (MigDevice(0, "MIG-0", "mystery", gpu_instance_id=1),)
    assert mig_energy_split(H100, odd, (proc(1, "kim", 1.0, 1),)) == ((None, 1.0),)
    a30 = (mig(0, "2g.12gb", 1), mig(1, "2g.12gb", 2))
    split = mig_energy_split("NVIDIA A30", a30, (proc(1, "kim", 1.0, 1),))
    assert dict(split) == pytest.approx({"kim": 0.5, None: 0.5})  # an A30 has 4 slices
    # more slices than a GPU has (garbage): shares are of their sum, never over 1
    many = tuple(mig(i, "3g.40gb", i) for i in range(4))
    split = mig_energy_split(H100, many, tuple(proc(i, f"u{i}", 1.0, i) for i in range(4)))
    assert math.isclose(sum(f for _, f in split), 1.0) and len(split) == 4


def test_pack_v1_energy_counters_flags_cpu_energy_and_split():
    samples = (
        NodeSample(
            "a", 1.0,
            (
                GpuSample(0, energy_j=40_197_000_490.905, energy_estimated=False),
                GpuSample(1, energy_j=None),
                GpuSample(2, lost=True),
            ),
            info=NodeInfo(hostname="a", cpu_energy_j=12.5),
        ),
        NodeSample("b", 1.0, (mig_gpu(3, (proc(1, "kim", 1.0, 5),)),)),
        NodeSample("c", 1.0, (GpuSample(0, energy_j=5.0, energy_estimated=True),)),
    )  # fmt: skip
    p = pack(samples)
    assert p.energy_j.dtype == np.float64 and p.energy_j.shape == (3, 4)
    assert p.energy_j[0, 0] == 40_197_000_490.905  # float32 would be off by kilojoules
    assert np.isnan(p.energy_j[0, 1:]).all() and p.energy_j[1, 3] == 1_000.0
    assert p.energy_estimated.tolist() == [
        [False] * 4, [False] * 4, [True, False, False, False],
    ]  # fmt: skip
    assert p.cpu_energy_j[0] == 12.5 and np.isnan(p.cpu_energy_j[1:]).all()
    assert p.energy_split[0] == () and p.energy_split[2] == ()
    (column, split), = p.energy_split[1]
    assert column == 3 and dict(split) == pytest.approx({"kim": 2 / 7, None: 5 / 7})


def test_pack_compact_samples_and_merge_keeps_energy():
    compact = CompactSample(
        host="v2", t=2.0, cpu_percent=None, cols=(0, 5),
        values=([None] * len(GPU_FIELDS), [None] * len(GPU_FIELDS)), users=(None, None),
        facts=(), disk_pct=float("nan"), energy_j=(7.5, None), energy_estimated=(True, None),
        cpu_energy_j=3.0, energy_split=((5, (("kim", 3 / 7), (None, 4 / 7))),),
    )  # fmt: skip
    v2 = pack([compact])
    assert v2.energy_j[0, 0] == 7.5 and np.isnan(v2.energy_j[0, 5])
    assert v2.energy_estimated[0].tolist() == [True] + [False] * 5
    assert v2.cpu_energy_j.tolist() == [3.0]
    assert v2.energy_split == (((5, (("kim", 3 / 7), (None, 4 / 7))),),)

    old = pack([NodeSample("v2", 1.0, (GpuSample(0, energy_j=1.0),)), NodeSample("x", 1.0, ())])
    m = merge([old, v2])
    row = {h: i for i, h in enumerate(m.hosts)}
    assert m.energy_j.shape == (2, 6) and m.energy_j[row["v2"], 0] == 7.5
    assert np.isnan(m.energy_j[row["x"]]).all()
    assert m.energy_estimated[row["v2"], 0] and m.cpu_energy_j[row["v2"]] == 3.0
    assert m.energy_split[row["v2"]] == v2.energy_split[0] and m.energy_split[row["x"]] == ()


def test_merge_of_packs_built_without_energy_fills_missing():
    bare = pack([NodeSample("a", 1.0, (GpuSample(0),))])
    bare = type(bare)(hosts=bare.hosts, t=bare.t, cpu_percent=bare.cpu_percent, gpu=bare.gpu)
    m = merge([bare, pack([NodeSample("b", 1.0, (GpuSample(1, energy_j=2.0),))])])
    assert np.isnan(m.energy_j[0]).all() and m.energy_j[1, 1] == 2.0
    assert not m.energy_estimated.any() and np.isnan(m.cpu_energy_j).all()
    assert m.energy_split == ((), ())
