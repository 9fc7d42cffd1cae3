"""The heatmap grid: every GPU exactly once, sectors apart, cells as large as the area allows."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.fleet.heatmap import compute_layout


def fleet(counts: tuple[int, int, int], gpus: int = 8) -> tuple[np.ndarray, np.ndarray]:
    sector = np.repeat([0, 1, 2], counts)
    return sector, np.full(len(sector), gpus)


@pytest.mark.parametrize("counts", [(19, 17, 12), (800, 700, 500), (1, 1, 1), (5, 0, 3)])
@pytest.mark.parametrize("area", [(800, 500), (400, 900), (1900, 300)])
def test_every_gpu_has_exactly_one_cell(counts, area):
    sector, gpus = fleet(counts)
    lay = compute_layout(sector, gpus, *area)
    cells = {
        (int(n), int(g))
        for n, g in zip(lay.cell_node.ravel(), lay.cell_gpu.ravel(), strict=True)
        if n >= 0
    }
    assert len(cells) == int(gpus.sum()) == int((lay.cell_node >= 0).sum())
    assert cells == {(n, g) for n in range(len(sector)) for g in range(8)}


def test_a_node_is_one_column_and_sectors_do_not_share_a_band():
    sector, gpus = fleet((19, 17, 12))
    lay = compute_layout(sector, gpus, 800, 500)
    for node in range(len(sector)):
        ys, xs = np.nonzero(lay.cell_node == node)
        assert len(set(xs)) == 1 and list(np.sort(ys)) == list(range(ys.min(), ys.min() + 8))
    # blocks of different sectors never overlap: their bounding boxes are disjoint
    boxes = []
    for s in range(3):
        ys, xs = np.nonzero(np.isin(lay.cell_node, np.flatnonzero(sector == s)))
        boxes.append((xs.min(), xs.max(), ys.min(), ys.max()))
    for i in range(3):
        for j in range(i + 1, 3):
            a, b = boxes[i], boxes[j]
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]


def test_wide_area_sets_small_fleets_side_by_side_and_tall_area_stacks():
    sector, gpus = fleet((19, 17, 12))
    wide = compute_layout(sector, gpus, 1200, 300)
    tall = compute_layout(sector, gpus, 300, 1200)
    assert len({y for _, y in wide.sector_origin}) == 1  # same top: side by side
    assert len({x for x, _ in tall.sector_origin}) == 1  # same left: stacked


def test_cells_fill_the_area_reasonably_for_a_large_fleet():
    sector, gpus = fleet((800, 700, 500))
    lay = compute_layout(sector, gpus, 800, 500)
    rows, cols = lay.shape
    cell = min(800 / cols, 500 / rows)
    used = (cols * cell) * (rows * cell) / (800 * 500)
    assert used > 0.5, f"grid {rows}x{cols} uses only {used:.0%} of the area"


def test_sectors_side_by_side_stay_visibly_apart_at_10000_nodes():
    """At 10,000 nodes a column is about 1.5 px: the gap between sectors is kept in pixels
    (SECTOR_GAP_PX), not only in columns, so the blocks do not run into each other."""
    from widgets.fleet.heatmap import SECTOR_GAP_PX

    sector, gpus = fleet((4000, 3500, 2500))
    lay = compute_layout(sector, gpus, 1030, 330)  # the heatmap's area in a 1920×1080 window
    assert len({y for _, y in lay.sector_origin}) == 1  # side by side, as the screenshot shows
    rows, cols = lay.shape
    cell = min(1030 / cols, 330 / rows)
    assert cell < 3  # the case in question: sub-3-pixel cells
    for s in range(2):
        xs = np.nonzero(np.isin(lay.cell_node, np.flatnonzero(sector == s)))[1]
        nxt = np.nonzero(np.isin(lay.cell_node, np.flatnonzero(sector == s + 1)))[1]
        assert (nxt.min() - xs.max() - 1) * cell >= SECTOR_GAP_PX
