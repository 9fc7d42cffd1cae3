"""Packing samples into arrays keeps missing values missing and drops impossible GPU indexes."""

from __future__ import annotations

import numpy as np

from console.fleet.model import GpuSample, NodeSample
from console.fleet.packing import GPU_FIELDS, merge, pack


def test_pack_ragged_nodes_missing_values_and_garbage_indexes():
    samples = (
        NodeSample(
            "a",
            1.0,
            (GpuSample(0, util_gpu=10, temp_c=40), GpuSample(1, util_gpu=None)),
            cpu_percent=12.5,
        ),
        NodeSample(
            "b",
            2.0,
            (
                GpuSample(3, util_gpu=99, power_w=500),
                GpuSample(-1, util_gpu=1),
                GpuSample(10_000, util_gpu=1),
            ),
        ),
        NodeSample("c", 3.0, ()),
    )
    p = pack(samples)
    assert p.hosts == ("a", "b", "c")
    assert p.gpu.shape[1:] == (3, 4)  # width from the highest valid index
    util = p.field("util_gpu")
    assert util[0, 0] == 10 and np.isnan(util[0, 1]) and np.isnan(util[0, 2:]).all()
    assert util[1, 3] == 99 and np.isnan(util[1, :3]).all()
    assert np.isnan(util[2]).all()
    assert p.field("temp_c")[0, 0] == 40 and p.field("power_w")[1, 3] == 500
    assert p.cpu_percent[0] == 12.5 and np.isnan(p.cpu_percent[1])
    assert list(p.t) == [1.0, 2.0, 3.0]


def test_pack_nothing():
    p = pack(())
    assert p.hosts == () and p.gpu.shape == (len(GPU_FIELDS), 0, 0)


def test_merge_keeps_each_nodes_newest_sample_and_pads_widths():
    old = pack(
        (
            NodeSample("a", 1.0, (GpuSample(0, util_gpu=1),)),
            NodeSample("b", 1.0, (GpuSample(0, util_gpu=2),)),
        )
    )
    new = pack((NodeSample("a", 2.0, (GpuSample(0, util_gpu=3), GpuSample(1, util_gpu=4))),))
    m = merge([old, new])
    assert sorted(m.hosts) == ["a", "b"]
    row = {h: i for i, h in enumerate(m.hosts)}
    util = m.field("util_gpu")
    assert m.gpu.shape[2] == 2
    assert list(util[row["a"]]) == [3, 4] and m.t[row["a"]] == 2.0
    assert util[row["b"], 0] == 2 and np.isnan(util[row["b"], 1])
    assert merge([old]) is old
