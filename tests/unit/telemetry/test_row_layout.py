"""RowLayout.read (a flush's rows at once, in arrays) gives exactly what the row-by-row reading
gives (numbers/joules: v1's checks), for every kind of value a probe may send."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pytest

from console.fleet.packing import GPU_FIELDS
from console.telemetry.row_layout import RowLayout, _table

FIELDS = ("util_gpu", "mem_used_mib", "temp_c", "temp_mem_c", "power_w", "fan_pct", "energy_mj")
EDGES = (
    0, 0.0, -0.0, 1, 55.5, 100, 100.0, 100.00000000001, -1e-9, -5, 1e6, None,
    float("nan"), float("inf"), float("-inf"), True, False, "12", "hot", [1], {"a": 1},
    2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**63 + 1, -(2**63) - 1, 10**400,
    9.3e15, 1e300, 19_782_789_771_343,
)  # fmt: skip


@dataclass
class Row:
    rows: list
    layout: RowLayout


def row_by_row(samples) -> tuple[np.ndarray, np.ndarray]:
    values, energy = [], []
    for s in samples:
        values.extend(s.layout.numbers(s.rows))
        energy.extend(s.layout.joules(s.rows))
    return (np.asarray(values, dtype=np.float32).reshape(-1, len(GPU_FIELDS)),
            np.asarray(energy, dtype=np.float64).reshape(-1))  # fmt: skip


def assert_same(samples) -> None:
    fast_v, fast_e = samples[0].layout.read(samples)
    slow_v, slow_e = row_by_row(samples)
    assert fast_v.dtype == np.float32 and fast_e.dtype == np.float64
    np.testing.assert_array_equal(fast_v, slow_v)
    np.testing.assert_array_equal(fast_e, slow_e)


def layout(fields=FIELDS, gpus=2, mem_total=81_559) -> RowLayout:
    return RowLayout(tuple(fields), [{"index": i, "mem_total_mib": mem_total} for i in range(gpus)])


def test_plain_numbers_and_nulls_take_the_array_way_and_agree():
    lay = layout()
    samples = [Row([[95, 57, 70, None, 622.41, None, 19_782_789_771_343],
                    [0.0, 0, -3, 41, 0, 30, 0]], lay)] * 3  # fmt: skip
    assert _table([r for s in samples for r in s.rows], len(FIELDS)) is not None  # the fast way
    assert _table([[1, "hot", 3, 4, 5, 6, 7]], len(FIELDS)) is None
    assert _table([[2**53, 2, 3, 4, 5, 6, 7]], len(FIELDS)) is None
    assert_same(samples)
    values, energy = lay.read(samples)
    assert values[0].tolist()[:3] == [95.0, 57.0, 81_559.0]  # mem_total from the header
    assert energy[0] == 19_782_789_771.343


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_each_kind_of_value_in_every_column_agrees(value):
    lay = layout()
    for column in range(len(FIELDS)):
        row = [50, 1000, 40, 45, 300.0, 20, 5_000]
        row[column] = value
        assert_same([Row([row, [1, 2, 3, 4, 5, 6, 7]], lay), Row([[7, 6, 5, 4, 3, 2, 1]] * 2, lay)])


def test_random_rows_of_many_nodes_agree():
    rng = random.Random(20261204)
    lays = [layout(gpus=g, mem_total=rng.choice((None, 40_960, -1, "x"))) for g in (1, 2, 8)]
    for _ in range(400):
        samples = []
        for _ in range(rng.randint(1, 6)):
            lay = rng.choice(lays)
            samples.append(Row([[rng.choice(EDGES) if rng.random() < 0.15 else rng.uniform(-10, 200)
                                 for _ in FIELDS] for _ in lay.static], lay))  # fmt: skip
        assert_same(samples)


def test_headers_without_energy_or_with_every_field_static():
    assert_same([Row([[1, 2]], RowLayout(("util_gpu", "power_w"), [{"index": 0}]))])
    bare = RowLayout((), [{"index": 0, "temp_c": 30, "util_gpu": 101}, {"index": 1}])
    assert_same([Row([[], []], bare)])
    values, energy = bare.read([Row([[], []], bare)])
    assert np.isnan(values[0, 0]) and values[0, 3] == 30.0 and np.isnan(energy).all()
    assert [a.shape for a in bare.read([])] == [(0, len(GPU_FIELDS)), (0,)]
